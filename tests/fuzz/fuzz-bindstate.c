/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bind's state file (plan/bind.h): whatever parses formats back to text that parses to the
 * same text (a fixed point), every value it accepted is a plain word, and a rejected input
 * names its line.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/bind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void assert_word(const char *s)
{
	assert(!s || (*s && strcmp(s, "-") != 0 && !strpbrk(s, " \t\n")));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_strbuf a = {0}, b = {0};
	struct pt_bind_state s, s2;
	unsigned line;

	if (pt_bind_state_parse((const char *)data, size, &s, &line) < 0) {
		assert(line >= 1);
		return 0;
	}
	for (size_t i = 0; i < s.n; i++) {
		assert_word(s.v[i].driver);
		assert_word(s.v[i].override);
		assert(pt_bind_state_find(&s, s.v[i].slot) == &s.v[i]);
	}
	assert(pt_bind_state_format(&s, &a) == 0);
	assert(pt_bind_state_parse(a.buf ? a.buf : "", a.len, &s2, &line) == 0);
	assert(s2.n == s.n);
	assert(pt_bind_state_format(&s2, &b) == 0);
	assert(a.len == b.len && (a.len == 0 || memcmp(a.buf, b.buf, a.len) == 0));
	pt_bind_state_done(&s);
	pt_bind_state_done(&s2);
	pt_strbuf_done(&a);
	pt_strbuf_done(&b);
	return 0;
}
