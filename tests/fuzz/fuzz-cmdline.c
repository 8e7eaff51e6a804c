/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/cmdline.h"
#include "util/macro.h"
#include "util/strbuf.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The kernel's isspace() (linux lib/ctype.c), restated so the test does not trust the parser. */
static bool kspace(uint8_t c)
{
	return (c >= 9 && c <= 13) || c == ' ' || c == 0xa0;
}

static bool streq_or_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A token's raw text, parsed on its own, is that same token. */
static void check_retokenise(const struct pt_cmdline_param *p)
{
	struct pt_cmdline again;

	assert(pt_cmdline_parse(p->raw, p->len, &again) == 0);
	assert(again.n == 1);
	assert(strcmp(again.params[0].name, p->name) == 0);
	assert(streq_or_null(again.params[0].value, p->value));
	assert(again.params[0].len == p->len);
	assert(again.params[0].unterminated == p->unterminated);
	pt_cmdline_done(&again);
}

/* Whatever format_param() writes parses back to the same name and value. */
static void check_format(const struct pt_cmdline_param *p)
{
	struct pt_strbuf sb = {0};
	struct pt_cmdline again;

	if (pt_cmdline_format_param(&sb, p->name, p->value) < 0) {
		pt_strbuf_done(&sb);
		return;
	}
	assert(pt_cmdline_parse(sb.buf, sb.len, &again) == 0);
	assert(again.n == 1);
	assert(strcmp(again.params[0].name, p->name) == 0);
	assert(streq_or_null(again.params[0].value, p->value));
	assert(!again.params[0].unterminated);
	assert(again.dashes == PT_CMDLINE_NO_DASHES);
	pt_cmdline_done(&again);
	pt_strbuf_done(&sb);
}

static void check_split(const char *value)
{
	struct pt_strv sv = {0};
	size_t total = 0;

	assert(pt_cmdline_split_list(value, &sv) == 0);
	for (size_t i = 0; i < sv.n; i++) {
		assert(sv.v[i][0] != '\0');
		assert(!strchr(sv.v[i], ','));
		total += strlen(sv.v[i]);
	}
	assert(total <= (value ? strlen(value) : 0));
	pt_strv_done(&sv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct pt_cmdline cl;
	size_t pos = 0;
	int r;

	r = pt_cmdline_parse(buf, size, &cl);
	if (r < 0) {
		/* The only syntax error is an embedded NUL. */
		assert(r == -EINVAL);
		assert(memchr(buf, '\0', size));
		assert(cl.n == 0 && !cl.params);
		return 0;
	}
	assert(!memchr(buf, '\0', size));

	for (size_t i = 0; i < cl.n; i++) {
		const struct pt_cmdline_param *p = &cl.params[i];

		/* In order, inside the input, separated by kernel white space only. */
		assert(p->offset >= pos);
		for (size_t k = pos; k < p->offset; k++)
			assert(kspace(data[k]));
		assert(p->len > 0);
		assert(p->offset + p->len <= size);
		assert(memcmp(p->raw, buf + p->offset, p->len) == 0);
		assert(strlen(p->raw) == p->len);
		assert(!kspace(data[p->offset]));
		/* name and value are taken from the token, never longer. */
		assert(strlen(p->name) + (p->value ? strlen(p->value) + 1 : 0) <= p->len);
		if (p->unterminated)
			assert(p->offset + p->len == size);
		pos = p->offset + p->len;

		assert(p->after_dashes == (cl.dashes != PT_CMDLINE_NO_DASHES && i > cl.dashes));
		if (i == cl.dashes)
			assert(!p->value && strcmp(p->name, "--") == 0);
		else if (!p->after_dashes)
			assert(p->value || strcmp(p->name, "--") != 0);

		/* Lookups are linear: check the first tokens only, or long inputs fuzz slowly. */
		if (!p->after_dashes && i != cl.dashes && i < 64) {
			const struct pt_cmdline_param *last = pt_cmdline_find_last(&cl, p->name);

			assert(last && last >= p);
			assert(pt_cmdline_name_eq(last->name, p->name));
			assert(pt_cmdline_count(&cl, p->name) >= 1);
		}
		check_retokenise(p);
		check_format(p);
		check_split(p->value);
	}
	for (size_t k = pos; k < size; k++)
		assert(kspace(data[k]));
	pt_cmdline_done(&cl);
	return 0;
}
