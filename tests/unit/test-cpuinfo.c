/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/cpuinfo on real dumps from hwloc's and util-linux's test suites (tests/data/cpuinfo,
 * see PROVENANCE.md there) and on hand-made hostile input.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/cpuinfo.h"
#include "util/macro.h"
#include "util/strbuf.h"

static char *datadir;

static bool try_datadir(char *cand)
{
	char *probe;
	bool ok;

	assert_true(asprintf(&probe, "%s/PROVENANCE.md", cand) > 0);
	ok = access(probe, R_OK) == 0;
	free(probe);
	if (ok)
		datadir = cand;
	else
		free(cand);
	return ok;
}

/* tests/data/cpuinfo, wherever meson runs us from: $PT_TEST_DATA, next to __FILE__, or up. */
static void find_datadir(void)
{
	const char *src = __FILE__, *slash = strrchr(src, '/');
	const char *env = getenv("PT_TEST_DATA"), *root = getenv("MESON_SOURCE_ROOT");
	static const char *const rel[] = {"tests/data/cpuinfo", "../tests/data/cpuinfo",
					  "../../tests/data/cpuinfo"};
	char *cand;

	if (env && asprintf(&cand, "%s/cpuinfo", env) > 0 && try_datadir(cand))
		return;
	if (slash && asprintf(&cand, "%.*s/../data/cpuinfo", (int)(slash - src), src) > 0 &&
	    try_datadir(cand))
		return;
	if (root && asprintf(&cand, "%s/tests/data/cpuinfo", root) > 0 && try_datadir(cand))
		return;
	for (size_t i = 0; i < ELEMENTSOF(rel); i++)
		if (try_datadir(strdup(rel[i])))
			return;
	fail_msg("tests/data/cpuinfo not found (set PT_TEST_DATA to tests/data)");
}

