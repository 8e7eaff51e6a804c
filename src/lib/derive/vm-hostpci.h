/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's hostpciN devices resolved the way qemu-server resolves them when it builds the QEMU
 * command line at `qm start` (and `qm showcmd`): which host functions each one gives the
 * guest, the exact `-device` arguments, the side effects on the rest of the command line,
 * and the text Proxmox dies with where it refuses. Pure: the host's PCI functions and the
 * mapping config come in as data.
 *
 * The logic follows qemu-server src/PVE/QemuServer/PCI.pm: parse_hostpci and
 * parse_hostpci_devices (the checks), choose_hostpci_devices (alternatives and devices used
 * twice), print_hostpci_devices with print_pci_addr / print_pcie_addr / print_pcie_root_port
 * (the arguments); pve-common src/PVE/SysFSTools.pm lspci (which functions an address names);
 * pve-guest-common src/PVE/Mapping/PCI.pm get_node_mapping and assert_valid (mappings).
 * Only x86_64 guests: an aarch64 `virt` machine puts devices on other buses.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/host.h"
#include "parse/hostpci.h"
#include "parse/pci-mapping.h"
#include "util/bdf.h"
#include "util/strv.h"

/* One host PCI function as qemu-server sees it (SysFSTools lspci and pci_device_info). */
struct pt_vm_host_fn {
	char name[PT_BDF_STRLEN]; /* the sysfs name, "0000:01:00.0" */
	bool has_ids;		  /* vendor and device are known (else: "not found" to a mapping) */
	uint16_t vendor, device;
	bool has_subsys;
	uint16_t subsys_vendor, subsys_device;
	int iommu_group; /* -1: none */
	bool mdev;	 /* has mdev_supported_types/ */
	bool nvidia;	 /* has nvidia/ (NVIDIA vGPU on kernel 6.8+; counts as mdev-capable too) */
};

struct pt_vm_hostpci_request {
	/* hostpci0..15 as parsed (parse/hostpci.h); NULL where the config has none */
	const struct pt_hostpci_spec *spec[PT_HOSTPCI_MAX];
	bool q35;	    /* the machine type is a q35 one: pt_vm_machine_is_q35() */
	bool ovmf;	    /* bios: ovmf */
	const char *vga;    /* the `vga:` value as written, NULL when absent */
	const char *ostype; /* NULL when absent */
	bool is_template;   /* template: 1 (Proxmox starts templates without any hostpci) */
	unsigned vmid;
	/* bootindex=N of hostpciN from the boot order; 0: not in it (not derived here) */
	unsigned bootindex[PT_HOSTPCI_MAX];
	const struct pt_vm_host_fn *fns; /* every PCI function of the host, any order */
	size_t nfns;
	const struct pt_pci_mappings *mappings; /* /etc/pve/mapping/pci.cfg; NULL when absent */
	const char *node; /* this node's name: mappings of others do not count */
	/* functions reserve_pci_usage refuses (reserved for or used by another VM) */
	const char *const *reserved;
	size_t nreserved;
};

struct pt_vm_hostpci {
	bool present;
	/* Proxmox's text where it refuses this device; NULL when it resolves */
	char *error;
	/*
	 * The host functions, in guest function order (.0, .1, ...). With mdev these are the
	 * candidates, one per alternative: qemu-server picks one at start (mdev_candidates).
	 */
	struct pt_strv functions;
	bool mdev_candidates;
	char *sysfsdev;	  /* mdev: /sys/bus/mdev/devices/<uuid> */
	bool nvidia_vgpu; /* an NVIDIA vGPU type set on a virtual function (mdev=nvidia-N) */
	/* -device arguments in Proxmox's order: a pcie-root-port first when it adds one */
	struct pt_strv devices;
};

struct pt_vm_hostpci_result {
	struct pt_vm_hostpci dev[PT_HOSTPCI_MAX];
	/*
	 * What `qm start` dies with: the first refusal in Proxmox's order (every device's own
	 * checks in index order first, then the choice among alternatives). Proxmox then passes
	 * no device at all; dev[].devices still says what each resolvable one would get.
	 */
	const char *start_error;
	bool template_skipped; /* a template: no hostpci reaches the command line */
	/* Side effects on the rest of the command line, from the resolvable devices: */
	bool kvm_off;	      /* x-vga: the CPU gets kvm=off (hides the KVM signature) */
	bool gpu_passthrough; /* x-vga: Windows guests get hv_vendor_id */
	bool vga_none;	      /* x-vga without a `vga:` key: no emulated VGA (-vga none) */
	bool legacy_igd;      /* legacy-igd: pci.2 becomes pci.2-igd */
};

/* Resolves every hostpciN of req. Returns 0 or -ENOMEM; refusals are in *ret. */
int pt_vm_hostpci_resolve(const struct pt_vm_hostpci_request *req,
			  struct pt_vm_hostpci_result *ret);
void pt_vm_hostpci_result_done(struct pt_vm_hostpci_result *r);

/* qemu-server Machine.pm machine_type_is_q35: the machine type (NULL: pc) names q35. */
bool pt_vm_machine_is_q35(const char *type);

/*
 * The host model's PCI functions as qemu-server sees them. The model does not read
 * mdev_supported_types/ or nvidia/, so mdev and nvidia are false. Returns 0 or -ENOMEM.
 */
int pt_vm_host_fns_from_host(const struct pt_host *h, struct pt_vm_host_fn **ret, size_t *n);
