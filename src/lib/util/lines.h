/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lines of a buffer, one at a time: what every line-based parser walks. A line ends at
 * '\n' (not included); the last one may lack it; a buffer ending in '\n' has no empty line
 * after it, an empty buffer has none. NUL bytes and '\r' stay in the line: each parser
 * decides what they mean (systemd's read_line() ends a line at them, kmod's does not).
 *
 *   struct pt_lines it = PT_LINES_INIT(buf, len);
 *   const char *s;
 *   size_t n;
 *
 *   while (pt_lines_next(&it, &s, &n))
 *           ... it.no is the line's number, from 1 ...
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct pt_lines {
	const char *buf;
	size_t len, pos;
	unsigned no; /* the number of the line last returned (1-based); 0 before the first */
	bool has_nl; /* the line last returned ended with '\n' */
};

#define PT_LINES_INIT(b, l) ((struct pt_lines){.buf = (b), .len = (l)})

/* Sets *ret_line, *ret_len to the next line; false (and it unchanged) at the end. */
bool pt_lines_next(struct pt_lines *it, const char **ret_line, size_t *ret_len);
