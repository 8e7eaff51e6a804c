/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diffs (checked by `patch` on pseudo-random files, and against known output) and the
 * journal manifest (round trip, rejects).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edit/diff.h"
#include "edit/manifest.h"

static void write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void test_known(void **state)
{
	struct pt_strbuf out = {0};
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n";
	const char *b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17";

	assert_int_equal(pt_diff_unified("/etc/x", a, strlen(a), a, strlen(a), &out), 0);
	assert_null(out.buf);
	assert_int_equal(pt_diff_unified("/etc/x", a, strlen(a), b, strlen(b), &out), 0);
	assert_string_equal(out.buf, "--- a/etc/x\n+++ b/etc/x\n"
				     "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
				     "@@ -14,3 +14,4 @@\n 14\n 15\n 16\n+17\n"
				     "\\ No newline at end of file\n");
	pt_strbuf_done(&out);
	assert_int_equal(pt_diff_unified("/etc/y", "a", 1, "a\n", 2, &out), 0);
	assert_string_equal(out.buf, "--- a/etc/y\n+++ b/etc/y\n@@ -1 +1 @@\n-a\n"
				     "\\ No newline at end of file\n+a\n");
	pt_strbuf_done(&out);
	assert_int_equal(pt_diff_unified("/etc/z", NULL, 0, "", 0, &out), 0);
	assert_string_equal(out.buf, "--- /dev/null\n+++ b/etc/z\n");
	pt_strbuf_done(&out);
}

/* Pseudo-random files from a small alphabet of lines; `patch` must turn a into b. */
static void test_patch_roundtrip(void **state)
{
	char dir[] = "/tmp/passthru-test-diff-XXXXXX", cmd[1024], pa[256], pb[256], pd[256];
	uint32_t seed = 12345;

	assert_non_null(mkdtemp(dir));
	snprintf(pa, sizeof(pa), "%s/a", dir);
	snprintf(pb, sizeof(pb), "%s/b", dir);
	snprintf(pd, sizeof(pd), "%s/d", dir);
	for (int round = 0; round < 60; round++) {
		struct pt_strbuf a = {0}, b = {0}, d = {0};
		int na, nb;

		seed = seed * 1103515245u + 12345u;
		na = (int)(seed >> 16) % 40;
		seed = seed * 1103515245u + 12345u;
		nb = (int)(seed >> 16) % 40;
		for (int i = 0; i < na; i++) {
			seed = seed * 1103515245u + 12345u;
			pt_strbuf_printf(&a, "line %u\n", (seed >> 16) % 6);
		}
		/* b: a with random substitutions, insertions and a changed tail */
		for (int i = 0; i < nb; i++) {
			seed = seed * 1103515245u + 12345u;
			if (i < na && (seed >> 16) % 4)
				pt_strbuf_printf(&b, "line %u\n", 0u + (unsigned)i % 6);
			else
				pt_strbuf_printf(&b, "line %u\n", (seed >> 16) % 7);
		}
		if (round % 5 == 1 && b.len)
			b.buf[--b.len] = '\0'; /* no newline at the end */
		if (round % 7 == 2 && a.len)
			a.buf[--a.len] = '\0';
		write_file(pa, a.buf ? a.buf : "", a.len);
		write_file(pb, b.buf ? b.buf : "", b.len);
		assert_int_equal(pt_diff_unified("/f", a.buf ? a.buf : "", a.len,
						 b.buf ? b.buf : "", b.len, &d),
				 0);
		write_file(pd, d.buf ? d.buf : "", d.len);
		snprintf(cmd, sizeof(cmd),
			 "cd %s && patch -s -p1 -o out a < d >/dev/null && cmp -s out b", dir);
		if (d.len && system(cmd) != 0)
			fail_msg("round %d: patch did not reproduce b:\n%s", round, d.buf);
		if (!d.len)
			assert_true(a.len == b.len &&
				    !memcmp(a.buf ? a.buf : "", b.buf ? b.buf : "", a.len));
		pt_strbuf_done(&a);
		pt_strbuf_done(&b);
		pt_strbuf_done(&d);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_manifest(void **state)
{
	const char *text = "passthru-journal 2\ntime 17\nmkdir /etc/a\nmkdir /etc/a/b c\n"
			   "edit 0 file write 0640 /etc/default/grub\n"
			   "edit 1 absent write 0644 /etc/a/b c/x y.cfg\n"
			   "edit 2 file delete 0600 /etc/modprobe.d/old.conf\n"
			   "run update-initramfs -u -k all\n"
			   "run proxmox-boot-tool refresh\n";
	/* Version 1 (before commands were recorded) is read; its commands are unknown. */
	const char *v1 = "passthru-journal 1\ntime 17\nedit 0 file write 0640 /etc/default/grub\n";
	struct pt_manifest m;
	struct pt_strbuf out = {0};
	unsigned line;

	assert_int_equal(pt_manifest_parse(text, strlen(text), &m, &line), 0);
	assert_int_equal(m.time, 17);
	assert_int_equal(m.mkdirs.n, 2);
	assert_string_equal(m.mkdirs.v[1], "/etc/a/b c");
	assert_int_equal(m.n, 3);
	assert_int_equal(m.edits[0].mode, 0640);
	assert_true(m.edits[1].old_absent);
	assert_string_equal(m.edits[1].path, "/etc/a/b c/x y.cfg");
	assert_true(m.edits[2].delete);
	assert_int_equal(m.version, 2);
	assert_int_equal(m.nruns, 2);
	assert_int_equal(m.runs[0].n, 4);
	assert_string_equal(m.runs[0].v[0], "update-initramfs");
	assert_string_equal(m.runs[1].v[1], "refresh");
	assert_int_equal(pt_manifest_format(&m, &out), 0);
	assert_string_equal(out.buf, text);
	pt_strbuf_done(&out);
	pt_manifest_done(&m);
	assert_int_equal(pt_manifest_parse(v1, strlen(v1), &m, &line), 0);
	assert_int_equal(m.version, 1);
	assert_int_equal(m.nruns, 0);
	assert_int_equal(m.n, 1);
	pt_manifest_done(&m);

	static const char *const bad[] = {
		"",
		"passthru-journal 3\n",
		"passthru-journal 1\ntime 1", /* torn: no newline */
		"passthru-journal 1\nedit 1 file write 0644 /x\n",
		"passthru-journal 1\nedit 0 absent delete 0644 /x\n",
		"passthru-journal 1\nedit 0 file write 0844 /x\n",
		"passthru-journal 1\nedit 0 file write 0644 x\n",
		"passthru-journal 1\nedit 0 file write 0644 /a/../b\n",
		"passthru-journal 1\nedit 0 file write 0644 /a//b\n",
		"passthru-journal 1\nedit 0 file write 0644 /a\tb\n",
		"passthru-journal 1\nmkdir /\n",
		"passthru-journal 1\ntime -1\n",
		"passthru-journal 1\nbogus\n",
		"passthru-journal 1\nrun update-grub\n", /* version 1 had no commands */
		"passthru-journal 2\nrun\n",
		"passthru-journal 2\nrun \n",
		"passthru-journal 2\nrun a  b\n",
		"passthru-journal 2\nrun a b \n",
		"passthru-journal 2\nrun a\tb\n",
		"passthru-journal 2\nrun a\x7f\n",
		"passthru-journal 12\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pt_manifest_parse(bad[i], strlen(bad[i]), &m, &line) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(pt_manifest_parse(bad[3], strlen(bad[3]), &m, &line), -EINVAL);
	assert_int_equal(line, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_patch_roundtrip),
		cmocka_unit_test(test_manifest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
