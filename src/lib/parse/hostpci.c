/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/hostpci.h"
#include "parse/propstr-min.h"
#include "util/macro.h"

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

static bool all_hex_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/*
 * One address of qemu-server's $PCIRE, (?:[a-f0-9]{4,}:)?[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?,
 * matched whole: lower-case hex only (the schema's patterns are case-sensitive).
 */
static bool pci_id_matches(const char *s, size_t n)
{
	const char *last = NULL;
	size_t colons = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == ':') {
			colons++;
			last = s + i;
		}
	if (colons == 2) {
		size_t dom = strcspn(s, ":");

		if (dom < 4 || !all_hex_lower(s, dom))
			return false;
		return pci_id_matches(s + dom + 1, n - dom - 1);
	}
	if (colons != 1 || last != s + 2 || !all_hex_lower(s, 2))
		return false;
	if (n == 5)
		return all_hex_lower(s + 3, 2);
	return n == 7 && all_hex_lower(s + 3, 2) && s[5] == '.' && all_hex_lower(s + 6, 1);
}

/* $PCIRE(;$PCIRE)*, the host key's pattern. */
static bool host_matches(const char *s)
{
	for (;;) {
		size_t n = strcspn(s, ";");

		if (!pci_id_matches(s, n))
			return false;
		if (!s[n])
			return true;
		s += n + 1;
	}
}

/* pve-common's pve-configid format: [a-z][a-z0-9_-]+, case-insensitive. */
static bool configid_matches(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* ^0x[0-9a-fA-F]{4}$: the prefix is required and lower-case. */
static bool hex_id_matches(const char *s)
{
	return strlen(s) == 6 && s[0] == '0' && s[1] == 'x' &&
	       strspn(s + 2, "0123456789abcdefABCDEF") == 4;
}

static bool romfile_matches(const char *s)
{
	return *s && !strpbrk(s, ",;");
}

static bool mdev_matches(const char *s)
{
	return *s && !strpbrk(s, "/.:");
}

static bool driver_matches(const char *s)
{
	return streq(s, "vfio") || streq(s, "keep");
}

/* pve-common JSONSchema parse_boolean: 1|on|yes|true, 0|off|no|false, any case. */
static int parse_boolean(const char *s, bool *ret)
{
	static const char *const yes[] = {"1", "on", "yes", "true"};
	static const char *const no[] = {"0", "off", "no", "false"};

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

enum key_kind {
	KEY_STRING,
	KEY_BOOL,
};

struct key_rule {
	const char *name;
	enum key_kind kind;
	bool (*matches)(const char *s); /* KEY_STRING: the schema's pattern or format */
	size_t str_off;			/* KEY_STRING: offset of the char * in the spec */
	size_t bool_off;		/* KEY_BOOL: offset of the bool */
	size_t set_off;			/* KEY_BOOL: offset of a "given" flag, or 0 */
};

#define STR(n, f, m)                                                        \
	{                                                                   \
		n, KEY_STRING, m, offsetof(struct pt_hostpci_spec, f), 0, 0 \
	}
#define BOOL(n, f)                                                           \
	{                                                                    \
		n, KEY_BOOL, NULL, 0, offsetof(struct pt_hostpci_spec, f), 0 \
	}

/* $hostpci_fmt of qemu-server src/PVE/QemuServer/PCI.pm, and `driver` of PVE 9.1. */
static const struct key_rule hostpci_keys[] = {
	STR("host", host, host_matches),
	STR("mapping", mapping, configid_matches),
	{"rombar", KEY_BOOL, NULL, 0, offsetof(struct pt_hostpci_spec, rombar),
	 offsetof(struct pt_hostpci_spec, rombar_set)},
	STR("romfile", romfile, romfile_matches),
	BOOL("pcie", pcie),
	BOOL("x-vga", x_vga),
	BOOL("legacy-igd", legacy_igd),
	STR("mdev", mdev, mdev_matches),
	STR("vendor-id", vendor_id, hex_id_matches),
	STR("device-id", device_id, hex_id_matches),
	STR("sub-vendor-id", sub_vendor_id, hex_id_matches),
	STR("sub-device-id", sub_device_id, hex_id_matches),
	STR("driver", driver, driver_matches),
};

static const struct key_rule *find_rule(const char *key)
{
	for (size_t i = 0; i < ELEMENTSOF(hostpci_keys); i++)
		if (streq(hostpci_keys[i].name, key))
			return &hostpci_keys[i];
	return NULL;
}

static int refuse(char **err, const char *key, const char *why, const char *value)
{
	if (asprintf(err, "%s: %s%s%s", key, why, value ? value : "", value ? "'" : "") < 0) {
		*err = NULL;
		return -ENOMEM;
	}
	return -EINVAL;
}

static int apply_key(struct pt_hostpci_spec *s, const struct pt_propstr_item *it, char **err)
{
	const struct key_rule *r = find_rule(it->key);
	char *base = (char *)s;
	bool b;

	if (!r)
		return refuse(err, it->key, "property is not defined in schema", NULL);
	if (r->kind == KEY_BOOL) {
		if (parse_boolean(it->value, &b) < 0)
			return refuse(err, it->key, "type check ('boolean') failed - got '",
				      it->value);
		*(bool *)(base + r->bool_off) = b;
		if (r->set_off)
			*(bool *)(base + r->set_off) = true;
		return 0;
	}
	if (!r->matches(it->value))
		return refuse(err, it->key, "value does not match the regex pattern", NULL);
	*(char **)(base + r->str_off) = strdup(it->value);
	return *(char **)(base + r->str_off) ? 0 : -ENOMEM;
}

int pt_hostpci_parse(const char *value, struct pt_hostpci_spec *ret, char **err)
{
	struct pt_hostpci_spec s = {0};
	struct pt_propstr_min p;
	int e;

	e = pt_propstr_min_split(value, "host", &p, err);
	if (e < 0)
		return e;
	for (size_t i = 0; i < p.n && e == 0; i++)
		e = apply_key(&s, &p.v[i], err);
	pt_propstr_min_done(&p);
	if (e < 0) {
		pt_hostpci_spec_done(&s);
		return e;
	}
	*ret = s;
	return 0;
}

int pt_machine_parse_type(const char *value, char **type, char **err)
{
	struct pt_propstr_min p;
	const char *t;
	int e;

	*type = NULL;
	e = pt_propstr_min_split(value, "type", &p, err);
	if (e < 0)
		return e;
	t = pt_propstr_min_get(&p, "type");
	if (t) {
		*type = strdup(t);
		if (!*type)
			e = -ENOMEM;
	}
	pt_propstr_min_done(&p);
	return e;
}
