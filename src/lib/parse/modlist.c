/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module lists: /etc/modules, modules-load.d, initramfs-tools' modules file, modules.builtin.
 * See modlist.h for which program reads which file how.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modlist.h"
#include "util/array.h"
#include "util/lines.h"
#include "util/macro.h"

static char *normalize(const char *s, size_t n)
{
	char *r = strndup(s, n);

	if (r)
		for (char *p = r; *p; p++)
			if (*p == '-')
				*p = '_';
	return r;
}

/* ---- Boot-time lists ---- */

struct lparser {
	struct pt_modlist *list;
	size_t cap_entries, cap_warnings;
};

static int add_warning(struct lparser *p, enum pt_modlist_warn_kind kind, unsigned line)
{
	struct pt_modlist *l = p->list;

	if (!PT_GROW(l->warnings, p->cap_warnings, l->n_warnings))
		return -ENOMEM;
	l->warnings[l->n_warnings++] = (struct pt_modlist_warning){.kind = kind, .line = line};
	return 0;
}

/*
 * POSIX read's IFS white space by default, and systemd's WHITESPACE minus what ends a line.
 * NUL too: only SHELL lines can hold one, and then mkinitramfs ignores the whole file anyway
 * (pt_modlist.binary); splitting there just keeps the reported words readable.
 */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\0';
}

/*
 * Adds an entry for the text s[0..n): the first word is the module, the rest (outer blanks
 * removed) its arguments. lookup is what the loader will look up.
 */
static int add_entry(struct lparser *p, unsigned line, const char *raw, size_t rawlen,
		     const char *s, size_t n, const char *lookup, size_t lookuplen)
{
	struct pt_modlist *l = p->list;
	struct pt_modlist_entry *e;
	size_t w = 0, a;

	while (w < n && !is_blank(s[w]))
		w++;
	a = w;
	while (a < n && is_blank(s[a]))
		a++;
	while (n > a && is_blank(s[n - 1]))
		n--;
	if (!PT_GROW(l->entries, p->cap_entries, l->n_entries))
		return -ENOMEM;
	e = &l->entries[l->n_entries];
	*e = (struct pt_modlist_entry){
		.line = line,
		.raw = strndup(raw, rawlen),
		.module = strndup(s, w),
		.name = normalize(s, w),
		.args = a < n ? strndup(s + a, n - a) : NULL,
		.lookup = strndup(lookup, lookuplen),
	};
	l->n_entries++;
	if (!e->raw || !e->module || !e->name || (a < n && !e->args) || !e->lookup)
		return -ENOMEM;
	if (l->dialect == PT_MODLIST_SYSTEMD && e->args)
		return add_warning(p, PT_MODLIST_WARN_ARGS, line);
	return 0;
}

/* systemd: read_line() ends a line at '\n', '\r' or NUL; strstrip(); '#' or ';' comments. */
static int systemd_line(struct lparser *p, unsigned line, const char *raw, size_t rawlen)
{
	size_t start = 0;

	while (start <= rawlen) {
		size_t end = start, a, z;

		while (end < rawlen && raw[end] != '\r' && raw[end] != '\0')
			end++;
		for (a = start; a < end && is_blank(raw[a]); a++)
			;
		for (z = end; z > a && is_blank(raw[z - 1]); z--)
			;
		if (z > a && raw[a] != '#' && raw[a] != ';') {
			int r = add_entry(p, line, raw, rawlen, raw + a, z - a, raw + a, z - a);

			if (r < 0)
				return r;
		}
		start = end + 1;
	}
	return 0;
}

/* mkinitramfs: grep '^[^#]' | while read -r module args; [ -n "$module" ] || continue. */
static int shell_line(struct lparser *p, unsigned line, const char *raw, size_t rawlen)
{
	const char *s = raw;
	size_t n = rawlen, w = 0;
	int r;

	if (n == 0 || raw[0] == '#')
		return 0;
	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	if (n == 0)
		return 0;
	if (memchr(raw, '\r', rawlen) && (r = add_warning(p, PT_MODLIST_WARN_CR, line)) < 0)
		return r;
	if (*s == '#' && (r = add_warning(p, PT_MODLIST_WARN_INDENTED_COMMENT, line)) < 0)
		return r;
	if (*s == ';' && (r = add_warning(p, PT_MODLIST_WARN_SEMICOLON, line)) < 0)
		return r;
	while (w < n && !is_blank(s[w]))
		w++;
	return add_entry(p, line, raw, rawlen, s, n, s, w);
}

int pt_modlist_parse(const char *buf, size_t len, enum pt_modlist_dialect dialect,
		     struct pt_modlist *ret)
{
	struct pt_modlist list = {.dialect = dialect};
	struct lparser p = {.list = &list};
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *raw;
	size_t rawlen;
	int r = 0;

