/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Committing a transaction, and undoing it, with a journal of the exact bytes:
 *
 *   /var/lib/passthru/journal/<id>/      id: 6 digits, one more than the highest present
 *     <n>.old     the bytes edit n replaced (edits of files that existed)
 *     <n>.new     the bytes edit n wrote (edits that write)
 *     manifest    what each edit is (edit/manifest.h)
 *     state       "prepared" (written before the first edit), "complete", or "undone"
 *
 * Commit: lock, check every file against the plan's view, write the journal and only then
 * state "prepared", create missing directories, apply each edit atomically, set "complete".
 * When an edit fails the edits already made are rolled back and the journal removed; if the
 * rollback fails too (or the process dies), the journal stays "prepared", and undo rolls it
 * back. A journal directory without a state file was never acted on.
 */
#pragma once

#include "edit.h"
#include "root.h"

#define PT_JOURNAL_DIR "/var/lib/passthru/journal"

enum pt_journal_state {
	PT_JOURNAL_PREPARED, /* interrupted: some edits may be applied */
	PT_JOURNAL_COMPLETE,
	PT_JOURNAL_UNDONE,
};

/*
 * Commits t. On success *ret_id is the journal id (NULL when t has no edits: nothing to do).
 * On failure *ret_error (if given) says what happened and whether anything changed.
 */
int pt_journal_commit(struct pt_root *r, const struct pt_txn *t, char **ret_id, char **ret_error);

/* The transaction undo would act on: the newest journal that is prepared or complete.
 * -ENOENT when there is none. */
int pt_journal_last(struct pt_root *r, char **ret_id, enum pt_journal_state *ret_state);

/*
 * Loads journal id back into a transaction: the edits and the commands as committed
 * (cmds_unknown: a journal of an earlier passthru, which did not record them).
 */
int pt_journal_load(struct pt_root *r, const char *id, struct pt_txn *ret, char **ret_error);

/*
 * Undoes the newest prepared or complete transaction: every edited file gets its exact old
 * bytes back, files it created are removed, then directories it created if empty. Refuses
 * (-ESTALE, nothing touched) when a file changed since the transaction wrote it.
 * *ret_id names the journal; *ret_state is what it was (PREPARED: an interrupted one).
 */
int pt_journal_undo(struct pt_root *r, char **ret_id, enum pt_journal_state *ret_state,
		    char **ret_error);
