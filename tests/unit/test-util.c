/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/bdf.h"
#include "util/cpulist.h"
#include "util/lines.h"
#include "util/parse-num.h"
#include "util/strbuf.h"
#include "util/strv.h"

static void test_parse_hex_attr(void **state)
{
	uint32_t v;

	assert_int_equal(pt_parse_hex_attr("0x10de\n", 7, 4, &v), 0);
	assert_int_equal(v, 0x10de);
	assert_int_equal(pt_parse_hex_attr("0x030000\n", 9, 6, &v), 0);
	assert_int_equal(v, 0x030000);
	/* A value wider than the attribute's format is out of range, not truncated. */
	assert_int_equal(pt_parse_hex_attr("0x10000", 7, 4, &v), -ERANGE);
	assert_int_equal(pt_parse_hex_attr("10de", 4, 4, &v), -EINVAL);
	assert_int_equal(pt_parse_hex_attr("0x", 2, 4, &v), -EINVAL);
	assert_int_equal(pt_parse_hex_attr("0x10dg", 6, 4, &v), -EINVAL);
	assert_int_equal(pt_parse_hex_attr("", 0, 4, &v), -EINVAL);
}

static void test_parse_i64(void **state)
{
	int64_t v;

	assert_int_equal(pt_parse_i64("-1\n", 3, -1, 1 << 20, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(pt_parse_i64("3", 1, -1, 1 << 20, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(pt_parse_i64("-2", 2, -1, 1 << 20, &v), -ERANGE);
	assert_int_equal(pt_parse_i64("-", 1, -1, 10, &v), -EINVAL);
	assert_int_equal(pt_parse_i64("9223372036854775808", 19, INT64_MIN, INT64_MAX, &v),
			 -ERANGE);
	assert_int_equal(pt_parse_i64("-9223372036854775808", 20, INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MIN);
}

static void test_parse_u64_overflow(void **state)
{
	uint64_t v;

	assert_int_equal(pt_parse_u64("18446744073709551615", 20, 10, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(pt_parse_u64("18446744073709551616", 20, 10, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(pt_parse_u64("0x1f", 4, 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(pt_parse_u64(" 12 ", 4, 10, 11, &v), -ERANGE);
}

static void test_bdf(void **state)
{
	struct pt_bdf b;
	char buf[PT_BDF_STRLEN];

	assert_int_equal(pt_bdf_parse("0000:01:00.1", 12, &b), 0);
	assert_int_equal(b.bus, 1);
	assert_int_equal(b.fn, 1);
	/* Intel VMD domains exceed four digits. */
	assert_int_equal(pt_bdf_parse("10000:e1:00.0", 13, &b), 0);
	assert_int_equal(b.domain, 0x10000);
	assert_string_equal(pt_bdf_format(&b, buf), "10000:e1:00.0");
	assert_int_equal(pt_bdf_parse("000:01:00.0", 11, &b), -EINVAL);
	assert_int_equal(pt_bdf_parse("0000:01:20.0", 12, &b), -EINVAL);
	assert_int_equal(pt_bdf_parse("0000:01:00.8", 12, &b), -EINVAL);
	assert_int_equal(pt_bdf_parse("0000:01:00.0x", 13, &b), -EINVAL);
	assert_int_equal(pt_bdf_parse_user("01:00.0", &b), 0);
	assert_int_equal(b.domain, 0);
	assert_string_equal(pt_bdf_format(&b, buf), "0000:01:00.0");
}

static void test_cpulist(void **state)
{
	struct pt_cpuset a = {0}, b = {0};
	char *s;

	assert_int_equal(pt_cpuset_parse_list("0-7,16-23\n", 10, &a), 0);
	assert_int_equal(pt_cpuset_count(&a), 16);
	assert_true(pt_cpuset_has(&a, 16));
	assert_false(pt_cpuset_has(&a, 8));
	/* local_cpus as the kernel prints it: 32-bit words, most significant first. */
	assert_int_equal(pt_cpuset_parse_mask("0000,00000000,00000000,00ff00ff", 31, &b), 0);
	assert_true(pt_cpuset_equal(&a, &b));
	s = pt_cpuset_format(&b);
	assert_string_equal(s, "0-7,16-23");
	free(s);
	pt_cpuset_done(&a);
	pt_cpuset_done(&b);

	assert_int_equal(pt_cpuset_parse_list("", 0, &a), 0);
	assert_int_equal(pt_cpuset_count(&a), 0);
	assert_int_equal(pt_cpuset_parse_list("3-1", 3, &a), -ERANGE);
	assert_int_equal(pt_cpuset_parse_list("1,", 2, &a), -EINVAL);
	assert_int_equal(pt_cpuset_parse_list("0-4294967295", 12, &a), -ERANGE);
	assert_int_equal(pt_cpuset_parse_mask("1,", 2, &a), -EINVAL);
	assert_int_equal(pt_cpuset_parse_mask("123456789", 9, &a), -EINVAL);
}

static void test_strv(void **state)
{
	struct pt_strv sv = {0};
	char *j;

	assert_int_equal(pt_strv_push(&sv, "nouveau"), 0);
	assert_int_equal(pt_strv_push(&sv, "nvidiafb"), 0);
	assert_int_equal(pt_strv_push(&sv, "nouveau"), 0);
	pt_strv_uniq(&sv);
	assert_int_equal(sv.n, 2);
	j = pt_strv_join(&sv, ", ");
	assert_string_equal(j, "nouveau, nvidiafb");
	free(j);
	pt_strv_done(&sv);
}

static void test_strbuf(void **state)
{
	struct pt_strbuf sb = {0};
	char *s;

	assert_string_equal(pt_strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(pt_strbuf_printf(&sb, "%d,", i % 10), 0);
	assert_int_equal(sb.len, 2000);
	s = pt_strbuf_steal(&sb);
	assert_int_equal(strlen(s), 2000);
	free(s);
	assert_null(sb.buf);
}

/* Lines split at '\n' only; the last may lack it; NUL and '\r' stay in the line. */
static void test_lines(void **state)
{
	static const char buf[] = "a\r\n\nb\0c\nlast";
	struct pt_lines it = PT_LINES_INIT(buf, sizeof(buf) - 1);
	const char *l;
	size_t n;

	assert_true(pt_lines_next(&it, &l, &n));
	assert_int_equal(n, 2);
	assert_memory_equal(l, "a\r", 2);
	assert_int_equal(it.no, 1);
	assert_true(it.has_nl);
	assert_true(pt_lines_next(&it, &l, &n));
	assert_int_equal(n, 0);
	assert_true(pt_lines_next(&it, &l, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(l, "b\0c", 3);
	assert_true(pt_lines_next(&it, &l, &n));
	assert_int_equal(n, 4);
	assert_memory_equal(l, "last", 4);
	assert_int_equal(it.no, 4);
	assert_false(it.has_nl);
	assert_false(pt_lines_next(&it, &l, &n));
	assert_int_equal(it.no, 4);

	/* A final '\n' opens no empty line; an empty buffer has none. */
	it = PT_LINES_INIT("x\n", 2);
	assert_true(pt_lines_next(&it, &l, &n));
	assert_false(pt_lines_next(&it, &l, &n));
	it = PT_LINES_INIT(NULL, 0);
	assert_false(pt_lines_next(&it, &l, &n));
	assert_int_equal(it.no, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_hex_attr),
		cmocka_unit_test(test_parse_i64),
		cmocka_unit_test(test_parse_u64_overflow),
		cmocka_unit_test(test_bdf),
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