	if ((!buf && len) || (dialect != PT_MODLIST_SYSTEMD && dialect != PT_MODLIST_SHELL))
		return -EINVAL;
	while (r == 0 && pt_lines_next(&it, &raw, &rawlen)) {
		unsigned line = it.no;

		if (dialect == PT_MODLIST_SHELL && memchr(raw, '\0', rawlen)) {
			if (!list.binary)
				r = add_warning(&p, PT_MODLIST_WARN_NUL, line);
			list.binary = true;
		}
		if (r == 0)
			r = dialect == PT_MODLIST_SYSTEMD ? systemd_line(&p, line, raw, rawlen)
							  : shell_line(&p, line, raw, rawlen);
	}
	if (r < 0) {
		pt_modlist_done(&list);
		return r;
	}
	*ret = list;
	return 0;
}

void pt_modlist_done(struct pt_modlist *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n_entries; i++) {
		struct pt_modlist_entry *e = &list->entries[i];

		free(e->raw);
		free(e->module);
		free(e->name);
		free(e->args);
		free(e->lookup);
	}
	free(list->entries);
	free(list->warnings);
	memset(list, 0, sizeof(*list));
}

const struct pt_modlist_entry *pt_modlist_find(const struct pt_modlist *list, const char *module)
{
	char *norm = normalize(module, strlen(module));
	const struct pt_modlist_entry *found = NULL;

	if (!norm)
		return NULL;
	for (size_t i = 0; i < list->n_entries && !found; i++)
		if (streq(list->entries[i].name, norm))
			found = &list->entries[i];
	free(norm);
	return found;
}

const char *pt_modlist_warn_kind_to_string(enum pt_modlist_warn_kind kind)
{
	static const char *const names[_PT_MODLIST_WARN_MAX] = {
		[PT_MODLIST_WARN_ARGS] = "args",
		[PT_MODLIST_WARN_CR] = "cr",
		[PT_MODLIST_WARN_INDENTED_COMMENT] = "indented-comment",
		[PT_MODLIST_WARN_SEMICOLON] = "semicolon",
		[PT_MODLIST_WARN_NUL] = "nul",
	};

	return (unsigned)kind < ELEMENTSOF(names) ? names[kind] : NULL;
}

/* ---- modules.builtin ---- */

static int cmp_builtin(const void *a, const void *b)
{
	const struct pt_modbuiltin_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	/* Ties keep file order, so deduplication keeps the first line. */
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static void builtin_bad(struct pt_modbuiltin *b, unsigned line)
{
	if (b->n_bad++ == 0)
		b->first_bad_line = line;
}

int pt_modbuiltin_parse(const char *buf, size_t len, struct pt_modbuiltin *ret)
{
	struct pt_modbuiltin b = {0};
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *s;
	size_t cap = 0, j, n;

	if (!buf && len)
		return -EINVAL;
	while (pt_lines_next(&it, &s, &n)) {
		const char *base;
		size_t blen, nlen;
		struct pt_modbuiltin_entry *e;
		unsigned line = it.no;

		while (n && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
			n--;
		while (n && is_blank(*s)) {
			s++;
			n--;
		}
		if (n == 0)
			continue;
		if (memchr(s, '\0', n)) {
			builtin_bad(&b, line);
			continue;
		}
		base = s + n;
		while (base > s && base[-1] != '/')
			base--;
		blen = (size_t)(s + n - base);
		/* depmod's modname: the basename up to its first '.'. */
		nlen = 0;
		while (nlen < blen && base[nlen] != '.')
			nlen++;
		if (nlen == 0 || n < 3 || memcmp(s + n - 3, ".ko", 3) != 0)
			builtin_bad(&b, line);
		if (nlen == 0)
			continue;
		if (!PT_GROW(b.v, cap, b.n))
			goto oom;
		e = &b.v[b.n];
		*e = (struct pt_modbuiltin_entry){
			.name = normalize(base, nlen),
			.path = strndup(s, n),
			.line = line,
		};
		b.n++;
		if (!e->name || !e->path)
			goto oom;
	}
	if (b.n > 1)
		qsort(b.v, b.n, sizeof(*b.v), cmp_builtin);
	for (size_t i = j = 0; i < b.n; i++) {
		if (j > 0 && streq(b.v[j - 1].name, b.v[i].name)) {
			free(b.v[i].name);
			free(b.v[i].path);
			continue;
		}
		b.v[j++] = b.v[i];
	}
	b.n = j;
	*ret = b;
	return 0;
oom:
	pt_modbuiltin_done(&b);
	return -ENOMEM;
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct pt_modbuiltin_entry *)elem)->name);
}

const struct pt_modbuiltin_entry *pt_modbuiltin_find(const struct pt_modbuiltin *b,
						     const char *module)
{
	char *norm;
	const struct pt_modbuiltin_entry *e;

	if (!b || b->n == 0 || !(norm = normalize(module, strlen(module))))
		return NULL;
	e = bsearch(norm, b->v, b->n, sizeof(*b->v), cmp_key);
	free(norm);
	return e;
}

bool pt_modbuiltin_has(const struct pt_modbuiltin *b, const char *module)
{
	return pt_modbuiltin_find(b, module) != NULL;
}

void pt_modbuiltin_done(struct pt_modbuiltin *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].name);
		free(b->v[i].path);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}
