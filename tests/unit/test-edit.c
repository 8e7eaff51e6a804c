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
	/* Version 2 ran its commands again at undo: written back as version 3, both. */
	assert_int_equal(m.nundo_runs, 2);
	assert_string_equal(m.undo_runs[1].v[0], "proxmox-boot-tool");
	assert_int_equal(m.nsteps, 5);
	assert_int_equal(m.steps[3].kind, PT_STEP_CMD);
	assert_int_equal(pt_manifest_format(&m, &out), 0);
	assert_string_equal(out.buf, "passthru-journal 4\ntime 17\nmkdir /etc/a\nmkdir /etc/a/b c\n"
				     "edit 0 file write 0640 /etc/default/grub\n"
				     "edit 1 absent write 0644 /etc/a/b c/x y.cfg\n"
				     "edit 2 file delete 0600 /etc/modprobe.d/old.conf\n"
				     "run update-initramfs -u -k all\n"
				     "run proxmox-boot-tool refresh\n"
				     "undo-run update-initramfs -u -k all\n"
				     "undo-run proxmox-boot-tool refresh\n");
	pt_strbuf_done(&out);
	pt_manifest_done(&m);
	assert_int_equal(pt_manifest_parse(v1, strlen(v1), &m, &line), 0);
	assert_int_equal(m.version, 1);
	assert_int_equal(m.nruns, 0);
	assert_int_equal(m.n, 1);
	pt_manifest_done(&m);

	static const char *const bad[] = {
		"",
		"passthru-journal 5\n",
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
		"passthru-journal 2\nundo-run a\n", /* version 2 had no undo lines */
		"passthru-journal 2\nboot x\n",
		"passthru-journal 12\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pt_manifest_parse(bad[i], strlen(bad[i]), &m, &line) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(pt_manifest_parse(bad[3], strlen(bad[3]), &m, &line), -EINVAL);
	assert_int_equal(line, 2);
}