/* Reads a data file into an exact-size buffer, so overreads show under ASan. */
static char *slurp(const char *name, size_t *len)
{
	char *path;
	FILE *f;
	char *buf;
	long n;

	if (!datadir)
		find_datadir();
	assert_true(asprintf(&path, "%s/%s", datadir, name) > 0);
	f = fopen(path, "rb");
	free(path);
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void parse_file(const char *name, struct pt_cpuinfo *info)
{
	size_t len;
	char *buf = slurp(name, &len);

	assert_int_equal(pt_cpuinfo_parse(buf, len, info), 0);
	free(buf);
}

static void test_intel_hybrid(void **state)
{
	struct pt_cpuinfo c;

	parse_file("hwloc/5intel64-hybrid-lakefield.cpuinfo", &c);
	assert_int_equal(c.vendor, PT_CPU_VENDOR_INTEL);
	assert_string_equal(c.vendor_id, "GenuineIntel");
	assert_string_equal(c.model_name, "Intel(R) Core(TM) i5-L16G7 CPU @ 1.40GHz");
	assert_int_equal(c.have & (PT_CPUINFO_HAVE_FAMILY | PT_CPUINFO_HAVE_MODEL |
				   PT_CPUINFO_HAVE_STEPPING | PT_CPUINFO_HAVE_FLAGS),
			 PT_CPUINFO_HAVE_FAMILY | PT_CPUINFO_HAVE_MODEL | PT_CPUINFO_HAVE_STEPPING |
				 PT_CPUINFO_HAVE_FLAGS);
	assert_false(c.have & PT_CPUINFO_HAVE_VMX_FLAGS);
	assert_int_equal(c.family, 6);
	assert_int_equal(c.model, 138);
	assert_int_equal(c.stepping, 1);
	assert_int_equal(c.n_processors, 5);
	assert_true(pt_cpuinfo_has_flag(&c, "vmx"));
	assert_true(pt_cpuinfo_has_flag(&c, "pdpe1gb"));
	assert_false(pt_cpuinfo_has_flag(&c, "svm"));
	assert_false(pt_cpuinfo_has_flag(&c, "hypervisor"));
	/* Sunny Cove core 0 and the Tremont cores differ. */
	assert_true(c.flags_differ);
	assert_int_equal(c.flags_differ_line, 128);
	assert_false(c.identity_differs);
	pt_cpuinfo_done(&c);
	pt_cpuinfo_done(&c);
	pt_cpuinfo_done(NULL);
}

static void test_intel_vmx_flags(void **state)
{
	struct pt_cpuinfo c;

	parse_file("lscpu/x86_64-64cpu-linux6.2.cpuinfo", &c);
	assert_int_equal(c.vendor, PT_CPU_VENDOR_INTEL);
	assert_int_equal(c.model, 140);
	assert_int_equal(c.n_processors, 8);
	assert_int_equal(c.flags.n, 147);
	for (size_t i = 1; i < c.flags.n; i++)
		assert_true(strcmp(c.flags.v[i - 1], c.flags.v[i]) < 0);
	assert_true(pt_cpuinfo_has_flag(&c, "vmx"));
	assert_true(c.have & PT_CPUINFO_HAVE_VMX_FLAGS);
	assert_true(pt_cpuinfo_has_vmx_flag(&c, "ept"));
	assert_true(pt_cpuinfo_has_vmx_flag(&c, "unrestricted_guest"));
	/* "vmx flags" is its own line: some of it is only there, not in "flags". */
	assert_false(pt_cpuinfo_has_flag(&c, "unrestricted_guest"));
	assert_false(c.flags_differ);
	assert_false(c.identity_differs);
	pt_cpuinfo_done(&c);

	parse_file("lscpu/vbox-win.cpuinfo", &c);
	assert_int_equal(c.model, 58);
	assert_int_equal(c.stepping, 9);
	assert_false(pt_cpuinfo_has_flag(&c, "vmx"));
	assert_false(pt_cpuinfo_has_flag(&c, "hypervisor"));
	pt_cpuinfo_done(&c);
}

static void test_kvm_guest(void **state)
{
	struct pt_cpuinfo c;

	parse_file("hwloc/2pa-pcidomain32bits.cpuinfo", &c);
	assert_string_equal(c.model_name, "Intel Core Processor (Skylake, IBRS)");
	assert_int_equal(c.n_processors, 2);
	assert_true(pt_cpuinfo_has_flag(&c, "hypervisor"));
	assert_true(pt_cpuinfo_has_flag(&c, "pdpe1gb"));
	assert_false(pt_cpuinfo_has_flag(&c, "vmx"));
	pt_cpuinfo_done(&c);
}

static void test_amd(void **state)
{
	struct pt_cpuinfo c;

	parse_file("hwloc/64amd64-4p2n4ca2co.cpuinfo", &c);
	assert_int_equal(c.vendor, PT_CPU_VENDOR_AMD);
	assert_int_equal(c.family, 21);
	assert_int_equal(c.n_processors, 64);
	assert_true(pt_cpuinfo_has_flag(&c, "svm"));
	assert_false(pt_cpuinfo_has_flag(&c, "vmx"));
	/* Some processors pad "model name" with blanks; that is not a different CPU. */
	assert_string_equal(c.model_name, "AMD Opteron(TM) Processor 6272");
	assert_false(c.identity_differs);
	pt_cpuinfo_done(&c);

	parse_file("lscpu/vmware_fpe.cpuinfo", &c);
	assert_int_equal(c.vendor, PT_CPU_VENDOR_AMD);
	assert_int_equal(c.family, 21);
	assert_int_equal(c.model, 2);
	assert_int_equal(c.stepping, 0);
	assert_true(c.have & PT_CPUINFO_HAVE_STEPPING);
	assert_int_equal(c.n_processors, 16);
	assert_true(pt_cpuinfo_has_flag(&c, "svm"));
	assert_true(c.flags_differ);
	assert_int_equal(c.flags_differ_line, 48);
	pt_cpuinfo_done(&c);
}

static void test_arm(void **state)
{
	struct pt_cpuinfo c;

	parse_file("hwloc/128arm-2pa2n8cluster4co.cpuinfo", &c);
	assert_int_equal(c.vendor, PT_CPU_VENDOR_UNKNOWN);
	assert_null(c.vendor_id);
	assert_null(c.model_name);
	assert_int_equal(c.have, 0);
	assert_int_equal(c.n_processors, 128);
	assert_false(pt_cpuinfo_has_flag(&c, "vmx"));
	assert_string_equal(pt_cpu_vendor_to_string(c.vendor), "unknown");
	pt_cpuinfo_done(&c);
}

static void test_crlf_and_truncation(void **state)
{
	size_t len, n = 0;
	char *buf = slurp("hwloc/5intel64-hybrid-lakefield.cpuinfo", &len);
	char *crlf = malloc(2 * len);
	struct pt_cpuinfo c;

	assert_non_null(crlf);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			crlf[n++] = '\r';
		crlf[n++] = buf[i];
	}
	assert_int_equal(pt_cpuinfo_parse(crlf, n, &c), 0);
	assert_string_equal(c.vendor_id, "GenuineIntel");
	assert_string_equal(c.model_name, "Intel(R) Core(TM) i5-L16G7 CPU @ 1.40GHz");
	assert_int_equal(c.n_processors, 5);
	assert_true(pt_cpuinfo_has_flag(&c, "vmx"));
	assert_true(pt_cpuinfo_has_flag(&c, "pdpe1gb"));
	assert_true(c.flags_differ);
	pt_cpuinfo_done(&c);

	/* Cut in the middle of the first block's "flags" line. */
	assert_int_equal(pt_cpuinfo_parse(buf, 600, &c), 0);
	assert_int_equal(c.n_processors, 1);
	assert_true(c.have & PT_CPUINFO_HAVE_FLAGS);
	assert_true(pt_cpuinfo_has_flag(&c, "fpu"));
	assert_false(c.flags_differ);
	pt_cpuinfo_done(&c);
	free(crlf);
	free(buf);
}

