/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module lists in both dialects, and modules.builtin. Checks line numbers (in range, in order),
 * that names are normalised and words hold no blanks, and that every built-in name is found
 * again by the binary search.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static void check_list(const struct pt_modlist *l, unsigned max_line)
{
	unsigned prev = 0;

	for (size_t i = 0; i < l->n_entries; i++) {
		const struct pt_modlist_entry *e = &l->entries[i];
		size_t n;

		assert(e->line >= 1 && e->line <= max_line && e->line >= prev);
		prev = e->line;
		assert(e->raw && !strchr(e->raw, '\n'));
		assert(e->module[0] && !strpbrk(e->module, " \t\n"));
		assert(!strchr(e->name, '-') && strlen(e->name) == strlen(e->module));
		n = strlen(e->lookup);
		assert(n > 0 && !blank(e->lookup[0]) && !blank(e->lookup[n - 1]));
		if (e->args && !l->binary) {
			n = strlen(e->args);
			assert(n > 0 && !blank(e->args[0]) && !blank(e->args[n - 1]));
		}
		if (l->dialect == PT_MODLIST_SYSTEMD) {
			assert(!strchr(e->lookup, '\r'));
			assert(e->lookup[0] != '#' && e->lookup[0] != ';');
			assert(strncmp(e->lookup, e->module, strlen(e->module)) == 0);
		} else {
			assert(strcmp(e->lookup, e->module) == 0);
		}
		assert(pt_modlist_find(l, e->module) != NULL);
	}
	prev = 0;
	for (size_t i = 0; i < l->n_warnings; i++) {
		assert(l->warnings[i].line >= 1 && l->warnings[i].line <= max_line);
		assert(l->warnings[i].line >= prev);
		prev = l->warnings[i].line;
		assert(pt_modlist_warn_kind_to_string(l->warnings[i].kind));
	}
}

static void check_builtin(const struct pt_modbuiltin *b, unsigned max_line)
{
	assert(b->n_bad <= max_line);
	assert((b->n_bad == 0) == (b->first_bad_line == 0));
	for (size_t i = 0; i < b->n; i++) {
		const char *name = b->v[i].name;

		assert(name[0] && !strpbrk(name, "-/.\n"));
		assert(b->v[i].line >= 1 && b->v[i].line <= max_line);
		assert(strstr(b->v[i].path, "\n") == NULL);
		if (i > 0)
			assert(strcmp(b->v[i - 1].name, name) < 0);
		assert(pt_modbuiltin_find(b, name) == &b->v[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	unsigned max_line = 1;
	struct pt_modlist l;
	struct pt_modbuiltin b;

	for (size_t i = 0; i < size; i++)
		max_line += data[i] == '\n';
	if (pt_modlist_parse(buf, size, PT_MODLIST_SYSTEMD, &l) == 0) {
		check_list(&l, max_line);
		pt_modlist_done(&l);
	}
	if (pt_modlist_parse(buf, size, PT_MODLIST_SHELL, &l) == 0) {
		check_list(&l, max_line);
		assert(l.binary == (memchr(buf, '\0', size) != NULL));
		pt_modlist_done(&l);
	}
	if (pt_modbuiltin_parse(buf, size, &b) == 0) {
		check_builtin(&b, max_line);
		pt_modbuiltin_done(&b);
	}
	return 0;
}
