/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/iomem.h"
#include "util/lines.h"
#include "util/macro.h"
#include "util/parse-num.h"

/* Deepest nesting kept; deeper lines are skipped as bad (the kernel nests a few levels). */
#define MAX_DEPTH 32

static int parse_hex(const char *s, size_t len, uint64_t *ret)
{
	return pt_parse_u64(s, len, 16, UINT64_MAX, ret);
}

/* One line without its newline: "  a0000000-afffffff : 0000:01:00.0". */
static int parse_line(const char *s, size_t len, struct pt_iomem_entry *e)
{
	size_t sp = 0, dash, colon;
	const char *name;
	size_t nlen;

	while (sp < len && s[sp] == ' ')
		sp++;
	if (sp % 2 || sp / 2 > MAX_DEPTH)
		return -EINVAL;
	s += sp;
	len -= sp;
	for (dash = 0; dash < len && s[dash] != '-'; dash++)
		;
	for (colon = dash; colon + 2 < len && memcmp(s + colon, " : ", 3) != 0; colon++)
		;
	if (dash == 0 || dash >= len || colon + 2 >= len)
		return -EINVAL;
	if (parse_hex(s, dash, &e->start) < 0 ||
	    parse_hex(s + dash + 1, colon - dash - 1, &e->end) < 0 || e->end < e->start)
		return -EINVAL;
	name = s + colon + 3;
	nlen = len - colon - 3;
	e->depth = (unsigned)(sp / 2);
	e->name = strndup(name, nlen);
	return e->name ? 0 : -ENOMEM;
}

int pt_iomem_parse(const char *buf, size_t len, struct pt_iomem *ret)
{
	long stack[MAX_DEPTH + 1];
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *line;
	size_t cap = 0, l;
	bool nonzero = false;

	*ret = (struct pt_iomem){0};
	while (pt_lines_next(&it, &line, &l)) {
		struct pt_iomem_entry e = {0};
		int r;

		if (l == 0)
			continue;
		if (memchr(line, '\0', l) || (r = parse_line(line, l, &e)) == -EINVAL) {
			ret->nbad++;
			continue;
		}
		if (r < 0)
			goto oom;
		/* A line deeper than one level below its predecessor has no parent: bad. */
		if (e.depth > 0 && (ret->n == 0 || e.depth > ret->v[ret->n - 1].depth + 1)) {
			free(e.name);
			ret->nbad++;
			continue;
		}
		e.parent = e.depth ? stack[e.depth - 1] : -1;
		if (ret->n == cap) {
			struct pt_iomem_entry *v;

			cap = cap ? cap * 2 : 64;
			v = realloc(ret->v, cap * sizeof(*v));
			if (!v) {
				free(e.name);
				goto oom;
			}
			ret->v = v;
		}
		stack[e.depth] = (long)ret->n;
		nonzero = nonzero || e.start || e.end;
		ret->v[ret->n++] = e;
	}
	ret->addresses_hidden = ret->n > 0 && !nonzero;
	return 0;
oom:
	pt_iomem_done(ret);
	return -ENOMEM;
}

void pt_iomem_done(struct pt_iomem *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].name);
	free(m->v);
	*m = (struct pt_iomem){0};
}

bool pt_iomem_is_framebuffer(const char *name)
{
	/*
	 * sysfb's platform device (linux drivers/firmware/sysfb*.c: "BOOTFB"), and the drivers
	 * that claim it: efifb, vesafb, simplefb, simpledrm (PVE kernels) and its platform
	 * device's name.
	 */
	static const char *const names[] = {"BOOTFB",
					    "efifb",
					    "vesafb",
					    "simplefb",
					    "simpledrm",
					    "simple-framebuffer",
					    "simple-framebuffer.0",
					    NULL};

	for (size_t i = 0; names[i]; i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}
