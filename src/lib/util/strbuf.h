/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable, always NUL-terminated byte buffer. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "macro.h"

struct pt_strbuf {
	char *buf; /* NUL-terminated once anything was added; NULL before */
	size_t len;
	size_t cap;
};

int pt_strbuf_append(struct pt_strbuf *sb, const char *s, size_t n);
int pt_strbuf_puts(struct pt_strbuf *sb, const char *s);
int pt_strbuf_putc(struct pt_strbuf *sb, char c);
int pt_strbuf_printf(struct pt_strbuf *sb, const char *fmt, ...) _printf_(2, 3);
int pt_strbuf_vprintf(struct pt_strbuf *sb, const char *fmt, va_list ap) _printf_(2, 0);
/* Returns the buffer (never NULL: "" when empty) and leaves sb empty; caller frees. */
char *pt_strbuf_steal(struct pt_strbuf *sb);
const char *pt_strbuf_str(const struct pt_strbuf *sb);
void pt_strbuf_reset(struct pt_strbuf *sb);
void pt_strbuf_done(struct pt_strbuf *sb);
