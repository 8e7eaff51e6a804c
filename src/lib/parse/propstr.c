/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxmox property strings. The rules and texts are pve-common's src/PVE/JSONSchema.pm:
 * parse_property_string() for the syntax, check_object()/check_prop()/check_type() for the
 * checks, and PVE::Exception's stringify() for how "format error" and its per-key lines read.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/propstr.h"
#include "util/array.h"
#include "util/macro.h"

/* Perl's \s on byte strings: space, \t, \n, \v, \f, \r. */
static bool perl_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool perl_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Perl's "$" also matches before a final '\n': the length an anchored match has to cover. */
static size_t perl_end(const char *s, size_t len)
{
	return len > 0 && s[len - 1] == '\n' ? len - 1 : len;
}

static size_t digits(const char *s, size_t i, size_t len)
{
	while (i < len && perl_digit(s[i]))
		i++;
	return i;
}

static bool lower_equal(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];

		if (c != word[i])
			return false;
	}
	return true;
}

int pt_propstr_parse_boolean(const char *s, size_t len)
{
	len = perl_end(s, len);
	if (lower_equal(s, len, "1") || lower_equal(s, len, "on") || lower_equal(s, len, "yes") ||
	    lower_equal(s, len, "true"))
		return 1;
	if (lower_equal(s, len, "0") || lower_equal(s, len, "off") || lower_equal(s, len, "no") ||
	    lower_equal(s, len, "false"))
		return 0;
	return -1;
}

bool pt_propstr_is_integer(const char *s, size_t len)
{
	size_t i = 0, end = perl_end(s, len), d;

	if (i < end && (s[i] == '+' || s[i] == '-'))
		i++;
	d = digits(s, i, end);
	return d > i && d == end;
}

/* ^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$ */
bool pt_propstr_is_number(const char *s, size_t len)
{
	size_t i = 0, end = perl_end(s, len), d, f;

	if (i < end && (s[i] == '+' || s[i] == '-'))
		i++;
	d = digits(s, i, end);
	f = d;
	if (f < end && s[f] == '.')
		f = digits(s, f + 1, end);
	if (d == i && f <= d + 1)
		return false; /* no digit before or after the '.' */
	i = f;
	if (i < end && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < end && (s[i] == '+' || s[i] == '-'))
			i++;
		d = digits(s, i, end);
		if (d == i)
			return false;
		i = d;
	}
	return i == end;
}

static bool ascii_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ascii_alnum(char c)
{
	return ascii_letter(c) || perl_digit(c);
}

