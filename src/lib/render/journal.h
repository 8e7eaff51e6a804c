/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a commit and an undo did, as text: the commands as they run, each device as the
 * re-read shows it, and undo's preview of a journal.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "edit/journal.h"

/*
 * Before command c runs (PT_JOURNAL_EV_CMD): "running: ARGV" or "not run (WHY): ARGV"; after
 * it ran (PT_JOURNAL_EV_CMD_DONE) and failed, when report_failure, the error on err.
 */
void pt_render_cmd(enum pt_journal_event ev, const struct pt_txn_cmd *c,
		   const struct pt_cmd_result *r, bool report_failure, const char *prog, FILE *out,
		   FILE *err);

/*
 * A device after its writes (undo: after those giving it back): "ok   SLOT is on DRIVER"
 * (show_override: and its driver_override), or "FAIL" and what is off; a refused write's
 * message goes to err first. A device the steps did not reach says so.
 */
void pt_render_dev_result(const struct pt_txn_dev *d, const struct pt_dev_result *r, bool undo,
			  bool show_override, const char *prog, FILE *out, FILE *err);
/* Each group's /dev/vfio node as the kernel answered after the commit; false when one is not
 * usable. */
bool pt_render_groups(const struct pt_txn *t, const struct pt_journal_result *res, FILE *out);

/* What undo of journal id will do: the writes giving each device back, the diffs, then the
 * commands. skip: why the writes are left alone; root_spec for PT_SYSFS_SKIP_ROOT. */
int pt_render_undo_preview(const char *id, const struct pt_txn *t, enum pt_sysfs_skip skip,
			   const char *root_spec, FILE *out);
/* The question before undo: restoring files, or writing sysfs too. */
const char *pt_render_undo_question(const struct pt_txn *t, enum pt_sysfs_skip skip);
/* "undone: journal ID", then each device given back. */
void pt_render_undone(const struct pt_journal_result *res, const char *prog, FILE *out, FILE *err);
/* A device's writes as the previews show them: `write "VALUE" to PATH` ("\n" as \n). */
void pt_render_writes(const struct pt_sysfs_write *w, size_t n, FILE *out);
