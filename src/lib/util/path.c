/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "strbuf.h"

static int fold(struct pt_strbuf *sb, const char *s, size_t n)
{
	size_t i = 0;
	int e = 0;

	while (i < n && e >= 0) {
		size_t len;

		while (i < n && s[i] == '/')
			i++;
		len = 0;
		while (i + len < n && s[i + len] != '/')
			len++;
		if (len == 2 && s[i] == '.' && s[i + 1] == '.') {
			char *slash = sb->len ? strrchr(sb->buf, '/') : NULL;

			if (slash) {
				sb->len = (size_t)(slash - sb->buf);
				sb->buf[sb->len] = '\0';
			}
		} else if (len && !(len == 1 && s[i] == '.')) {
			e = pt_strbuf_putc(sb, '/');
			if (e >= 0)
				e = pt_strbuf_append(sb, s + i, len);
		}
		i += len;
	}
	return e;
}

char *pt_path_resolve_link(const char *link_path, const char *target)
{
	struct pt_strbuf sb = {0};
	const char *slash = strrchr(link_path, '/');
	int e = 0;

	if (target[0] != '/' && slash)
		e = fold(&sb, link_path, (size_t)(slash - link_path));
	if (e >= 0)
		e = fold(&sb, target, strlen(target));
	if (e >= 0 && sb.len == 0)
		e = pt_strbuf_putc(&sb, '/');
	if (e < 0) {
		pt_strbuf_done(&sb);
		return NULL;
	}
	return pt_strbuf_steal(&sb);
}
