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
