/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to pveconf*.c: byte classes as Perl sees them, and message helpers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/* Perl's \s on a byte string: space, \t, \n, \v, \f, \r (not the locale's isspace()). */
static inline bool pveconf_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* True when s[0..len) holds only Perl white space (or nothing). */
bool pveconf_blank(const char *s, size_t len);
/* The length of the longest valid UTF-8 prefix of s[0..len) (RFC 3629: no overlong forms,
   no surrogates, nothing above U+10FFFF). */
size_t pveconf_utf8_valid_prefix(const char *s, size_t len);
/* Appends s[0..len) for a one-line message: controls, DEL and non-UTF-8 bytes as \xNN; cut
   after max bytes with "...". */
int pveconf_append_printable(struct pt_strbuf *sb, const char *s, size_t len, size_t max);