/* The boot, a lock, a device with its writes, what gives it back, undo's commands. */
static void test_manifest_devices(void **state)
{
	const char *text =
		"passthru-journal 4\ntime 17\nboot 6f1c2c3e-8a4b\n"
		"lock /var/lock/qemu-server/lock-105.conf\n"
		"run modprobe vfio-pci\n"
		"edit 0 absent write 0644 /var/lib/passthru/bind.state\n"
		"device 0000:00:05.0 on vfio-pci vfio-pci\n"
		"sysfs must /sys/bus/pci/devices/0000:00:05.0/driver_override vfio-pci\n"
		"sysfs if-present /sys/bus/pci/devices/0000:00:05.0/driver/unbind "
		"0000:00:05.0\n"
		"sysfs must /sys/bus/pci/drivers_probe 0000:00:05.0\n"
		"undo on e1000e -\n"
		"undo-sysfs must /sys/bus/pci/devices/0000:00:05.0/driver_override \\x0a\n"
		"device 0000:01:00.1 off vfio-pci -\n"
		"undo none - vfio-pci\n"
		"undo-idle-group 4\n"
		"undo-idle-group 7\n"
		"undo-run update-initramfs -u -k all\n";
	static const char *const bad[] = {
		"passthru-journal 3\nsysfs must /sys/x v\n", /* no device */
		"passthru-journal 3\nlock /var/lock/x\n",    /* locks came with version 4 */
		"passthru-journal 4\nlock var/lock/x\n",
		"passthru-journal 4\nlock /var/lock/../x\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\n",	 /* no undo line */
		"passthru-journal 3\ndevice 0000:00:05.0 on a -\nundo on a -\n", /* no boot */
		"passthru-journal 3\nboot b\nboot c\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\nundo on a -\n"
		"sysfs must /sys/x v\n", /* a write after the undo line */
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\n"
		"undo-sysfs must /sys/x v\nundo on a -\n",
		"passthru-journal 3\nboot b\ndevice 00:05.0 on a -\nundo on a -\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 none a -\nundo on a -\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on - -\nundo on a -\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 at a -\nundo on a -\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a - x\nundo on a -\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\nundo on a -\n"
		"undo-sysfs maybe /sys/x v\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\nundo on a -\n"
		"undo-sysfs must /etc/x v\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\nundo on a -\n"
		"undo-sysfs must /sys/x \\x0A\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\nundo on a -\n"
		"undo-sysfs must /sys/x \\x00\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\nundo on a -\n"
		"undo-sysfs must /sys/x a\\\n",
		"passthru-journal 3\nboot b\ndevice 0000:00:05.0 on a -\nundo on a -\n"
		"undo-sysfs must /sys/x v w\n",
		"passthru-journal 3\nundo-idle-group 07\n",
		"passthru-journal 3\nundo-idle-group 4\nundo-idle-group 4\n",
		"passthru-journal 3\nundo-idle-group -1\n",
		"passthru-journal 3\nundo-run\n",
	};
	struct pt_strbuf out = {0};
	struct pt_manifest m;
	const struct pt_txn_dev *d;
	unsigned line;

	assert_int_equal(pt_manifest_parse(text, strlen(text), &m, &line), 0);
	assert_int_equal(m.version, 4);
	assert_int_equal(m.locks.n, 1);
	assert_string_equal(m.locks.v[0], "/var/lock/qemu-server/lock-105.conf");
	assert_string_equal(m.boot, "6f1c2c3e-8a4b");
	assert_int_equal(m.nsteps, 4);
	assert_int_equal(m.steps[0].kind, PT_STEP_CMD);
	assert_int_equal(m.steps[1].kind, PT_STEP_EDIT);
	assert_int_equal(m.steps[2].kind, PT_STEP_DEV);
	assert_int_equal(m.steps[3].idx, 1);
	assert_int_equal(m.ndevs, 2);
	d = &m.devs[0];
	assert_string_equal(d->slot, "0000:00:05.0");
	assert_int_equal(d->expect.on, PT_DEV_ON);
	assert_string_equal(d->expect.override, "vfio-pci");
	assert_int_equal(d->nwrites, 3);
	assert_true(d->writes[1].if_present);
	assert_false(d->writes[2].if_present);
	assert_string_equal(d->writes[2].value, "0000:00:05.0");
	assert_string_equal(d->undo_expect.driver, "e1000e");
	assert_null(d->undo_expect.override);
	assert_int_equal(d->nundo, 1);
	assert_string_equal(d->undo[0].value, "\n");
	assert_int_equal(m.devs[1].expect.on, PT_DEV_OFF);
	assert_int_equal(m.devs[1].undo_expect.on, PT_DEV_NONE);
	assert_null(m.devs[1].undo_expect.driver);
	assert_int_equal(m.undo_idle.n, 2);
	assert_int_equal(m.undo_idle.v[1], 7);
	assert_int_equal(m.nundo_runs, 1);
	assert_int_equal(pt_manifest_format(&m, &out), 0);
	assert_string_equal(out.buf, text);
	pt_strbuf_done(&out);
	pt_manifest_done(&m);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pt_manifest_parse(bad[i], strlen(bad[i]), &m, &line) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
}

/* The progress of the device steps: begun, then how many writes the kernel took. */
static void test_progress(void **state)
{
	static const char *const bad[] = {
		"took 0 1\n",
		"begun 0\nbegun 0\n",
		"begun 2\n",
		"begun 00\n",
		"begun 0\ntook 0 1\ntook 0 1\n",
		"begun 0",
		"begun 0 1\n",
		"begun 0\ntook 0 17\n",
	};
	const char *text = "begun 0\ntook 0 3\nbegun 1\n";
	struct pt_strbuf out = {0};
	bool begun[2];
	size_t took[2];
	unsigned line;

	assert_int_equal(pt_progress_parse(text, strlen(text), 2, begun, took, &line), 0);
	assert_true(begun[0] && begun[1]);
	assert_int_equal(took[0], 3);
	assert_int_equal(took[1], SIZE_MAX);
	assert_int_equal(pt_progress_format(begun, took, 2, &out), 0);
	assert_string_equal(out.buf, text);
	pt_strbuf_done(&out);
	assert_int_equal(pt_progress_parse("", 0, 2, begun, took, &line), 0);
	assert_false(begun[0] || begun[1]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pt_progress_parse(bad[i], strlen(bad[i]), 2, begun, took, &line) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),	 cmocka_unit_test(test_patch_roundtrip),
		cmocka_unit_test(test_manifest), cmocka_unit_test(test_manifest_devices),
		cmocka_unit_test(test_progress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
