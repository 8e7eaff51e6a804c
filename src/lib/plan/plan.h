/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner: the complete change set that gives a slot (every function, every endpoint of
 * its IOMMU group) to vfio-pci at boot. Pure: host model in, a transaction of file edits, the
 * commands to run afterwards and a reason for every line out. Nothing is written.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "derive/verdicts.h"
#include "edit/edit.h"
#include "model/host.h"
#include "util/strv.h"

struct pt_plan_request {
	struct pt_bdf slot;   /* any function of the slot */
	bool override_guards; /* plan anyway when the set holds a device the host needs */
	bool iommu_pt;	      /* also add iommu=pt (only on request) */
	bool blacklist;	      /* also blacklist the claiming modules no host device uses */
	bool no_disable_vga;  /* leave disable_vga=1 out (a GPU that needs SeaBIOS x-vga) */
	/* --boot-path: the loader the user says boots the host (PT_BOOT_GRUB, or PT_BOOT_SDBOOT
	 * for systemd-boot); PT_BOOT_UNKNOWN when not given. Used where the host does not say. */
	enum pt_boot_path boot_path;
};

/* Why a line is in a file. */
struct pt_plan_reason {
	char *path;
	char *line;
	char *why;
};

struct pt_plan {
	size_t *devs; /* the devices handed over: indices into pt_host.devs, address order */
	size_t ndevs;
	struct pt_txn txn; /* the file edits, then the commands to run (txn.cmds) */
	struct pt_plan_reason *reasons;
	size_t nreasons;
	struct pt_strv notes;	 /* what the user must know: conflicts, what the plan leaves */
	struct pt_strv refusals; /* guards: the set holds something the host needs */
	/*
	 * The request cannot go to vfio-pci at all (a bridge or port, the host bridge, an empty
	 * set): no option overrides it, and the plan holds nothing else.
	 */
	struct pt_strv blockers;
	bool refused; /* blockers, or refusals not overridden */
	/* What must be answered before the plan can reach its goal (the boot path its
	 * command-line edit needs): apply refuses while there is one. */
	struct pt_strv questions;
	/* The same change as another tool's command line (vm plan: `qm set ...`), or empty. */
	struct pt_strv equivalent;
	/* What to do once it is applied, when not the host's apply-reboot-verify (vm plan). */
	char *next;
};

/*
 * The guard verdict (derive/guards.h) for the request, as lines "message (finding ID)": what
 * vfio-pci cannot take to blockers (with "did you mean `passthru CMD 01:00`?" for a bridge),
 * what the host needs to refusals (--force overrides), what the facts leave open to notes.
 * Returns 1 when blocked, 0, or -ENOMEM.
 */
int pt_plan_guards(const struct pt_host *h, size_t idx, const char *cmd, struct pt_strv *blockers,
		   struct pt_strv *refusals, struct pt_strv *notes);

/*
 * The lines of passthru's init-top script (PT_PLAN_INITRAMFS_SCRIPT) in the exact form the
 * planner writes, "override SLOT 0xVVVV 0xDDDD", and their slots; anything else in the file
 * is ignored (it is a shell script: nothing else from it is trusted). 0 or -ENOMEM.
 */
int pt_plan_overrides(const struct pt_host *h, struct pt_strv *lines, struct pt_strv *slots);

/* Returns 0, -ENODEV (no such slot), -ENOMEM. */
int pt_plan_build(const struct pt_host *h, const struct pt_verdicts *vd,
		  const struct pt_plan_request *req, struct pt_plan *ret);
void pt_plan_done(struct pt_plan *p);
