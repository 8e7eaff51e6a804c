/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Committing a transaction, and undoing it, with a journal that records every effect before
 * the first one is made:
 *
 *   /var/lib/passthru/journal/<id>/      id: 6 digits, one more than the highest present
 *     <n>.old     the bytes edit n replaced (edits of files that existed)
 *     <n>.new     the bytes edit n wrote (edits that write)
 *     manifest    every step in order, the writes that give each device back, undo's
 *                 commands, the boot the sysfs writes are made in (edit/manifest.h)
 *     progress    which device steps were begun, and how many writes the kernel took
 *     state       "prepared" (written before the first step), "complete", or "undone"
 *
 * Commit: lock; check every file against the plan's view (and that no VM holds a group the
 * writes would wait on); write the journal and only then state "prepared"; make the steps in
 * order: create missing directories before the first edit, apply each edit atomically, run
 * a step's command, write a device's sysfs attributes and re-read the device (the kernel
 * decides where it is: "re-read and re-derive the fact the change promised"); set
 * "complete"; then run the refresh commands.
 *
 * Failures. An edit or a command that fails before any device was touched rolls the edits
 * back and removes the journal: nothing changed. Sysfs writes cannot be rolled back that way
 * (a write is a command to the kernel, not bytes to put back), so once a device was touched
 * nothing is rolled back: a device whose write the kernel refuses, or that is not where the
 * plan said afterwards, stops the steps after it (as does a failure after it), and the
 * journal stays, "complete", its progress saying exactly which writes were made, for `undo`
 * to give back. If the process dies, the journal stays "prepared" and undo acts on it.
 *
 * Sysfs writes are runtime state: a reboot undoes them. Undo of a journal whose writes were
 * made in an earlier boot (the boot id differs) leaves sysfs alone and says so.
 */
#pragma once

#include "edit.h"
#include "root.h"

#define PT_JOURNAL_DIR "/var/lib/passthru/journal"
/* A new random id per boot (linux drivers/char/random.c, proc_do_uuid). */
#define PT_BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

enum pt_journal_state {
	PT_JOURNAL_PREPARED, /* interrupted: some steps may be made */
	PT_JOURNAL_COMPLETE,
	PT_JOURNAL_UNDONE,
};

/*
 * The running system that sysfs writes and commands act on. The CLI passes the real one
 * (pt_root_sysfs_write, pt_facts_pci_binding, pt_root_vfio_group_viable, pt_run), which acts
 * on the live root only; tests pass a stand-in for the kernel (any_root).
 */
struct pt_system {
	int (*sysfs_write)(struct pt_root *r, const char *path, const char *data, size_t len,
			   char **ret_error);
	/* A device's driver and driver_override now (NULL: none, unset). */
	int (*binding)(struct pt_root *r, const char *slot, char **ret_driver, char **ret_override);
	/* 1 viable, 0 not, -EBUSY held open, -ENOENT no node, other -errno. */
	int (*group_viable)(struct pt_root *r, int group);
	/* Exit status, or -errno when it could not start (util/run.h). */
	int (*run)(char *const *argv);
	bool any_root; /* acts on any root, not only the live one (tests) */
};

enum pt_cmd_fate {
	PT_CMD_NOT_REACHED,    /* a step before it failed */
	PT_CMD_NOT_RUN_ROOT,   /* the root is not the running host */
	PT_CMD_NOT_RUN_OPTION, /* the caller said not to run refresh commands */
	PT_CMD_RAN,
};

struct pt_cmd_result {
	enum pt_cmd_fate fate;
	int rc; /* PT_CMD_RAN: exit status, or -errno when it could not start */
};

/* What happened to one device step (commit) or its giving back (undo). */
struct pt_dev_result {
	bool begun;	/* its writes were started */
	size_t took;	/* how many the kernel took (a missing if-present attribute counts) */
	char *refused;	/* the message of the write the kernel refused; NULL */
	bool reread;	/* re-read afterwards: reread_err, driver, override */
	int reread_err; /* 0, or why the binding could not be read */
	char *driver, *override;
	bool met; /* where the plan said */
};

