/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "parse/cmdline.h"
#include "util/strbuf.h"
#include "util/strv.h"

static void parse_ok(const char *s, struct pt_cmdline *cl)
{
	assert_int_equal(pt_cmdline_parse(s, strlen(s), cl), 0);
}

/* Every token's raw bytes are exactly the input at its offset. */
static void assert_raw_matches(const char *s, const struct pt_cmdline *cl)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct pt_cmdline_param *p = &cl->params[i];

		assert_int_equal(strlen(p->raw), p->len);
		assert_memory_equal(s + p->offset, p->raw, p->len);
	}
}

static void test_grub_proxmox(void **state)
{
	/*
	 * /proc/cmdline of a Proxmox VE 8.2 host booted by GRUB (GRUB prepends BOOT_IMAGE=: grub
	 * include/grub/lib/cmdline.h LINUX_IMAGE).
	 */
	const char *s = "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet "
			"intel_iommu=on iommu=pt\n";
	struct pt_cmdline cl;
	const struct pt_cmdline_param *p;

	parse_ok(s, &cl);
	assert_int_equal(cl.n, 6);
	assert_true(cl.dashes == PT_CMDLINE_NO_DASHES);
	assert_false(cl.unterminated);
	assert_string_equal(cl.params[0].name, "BOOT_IMAGE");
	assert_string_equal(cl.params[0].value, "/boot/vmlinuz-6.8.12-4-pve");
	assert_int_equal(cl.params[0].offset, 0);
	assert_string_equal(cl.params[1].value, "/dev/mapper/pve-root");
	assert_string_equal(cl.params[2].name, "ro");
	assert_null(cl.params[2].value);
	p = pt_cmdline_find_last(&cl, "intel_iommu");
	assert_non_null(p);
	assert_string_equal(p->value, "on");
	assert_string_equal(p->raw, "intel_iommu=on");
	/* The final "\n" is white space, not part of the last token. */
	assert_string_equal(cl.params[5].raw, "iommu=pt");
	assert_int_equal(cl.params[5].offset + cl.params[5].len, strlen(s) - 1);
	assert_null(pt_cmdline_find_last(&cl, "amd_iommu"));
	assert_raw_matches(s, &cl);
	pt_cmdline_done(&cl);
}

static void test_systemd_boot_zfs(void **state)
{
	/* systemd-boot on a ZFS install: initrd= with backslashes; root= whose value has '='. */
	const char *s = "initrd=\\EFI\\proxmox\\6.8.12-4-pve\\initrd.img-6.8.12-4-pve "
			"root=ZFS=rpool/ROOT/pve-1 boot=zfs";
	struct pt_cmdline cl;

	parse_ok(s, &cl);
	assert_int_equal(cl.n, 3);
	assert_string_equal(cl.params[0].name, "initrd");
	assert_string_equal(cl.params[0].value,
			    "\\EFI\\proxmox\\6.8.12-4-pve\\initrd.img-6.8.12-4-pve");
	/* Only the first '=' separates. */
	assert_string_equal(cl.params[1].name, "root");
	assert_string_equal(cl.params[1].value, "ZFS=rpool/ROOT/pve-1");
	assert_string_equal(pt_cmdline_find_last(&cl, "boot")->value, "zfs");
	assert_raw_matches(s, &cl);
	pt_cmdline_done(&cl);
}

