/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The findings framework: ordering, live-only skips, severity counts; IOMMU verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "checks/finding.h"
#include "derive/iommu.h"

static int add_two(const struct pt_host *h, const struct pt_verdicts *vd,
		   const struct pt_check_opts *o, struct pt_findings *out)
{
	struct pt_pci_dev d = {.bdf = {0, 1, 0, 0}};
	struct pt_finding *f;

	f = pt_findings_add(out, PT_AREA_DEVICE, "b.second", PT_SEV_FAIL, &d, "fact");
	pt_finding_message(out, f, "n=%d", 2);
	pt_finding_evidence(out, f, "/sys/x", NULL);
	f = pt_findings_add(out, PT_AREA_PLATFORM, "a.first", PT_SEV_PASS, NULL, "fact");
	pt_finding_message(out, f, "ok");
	return 0;
}

static int never(const struct pt_host *h, const struct pt_verdicts *vd,
		 const struct pt_check_opts *o, struct pt_findings *out)
{
	fail_msg("a live-only check ran on a snapshot root");
	return 0;
}

static void test_sorted_and_skipped(void **state)
{
	const struct pt_check table[] = {
		{"dev", PT_AREA_DEVICE, false, NULL, add_two},
		{"kvm", PT_AREA_PLATFORM, true, "kvm.skipped", never},
	};
	struct pt_host h = {.mode = PT_ROOT_DIR};
	struct pt_check_opts o = {0};
	struct pt_findings l = {0};

	assert_int_equal(pt_checks_run_table(table, 2, &h, NULL, &o, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].id, "a.first");
	assert_string_equal(l.v[1].id, "kvm.skipped");
	assert_int_equal(l.v[1].severity, PT_SEV_SKIP);
	assert_string_equal(l.v[2].id, "b.second");
	assert_string_equal(l.v[2].message, "n=2");
	assert_null(l.v[2].evidence[0].value);
	assert_int_equal(pt_findings_count(&l, PT_SEV_FAIL), 1);
	assert_string_equal(pt_severity_name(PT_SEV_WARN), "warn");
	assert_string_equal(pt_area_name(PT_AREA_MODULES), "modules");
	pt_findings_done(&l);
}

static void test_helpers_accept_null(void **state)
{
	struct pt_findings l = {0};

	pt_finding_message(&l, NULL, "x");
	pt_finding_hint(&l, NULL, "x");
	pt_finding_evidence(&l, NULL, "/p", "v");
	pt_finding_device(&l, NULL, 1);
	assert_int_equal(l.n, 0);
	pt_findings_done(&l);
}

/* A host with only a command line and a kernel build configuration. */
static void host_with(struct pt_host *h, const char *cmdline, const char *kconfig)
{
	*h = (struct pt_host){.mode = PT_ROOT_DIR};
	h->cmdline_known = pt_cmdline_parse(cmdline, strlen(cmdline), &h->cmdline) == 0;
	h->kconfig_known =
		kconfig && pt_kconfig_parse(kconfig, strlen(kconfig), &h->kconfig, NULL) == 0;
	assert_true(h->cmdline_known);
}

static void host_drop(struct pt_host *h)
{
	pt_cmdline_done(&h->cmdline);
	pt_kconfig_done(&h->kconfig);
}

#define DEBIAN_61 \
	"CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y\n# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n"

/* Debian's intgpu patches: the Kconfig default, then intel_iommu= items in order. */
static void test_igpu_identity(void **state)
{
	struct pt_host h;
	const char *why;

	host_with(&h, "ro quiet", DEBIAN_61);
	assert_int_equal(pt_intel_igpu_identity(&h, &why), PT_YES);
	assert_string_equal(why, "CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y");
	host_drop(&h);

	host_with(&h, "ro intel_iommu=on", DEBIAN_61);
	assert_int_equal(pt_intel_igpu_identity(&h, &why), PT_NO);
	host_drop(&h);

	/* Applied in turn: the later item wins, within a token and across tokens. */
	host_with(&h, "intel_iommu=on,intgpu_off", DEBIAN_61);
	assert_int_equal(pt_intel_igpu_identity(&h, &why), PT_YES);
	assert_string_equal(why, "intel_iommu=on,intgpu_off");
	host_drop(&h);
	host_with(&h, "intel_iommu=intgpu_off intel_iommu=on", DEBIAN_61);
	assert_int_equal(pt_intel_igpu_identity(&h, &why), PT_NO);
	host_drop(&h);

	/* A kernel whose config lacks the symbol has no such patch: intgpu_off is unknown. */
	host_with(&h, "intel_iommu=intgpu_off", "CONFIG_INTEL_IOMMU_DEFAULT_ON=y\n");
	assert_int_equal(pt_intel_igpu_identity(&h, &why), PT_NO);
	host_drop(&h);

	host_with(&h, "ro", NULL);
	assert_int_equal(pt_intel_igpu_identity(&h, &why), PT_UNKNOWN);
	host_drop(&h);
}

/* Identity default domains for every host device: config, then iommu= / iommu.passthrough=. */
static void test_passthrough(void **state)
{
	struct pt_host h;

	host_with(&h, "iommu=pt", NULL);
	assert_true(pt_iommu_passthrough(&h));
	host_drop(&h);
	host_with(&h, "iommu=pt iommu=nopt", NULL);
	assert_false(pt_iommu_passthrough(&h));
	host_drop(&h);
	host_with(&h, "iommu.passthrough=1", NULL);
	assert_true(pt_iommu_passthrough(&h));
	host_drop(&h);
	host_with(&h, "iommu.passthrough=0", "CONFIG_IOMMU_DEFAULT_PASSTHROUGH=y\n");
	assert_false(pt_iommu_passthrough(&h));
	host_drop(&h);
	host_with(&h, "ro", "CONFIG_IOMMU_DEFAULT_PASSTHROUGH=y\n");
	assert_true(pt_iommu_passthrough(&h));
	host_drop(&h);
	/* After "--" it is an argument for init. */
	host_with(&h, "ro -- iommu=pt", NULL);
	assert_false(pt_iommu_passthrough(&h));
	host_drop(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_and_skipped),
		cmocka_unit_test(test_helpers_accept_null),
		cmocka_unit_test(test_igpu_identity),
		cmocka_unit_test(test_passthrough),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
