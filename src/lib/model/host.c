/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "model/host.h"
#include "util/strbuf.h"
#include "util/macro.h"

static void dev_done(struct pt_pci_dev *d)
{
	free(d->sysfs_path);
	free(d->upstream);
	free(d->vendor_name);
	free(d->device_name);
	free(d->class_name);
	free(d->subsys_name);
	free(d->driver);
	free(d->driver_override);
	free(d->local_cpulist);
	free(d->modalias);
	pt_strv_done(&d->reset_methods);
	free(d->config);
	for (size_t i = 0; i < d->nmodules; i++)
		free(d->modules[i].name);
	free(d->modules);
	for (size_t i = 0; i < d->nmem; i++)
		free(d->mem[i].name);
	free(d->mem);
}

static void grub_var_done(struct pt_grub_var *v)
{
	free(v->value);
	free(v->file);
	free(v->overridden_file);
	pt_cmdline_done(&v->parsed);
}

static void vms_done(struct pt_vms *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].path);
		pt_pveconf_done(&v->v[i].conf);
	}
	free(v->v);
	pt_pci_mappings_done(&v->mappings);
	free(v->node);
	pt_strv_done(&v->roms);
	*v = (struct pt_vms){0};
}

const struct pt_vm *pt_host_find_vm(const struct pt_host *h, unsigned long vmid)
{
	for (size_t i = 0; i < h->vms.n; i++)
		if (h->vms.v[i].vmid == vmid)
			return &h->vms.v[i];
	return NULL;
}

const struct pt_hugepage_pool *pt_host_find_pool(const struct pt_host *h, unsigned long size_kb)
{
	for (size_t i = 0; i < h->vms.npools; i++)
		if (h->vms.pools[i].size_kb == size_kb)
			return &h->vms.pools[i];
	return NULL;
}

void pt_host_done(struct pt_host *h)
{
	vms_done(&h->vms);
	for (size_t i = 0; i < h->nraw_files; i++) {
		free(h->raw_files[i].path);
		free(h->raw_files[i].data);
	}
	free(h->raw_files);
	pt_cmdline_done(&h->plan_kernel_cmdline);
	pt_overrides_done(&h->plan_overrides);
	for (size_t i = 0; i < h->ndevs; i++)
		dev_done(&h->devs[i]);
	free(h->devs);
	for (size_t i = 0; i < h->ngroups; i++) {
		free(h->groups[i].type);
		free(h->groups[i].members);
	}
	free(h->groups);
	pt_snapshot_meta_done(&h->meta);
	free(h->kernel_release);
	pt_strv_done(&h->iommu_units);
	pt_strv_done(&h->loaded_modules);
	pt_strv_done(&h->pci_drivers);
	pt_cmdline_done(&h->cmdline);
	free(h->cmdline_raw);
	pt_kconfig_done(&h->kconfig);
	free(h->boot.loader_info);
	pt_strv_done(&h->boot.esp_uuids);
	free(h->boot.kernel_cmdline_file);
	pt_cmdline_done(&h->boot.kernel_cmdline);
	pt_strv_done(&h->grub.files);
	pt_strv_done(&h->grub.errors);
	grub_var_done(&h->grub.cmdline_linux);
	grub_var_done(&h->grub.cmdline_linux_default);
	pt_cmdline_done(&h->grub.linux_line);
	pt_cmdline_done(&h->grub.dropin);
	pt_interrupts_done(&h->interrupts);
	free(h->ecap_path);
	free(h->ecap);
	pt_modbuiltin_done(&h->builtin);
	pt_cpuinfo_done(&h->cpu);
	pt_modprobe_files_done(&h->modprobe_files);
	pt_modprobe_set_done(&h->modprobe);
	for (size_t i = 0; i < h->nmodule_lists; i++) {
		free(h->module_lists[i].path);
		pt_modlist_done(&h->module_lists[i].list);
	}
	free(h->module_lists);
	pt_strv_done(&h->problems);
	for (size_t i = 0; i < h->nboot_disks; i++) {
		struct pt_boot_disk *b = &h->boot_disks[i];

		free(b->mount);
		free(b->source);
		free(b->fstype);
		free(b->block);
		free(b->sys_path);
		free(b->unknown);
	}
	free(h->boot_disks);
	for (size_t i = 0; i < h->nuplinks; i++) {
		struct pt_uplink *u = &h->uplinks[i];

		free(u->route_iface);
		free(u->iface);
		free(u->sys_path);
		free(u->unknown);
	}
	free(h->uplinks);
	pt_strv_done(&h->blocks_read);
	pt_strv_done(&h->nets_read);
	for (size_t i = 0; i < h->nframebuffers; i++)
		free(h->framebuffers[i].name);
	free(h->framebuffers);
	*h = (struct pt_host){0};
}

