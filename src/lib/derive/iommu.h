/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Is the IOMMU active, and if not, why: the one-line answer `list` gives with no groups. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

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

/*
 * Whether the kernel gives every host device an identity (1:1, untranslated) default domain:
 * CONFIG_IOMMU_DEFAULT_PASSTHROUGH, then iommu=pt / nopt and iommu.passthrough= in command-line
 * order (linux arch/x86/kernel/pci-dma.c iommu_setup, drivers/iommu/iommu.c
 * iommu_set_def_domain_type). Devices given to a VM get their own domain either way.
 */
bool pt_iommu_passthrough(const struct pt_host *h);

/*
 * Whether the running kernel maps an Intel integrated GPU (pt_pci_is_intel_igpu) 1:1 instead of
 * translating it. Debian's kernel (Debian 12's 6.1) carries two patches of Debian bug 935270,
 * features/x86/intel-iommu-add-option-to-exclude-integrated-gpu-only and
 * intel-iommu-add-kconfig-option-to-exclude-igpu-by-default: CONFIG_INTEL_IOMMU_DEFAULT_ON_
 * INTGPU_OFF=y turns the IOMMU on by default with dmar_map_intgpu = 0; the intel_iommu= items
 * "intgpu_off" (0) and "on" (1) are applied in order. dmar_map_intgpu = 0 gives such a GPU an
 * identity default domain (drivers/iommu/intel/iommu.c init_dmars, device_def_domain_type):
 * its IOMMU group stays, only the host's DMA is untranslated. A kernel whose config lacks the
 * symbol has no such patch: PT_NO. PT_UNKNOWN without the build configuration. *why is the
 * cause when PT_YES: the symbol, or the intel_iommu= token.
 */
enum pt_tristate pt_intel_igpu_identity(const struct pt_host *h, const char **why);

/*
 * Whether the running kernel enables the Intel IOMMU without intel_iommu=on (its build
 * configuration); *sym gets the CONFIG_ symbol (without "CONFIG_") that decided it.
 */
enum pt_tristate pt_intel_iommu_default_on(const struct pt_host *h, const char **sym);

/* Why a device is in no IOMMU group (group.none, and the planner's note). */
enum pt_ungrouped_cause {
	PT_UNGROUPED_NO_IOMMU,	/* no IOMMU is active: pt_iommu_judge says why */
	PT_UNGROUPED_GFX_PARAM, /* intel_iommu=igfx_off: a graphics-only DMAR unit is ignored */
	PT_UNGROUPED_GFX,	/* a display device on VT-d otherwise left out */
	PT_UNGROUPED_OTHER,	/* the active IOMMU did not take it */
};

struct pt_ungrouped_verdict {
	enum pt_ungrouped_cause cause;
	const char *param; /* the token that caused it (the iommu verdict's, or igfx_off's) */
	char *reason;	   /* one sentence for the user */
};

/* Why devs[idx] has no IOMMU group (call only for such a device). */
int pt_ungrouped_judge(const struct pt_host *h, const struct pt_iommu_verdict *v, size_t idx,
		       struct pt_ungrouped_verdict *ret);
void pt_ungrouped_verdict_done(struct pt_ungrouped_verdict *v);
