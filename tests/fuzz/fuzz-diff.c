/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The unified diff on arbitrary bytes: the input is two files separated by the first NUL
 * (no NUL: a new file). Equal sides give nothing; otherwise the hunk line counts add up to
 * the lines shown.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *nul = memchr(buf, '\0', size);
	const char *a = nul ? buf : NULL, *b = nul ? nul + 1 : buf;
	size_t alen = nul ? (size_t)(nul - buf) : 0, blen = nul ? size - alen - 1 : size;
	struct pt_strbuf out = {0};
	unsigned long as = 0, al = 0, bs = 0, bl = 0;

	assert(pt_diff_unified("/f", a, alen, b, blen, &out) == 0);
	if (a && alen == blen && memcmp(a, b, alen) == 0) {
		assert(out.len == 0);
		return 0;
	}
	/* Walk the hunks: each counts its ' ', '-' and '+' lines. */
	/* Past the two header lines. */
	const char *p = out.buf;
	assert(p && strncmp(p, "--- ", 4) == 0);
	p = strchr(p, '\n') + 1;
	assert(strncmp(p, "+++ ", 4) == 0);
	p = strchr(p, '\n') + 1;
	while (*p) {
		const char *nl = strchr(p, '\n');

		assert(nl);
		if (p[0] == '@') {
			assert(al == 0 && bl == 0);
			if (sscanf(p, "@@ -%lu,%lu +", &as, &al) != 2)
				al = 1;
			const char *plus = strstr(p, " +");
			assert(plus);
			if (sscanf(plus, " +%lu,%lu", &bs, &bl) != 2)
				bl = 1;
		} else if (p[0] == ' ') {
			assert(al-- > 0 && bl-- > 0);
		} else if (p[0] == '-') {
			assert(al-- > 0);
		} else if (p[0] == '+') {
			assert(bl-- > 0);
		} else {
			assert(p[0] == '\\');
		}
		p = nl + 1;
	}
	assert(al == 0 && bl == 0);
	pt_strbuf_done(&out);
	return 0;
}
