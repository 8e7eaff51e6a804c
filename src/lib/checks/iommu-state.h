/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Is the IOMMU active, and if not, why: the one-line answer `list` gives with no groups. */
#pragma once

#include "model/host.h"

enum pt_iommu_state {
	PT_IOMMU_ACTIVE,	  /* units in /sys/class/iommu and groups present */
	PT_IOMMU_UNITS_NO_GROUPS, /* a unit is active but no device is in a group */
	PT_IOMMU_OFF_BY_CMDLINE,  /* firmware table present, a kernel parameter turned it off */
	PT_IOMMU_OFF_IN_KERNEL,	  /* firmware table present, the kernel did not enable it */
	PT_IOMMU_NO_FIRMWARE,	  /* no DMAR/IVRS table: off (or absent) in the firmware */
	PT_IOMMU_UNKNOWN,	  /* not enough facts to say (partial snapshot) */
};

struct pt_iommu_verdict {
	enum pt_iommu_state state;
	const char *param; /* the kernel parameter that turned it off, when known */
	char *reason;	   /* one sentence for the user; NULL when active */
};

int pt_iommu_judge(const struct pt_host *h, struct pt_iommu_verdict *ret);
void pt_iommu_verdict_done(struct pt_iommu_verdict *v);

/*
 * Whether the kernel has enabled ACS on the PCIe ports, so that ACS Control as read is what
 * the groups rest on. It enables it only when an IOMMU driver asked for it at boot
 * (pci_request_acs() from linux drivers/iommu/intel/dmar.c detect_intel_iommu unless the
 * IOMMU is disabled, and from the AMD-Vi init; drivers/pci/pci.c pci_enable_acs), so with no
 * active IOMMU every port reads as the firmware left it and only the capability tells.
 * PT_UNKNOWN when the root does not show whether an IOMMU is active.
 */
enum pt_tristate pt_iommu_acs_enabled(const struct pt_iommu_verdict *v);
