/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module lists. Expectations marked "systemd 252" / "initramfs-tools" were checked on Debian 12
 * (systemd-modules-load with SYSTEMD_LOG_LEVEL=debug; hook-functions' add_modules_from_file
 * with grep 3.8 and dash's read).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modlist.h"

#define PARSE(s, d, l) pt_modlist_parse((s), sizeof(s) - 1, (d), (l))

/* /etc/modules as Debian 12's kmod postinst writes it, plus the guide's three vfio lines. */
static const char etc_modules[] = "# /etc/modules: kernel modules to load at boot time.\n"
				  "#\n"
				  "# This file contains the names of kernel modules that should be "
				  "loaded\n"
				  "# at boot time, one per line. Lines beginning with \"#\" are "
				  "ignored.\n"
				  "# Parameters can be specified after the module name.\n"
				  "\n"
				  "vfio\n"
				  "vfio_iommu_type1\n"
				  "vfio_pci\n";

static bool has_warning(const struct pt_modlist *l, enum pt_modlist_warn_kind kind, unsigned line)
{
	for (size_t i = 0; i < l->n_warnings; i++)
		if (l->warnings[i].kind == kind && l->warnings[i].line == line)
			return true;
	return false;
}

static void test_guide_etc_modules(void **state)
{
	struct pt_modlist l;

	assert_int_equal(PARSE(etc_modules, PT_MODLIST_SYSTEMD, &l), 0);
	assert_int_equal(l.n_entries, 3);
	assert_int_equal(l.n_warnings, 0);
	assert_int_equal(l.entries[0].line, 7);
	assert_string_equal(l.entries[0].module, "vfio");
	assert_string_equal(l.entries[2].raw, "vfio_pci");
	assert_null(l.entries[2].args);
	assert_ptr_equal(pt_modlist_find(&l, "vfio-pci"), &l.entries[2]);
	assert_null(pt_modlist_find(&l, "vfio_virqfd"));
	pt_modlist_done(&l);
	pt_modlist_done(&l);
	pt_modlist_done(NULL);
}

static void test_args_by_dialect(void **state)
{
	/* What users copy from guides into /etc/modules. */
	static const char s[] = "vfio\n"
				"vfio-pci ids=10de:1f08,10de:10f9  disable_vga=1 \n"
				"\tvfio_iommu_type1\n";
	struct pt_modlist l;

	/* systemd 252: "Loading module: vfio-pci ids=10de:1f08,10de:10f9  disable_vga=1",
	 * then "Failed to find module '...'", and the unit still succeeds. */
	assert_int_equal(PARSE(s, PT_MODLIST_SYSTEMD, &l), 0);
	assert_int_equal(l.n_entries, 3);
	assert_string_equal(l.entries[1].module, "vfio-pci");
	assert_string_equal(l.entries[1].name, "vfio_pci");
	assert_string_equal(l.entries[1].args, "ids=10de:1f08,10de:10f9  disable_vga=1");
	assert_string_equal(l.entries[1].lookup, "vfio-pci ids=10de:1f08,10de:10f9  disable_vga=1");
	assert_true(has_warning(&l, PT_MODLIST_WARN_ARGS, 2));
	assert_int_equal(l.n_warnings, 1);
	assert_string_equal(l.entries[2].lookup, "vfio_iommu_type1");
	pt_modlist_done(&l);

	/* initramfs-tools: the same line is "modprobe vfio-pci ids=... disable_vga=1". */
	assert_int_equal(PARSE(s, PT_MODLIST_SHELL, &l), 0);
	assert_int_equal(l.n_entries, 3);
	assert_int_equal(l.n_warnings, 0);
	assert_string_equal(l.entries[1].lookup, "vfio-pci");
	assert_string_equal(l.entries[1].args, "ids=10de:1f08,10de:10f9  disable_vga=1");
	assert_string_equal(l.entries[2].module, "vfio_iommu_type1");
	assert_int_equal(l.entries[2].line, 3);
	pt_modlist_done(&l);
}

/* /etc/initramfs-tools/modules as shipped (abridged, own words) plus vfio lines. */
static const char initramfs_modules[] = "# List of modules that you want to include in your "
					"initramfs.\n"
					"# They will be loaded at boot time in the order below.\n"
					"#\n"
					"# Syntax:  module_name [args ...]\n"
					"#\n"
					"# raid1\n"
					"# sd_mod\n"
					"vfio\n"
					"vfio_iommu_type1\n"
					"vfio_pci ids=10de:1f08,10de:10f9\n"
					"  # vfio_virqfd is gone since 6.2\n"
					";nouveau\n";

static void test_comments_by_dialect(void **state)
{
	struct pt_modlist l;

	assert_int_equal(PARSE(initramfs_modules, PT_MODLIST_SHELL, &l), 0);
	/* mkinitramfs sees "#" and ";nouveau" as modules (grep only drops column-1 '#'). */
	assert_int_equal(l.n_entries, 5);
	assert_string_equal(l.entries[2].args, "ids=10de:1f08,10de:10f9");
	assert_string_equal(l.entries[3].module, "#");
	assert_true(has_warning(&l, PT_MODLIST_WARN_INDENTED_COMMENT, 11));
	assert_string_equal(l.entries[4].module, ";nouveau");
	assert_true(has_warning(&l, PT_MODLIST_WARN_SEMICOLON, 12));
	assert_false(l.binary);
	pt_modlist_done(&l);

	/* modules-load.d: both are comments. */
	assert_int_equal(PARSE(initramfs_modules, PT_MODLIST_SYSTEMD, &l), 0);
	assert_int_equal(l.n_entries, 3);
	assert_true(has_warning(&l, PT_MODLIST_WARN_ARGS, 10));
	pt_modlist_done(&l);
}

static void test_hostile(void **state)
{
	static const char crlf[] = "vfio\r\nvfio_pci\r\n\r\n";
	static const char nul[] = "vfio\nvfio_pci\0\nkvm";
	struct pt_modlist l;

	/* systemd 252: '\r' and NUL end lines like '\n' does. */
	assert_int_equal(PARSE(crlf, PT_MODLIST_SYSTEMD, &l), 0);
	assert_int_equal(l.n_entries, 2);
	assert_string_equal(l.entries[1].lookup, "vfio_pci");
	assert_int_equal(l.n_warnings, 0);
	pt_modlist_done(&l);
	assert_int_equal(PARSE(nul, PT_MODLIST_SYSTEMD, &l), 0);
	assert_int_equal(l.n_entries, 3);
	assert_int_equal(l.entries[2].line, 3);
	assert_false(l.binary);
	pt_modlist_done(&l);

	/* dash's read keeps the CR: "vfio\r" is no module. */
	assert_int_equal(PARSE(crlf, PT_MODLIST_SHELL, &l), 0);
	assert_int_equal(l.n_entries, 3);
	assert_string_equal(l.entries[0].module, "vfio\r");
	assert_true(has_warning(&l, PT_MODLIST_WARN_CR, 1));
	assert_string_equal(l.entries[2].module, "\r");
	pt_modlist_done(&l);
	/* grep 3.8: "binary file matches", nothing printed, no module reaches the initramfs. */
	assert_int_equal(PARSE(nul, PT_MODLIST_SHELL, &l), 0);
	assert_true(l.binary);
	assert_true(has_warning(&l, PT_MODLIST_WARN_NUL, 2));
	pt_modlist_done(&l);

	assert_int_equal(pt_modlist_parse(NULL, 0, PT_MODLIST_SHELL, &l), 0);
	assert_int_equal(l.n_entries, 0);
	pt_modlist_done(&l);
	assert_int_equal(pt_modlist_parse("x", 1, 7, &l), -EINVAL);
	assert_int_equal(pt_modlist_parse(NULL, 1, PT_MODLIST_SHELL, &l), -EINVAL);
	/* Only len bytes count. */
	assert_int_equal(pt_modlist_parse("vfio\nkvmXX", 8, PT_MODLIST_SYSTEMD, &l), 0);
	assert_string_equal(l.entries[1].module, "kvm");
	pt_modlist_done(&l);
	assert_string_equal(pt_modlist_warn_kind_to_string(PT_MODLIST_WARN_NUL), "nul");
	assert_null(pt_modlist_warn_kind_to_string(_PT_MODLIST_WARN_MAX));
}

/* Lines in the style of an Ubuntu 20.04 kernel, where vfio-pci is built in. */
static const char builtin[] = "kernel/arch/x86/crypto/aesni-intel.ko\n"
			      "kernel/drivers/vfio/vfio.ko\n"
			      "kernel/drivers/vfio/vfio_virqfd.ko\n"
			      "kernel/drivers/vfio/vfio_iommu_type1.ko\n"
			      "kernel/drivers/vfio/pci/vfio-pci.ko\n"
			      "kernel/drivers/usb/host/xhci-pci.ko\n"
			      "kernel/drivers/gpu/drm/drm.ko\n"
			      "\n"
			      "kernel/drivers/vfio/pci/vfio-pci.ko\n"
			      "kernel/fs/odd-name\n"
			      "kernel/fs/\n";

static void test_builtin(void **state)
{
	struct pt_modbuiltin b;
	const struct pt_modbuiltin_entry *e;

	assert_int_equal(pt_modbuiltin_parse(builtin, sizeof(builtin) - 1, &b), 0);
	assert_int_equal(b.n, 8);
	for (size_t i = 1; i < b.n; i++)
		assert_true(strcmp(b.v[i - 1].name, b.v[i].name) < 0);
	assert_true(pt_modbuiltin_has(&b, "vfio-pci"));
	e = pt_modbuiltin_find(&b, "vfio_pci");
	assert_non_null(e);
	assert_string_equal(e->path, "kernel/drivers/vfio/pci/vfio-pci.ko");
	assert_int_equal(e->line, 5); /* the duplicate on line 9 is dropped */
	assert_true(pt_modbuiltin_has(&b, "aesni_intel"));
	assert_true(pt_modbuiltin_has(&b, "xhci-pci"));
	assert_false(pt_modbuiltin_has(&b, "nvidia"));
	assert_false(pt_modbuiltin_has(&b, "vfio_pci.ko"));
	/* "odd-name" has no .ko (kept), "kernel/fs/" has no name (skipped). */
	assert_true(pt_modbuiltin_has(&b, "odd_name"));
	assert_int_equal(b.n_bad, 2);
	assert_int_equal(b.first_bad_line, 10);
	pt_modbuiltin_done(&b);
	pt_modbuiltin_done(NULL);

	assert_int_equal(pt_modbuiltin_parse("kernel/a.ko\r\n", 13, &b), 0);
	assert_true(pt_modbuiltin_has(&b, "a"));
	assert_int_equal(b.n_bad, 0);
	pt_modbuiltin_done(&b);
	assert_int_equal(pt_modbuiltin_parse(NULL, 0, &b), 0);
	assert_false(pt_modbuiltin_has(&b, "vfio"));
	pt_modbuiltin_done(&b);
	assert_int_equal(pt_modbuiltin_parse(NULL, 3, &b), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guide_etc_modules),
		cmocka_unit_test(test_args_by_dialect),
		cmocka_unit_test(test_comments_by_dialect),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_builtin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