static void test_hostile(void **state)
{
	static const char odd[] = "vendor_id\t: HygonGenuine\n"
				  "cpu family\t: 0x18\n"
				  "model\t\t:\n"
				  "stepping\t: unknown\n"
				  "model name\t: \n"
				  "no colon here\n"
				  ":\n"
				  "flags\t\t: svm  svm\tnpt \0 hypervisor\n"
				  "processor\t: 0\n"
				  "vendor_id\t: AuthenticAMD\n";
	struct pt_cpuinfo c;
	struct pt_strbuf big = {0};

	/* Fields before any "processor" line count for the first processor. */
	assert_int_equal(pt_cpuinfo_parse(odd, sizeof(odd) - 1, &c), 0);
	assert_int_equal(c.vendor, PT_CPU_VENDOR_HYGON);
	assert_false(c.have & PT_CPUINFO_HAVE_FAMILY); /* decimal only */
	assert_false(c.have & PT_CPUINFO_HAVE_MODEL);
	assert_false(c.have & PT_CPUINFO_HAVE_STEPPING);
	assert_string_equal(c.model_name, "");
	assert_int_equal(c.flags.n, 3);
	assert_true(pt_cpuinfo_has_flag(&c, "hypervisor"));
	assert_true(pt_cpuinfo_has_flag(&c, "npt"));
	assert_int_equal(c.n_processors, 1);
	/* The same block repeats vendor_id with another value. */
	assert_true(c.identity_differs);
	assert_int_equal(c.identity_differs_line, 10);
	pt_cpuinfo_done(&c);

	/* A 1 MiB flags line. */
	assert_int_equal(pt_strbuf_puts(&big, "processor\t: 0\nflags\t\t:"), 0);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(pt_strbuf_printf(&big, " f%d", i), 0);
	assert_int_equal(pt_strbuf_puts(&big, " vmx\n\nprocessor\t: 1\nflags\t\t: vmx\n"), 0);
	assert_int_equal(pt_cpuinfo_parse(big.buf, big.len, &c), 0);
	assert_int_equal(c.flags.n, 100001);
	assert_true(pt_cpuinfo_has_flag(&c, "f99999"));
	assert_true(pt_cpuinfo_has_flag(&c, "vmx"));
	assert_true(c.flags_differ);
	assert_int_equal(c.flags_differ_line, 5);
	pt_cpuinfo_done(&c);
	pt_strbuf_done(&big);

	assert_int_equal(pt_cpuinfo_parse(NULL, 0, &c), 0);
	assert_int_equal(c.n_processors, 0);
	assert_int_equal(c.vendor, PT_CPU_VENDOR_UNKNOWN);
	pt_cpuinfo_done(&c);
	assert_int_equal(pt_cpuinfo_parse(NULL, 1, &c), -EINVAL);
	/* Only len bytes count. */
	assert_int_equal(pt_cpuinfo_parse("vendor_id : GenuineIntelXYZ", 24, &c), 0);
	assert_int_equal(c.vendor, PT_CPU_VENDOR_INTEL);
	pt_cpuinfo_done(&c);

	assert_int_equal(pt_cpu_vendor_from_id("  Shanghai  "), PT_CPU_VENDOR_ZHAOXIN);
	assert_int_equal(pt_cpu_vendor_from_id("GenuineIotel"), PT_CPU_VENDOR_OTHER);
	assert_int_equal(pt_cpu_vendor_from_id(NULL), PT_CPU_VENDOR_UNKNOWN);
	assert_false(pt_cpuinfo_has_flag(NULL, "vmx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intel_hybrid), cmocka_unit_test(test_intel_vmx_flags),
		cmocka_unit_test(test_kvm_guest),    cmocka_unit_test(test_amd),
		cmocka_unit_test(test_arm),	     cmocka_unit_test(test_crlf_and_truncation),
		cmocka_unit_test(test_hostile),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	free(datadir);
	return r;
}
