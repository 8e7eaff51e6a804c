/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict number parsing for sysfs/procfs attributes: no silent truncation, no locale. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Strips leading and trailing ASCII white space; returns the new length. */
size_t pt_strip(const char **s, size_t len);

/*
 * Parses an unsigned number occupying all of s[0..len) (after stripping white space).
 * base 16 accepts an optional "0x"/"0X" prefix; base 0 takes hex with "0x", else decimal.
 * Returns 0, -EINVAL (empty, stray characters) or -ERANGE (above max).
 */
int pt_parse_u64(const char *s, size_t len, int base, uint64_t max, uint64_t *ret);
int pt_parse_u32(const char *s, size_t len, int base, uint32_t *ret);
/* Signed decimal, e.g. numa_node's "-1". */
int pt_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *ret);

/* A "0x%0Nx\n" sysfs attribute such as vendor (N=4), class (N=6), revision (N=2). */
int pt_parse_hex_attr(const char *s, size_t len, unsigned digits, uint32_t *ret);
