/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/overrides.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_overrides o;

	if (pt_overrides_parse((const char *)data, size, &o) < 0)
		return 0;
	assert(o.lines.n == o.slots.n);
	for (size_t i = 0; i < o.lines.n; i++) {
		assert(strncmp(o.lines.v[i], "override ", 9) == 0 && strlen(o.lines.v[i]) <= size);
		assert(strstr(o.lines.v[i], o.slots.v[i]) == o.lines.v[i] + 9);
	}
	pt_overrides_done(&o);
	return 0;
}
