/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The findings framework: ordering, live-only skips, severity counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "checks/finding.h"

static int add_two(const struct pt_host *h, const struct pt_check_opts *o, struct pt_findings *out)
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

static int never(const struct pt_host *h, const struct pt_check_opts *o, struct pt_findings *out)
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

	assert_int_equal(pt_checks_run_table(table, 2, &h, &o, &l), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_and_skipped),
		cmocka_unit_test(test_helpers_accept_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
