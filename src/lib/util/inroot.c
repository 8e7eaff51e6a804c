/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inroot.h"
#include "strbuf.h"

/* Finds the next non-empty component of rest at *pos, skipping "." components. */
static bool next_component(const char *rest, size_t *pos, const char **ret, size_t *ret_len)
{
	size_t i = *pos;

	for (;;) {
		size_t start, len;

		while (rest[i] == '/')
			i++;
		if (!rest[i])
			return false;
		start = i;
		while (rest[i] && rest[i] != '/')
			i++;
		len = i - start;
		if (len == 1 && rest[start] == '.')
			continue;
		*ret = rest + start;
		*ret_len = len;
		*pos = i;
		return true;
	}
}

static bool only_dots_left(const char *rest, size_t pos)
{
	const char *c;
	size_t len;

	return !next_component(rest, &pos, &c, &len);
}

/* Replaces rest with target + "/" + the part of rest after pos. */
static int splice_link(struct pt_strbuf *rest, size_t pos, const char *target)
{
	struct pt_strbuf nb = {0};
	int r = pt_strbuf_puts(&nb, target);

	if (r >= 0)
		r = pt_strbuf_putc(&nb, '/');
	if (r >= 0)
		r = pt_strbuf_puts(&nb, pt_strbuf_str(rest) + pos);
	if (r < 0) {
		pt_strbuf_done(&nb);
		return r;
	}
	pt_strbuf_done(rest);
	*rest = nb;
	return 0;
}

static int follow(const struct pt_inroot_ops *ops, void *ctx, struct pt_strbuf *rest, size_t pos,
		  unsigned *links)
{
	char *target = NULL;
	int r;

	if (++*links > PT_INROOT_MAX_LINKS)
		return -ELOOP;
	r = ops->readlink(ctx, &target);
	if (r < 0)
		return r;
	ops->pop(ctx);
	if (target[0] == '/')
		ops->reset(ctx);
	r = splice_link(rest, pos, target);
	free(target);
	return r;
}

int pt_inroot_walk(const struct pt_inroot_ops *ops, void *ctx, const char *path, bool follow_last,
		   enum pt_inroot_type *ret_type)
{
	struct pt_strbuf rest = {0};
	enum pt_inroot_type type = PT_INROOT_DIR;
	unsigned links = 0, depth = 0;
	size_t pos = 0;
	int r;

	ops->reset(ctx);
	r = pt_strbuf_puts(&rest, path);
	while (r >= 0) {
		const char *c;
		size_t len;
		bool last;

		if (!next_component(pt_strbuf_str(&rest), &pos, &c, &len))
			break;
		if (type != PT_INROOT_DIR) {
			r = -ENOTDIR;
			break;
		}
		last = only_dots_left(pt_strbuf_str(&rest), pos);
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			ops->pop(ctx);
			depth = depth ? depth - 1 : 0;
			type = PT_INROOT_DIR;
			continue;
		}
		if (++depth > PT_INROOT_MAX_DEPTH) {
			r = -ENAMETOOLONG;
			break;
		}
		r = ops->push(ctx, c, len, &type);
		if (r < 0)
			break;
		if (type == PT_INROOT_LNK && (!last || follow_last)) {
			r = follow(ops, ctx, &rest, pos, &links);
			pos = 0;
			depth = 0; /* the backend knows its own depth; ours only bounds the walk */
			type = PT_INROOT_DIR;
		}
	}
	pt_strbuf_done(&rest);
	if (r >= 0)
		*ret_type = type;
	return r < 0 ? r : 0;
}
