/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru vm list` and `vm devices`: the node's VMs and their passthrough, as text or JSON. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "derive/vm.h"
#include "model/host.h"

/*
 * Every VM of the node (v: their verdicts, in vmid order) with its passthrough devices, their
 * IOMMU groups and host drivers, and the conflicts between VMs (a device two VMs take that
 * both start at boot). json: docs/json.md "vm list --json". Returns 0 or -errno.
 */
int pt_render_vm_list(const struct pt_host *h, const struct pt_vm_verdict *v, size_t n, bool json,
		      FILE *out);
/* One VM's hostpciN: what each gives the guest and the QEMU arguments, or why Proxmox refuses. */
int pt_render_vm_devices(const struct pt_host *h, const struct pt_vm_verdict *v, bool json,
			 FILE *out);
