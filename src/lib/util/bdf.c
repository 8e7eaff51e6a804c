/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bdf.h"
#include "parse-num.h"

static int hex_run(const char *s, size_t len, size_t min, size_t max, uint32_t *ret)
{
	uint64_t v;
	size_t i;

	if (len < min || len > max)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return -EINVAL;
	if (pt_parse_u64(s, len, 16, UINT32_MAX, &v) < 0)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static int parse_bus_dev_fn(const char *s, size_t len, struct pt_bdf *b)
{
	uint32_t bus, dev, fn;

	/* "BB:DD.F" */
	if (len != 7 || s[2] != ':' || s[5] != '.')
		return -EINVAL;
	if (hex_run(s, 2, 2, 2, &bus) < 0 || hex_run(s + 3, 2, 2, 2, &dev) < 0 ||
	    hex_run(s + 6, 1, 1, 1, &fn) < 0)
		return -EINVAL;
	if (dev > 31 || fn > 7)
		return -EINVAL;
	b->bus = (uint8_t)bus;
	b->dev = (uint8_t)dev;
	b->fn = (uint8_t)fn;
	return 0;
}

int pt_bdf_parse(const char *s, size_t len, struct pt_bdf *ret)
{
	struct pt_bdf b = {0};
	const char *colon = memchr(s, ':', len);
	size_t dlen;

	if (!colon)
		return -EINVAL;
	dlen = (size_t)(colon - s);
	if (hex_run(s, dlen, 4, 8, &b.domain) < 0)
		return -EINVAL;
	if (parse_bus_dev_fn(colon + 1, len - dlen - 1, &b) < 0)
		return -EINVAL;
	*ret = b;
	return 0;
}

int pt_bdf_parse_user(const char *s, struct pt_bdf *ret)
{
	size_t len = strlen(s);
	struct pt_bdf b = {0};

	if (len == 7) {
		if (parse_bus_dev_fn(s, len, &b) < 0)
			return -EINVAL;
		*ret = b;
		return 0;
	}
	return pt_bdf_parse(s, len, ret);
}

char *pt_bdf_format(const struct pt_bdf *b, char buf[PT_BDF_STRLEN])
{
	snprintf(buf, PT_BDF_STRLEN, "%04x:%02x:%02x.%x", b->domain, b->bus, b->dev, b->fn);
	return buf;
}

int pt_bdf_cmp(const struct pt_bdf *a, const struct pt_bdf *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->fn != b->fn)
		return a->fn < b->fn ? -1 : 1;
	return 0;
}

int pt_bdf_same_slot(const struct pt_bdf *a, const struct pt_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
}

int pt_bdf_last_in_path(const char *path, struct pt_bdf *ret)
{
	const char *p = path;
	int found = -ENOENT;

	while (*p) {
		size_t len;
		struct pt_bdf b;

		p += *p == '/';
		len = strcspn(p, "/");
		if (len && pt_bdf_parse(p, len, &b) == 0) {
			*ret = b;
			found = 0;
		}
		p += len;
	}
	return found;
}