bool pt_host_boot_disks_decided(const struct pt_host *h)
{
	if (!h->mounts_known || !h->nboot_disks)
		return false;
	for (size_t i = 0; i < h->nboot_disks; i++)
		if (h->boot_disks[i].unknown)
			return false;
	return true;
}

bool pt_host_uplinks_decided(const struct pt_host *h)
{
	if (!h->routes_known || !h->routes_have_default)
		return false;
	for (size_t i = 0; i < h->nuplinks; i++)
		if (h->uplinks[i].unknown)
			return false;
	return true;
}

long pt_host_dev_index(const struct pt_host *h, const struct pt_bdf *bdf)
{
	size_t lo = 0, hi = h->ndevs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = pt_bdf_cmp(&h->devs[mid].bdf, bdf);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct pt_pci_dev *pt_host_find_dev(const struct pt_host *h, const struct pt_bdf *bdf)
{
	long i = pt_host_dev_index(h, bdf);

	return i < 0 ? NULL : &h->devs[i];
}

const struct pt_iommu_group *pt_host_find_group(const struct pt_host *h, int id)
{
	for (size_t i = 0; i < h->ngroups; i++)
		if (h->groups[i].id == id)
			return &h->groups[i];
	return NULL;
}

bool pt_pci_is_display(const struct pt_pci_dev *d)
{
	return (d->have & PT_PCI_HAVE_CLASS) && (d->class >> 16) == 0x03;
}

bool pt_pci_on_root_bus(const struct pt_pci_dev *d)
{
	const char *p = d->sysfs_path ? strstr(d->sysfs_path, "/devices/pci") : NULL;
	const char *colon = p ? strchr(p + strlen("/devices/pci"), ':') : NULL;
	unsigned long bus;
	char *end;

	if (d->nupstream || !colon)
		return false;
	bus = strtoul(colon + 1, &end, 16);
	return end == colon + 3 && bus == d->bdf.bus;
}

bool pt_pci_is_intel_igpu(const struct pt_pci_dev *d)
{
	return pt_pci_is_display(d) && (d->have & PT_PCI_HAVE_VENDOR) && d->vendor == 0x8086 &&
	       pt_pci_on_root_bus(d);
}

bool pt_pci_is_host_bridge(const struct pt_pci_dev *d)
{
	return (d->have & PT_PCI_HAVE_CLASS) && (d->class >> 8) == 0x0600;
}

const struct pt_raw_file *pt_host_raw_file(const struct pt_host *h, const char *path)
{
	for (size_t i = 0; i < h->nraw_files; i++)
		if (streq(h->raw_files[i].path, path))
			return &h->raw_files[i];
	return NULL;
}

char *pt_pci_label(const struct pt_pci_dev *d)
{
	struct pt_strbuf sb = {0};

	if (d->class_name)
		pt_strbuf_printf(&sb, "%s (%s)", d->slot, d->class_name);
	else if (d->have & PT_PCI_HAVE_CLASS)
		pt_strbuf_printf(&sb, "%s (class %04x)", d->slot, d->class >> 8);
	else
		pt_strbuf_puts(&sb, d->slot);
	return pt_strbuf_steal(&sb);
}

char *pt_pci_attr_path(const struct pt_pci_dev *d, const char *attr)
{
	struct pt_strbuf sb = {0};

	pt_strbuf_printf(&sb, "/sys/bus/pci/devices/%s/%s", d->slot, attr);
	return pt_strbuf_steal(&sb);
}

const struct pt_modlist_file *pt_host_module_list(const struct pt_host *h, const char *path)
{
	for (size_t i = 0; i < h->nmodule_lists; i++)
		if (streq(h->module_lists[i].path, path))
			return &h->module_lists[i];
	return NULL;
}
