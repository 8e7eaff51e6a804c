/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host-wide verdicts, computed once per command from the host model (pt_derive) and read
 * by check, plan, verify, bind and the renderers, so that none of them judges the same fact
 * again, or differently. Per-device and per-request verdicts (the passthrough set, guards,
 * reset, why a device has no group) stay functions of derive/: they depend on the request.
 */
#pragma once

#include "derive/boot.h"
#include "derive/iommu.h"
#include "model/host.h"

struct pt_verdicts {
	struct pt_iommu_verdict iommu;
	/* Whether ACS Control as read is what the groups rest on (pt_iommu_acs_enabled). */
	enum pt_tristate acs_enabled;
	/* The kernel enables the Intel IOMMU without intel_iommu=on; the CONFIG_ symbol. */
	enum pt_tristate intel_default_on;
	const char *intel_default_sym;
	/* An Intel iGPU is mapped 1:1 (Debian's INTGPU_OFF); what made it so. */
	enum pt_tristate igpu_identity;
	const char *igpu_identity_why;
	/* Every host device gets an identity default domain (iommu=pt and the like). */
	bool iommu_passthrough;
	/* Which loader boots the host, and whether its configuration reached /proc/cmdline. */
	struct pt_boot_verdict boot;
	struct pt_boot_sync sync;
};

/* Computes every verdict of h. 0 or -ENOMEM (nothing to free then). */
int pt_derive(const struct pt_host *h, struct pt_verdicts *ret);
void pt_verdicts_done(struct pt_verdicts *v);