static void test_quotes(void **state)
{
	const char *s = "foo=\"bar baz\" \"qux=a b\" x=a\"b c\"d \"q\" e=\"\" \"=z\"";
	struct pt_cmdline cl;

	parse_ok(s, &cl);
	assert_int_equal(cl.n, 6);
	/* A quoted value: both quotes go. */
	assert_string_equal(cl.params[0].name, "foo");
	assert_string_equal(cl.params[0].value, "bar baz");
	assert_string_equal(cl.params[0].raw, "foo=\"bar baz\"");
	/* A quoted whole token: the opening and the last quote go. */
	assert_string_equal(cl.params[1].name, "qux");
	assert_string_equal(cl.params[1].value, "a b");
	/* Quotes in the middle protect the space but stay in the value. */
	assert_string_equal(cl.params[2].name, "x");
	assert_string_equal(cl.params[2].value, "a\"b c\"d");
	assert_string_equal(cl.params[3].name, "q");
	assert_null(cl.params[3].value);
	assert_string_equal(cl.params[4].value, "");
	/* A '=' at index 0 is not a separator (next_arg()'s equals == 0 means "none"). */
	assert_string_equal(cl.params[5].name, "=z");
	assert_null(cl.params[5].value);
	assert_false(cl.unterminated);
	assert_raw_matches(s, &cl);
	pt_cmdline_done(&cl);
}

static void test_quote_corners(void **state)
{
	struct pt_cmdline cl;

	/* "=a=b": the first '=' past index 0 separates. */
	parse_ok("=a=b", &cl);
	assert_string_equal(cl.params[0].name, "=a");
	assert_string_equal(cl.params[0].value, "b");
	pt_cmdline_done(&cl);

	/* A lone quote is a token with an empty name. */
	parse_ok("a \" b", &cl);
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.params[1].name, " b");
	assert_true(cl.params[1].unterminated);
	pt_cmdline_done(&cl);

	parse_ok("\"", &cl);
	assert_int_equal(cl.n, 1);
	assert_string_equal(cl.params[0].name, "");
	pt_cmdline_done(&cl);

	/* foo=" at the end: an empty value. */
	parse_ok("foo=\"", &cl);
	assert_string_equal(cl.params[0].value, "");
	pt_cmdline_done(&cl);

	/* Both strips apply in sequence: the value keeps one of the two trailing quotes. */
	parse_ok("\"foo=\"bar\"\"", &cl);
	assert_int_equal(cl.n, 1);
	assert_string_equal(cl.params[0].name, "foo");
	assert_string_equal(cl.params[0].value, "bar\"");
	pt_cmdline_done(&cl);

	/* A quoted token closed early: the rest up to white space belongs to it. */
	parse_ok("\"foo=\"bar baz\"\"", &cl);
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.params[0].name, "foo");
	assert_string_equal(cl.params[0].value, "bar");
	assert_string_equal(cl.params[1].name, "baz\"\"");
	pt_cmdline_done(&cl);
}

static void test_unterminated(void **state)
{
	const char *s = "quiet foo=\"bar baz qux   ";
	struct pt_cmdline cl;

	/* The kernel does not complain: the token runs to the end, spaces included. */
	parse_ok(s, &cl);
	assert_int_equal(cl.n, 2);
	assert_true(cl.unterminated);
	assert_true(cl.params[1].unterminated);
	assert_false(cl.params[0].unterminated);
	assert_string_equal(cl.params[1].value, "bar baz qux   ");
	assert_int_equal(cl.params[1].offset + cl.params[1].len, strlen(s));
	pt_cmdline_done(&cl);
}

static void test_dashes(void **state)
{
	const char *s = "root=/dev/sda1 quiet -- single foo=bar quiet";
	struct pt_cmdline cl;

	parse_ok(s, &cl);
	assert_int_equal(cl.n, 6);
	assert_int_equal(cl.dashes, 2);
	assert_false(cl.params[2].after_dashes);
	assert_true(cl.params[3].after_dashes);
	assert_true(cl.params[4].after_dashes);
	/* Lookups see kernel parameters only. */
	assert_null(pt_cmdline_find_last(&cl, "foo"));
	assert_null(pt_cmdline_find_last(&cl, "single"));
	assert_int_equal(pt_cmdline_count(&cl, "quiet"), 1);
	assert_ptr_equal(pt_cmdline_find_last(&cl, "quiet"), &cl.params[1]);
	pt_cmdline_done(&cl);

	/* A quoted "--" still ends the kernel's part; "--=x" does not. */
	parse_ok("--=x \"--\" a", &cl);
	assert_int_equal(cl.dashes, 1);
	assert_string_equal(cl.params[0].name, "--");
	assert_string_equal(cl.params[0].value, "x");
	assert_true(cl.params[2].after_dashes);
	pt_cmdline_done(&cl);
}

