/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/memtree.h"
#include "util/macro.h"
#include "util/strbuf.h"

struct pt_memnode {
	char *name;
	enum pt_inroot_type type;
	char *data; /* file contents, or symlink target (NUL-terminated) */
	size_t len;
	struct pt_memnode **kids; /* sorted by name */
	size_t nkids, cap;
};

struct pt_memtree {
	struct pt_memnode *top;	 /* what the archive held */
	struct pt_memnode *root; /* top, or its single top directory */
	size_t count;
	size_t total;
	/* Resolution state: the stack of nodes from root to the current position. */
	const struct pt_memnode *stack[PT_INROOT_MAX_DEPTH + PT_INROOT_MAX_LINKS + 2];
	size_t depth;
};

static void node_free(struct pt_memnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->data);
	free(n);
}

struct pt_memtree *pt_memtree_free(struct pt_memtree *t)
{
	if (t) {
		node_free(t->top);
		free(t);
	}
	return NULL;
}

/* Binary search; *ret_pos is where name is or would be inserted. */
static struct pt_memnode *find_kid(const struct pt_memnode *dir, const char *name, size_t len,
				   size_t *ret_pos)
{
	size_t lo = 0, hi = dir->nkids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = dir->kids[mid]->name;
		int c = strncmp(k, name, len);

		if (c == 0)
			c = k[len] ? 1 : 0;
		if (c == 0) {
			if (ret_pos)
				*ret_pos = mid;
			return dir->kids[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ret_pos)
		*ret_pos = lo;
	return NULL;
}

static struct pt_memnode *add_kid(struct pt_memnode *dir, const char *name, size_t len, size_t pos)
{
	struct pt_memnode *n;

	if (dir->nkids == dir->cap) {
		size_t cap = dir->cap ? dir->cap * 2 : 4;
		struct pt_memnode **k = realloc(dir->kids, cap * sizeof(*k));

		if (!k)
			return NULL;
		dir->kids = k;
		dir->cap = cap;
	}
	n = calloc(1, sizeof(*n));
	if (!n || !(n->name = strndup(name, len))) {
		free(n);
		return NULL;
	}
	n->type = PT_INROOT_DIR;
	memmove(dir->kids + pos + 1, dir->kids + pos, (dir->nkids - pos) * sizeof(*dir->kids));
	dir->kids[pos] = n;
	dir->nkids++;
	return n;
}

/* Turns an existing node into an empty one of a new type (a later archive entry wins). */
static void node_reset(struct pt_memnode *n, enum pt_inroot_type type)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	n->nkids = 0;
	free(n->data);
	n->data = NULL;
	n->len = 0;
	n->type = type;
}

/* Sets *ret_error to before + arg + after and returns err. */
static int fail(char **ret_error, int err, const char *before, const char *arg, const char *after)
{
	if (ret_error && !*ret_error) {
		struct pt_strbuf sb = {0};

		if (pt_strbuf_puts(&sb, before) >= 0 && pt_strbuf_puts(&sb, arg) >= 0 &&
		    pt_strbuf_puts(&sb, after) >= 0)
			*ret_error = pt_strbuf_steal(&sb);
		else
			pt_strbuf_done(&sb);
	}
	return err;
}

/* The next component of path at *p, skipping empty and "." components; false at the end. */
static bool next_name(const char **p, const char **ret, size_t *ret_len)
{
	for (;;) {
		const char *s = *p;
		size_t len;

		while (*s == '/')
			s++;
		if (!*s)
			return false;
		len = strcspn(s, "/");
		*p = s + len;
		if (len == 1 && s[0] == '.')
			continue;
		*ret = s;
		*ret_len = len;
		return true;
	}
}

/*
 * Creates the directories of an archive path and returns the parent of its last component
 * plus that component (1), or 0 for the archive root itself. Absolute paths and ".." are
 * refused: a snapshot never names anything outside itself.
 */
static int place(struct pt_memtree *t, const char *path, struct pt_memnode **ret_parent,
		 const char **ret_name, size_t *ret_len, char **ret_error)
{
	struct pt_memnode *dir = t->top;
	const char *p = path, *name, *next;
	size_t len, next_len, depth = 0;
	bool more;

	if (path[0] == '/')
		return fail(ret_error, -EINVAL, "archive entry '", path, "' has an absolute path");
	if (!next_name(&p, &name, &len))
		return 0;
	do {
		if (len == 2 && name[0] == '.' && name[1] == '.')
			return fail(ret_error, -EINVAL, "archive entry '", path,
				    "' has a '..' component");
		if (++depth > PT_INROOT_MAX_DEPTH)
			return fail(ret_error, -EINVAL, "archive entry '", path,
				    "' is nested too deep");
		more = next_name(&p, &next, &next_len);
		if (more) {
			size_t pos;
			struct pt_memnode *kid = find_kid(dir, name, len, &pos);

			if (!kid && !(kid = add_kid(dir, name, len, pos)))
				return -ENOMEM;
			if (kid->type != PT_INROOT_DIR)
				node_reset(kid, PT_INROOT_DIR);
			dir = kid;
			name = next;
			len = next_len;
		}
	} while (more);
	*ret_parent = dir;
	*ret_name = name;
	*ret_len = len;
	return 1;
}

