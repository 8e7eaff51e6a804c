/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "parse-num.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

size_t pt_strip(const char **s, size_t len)
{
	const char *p = *s;

	while (len && is_space(*p)) {
		p++;
		len--;
	}
	while (len && is_space(p[len - 1]))
		len--;
	*s = p;
	return len;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int pt_parse_u64(const char *s, size_t len, int base, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	len = pt_strip(&s, len);
	if (base == 0)
		base = (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	if (base == 16 && len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || (base != 10 && base != 16))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int d = digit_value(s[i]);

		if (d >= base)
			return -EINVAL;
		if (v > (max - (uint64_t)d) / (uint64_t)base)
			return -ERANGE;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*ret = v;
	return 0;
}

int pt_parse_u32(const char *s, size_t len, int base, uint32_t *ret)
{
	uint64_t v;
	int r = pt_parse_u64(s, len, base, UINT32_MAX, &v);

	if (r == 0)
		*ret = (uint32_t)v;
	return r;
}

int pt_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *ret)
{
	uint64_t mag;
	int neg = 0, r;

	len = pt_strip(&s, len);
	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	if (len == 0 || digit_value(s[0]) > 9)
		return -EINVAL;
	r = pt_parse_u64(s, len, 10, (uint64_t)INT64_MAX + 1, &mag);
	if (r < 0)
		return r;
	if (neg) {
		int64_t v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;

		if (v < min)
			return -ERANGE;
		*ret = v;
	} else {
		if (mag > (uint64_t)max)
			return -ERANGE;
		*ret = (int64_t)mag;
	}
	return 0;
}

int pt_parse_hex_attr(const char *s, size_t len, unsigned digits, uint32_t *ret)
{
	uint64_t max = digits >= 8 ? UINT32_MAX : ((uint64_t)1 << (4 * digits)) - 1;
	uint64_t v;
	int r;

	len = pt_strip(&s, len);
	if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	r = pt_parse_u64(s, len, 16, max, &v);
	if (r == 0)
		*ret = (uint32_t)v;
	return r;
}
