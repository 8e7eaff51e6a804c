/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "derive/companions.h"

size_t pt_companions(const struct pt_host *h, size_t dev, struct pt_companion *out)
{
	const struct pt_pci_dev *g = &h->devs[dev];
	bool grouped = g->have & PT_PCI_HAVE_GROUP;
	size_t n = 0;

	for (size_t i = 0; i < h->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[i];
		bool same_group = grouped && (d->have & PT_PCI_HAVE_GROUP) &&
				  d->iommu_group == g->iommu_group;

		if (i == dev)
			continue;
		/*
		 * All functions of a slot go together: VFIO resets them as one (docs/facts.md,
		 * "Resetting a device").
		 */
		if (pt_bdf_same_slot(&d->bdf, &g->bdf))
			out[n++] = (struct pt_companion){i, PT_COMPANION_SAME_SLOT};
		/*
		 * Proxmox binds every group member without a pci_bus/ dir to vfio-pci (pve-common
		 * SysFSTools.pm pci_dev_group_bind_to_vfio).
		 */
		else if (same_group)
			out[n++] = (struct pt_companion){i, d->is_bridge ? PT_COMPANION_GROUP_BRIDGE
									 : PT_COMPANION_SAME_GROUP};
	}
	return n;
}

const char *pt_companion_reason_text(enum pt_companion_reason r)
{
	switch (r) {
	case PT_COMPANION_SAME_SLOT:
		return "same slot";
	case PT_COMPANION_SAME_GROUP:
		return "same group";
	default:
		return "same group, bridge (stays with the host)";
	}
}

const char *pt_companion_reason_id(enum pt_companion_reason r)
{
	switch (r) {
	case PT_COMPANION_SAME_SLOT:
		return "same-slot";
	case PT_COMPANION_SAME_GROUP:
		return "same-group";
	default:
		return "group-bridge";
	}
}
