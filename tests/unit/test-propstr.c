/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxmox property strings (parse/propstr). Expected texts are pve-common JSONSchema.pm's
 * (parse_property_string, check_prop) as PVE::Exception prints them. The hostpci schema is
 * parse/hostpci.h's (qemu-server src/PVE/QemuServer/PCI.pm $hostpci_fmt).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "parse/hostpci.h"
#include "parse/propstr.h"
#include "parse/pveconf.h"
#include "util/macro.h"

static const struct pt_propstr_schema *const hostpci = &pt_hostpci_schema;

static const struct pt_propstr_key drive_keys[] = {
	{.name = "volume", .alias = "file"},
	{.name = "file", .type = PT_PROPSTR_STRING, .default_key = true},
	{.name = "size", .type = PT_PROPSTR_STRING, .optional = true},
};
static const struct pt_propstr_schema drive = PT_PROPSTR_SCHEMA(drive_keys);

static const struct pt_propstr_key no_default_keys[] = {
	{.name = "a", .type = PT_PROPSTR_INTEGER, .optional = true},
	{.name = "n", .type = PT_PROPSTR_NUMBER, .optional = true},
	{.name = "s", .type = PT_PROPSTR_STRING, .optional = true, .min_length = 2},
};
static const struct pt_propstr_schema no_default = PT_PROPSTR_SCHEMA(no_default_keys);

/* Parses s; returns Proxmox's message ("" on success), to be freed. */
static char *parse(const struct pt_propstr_schema *schema, const char *s, struct pt_propstr *ps)
{
	struct pt_strbuf err = {0};
	struct pt_propstr tmp;
	int r = pt_propstr_parse(schema, s, strlen(s), ps ? ps : &tmp, &err);

	if (r == 0) {
		assert_int_equal(err.len, 0);
		if (!ps)
			pt_propstr_done(&tmp);
	} else {
		assert_int_equal(r, -EINVAL);
		assert_true(err.len > 0 && err.buf[err.len - 1] == '\n');
	}
	return pt_strbuf_steal(&err);
}

static void assert_error(const struct pt_propstr_schema *schema, const char *s, const char *want)
{
	char *got = parse(schema, s, NULL);

	assert_string_equal(got, want);
	free(got);
}

static void assert_ok(const struct pt_propstr_schema *schema, const char *s)
{
	assert_error(schema, s, "");
}

static void test_default_key(void **state)
{
	struct pt_propstr ps;
	const struct pt_propstr_item *it;
	char *err;

	(void)state;
	err = parse(hostpci, "0000:01:00,pcie=1,x-vga=on", &ps);
	assert_string_equal(err, "");
	free(err);
	assert_int_equal(ps.n, 3);
	it = pt_propstr_get(&ps, "host");
	assert_non_null(it);
	assert_null(it->written); /* a bare value */
	assert_string_equal(it->value, "0000:01:00");
	assert_int_equal(it->offset, 0);
	assert_int_equal(it->len, 10);
	it = pt_propstr_get(&ps, "x-vga");
	assert_string_equal(it->written, "x-vga");
	assert_string_equal(it->value, "1"); /* parse_boolean() stores 1 */
	assert_int_equal(it->boolean, 1);
	assert_int_equal(it->offset, 18);
	assert_null(pt_propstr_get(&ps, "rombar"));
	assert_string_equal(pt_propstr_default_key(hostpci)->name, "host");
	assert_null(pt_propstr_default_key(&no_default));
	pt_propstr_done(&ps);

	assert_ok(hostpci, "host=01:00.0;02:00.0,rombar=0");
	assert_ok(hostpci, ",,01:00,, ,");	     /* empty and blank parts are skipped */
	assert_ok(hostpci, "mapping=gpu,pcie=TRUE"); /* booleans in any case */
	assert_ok(hostpci, "");
}

