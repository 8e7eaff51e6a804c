/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One VM judged against this host: its settings as qemu-server reads them (machine type,
 * firmware, CPU, memory), each hostpciN parsed and resolved the way `qm start` resolves it
 * (derive/vm-hostpci.h), and which host devices it takes. Pure: the host model (with its VMs,
 * pt_facts_vms) in. What `vm devices`, `vm list`, `vm lint` and `vm plan` all read.
 */
#pragma once

#include "derive/vm-hostpci.h"
#include "model/host.h"

struct pt_vm_verdict {
	const struct pt_vm *vm;
	/* The settings, as the config's kept lines say (NULL/0 when absent). */
	const char *machine; /* the `machine:` value */
	char *machine_type;  /* its type ("q35", "pc-i440fx-8.1"); NULL: the default, pc */
	bool q35;
	const char *bios; /* "seabios" when absent */
	bool ovmf;
	const char *cpu; /* the `cpu:` value; NULL: kvm64 */
	const char *vga;
	const char *ostype;
	/* hostpciN as written, parsed; spec_error says why Proxmox refuses the value */
	const struct pt_pveconf_line *hostpci_line[PT_HOSTPCI_MAX];
	struct pt_hostpci_spec spec[PT_HOSTPCI_MAX];
	bool has_spec[PT_HOSTPCI_MAX];
	char *spec_error[PT_HOSTPCI_MAX];
	/* The resolution on this host. */
	struct pt_vm_host_fn *fns;
	size_t nfns;
	struct pt_vm_hostpci_result res;
	/* Devices of this host the VM takes at start (h->ndevs flags), by hostpci. */
	bool *takes;
};

/* Judges vm (a VM of h). 0 or -ENOMEM. */
int pt_vm_judge(const struct pt_host *h, const struct pt_vm *vm, struct pt_vm_verdict *ret);
void pt_vm_verdict_done(struct pt_vm_verdict *v);
/* The value of key in the VM's main section as Proxmox keeps it, or NULL. */
const char *pt_vm_value(const struct pt_vm *vm, const char *key);
