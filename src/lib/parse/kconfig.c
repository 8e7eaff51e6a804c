/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/kconfig.h"
#include "util/lines.h"
#include "util/macro.h"

#define PREFIX	    "CONFIG_"
#define PREFIX_LEN  (sizeof(PREFIX) - 1)
#define NOT_SET	    " is not set"
#define NOT_SET_LEN (sizeof(NOT_SET) - 1)

void pt_kconfig_done(struct pt_kconfig *kc)
{
	if (!kc)
		return;
	free(kc->entries);
	free(kc->text);
	*kc = (struct pt_kconfig){0};
}

static bool is_sym_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of the symbol name at s (after "CONFIG_"), 0 if there is none. */
static size_t sym_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_sym_char(s[i]))
		i++;
	return i;
}

static bool is_number(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n; i++)
			if (!is_xdigit(s[i]))
				return false;
		return true;
	}
	if (n > 0 && s[0] == '-')
		i = 1;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/*
 * Unescapes the string value that starts with '"' at s[0] in place (kconfig escapes '"' and '\'
 * with a backslash), NUL-terminates it at s[0] and returns 0, or -EINVAL when the closing quote is
 * missing or followed by anything.
 */
static int unescape_string(char *s, size_t n)
{
	size_t i = 1, o = 0;

	while (i < n) {
		char c = s[i++];

		if (c == '"') {
			if (i != n)
				return -EINVAL;
			s[o] = '\0';
			return 0;
		}
		if (c == '\\') {
			if (i == n)
				return -EINVAL;
			c = s[i++];
		}
		s[o++] = c;
	}
	return -EINVAL;
}

static int parse_line(char *line, size_t n, struct pt_kconfig_entry *e, bool *is_entry)
{
	size_t sl;
	char *val;
	size_t vn;

	*is_entry = false;
	if (n == 0)
		return 0;
	if (line[0] == '#') {
		/* "# CONFIG_FOO is not set"; any other comment is just a comment. */
		if (n < 2 + PREFIX_LEN || memcmp(line + 2, PREFIX, PREFIX_LEN) != 0 ||
		    line[1] != ' ')
			return 0;
		sl = sym_len(line + 2 + PREFIX_LEN, n - 2 - PREFIX_LEN);
		if (sl == 0 || n != 2 + PREFIX_LEN + sl + NOT_SET_LEN ||
		    memcmp(line + 2 + PREFIX_LEN + sl, NOT_SET, NOT_SET_LEN) != 0)
			return 0;
		line[2 + PREFIX_LEN + sl] = '\0';
		*e = (struct pt_kconfig_entry){.name = line + 2, .kind = PT_KCONFIG_NOT_SET};
		*is_entry = true;
		return 0;
	}
	if (n < PREFIX_LEN || memcmp(line, PREFIX, PREFIX_LEN) != 0)
		return -EINVAL;
	sl = sym_len(line + PREFIX_LEN, n - PREFIX_LEN);
	if (sl == 0 || PREFIX_LEN + sl >= n || line[PREFIX_LEN + sl] != '=')
		return -EINVAL;
	line[PREFIX_LEN + sl] = '\0';
	val = line + PREFIX_LEN + sl + 1;
	vn = n - (PREFIX_LEN + sl + 1);
	*e = (struct pt_kconfig_entry){.name = line, .value = val};
	if (vn == 1 && (val[0] == 'y' || val[0] == 'm' || val[0] == 'n')) {
		e->kind = val[0] == 'y'	  ? PT_KCONFIG_YES
			  : val[0] == 'm' ? PT_KCONFIG_MODULE
					  : PT_KCONFIG_NOT_SET;
	} else if (vn > 0 && val[0] == '"') {
		if (unescape_string(val, vn) < 0)
			return -EINVAL;
		/* unescape_string() wrote the text over the opening quote: val points at it. */
		e->kind = PT_KCONFIG_STRING;
		*is_entry = true;
		return 0;
	} else if (is_number(val, vn)) {
		e->kind = PT_KCONFIG_NUMBER;
	} else {
		return -EINVAL;
	}
	val[vn] = '\0';
	*is_entry = true;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct pt_kconfig_entry *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->line < y->line ? -1 : x->line > y->line;
}

int pt_kconfig_parse(const char *buf, size_t len, struct pt_kconfig *ret, unsigned *ret_err_line)
{
	struct pt_kconfig kc = {0};
	struct pt_lines it = {0};
	const char *l;
	size_t cap = 0, w, n;
	int r;

	*ret = kc;
	if (ret_err_line)
		*ret_err_line = 0;
	if (len == SIZE_MAX)
		return -ENOMEM;
	kc.text = malloc(len + 1);
	if (!kc.text)
		return -ENOMEM;
	if (len)
		memcpy(kc.text, buf, len);
	kc.text[len] = '\0';

	it = PT_LINES_INIT(kc.text, len);
	while (pt_lines_next(&it, &l, &n)) {
		char *s = kc.text + (l - kc.text); /* the copy is ours to cut */
		struct pt_kconfig_entry e;
		bool is_entry;

		if (memchr(s, '\0', n)) {
			r = -EINVAL;
			goto fail;
		}
		s[n] = '\0'; /* the '\n', or the terminator of the copy */
		if (n > 0 && s[n - 1] == '\r')
			s[--n] = '\0';
		r = parse_line(s, n, &e, &is_entry);
		if (r < 0)
			goto fail;
		if (!is_entry)
			continue;
		e.line = it.no;
		if (kc.n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct pt_kconfig_entry *ne = realloc(kc.entries, ncap * sizeof(*ne));

			if (!ne) {
				r = -ENOMEM;
				goto fail;
			}
			kc.entries = ne;
			cap = ncap;
		}
		kc.entries[kc.n++] = e;
	}

	/* Sort by name, then line; of each run of one name keep the last line (kconfig: last wins).
	 */
	if (kc.n > 1)
		qsort(kc.entries, kc.n, sizeof(*kc.entries), cmp_entry);
	w = 0;
	for (size_t i = 0; i < kc.n; i++) {
		if (i + 1 < kc.n && streq(kc.entries[i].name, kc.entries[i + 1].name)) {
			kc.n_overridden++;
			continue;
		}
		kc.entries[w++] = kc.entries[i];
	}
	kc.n = w;
	*ret = kc;
	return 0;
fail:
	if (ret_err_line)
		*ret_err_line = it.no;
	pt_kconfig_done(&kc);
	return r;
}

static int cmp_key(const void *key, const void *elem)
{
	const struct pt_kconfig_entry *e = elem;

	/* Every stored name starts with CONFIG_, so comparing what follows keeps the order. */
	return strcmp(key, e->name + PREFIX_LEN);
}

const struct pt_kconfig_entry *pt_kconfig_get(const struct pt_kconfig *kc, const char *name)
{
	const char *bare = skip_prefix(name, PREFIX);

	if (!kc->n)
		return NULL;
	return bsearch(bare ? bare : name, kc->entries, kc->n, sizeof(*kc->entries), cmp_key);
}

enum pt_kconfig_tristate pt_kconfig_tristate(const struct pt_kconfig *kc, const char *name)
{
	const struct pt_kconfig_entry *e = pt_kconfig_get(kc, name);

	if (!e)
		return PT_KCONFIG_ABSENT;
	switch (e->kind) {
	case PT_KCONFIG_NOT_SET:
		return PT_KCONFIG_N;
	case PT_KCONFIG_MODULE:
		return PT_KCONFIG_M;
	case PT_KCONFIG_YES:
		return PT_KCONFIG_Y;
	default:
		return PT_KCONFIG_OTHER;
	}
}