static void test_duplicates(void **state)
{
	(void)state;
	assert_error(hostpci, "01:00,02:00",
		     "duplicate key in comma-separated list property: host\n");
	assert_error(hostpci, "host=01:00,02:00",
		     "duplicate key in comma-separated list property: host\n");
	assert_error(hostpci, "01:00,host=02:00",
		     "duplicate key in comma-separated list property: host\n");
	assert_error(hostpci, "pcie=1,x-vga=1,pcie=0",
		     "duplicate key in comma-separated list property: pcie\n");
	/* an alias is looked up as written: "volume" twice overwrites, "file" after it does not */
	assert_ok(&drive, "volume=a,volume=b");
	assert_error(&drive, "volume=a,file=b",
		     "duplicate key in comma-separated list property: file\n");
	assert_error(&drive, "file=a,file=b",
		     "duplicate key in comma-separated list property: file\n");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	assert_error(hostpci, "foo=1", "invalid key in comma-separated list property: foo\n");
	/* nothing is trimmed */
	assert_error(hostpci, "01:00, pcie=1",
		     "invalid key in comma-separated list property:  pcie\n");
	assert_error(hostpci, "PCIE=1", "invalid key in comma-separated list property: PCIE\n");
	assert_error(hostpci, "=1", "missing key in comma-separated list property\n");
	assert_error(hostpci, "pcie=", "missing key in comma-separated list property\n");
	assert_error(&no_default, "5",
		     "value without key, but schema does not define a default key\n");
}

static void test_checks(void **state)
{
	const struct pt_propstr_schema *machine = pt_pveconf_key_schema("machine");
	const struct pt_propstr_schema *vga = pt_pveconf_key_schema("vga");
	const struct pt_propstr_schema *memory = pt_pveconf_key_schema("memory");

	(void)state;
	assert_error(hostpci, "pcie=maybe",
		     "format error\npcie: type check ('boolean') failed - got 'maybe'\n");
	/* patterns are case-sensitive: Proxmox wants lower-case PCI ids */
	assert_error(hostpci, "01:0A.0",
		     "format error\nhost: value does not match the regex pattern\n");
	assert_error(hostpci, "01:00.0;",
		     "format error\nhost: value does not match the regex "
		     "pattern\n");
	/* several errors, one line each (schema order) */
	assert_error(
		vga, "foo,memory=1",
		"format error\n"
		"type: value 'foo' does not have a value in the enumeration 'cirrus, qxl, qxl2, "
		"qxl3, qxl4, none, serial0, serial1, serial2, serial3, std, virtio, virtio-gl, "
		"vmware'\n"
		"memory: value must have a minimum value of 4\n");
	assert_ok(vga, "virtio,memory=512,clipboard=vnc");
	assert_error(vga, "memory=513",
		     "format error\nmemory: value must have a maximum value of "
		     "512\n");
	assert_error(memory, ",",
		     "format error\ncurrent: property is missing and it is not "
		     "optional\n");
	assert_error(memory, "1e3",
		     "format error\ncurrent: type check ('integer') failed - got "
		     "'1e3'\n");
	assert_ok(memory, "+16");
	assert_error(memory, "-16",
		     "format error\ncurrent: value must have a minimum value of "
		     "16\n");
	assert_ok(machine, "q35");
	assert_ok(machine, "pc-i440fx-9.2+pve1.pxe");
	assert_ok(machine, "pc-q35-10.0,viommu=intel,aw-bits=39");
	assert_ok(machine, "virt-9.2+pve0");
	assert_ok(machine, "type=pc,enable-s3=off");
	assert_error(machine, "Q35",
		     "format error\ntype: value does not match the regex pattern\n");
	assert_error(machine, "pc-q35",
		     "format error\ntype: value does not match the regex "
		     "pattern\n");
	assert_error(machine, "virt-9.2.pxe",
		     "format error\ntype: value does not match the regex "
		     "pattern\n");
	assert_error(machine, "pc-i440fx-1.2.3.4.5.6.7.8.9.10.11.12.13.14",
		     "format error\ntype: value may only be 40 characters long\n");
	assert_error(machine, "q35,aw-bits=65.5",
		     "format error\naw-bits: value must have a maximum value of 64\n");
	assert_error(machine, "q35,aw-bits=x",
		     "format error\naw-bits: type check ('number') failed - got 'x'\n");
	assert_error(&no_default, "s=x",
		     "format error\ns: value must be at least 2 characters "
		     "long\n");
	/* pveconf judges hostpci0..15 with the hostpci schema */
	assert_ptr_equal(pt_pveconf_key_schema("hostpci0"), hostpci);
	assert_ptr_equal(pt_pveconf_key_schema("hostpci15"), hostpci);
	assert_null(pt_pveconf_key_schema("hostpci16"));
	assert_null(pt_pveconf_key_schema("net0"));
}