static void test_duplicates(void **state)
{
	const char *s = "intel_iommu=on iommu=pt intel_iommu=igfx_off intel-iommu=sm_on";
	struct pt_cmdline cl;
	const struct pt_cmdline_param *p = NULL;
	const char *want[] = {"on", "igfx_off", "sm_on"};
	size_t i = 0;

	parse_ok(s, &cl);
	assert_int_equal(pt_cmdline_count(&cl, "intel_iommu"), 3);
	assert_string_equal(pt_cmdline_find_last(&cl, "intel_iommu")->value, "sm_on");
	while ((p = pt_cmdline_next(&cl, "intel_iommu", p)))
		assert_string_equal(p->value, want[i++]);
	assert_int_equal(i, 3);
	pt_cmdline_done(&cl);
}

static void test_parameq_and_lists(void **state)
{
	const char *s =
		"vfio-pci.ids=10de:1b80,10de:10f0 pcie_acs_override=downstream,multifunction";
	struct pt_cmdline cl;
	struct pt_strv sv = {0};

	assert_true(pt_cmdline_name_eq("vfio-pci.ids", "vfio_pci.ids"));
	assert_true(pt_cmdline_name_eq("a-b_c", "a_b-c"));
	assert_false(pt_cmdline_name_eq("vfio_pci.ids", "vfio_pci.id"));
	assert_false(pt_cmdline_name_eq("Quiet", "quiet"));

	parse_ok(s, &cl);
	assert_string_equal(pt_cmdline_find_last(&cl, "vfio_pci.ids")->value,
			    "10de:1b80,10de:10f0");
	assert_int_equal(
		pt_cmdline_split_list(pt_cmdline_find_last(&cl, "vfio_pci.ids")->value, &sv), 0);
	assert_int_equal(sv.n, 2);
	assert_string_equal(sv.v[0], "10de:1b80");
	assert_string_equal(sv.v[1], "10de:10f0");
	pt_strv_done(&sv);
	assert_int_equal(pt_cmdline_split_list(cl.params[1].value, &sv), 0);
	assert_int_equal(sv.n, 2);
	assert_string_equal(sv.v[1], "multifunction");
	pt_strv_done(&sv);
	pt_cmdline_done(&cl);

	/* Empty items are dropped; nothing is trimmed. */
	assert_int_equal(pt_cmdline_split_list(",on,,igfx_off,", &sv), 0);
	assert_int_equal(sv.n, 2);
	assert_string_equal(sv.v[0], "on");
	assert_string_equal(sv.v[1], "igfx_off");
	pt_strv_done(&sv);
	assert_int_equal(pt_cmdline_split_list(NULL, &sv), 0);
	assert_int_equal(sv.n, 0);
}

static void test_empty_and_values(void **state)
{
	struct pt_cmdline cl;

	parse_ok("", &cl);
	assert_int_equal(cl.n, 0);
	pt_cmdline_done(&cl);
	parse_ok(" \t \n", &cl);
	assert_int_equal(cl.n, 0);
	pt_cmdline_done(&cl);
	assert_int_equal(pt_cmdline_parse(NULL, 0, &cl), 0);
	assert_int_equal(cl.n, 0);
	pt_cmdline_done(&cl);

	/* "foo" has no value; "foo=" has an empty one. */
	parse_ok("  foo   foo=  ", &cl);
	assert_int_equal(cl.n, 2);
	assert_null(cl.params[0].value);
	assert_string_equal(cl.params[1].value, "");
	assert_int_equal(cl.params[0].offset, 2);
	assert_int_equal(cl.params[1].offset, 8);
	pt_cmdline_done(&cl);

	pt_cmdline_done(NULL);
}

