/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parse/mounts.h"
#include "util/lines.h"
#include "util/macro.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* One field, "\ooo" escapes decoded; a NUL byte it would produce is kept as "\000". */
static char *unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && is_octal(s[i + 1]) && is_octal(s[i + 2]) &&
		    is_octal(s[i + 3])) {
			unsigned v = (unsigned)(s[i + 1] - '0') * 64 +
				     (unsigned)(s[i + 2] - '0') * 8 + (unsigned)(s[i + 3] - '0');

			if (v != 0 && v < 256) {
				*o++ = (char)v;
				i += 3;
				continue;
			}
		}
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

int pt_mounts_parse(const char *buf, size_t len, struct pt_mounts *ret)
{
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *line;
	size_t cap = 0, l;

	*ret = (struct pt_mounts){0};
	while (pt_lines_next(&it, &line, &l)) {
		const char *f[3];
		size_t flen[3], p = 0, k;
		struct pt_mount m;

		for (k = 0; k < 3; k++) {
			while (p < l && is_space(line[p]))
				p++;
			f[k] = line + p;
			while (p < l && !is_space(line[p]) && line[p] != '\0')
				p++;
			flen[k] = (size_t)(line + p - f[k]);
			if (!flen[k])
				break;
		}
		if (k < 3) {
			if (l)
				ret->nbad++;
			continue;
		}
		m.source = unescape(f[0], flen[0]);
		m.target = unescape(f[1], flen[1]);
		m.fstype = unescape(f[2], flen[2]);
		if (m.source && m.target && m.fstype && ret->n == cap) {
			struct pt_mount *v = realloc(ret->v, (cap ? cap * 2 : 32) * sizeof(*v));

			if (v) {
				ret->v = v;
				cap = cap ? cap * 2 : 32;
			}
		}
		if (!m.source || !m.target || !m.fstype || ret->n >= cap) {
			free(m.source);
			free(m.target);
			free(m.fstype);
			pt_mounts_done(ret);
			return -ENOMEM;
		}
		ret->v[ret->n++] = m;
	}
	return 0;
}

void pt_mounts_done(struct pt_mounts *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].source);
		free(m->v[i].target);
		free(m->v[i].fstype);
	}
	free(m->v);
	*m = (struct pt_mounts){0};
}

const struct pt_mount *pt_mounts_find(const struct pt_mounts *m, const char *target)
{
	for (size_t i = m->n; i-- > 0;)
		if (streq(m->v[i].target, target))
			return &m->v[i];
	return NULL;
}
