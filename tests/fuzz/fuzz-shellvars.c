/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/shellvars.h"
#include "util/macro.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned line_of(const char *s, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* The name is the text before '=', minus backslash-newlines. */
static void check_name(const struct pt_shellvars_doc *doc, const struct pt_shellvars_item *it)
{
	const char *n = it->name;

	assert(doc->text[it->value_start - 1] == '=');
	for (size_t i = it->start; i < it->value_start - 1; i++) {
		if (doc->text[i] == '\\' && doc->text[i + 1] == '\n') {
			i++;
			continue;
		}
		assert(*n++ == doc->text[i]);
	}
	assert(*n == '\0');
	assert(pt_shellvars_is_name(it->name, strlen(it->name)));
}

/* Quoting a value and reading it back gives the value. */
static void check_quote(const char *value)
{
	struct pt_strbuf sb = {0};
	struct pt_shellvars_doc doc;
	struct pt_shellvars_env env = {0};

	pt_strbuf_puts(&sb, "V=");
	assert(pt_shellvars_quote(&sb, value, strlen(value)) == 0);
	assert(pt_shellvars_parse(sb.buf, sb.len, "q", &doc, NULL) == 0);
	assert(pt_shellvars_eval(&doc, &env) == 0);
	assert(doc.n == 1 && doc.items[0].value);
	assert(strcmp(doc.items[0].value, value) == 0);
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
	pt_strbuf_done(&sb);
}

/*
 * What the editor does: replace one assignment's value with a quoted literal and copy every
 * other byte. The result must parse to the same items, the new value in place.
 */
static void check_replace(const struct pt_shellvars_doc *doc, size_t idx)
{
	static const char nv[] = "quiet \"a b\" $x `y` \\";
	const struct pt_shellvars_item *it = &doc->items[idx];
	struct pt_strbuf sb = {0};
	struct pt_shellvars_doc again;
	struct pt_shellvars_env env = {0};

	pt_strbuf_append(&sb, doc->text, it->value_start);
	assert(pt_shellvars_quote(&sb, nv, strlen(nv)) == 0);
	pt_strbuf_append(&sb, doc->text + it->end, doc->len - it->end);
	assert(pt_shellvars_parse(sb.buf, sb.len, "r", &again, NULL) == 0);
	assert(again.n == doc->n);
	for (size_t i = 0; i < doc->n; i++) {
		assert(again.items[i].kind == doc->items[i].kind);
		assert(streq_ptr(again.items[i].name, doc->items[i].name));
	}
	assert(pt_shellvars_eval(&again, &env) == 0);
	assert(again.items[idx].value && strcmp(again.items[idx].value, nv) == 0);
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&again);
	pt_strbuf_done(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct pt_shellvars_doc doc;
	struct pt_shellvars_env env = {0};
	size_t prev_end = 0, first_assign = SIZE_MAX;
	unsigned line = 0;
	int r;

	r = pt_shellvars_parse(buf, size, "fuzz", &doc, &line);
	if (r < 0) {
		assert(r == -EINVAL);
		assert(line >= 1 && line <= line_of(buf, size));
		assert(doc.n == 0 && !doc.items && !doc.text);
		return 0;
	}
	assert(!memchr(buf, '\0', size));
	assert(doc.len == size && memcmp(doc.text, buf, size) == 0);

	for (size_t i = 0; i < doc.n; i++) {
		const struct pt_shellvars_item *it = &doc.items[i];

		/* Ranges lie inside the input, ascending and disjoint; lines match offsets. */
		assert(it->start >= prev_end);
		assert(it->start < it->end && it->end <= size);
		prev_end = it->end;
		assert(it->line == line_of(buf, it->start));
		assert(it->end_line == line_of(buf, it->end - 1));
		if (it->kind == PT_SHELLVARS_ASSIGN) {
			assert(it->start < it->value_start && it->value_start <= it->end);
			assert(strlen(it->raw) == it->end - it->value_start);
			assert(memcmp(it->raw, buf + it->value_start, strlen(it->raw)) == 0);
			assert(it->stmt_start <= it->start && it->end <= it->stmt_end);
			assert(it->stmt_end <= size);
			check_name(&doc, it);
			if (first_assign == SIZE_MAX)
				first_assign = i;
		} else {
			assert(!it->name && !it->raw);
		}
	}

	assert(pt_shellvars_eval(&doc, &env) == 0);
	for (size_t i = 0; i < doc.n; i++) {
		const struct pt_shellvars_item *it = &doc.items[i];

		if (it->kind != PT_SHELLVARS_ASSIGN)
			continue;
		assert(it->evaluated);
		/* Unknown exactly when a reason is given. */
		assert(!it->value == !!(it->flags & PT_SHELLVARS_UNKNOWN_VALUE));
		if (it->value)
			check_quote(it->value);
	}
	/* Every variable in the environment was decided by a line of this document. */
	for (size_t i = 0; i < env.n; i++) {
		assert(streq_ptr(env.vars[i].file, "fuzz"));
		assert(env.vars[i].line >= 1 && env.vars[i].line <= line_of(buf, size));
		assert(!env.vars[i].value == !!(env.vars[i].flags & PT_SHELLVARS_UNKNOWN_VALUE) ||
		       (env.vars[i].flags & (PT_SHELLVARS_CONDITIONAL | PT_SHELLVARS_MODIFIES)));
	}
	if (first_assign != SIZE_MAX)
		check_replace(&doc, first_assign);

	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
	return 0;
}
