/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strv.h"

int pt_strv_vpushf(struct pt_strv *sv, const char *fmt, va_list ap)
{
	struct pt_strbuf sb = {0};
	int e = pt_strbuf_vprintf(&sb, fmt, ap);

	if (e >= 0)
		e = pt_strv_consume(sv, pt_strbuf_steal(&sb));
	pt_strbuf_done(&sb);
	return e < 0 ? e : 0;
}

int pt_strv_pushf(struct pt_strv *sv, const char *fmt, ...)
{
	va_list ap;
	int e;

	va_start(ap, fmt);
	e = pt_strv_vpushf(sv, fmt, ap);
	va_end(ap);
	return e;
}

int pt_strv_consume(struct pt_strv *sv, char *s)
{
	if (!s)
		return -ENOMEM;
	if (sv->n + 2 > sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			return -ENOMEM;
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

int pt_strv_push(struct pt_strv *sv, const char *s)
{
	return pt_strv_consume(sv, strdup(s));
}

int pt_strv_pushn(struct pt_strv *sv, const char *s, size_t len)
{
	return pt_strv_consume(sv, strndup(s, len));
}

int pt_strv_contains(const struct pt_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (streq(sv->v[i], s))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pt_strv_sort(struct pt_strv *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

void pt_strv_uniq(struct pt_strv *sv)
{
	size_t i, j;

	pt_strv_sort(sv);
	for (i = j = 0; i < sv->n; i++) {
		if (j > 0 && streq(sv->v[j - 1], sv->v[i])) {
			free(sv->v[i]);
			continue;
		}
		sv->v[j++] = sv->v[i];
	}
	sv->n = j;
	if (sv->v)
		sv->v[j] = NULL;
}

void pt_strv_done(struct pt_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

char *pt_strv_join(const struct pt_strv *sv, const char *sep)
{
	struct pt_strbuf sb = {0};

	for (size_t i = 0; i < sv->n; i++) {
		if ((i && pt_strbuf_puts(&sb, sep) < 0) || pt_strbuf_puts(&sb, sv->v[i]) < 0) {
			pt_strbuf_done(&sb);
			return NULL;
		}
	}
	return pt_strbuf_steal(&sb);
}
