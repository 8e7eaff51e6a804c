/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What must travel with a device handed to a VM: its slot's functions and its group. */
#pragma once

#include <stddef.h>

#include "model/host.h"

enum pt_companion_reason {
	PT_COMPANION_SAME_SLOT,	   /* another function of the same slot */
	PT_COMPANION_SAME_GROUP,   /* an endpoint in the same IOMMU group */
	PT_COMPANION_GROUP_BRIDGE, /* a bridge or port in the group: stays with the host */
};

struct pt_companion {
	size_t idx; /* into pt_host.devs */
	enum pt_companion_reason reason;
};

/*
 * Fills out (room for h->ndevs entries) with the companions of h->devs[dev], in address
 * order, and returns how many there are.
 */
size_t pt_companions(const struct pt_host *h, size_t dev, struct pt_companion *out);
const char *pt_companion_reason_text(enum pt_companion_reason r);
const char *pt_companion_reason_id(enum pt_companion_reason r);
