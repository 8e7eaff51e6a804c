/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/cmdline.h"
#include "util/macro.h"

/*
 * The kernel's isspace(): linux lib/ctype.c classes 9..13, 32 and 160 (0xa0, Latin-1 NBSP) as
 * _S. next_arg() and skip_spaces() use it, so 0xa0 separates tokens on a real boot.
 */
static bool kspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == ' ' || c == 0xa0;
}

static void param_done(struct pt_cmdline_param *p)
{
	/* raw, name and value share one allocation that starts at raw. */
	free(p->raw);
	*p = (struct pt_cmdline_param){0};
}

void pt_cmdline_done(struct pt_cmdline *cl)
{
	if (!cl)
		return;
	for (size_t i = 0; i < cl->n; i++)
		param_done(&cl->params[i]);
	free(cl->params);
	*cl = (struct pt_cmdline){.dashes = PT_CMDLINE_NO_DASHES};
}

/*
 * Splits the token that starts at buf[start] (not a space) the way linux lib/cmdline.c
 * next_arg() does and fills *p. Returns the offset just past the token (its terminating space
 * not included) or 0 with errno-style failure in *err.
 */
static size_t next_token(const char *buf, size_t len, size_t start, struct pt_cmdline_param *p,
			 int *err)
{
	size_t q = start, i, n, eq = 0;
	bool quoted = false, in_quote = false, have_eq = false;
	char *block, *tok, *val = NULL;

	if (buf[q] == '"') {
		q++;
		quoted = in_quote = true;
	}
	for (i = q; i < len; i++) {
		if (kspace((unsigned char)buf[i]) && !in_quote)
			break;
		/* next_arg() keeps equals == 0 for "not found", so a '=' at index 0 is ignored. */
		if (!have_eq && buf[i] == '=' && i > q) {
			have_eq = true;
			eq = i - q;
		}
		if (buf[i] == '"')
			in_quote = !in_quote;
	}
	n = i - q;

	/*
	 * One block holds raw, then the token body that next_arg() would edit in place (its NUL
	 * writes split it into name and value).
	 */
	block = malloc((i - start) + 1 + n + 1);
	if (!block) {
		*err = -ENOMEM;
		return 0;
	}
	memcpy(block, buf + start, i - start);
	block[i - start] = '\0';
	tok = block + (i - start) + 1;
	memcpy(tok, buf + q, n);
	tok[n] = '\0';

	if (have_eq) {
		tok[eq] = '\0';
		val = tok + eq + 1;
		/* A quote opening the value is dropped, and then a quote ending the token. */
		if (*val == '"') {
			val++;
			if (tok[n - 1] == '"')
				tok[n - 1] = '\0';
		}
	}
	/*
	 * A token that opened with a quote loses its last byte if that is (still) a quote. Newer
	 * kernels guard n > 0 (the token "\"" alone); older ones read the quote itself, which gives
	 * the same result.
	 */
	if (quoted && n > 0 && tok[n - 1] == '"')
		tok[n - 1] = '\0';

	p->raw = block;
	p->name = tok;
	p->value = val;
	p->offset = start;
	p->len = i - start;
	p->unterminated = in_quote;
	return i;
}

int pt_cmdline_parse(const char *buf, size_t len, struct pt_cmdline *ret)
{
	struct pt_cmdline cl = {.dashes = PT_CMDLINE_NO_DASHES};
	size_t pos = 0, cap = 0;
	int r = 0;

	*ret = cl;
	if (len && memchr(buf, '\0', len))
		return -EINVAL;

	while (pos < len && kspace((unsigned char)buf[pos]))
		pos++;
	while (pos < len) {
		struct pt_cmdline_param p = {0};

		if (cl.n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct pt_cmdline_param *np = realloc(cl.params, ncap * sizeof(*np));

			if (!np) {
				r = -ENOMEM;
				goto fail;
			}
			cl.params = np;
			cap = ncap;
		}
		pos = next_token(buf, len, pos, &p, &r);
		if (r < 0)
			goto fail;
		if (cl.dashes != PT_CMDLINE_NO_DASHES)
			p.after_dashes = true;
		else if (!p.value && streq(p.name, "--"))
			cl.dashes = cl.n;
		if (p.unterminated)
			cl.unterminated = true;
		cl.params[cl.n++] = p;
		/* next_arg() consumes one separator, then skip_spaces() the rest. */
		while (pos < len && kspace((unsigned char)buf[pos]))
			pos++;
	}
	*ret = cl;
	return 0;
fail:
	pt_cmdline_done(&cl);
	return r;
}

size_t pt_cmdline_first_line(const char *buf, size_t len)
{
	const char *nl = len ? memchr(buf, '\n', len) : NULL;

	return nl ? (size_t)(nl - buf) : len;
}

static char dash2underscore(char c)
{
	return c == '-' ? '_' : c;
}

bool pt_cmdline_name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		if (dash2underscore(*a) != dash2underscore(*b))
			return false;
		if (!*a)
			return true;
	}
}

static bool is_kernel_param(const struct pt_cmdline *cl, size_t i)
{
	return cl->dashes == PT_CMDLINE_NO_DASHES || i < cl->dashes;
}

const struct pt_cmdline_param *pt_cmdline_next(const struct pt_cmdline *cl, const char *name,
					       const struct pt_cmdline_param *prev)
{
	size_t i = prev ? (size_t)(prev - cl->params) + 1 : 0;

	for (; i < cl->n && is_kernel_param(cl, i); i++)
		if (pt_cmdline_name_eq(cl->params[i].name, name))
			return &cl->params[i];
	return NULL;
}

const struct pt_cmdline_param *pt_cmdline_find_last(const struct pt_cmdline *cl, const char *name)
{
	const struct pt_cmdline_param *p = NULL, *last = NULL;

	while ((p = pt_cmdline_next(cl, name, p)))
		last = p;
	return last;
}

size_t pt_cmdline_count(const struct pt_cmdline *cl, const char *name)
{
	const struct pt_cmdline_param *p = NULL;
	size_t n = 0;

	while ((p = pt_cmdline_next(cl, name, p)))
		n++;
	return n;
}

int pt_cmdline_split_list(const char *value, struct pt_strv *ret)
{
	const char *s = value;

	if (!s)
		return 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int r;

		if (n > 0) {
			r = pt_strv_pushn(ret, s, n);
			if (r < 0)
				return r;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

static bool has_kspace(const char *s)
{
	for (; *s; s++)
		if (kspace((unsigned char)*s))
			return true;
	return false;
}

int pt_cmdline_format_param(struct pt_strbuf *sb, const char *name, const char *value)
{
	bool quote;
	int r;

	if (!name[0] || has_kspace(name) || strpbrk(name, "=\""))
		return -EINVAL;
	if (!value && streq(name, "--"))
		return -EINVAL;
	if (value && strchr(value, '"'))
		return -EINVAL;
	r = pt_strbuf_puts(sb, name);
	if (r < 0 || !value)
		return r;
	quote = has_kspace(value);
	r = pt_strbuf_puts(sb, quote ? "=\"" : "=");
	if (r >= 0)
		r = pt_strbuf_puts(sb, value);
	if (r >= 0 && quote)
		r = pt_strbuf_putc(sb, '"');
	return r;
}
