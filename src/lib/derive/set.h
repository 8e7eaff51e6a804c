/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What leaves the host with a request for one device: the passthrough set (every function of
 * its slot and every member of their IOMMU groups) and the part of it vfio-pci takes. One
 * verdict for check, plan, bind and verify.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/host.h"

/*
 * The devices that leave the host with h->devs[idx]: every function of its slot and every
 * member of their IOMMU groups (pve-common SysFSTools.pm pci_dev_group_bind_to_vfio: Proxmox
 * binds the whole group at VM start). in_set has h->ndevs entries. Returns -ENOMEM or 0.
 */
int pt_passthrough_set(const struct pt_host *h, size_t idx, bool *in_set);

/*
 * The part of that set vfio-pci takes: bridges and ports stay with the host (vfio-pci takes
 * only type-0 headers: linux drivers/vfio/pci/vfio_pci.c vfio_pci_probe). in_set and devs
 * have h->ndevs entries; devs gets the indices in address order. Returns 0.
 */
int pt_vfio_set(const struct pt_host *h, size_t idx, bool *in_set, size_t *devs, size_t *ndevs);

/*
 * Whether other endpoints leave the host with h->devs[idx] (group.shared): 1 yes, 0 no,
 * -ENODATA when it has no group, -ENOMEM.
 */
int pt_group_shared(const struct pt_host *h, size_t idx);
