/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/hostpci.h"
#include "parse/pci-mapping.h"
#include "parse/propstr.h"
#include "util/array.h"
#include "util/lines.h"
#include "util/macro.h"

/* Perl's \s. */
#define SPACE " \t\n\r\f\v"

static void entry_done(struct pt_pci_map_entry *e)
{
	free(e->node);
	free(e->path);
	free(e->id);
	free(e->subsystem_id);
	free(e->iommugroup);
	free(e->description);
}

static void mapping_done(struct pt_pci_mapping *m)
{
	for (size_t i = 0; i < m->nmap; i++)
		entry_done(&m->map[i]);
	free(m->map);
	free(m->id);
	free(m->description);
	*m = (struct pt_pci_mapping){0};
}

void pt_pci_mappings_done(struct pt_pci_mappings *m)
{
	for (size_t i = 0; i < m->n; i++)
		mapping_done(&m->v[i]);
	free(m->v);
	pt_strv_done(&m->warnings);
	*m = (struct pt_pci_mappings){0};
}

const struct pt_pci_mapping *pt_pci_mappings_find(const struct pt_pci_mappings *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (streq(m->v[i].id, id))
			return &m->v[i];
	return NULL;
}

/* path: (?:$PCI_RE;)*$PCI_RE, the domain required */
static bool paths(const char *s, size_t len)
{
	return pt_hostpci_ids_match(s, len, true);
}

/* id, subsystem-id: ^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$ */
static bool vendor_device(const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (len != 9 || s[4] != ':')
		return false;
	for (size_t i = 0; i < len; i++)
		if (i != 4 && (!s[i] || !strchr(hex, s[i])))
			return false;
	return true;
}

/* pve-guest-common src/PVE/Mapping/PCI.pm $map_fmt, in its order. */
static const struct pt_propstr_key map_keys[] = {
	{.name = "node", .type = PT_PROPSTR_STRING, .format = &pt_propstr_format_node},
	{.name = "id", .type = PT_PROPSTR_STRING, .pattern = vendor_device},
	{.name = "subsystem-id",
	 .type = PT_PROPSTR_STRING,
	 .optional = true,
	 .pattern = vendor_device},
	{.name = "path", .type = PT_PROPSTR_STRING, .pattern = paths},
	{.name = "iommugroup", .type = PT_PROPSTR_INTEGER, .optional = true},
	{.name = "description", .type = PT_PROPSTR_STRING, .optional = true, .max_length = 4096},
};
static const struct pt_propstr_schema map_schema = PT_PROPSTR_SCHEMA(map_keys);

static int warnf(struct pt_pci_mappings *m, unsigned line, const char *fmt, ...) _printf_(3, 4);

static int warnf(struct pt_pci_mappings *m, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int e;

	va_start(ap, fmt);
	e = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (e < 0)
		return -ENOMEM;
	e = pt_strv_pushf(&m->warnings, "line %u: %s", line, msg);
	free(msg);
	return e;
}