static struct pt_memnode *entry_node(struct pt_memnode *parent, const char *name, size_t len,
				     enum pt_inroot_type type)
{
	size_t pos;
	struct pt_memnode *n = find_kid(parent, name, len, &pos);

	if (!n)
		n = add_kid(parent, name, len, pos);
	if (n && !(type == PT_INROOT_DIR && n->type == PT_INROOT_DIR))
		node_reset(n, type);
	return n;
}

static int read_data(struct archive *a, struct pt_memtree *t, struct pt_memnode *n,
		     const char *path, char **ret_error)
{
	struct pt_strbuf sb = {0};
	char chunk[65536];
	la_ssize_t got;

	while ((got = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if (sb.len + (size_t)got > PT_MEMTREE_MAX_FILE ||
		    t->total + sb.len + (size_t)got > PT_MEMTREE_MAX_TOTAL) {
			pt_strbuf_done(&sb);
			return fail(ret_error, -EFBIG, "archive entry '", path, "' is too large");
		}
		if (pt_strbuf_append(&sb, chunk, (size_t)got) < 0) {
			pt_strbuf_done(&sb);
			return -ENOMEM;
		}
	}
	if (got < 0) {
		pt_strbuf_done(&sb);
		return fail(ret_error, -EIO, "archive entry '", path, "' is truncated or corrupt");
	}
	n->len = sb.len;
	n->data = pt_strbuf_steal(&sb);
	t->total += n->len;
	return n->data ? 0 : -ENOMEM;
}

static int copy_hardlink(struct pt_memtree *t, struct pt_memnode *n, const char *path,
			 const char *target, char **ret_error)
{
	const struct pt_memnode *src;

	/* Hard links name an earlier entry by its archive path, never through symlinks. */
	if (target[0] == '/' || pt_memtree_lookup(t, target, false, &src) < 0 ||
	    src->type != PT_INROOT_REG)
		return fail(ret_error, -EINVAL, "archive hard link '", path,
			    "' names no earlier file");
	n->data = malloc(src->len + 1);
	if (!n->data)
		return -ENOMEM;
	memcpy(n->data, src->data, src->len);
	n->data[src->len] = '\0';
	n->len = src->len;
	return 0;
}

static int add_entry(struct archive *a, struct archive_entry *e, struct pt_memtree *t,
		     char **ret_error)
{
	const char *path = archive_entry_pathname(e), *name, *link;
	struct pt_memnode *parent, *n;
	enum pt_inroot_type type;
	mode_t ft = archive_entry_filetype(e);
	size_t len;
	int r;

	if (!path)
		return fail(ret_error, -EINVAL, "archive entry without a name", "", "");
	link = archive_entry_hardlink(e);
	if (link)
		type = PT_INROOT_REG;
	else if (ft == AE_IFREG)
		type = PT_INROOT_REG;
	else if (ft == AE_IFDIR)
		type = PT_INROOT_DIR;
	else if (ft == AE_IFLNK)
		type = PT_INROOT_LNK;
	else
		return 0; /* devices, fifos, sockets carry nothing to read */
	r = place(t, path, &parent, &name, &len, ret_error);
	if (r <= 0)
		return r;
	if (++t->count > PT_MEMTREE_MAX_ENTRIES)
		return fail(ret_error, -EFBIG, "archive has too many entries (at '", path, "')");
	n = entry_node(parent, name, len, type);
	if (!n)
		return -ENOMEM;
	if (link)
		return copy_hardlink(t, n, path, link, ret_error);
	if (type == PT_INROOT_LNK) {
		const char *target = archive_entry_symlink(e);

		if (!target || !*target)
			return fail(ret_error, -EINVAL, "archive symlink '", path,
				    "' has no target");
		n->data = strdup(target);
		n->len = n->data ? strlen(n->data) : 0;
		return n->data ? 0 : -ENOMEM;
	}
	if (type == PT_INROOT_REG)
		return read_data(a, t, n, path, ret_error);
	return 0;
}

/* hwloc and util-linux test tarballs hold one directory named after the machine. */
static struct pt_memnode *pick_root(struct pt_memnode *top)
{
	static const char *const host_dirs[] = {"sys", "proc", "etc", "boot", "lib",
						"usr", "run",  "var", "dev"};
	struct pt_memnode *only;

	if (top->nkids != 1 || top->kids[0]->type != PT_INROOT_DIR)
		return top;
	only = top->kids[0];
	for (size_t i = 0; i < ELEMENTSOF(host_dirs); i++)
		if (streq(only->name, host_dirs[i]))
			return top;
	return only;
}

int pt_memtree_load(const void *buf, size_t len, struct pt_memtree **ret, char **ret_error)
{
	struct pt_memtree *t = calloc(1, sizeof(*t));
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r = 0, ar;

	if (ret_error)
		*ret_error = NULL;
	if (!t || !a || !(t->top = calloc(1, sizeof(*t->top)))) {
		r = -ENOMEM;
		goto out;
	}
	t->top->type = PT_INROOT_DIR;
	/* Only what snapshots and test corpora use; fewer decoders for untrusted input. */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		const char *why = archive_error_string(a);

		r = fail(ret_error, -EINVAL, "not a snapshot archive: ", why ? why : "?", "");
		goto out;
	}
	while ((ar = archive_read_next_header(a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		r = add_entry(a, e, t, ret_error);
		if (r < 0)
			goto out;
	}
	if (ar != ARCHIVE_EOF) {
		const char *why = archive_error_string(a);

		r = fail(ret_error, -EINVAL, "snapshot archive is corrupt: ", why ? why : "?", "");
		goto out;
	}
	t->root = pick_root(t->top);
out:
	if (a)
		archive_read_free(a);
	if (r < 0) {
		pt_memtree_free(t);
		if (r == -ENOMEM && ret_error && !*ret_error)
			fail(ret_error, r, "out of memory loading the snapshot", "", "");
		return r;
	}
	*ret = t;
	return 0;
}

static int ops_push(void *ctx, const char *name, size_t len, enum pt_inroot_type *ret_type)
{
	struct pt_memtree *t = ctx;
	const struct pt_memnode *cur = t->stack[t->depth], *kid;

	if (cur->type != PT_INROOT_DIR)
		return -ENOTDIR;
	kid = find_kid(cur, name, len, NULL);
	if (!kid)
		return -ENOENT;
	if (t->depth + 1 >= ELEMENTSOF(t->stack))
		return -ENAMETOOLONG;
	t->stack[++t->depth] = kid;
	*ret_type = kid->type;
	return 0;
}

static int ops_readlink(void *ctx, char **ret)
{
	struct pt_memtree *t = ctx;

	*ret = strdup(t->stack[t->depth]->data);
	return *ret ? 0 : -ENOMEM;
}

static void ops_pop(void *ctx)
{
	struct pt_memtree *t = ctx;

	if (t->depth)
		t->depth--;
}

static void ops_reset(void *ctx)
{
	struct pt_memtree *t = ctx;

	t->depth = 0;
	t->stack[0] = t->root;
}

static const struct pt_inroot_ops memtree_ops = {
	.push = ops_push,
	.readlink = ops_readlink,
	.pop = ops_pop,
	.reset = ops_reset,
};

int pt_memtree_lookup(struct pt_memtree *t, const char *path, bool follow_last,
		      const struct pt_memnode **ret)
{
	enum pt_inroot_type type;
	int r;

	/* Before the root is chosen (hard links during loading) paths are archive paths. */
	if (!t->root)
		t->root = t->top;
	r = pt_inroot_walk(&memtree_ops, t, path, follow_last, &type);
	if (r < 0)
		return r;
	*ret = t->stack[t->depth];
	return 0;
}

enum pt_inroot_type pt_memnode_type(const struct pt_memnode *n)
{
	return n->type;
}

const char *pt_memnode_data(const struct pt_memnode *n, size_t *ret_len)
{
	*ret_len = n->len;
	return n->data ? n->data : "";
}

const char *pt_memnode_target(const struct pt_memnode *n)
{
	return n->type == PT_INROOT_LNK ? n->data : NULL;
}

int pt_memnode_list(const struct pt_memnode *n, struct pt_strv *ret)
{
	struct pt_strv sv = {0};

	if (n->type != PT_INROOT_DIR)
		return -ENOTDIR;
	for (size_t i = 0; i < n->nkids; i++) {
		int r = pt_strv_push(&sv, n->kids[i]->name);

		if (r < 0) {
			pt_strv_done(&sv);
			return r;
		}
	}
	*ret = sv;
	return 0;
}

size_t pt_memtree_count(const struct pt_memtree *t)
{
	return t->count;
}
