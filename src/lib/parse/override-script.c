/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "parse/override-script.h"

int pt_override_script_parse(const char *buf, size_t len, struct pt_strv *lines,
			     struct pt_strv *slots)
{
	const char *p = buf, *end = buf ? buf + len : NULL;
	int e = 0;

	while (p && p < end && e >= 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char slot[32], line[96];
		unsigned ven, dev;
		int used = 0;

		/* sscanf stops at a NUL: a line holding one is not in the planner's form. */
		if (n < sizeof(line) && !memchr(p, '\0', n)) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (sscanf(line, "override %31[0-9a-f:.] 0x%4x 0x%4x%n", slot, &ven, &dev,
				   &used) == 3 &&
			    (size_t)used == n) {
				e = pt_strv_push(lines, line);
				if (e >= 0)
					e = pt_strv_push(slots, slot);
			}
		}
		p += n + 1;
	}
	return e < 0 ? e : 0;
}