static int set_string(char **dst, const char *v)
{
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

static int copy_item(const struct pt_propstr *ps, const char *key, char **dst)
{
	const struct pt_propstr_item *it = pt_propstr_get(ps, key);

	return it ? set_string(dst, it->value) : 0;
}

static int fill_entry(const struct pt_propstr *ps, struct pt_pci_map_entry *e)
{
	int r = copy_item(ps, "node", &e->node);

	if (r >= 0)
		r = copy_item(ps, "path", &e->path);
	if (r >= 0)
		r = copy_item(ps, "id", &e->id);
	if (r >= 0)
		r = copy_item(ps, "subsystem-id", &e->subsystem_id);
	if (r >= 0)
		r = copy_item(ps, "iommugroup", &e->iommugroup);
	if (r >= 0)
		r = copy_item(ps, "description", &e->description);
	return r;
}

/*
 * A `map` value as SectionConfig's check_value() checks it: check_prop() against the item
 * format $map_fmt, which is parse_property_string(); its error comes back as check_prop()'s
 * "invalid format - <the exception>". -EINVAL with *why set to that.
 */
static int parse_map_value(const char *v, struct pt_pci_map_entry *ret, struct pt_strbuf *why)
{
	struct pt_pci_map_entry e = {0};
	struct pt_strbuf err = {0};
	struct pt_propstr ps;
	int r = pt_propstr_parse(&map_schema, v, strlen(v), &ps, &err);

	if (r == -EINVAL && (pt_strbuf_puts(why, "invalid format - ") < 0 ||
			     pt_strbuf_append(why, err.buf, err.len) < 0))
		r = -ENOMEM;
	pt_strbuf_done(&err);
	if (r < 0)
		return r;
	r = fill_entry(&ps, &e);
	pt_propstr_done(&ps);
	if (r < 0) {
		entry_done(&e);
		return r;
	}
	*ret = e;
	return 0;
}

/* SectionConfig's check_value of a boolean: no value means 1 (0/1 is what Proxmox writes). */
static int parse_bool(const char *v, bool *ret)
{
	int b = v ? pt_propstr_parse_boolean(v, strlen(v)) : 1;

	if (b < 0)
		return -EINVAL;
	*ret = b;
	return 0;
}

struct section {
	struct pt_pci_mapping m;
	size_t cap;
	bool has_mdev, has_lm;
};

/* Proxmox's message on one line: its lines joined with "; ", empty ones left out. */
static char *one_line(const struct pt_strbuf *text)
{
	struct pt_strbuf out = {0};
	int r = 0;

	for (size_t i = 0; i < text->len && r >= 0;) {
		const char *nl = memchr(text->buf + i, '\n', text->len - i);
		size_t end = nl ? (size_t)(nl - text->buf) : text->len;

		if (end > i && out.len > 0)
			r = pt_strbuf_puts(&out, "; ");
		if (r >= 0)
			r = pt_strbuf_append(&out, text->buf + i, end - i);
		i = end + 1;
	}
	if (r < 0) {
		pt_strbuf_done(&out);
		return NULL;
	}
	return pt_strbuf_steal(&out);
}

static int map_refused(struct pt_pci_mappings *all, struct section *s, unsigned line,
		       const struct pt_strbuf *why)
{
	char *msg = one_line(why);
	int r;

	if (!msg)
		return -ENOMEM;
	r = warnf(all, line, "(section '%s') - unable to parse value of 'map': %s", s->m.id, msg);
	free(msg);
	return r;
}

static int add_map(struct pt_pci_mappings *all, struct section *s, unsigned line, const char *v)
{
	struct pt_pci_map_entry e;
	struct pt_strbuf why = {0};
	bool refused;
	int r;

	if (!v)
		return warnf(all, line,
			     "(section '%s') - unable to parse value of 'map': got undefined value",
			     s->m.id);
	r = parse_map_value(v, &e, &why);
	refused = r == -EINVAL;
	if (refused)
		r = map_refused(all, s, line, &why);
	pt_strbuf_done(&why);
	if (r < 0 || refused)
		return r;
	if (!PT_GROW(s->m.map, s->cap, s->m.nmap)) {
		entry_done(&e);
		return -ENOMEM;
	}
	e.line = line;
	s->m.map[s->m.nmap++] = e;
	return 0;
}

static int set_flag(struct pt_pci_mappings *all, struct section *s, unsigned line, const char *k,
		    const char *v, bool *seen, bool *flag)
{
	if (*seen)
		return warnf(all, line,
			     "(section '%s') - unable to parse value of '%s': duplicate attribute",
			     s->m.id, k);
	if (parse_bool(v, flag) < 0)
		return warnf(all, line,
			     "(section '%s') - unable to parse value of '%s': type check "
			     "('boolean') failed - got '%s'",
			     s->m.id, k, v);
	*seen = true;
	return 0;
}

static int set_description(struct pt_pci_mappings *all, struct section *s, unsigned line,
			   const char *v)
{
	const char *why = s->m.description   ? "duplicate attribute"
			  : !v		     ? "got undefined value"
			  : strlen(v) > 4096 ? "string too long"
					     : NULL;

	if (why)
		return warnf(all, line,
			     "(section '%s') - unable to parse value of 'description': %s", s->m.id,
			     why);
	return set_string(&s->m.description, v);
}

/* One "<white space>key[ value]" line of a section (SectionConfig: ^\s+(\S+)(\s+(.*\S))?\s*$). */
static int section_line(struct pt_pci_mappings *all, struct section *s, unsigned line, char *l)
{
	size_t lead = strspn(l, SPACE), klen, n;
	char *key, *val;

	if (lead == 0 || !l[lead])
		return warnf(all, line, "(section '%s') - ignore config line: %s", s->m.id, l);
	key = l + lead;
	klen = strcspn(key, SPACE);
	val = key + klen + strspn(key + klen, SPACE);
	for (n = strlen(val); n > 0 && strchr(SPACE, val[n - 1]); n--)
		;
	val[n] = '\0';
	key[klen] = '\0';
	if (!*val)
		val = NULL;
	if (streq(key, "map"))
		return add_map(all, s, line, val);
	if (streq(key, "mdev"))
		return set_flag(all, s, line, key, val, &s->has_mdev, &s->m.mdev);
	if (streq(key, "live-migration-capable"))
		return set_flag(all, s, line, key, val, &s->has_lm, &s->m.live_migration_capable);
	if (streq(key, "description"))
		return set_description(all, s, line, val);
	return warnf(all, line,
		     "(section '%s') - unable to parse value of '%s': unexpected property '%s'",
		     s->m.id, key, key);
}

struct reader {
	struct pt_lines it;
	unsigned lineno;
};

/* The next line that is not a comment (^\s*#), as a string; NULL at the end or on ENOMEM. */
static char *next_line(struct reader *r, int *e)
{
	const char *p;
	size_t n;

	while (pt_lines_next(&r->it, &p, &n)) {
		size_t lead = 0;
		char *l;

		r->lineno = r->it.no;
		while (lead < n && p[lead] && strchr(SPACE, p[lead]))
			lead++;
		if (lead < n && p[lead] == '#')
			continue;
		l = strndup(p, n);
		if (!l)
			*e = -ENOMEM;
		return l;
	}
	return NULL;
}

/* Perl's truth of a line: "" and "0" end a section (and are skipped between sections). */
static bool line_true(const char *l)
{
	return *l && !streq(l, "0");
}

static int keep_section(struct pt_pci_mappings *all, struct section *s, unsigned header_line)
{
	if (s->m.nmap == 0) {
		int e = warnf(all, header_line,
			      "(skip section '%s'): missing value for required option 'map'",
			      s->m.id);
		mapping_done(&s->m);
		return e;
	}
	/* A later section of the same id replaces the earlier one, and takes its place last. */
	for (size_t i = 0; i < all->n; i++) {
		if (streq(all->v[i].id, s->m.id)) {
			mapping_done(&all->v[i]);
			memmove(&all->v[i], &all->v[i + 1], (all->n - i - 1) * sizeof(all->v[0]));
			all->n--;
			break;
		}
	}
	all->v[all->n++] = s->m;
	return 0;
}

/* A header line (PVE::Mapping::PCI parse_section_header: ^(\S+)\s*$) and its section. */
static int read_section(struct reader *r, struct pt_pci_mappings *all, size_t *cap, char *header)
{
	unsigned header_line = r->lineno;
	struct section s = {0};
	bool skip;
	char *l = NULL;
	int e = 0;

	header[strcspn(header, SPACE)] = '\0';
	skip = !pt_propstr_is_configid(header, strlen(header));
	if (skip)
		e = warnf(all, header_line, "(skip section '%s'): invalid configuration ID '%s'",
			  header, header);
	else if (!PT_GROW(all->v, *cap, all->n) || set_string(&s.m.id, header) < 0)
		return -ENOMEM;
	s.m.line = header_line;
	while (e == 0 && (l = next_line(r, &e)) && line_true(l)) {
		if (!skip)
			e = section_line(all, &s, r->lineno, l);
		free(l);
	}
	if (e == 0 && l)
		free(l);
	if (e < 0 || skip) {
		mapping_done(&s.m);
		return e;
	}
	return keep_section(all, &s, header_line);
}

static bool is_header(const char *l)
{
	size_t word = strcspn(l, SPACE);

	return word > 0 && strspn(l + word, SPACE) == strlen(l + word);
}

int pt_pci_mappings_parse(const char *buf, size_t len, struct pt_pci_mappings *ret)
{
	struct pt_pci_mappings all = {0};
	struct reader r = {.it = PT_LINES_INIT(buf, len)};
	size_t cap = 0;
	char *l;
	int e = 0;

	while (e == 0 && (l = next_line(&r, &e))) {
		if (line_true(l) && is_header(l))
			e = read_section(&r, &all, &cap, l);
		else if (line_true(l))
			e = warnf(&all, r.lineno, "ignore config line: %s", l);
		free(l);
	}
	if (e < 0) {
		pt_pci_mappings_done(&all);
		return e;
	}
	*ret = all;
	return 0;
}
