/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard verdict: what leaves the host with a slot that the host needs, and requests that
 * cannot go to vfio-pci at all. Computed once from the host model; `check` reports each guard
 * as a finding, `plan`, `apply` and `bind` refuse or note from the same verdict. Pure: the
 * host model in, the verdict out (it belongs with the other derived verdicts).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "derive/set.h"
#include "model/host.h"
#include "util/strv.h"

enum pt_guard_kind {
	PT_GUARD_HOST_BRIDGE,	/* the named slot holds the host bridge (class 0x0600) */
	PT_GUARD_BRIDGE,	/* the named function is a bridge or port */
	PT_GUARD_CONSOLE_GPU,	/* a boot_vga=1 device in the set */
	PT_GUARD_BOOT_DISK,	/* the controller of /, /boot or /boot/efi in the set */
	PT_GUARD_UPLINK,	/* the default-route NIC in the set */
	PT_GUARD_CHIPSET,	/* the LPC/eSPI bridge, SMBus or PCH power management in the set */
	PT_GUARD_MAYBE_STORAGE, /* storage or USB controllers the boot-disk facts leave open */
	PT_GUARD_MAYBE_NETWORK, /* network controllers the default-route facts leave open */
};

/* What a guard does to plan, apply and bind. */
enum pt_guard_weight {
	PT_GUARD_BLOCKS,  /* nothing can be handed to vfio-pci: no option overrides it */
	PT_GUARD_REFUSES, /* the host needs it: refused unless --force */
	PT_GUARD_NOTES,	  /* the facts cannot decide: said, not refused */
};

struct pt_guard_evidence {
	char *path;  /* the file read */
	char *value; /* its raw value; NULL when absent */
};

struct pt_guard {
	enum pt_guard_kind kind;
	enum pt_guard_weight weight;
	size_t *devs; /* the devices it names: indices into pt_host.devs */
	size_t ndevs;
	char *message; /* one line: what is true and what it does to the host */
	char *hint;    /* what to do */
	struct pt_guard_evidence *evidence;
	size_t nevidence;
	struct pt_strv below; /* PT_GUARD_BRIDGE: the slots below it, as typed ("01:00") */
};

struct pt_guards {
	struct pt_guard *v;
	size_t n;
};

/*
 * Judges the request for h->devs[idx]: the slot it names (whichever function) and every
 * device that leaves with it (pt_passthrough_set: every function of the slot, every member
 * of their IOMMU groups). When the request cannot go to vfio-pci at all, only the blocking
 * guard is returned. 0 or -ENOMEM.
 */
int pt_guards_judge(const struct pt_host *h, size_t idx, struct pt_guards *ret);
void pt_guards_done(struct pt_guards *g);
/* The finding ID `check` reports the guard under (docs/checks.md): "guard.boot-disk". */
const char *pt_guard_id(enum pt_guard_kind k);
