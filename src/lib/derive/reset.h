/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How a device can be reset between two VM starts, as a verdict `check` and `verify` both
 * read: the kernel's own list (reset_method, Linux >= 5.15) when the root has it, else a
 * prediction from config space (linux drivers/pci/pci.c: pcie_reset_flr, pci_af_flr,
 * pci_pm_reset, pci_parent_bus_reset); and whether it is an AMD GPU with the reset bug.
 */
#pragma once

#include <stdbool.h>

#include "model/host.h"

enum pt_reset_kind {
	PT_RESET_AVAILABLE, /* at least one method */
	PT_RESET_NONE,	    /* no method: the device keeps the state the last VM left */
	PT_RESET_UNKNOWN,   /* neither reset_method nor enough config space to tell */
};

enum pt_reset_source {
	PT_RESET_FROM_SYSFS,   /* reset_method */
	PT_RESET_PREDICTED,    /* decoded config space (quirks may still veto) */
	PT_RESET_NOTHING_READ, /* neither is in the root */
};

struct pt_reset_verdict {
	enum pt_reset_kind kind;
	enum pt_reset_source source;
	char *methods; /* "flr bus", priority order; "" when none; NULL when unknown */
	/* An AMD GPU on vendor-reset's list (the "AMD reset bug"). */
	bool amd_bug;
	/* reset_method starts with device_specific: vendor-reset is loaded and set up. */
	bool amd_bug_handled;
};

/* What fixes the AMD reset bug, for check's hint and verify (gnif/vendor-reset README). */
#define PT_RESET_AMD_BUG_FIX                                                                  \
	"install vendor-reset (vendor-reset-dkms), load it early (add vendor-reset to "       \
	"/etc/modules, update-initramfs -u -k all) and on Linux >= 5.15 set reset_method to " \
	"device_specific (its udev rule 99-vendor-reset.rules does)"

/*
 * Whether VFIO can reset h->devs[idx] with a secondary bus reset of its bus when every device
 * on that bus leaves with it (in_set, h->ndevs entries): linux drivers/vfio/pci/vfio_pci_core.c
 * vfio_pci_dev_set_try_reset resets the bus once no device of the set is in use. That is how
 * a GPU's audio function without a reset of its own is reset with the GPU.
 */
bool pt_reset_by_bus_with(const struct pt_host *h, size_t idx, const bool *in_set);

/* The verdict for h->devs[idx]. Returns 0 or -ENOMEM. */
int pt_reset_judge(const struct pt_host *h, size_t idx, struct pt_reset_verdict *ret);
void pt_reset_verdict_done(struct pt_reset_verdict *v);
