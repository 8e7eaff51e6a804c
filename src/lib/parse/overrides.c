/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse/overrides.h"
#include "util/lines.h"

void pt_overrides_done(struct pt_overrides *o)
{
	pt_strv_done(&o->lines);
	pt_strv_done(&o->slots);
}

int pt_overrides_parse(const char *buf, size_t len, struct pt_overrides *ret)
{
	struct pt_overrides o = {0};
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *p;
	size_t n;
	int e = 0;

	while (e >= 0 && pt_lines_next(&it, &p, &n)) {
		char slot[32], line[96];
		unsigned ven, dev;
		int used = 0;

		/* Exactly the line passthru writes: nothing before, after or in between. */
		if (n >= sizeof(line))
			continue;
		memcpy(line, p, n);
		line[n] = '\0';
		if (sscanf(line, "override %31[0-9a-f:.] 0x%4x 0x%4x%n", slot, &ven, &dev, &used) ==
			    3 &&
		    (size_t)used == n) {
			e = pt_strv_push(&o.lines, line);
			if (e >= 0)
				e = pt_strv_push(&o.slots, slot);
		}
	}
	if (e < 0) {
		pt_overrides_done(&o);
		return e;
	}
	*ret = o;
	return 0;
}
