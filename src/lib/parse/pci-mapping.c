/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/pci-mapping.h"
#include "parse/propstr-min.h"
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

/* pve-common's pve-configid: [a-z][a-z0-9_-]+, case-insensitive. */
static bool configid_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static bool hex_lower_run(const char *s, size_t n)
{
	return strspn(s, "0123456789abcdef") >= n;
}

/* PVE::Mapping::PCI's $PCI_RE: [a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])? (whole). */
static bool pci_path_ok(const char *s, size_t n)
{
	size_t dom = strspn(s, "0123456789abcdef");

	if (dom < 4 || dom >= n || s[dom] != ':')
		return false;
	s += dom + 1;
	n -= dom + 1;
	if ((n != 5 && n != 7) || !hex_lower_run(s, 2) || s[2] != ':' || !hex_lower_run(s + 3, 2))
		return false;
	return n == 5 || (s[5] == '.' && hex_lower_run(s + 6, 1));
}

/* (?:$PCI_RE;)*$PCI_RE */
static bool paths_ok(const char *s)
{
	for (;;) {
		size_t n = strcspn(s, ";");

		if (!pci_path_ok(s, n))
			return false;
		if (!s[n])
			return true;
		s += n + 1;
	}
}

/* ^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$ */
static bool vendor_device_ok(const char *s)
{
	const char *hex = "0123456789abcdefABCDEF";

	return strlen(s) == 9 && strspn(s, hex) == 4 && s[4] == ':' && strspn(s + 5, hex) == 4;
}

/* JSONSchema's integer: an optional sign and digits. */
static bool integer_ok(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	return *s && strspn(s, "0123456789") == strlen(s);
}

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

/* One key of a `map` value ($map_fmt of PVE::Mapping::PCI); -EINVAL with *why. */
static int map_key(struct pt_pci_map_entry *e, const struct pt_propstr_item *it, const char **why)
{
	static const struct {
		const char *key;
		size_t off;
		bool (*ok)(const char *);
	} keys[] = {
		{"node", offsetof(struct pt_pci_map_entry, node), NULL},
		{"path", offsetof(struct pt_pci_map_entry, path), paths_ok},
		{"id", offsetof(struct pt_pci_map_entry, id), vendor_device_ok},
		{"subsystem-id", offsetof(struct pt_pci_map_entry, subsystem_id), vendor_device_ok},
		{"iommugroup", offsetof(struct pt_pci_map_entry, iommugroup), integer_ok},
		{"description", offsetof(struct pt_pci_map_entry, description), NULL},
	};

	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		if (!streq(keys[i].key, it->key))
			continue;
		if (keys[i].ok && !keys[i].ok(it->value)) {
			*why = "value does not match the regex pattern";
			return -EINVAL;
		}
		if (streq(it->key, "description") && strlen(it->value) > 4096) {
			*why = "string too long";
			return -EINVAL;
		}
		return set_string((char **)((char *)e + keys[i].off), it->value);
	}
	*why = "property is not defined in schema";
	return -EINVAL;
}

/* A `map` value as PVE::JSONSchema checks it against $map_fmt. -EINVAL with *err. */
static int parse_map_value(const char *v, struct pt_pci_map_entry *ret, char **err)
{
	struct pt_pci_map_entry e = {0};
	struct pt_propstr_min p;
	const char *why = NULL, *key = NULL;
	int r;

	r = pt_propstr_min_split(v, NULL, &p, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p.n && r == 0; i++) {
		r = map_key(&e, &p.v[i], &why);
		key = p.v[i].key;
		if (r == -EINVAL && asprintf(err, "%s: %s", key, why) < 0)
			r = -ENOMEM;
	}
	pt_propstr_min_done(&p);
	if (r == 0 && (!e.node || !e.path || !e.id)) {
		key = !e.node ? "node" : !e.path ? "path" : "id";
		r = asprintf(err, "%s: property is missing and it is not optional", key) < 0
			    ? -ENOMEM
			    : -EINVAL;
	}
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
	static const char *const yes[] = {"1", "on", "yes", "true"};
	static const char *const no[] = {"0", "off", "no", "false"};

	if (!v) {
		*ret = true;
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			*ret = strcasecmp(v, yes[i]) == 0;
			return 0;
		}
	}
	return -EINVAL;
}

struct section {
	struct pt_pci_mapping m;
	size_t cap;
	bool has_mdev, has_lm;
};

static int add_map(struct pt_pci_mappings *all, struct section *s, unsigned line, const char *v)
{
	struct pt_pci_map_entry e;
	char *err = NULL;
	int r;

	if (!v)
		return warnf(all, line,
			     "(section '%s') - unable to parse value of 'map': got undefined value",
			     s->m.id);
	r = parse_map_value(v, &e, &err);
	if (r == -EINVAL) {
		r = warnf(all, line, "(section '%s') - unable to parse value of 'map': %s", s->m.id,
			  err);
		free(err);
		return r;
	}
	if (r < 0)
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
	skip = !configid_ok(header);
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
