/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Planner helpers: adding parameters to /etc/kernel/cmdline without touching user bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "plan/cmdline-edit.h"

static void check(const char *in, const char *const *tok, size_t n, const char *want,
		  size_t want_added)
{
	struct pt_strbuf out = {0};
	size_t added = 99;

	assert_int_equal(pt_plan_cmdline_append(in, strlen(in), tok, n, &out, &added), 0);
	assert_string_equal(out.buf ? out.buf : "", want);
	assert_int_equal(added, want_added);
	pt_strbuf_done(&out);
}

static void test_append(void **state)
{
	const char *const on[] = {"intel_iommu=on"};
	const char *const two[] = {"intel_iommu=on", "iommu=pt", "intel_iommu=on"};

	check("root=ZFS=rpool/ROOT/pve-1 boot=zfs\n", on, 1,
	      "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on\n", 1);
	/* Trailing blanks, a second line and no final newline are kept as they are. */
	check("root=x quiet  \t\nsecond line ignored\n", two, 3,
	      "root=x quiet intel_iommu=on iommu=pt  \t\nsecond line ignored\n", 2);
	check("root=x", on, 1, "root=x intel_iommu=on", 1);
	/* Already in force: nothing. A user's later "off" wins over an earlier "on": append. */
	check("root=x intel_iommu=on\n", on, 1, "root=x intel_iommu=on\n", 0);
	check("root=x intel_iommu=on intel_iommu=off\n", on, 1,
	      "root=x intel_iommu=on intel_iommu=off intel_iommu=on\n", 1);
	/* Before "--": what follows it goes to init. */
	check("root=x -- single\n", on, 1, "root=x intel_iommu=on -- single\n", 1);
	check("-- single\n", on, 1, "intel_iommu=on -- single\n", 1);
	/* Quoted values stay byte for byte. */
	check("root=x dyndbg=\"file a.c +p\"\n", on, 1,
	      "root=x dyndbg=\"file a.c +p\" intel_iommu=on\n", 1);
	check("", on, 1, "intel_iommu=on", 1);
}

static void test_refuse(void **state)
{
	const char *const on[] = {"intel_iommu=on"};
	struct pt_strbuf out = {0};
	size_t added;

	assert_int_equal(pt_plan_cmdline_append("root=x a=\"open\n", 15, on, 1, &out, &added),
			 -EINVAL);
	assert_int_equal(pt_plan_cmdline_append("root=x\0y\n", 9, on, 1, &out, &added), -EINVAL);
	assert_null(out.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_refuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
