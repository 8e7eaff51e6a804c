/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A transaction: the file edits a planner produced, each with the exact bytes the plan saw
 * and the bytes to leave. Pure data; journal.c commits and undoes it through the root.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct pt_edit {
	char *path; /* absolute within the root */
	char *old;  /* NULL: the file is absent */
	size_t old_len;
	char *new; /* NULL: delete the file */
	size_t new_len;
	unsigned mode; /* for a file the edit creates; an existing file keeps its own */
};

struct pt_txn {
	struct pt_edit *edits;
	size_t n;
};

/* Adds an edit (copies everything). old/new NULL mean absent/delete. An edit whose old and new
 * are the same is not added (returns 0: nothing to do). */
int pt_txn_add(struct pt_txn *t, const char *path, const char *old, size_t old_len, const char *new,
	       size_t new_len, unsigned mode);
void pt_txn_done(struct pt_txn *t);
/* The unified diff of every edit, in order. */
int pt_txn_diff(const struct pt_txn *t, struct pt_strbuf *out);