/* pve-common JSONSchema.pm: $CONFIGID_RE = qr/[a-z][a-z0-9_-]+/i, matched as ^...$ */
bool pt_propstr_is_configid(const char *s, size_t len)
{
	len = perl_end(s, len);
	if (len < 2 || !ascii_letter(s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!ascii_alnum(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* pve_verify_node_name(): ^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$ */
static bool node_name(const char *s, size_t len)
{
	len = perl_end(s, len);
	if (len == 0 || !ascii_alnum(s[0]) || !ascii_alnum(s[len - 1]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!ascii_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* pve_verify_configid() dies with "invalid configuration ID '$id'\n" */
const struct pt_propstr_format pt_propstr_format_configid = {
	.valid = pt_propstr_is_configid,
	.message = "invalid configuration ID ",
	.quote_value = true,
};

/* pve_verify_node_name() dies with "value does not look like a valid node name\n" */
const struct pt_propstr_format pt_propstr_format_node = {
	.valid = node_name,
	.message = "value does not look like a valid node name",
};

const struct pt_propstr_key *pt_propstr_key(const struct pt_propstr_schema *schema,
					    const char *name)
{
	for (size_t i = 0; i < schema->n_keys; i++)
		if (streq(schema->keys[i].name, name))
			return &schema->keys[i];
	return NULL;
}

static const struct pt_propstr_key *key_n(const struct pt_propstr_schema *schema, const char *s,
					  size_t len)
{
	for (size_t i = 0; i < schema->n_keys; i++)
		if (strlen(schema->keys[i].name) == len &&
		    memcmp(schema->keys[i].name, s, len) == 0)
			return &schema->keys[i];
	return NULL;
}

const struct pt_propstr_key *pt_propstr_default_key(const struct pt_propstr_schema *schema)
{
	for (size_t i = 0; i < schema->n_keys; i++)
		if (schema->keys[i].default_key && !schema->keys[i].alias)
			return &schema->keys[i];
	return NULL;
}

static struct pt_propstr_item *find_item(struct pt_propstr *ps, const struct pt_propstr_key *key)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->items[i].key == key)
			return &ps->items[i];
	return NULL;
}

const struct pt_propstr_item *pt_propstr_get(const struct pt_propstr *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (streq(ps->items[i].key->name, name))
			return &ps->items[i];
	return NULL;
}

static void item_done(struct pt_propstr_item *it)
{
	free(it->written);
	free(it->value);
}

void pt_propstr_done(struct pt_propstr *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		item_done(&ps->items[i]);
	free(ps->items);
	*ps = (struct pt_propstr){0};
}

static char *copy_n(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* A parsed part, before it is stored. */
struct part {
	const struct pt_propstr_key *key;
	const char *written; /* NULL for a bare value */
	size_t written_len;
	const char *value;
	size_t value_len;
	size_t offset, len;
};

/* Stores (or, as Perl's hash assignment does, overwrites) the value of p.key. */
static int store(struct pt_propstr *ps, size_t *cap, const struct part *p)
{
	struct pt_propstr_item it = {.key = p->key, .offset = p->offset, .len = p->len};
	struct pt_propstr_item *old = find_item(ps, p->key);
	int b = -1;

	if (p->key->type == PT_PROPSTR_BOOLEAN)
		b = p->written ? pt_propstr_parse_boolean(p->value, p->value_len)
			       : (p->value_len == 1 && (p->value[0] == '0' || p->value[0] == '1')
					  ? p->value[0] - '0'
					  : -1);
	it.boolean = b;
	it.value = b >= 0 && p->written ? copy_n(b ? "1" : "0", 1) : copy_n(p->value, p->value_len);
	it.value_len = b >= 0 && p->written ? 1 : p->value_len;
	it.written = p->written ? copy_n(p->written, p->written_len) : NULL;
	if (!it.value || (p->written && !it.written)) {
		item_done(&it);
		return -ENOMEM;
	}
	if (old) {
		item_done(old);
		*old = it;
		return 0;
	}
	if (!PT_GROW(ps->items, *cap, ps->n)) {
		item_done(&it);
		return -ENOMEM;
	}
	ps->items[ps->n++] = it;
	return 0;
}

static int fail(struct pt_strbuf *err, const char *msg, const char *arg, size_t arg_len)
{
	if (err && (pt_strbuf_puts(err, msg) < 0 || pt_strbuf_append(err, arg, arg_len) < 0 ||
		    pt_strbuf_putc(err, '\n') < 0))
		return -ENOMEM;
	return -EINVAL;
}

static bool perl_true(const struct pt_propstr_item *it)
{
	return it && it->value_len > 0 && !(it->value_len == 1 && it->value[0] == '0');
}

/* "k=v": ^([^=]+)=(.+)$ */
static bool split_pair(const char *s, size_t len, struct part *p)
{
	const char *eq = memchr(s, '=', len);
	size_t vlen;

	if (!eq || eq == s)
		return false;
	vlen = perl_end(eq + 1, len - (size_t)(eq + 1 - s));
	if (vlen == 0 || memchr(eq + 1, '\n', vlen))
		return false; /* '.' matches anything but '\n' */
	p->written = s;
	p->written_len = (size_t)(eq - s);
	p->value = eq + 1;
	p->value_len = vlen;
	return true;
}

static int parse_pair(const struct pt_propstr_schema *schema, struct pt_propstr *ps, size_t *cap,
		      struct part *p, struct pt_strbuf *err)
{
	const struct pt_propstr_key *k = key_n(schema, p->written, p->written_len);

	/* Proxmox looks for the key as written, before resolving an alias */
	if (k && find_item(ps, k))
		return fail(err, "duplicate key in comma-separated list property: ", p->written,
			    p->written_len);
	if (k && k->alias) {
		const char *alias = k->alias;

		k = pt_propstr_key(schema, alias);
		if (!k)
			return fail(err, "invalid key in comma-separated list property: ", alias,
				    strlen(alias));
	}
	if (!k)
		return fail(err, "invalid key in comma-separated list property: ", p->written,
			    p->written_len);
	p->key = k;
	return store(ps, cap, p);
}

static int parse_bare(const struct pt_propstr_schema *schema, struct pt_propstr *ps, size_t *cap,
		      const struct pt_propstr_key **seen, struct part *p, struct pt_strbuf *err)
{
	const struct pt_propstr_key *dk;

	if (*seen)
		return fail(err, "duplicate key in comma-separated list property: ", (*seen)->name,
			    strlen((*seen)->name));
	dk = pt_propstr_default_key(schema);
	if (!dk)
		return fail(err, "value without key, but schema does not define a default key", "",
			    0);
	*seen = dk;
	if (perl_true(find_item(ps, dk)))
		return fail(err, "duplicate key in comma-separated list property: ", dk->name,
			    strlen(dk->name));
	p->key = dk;
	return store(ps, cap, p);
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!perl_space(s[i]))
			return false;
	return true;
}

static int parse_parts(const struct pt_propstr_schema *schema, const char *s, size_t len,
		       struct pt_propstr *ps, struct pt_strbuf *err)
{
	const struct pt_propstr_key *seen = NULL;
	size_t cap = 0, start = 0;

	while (start <= len) {
		const char *comma = memchr(s + start, ',', len - start);
		size_t end = comma ? (size_t)(comma - s) : len;
		struct part p = {.value = s + start, .value_len = end - start};
		int r = 0;

		p.offset = start;
		p.len = end - start;
		if (!blank(s + start, end - start)) {
			if (split_pair(s + start, end - start, &p))
				r = parse_pair(schema, ps, &cap, &p, err);
			else if (!memchr(s + start, '=', end - start))
				r = parse_bare(schema, ps, &cap, &seen, &p, err);
			else
				r = fail(err, "missing key in comma-separated list property", "",
					 0);
		}
		if (r < 0)
			return r;
		start = end + 1;
	}
	return 0;
}

static double number(const char *s, size_t len)
{
	char buf[64];

	/* is_number() held: digits, sign, '.', exponent; a longer one is out of range anyway */
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return strtod(buf, NULL);
}

/* "key: <text>'<value>'\n" */
static int error_quoted(struct pt_strbuf *errs, const struct pt_propstr_key *k, const char *text,
			const char *v, size_t n)
{
	int r = pt_strbuf_printf(errs, "%s: %s'", k->name, text);

	if (r >= 0)
		r = pt_strbuf_append(errs, v, n);
	return r < 0 ? r : pt_strbuf_puts(errs, "'");
}

/* "key: <text><limit>" with the limit printed as Perl prints a number (%.15g) */
static int error_limit(struct pt_strbuf *errs, const struct pt_propstr_key *k, const char *text,
		       double limit, const char *unit)
{
	return pt_strbuf_printf(errs, "%s: %s%.15g%s", k->name, text, limit, unit);
}

static const char *type_name(enum pt_propstr_type t)
{
	switch (t) {
	case PT_PROPSTR_BOOLEAN:
		return "boolean";
	case PT_PROPSTR_INTEGER:
		return "integer";
	case PT_PROPSTR_NUMBER:
		return "number";
	case PT_PROPSTR_STRING:
		break;
	}
	return "string";
}

static bool type_ok(const struct pt_propstr_key *k, const char *v, size_t n)
{
	switch (k->type) {
	case PT_PROPSTR_BOOLEAN:
		return n == 1 && (v[0] == '0' || v[0] == '1');
	case PT_PROPSTR_INTEGER:
		return pt_propstr_is_integer(v, n);
	case PT_PROPSTR_NUMBER:
		return pt_propstr_is_number(v, n);
	case PT_PROPSTR_STRING:
		break;
	}
	return true;
}

static bool in_enum(const char *const *e, const char *v, size_t n)
{
	for (; *e; e++)
		if (strlen(*e) == n && memcmp(*e, v, n) == 0)
			return true;
	return false;
}

static int enum_error(struct pt_strbuf *errs, const struct pt_propstr_key *k, const char *v,
		      size_t n)
{
	int r = error_quoted(errs, k, "value ", v, n);

	if (r >= 0)
		r = pt_strbuf_puts(errs, " does not have a value in the enumeration '");
	for (const char *const *e = k->enumeration; r >= 0 && *e; e++)
		r = pt_strbuf_printf(errs, "%s%s", e == k->enumeration ? "" : ", ", *e);
	return r < 0 ? r : pt_strbuf_puts(errs, "'");
}

/*
 * check_prop() adds "invalid format - $@": the verify function's message with its '\n', after
 * which PVE::Exception's stringify() puts the line's own '\n' (an empty line follows).
 */
static int format_error(struct pt_strbuf *errs, const struct pt_propstr_key *k, const char *v,
			size_t n)
{
	char text[128];
	int r;

	snprintf(text, sizeof(text), "invalid format - %s", k->format->message);
	if (k->format->quote_value)
		r = error_quoted(errs, k, text, v, n);
	else
		r = pt_strbuf_printf(errs, "%s: %s", k->name, text);
	return r < 0 ? r : pt_strbuf_putc(errs, '\n');
}

/* check_prop() for a present value: at most one error per key, in Proxmox's order. */
static int check_value(const struct pt_propstr_key *k, const char *v, size_t n,
		       struct pt_strbuf *errs)
{
	char text[64];

	if (!type_ok(k, v, n)) {
		snprintf(text, sizeof(text), "type check ('%s') failed - got ", type_name(k->type));
		return error_quoted(errs, k, text, v, n);
	}
	if (k->format && !k->format->valid(v, n))
		return format_error(errs, k, v, n);
	/* $value !~ m/^$pattern$/: "$" also matches before a final '\n' */
	if (k->pattern && !k->pattern(v, perl_end(v, n)))
		return pt_strbuf_printf(errs, "%s: value does not match the regex pattern",
					k->name);
	if (k->max_length && n > k->max_length)
		return error_limit(errs, k, "value may only be ", (double)k->max_length,
				   " characters long");
	if (k->min_length && n < k->min_length)
		return error_limit(errs, k, "value must be at least ", (double)k->min_length,
				   " characters long");
	if (pt_propstr_is_number(v, n)) {
		double x = number(v, n);

		if (k->maximum && x > *k->maximum)
			return error_limit(errs, k, "value must have a maximum value of ",
					   *k->maximum, "");
		if (k->minimum && x < *k->minimum)
			return error_limit(errs, k, "value must have a minimum value of ",
					   *k->minimum, "");
	}
	if (k->enumeration && !in_enum(k->enumeration, v, n))
		return enum_error(errs, k, v, n);
	return 0;
}

static int check_all(const struct pt_propstr_schema *schema, struct pt_propstr *ps,
		     struct pt_strbuf *errs)
{
	for (size_t i = 0; i < schema->n_keys; i++) {
		const struct pt_propstr_key *k = &schema->keys[i];
		const struct pt_propstr_item *it = find_item(ps, k);
		int r = 0;

		if (k->alias)
			continue;
		size_t before = errs->len;

		if (!it && !k->optional)
			r = pt_strbuf_printf(errs, "%s: property is missing and it is not optional",
					     k->name);
		else if (it)
			r = check_value(k, it->value, it->value_len, errs);
		if (r >= 0 && errs->len > before)
			r = pt_strbuf_putc(errs, '\n');
		if (r < 0)
			return r;
	}
	return 0;
}

int pt_propstr_parse(const struct pt_propstr_schema *schema, const char *s, size_t len,
		     struct pt_propstr *ret, struct pt_strbuf *err)
{
	struct pt_propstr ps = {0};
	struct pt_strbuf errs = {0};
	int r;

	*ret = (struct pt_propstr){0};
	if (!s && len > 0)
		return -EINVAL;
	r = parse_parts(schema, s ? s : "", len, &ps, err);
	if (r >= 0)
		r = check_all(schema, &ps, &errs);
	if (r >= 0 && errs.len > 0) {
		r = -EINVAL;
		if (err && (pt_strbuf_puts(err, "format error\n") < 0 ||
			    pt_strbuf_append(err, errs.buf, errs.len) < 0))
			r = -ENOMEM;
	}
	pt_strbuf_done(&errs);
	if (r < 0) {
		pt_propstr_done(&ps);
		return r;
	}
	*ret = ps;
	return 0;
}
