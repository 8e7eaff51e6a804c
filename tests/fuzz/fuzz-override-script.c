/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The init-top script's override lines: every line accepted is one the planner could have
 * written (the exact form, one per slot found), and a line it accepted parses again alone.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse/override-script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_strv lines = {0}, slots = {0};

	if (pt_override_script_parse((const char *)data, size, &lines, &slots) < 0)
		return 0;
	assert(lines.n == slots.n);
	for (size_t i = 0; i < lines.n; i++) {
		struct pt_strv l2 = {0}, s2 = {0};

		assert(strncmp(lines.v[i], "override ", 9) == 0 && strstr(lines.v[i], slots.v[i]));
		assert(pt_override_script_parse(lines.v[i], strlen(lines.v[i]), &l2, &s2) == 0);
		assert(l2.n == 1 && strcmp(l2.v[0], lines.v[i]) == 0 &&
		       strcmp(s2.v[0], slots.v[i]) == 0);
		pt_strv_done(&l2);
		pt_strv_done(&s2);
	}
	pt_strv_done(&lines);
	pt_strv_done(&slots);
	return 0;
}
