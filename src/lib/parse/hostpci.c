/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/hostpci.h"
#include "parse/pveconf.h"
#include "util/macro.h"
#include "util/strbuf.h"

void pt_hostpci_spec_done(struct pt_hostpci_spec *s)
{
	free(s->host);
	free(s->mapping);
	free(s->romfile);
	free(s->mdev);
	free(s->vendor_id);
	free(s->device_id);
	free(s->sub_vendor_id);
	free(s->sub_device_id);
	free(s->driver);
	*s = (struct pt_hostpci_spec){0};
}

static bool lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* [a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?, matched whole */
static bool bus_dev_fn(const char *s, size_t n)
{
	if ((n != 5 && n != 7) || !lower_hex(s, 2) || s[2] != ':' || !lower_hex(s + 3, 2))
		return false;
	return n == 5 || (s[5] == '.' && lower_hex(s + 6, 1));
}

/* (?:[a-f0-9]{4,}:)?bus:dev(.fn)?, matched whole; the domain is required with need_domain */
static bool pci_id(const char *s, size_t n, bool need_domain)
{
	const char *colon = memchr(s, ':', n);
	size_t dom = colon ? (size_t)(colon - s) : n;

	if (bus_dev_fn(s, n))
		return !need_domain;
	return dom >= 4 && dom < n && lower_hex(s, dom) && bus_dev_fn(s + dom + 1, n - dom - 1);
}

bool pt_hostpci_ids_match(const char *s, size_t len, bool need_domain)
{
	for (;;) {
		const char *semi = memchr(s, ';', len);
		size_t n = semi ? (size_t)(semi - s) : len;

		if (!pci_id(s, n, need_domain))
			return false;
		if (!semi)
			return true;
		s += n + 1;
		len -= n + 1;
	}
}

/* host: qemu-server's $PCIRE(;$PCIRE)* */
static bool host_ids(const char *s, size_t len)
{
	return pt_hostpci_ids_match(s, len, false);
}

/* romfile: [^,;]+ */
static bool romfile_name(const char *s, size_t len)
{
	return len > 0 && !memchr(s, ',', len) && !memchr(s, ';', len);
}

/* mdev: [^/\.:]+ */
static bool mdev_type(const char *s, size_t len)
{
	return len > 0 && !memchr(s, '/', len) && !memchr(s, '.', len) && !memchr(s, ':', len);
}

/* the ID overrides: ^0x[0-9a-fA-F]{4}$ (the prefix is required, and lower-case) */
static bool hex_id(const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (len != 6 || s[0] != '0' || s[1] != 'x')
		return false;
	for (size_t i = 2; i < len; i++)
		if (!s[i] || !strchr(hex, s[i]))
			return false;
	return true;
}

/*
 * `driver`, the newest key: vfio and keep, the two values upstream's test config
 * src/test/cfg2cmd/q35-linux-hostpci-driver-keep.conf uses. That its schema is an enumeration,
 * and so the text another value is refused with, is not verified.
 */
static const char *const drivers[] = {"vfio", "keep", NULL};

#define OPTIONAL_BOOLEAN(n)                                               \
	{                                                                 \
		.name = (n), .type = PT_PROPSTR_BOOLEAN, .optional = true \
	}
#define OPTIONAL_PATTERN(n, p)                                                           \
	{                                                                                \
		.name = (n), .type = PT_PROPSTR_STRING, .optional = true, .pattern = (p) \
	}

/* qemu-server src/PVE/QemuServer/PCI.pm $hostpci_fmt, in its order. */
static const struct pt_propstr_key hostpci_keys[] = {
	{.name = "host",
	 .type = PT_PROPSTR_STRING,
	 .default_key = true,
	 .optional = true,
	 .pattern = host_ids},
	{.name = "mapping",
	 .type = PT_PROPSTR_STRING,
	 .optional = true,
	 .format = &pt_propstr_format_configid},
	OPTIONAL_BOOLEAN("rombar"),
	OPTIONAL_PATTERN("romfile", romfile_name),
	OPTIONAL_BOOLEAN("pcie"),
	OPTIONAL_BOOLEAN("x-vga"),
	OPTIONAL_BOOLEAN("legacy-igd"),
	OPTIONAL_PATTERN("mdev", mdev_type),
	OPTIONAL_PATTERN("vendor-id", hex_id),
	OPTIONAL_PATTERN("device-id", hex_id),
	OPTIONAL_PATTERN("sub-vendor-id", hex_id),
	OPTIONAL_PATTERN("sub-device-id", hex_id),
	{.name = "driver", .type = PT_PROPSTR_STRING, .optional = true, .enumeration = drivers},
};

#undef OPTIONAL_BOOLEAN
#undef OPTIONAL_PATTERN

const struct pt_propstr_schema pt_hostpci_schema = PT_PROPSTR_SCHEMA(hostpci_keys);

/* Where each string key of the schema goes in the spec. */
static const struct {
	const char *key;
	size_t offset;
} string_fields[] = {
	{"host", offsetof(struct pt_hostpci_spec, host)},
	{"mapping", offsetof(struct pt_hostpci_spec, mapping)},
	{"romfile", offsetof(struct pt_hostpci_spec, romfile)},
	{"mdev", offsetof(struct pt_hostpci_spec, mdev)},
	{"vendor-id", offsetof(struct pt_hostpci_spec, vendor_id)},
	{"device-id", offsetof(struct pt_hostpci_spec, device_id)},
	{"sub-vendor-id", offsetof(struct pt_hostpci_spec, sub_vendor_id)},
	{"sub-device-id", offsetof(struct pt_hostpci_spec, sub_device_id)},
	{"driver", offsetof(struct pt_hostpci_spec, driver)},
};

static bool flag(const struct pt_propstr *ps, const char *key, bool *given)
{
	const struct pt_propstr_item *it = pt_propstr_get(ps, key);

	if (given)
		*given = it != NULL;
	return it && it->boolean == 1;
}

static int fill_spec(const struct pt_propstr *ps, struct pt_hostpci_spec *s)
{
	for (size_t i = 0; i < ELEMENTSOF(string_fields); i++) {
		const struct pt_propstr_item *it = pt_propstr_get(ps, string_fields[i].key);
		char **dst = (char **)((char *)s + string_fields[i].offset);

		if (it && !(*dst = strdup(it->value)))
			return -ENOMEM;
	}
	s->rombar = flag(ps, "rombar", &s->rombar_set);
	s->pcie = flag(ps, "pcie", NULL);
	s->x_vga = flag(ps, "x-vga", NULL);
	s->legacy_igd = flag(ps, "legacy-igd", NULL);
	return 0;
}

/* Parses value against schema; on -EINVAL *err is Proxmox's message. */
static int parse(const struct pt_propstr_schema *schema, const char *value, struct pt_propstr *ps,
		 char **err)
{
	struct pt_strbuf why = {0};
	int r = pt_propstr_parse(schema, value, strlen(value), ps, &why);

	*err = NULL;
	if (r == -EINVAL) {
		*err = pt_strbuf_steal(&why);
		if (!*err)
			r = -ENOMEM;
	}
	pt_strbuf_done(&why);
	return r;
}

int pt_hostpci_parse(const char *value, struct pt_hostpci_spec *ret, char **err)
{
	struct pt_hostpci_spec s = {0};
	struct pt_propstr ps;
	int r = parse(&pt_hostpci_schema, value, &ps, err);

	if (r < 0)
		return r;
	r = fill_spec(&ps, &s);
	pt_propstr_done(&ps);
	if (r < 0) {
		pt_hostpci_spec_done(&s);
		return r;
	}
	*ret = s;
	return 0;
}

int pt_machine_parse_type(const char *value, char **type, char **err)
{
	struct pt_propstr ps;
	const struct pt_propstr_item *t;
	int r = parse(pt_pveconf_key_schema("machine"), value, &ps, err);

	*type = NULL;
	if (r < 0)
		return r;
	t = pt_propstr_get(&ps, "type");
	if (t && !(*type = strdup(t->value)))
		r = -ENOMEM;
	pt_propstr_done(&ps);
	return r;
}
