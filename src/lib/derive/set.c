/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The devices a request hands over: the passthrough set and the part vfio-pci takes. */
#include <errno.h>
#include <stdlib.h>

#include "derive/set.h"

static void add_group_members(const struct pt_host *h, const struct pt_pci_dev *d, bool *in_set)
{
	const struct pt_iommu_group *g;

	if (!(d->have & PT_PCI_HAVE_GROUP))
		return;
	g = pt_host_find_group(h, d->iommu_group);
	for (size_t m = 0; g && m < g->nmembers; m++)
		in_set[g->members[m]] = true;
}

int pt_passthrough_set(const struct pt_host *h, size_t idx, bool *in_set)
{
	for (size_t i = 0; i < h->ndevs; i++)
		in_set[i] = false;
	/*
	 * All functions of a slot go together: VFIO resets them as one (docs/facts.md, "Resetting a
	 * device").
	 */
	for (size_t i = 0; i < h->ndevs; i++)
		if (pt_bdf_same_slot(&h->devs[i].bdf, &h->devs[idx].bdf)) {
			in_set[i] = true;
			add_group_members(h, &h->devs[i], in_set);
		}
	return 0;
}

int pt_vfio_set(const struct pt_host *h, size_t idx, bool *in_set, size_t *devs, size_t *ndevs)
{
	*ndevs = 0;
	pt_passthrough_set(h, idx, in_set);
	for (size_t i = 0; i < h->ndevs; i++) {
		/*
		 * Bridges and ports stay with the host; vfio-pci refuses them (linux
		 * drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_register_device).
		 */
		if (in_set[i] && h->devs[i].is_bridge)
			in_set[i] = false;
		if (in_set[i])
			devs[(*ndevs)++] = i;
	}
	return 0;
}

int pt_group_shared(const struct pt_host *h, size_t idx)
{
	bool *in_set;
	int shared = 0;

	if (!(h->devs[idx].have & PT_PCI_HAVE_GROUP))
		return -ENODATA;
	in_set = calloc(h->ndevs, sizeof(*in_set));
	if (!in_set)
		return -ENOMEM;
	pt_passthrough_set(h, idx, in_set);
	for (size_t i = 0; i < h->ndevs && !shared; i++)
		shared = in_set[i] && !pt_bdf_same_slot(&h->devs[i].bdf, &h->devs[idx].bdf) &&
			 !h->devs[i].is_bridge;
	free(in_set);
	return shared;
}