static void test_whitespace_bytes(void **state)
{
	/* A UTF-8 no-break space (c2 a0): the kernel splits at 0xa0 and keeps the 0xc2. */
	const char *s = "intel_iommu=on\xc2\xa0iommu=pt\tquiet\vsplash\rx";
	struct pt_cmdline cl;

	parse_ok(s, &cl);
	assert_int_equal(cl.n, 5);
	assert_string_equal(cl.params[0].value, "on\xc2");
	assert_string_equal(cl.params[1].name, "iommu");
	assert_string_equal(cl.params[4].name, "x");
	pt_cmdline_done(&cl);
}

static void test_not_nul_terminated(void **state)
{
	char buf[] = {'q', 'u', 'i', 'e', 't', ' ', 'a', '=', '"', 'b'};
	struct pt_cmdline cl;

	/* Only len bytes are read. */
	assert_int_equal(pt_cmdline_parse(buf, 5, &cl), 0);
	assert_int_equal(cl.n, 1);
	assert_string_equal(cl.params[0].name, "quiet");
	pt_cmdline_done(&cl);
	assert_int_equal(pt_cmdline_parse(buf, sizeof(buf), &cl), 0);
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.params[1].value, "b");
	assert_true(cl.params[1].unterminated);
	pt_cmdline_done(&cl);
}

static void test_nul_rejected(void **state)
{
	struct pt_cmdline cl;

	assert_int_equal(pt_cmdline_parse("quiet\0splash", 12, &cl), -EINVAL);
	assert_int_equal(cl.n, 0);
	assert_null(cl.params);
}

static void test_first_line(void **state)
{
	const char *s = "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n# second line is ignored\n";

	assert_int_equal(pt_cmdline_first_line(s, strlen(s)), 34);
	assert_int_equal(pt_cmdline_first_line("abc", 3), 3);
	assert_int_equal(pt_cmdline_first_line("", 0), 0);
}

static void format_roundtrip(const char *name, const char *value, const char *want)
{
	struct pt_strbuf sb = {0};
	struct pt_cmdline cl;

	assert_int_equal(pt_cmdline_format_param(&sb, name, value), 0);
	assert_string_equal(pt_strbuf_str(&sb), want);
	parse_ok(pt_strbuf_str(&sb), &cl);
	assert_int_equal(cl.n, 1);
	assert_string_equal(cl.params[0].name, name);
	if (value)
		assert_string_equal(cl.params[0].value, value);
	else
		assert_null(cl.params[0].value);
	pt_cmdline_done(&cl);
	pt_strbuf_done(&sb);
}

static void test_format(void **state)
{
	struct pt_strbuf sb = {0};

	format_roundtrip("intel_iommu", "on", "intel_iommu=on");
	format_roundtrip("quiet", NULL, "quiet");
	format_roundtrip("foo", "", "foo=");
	format_roundtrip("dyndbg", "file drivers/vfio/* +p", "dyndbg=\"file drivers/vfio/* +p\"");
	format_roundtrip("--", "x", "--=x");
	assert_int_equal(pt_cmdline_format_param(&sb, "a", "b\"c"), -EINVAL);
	assert_int_equal(pt_cmdline_format_param(&sb, "a b", "c"), -EINVAL);
	assert_int_equal(pt_cmdline_format_param(&sb, "a=b", "c"), -EINVAL);
	assert_int_equal(pt_cmdline_format_param(&sb, "", "c"), -EINVAL);
	assert_int_equal(pt_cmdline_format_param(&sb, "--", NULL), -EINVAL);
	assert_int_equal(sb.len, 0);
	pt_strbuf_done(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grub_proxmox),
		cmocka_unit_test(test_systemd_boot_zfs),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_quote_corners),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_dashes),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_parameq_and_lists),
		cmocka_unit_test(test_empty_and_values),
		cmocka_unit_test(test_whitespace_bytes),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_nul_rejected),
		cmocka_unit_test(test_first_line),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