static void test_formats(void **state)
{
	(void)state;
	assert_ok(hostpci, "mapping=gpu0");
	assert_ok(hostpci, "mapping=My_GPU-1"); /* $CONFIGID_RE is case-insensitive */
	/* check_prop(): "invalid format - $@", the message's own newline and the line's */
	assert_error(hostpci, "mapping=0gpu",
		     "format error\nmapping: invalid format - invalid configuration ID '0gpu'\n\n");
	assert_error(hostpci, "mapping=a.b,pcie=x",
		     "format error\nmapping: invalid format - invalid configuration ID 'a.b'\n\n"
		     "pcie: type check ('boolean') failed - got 'x'\n");
	assert_true(pt_propstr_is_configid("ab", 2));
	assert_true(pt_propstr_is_configid("ab\n", 3)); /* Perl's "$" */
	assert_false(pt_propstr_is_configid("a", 1));
	assert_false(pt_propstr_is_configid("_a", 2));
	assert_false(pt_propstr_is_configid("a b", 3));
	/* a pattern's "$" also matches before a final newline, as Perl's does */
	assert_ok(hostpci, "01:00.0\n");
	assert_error(hostpci, "01:00.0\n\n",
		     "format error\nhost: value does not match the regex pattern\n");
}

static void test_numbers_and_booleans(void **state)
{
	static const char *const numbers[] = {"1", "+1", "-1.5", "1.", ".5", "1e5", "1.5E-3"};
	static const char *const not_numbers[] = {"", ".", "e5", "1e", "0x10", " 1", "1.5.2", "-"};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(numbers); i++)
		assert_true(pt_propstr_is_number(numbers[i], strlen(numbers[i])));
	for (size_t i = 0; i < ELEMENTSOF(not_numbers); i++)
		assert_false(pt_propstr_is_number(not_numbers[i], strlen(not_numbers[i])));
	assert_true(pt_propstr_is_integer("-07", 3));
	assert_false(pt_propstr_is_integer("1.0", 3));
	assert_false(pt_propstr_is_integer("+", 1));
	assert_int_equal(pt_propstr_parse_boolean("On", 2), 1);
	assert_int_equal(pt_propstr_parse_boolean("YES", 3), 1);
	assert_int_equal(pt_propstr_parse_boolean("true", 4), 1);
	assert_int_equal(pt_propstr_parse_boolean("0", 1), 0);
	assert_int_equal(pt_propstr_parse_boolean("oFF", 3), 0);
	assert_int_equal(pt_propstr_parse_boolean("2", 1), -1);
	assert_int_equal(pt_propstr_parse_boolean("", 0), -1);
	assert_int_equal(pt_propstr_parse_boolean("yes ", 4), -1);
}

static void test_odd_bytes(void **state)
{
	static const char nul[] = "01:00,romfile=a\0b";
	struct pt_strbuf err = {0};
	struct pt_propstr ps;

	(void)state;
	/* a NUL byte is an ordinary byte, in values and in messages */
	assert_int_equal(pt_propstr_parse(hostpci, nul, sizeof(nul) - 1, &ps, &err), 0);
	assert_int_equal(pt_propstr_get(&ps, "romfile")->value_len, 3);
	assert_memory_equal(pt_propstr_get(&ps, "romfile")->value, "a\0b", 4);
	pt_propstr_done(&ps);
	assert_int_equal(pt_propstr_parse(hostpci, "x-vga=\0", 7, &ps, &err), -EINVAL);
	assert_memory_equal(err.buf,
			    "format error\nx-vga: type check ('boolean') failed - got '\0'\n",
			    err.len);
	pt_strbuf_done(&err);
	assert_int_equal(pt_propstr_parse(hostpci, NULL, 0, &ps, NULL), 0);
	assert_int_equal(ps.n, 0);
	pt_propstr_done(&ps);
	assert_int_equal(pt_propstr_parse(hostpci, NULL, 1, &ps, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_key),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_numbers_and_booleans),
		cmocka_unit_test(test_odd_bytes),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
