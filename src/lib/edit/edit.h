/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A transaction: the file edits a planner produced, each with the exact bytes the plan saw
 * and the bytes to leave. Pure data; journal.c commits and undoes it through the root.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "util/strv.h"

struct pt_edit {
	char *path; /* absolute within the root */
	char *old;  /* NULL: the file is absent */
	size_t old_len;
	char *new; /* NULL: delete the file */
	size_t new_len;
	unsigned mode; /* for a file the edit creates; an existing file keeps its own */
};

/*
 * A command to run once the edits are made: the refresh the new files need (update-grub,
 * update-initramfs). An argv, never a shell line. The journal records it with the edits, so
 * that undo runs what apply ran instead of deriving it again.
 */
struct pt_txn_cmd {
	struct pt_strv argv;
	char *why; /* for the preview; NULL when loaded from a journal */
};

struct pt_txn {
	struct pt_edit *edits;
	size_t n;
	struct pt_txn_cmd *cmds;
	size_t ncmds;
	/* Loaded from a journal written before commands were recorded: they are unknown. */
	bool cmds_unknown;
};

/* Adds an edit (copies everything). old/new NULL mean absent/delete. An edit whose old and new
 * are the same is not added (returns 0: nothing to do). */
int pt_txn_add(struct pt_txn *t, const char *path, const char *old, size_t old_len, const char *new,
	       size_t new_len, unsigned mode);
/* Adds a command (argv NULL-terminated; why may be NULL). -EINVAL for an empty argv. */
int pt_txn_add_cmd(struct pt_txn *t, const char *const *argv, const char *why);
void pt_txn_done(struct pt_txn *t);
/* The unified diff of every edit, in order. */
int pt_txn_diff(const struct pt_txn *t, struct pt_strbuf *out);
