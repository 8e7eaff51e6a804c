/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diffs of small text files (configuration files: a few hundred lines), the format
 * `diff -u` and `patch` use: "--- a/<path>", "+++ b/<path>", hunks with 3 lines of context,
 * "\ No newline at end of file" where a side ends without one. A missing side is /dev/null.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define PT_DIFF_CONTEXT 3

/*
 * Appends the diff from a to b to out; a == NULL means "absent" (a new file), b == NULL means
 * "deleted". path is absolute within the root ("/etc/default/grub"). Appends nothing when
 * both sides are equal. Returns 0 or -ENOMEM.
 */
int pt_diff_unified(const char *path, const char *a, size_t alen, const char *b, size_t blen,
		    struct pt_strbuf *out);
