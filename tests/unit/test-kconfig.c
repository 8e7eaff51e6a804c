/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/kconfig.h"
#include "util/strbuf.h"

/* An excerpt of Debian 12's /boot/config-6.1.0-*-amd64 (linux-image-6.1.0-51-amd64). */
static const char debian_excerpt[] =
	"#\n"
	"# Automatically generated file; DO NOT EDIT.\n"
	"# Linux/x86 6.1.177 Kernel Configuration\n"
	"#\n"
	"CONFIG_CC_VERSION_TEXT=\"gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0\"\n"
	"CONFIG_LOCALVERSION=\"\"\n"
	"# CONFIG_LOCALVERSION_AUTO is not set\n"
	"CONFIG_SYSFB=y\n"
	"# CONFIG_SYSFB_SIMPLEFB is not set\n"
	"CONFIG_MTD_REDBOOT_DIRECTORY_BLOCK=-1\n"
	"CONFIG_PHYSICAL_START=0x1000000\n"
	"CONFIG_NR_CPUS=8192\n"
	"\n"
	"#\n"
	"# Graphics support\n"
	"#\n"
	"# CONFIG_DRM_SIMPLEDRM is not set\n"
	"CONFIG_VFIO_PCI_CORE=m\n"
	"CONFIG_VFIO_PCI=m\n"
	"CONFIG_VFIO_PCI_VGA=y\n"
	"CONFIG_INTEL_IOMMU=y\n"
	"# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n"
	"CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y\n"
	"# CONFIG_INTEL_IOMMU_DEFAULT_OFF is not set\n"
	"# end of Graphics support\n";

static void test_debian_excerpt(void **state)
{
	struct pt_kconfig kc;
	const struct pt_kconfig_entry *e;
	unsigned line = 99;

	assert_int_equal(pt_kconfig_parse(debian_excerpt, strlen(debian_excerpt), &kc, &line), 0);
	assert_int_equal(line, 0);
	assert_int_equal(kc.n, 16);
	assert_int_equal(kc.n_overridden, 0);

	/* The six symbols the IOMMU/VFIO checks read. */
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_INTEL_IOMMU_DEFAULT_ON"), PT_KCONFIG_N);
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF"),
			 PT_KCONFIG_Y);
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_VFIO_PCI"), PT_KCONFIG_M);
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_VFIO_PCI_VGA"), PT_KCONFIG_Y);
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_SYSFB_SIMPLEFB"), PT_KCONFIG_N);
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_DRM_SIMPLEDRM"), PT_KCONFIG_N);
	/* Not in the file at all is not the same as "is not set". */
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_INTEL_IOMMU_PERF_EVENTS"),
			 PT_KCONFIG_ABSENT);
	assert_null(pt_kconfig_get(&kc, "CONFIG_AMD_IOMMU"));

	/* Lookups without the prefix. */
	e = pt_kconfig_get(&kc, "VFIO_PCI");
	assert_non_null(e);
	assert_string_equal(e->name, "CONFIG_VFIO_PCI");
	assert_string_equal(e->value, "m");
	assert_int_equal(e->kind, PT_KCONFIG_MODULE);
	assert_int_equal(e->line, 19);

	e = pt_kconfig_get(&kc, "CONFIG_INTEL_IOMMU_DEFAULT_ON");
	assert_int_equal(e->kind, PT_KCONFIG_NOT_SET);
	assert_null(e->value);
	assert_int_equal(e->line, 22);

	e = pt_kconfig_get(&kc, "CONFIG_CC_VERSION_TEXT");
	assert_int_equal(e->kind, PT_KCONFIG_STRING);
	assert_string_equal(e->value, "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0");
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_CC_VERSION_TEXT"), PT_KCONFIG_OTHER);
	assert_string_equal(pt_kconfig_get(&kc, "LOCALVERSION")->value, "");

	e = pt_kconfig_get(&kc, "CONFIG_MTD_REDBOOT_DIRECTORY_BLOCK");
	assert_int_equal(e->kind, PT_KCONFIG_NUMBER);
	assert_string_equal(e->value, "-1");
	assert_string_equal(pt_kconfig_get(&kc, "PHYSICAL_START")->value, "0x1000000");

	/* Sorted, unique. */
	for (size_t i = 1; i < kc.n; i++)
		assert_true(strcmp(kc.entries[i - 1].name, kc.entries[i].name) < 0);
	pt_kconfig_done(&kc);
	pt_kconfig_done(NULL);
}

