/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "parse/route.h"
#include "util/lines.h"
#include "util/macro.h"
#include "util/parse-num.h"

/* Columns used: Iface 0, Destination 1, Gateway 2, Flags 3, Metric 6, Mask 7. */
#define NCOLS 8

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int parse_line(const char *line, size_t l, struct pt_route *rt)
{
	const char *f[NCOLS];
	size_t flen[NCOLS], p = 0;
	uint32_t flags;

	for (size_t k = 0; k < NCOLS; k++) {
		while (p < l && is_space(line[p]))
			p++;
		f[k] = line + p;
		while (p < l && !is_space(line[p]))
			p++;
		flen[k] = (size_t)(line + p - f[k]);
		if (!flen[k])
			return -EINVAL;
	}
	if (memchr(f[0], '\0', flen[0]) || pt_parse_u32(f[1], flen[1], 16, &rt->destination) < 0 ||
	    pt_parse_u32(f[2], flen[2], 16, &rt->gateway) < 0 ||
	    pt_parse_u32(f[3], flen[3], 16, &flags) < 0 ||
	    pt_parse_u32(f[6], flen[6], 10, &rt->metric) < 0 ||
	    pt_parse_u32(f[7], flen[7], 16, &rt->mask) < 0)
		return -EINVAL;
	rt->flags = flags;
	rt->iface = strndup(f[0], flen[0]);
	return rt->iface ? 0 : -ENOMEM;
}

int pt_routes_parse(const char *buf, size_t len, struct pt_routes *ret)
{
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *line;
	size_t cap = 0, l;

	*ret = (struct pt_routes){0};
	while (pt_lines_next(&it, &line, &l)) {
		struct pt_route rt = {0};
		int e;

		if (l == 0 || (l >= 5 && memcmp(line, "Iface", 5) == 0))
			continue;
		e = parse_line(line, l, &rt);
		if (e == -EINVAL) {
			ret->nbad++;
			continue;
		}
		if (e >= 0 && ret->n == cap) {
			struct pt_route *v = realloc(ret->v, (cap ? cap * 2 : 16) * sizeof(*v));

			if (v) {
				ret->v = v;
				cap = cap ? cap * 2 : 16;
			}
		}
		if (e < 0 || ret->n >= cap) {
			free(rt.iface);
			pt_routes_done(ret);
			return -ENOMEM;
		}
		ret->v[ret->n++] = rt;
	}
	return 0;
}

void pt_routes_done(struct pt_routes *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].iface);
	free(r->v);
	*r = (struct pt_routes){0};
}

static bool is_default(const struct pt_route *rt)
{
	return (rt->flags & PT_RTF_UP) && rt->destination == 0 && rt->mask == 0;
}

bool pt_routes_is_default(const struct pt_routes *r, size_t i)
{
	if (i >= r->n || !is_default(&r->v[i]))
		return false;
	for (size_t k = 0; k < r->n; k++)
		if (is_default(&r->v[k]) && r->v[k].metric < r->v[i].metric)
			return false;
	return true;
}
