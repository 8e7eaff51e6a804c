/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "util/lines.h"

bool pt_lines_next(struct pt_lines *it, const char **ret_line, size_t *ret_len)
{
	const char *s, *nl;
	size_t n;

	if (it->pos >= it->len)
		return false;
	s = it->buf + it->pos;
	nl = memchr(s, '\n', it->len - it->pos);
	n = nl ? (size_t)(nl - s) : it->len - it->pos;
	it->pos += n + (nl != NULL);
	it->no++;
	it->has_nl = nl != NULL;
	*ret_line = s;
	*ret_len = n;
	return true;
}
