/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A transaction: every effect a planner wants on a host, in the order the commit makes them.
 * Three kinds:
 *   - file edits, each with the exact bytes the plan saw and the bytes to leave;
 *   - device steps: the sysfs writes that move one PCI device between drivers, in order,
 *     where they leave it, and the writes that give it back (planned with it, so that undo
 *     replays them instead of deriving them again) and where those leave it;
 *   - commands (an argv, never a shell line): a step of their own where they stand (bind's
 *     `modprobe vfio-pci` before the writes), or a refresh (update-initramfs) that runs after
 *     every step and again after undo.
 * Pure data; journal.c records it and then makes it, through the root.
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
 * A command. The journal records it with the rest, so that undo runs what the commit
 * recorded instead of deriving it again.
 */
struct pt_txn_cmd {
	struct pt_strv argv;
	char *why;    /* for the preview; NULL when loaded from a journal */
	bool refresh; /* runs after every step (and undo runs it again), not where it was added */
};

/* One write to a sysfs attribute of the running kernel: these exact bytes, in one write(2). */
struct pt_sysfs_write {
	char *path;  /* under /sys */
	char *value; /* never empty, no NUL */
	/*
	 * The attribute may be missing, which leaves nothing to do: a driver's unbind
	 * (.../driver/unbind) while no driver holds the device. The write then counts as made.
	 */
	bool if_present;
};

/* Where a device must be after a list of writes; the commit re-reads it (the kernel decides). */
enum pt_dev_on {
	PT_DEV_ON,   /* on driver */
	PT_DEV_NONE, /* on no driver */
	PT_DEV_OFF,  /* on any driver but driver, or none: the one it should get is not known */
};

struct pt_dev_expect {
	enum pt_dev_on on;
	char *driver;	/* ON, OFF; NULL for NONE */
	char *override; /* driver_override afterwards; NULL: unset */
};

struct pt_txn_dev {
	char *slot; /* canonical DDDD:BB:DD.F */
	struct pt_sysfs_write *writes;
	size_t nwrites;
	struct pt_dev_expect expect;
	struct pt_sysfs_write *undo; /* the writes that give the device back, in order */
	size_t nundo;
	struct pt_dev_expect undo_expect;
	/* Loaded from a journal: whether the commit started the writes, and how many the
	 * kernel took (SIZE_MAX: not recorded, the commit died during them). */
	bool begun;
	size_t took;
};

enum pt_txn_step_kind {
	PT_STEP_EDIT,
	PT_STEP_CMD,
	PT_STEP_DEV,
};

struct pt_txn_step {
	enum pt_txn_step_kind kind;
	size_t idx; /* into edits, cmds or devs */
};

/* A list of IOMMU group numbers. */
struct pt_groups {
	int *v;
	size_t n;
};

struct pt_txn {
	struct pt_edit *edits;
	size_t n;
	struct pt_txn_cmd *cmds;
	size_t ncmds;
	struct pt_txn_dev *devs;
	size_t ndevs;
	/* Edits, devices and the commands that are not refreshes, in the order the commit
	 * makes them; the refresh commands follow. */
	struct pt_txn_step *steps;
	size_t nsteps;
	/* What undo runs once everything is given back, in this order. */
	struct pt_txn_cmd *undo_cmds;
	size_t nundo_cmds;
	/*
	 * IOMMU groups whose /dev/vfio node no process may hold open: unbinding a device from
	 * vfio-pci waits until the group is let go (linux drivers/vfio/vfio_main.c,
	 * vfio_unregister_group_dev), so the commit (idle) or undo (undo_idle) refuses first.
	 */
	struct pt_groups idle, undo_idle;
	/* Groups the commit asks the kernel about afterwards: viable for VFIO? */
	struct pt_groups viable;
	/*
	 * Other programs' lock files the commit and undo hold while they write: qemu-server's
	 * /var/lock/qemu-server/lock-<vmid>.conf for a VM config (pt_root_lock_also).
	 */
	struct pt_strv locks;
	/* Loaded from a journal: the boot its sysfs writes were made in (NULL: none). */
	char *boot_id;
	/* Loaded from a journal written before commands were recorded: undo's are unknown. */
	bool cmds_unknown;
};

/* Adds an edit (copies everything). old/new NULL mean absent/delete. An edit whose old and new
 * are the same is not added (returns 0: nothing to do). */
int pt_txn_add(struct pt_txn *t, const char *path, const char *old, size_t old_len, const char *new,
	       size_t new_len, unsigned mode);
/* Adds a lock file the commit and undo hold (see locks). 0, -EINVAL (not absolute), -ENOMEM. */
int pt_txn_add_lock(struct pt_txn *t, const char *path);
/* Adds a refresh command: after every step, and again after undo (argv NULL-terminated; why
 * may be NULL). -EINVAL for an empty argv. */
int pt_txn_add_cmd(struct pt_txn *t, const char *const *argv, const char *why);
/* Adds a command as a step of its own, here in the order; the commit only, undo does not
 * run it. */
int pt_txn_add_step_cmd(struct pt_txn *t, const char *const *argv, const char *why);
/* Adds a device step for slot; returns its index into t->devs, or -EINVAL, -ENOMEM. */
int pt_txn_add_dev(struct pt_txn *t, const char *slot);
/* Appends a write to the device's writes (undo: to the writes that give it back). */
int pt_txn_dev_write(struct pt_txn_dev *d, bool undo, const char *path, const char *value,
		     bool if_present);
/* Sets where the writes leave the device (undo: where giving it back leaves it). */
int pt_txn_dev_expect(struct pt_txn_dev *d, bool undo, enum pt_dev_on on, const char *driver,
		      const char *override);
/* Adds group to a list once. */
int pt_groups_add(struct pt_groups *g, int group);
void pt_groups_done(struct pt_groups *g);
void pt_txn_dev_done(struct pt_txn_dev *d);
void pt_txn_done(struct pt_txn *t);
/* Nothing to commit: no edit and no device step (commands alone change nothing to keep). */
bool pt_txn_empty(const struct pt_txn *t);
/* The unified diff of every edit, in order. */
int pt_txn_diff(const struct pt_txn *t, struct pt_strbuf *out);
/* Whether the device's driver and driver_override are what e says (driver NULL: none). */
bool pt_dev_expect_met(const struct pt_dev_expect *e, const char *driver, const char *override);
