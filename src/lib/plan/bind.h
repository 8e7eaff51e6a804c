/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime binding (`passthru bind` / `unbind`): the sysfs writes that hand a slot's devices
 * (the set `plan` takes: every function, every endpoint of their IOMMU groups) to vfio-pci
 * now, through driver_override (linux ABI sysfs-bus-pci), and give them back to the drivers they
 * had. Pure: host model in, steps out, and the transaction that makes them (edit/): the state file,
 * the writes with the ones that give each device back, the command; edit/journal.c records it,
 * makes it and re-reads each device, and undo replays what it recorded.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "edit/edit.h"
#include "model/host.h"
#include "plan/plan.h"
#include "util/strbuf.h"
#include "util/strv.h"

enum pt_bind_op {
	PT_BIND_BIND,
	PT_BIND_UNBIND,
};

struct pt_bind_request {
	struct pt_bdf slot; /* any function of the slot */
	enum pt_bind_op op;
	bool override_guards; /* bind even when the set holds a device the host needs */
};

/* ---- the state bind keeps (PT_BIND_STATE) ---- */

/* A device's driver and driver_override before bind moved it. */
struct pt_bind_saved {
	char slot[PT_BDF_STRLEN];
	char *driver;	/* NULL: it had none */
	char *override; /* NULL: unset */
};

struct pt_bind_state {
	struct pt_bind_saved *v;
	size_t n, cap;
};

/*
 * Parses the state file: "# ..." comments, then one line per device: "BDF DRIVER OVERRIDE",
 * "-" for none. -EBADMSG with *ret_line set on a malformed or repeated line, -ENOMEM.
 */
int pt_bind_state_parse(const char *buf, size_t len, struct pt_bind_state *ret, unsigned *ret_line);
/* The file's bytes; an empty state formats as "" (the caller removes the file then). */
int pt_bind_state_format(const struct pt_bind_state *s, struct pt_strbuf *out);
const struct pt_bind_saved *pt_bind_state_find(const struct pt_bind_state *s, const char *slot);
/* Adds slot (replacing an entry it has): -ENOMEM, or -EINVAL for a value the file cannot
 * hold (blank, whitespace, "-"): only kernel-made names are saved. */
int pt_bind_state_set(struct pt_bind_state *s, const char *slot, const char *driver,
		      const char *override);
/* Removes slot's entry; false when there was none. */
bool pt_bind_state_remove(struct pt_bind_state *s, const char *slot);
void pt_bind_state_done(struct pt_bind_state *s);

/* ---- the plan ---- */

/* One write to a sysfs attribute: these exact bytes, in one write(2). */
struct pt_bind_write {
	char *path;
	char *value;
	bool if_present; /* a driver's unbind: with no driver there is nothing to unbind */
};

/* Where a device must be once its writes are done. */
enum pt_bind_want {
	PT_BIND_WANT_DRIVER,   /* on want_driver */
	PT_BIND_WANT_NONE,     /* unbound: it had no driver before bind */
	PT_BIND_WANT_NOT_VFIO, /* off vfio-pci, on whatever the kernel picks (previous unknown) */
};

struct pt_bind_dev {
	size_t idx;		      /* into pt_host.devs */
	const char *driver;	      /* now (the host's string); NULL unbound */
	const char *override;	      /* now; NULL unset */
	struct pt_bind_write *writes; /* in order; none: nothing to do for this device */
	size_t nwrites;
	enum pt_bind_want want;
	char *want_driver;   /* PT_BIND_WANT_DRIVER */
	char *want_override; /* driver_override afterwards; NULL unset */
	bool saved;	     /* unbind: the state file has an entry for it */
};

struct pt_bind_plan {
	enum pt_bind_op op;
	struct pt_bind_dev *devs; /* every device of the set, address order */
	size_t ndevs;
	size_t ntodo; /* devices with writes */
	/* A command to run before any write (bind: load vfio-pci); argv empty: none. */
	struct pt_strv pre_argv;
	char *pre_why;
	/*
	 * The state file's entries. Bind adds the devices it moves (saved before any write);
	 * unbind keeps them as read: its transaction drops each device's entry
	 * (pt_bind_dev.saved) after the writes, reached only when every device is back.
	 */
	struct pt_bind_state state;
	bool state_changed;
	/*
	 * Every effect, in order (bind: modprobe, the state file, each device's writes; unbind:
	 * each device's writes, then the state file), with the writes that give each device back
	 * for undo, the groups to ask about after bind and those no VM may hold before writes
	 * that unbind from vfio-pci. Empty when the plan is refused or has nothing to do.
	 */
	struct pt_txn txn;
	struct pt_strv notes;
	struct pt_strv refusals; /* guards: the set holds what the host needs (--force) */
	struct pt_strv blockers; /* vfio-pci would refuse the device: nothing overrides */
	bool slot_blocked;	 /* the slot itself cannot go (a bridge): blockers say why */
	bool refused;		 /* blockers, or refusals without --force */
};

/*
 * Builds the plan from h (its devices, their binding, the registered drivers and the state
 * file's bytes among h's raw files). Returns 0, -ENODEV (no such slot), -EBADMSG (the state
 * file is malformed: *ret_line says where), -ENOMEM.
 */
int pt_bind_plan_build(const struct pt_host *h, const struct pt_bind_request *req,
		       struct pt_bind_plan *ret, unsigned *ret_line);
void pt_bind_plan_done(struct pt_bind_plan *p);

/* What to do with a plan: the CLI maps it to the exit status, render/bind.c to words. */
enum pt_bind_gate {
	PT_BIND_GO,	  /* commit the transaction */
	PT_BIND_BLOCKED,  /* the slot cannot go at all (a bridge): exit 1 */
	PT_BIND_NOTHING,  /* every device is where the request wants it: exit 0 */
	PT_BIND_REFUSED,  /* blockers, or guards without --force: exit 1 */
	PT_BIND_NOT_LIVE, /* the root is not the running host: the steps only, exit 0 */
};

enum pt_bind_gate pt_bind_plan_gate(const struct pt_bind_plan *p, bool live);

/* The sysfs attributes the steps write (linux ABI sysfs-bus-pci). */
#define PT_SYSFS_DRIVERS_PROBE "/sys/bus/pci/drivers_probe"
