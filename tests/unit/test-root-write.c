/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The write side of the root gateway: lock, the plan's-view check, atomic replacement with
 * mode and owner kept, symlinks refused, archives refused, and a fault at every step leaving
 * the original byte-identical with no temporary file behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root.h"
#include "util/macro.h"

static char tree[64];

static void path_of(char *buf, size_t n, const char *rel)
{
	snprintf(buf, n, "%s/%s", tree, rel);
}

static void put(const char *rel, const char *content, mode_t mode)
{
	char path[512];
	FILE *f;

	path_of(path, sizeof(path), rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static char *get(const char *rel)
{
	static char buf[4096];
	char path[512];
	size_t n;
	FILE *f;

	path_of(path, sizeof(path), rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static mode_t mode_of(const char *rel)
{
	char path[512];
	struct stat st;

	path_of(path, sizeof(path), rel);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Number of entries in a directory of the tree (temporary files would add to it). */
static int entries(const char *rel)
{
	char path[512];
	struct dirent *de;
	int n = 0;
	DIR *d;

	path_of(path, sizeof(path), rel);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int setup(void **state)
{
	char path[512];

	strcpy(tree, "/tmp/passthru-test-write-XXXXXX");
	assert_non_null(mkdtemp(tree));
	path_of(path, sizeof(path), "etc");
	assert_int_equal(mkdir(path, 0755), 0);
	path_of(path, sizeof(path), "etc/default");
	assert_int_equal(mkdir(path, 0755), 0);
	put("etc/default/grub", "GRUB_DEFAULT=0\n", 0640);
	path_of(path, sizeof(path), "etc/link");
	assert_int_equal(symlink("default/grub", path), 0);
	path_of(path, sizeof(path), "escape");
	assert_int_equal(symlink("/etc", path), 0); /* resolves to <tree>/etc */
	pt_root_fault_set(NULL);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	assert_int_equal(system(cmd), 0);
	pt_root_fault_set(NULL);
	return 0;
}

static struct pt_root *open_locked(void)
{
	struct pt_root *r = NULL;

	assert_int_equal(pt_root_open(tree, &r, NULL), 0);
	assert_int_equal(pt_root_lock(r, NULL), 0);
	return r;
}

static void test_needs_lock(void **state)
{
	struct pt_root *r = NULL;
	char *err = NULL;

	assert_int_equal(pt_root_open(tree, &r, NULL), 0);
	assert_int_equal(pt_root_write(r, "/etc/new", NULL, 0, "x", 1, 0644, &err), -ENOLCK);
	assert_non_null(strstr(err, "lock"));
	free(err);
	pt_root_free(r);
	assert_null(get("etc/new"));
}

static void test_lock_excludes(void **state)
{
	struct pt_root *a = open_locked(), *b = NULL;
	char *err = NULL;

	assert_int_equal(pt_root_open(tree, &b, NULL), 0);
	assert_int_equal(pt_root_lock(b, &err), -EWOULDBLOCK);
	assert_non_null(strstr(err, "another passthru"));
	free(err);
	pt_root_unlock(a);
	assert_int_equal(pt_root_lock(b, NULL), 0);
	pt_root_free(a);
	pt_root_free(b);
	assert_non_null(get("var/lib/passthru/lock"));
}

static void test_create_and_replace(void **state)
{
	struct pt_root *r = open_locked();

	assert_int_equal(
		pt_root_write(r, "/etc/default/grub.d/x.cfg", NULL, 0, "a\n", 2, 0644, NULL),
		-ENOENT);
	assert_int_equal(pt_root_mkdirs(r, "/etc/default/grub.d", 0755), 1);
	assert_int_equal(pt_root_mkdirs(r, "/etc/default/grub.d", 0755), 0);
	assert_int_equal(
		pt_root_write(r, "/etc/default/grub.d/x.cfg", NULL, 0, "a\n", 2, 0644, NULL), 0);
	assert_string_equal(get("etc/default/grub.d/x.cfg"), "a\n");
	assert_int_equal(mode_of("etc/default/grub.d/x.cfg"), 0644);
	/* Replacing keeps the original's mode, not the one asked for a new file. */
	assert_int_equal(pt_root_write(r, "/etc/default/grub", "GRUB_DEFAULT=0\n", 15,
				       "GRUB_DEFAULT=1\n", 15, 0644, NULL),
			 0);
	assert_string_equal(get("etc/default/grub"), "GRUB_DEFAULT=1\n");
	assert_int_equal(mode_of("etc/default/grub"), 0640);
	assert_int_equal(entries("etc/default"), 2);
	/* Through an absolute symlink in the parent path: stays inside the root. */
	assert_int_equal(pt_root_write(r, "/escape/default/grub", "GRUB_DEFAULT=1\n", 15,
				       "GRUB_DEFAULT=2\n", 15, 0644, NULL),
			 0);
	assert_string_equal(get("etc/default/grub"), "GRUB_DEFAULT=2\n");
	pt_root_free(r);
	/* The same with the userspace walk instead of openat2. */
	r = open_locked();
	pt_root_force_fallback(r);
	assert_int_equal(pt_root_write(r, "/escape/default/grub", "GRUB_DEFAULT=2\n", 15,
				       "GRUB_DEFAULT=3\n", 15, 0644, NULL),
			 0);
	assert_string_equal(get("etc/default/grub"), "GRUB_DEFAULT=3\n");
	assert_int_equal(pt_root_mkdirs(r, "/escape/fallback", 0755), 1);
	assert_int_equal(entries("etc"), 3);
	pt_root_free(r);
}

static void test_stale(void **state)
{
	struct pt_root *r = open_locked();
	char *err = NULL;

	assert_int_equal(
		pt_root_write(r, "/etc/default/grub", "GRUB_DEFAULT=9\n", 15, "new", 3, 0644, &err),
		-ESTALE);
	assert_non_null(strstr(err, "changed since the plan"));
	err = pt_free(err);
	assert_int_equal(pt_root_write(r, "/etc/default/grub", NULL, 0, "new", 3, 0644, &err),
			 -ESTALE);
	assert_non_null(strstr(err, "created since the plan"));
	err = pt_free(err);
	assert_int_equal(pt_root_write(r, "/etc/default/none", "x", 1, "new", 3, 0644, &err),
			 -ESTALE);
	assert_non_null(strstr(err, "removed since the plan"));
	err = pt_free(err);
	assert_string_equal(get("etc/default/grub"), "GRUB_DEFAULT=0\n");
	/* A symlink as the last component is refused, not replaced. */
	assert_int_equal(
		pt_root_write(r, "/etc/link", "GRUB_DEFAULT=0\n", 15, "new", 3, 0644, &err),
		-ELOOP);
	assert_non_null(strstr(err, "symbolic link"));
	free(err);
	assert_int_equal(pt_root_write(r, "/etc/", NULL, 0, "x", 1, 0644, NULL), -EINVAL);
	assert_int_equal(pt_root_write(r, "etc/x", NULL, 0, "x", 1, 0644, NULL), -EINVAL);
	assert_int_equal(pt_root_write(r, "/etc/..", NULL, 0, "x", 1, 0644, NULL), -EINVAL);
	assert_int_equal(entries("etc"), 2);
	pt_root_free(r);
}

static void test_faults(void **state)
{
	static const char *const steps[] = {"open-temp", "write", "chmod", "fsync", "rename"};
	struct pt_root *r = open_locked();

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char *err = NULL;

		assert_int_equal(pt_root_fault_set(steps[i]), 0);
		assert_int_equal(pt_root_write(r, "/etc/default/grub", "GRUB_DEFAULT=0\n", 15,
					       "GRUB_DEFAULT=5\n", 15, 0644, &err),
				 -EIO);
		assert_true(pt_root_fault_fired());
		assert_non_null(strstr(err, "the file is unchanged"));
		free(err);
		assert_string_equal(get("etc/default/grub"), "GRUB_DEFAULT=0\n");
		assert_int_equal(mode_of("etc/default/grub"), 0640);
		assert_int_equal(entries("etc/default"), 1);
		/* A new file is not created either. */
		assert_int_equal(pt_root_fault_set(steps[i]), 0);
		assert_int_equal(pt_root_write(r, "/etc/default/new", NULL, 0, "n", 1, 0644, NULL),
				 -EIO);
		assert_int_equal(entries("etc/default"), 1);
	}
	/* The directory sync fails after the rename: reported, new bytes in place. */
	assert_int_equal(pt_root_fault_set("dir-fsync"), 0);
	assert_int_equal(pt_root_write(r, "/etc/default/grub", "GRUB_DEFAULT=0\n", 15,
				       "GRUB_DEFAULT=5\n", 15, 0644, NULL),
			 -EIO);
	assert_string_equal(get("etc/default/grub"), "GRUB_DEFAULT=5\n");
	assert_int_equal(entries("etc/default"), 1);
	/* The nth occurrence. */
	assert_int_equal(pt_root_fault_set("rename:2"), 0);
	assert_int_equal(pt_root_write(r, "/etc/a", NULL, 0, "a", 1, 0644, NULL), 0);
	assert_false(pt_root_fault_fired());
	assert_int_equal(pt_root_write(r, "/etc/b", NULL, 0, "b", 1, 0644, NULL), -EIO);
	assert_true(pt_root_fault_fired());
	assert_null(get("etc/b"));
	pt_root_fault_set(NULL);
	pt_root_free(r);
}

static void test_remove_and_dirs(void **state)
{
	struct pt_root *r = open_locked();
	char *err = NULL;

	assert_int_equal(pt_root_remove(r, "/etc/default/grub", "nope", 4, &err), -ESTALE);
	free(err);
	assert_int_equal(pt_root_fault_set("unlink"), 0);
	assert_int_equal(pt_root_remove(r, "/etc/default/grub", "GRUB_DEFAULT=0\n", 15, NULL),
			 -EIO);
	assert_string_equal(get("etc/default/grub"), "GRUB_DEFAULT=0\n");
	pt_root_fault_set(NULL);
	assert_int_equal(pt_root_remove(r, "/etc/default/grub", "GRUB_DEFAULT=0\n", 15, NULL), 0);
	assert_null(get("etc/default/grub"));
	assert_int_equal(pt_root_mkdirs(r, "/var/lib/passthru/journal/x", 0700), 1);
	assert_int_equal(mode_of("var/lib/passthru/journal/x"), 0700);
	assert_int_equal(pt_root_rmdir(r, "/var/lib/passthru/journal/x"), 0);
	assert_int_equal(pt_root_rmdir(r, "/var/lib/passthru"), -ENOTEMPTY);
	assert_int_equal(pt_root_fault_set("mkdir"), 0);
	assert_int_equal(pt_root_mkdirs(r, "/new/dir", 0755), -EIO);
	pt_root_fault_set(NULL);
	pt_root_free(r);
}

static void test_archive_refused(void **state)
{
	char cmd[700], arch[600], *err = NULL;
	struct pt_root *r = NULL;

	snprintf(arch, sizeof(arch), "%s.tar.gz", tree);
	snprintf(cmd, sizeof(cmd), "tar -czf '%s' -C '%s' etc", arch, tree);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(pt_root_open(arch, &r, NULL), 0);
	assert_false(pt_root_writable(r));
	assert_int_equal(pt_root_lock(r, &err), -EROFS);
	assert_non_null(strstr(err, "read-only"));
	free(err);
	err = NULL;
	assert_int_equal(pt_root_write(r, "/etc/x", NULL, 0, "x", 1, 0644, &err), -EROFS);
	free(err);
	assert_int_equal(pt_root_mkdirs(r, "/etc/y", 0755), -EROFS);
	assert_int_equal(pt_root_sysfs_write(r, "/sys/x", "x", 1, NULL), -EROFS);
	pt_root_free(r);
	unlink(arch);
}

/*
 * Runtime binding writes sysfs of the running kernel only. Only refusals are tested here:
 * they come before any lock or open, so the live root "/" is safe to name.
 */
static void test_sysfs_write_refused(void **state)
{
	struct pt_root *r = open_locked();
	char *err = NULL;

	assert_int_equal(pt_root_sysfs_write(r, "/sys/bus/pci/drivers_probe", "x", 1, &err),
			 -EOPNOTSUPP);
	assert_non_null(strstr(err, "not the running host"));
	err = pt_free(err);
	pt_root_free(r);
	assert_int_equal(pt_root_open("/", &r, NULL), 0);
	assert_int_equal(pt_root_sysfs_write(r, "/etc/passwd", "x", 1, &err), -EINVAL);
	assert_non_null(strstr(err, "not under /sys"));
	err = pt_free(err);
	assert_int_equal(pt_root_sysfs_write(r, "/sys/bus/pci/drivers_probe", "x", 1, &err),
			 -ENOLCK);
	assert_non_null(strstr(err, "lock"));
	free(err);
	pt_root_free(r);
}

static void test_fault_spec(void **state)
{
	assert_int_equal(pt_root_fault_set("bogus"), -EINVAL);
	assert_int_equal(pt_root_fault_set("write:0"), -EINVAL);
	assert_int_equal(pt_root_fault_set("write:x"), -EINVAL);
	assert_int_equal(pt_root_fault_set("write:3"), 0);
	assert_int_equal(pt_root_fault_set("sysfs-write"), 0);
	assert_int_equal(pt_root_fault_set(""), 0);
	assert_int_equal(pt_root_fault_set(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_needs_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_excludes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_and_dirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_write_refused, setup, teardown),
		cmocka_unit_test(test_fault_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
