/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/companions.h"
#include "render/json.h"

static json_object *hex(unsigned v, int digits, bool known)
{
	char buf[16];

	if (!known)
		return NULL; /* json-c prints a NULL member as null */
	snprintf(buf, sizeof(buf), "%0*x", digits, v);
	return json_object_new_string(buf);
}

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *tristate(enum pt_tristate t)
{
	return t == PT_UNKNOWN ? NULL : json_object_new_boolean(t == PT_YES);
}

static json_object *strv(const struct pt_strv *sv)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < sv->n; i++)
		json_object_array_add(a, json_object_new_string(sv->v[i]));
	return a;
}

static json_object *modules(const struct pt_pci_dev *d)
{
	json_object *a;

	if (!(d->have & PT_PCI_HAVE_MODULES))
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; i < d->nmodules; i++) {
		json_object *m = json_object_new_object();

		json_object_object_add(m, "name", json_object_new_string(d->modules[i].name));
		json_object_object_add(m, "builtin", tristate(d->modules[i].builtin));
		json_object_object_add(m, "loaded", tristate(d->modules[i].loaded));
		json_object_array_add(a, m);
	}
	return a;
}

static json_object *slot_of(const struct pt_bdf *b, bool known)
{
	char buf[PT_BDF_STRLEN];

	return known ? json_object_new_string(pt_bdf_format(b, buf)) : NULL;
}

json_object *pt_json_device(const struct pt_host *h, const struct pt_pci_dev *d)
{
	json_object *o = json_object_new_object();
	unsigned have = d->have;

	/* The contract keys first (docs/json.md). */
	json_object_object_add(o, "slot", json_object_new_string(d->slot));
	json_object_object_add(o, "iommu_group",
			       (have & PT_PCI_HAVE_GROUP) ? json_object_new_int(d->iommu_group)
							  : NULL);
	json_object_object_add(o, "vendor_id", hex(d->vendor, 4, have & PT_PCI_HAVE_VENDOR));
	json_object_object_add(o, "device_id", hex(d->device, 4, have & PT_PCI_HAVE_DEVICE));
	json_object_object_add(o, "class_id", hex(d->class >> 8, 4, have & PT_PCI_HAVE_CLASS));
	json_object_object_add(o, "driver", str(d->driver));

	json_object_object_add(o, "prog_if", hex(d->class & 0xff, 2, have & PT_PCI_HAVE_CLASS));
	json_object_object_add(o, "subsystem_vendor_id",
			       hex(d->subsys_vendor, 4, have & PT_PCI_HAVE_SUBSYS));
	json_object_object_add(o, "subsystem_device_id",
			       hex(d->subsys_device, 4, have & PT_PCI_HAVE_SUBSYS));
	json_object_object_add(o, "revision", hex(d->revision, 2, have & PT_PCI_HAVE_REVISION));
	json_object_object_add(o, "vendor", str(d->vendor_name));
	json_object_object_add(o, "device", str(d->device_name));
	json_object_object_add(o, "class", str(d->class_name));
	json_object_object_add(o, "subsystem", str(d->subsys_name));
	json_object_object_add(o, "driver_override", str(d->driver_override));
	json_object_object_add(o, "modules", modules(d));
	json_object_object_add(o, "numa_node",
			       (have & PT_PCI_HAVE_NUMA) && d->numa_node >= 0
				       ? json_object_new_int(d->numa_node)
				       : NULL);
	json_object_object_add(o, "local_cpulist", str(d->local_cpulist));
	json_object_object_add(o, "boot_vga", tristate(d->boot_vga));
	json_object_object_add(o, "reset_methods",
			       (have & PT_PCI_HAVE_RESET) ? strv(&d->reset_methods) : NULL);
	json_object_object_add(o, "bridge", json_object_new_boolean(d->is_bridge));
	json_object_object_add(o, "parent", slot_of(d->upstream, d->nupstream > 0));
	json_object_object_add(o, "physfn", slot_of(&d->physfn_bdf, d->has_physfn_bdf));
	json_object_object_add(
		o, "sriov_totalvfs",
		(have & PT_PCI_HAVE_SRIOV) ? json_object_new_int((int)d->sriov_totalvfs) : NULL);
	json_object_object_add(
		o, "sriov_numvfs",
		(have & PT_PCI_HAVE_SRIOV) ? json_object_new_int((int)d->sriov_numvfs) : NULL);
	(void)h;
	return o;
}

