/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"
#include "parse-num.h"
#include "strbuf.h"

int pt_cpuset_add(struct pt_cpuset *set, unsigned cpu)
{
	size_t word = cpu / 64;

	if (cpu >= PT_CPUSET_MAX)
		return -ERANGE;
	if (word >= set->nwords) {
		size_t n = word + 1;
		uint64_t *b = realloc(set->bits, n * sizeof(*b));

		if (!b)
			return -ENOMEM;
		memset(b + set->nwords, 0, (n - set->nwords) * sizeof(*b));
		set->bits = b;
		set->nwords = n;
	}
	set->bits[word] |= (uint64_t)1 << (cpu % 64);
	return 0;
}

bool pt_cpuset_has(const struct pt_cpuset *set, unsigned cpu)
{
	size_t word = cpu / 64;

	return word < set->nwords && (set->bits[word] >> (cpu % 64)) & 1;
}

unsigned pt_cpuset_count(const struct pt_cpuset *set)
{
	unsigned n = 0;

	for (size_t i = 0; i < set->nwords; i++)
		n += (unsigned)__builtin_popcountll(set->bits[i]);
	return n;
}

bool pt_cpuset_equal(const struct pt_cpuset *a, const struct pt_cpuset *b)
{
	size_t n = a->nwords > b->nwords ? a->nwords : b->nwords;

	for (size_t i = 0; i < n; i++) {
		uint64_t x = i < a->nwords ? a->bits[i] : 0;
		uint64_t y = i < b->nwords ? b->bits[i] : 0;

		if (x != y)
			return false;
	}
	return true;
}

void pt_cpuset_done(struct pt_cpuset *set)
{
	free(set->bits);
	set->bits = NULL;
	set->nwords = 0;
}

static int add_range(struct pt_cpuset *set, uint32_t lo, uint32_t hi)
{
	if (lo > hi || hi >= PT_CPUSET_MAX)
		return -ERANGE;
	for (uint32_t c = lo; c <= hi; c++) {
		int r = pt_cpuset_add(set, c);

		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_list_item(const char *s, size_t len, struct pt_cpuset *set)
{
	const char *dash = memchr(s, '-', len);
	uint32_t lo, hi;

	if (!dash) {
		if (pt_parse_u32(s, len, 10, &lo) < 0)
			return -EINVAL;
		return add_range(set, lo, lo);
	}
	if (dash == s || pt_parse_u32(s, (size_t)(dash - s), 10, &lo) < 0 ||
	    pt_parse_u32(dash + 1, len - (size_t)(dash - s) - 1, 10, &hi) < 0)
		return -EINVAL;
	return add_range(set, lo, hi);
}

int pt_cpuset_parse_list(const char *s, size_t len, struct pt_cpuset *ret)
{
	struct pt_cpuset set = {0};

	len = pt_strip(&s, len);
	while (len) {
		const char *comma = memchr(s, ',', len);
		size_t item = comma ? (size_t)(comma - s) : len;
		int r = item ? parse_list_item(s, item, &set) : -EINVAL;

		if (r < 0) {
			pt_cpuset_done(&set);
			return r;
		}
		if (!comma)
			break;
		s += item + 1;
		len -= item + 1;
		if (!len) { /* trailing comma */
			pt_cpuset_done(&set);
			return -EINVAL;
		}
	}
	*ret = set;
	return 0;
}

int pt_cpuset_parse_mask(const char *s, size_t len, struct pt_cpuset *ret)
{
	struct pt_cpuset set = {0};
	size_t w = 0;

	len = pt_strip(&s, len);
	if (!len)
		return -EINVAL;
	/* Words are most significant first; walk from the end. */
	while (len) {
		const char *start = s + len;
		size_t n = 0;
		uint32_t word;

		while (start > s && start[-1] != ',') {
			start--;
			n++;
		}
		if (n == 0 || n > 8 || pt_parse_u32(start, n, 16, &word) < 0) {
			pt_cpuset_done(&set);
			return -EINVAL;
		}
		for (unsigned b = 0; b < 32; b++)
			if (((word >> b) & 1) && pt_cpuset_add(&set, (unsigned)(w * 32 + b)) < 0) {
				pt_cpuset_done(&set);
				return -ERANGE;
			}
		w++;
		len = (size_t)(start - s);
		if (len) {
			len--; /* the comma */
			if (!len) {
				pt_cpuset_done(&set);
				return -EINVAL;
			}
		}
	}
	*ret = set;
	return 0;
}

char *pt_cpuset_format(const struct pt_cpuset *set)
{
	struct pt_strbuf sb = {0};
	unsigned max = (unsigned)set->nwords * 64;
	int r = 0;

	for (unsigned c = 0; c < max && r >= 0; c++) {
		unsigned end = c;

		if (!pt_cpuset_has(set, c))
			continue;
		while (end + 1 < max && pt_cpuset_has(set, end + 1))
			end++;
		if (sb.len)
			r = pt_strbuf_putc(&sb, ',');
		if (r >= 0)
			r = end == c ? pt_strbuf_printf(&sb, "%u", c)
				     : pt_strbuf_printf(&sb, "%u-%u", c, end);
		c = end;
	}
	if (r < 0) {
		pt_strbuf_done(&sb);
		return NULL;
	}
	return pt_strbuf_steal(&sb);
}
