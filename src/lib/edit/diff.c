/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line-based LCS diff: the common head and tail are trimmed first, which for a planned edit
 * leaves a handful of lines; the LCS table covers the rest. Past a size bound (no
 * configuration file gets there) the middle is shown as replaced wholesale: still a correct
 * diff, just not a minimal one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define LCS_MAX_CELLS (4u << 20)

struct line {
	const char *p;
	size_t len; /* including the '\n', if any */
};

struct lines {
	struct line *v;
	size_t n;
};

/* An edit script entry: ' ' keep, '-' a line of a, '+' a line of b. */
struct op {
	char kind;
	size_t ai, bi; /* index of the line in a / b (the one that applies) */
};

static int split(const char *s, size_t len, struct lines *ret)
{
	size_t n = 0, start = 0;

	ret->v = NULL;
	ret->n = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	if (len && s[len - 1] != '\n')
		n++;
	if (!n)
		return 0;
	ret->v = calloc(n, sizeof(*ret->v));
	if (!ret->v)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n') {
			ret->v[ret->n++] = (struct line){s + start, i + 1 - start};
			start = i + 1;
		}
	if (start < len)
		ret->v[ret->n++] = (struct line){s + start, len - start};
	return 0;
}

static bool line_eq(const struct line *x, const struct line *y)
{
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* Builds the edit script of a -> b into ops (capacity a.n + b.n). */
static int script(const struct lines *a, const struct lines *b, struct op *ops, size_t *ret_n)
{
	size_t pre = 0, suf = 0, n = 0, am, bm;
	uint32_t *t = NULL;

	while (pre < a->n && pre < b->n && line_eq(&a->v[pre], &b->v[pre]))
		pre++;
	while (suf < a->n - pre && suf < b->n - pre &&
	       line_eq(&a->v[a->n - 1 - suf], &b->v[b->n - 1 - suf]))
		suf++;
	am = a->n - pre - suf;
	bm = b->n - pre - suf;
	for (size_t i = 0; i < pre; i++)
		ops[n++] = (struct op){' ', i, i};
	if (am && bm && (am + 1) * (bm + 1) <= LCS_MAX_CELLS)
		t = calloc((am + 1) * (bm + 1), sizeof(*t));
	if (t) {
		/* t[i][j] = LCS length of a[pre+i..] and b[pre+j..] */
		size_t w = bm + 1, i = 0, j = 0;

		for (size_t ii = am; ii-- > 0;)
			for (size_t jj = bm; jj-- > 0;)
				t[ii * w + jj] =
					line_eq(&a->v[pre + ii], &b->v[pre + jj])
						? t[(ii + 1) * w + jj + 1] + 1
						: PT_MAX(t[(ii + 1) * w + jj], t[ii * w + jj + 1]);
		while (i < am || j < bm) {
			if (i < am && j < bm && line_eq(&a->v[pre + i], &b->v[pre + j])) {
				ops[n++] = (struct op){' ', pre + i, pre + j};
				i++, j++;
			} else if (i < am && (j == bm || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
				/* Deletions first within a change, as diff -u shows them. */
				ops[n++] = (struct op){'-', pre + i, pre + j};
				i++;
			} else {
				ops[n++] = (struct op){'+', pre + i, pre + j};
				j++;
			}
		}
		free(t);
	} else {
		for (size_t i = 0; i < am; i++)
			ops[n++] = (struct op){'-', pre + i, pre};
		for (size_t j = 0; j < bm; j++)
			ops[n++] = (struct op){'+', pre + am, pre + j};
	}
	for (size_t i = 0; i < suf; i++)
		ops[n++] = (struct op){' ', a->n - suf + i, b->n - suf + i};
	*ret_n = n;
	return 0;
}

static int put_range(struct pt_strbuf *out, size_t start, size_t len)
{
	/* diff -u: a range of one line is "s"; an empty range names the line before it. */
	if (len == 1)
		return pt_strbuf_printf(out, "%zu", start + 1);
	return pt_strbuf_printf(out, "%zu,%zu", len ? start + 1 : start, len);
}

static int put_line(struct pt_strbuf *out, char kind, const struct line *l)
{
	int e = pt_strbuf_putc(out, kind);

	if (e >= 0)
		e = pt_strbuf_append(out, l->p, l->len);
	if (e >= 0 && (!l->len || l->p[l->len - 1] != '\n'))
		e = pt_strbuf_puts(out, "\n\\ No newline at end of file\n");
	return e;
}

static int hunks(const struct lines *a, const struct lines *b, const struct op *ops, size_t n,
		 struct pt_strbuf *out)
{
	size_t i = 0;
	int e = 0;

	while (i < n && e >= 0) {
		size_t first, last, start, end, al = 0, bl = 0;

		while (i < n && ops[i].kind == ' ')
			i++;
		if (i == n)
			break;
		first = i;
		/* Extend over changes separated by at most 2 * context kept lines. */
		last = i;
		for (size_t j = i + 1; j < n; j++) {
			if (ops[j].kind == ' ')
				continue;
			if (j - last - 1 > 2 * PT_DIFF_CONTEXT)
				break;
			last = j;
		}
		start = first > PT_DIFF_CONTEXT ? first - PT_DIFF_CONTEXT : 0;
		end = PT_MIN(n, last + 1 + PT_DIFF_CONTEXT);
		for (size_t j = start; j < end; j++) {
			al += ops[j].kind != '+';
			bl += ops[j].kind != '-';
		}
		e = pt_strbuf_puts(out, "@@ -");
		if (e >= 0)
			e = put_range(out, ops[start].ai, al);
		if (e >= 0)
			e = pt_strbuf_puts(out, " +");
		if (e >= 0)
			e = put_range(out, ops[start].bi, bl);
		if (e >= 0)
			e = pt_strbuf_puts(out, " @@\n");
		for (size_t j = start; j < end && e >= 0; j++)
			e = put_line(out, ops[j].kind,
				     ops[j].kind == '+' ? &b->v[ops[j].bi] : &a->v[ops[j].ai]);
		i = end;
	}
	return e;
}

int pt_diff_unified(const char *path, const char *a, size_t alen, const char *b, size_t blen,
		    struct pt_strbuf *out)
{
	struct lines la = {0}, lb = {0};
	struct op *ops = NULL;
	size_t n = 0;
	int e;

	if (!a && !b)
		return 0;
	if (a && b && alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	while (*path == '/')
		path++;
	if ((e = split(a ? a : "", a ? alen : 0, &la)) < 0 ||
	    (e = split(b ? b : "", b ? blen : 0, &lb)) < 0)
		goto out;
	ops = calloc(la.n + lb.n + 1, sizeof(*ops));
	if (!ops) {
		e = -ENOMEM;
		goto out;
	}
	e = script(&la, &lb, ops, &n);
	if (e >= 0)
		e = a ? pt_strbuf_printf(out, "--- a/%s\n", path)
		      : pt_strbuf_puts(out, "--- /dev/null\n");
	if (e >= 0)
		e = b ? pt_strbuf_printf(out, "+++ b/%s\n", path)
		      : pt_strbuf_puts(out, "+++ /dev/null\n");
	if (e >= 0)
		e = hunks(&la, &lb, ops, n, out);
out:
	free(ops);
	free(la.v);
	free(lb.v);
	return e < 0 ? e : 0;
}
