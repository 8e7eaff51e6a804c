/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NULL-terminated string vectors. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "macro.h"

struct pt_strv {
	char **v; /* NULL-terminated once anything was added */
	size_t n;
	size_t cap;
};

int pt_strv_push(struct pt_strv *sv, const char *s);
int pt_strv_pushn(struct pt_strv *sv, const char *s, size_t len);
/* Takes ownership of s (freed on failure). */
int pt_strv_consume(struct pt_strv *sv, char *s);
/* Appends a formatted string: 0 or -ENOMEM. */
int pt_strv_pushf(struct pt_strv *sv, const char *fmt, ...) _printf_(2, 3);
int pt_strv_vpushf(struct pt_strv *sv, const char *fmt, va_list ap) _printf_(2, 0);
int pt_strv_contains(const struct pt_strv *sv, const char *s);
/* Sorts with strcmp (byte order, as LC_ALL=C). */
void pt_strv_sort(struct pt_strv *sv);
/* Sorts and removes duplicates. */
void pt_strv_uniq(struct pt_strv *sv);
void pt_strv_done(struct pt_strv *sv);
/* Joins with sep into a new string; "" for an empty vector. NULL on ENOMEM. */
char *pt_strv_join(const struct pt_strv *sv, const char *sep);
