/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The root gateway against hostile roots: symlinks that try to leave the root, loops, fifos,
 * huge files, and archives with absolute or ".." paths. Directory roots are checked with
 * openat2 and with the userspace fallback; archive roots hold the same tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root.h"
#include "parse/memtree.h"
#include "util/strbuf.h"

static char tree[] = "/tmp/passthru-test-root-XXXXXX";

static void put(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void link_(const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup_tree(void **state)
{
	char path[512], big[100 * 1024];

	assert_non_null(mkdtemp(tree));
	dir("etc");
	dir("sys");
	dir("sys/a");
	put("etc/hostname", "inside\n");
	put("secret", "in-root secret\n");
	link_("abs", "/secret");			     /* absolute: resolves inside */
	link_("sys/a/up", "../../../../../../etc/hostname"); /* ".." stops at the root */
	link_("loop1", "loop2");
	link_("loop2", "loop1");
	link_("dangling", "nowhere");
	link_("sys/a/dirlink", "../../etc");
	snprintf(path, sizeof(path), "%s/fifo", tree);
	assert_int_equal(mkfifo(path, 0644), 0);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	put("big", big);
	return 0;
}

static int teardown_tree(void **state)
{
	const char *const rm[] = {"etc/hostname", "secret",   "abs",	       "sys/a/up", "loop1",
				  "loop2",	  "dangling", "sys/a/dirlink", "fifo",	   "big",
				  "sys/a",	  "sys",      "etc",	       NULL};
	char path[512];

	for (size_t i = 0; rm[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", tree, rm[i]);
		if (unlink(path) < 0)
			rmdir(path);
	}
	rmdir(tree);
	return 0;
}

static void check_hostile(struct pt_root *r)
{
	char *s = NULL;
	struct pt_strv sv = {0};
	enum pt_ftype t;

	assert_int_equal(pt_root_read_attr(r, "/abs", &s), 0);
	assert_string_equal(s, "in-root secret");
	free(s);
	assert_int_equal(pt_root_read_attr(r, "/sys/a/up", &s), 0);
	assert_string_equal(s, "inside");
	free(s);
	assert_int_equal(pt_root_read_attr(r, "/../../../etc/hostname", &s), 0);
	assert_string_equal(s, "inside");
	free(s);
	assert_int_equal(pt_root_read_attr(r, "/loop1", &s), -ELOOP);
	assert_int_equal(pt_root_read_attr(r, "/dangling", &s), -ENOENT);
	assert_int_equal(pt_root_readlink(r, "/dangling", &s), 0);
	assert_string_equal(s, "nowhere");
	free(s);
	assert_int_equal(pt_root_readlink(r, "/secret", &s), -EINVAL);
	assert_int_equal(pt_root_read_attr(r, "/etc", &s), -EISDIR);
	assert_int_equal(pt_root_read_attr(r, "/big", &s), -EFBIG);
	assert_int_equal(pt_root_read_attr(r, "/secret/x", &s), -ENOTDIR);
	assert_int_equal(pt_root_list(r, "/sys/a/dirlink", &sv), 0);
	assert_int_equal(sv.n, 1);
	assert_string_equal(sv.v[0], "hostname");
	pt_strv_done(&sv);
	assert_int_equal(pt_root_stat(r, "/sys/a/dirlink", false, &t), 0);
	assert_int_equal(t, PT_FTYPE_LNK);
	assert_int_equal(pt_root_stat(r, "/sys/a/dirlink", true, &t), 0);
	assert_int_equal(t, PT_FTYPE_DIR);
	assert_false(pt_root_exists(r, "/nothing"));
}

static void test_dir_openat2(void **state)
{
	struct pt_root *r;
	char *s = NULL;

	assert_int_equal(pt_root_open(tree, &r, NULL), 0);
	assert_int_equal(pt_root_mode(r), PT_ROOT_DIR);
	check_hostile(r);
	/* A fifo is never opened for reading: no hang, a clear error. */
	assert_int_equal(pt_root_read_attr(r, "/fifo", &s), -EINVAL);
	pt_root_free(r);
}

static void test_dir_fallback(void **state)
{
	struct pt_root *r;
	char *s = NULL;

	assert_int_equal(pt_root_open(tree, &r, NULL), 0);
	pt_root_force_fallback(r);
	check_hostile(r);
	assert_int_equal(pt_root_read_attr(r, "/fifo", &s), -EINVAL);
	pt_root_free(r);
}

/* ---- archives ---- */

struct entry {
	const char *path;
	mode_t type;
	const char *data; /* file contents or link target */
	const char *hardlink;
};

static la_ssize_t sb_write(struct archive *a, void *ctx, const void *buf, size_t n)
{
	return pt_strbuf_append(ctx, buf, n) < 0 ? -1 : (la_ssize_t)n;
}

static struct pt_strbuf make_archive(const struct entry *e, bool gzip)
{
	struct pt_strbuf sb = {0};
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	archive_write_open(a, &sb, NULL, sb_write, NULL);
	for (; e->path; e++) {
		struct archive_entry *ae = archive_entry_new();

		archive_entry_set_pathname(ae, e->path);
		archive_entry_set_filetype(ae, e->type);
		archive_entry_set_perm(ae, 0644);
		if (e->hardlink)
			archive_entry_set_hardlink(ae, e->hardlink);
		if (e->type == AE_IFLNK)
			archive_entry_set_symlink(ae, e->data);
		archive_entry_set_size(ae,
				       e->type == AE_IFREG && !e->hardlink ? strlen(e->data) : 0);
		archive_write_header(a, ae);
		if (e->type == AE_IFREG && !e->hardlink)
			archive_write_data(a, e->data, strlen(e->data));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	return sb;
}

static int load(const struct entry *e, struct pt_memtree **t, char **err)
{
	struct pt_strbuf sb = make_archive(e, true);
	int r = pt_memtree_load(sb.buf, sb.len, t, err);

	pt_strbuf_done(&sb);
	return r;
}

static void test_archive_escapes(void **state)
{
	const struct entry absolute[] = {{"/etc/passwd", AE_IFREG, "x"}, {0}};
	const struct entry dotdot[] = {{"sys/../../etc/passwd", AE_IFREG, "x"}, {0}};
	const struct entry bad_hardlink[] = {{"a", AE_IFREG, "", "missing"}, {0}};
	struct pt_memtree *t = NULL;
	char *err = NULL;

	assert_int_equal(load(absolute, &t, &err), -EINVAL);
	assert_non_null(strstr(err, "absolute path"));
	free(err);
	assert_int_equal(load(dotdot, &t, &err), -EINVAL);
	assert_non_null(strstr(err, "'..'"));
	free(err);
	assert_int_equal(load(bad_hardlink, &t, &err), -EINVAL);
	free(err);
	assert_int_equal(pt_memtree_load("garbage", 7, &t, &err), -EINVAL);
	assert_non_null(err);
	free(err);
}

/* The same hostile tree as the directory test, held in an archive. */
static void test_archive_tree(void **state)
{
	const struct entry e[] = {
		{"./etc/hostname", AE_IFREG, "inside\n"},
		{"secret", AE_IFREG, "in-root secret\n"},
		{"abs", AE_IFLNK, "/secret"},
		{"sys/a/up", AE_IFLNK, "../../../../../../etc/hostname"},
		{"loop1", AE_IFLNK, "loop2"},
		{"loop2", AE_IFLNK, "loop1"},
		{"dangling", AE_IFLNK, "nowhere"},
		{"sys/a/dirlink", AE_IFLNK, "../../etc"},
		{"big", AE_IFREG, NULL},
		{"hard", AE_IFREG, "", "secret"},
		{0},
	};
	struct entry copy[sizeof(e) / sizeof(*e)];
	char big[100 * 1024], path[] = "/tmp/passthru-test-archive-XXXXXX", *s = NULL;
	struct pt_strbuf sb;
	struct pt_root *r;
	int fd;

	memcpy(copy, e, sizeof(e));
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	copy[8].data = big;
	sb = make_archive(copy, true);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, sb.buf, sb.len), (ssize_t)sb.len);
	close(fd);
	pt_strbuf_done(&sb);

	assert_int_equal(pt_root_open(path, &r, NULL), 0);
	assert_int_equal(pt_root_mode(r), PT_ROOT_ARCHIVE);
	check_hostile(r);
	assert_int_equal(pt_root_read_attr(r, "/hard", &s), 0);
	assert_string_equal(s, "in-root secret");
	free(s);
	pt_root_free(r);
	unlink(path);
}

/* hwloc and lscpu tarballs hold "NAME/sys/...": the single top directory is the root. */
static void test_archive_top_dir(void **state)
{
	const struct entry e[] = {{"machine/proc/cmdline", AE_IFREG, "quiet\n"}, {0}};
	const struct entry host[] = {{"sys/x", AE_IFREG, "1\n"}, {0}};
	const struct pt_memnode *n;
	struct pt_memtree *t;

	assert_int_equal(load(e, &t, NULL), 0);
	assert_int_equal(pt_memtree_lookup(t, "/proc/cmdline", true, &n), 0);
	pt_memtree_free(t);
	assert_int_equal(load(host, &t, NULL), 0);
	assert_int_equal(pt_memtree_lookup(t, "/sys/x", true, &n), 0);
	pt_memtree_free(t);
}

static void test_open_errors(void **state)
{
	struct pt_root *r;
	char *err = NULL;

	assert_int_equal(pt_root_open("/nonexistent/root", &r, &err), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/root"));
	free(err);
	assert_int_equal(pt_root_open("/dev/null", &r, &err), -EINVAL);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_openat2),	cmocka_unit_test(test_dir_fallback),
		cmocka_unit_test(test_archive_escapes), cmocka_unit_test(test_archive_tree),
		cmocka_unit_test(test_archive_top_dir), cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
