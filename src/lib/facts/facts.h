/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Facts: read a root into the host model. Nothing here prints or decides. */
#pragma once

#include "model/host.h"
#include "model/sources.h"
#include "root.h"

struct pt_facts_opts {
	/* A pci.ids file on the real file system (like lspci -i); NULL: the root's own copy. */
	const char *pci_ids_path;
};

int pt_facts_gather(struct pt_root *r, const struct pt_facts_opts *opts, struct pt_host *h);

/* The steps, in the order pt_facts_gather runs them. */
int pt_facts_kernel(struct pt_root *r, struct pt_host *h);
int pt_facts_pci(struct pt_root *r, struct pt_host *h);
/* The PCI drivers registered now (/sys/bus/pci/drivers): vfio-pci once it is loaded. */
int pt_facts_pci_drivers(struct pt_root *r, struct pt_host *h);
int pt_facts_iommu(struct pt_root *r, struct pt_host *h);
int pt_facts_names(struct pt_root *r, const char *pci_ids_path, struct pt_host *h);
/*
 * On demand (verify): /dev/vfio/<group> of every IOMMU group a function of slot's slot is in,
 * asked VFIO_GROUP_GET_STATUS on the running host (pt_iommu_group.vfio). 0 or -errno.
 */
int pt_facts_vfio_status(struct pt_root *r, struct pt_host *h, const struct pt_bdf *slot);
int pt_facts_modconf(struct pt_root *r, struct pt_host *h);
/*
 * On demand (vm): the node's VM configs, whether each runs, /etc/pve/mapping/pci.cfg, the
 * node name, the ROM files under /usr/share/kvm and the hugepage pools (pt_host.vms).
 * 0 or -ENOMEM; what cannot be read stays unknown.
 */
int pt_facts_vms(struct pt_root *r, struct pt_host *h);
int pt_facts_modules(struct pt_root *r, struct pt_host *h);
int pt_facts_cpu(struct pt_root *r, struct pt_host *h);
int pt_facts_cmdline(struct pt_root *r, struct pt_host *h);
int pt_facts_kconfig(struct pt_root *r, struct pt_host *h);
int pt_facts_boot(struct pt_root *r, struct pt_host *h);
int pt_facts_boot_disks(struct pt_root *r, struct pt_host *h);
int pt_facts_uplinks(struct pt_root *r, struct pt_host *h);
int pt_facts_iomem(struct pt_root *r, struct pt_host *h);
/* The exact bytes of the files `plan` may edit (pt_host.raw_files), then pt_facts_plan_parse. */
int pt_facts_plan_files(struct pt_root *r, struct pt_host *h);
/*
 * Parses, from what facts read, everything the planner reads parsed: the raw files' override
 * lines, /etc/kernel/cmdline's first line and the drop-in's parameters; the GRUB values and
 * the GRUB linux line; the kernel command-line file. Replaces what an earlier call parsed, so
 * a test that edits those inputs calls it again. -ENOMEM only.
 */
int pt_facts_plan_parse(struct pt_host *h);

/*
 * One function's binding as the kernel shows it now: its driver (NULL: unbound) and its
 * driver_override (NULL: unset), read the way pt_facts_pci reads them. Runtime binding
 * re-reads after each step: the kernel is the truth. -errno when either cannot be read.
 */
int pt_facts_pci_binding(struct pt_root *r, const char *slot, char **ret_driver,
			 char **ret_override);

/* Records "path: why" in h->problems (facts never print). */
void pt_facts_problem(struct pt_host *h, const char *path, const char *why);
/* Reads a file of at most max bytes; -ENOENT and friends quietly, other failures noted. */
int pt_facts_read(struct pt_root *r, struct pt_host *h, const char *path, size_t max, char **ret,
		  size_t *ret_len);
/* Reads an attribute; -ENOENT and friends are returned quietly, other failures noted. */
int pt_facts_attr(struct pt_root *r, struct pt_host *h, const char *path, char **ret);