static void test_strings_and_overrides(void **state)
{
	const char *s = "CONFIG_A=\"say \\\"hi\\\" \\\\o/\"\r\n"
			"CONFIG_B=y\n"
			"CONFIG_B=m\n"
			"# CONFIG_C is not settled\n"
			"#CONFIG_D is not set\n"
			"CONFIG_E=n\n"
			"# CONFIG_B is not set"; /* no final newline */
	struct pt_kconfig kc;
	const struct pt_kconfig_entry *e;

	assert_int_equal(pt_kconfig_parse(s, strlen(s), &kc, NULL), 0);
	e = pt_kconfig_get(&kc, "CONFIG_A");
	assert_string_equal(e->value, "say \"hi\" \\o/");
	/* The last assignment wins (kconfig: "override: reassigning to symbol"). */
	e = pt_kconfig_get(&kc, "CONFIG_B");
	assert_int_equal(e->kind, PT_KCONFIG_NOT_SET);
	assert_int_equal(e->line, 7);
	assert_int_equal(kc.n_overridden, 2);
	/* Comments that merely look like "is not set". */
	assert_null(pt_kconfig_get(&kc, "CONFIG_C"));
	assert_null(pt_kconfig_get(&kc, "CONFIG_D"));
	assert_int_equal(pt_kconfig_tristate(&kc, "E"), PT_KCONFIG_N);
	assert_string_equal(pt_kconfig_get(&kc, "E")->value, "n");
	pt_kconfig_done(&kc);
}

static void expect_error(const char *s, size_t len, unsigned want_line)
{
	struct pt_kconfig kc;
	unsigned line = 0;

	assert_int_equal(pt_kconfig_parse(s, len, &kc, &line), -EINVAL);
	assert_int_equal(line, want_line);
	assert_int_equal(kc.n, 0);
	assert_null(kc.entries);
}

static void test_errors(void **state)
{
	expect_error("CONFIG_A=y\nCONFIG_B\n", 20, 2);
	expect_error("CONFIG_A=y\n\nFOO=y\n", 18, 3);
	expect_error("CONFIG_A=\"abc\n", 14, 1);
	expect_error("CONFIG_A=\"abc\" x\n", 17, 1);
	expect_error("CONFIG_A=yes\n", 13, 1);
	expect_error("CONFIG_A=\n", 10, 1);
	expect_error("CONFIG_=y\n", 10, 1);
	expect_error("CONFIG_A-B=y\n", 13, 1);
	expect_error(" CONFIG_A=y\n", 12, 1);
	expect_error("CONFIG_A=0x\n", 12, 1);
	expect_error("CONFIG_A=-\n", 11, 1);
	expect_error("CONFIG_A=y\nCONFIG_B=\0y\n", 23, 2);
}

static void test_empty(void **state)
{
	struct pt_kconfig kc;

	assert_int_equal(pt_kconfig_parse("", 0, &kc, NULL), 0);
	assert_int_equal(kc.n, 0);
	assert_null(pt_kconfig_get(&kc, "CONFIG_VFIO_PCI"));
	assert_int_equal(pt_kconfig_tristate(&kc, "CONFIG_VFIO_PCI"), PT_KCONFIG_ABSENT);
	pt_kconfig_done(&kc);
}

static void test_not_nul_terminated(void **state)
{
	const char full[] = "CONFIG_A=y\nCONFIG_B=m\n";
	struct pt_kconfig kc;

	/* Stop in the middle of the second line: "CONFIG_B=" alone is an error... */
	assert_int_equal(pt_kconfig_parse(full, 20, &kc, NULL), -EINVAL);
	/* ...and "CONFIG_B=m" without its newline is fine. */
	assert_int_equal(pt_kconfig_parse(full, 21, &kc, NULL), 0);
	assert_int_equal(pt_kconfig_tristate(&kc, "B"), PT_KCONFIG_M);
	pt_kconfig_done(&kc);
}

/* A file the size of Debian's (10,643 lines): every symbol is found with its value. */
static void test_large(void **state)
{
	struct pt_strbuf sb = {0};
	struct pt_kconfig kc;
	char name[64];

	for (unsigned i = 0; i < 12000; i++) {
		switch (i % 4) {
		case 0:
			pt_strbuf_printf(&sb, "CONFIG_SYM_%05u=y\n", i);
			break;
		case 1:
			pt_strbuf_printf(&sb, "# CONFIG_SYM_%05u is not set\n", i);
			break;
		case 2:
			pt_strbuf_printf(&sb, "CONFIG_SYM_%05u=%u\n", i, i);
			break;
		default:
			pt_strbuf_printf(&sb, "#\n# Section %u\n#\n", i);
			break;
		}
	}
	assert_int_equal(pt_kconfig_parse(sb.buf, sb.len, &kc, NULL), 0);
	assert_int_equal(kc.n, 9000);
	for (unsigned i = 0; i < 12000; i++) {
		snprintf(name, sizeof(name), "SYM_%05u", i);
		switch (i % 4) {
		case 0:
			assert_int_equal(pt_kconfig_tristate(&kc, name), PT_KCONFIG_Y);
			break;
		case 1:
			assert_int_equal(pt_kconfig_tristate(&kc, name), PT_KCONFIG_N);
			break;
		case 2:
			assert_int_equal(strtoul(pt_kconfig_get(&kc, name)->value, NULL, 10), i);
			break;
		default:
			assert_null(pt_kconfig_get(&kc, name));
			break;
		}
	}
	pt_kconfig_done(&kc);
	pt_strbuf_done(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_excerpt),
		cmocka_unit_test(test_strings_and_overrides),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
