/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node's VMs and what their configs refer to, for `passthru vm`: every
 * /etc/pve/qemu-server/<vmid>.conf (a pmxcfs link to this node's own directory, pve-docs
 * pmxcfs.adoc), whether it runs, the cluster's PCI mappings, the ROM files a romfile= can name
 * and the kernel's hugepage pools. Read on demand: the host commands never need them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "util/parse-num.h"

/* A config name qemu-server would read: "<digits>.conf" (parse_vm_config's filename rule). */
static bool vm_file(const char *name, unsigned long *vmid)
{
	char path[64];

	if (strlen(name) > 40)
		return false;
	snprintf(path, sizeof(path), "/qemu-server/%s", name);
	return pt_pveconf_vmid_from_path(path, vmid) == 0;
}

/*
 * Whether the VM runs: qemu-server's <vmid>.pid names a process that exists. Only the live
 * host says (a snapshot holds no processes).
 */
static enum pt_tristate running(struct pt_root *r, struct pt_host *h, unsigned long vmid)
{
	char path[96], *pid = NULL;
	uint64_t v;
	enum pt_tristate t = PT_NO;

	if (h->mode != PT_ROOT_LIVE)
		return PT_UNKNOWN;
	snprintf(path, sizeof(path), "%s/%lu.pid", pt_src_path(PT_SRC_QEMU_PIDS), vmid);
	if (pt_root_read_attr(r, path, &pid) < 0)
		return PT_NO;
	pid[strcspn(pid, "\n")] = '\0';
	if (pt_parse_u64(pid, strlen(pid), 10, UINT32_MAX, &v) == 0 && v > 0) {
		snprintf(path, sizeof(path), "%s/%llu", pt_src_path(PT_SRC_PROC),
			 (unsigned long long)v);
		t = pt_root_exists(r, path) ? PT_YES : PT_NO;
	}
	free(pid);
	return t;
}

static int read_vm(struct pt_root *r, struct pt_host *h, const char *name, unsigned long vmid,
		   struct pt_vm *vm)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	int e;

	snprintf(path, sizeof(path), "%s/%s", pt_src_path(PT_SRC_PVE_VMS), name);
	*vm = (struct pt_vm){.vmid = vmid, .path = strdup(path)};
	if (!vm->path)
		return -ENOMEM;
	e = pt_facts_read(r, h, path, pt_src_max(PT_SRC_PVE_VMS), &buf, &len);
	if (e == -ENOMEM)
		return e;
	if (e >= 0)
		e = pt_pveconf_parse(buf, len, path, vmid, &vm->conf);
	free(buf);
	if (e == -ENOMEM)
		return e;
	vm->err = e < 0 ? e : 0;
	vm->running = running(r, h, vmid);
	return 0;
}

static int cmp_vm(const void *a, const void *b)
{
	unsigned long x = ((const struct pt_vm *)a)->vmid, y = ((const struct pt_vm *)b)->vmid;

	return x < y ? -1 : x > y;
}

static int read_vms(struct pt_root *r, struct pt_host *h)
{
	struct pt_strv names = {0};
	int e = pt_root_list(r, pt_src_path(PT_SRC_PVE_VMS), &names);

	if (e < 0)
		return e == -ENOMEM ? e : 0;
	h->vms.known = true;
	h->vms.v = calloc(names.n ? names.n : 1, sizeof(*h->vms.v));
	if (!h->vms.v)
		e = -ENOMEM;
	for (size_t i = 0; e >= 0 && i < names.n; i++) {
		unsigned long vmid;

		if (vm_file(names.v[i], &vmid) &&
		    (e = read_vm(r, h, names.v[i], vmid, &h->vms.v[h->vms.n])) >= 0)
			h->vms.n++;
	}
	pt_strv_done(&names);
	qsort(h->vms.v, h->vms.n, sizeof(*h->vms.v), cmp_vm);
	return e < 0 ? e : 0;
}

static int read_mappings(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL;
	size_t len;
	int e = pt_facts_read(r, h, pt_src_path(PT_SRC_PVE_PCI_MAPPING),
			      pt_src_max(PT_SRC_PVE_PCI_MAPPING), &buf, &len);

	if (e == -ENOENT) {
		h->vms.mappings_known = PT_NO;
		return 0;
	}
	if (e < 0)
		return e == -ENOMEM ? e : 0;
	e = pt_pci_mappings_parse(buf, len, &h->vms.mappings);
	free(buf);
	if (e < 0)
		return e == -ENOMEM ? e : 0;
	h->vms.mappings_known = PT_YES;
	return 0;
}

/* The short host name: Proxmox's node name (PVE::INotify::nodename). */
static int read_node(struct pt_root *r, struct pt_host *h)
{
	char *name = NULL;

	if (h->mode != PT_ROOT_LIVE ||
	    pt_root_read_attr(r, pt_src_path(PT_SRC_HOSTNAME), &name) < 0)
		return 0;
	name[strcspn(name, ".")] = '\0';
	h->vms.node = name;
	return 0;
}

/* hugepages-<kB>kB directories: each pool's size and its page counts. */
static int read_pools(struct pt_root *r, struct pt_host *h)
{
	const char *dir = pt_src_path(PT_SRC_HUGEPAGES);
	struct pt_strv names = {0};
	int e = pt_root_list(r, dir, &names);

	if (e < 0)
		return e == -ENOMEM ? e : 0;
	h->vms.pools_known = true;
	for (size_t i = 0; i < names.n && h->vms.npools < ELEMENTSOF(h->vms.pools); i++) {
		struct pt_hugepage_pool *p = &h->vms.pools[h->vms.npools];
		static const char *const files[] = {"nr_hugepages", "free_hugepages"};
		long *counts[] = {&p->nr, &p->free};
		char kb[32], path[PATH_MAX];
		uint64_t size;

		if (sscanf(names.v[i], "hugepages-%30[0-9]kB", kb) != 1 ||
		    pt_parse_u64(kb, strlen(kb), 10, ULONG_MAX, &size) < 0)
			continue;
		p->size_kb = (unsigned long)size;
		for (size_t k = 0; k < 2; k++) {
			char *v = NULL;
			uint64_t n;

			*counts[k] = -1;
			snprintf(path, sizeof(path), "%s/%s/%s", dir, names.v[i], files[k]);
			if (pt_facts_attr(r, h, path, &v) >= 0 &&
			    pt_parse_u64(v, strcspn(v, "\n"), 10, LONG_MAX, &n) == 0)
				*counts[k] = (long)n;
			free(v);
		}
		h->vms.npools++;
	}
	pt_strv_done(&names);
	return 0;
}

int pt_facts_vms(struct pt_root *r, struct pt_host *h)
{
	int e;

	if ((e = read_vms(r, h)) < 0 || (e = read_mappings(r, h)) < 0 ||
	    (e = read_node(r, h)) < 0 || (e = read_pools(r, h)) < 0)
		return e;
	e = pt_root_list(r, pt_src_path(PT_SRC_KVM_ROMS), &h->vms.roms);
	if (e == -ENOMEM)
		return e;
	h->vms.roms_known = e >= 0;
	return 0;
}
