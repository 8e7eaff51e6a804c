/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers of the host facts behind guard.boot-disk, guard.default-route-nic, fb.*, and of the
 * override lines of passthru's own init-top script.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/iomem.h"
#include "parse/mounts.h"
#include "parse/overrides.h"
#include "parse/route.h"
#include "util/bdf.h"

#define S(x) x, sizeof(x) - 1

static void test_iomem_tree(void **state)
{
	struct pt_iomem m;

	assert_int_equal(pt_iomem_parse(S("00000000-00000fff : Reserved\n"
					  "e0000000-fec2ffff : PCI Bus 0000:00\n"
					  "  e0000000-efffffff : 0000:04:00.0\n"
					  "    e0000000-e07e8fff : BOOTFB\n"
					  "  f0000000-f1ffffff : 0000:04:00.0\n"
					  "100000000-83f2fffff : System RAM\n"),
					&m),
			 0);
	assert_int_equal(m.n, 6);
	assert_int_equal(m.nbad, 0);
	assert_false(m.addresses_hidden);
	assert_string_equal(m.v[3].name, "BOOTFB");
	assert_int_equal(m.v[3].depth, 2);
	assert_int_equal(m.v[3].parent, 2);
	assert_int_equal(m.v[4].parent, 1);
	assert_int_equal(m.v[5].parent, -1);
	assert_true(m.v[3].start == 0xe0000000 && m.v[3].end == 0xe07e8fff);
	assert_true(m.v[5].end == 0x83f2fffffull);
	assert_true(pt_iomem_is_framebuffer(m.v[3].name));
	assert_false(pt_iomem_is_framebuffer(m.v[2].name));
	pt_iomem_done(&m);
}

static void test_iomem_hidden_and_bad(void **state)
{
	struct pt_iomem m;

	/* Non-root readers see zeros: hidden, which is not "nothing there". */
	assert_int_equal(pt_iomem_parse(S("00000000-00000000 : Reserved\n"
					  "  00000000-00000000 : BOOTFB\n"),
					&m),
			 0);
	assert_int_equal(m.n, 2);
	assert_true(m.addresses_hidden);
	pt_iomem_done(&m);
	/* Empty: not hidden, just nothing. */
	assert_int_equal(pt_iomem_parse(S(""), &m), 0);
	assert_false(m.addresses_hidden);
	pt_iomem_done(&m);
	/* Too deep for its predecessor, odd indentation, bad numbers, end < start. */
	assert_int_equal(pt_iomem_parse(S("0-f : a\n    10-1f : orphan\n 0-1 : odd\nzz-1 : x\n"
					  "10-0 : reversed\n0-1\n"),
					&m),
			 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.nbad, 5);
	pt_iomem_done(&m);
	assert_true(pt_iomem_is_framebuffer("efifb"));
	assert_true(pt_iomem_is_framebuffer("simplefb"));
	assert_true(pt_iomem_is_framebuffer("vesafb"));
}

static void test_mounts(void **state)
{
	struct pt_mounts m;
	const struct pt_mount *root;

	assert_int_equal(pt_mounts_parse(S("rootfs / rootfs rw 0 0\n"
					   "/dev/mapper/pve-root / ext4 rw,relatime 0 0\n"
					   "/dev/sda1 /mnt/my\\040disk ext4 rw 0 0\n"
					   "/dev/x /a\\777b\\134 ext4 rw 0 0\n"
					   "broken line\n"
					   "rpool/ROOT/pve-1 /boot zfs rw 0 0\n"),
					 &m),
			 0);
	assert_int_equal(m.n, 5);
	assert_int_equal(m.nbad, 1);
	/* The last mount at a path is the one visible. */
	root = pt_mounts_find(&m, "/");
	assert_non_null(root);
	assert_string_equal(root->source, "/dev/mapper/pve-root");
	assert_string_equal(root->fstype, "ext4");
	assert_non_null(pt_mounts_find(&m, "/mnt/my disk"));
	/* Out-of-range escapes stay as written; \134 is a backslash. */
	assert_string_equal(m.v[3].target, "/a\\777b\\");
	assert_string_equal(pt_mounts_find(&m, "/boot")->fstype, "zfs");
	assert_null(pt_mounts_find(&m, "/boot/efi"));
	pt_mounts_done(&m);
}

static void test_route(void **state)
{
	struct pt_routes r;

	assert_int_equal(
		pt_routes_parse(S("Iface\tDestination\tGateway "
				  "\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
				  "enp6s0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
				  "vmbr0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
				  "wg0\t00000000\t00000000\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"
				  "vmbr0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
				  "junk\n"),
				&r),
		0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.nbad, 1);
	assert_string_equal(r.v[1].iface, "vmbr0");
	assert_int_equal(r.v[0].metric, 100);
	/* Lowest metric wins; a route that is not up is no default; a subnet is none. */
	assert_false(pt_routes_is_default(&r, 0));
	assert_true(pt_routes_is_default(&r, 1));
	assert_false(pt_routes_is_default(&r, 2));
	assert_false(pt_routes_is_default(&r, 3));
	assert_false(pt_routes_is_default(&r, 4));
	pt_routes_done(&r);
}

static void test_bdf_in_path(void **state)
{
	struct pt_bdf b;
	char s[PT_BDF_STRLEN];

	assert_int_equal(pt_bdf_last_in_path("/sys/devices/pci0000:00/0000:00:01.2/0000:02:00.0/"
					     "0000:03:08.0/0000:05:00.0/nvme/nvme0/nvme0n1",
					     &b),
			 0);
	assert_string_equal(pt_bdf_format(&b, s), "0000:05:00.0");
	assert_int_equal(pt_bdf_last_in_path("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/"
					     "2-1:1.0/net/enx0",
					     &b),
			 0);
	assert_string_equal(pt_bdf_format(&b, s), "0000:00:14.0");
	assert_int_equal(pt_bdf_last_in_path("/sys/devices/virtual/net/vmbr0", &b), -ENOENT);
	assert_int_equal(pt_bdf_last_in_path("", &b), -ENOENT);
}

/* Only the exact lines passthru writes; the last one may lack its newline. */
static void test_overrides(void **state)
{
	struct pt_overrides o;

	assert_int_equal(pt_overrides_parse(S("#!/bin/sh\n"
					      "override() { # SLOT VENDOR DEVICE\n"
					      "override 0000:01:00.0 0x10de 0x1b80\n"
					      "  override 0000:02:00.0 0x10de 0x1b80\n"
					      "override 0000:03:00.0 0x10de 0x1b80 # mine\n"
					      "override 0000:04:00.0 0x10de 0x1b8\0\n"
					      "override 0000:05:00.0 0x1002 0x67df"),
					    &o),
			 0);
	assert_int_equal(o.lines.n, 2);
	assert_string_equal(o.lines.v[0], "override 0000:01:00.0 0x10de 0x1b80");
	assert_string_equal(o.slots.v[0], "0000:01:00.0");
	assert_string_equal(o.slots.v[1], "0000:05:00.0");
	pt_overrides_done(&o);
	assert_int_equal(pt_overrides_parse(NULL, 0, &o), 0);
	assert_int_equal(o.lines.n, 0);
	pt_overrides_done(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iomem_tree),  cmocka_unit_test(test_iomem_hidden_and_bad),
		cmocka_unit_test(test_mounts),	    cmocka_unit_test(test_route),
		cmocka_unit_test(test_bdf_in_path), cmocka_unit_test(test_overrides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
