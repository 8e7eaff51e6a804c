/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxmox property strings: the "k=v,k=v" values of qemu-server config keys such as
 * "hostpci0: 0000:01:00,pcie=1,x-vga=1" or "machine: q35,viommu=intel", parsed and checked the way
 * pve-common's PVE::JSONSchema parse_property_string() and check_object()/check_prop() do it, with
 * Proxmox's own error texts.
 *
 * Parsing (parse_property_string):
 *  - the value is split at every ',' (Perl split: empty parts are skipped, so are parts made only
 *    of white space); nothing is trimmed, " pcie=1" names the key " pcie";
 *  - "k=v": k is everything before the first '=', v the rest (never empty, may hold '='); a key
 *    given twice is "duplicate key in comma-separated list property: k"; a key the schema lacks
 *    is "invalid key in comma-separated list property: k"; "=v" and "k=" are "missing key in
 *    comma-separated list property";
 *  - a part without '=' is the value of the schema's default key ("hostpci0: 01:00" means
 *    host=01:00); a second one, or one after "host=...", is a duplicate of the default key; a
 *    schema without one says "value without key, but schema does not define a default key";
 *  - booleans: 1|on|yes|true and 0|off|no|false, any case (parse_boolean), stored as 1/0;
 *  - an alias key (drives: "volume" for "file") is stored under the key it stands for.
 * Checking (check_object/check_prop), in this order for each key: a missing key that is not
 * optional, the type (integer ^[+-]?\d+$, number, boolean), the registered format (pve-configid,
 * pve-node), the pattern (anchored, case-sensitive, as all Proxmox patterns are; Perl's "$" also
 * matches before a final '\n'), maxLength, minLength, maximum, minimum, the enumeration. The
 * errors come back as Proxmox raises them: "format error\n" and one "key: message\n" per key. A
 * format's message ends in its own '\n', so its line is followed by an empty one, as in Proxmox's
 * ("mapping: invalid format - invalid configuration ID 'g'\n\n"). Proxmox lists several such
 * errors in Perl hash order (random); we list them in schema order.
 *
 * Patterns are C functions (whole value in, yes/no out), not regular expressions: Proxmox's are
 * Perl's, and a C matcher written for one cannot change meaning with the locale.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

enum pt_propstr_type {
	PT_PROPSTR_STRING,
	PT_PROPSTR_BOOLEAN,
	PT_PROPSTR_INTEGER,
	PT_PROPSTR_NUMBER,
};

/*
 * A format pve-common registers with a verify function (PVE::JSONSchema register_format()):
 * check_prop() runs it after the type check and, when it dies, reports "invalid format - " and
 * what it died with.
 */
struct pt_propstr_format {
	bool (*valid)(const char *value, size_t len);
	/* what the verify function dies with, without its '\n'... */
	const char *message;
	bool quote_value; /* ...followed by the value in '' */
};

/* pve-configid (pve_verify_configid): "invalid configuration ID 'x'" */
extern const struct pt_propstr_format pt_propstr_format_configid;
/* pve-node (pve_verify_node_name): "value does not look like a valid node name" */
extern const struct pt_propstr_format pt_propstr_format_node;

/* A limit for pt_propstr_key.minimum/.maximum: PT_PROPSTR_LIMIT(16). */
#define PT_PROPSTR_LIMIT(x) (&(const double){(x)})

/* One key of a format, like one entry of a Proxmox format hash. Unset fields mean "no check". */
struct pt_propstr_key {
	const char *name;
	enum pt_propstr_type type;
	bool default_key; /* a bare value (no '=') is this key's */
	bool optional;	  /* false: "property is missing and it is not optional" */
	/* this key is another spelling of the key named here; the other fields are ignored */
	const char *alias;
	const char *const *enumeration; /* NULL-terminated list of the allowed values */
	const struct pt_propstr_format *format;
	bool (*pattern)(const char *value, size_t len); /* the whole value must match */
	size_t max_length, min_length;			/* bytes; 0: no limit */
	const double *minimum, *maximum; /* only checked when the value is a number */
};

struct pt_propstr_schema {
	const struct pt_propstr_key *keys;
	size_t n_keys;
};

/* An initializer: static const struct pt_propstr_schema s = PT_PROPSTR_SCHEMA(keys_array); */
#define PT_PROPSTR_SCHEMA(k)                                      \
	{                                                         \
		.keys = (k), .n_keys = sizeof(k) / sizeof((k)[0]) \
	}

struct pt_propstr_item {
	const struct pt_propstr_key *key; /* the schema's key (an alias resolved) */
	char *written;			  /* the key as written ("volume"), NULL for a bare value */
	char *value;			  /* as written (NUL-terminated copy; value_len bytes) */
	size_t value_len;
	size_t offset, len; /* the part ("k=v" or the bare value) in the parsed input */
	int boolean;	    /* BOOLEAN keys: 1 or 0; -1 otherwise */
};

struct pt_propstr {
	struct pt_propstr_item *items; /* in input order, one per schema key */
	size_t n;
};

/*
 * Parses and checks s[0..len) against schema. Returns 0; -EINVAL when Proxmox would die, with
 * *err (if given) set to Proxmox's message exactly as its $@ reads, final newline included (e.g.
 * "duplicate key in comma-separated list property: host\n", or "format error\nhost: value does
 * not match the regex pattern\n"); or -ENOMEM. On failure *ret is left empty.
 */
int pt_propstr_parse(const struct pt_propstr_schema *schema, const char *s, size_t len,
		     struct pt_propstr *ret, struct pt_strbuf *err);
void pt_propstr_done(struct pt_propstr *ps);

/* The item of the schema key named name (not an alias), or NULL when the value lacks it. */
const struct pt_propstr_item *pt_propstr_get(const struct pt_propstr *ps, const char *name);
/* The schema's default key, or NULL. */
const struct pt_propstr_key *pt_propstr_default_key(const struct pt_propstr_schema *schema);
/* The schema key named name, or NULL. */
const struct pt_propstr_key *pt_propstr_key(const struct pt_propstr_schema *schema,
					    const char *name);

/* pve-common parse_boolean(): 1 for 1|on|yes|true, 0 for 0|off|no|false (any case), else -1. */
int pt_propstr_parse_boolean(const char *s, size_t len);
/* pve-common's $CONFIGID_RE, matched whole: [a-z][a-z0-9_-]+ in any case (mapping and VM ids). */
bool pt_propstr_is_configid(const char *s, size_t len);
/* JSONSchema is_integer() (^[+-]?\d+$) and is_number() (Perl's numeric literal forms). */
bool pt_propstr_is_integer(const char *s, size_t len);
bool pt_propstr_is_number(const char *s, size_t len);
