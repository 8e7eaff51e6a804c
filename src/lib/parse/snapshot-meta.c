/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parse/snapshot-meta.h"
#include "util/lines.h"
#include "util/macro.h"
#include "util/parse-num.h"

void pt_snapshot_meta_done(struct pt_snapshot_meta *m)
{
	free(m->tool);
	free(m->date);
	free(m->kernel_release);
	free(m->machine);
	*m = (struct pt_snapshot_meta){.page_size = -1, .euid = -1};
}

static bool key_is(const char *key, size_t klen, const char *want)
{
	return klen == strlen(want) && memcmp(key, want, klen) == 0;
}

static int set_string(char **field, const char *v, size_t vlen)
{
	char *s;

	/* Values are single-line text; a NUL inside one is corruption. */
	if (memchr(v, '\0', vlen))
		return -EINVAL;
	s = strndup(v, vlen);
	if (!s)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

static int set_long(long *field, const char *v, size_t vlen)
{
	int64_t n;

	if (pt_parse_i64(v, vlen, 0, INT32_MAX, &n) < 0)
		return -EINVAL;
	*field = (long)n;
	return 0;
}

static int apply(struct pt_snapshot_meta *m, const char *key, size_t klen, const char *v,
		 size_t vlen)
{
	long format = 0;
	int r;

	if (key_is(key, klen, "format")) {
		r = set_long(&format, v, vlen);
		m->format = (int)format;
		return r;
	}
	if (key_is(key, klen, "tool"))
		return set_string(&m->tool, v, vlen);
	if (key_is(key, klen, "date"))
		return set_string(&m->date, v, vlen);
	if (key_is(key, klen, "kernel_release"))
		return set_string(&m->kernel_release, v, vlen);
	if (key_is(key, klen, "machine"))
		return set_string(&m->machine, v, vlen);
	if (key_is(key, klen, "page_size"))
		return set_long(&m->page_size, v, vlen);
	if (key_is(key, klen, "euid"))
		return set_long(&m->euid, v, vlen);
	return 0;
}

int pt_snapshot_meta_parse(const char *buf, size_t len, struct pt_snapshot_meta *ret,
			   unsigned *ret_line)
{
	struct pt_snapshot_meta m = {.page_size = -1, .euid = -1};
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *s;
	size_t n;

	while (pt_lines_next(&it, &s, &n)) {
		const char *eq;
		size_t klen;
		int r;

		n = pt_strip(&s, n);
		if (n == 0 || s[0] == '#')
			continue;
		eq = memchr(s, '=', n);
		klen = eq ? (size_t)(eq - s) : 0;
		r = eq && klen ? apply(&m, s, klen, eq + 1, n - klen - 1) : -EINVAL;
		if (r < 0) {
			pt_snapshot_meta_done(&m);
			if (ret_line)
				*ret_line = it.no;
			return r;
		}
	}
	*ret = m;
	return 0;
}
