/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stand-in for the PVE property-string parser (parse/propstr, being written on another
 * branch): only the splitting that hostpci.c and pci-mapping.c need, behind one function, so
 * that swapping it for parse/propstr touches those two files only.
 *
 * It splits the way pve-common's PVE::JSONSchema::parse_property_string does: at every ',';
 * a part of only white space is skipped; "key=value" splits at the first '=' and needs a
 * non-empty key and value, as written (nothing is trimmed); a part without '=' is the value of
 * the default key; a key given twice (the default key by name and bare included) is refused.
 * Each schema's own checks (known keys, patterns, booleans) are the caller's.
 */
#pragma once

#include <stddef.h>

struct pt_propstr_item {
	char *key; /* the default key's name for a bare value */
	char *value;
};

struct pt_propstr_min {
	struct pt_propstr_item *v; /* in the order written */
	size_t n;
};

/*
 * Splits value. default_key may be NULL (the schema has none: a bare value is refused).
 * Returns 0; -EINVAL with *err set to why (the caller frees it); -ENOMEM.
 */
int pt_propstr_min_split(const char *value, const char *default_key, struct pt_propstr_min *ret,
			 char **err);
/* The value of key, or NULL. */
const char *pt_propstr_min_get(const struct pt_propstr_min *p, const char *key);
void pt_propstr_min_done(struct pt_propstr_min *p);