/* Why undo left the sysfs writes of a journal alone. */
enum pt_sysfs_skip {
	PT_SYSFS_NOT_SKIPPED,
	PT_SYSFS_SKIP_ROOT, /* the root is not the running host */
	PT_SYSFS_SKIP_BOOT, /* made in an earlier boot: the reboot gave the devices back */
};

struct pt_journal_result {
	char *id;
	enum pt_journal_state state; /* undo: the state the journal had */
	struct pt_txn txn;	     /* undo: the journal's transaction, as loaded */
	enum pt_sysfs_skip sysfs_skipped;
	bool stopped;		    /* a device step failed; the steps after it were not made */
	int busy_group;		    /* the group in use that refused the commit or undo; -1 none */
	struct pt_cmd_result *cmds; /* commit: per txn cmds; undo: per txn undo_cmds */
	size_t ncmds;
	struct pt_dev_result *devs; /* per txn devs */
	size_t ndevs;
	int *viable; /* commit: per txn viable group, what group_viable answered */
	size_t nviable;
};

enum pt_journal_event {
	PT_JOURNAL_EV_STEPS,	/* every step made (commit) or given back (undo): res->id is set */
	PT_JOURNAL_EV_CMD,	/* command idx is about to run, or is passed over (its fate) */
	PT_JOURNAL_EV_CMD_DONE, /* command idx ran (its rc) */
};

struct pt_journal_opts {
	const struct pt_system *sys; /* needed for device steps and commands */
	bool no_refresh;	     /* refresh commands are passed over */
	/* Told as things happen, so that a command's output follows the line announcing it. */
	void (*observe)(void *ctx, enum pt_journal_event ev, const struct pt_txn *t,
			const struct pt_journal_result *res, size_t idx);
	void *ctx;
};

/*
 * Commits t. Returns 0 when the journal was written and the steps made (res->id; res->stopped
 * when a device step failed: res->devs say which and where the device is; res->cmds say how
 * each command went). Returns 0 with res->id NULL when t is empty. On failure, -errno and
 * *ret_error (if given) say what happened and whether anything changed (-EBUSY:
 * res->busy_group). res is filled in either case: pt_journal_result_done() it.
 */
int pt_journal_commit(struct pt_root *r, const struct pt_txn *t, const struct pt_journal_opts *o,
		      struct pt_journal_result *res, char **ret_error);

/* Whether the commit could start: no VM holds a group it would wait on (-EBUSY, with
 * *ret_group), the system can act on this root. Read-only; the commit checks again. */
int pt_journal_preflight(struct pt_root *r, const struct pt_txn *t, const struct pt_system *sys,
			 int *ret_group);

/* The transaction undo would act on: the newest journal that is prepared or complete.
 * -ENOENT when there is none. */
int pt_journal_last(struct pt_root *r, char **ret_id, enum pt_journal_state *ret_state);

/*
 * Loads journal id back into a transaction: the steps as committed, with the progress of the
 * device steps, undo's commands (cmds_unknown: a journal of an earlier passthru, which did
 * not record them) and the boot of its sysfs writes.
 */
int pt_journal_load(struct pt_root *r, const char *id, struct pt_txn *ret, char **ret_error);

/* Whether undo of t would make its sysfs writes here (NOT_SKIPPED) or why not. */
enum pt_sysfs_skip pt_journal_sysfs_skip(struct pt_root *r, const struct pt_txn *t,
					 const struct pt_system *sys);

/*
 * Undoes the newest prepared or complete transaction, its steps in reverse order: every
 * edited file gets its exact old bytes back (files it created are removed, then directories
 * it created if empty); every device it touched gets the writes that give it back, as
 * recorded, and is re-read; then undo's commands run. Refuses (nothing touched) when a file
 * changed since the transaction wrote it (-ESTALE) or a group the writes would wait on is in
 * use (-EBUSY). A write the kernel refuses stops the undo there (the journal stays: run it
 * again). res->txn is the journal's transaction, res->state the state it had.
 */
int pt_journal_undo(struct pt_root *r, const struct pt_journal_opts *o,
		    struct pt_journal_result *res, char **ret_error);

/* Every device the commit or undo wrote to is where it should be, none left out by a stop. */
bool pt_journal_devs_met(const struct pt_journal_result *res);
void pt_journal_result_done(struct pt_journal_result *res);