static const char *state_name(enum pt_iommu_state s)
{
	switch (s) {
	case PT_IOMMU_ACTIVE:
		return "active";
	case PT_IOMMU_UNITS_NO_GROUPS:
		return "no-groups";
	case PT_IOMMU_OFF_BY_CMDLINE:
		return "off-by-cmdline";
	case PT_IOMMU_OFF_IN_KERNEL:
		return "off-in-kernel";
	case PT_IOMMU_NO_FIRMWARE:
		return "no-firmware";
	default:
		return "unknown";
	}
}

json_object *pt_json_iommu(const struct pt_host *h, const struct pt_iommu_verdict *v)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "state", json_object_new_string(state_name(v->state)));
	json_object_object_add(o, "reason", str(v->reason));
	json_object_object_add(o, "units", strv(&h->iommu_units));
	json_object_object_add(o, "acpi_dmar", tristate(h->acpi_dmar));
	json_object_object_add(o, "acpi_ivrs", tristate(h->acpi_ivrs));
	return o;
}

int pt_json_groups(const struct pt_host *h, json_object *doc)
{
	json_object *groups = json_object_new_array(), *ungrouped = json_object_new_array();

	for (size_t g = 0; g < h->ngroups; g++) {
		json_object *go = json_object_new_object(), *devs = json_object_new_array();

		json_object_object_add(go, "group", json_object_new_int(h->groups[g].id));
		json_object_object_add(go, "type", str(h->groups[g].type));
		for (size_t m = 0; m < h->groups[g].nmembers; m++)
			json_object_array_add(devs,
					      pt_json_device(h, &h->devs[h->groups[g].members[m]]));
		json_object_object_add(go, "devices", devs);
		json_object_array_add(groups, go);
	}
	for (size_t i = 0; i < h->ndevs; i++)
		if (!(h->devs[i].have & PT_PCI_HAVE_GROUP))
			json_object_array_add(ungrouped, pt_json_device(h, &h->devs[i]));
	json_object_object_add(doc, "groups", groups);
	json_object_object_add(doc, "ungrouped", ungrouped);
	return 0;
}

int pt_json_gpus(const struct pt_host *h, json_object *doc, size_t *ret_count)
{
	struct pt_companion *comp = calloc(h->ndevs ? h->ndevs : 1, sizeof(*comp));
	json_object *gpus = json_object_new_array();
	size_t count = 0;

	if (!comp) {
		json_object_put(gpus);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->ndevs; i++) {
		json_object *go, *with;
		size_t n;

		if (!pt_pci_is_display(&h->devs[i]))
			continue;
		count++;
		go = pt_json_device(h, &h->devs[i]);
		with = json_object_new_array();
		n = pt_companions(h, i, comp);
		for (size_t k = 0; k < n; k++) {
			json_object *c = pt_json_device(h, &h->devs[comp[k].idx]);

			json_object_object_add(
				c, "reason",
				json_object_new_string(pt_companion_reason_id(comp[k].reason)));
			json_object_array_add(with, c);
		}
		json_object_object_add(go, "travels_with", with);
		json_object_array_add(gpus, go);
	}
	free(comp);
	json_object_object_add(doc, "gpus", gpus);
	*ret_count = count;
	return 0;
}

int pt_json_print(json_object *doc, FILE *out)
{
	const char *s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_SPACED |
								    JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!s)
		return -ENOMEM;
	fputs(s, out);
	fputc('\n', out);
	return 0;
}
