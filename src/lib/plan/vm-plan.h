/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru vm plan VMID SLOT`: the change to /etc/pve/qemu-server/<vmid>.conf that gives the
 * slot to the VM, as a transaction of one file edit under qemu-server's own lock: the next free
 * hostpciN (the whole slot function-less when all its functions go, pcie=1 on q35), and the
 * settings passthrough needs where the VM lacks them (machine q35, bios ovmf, cpu host,
 * balloon 0), each with its reason; the equivalent `qm set` line; what passthru cannot decide
 * (the EFI disk's storage) as the exact command to run. Pure: the host model and its VMs in.
 */
#pragma once

#include <stdbool.h>

#include "derive/verdicts.h"
#include "derive/vm.h"
#include "plan/plan.h"

/* qemu-server locks a VM's config with this file (PVE::AbstractConfig::lock_config). */
#define PT_VM_LOCK_FMT "/var/lock/qemu-server/lock-%lu.conf"

struct pt_vm_plan_request {
	struct pt_bdf slot;   /* any function of the slot */
	bool x_vga;	      /* --x-vga: the GPU is the guest's primary display (SeaBIOS) */
	const char *romfile;  /* --romfile NAME: a file in /usr/share/kvm; NULL */
	bool override_guards; /* --force: the host guards refuse nothing */
};

/*
 * Builds the plan for the VM of v (judged on h). Returns 0, -ENODEV (no such slot), -ENOMEM.
 * Refusals, blockers and notes are in *ret as for the host plan.
 */
int pt_vm_plan_build(const struct pt_host *h, const struct pt_verdicts *vd,
		     const struct pt_vm_verdict *v, const struct pt_vm_plan_request *req,
		     struct pt_plan *ret);
