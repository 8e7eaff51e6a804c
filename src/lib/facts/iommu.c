/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IOMMU groups, units and firmware tables (docs/facts.md, "An active IOMMU and interrupt
 * remapping").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "util/parse-num.h"

#define GROUPS_DIR pt_src_path(PT_SRC_IOMMU_GROUPS)

static enum pt_tristate table_present(struct pt_root *r, enum pt_source_id table)
{
	if (pt_root_exists(r, pt_src_path(table)))
		return PT_YES;
	/* Without the tables directory (old snapshots, non-ACPI) we cannot say "no". */
	return pt_root_exists(r, pt_src_path(PT_SRC_ACPI_TABLES)) ? PT_NO : PT_UNKNOWN;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int add_member(struct pt_iommu_group *g, size_t idx)
{
	size_t *m;

	for (size_t i = 0; i < g->nmembers; i++)
		if (g->members[i] == idx)
			return 0;
	m = realloc(g->members, (g->nmembers + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	g->members = m;
	g->members[g->nmembers++] = idx;
	return 0;
}

static struct pt_iommu_group *group_get(struct pt_host *h, int id)
{
	struct pt_iommu_group *g;

	for (size_t i = 0; i < h->ngroups; i++)
		if (h->groups[i].id == id)
			return &h->groups[i];
	g = realloc(h->groups, (h->ngroups + 1) * sizeof(*g));
	if (!g)
		return NULL;
	h->groups = g;
	g = &h->groups[h->ngroups++];
	*g = (struct pt_iommu_group){.id = id};
	return g;
}

/* Members listed in /sys/kernel/iommu_groups/<id>/devices. */
static int read_group_dir(struct pt_root *r, struct pt_host *h, int id, const char *name)
{
	struct pt_iommu_group *g = group_get(h, id);
	struct pt_strv members = {0};
	char path[PATH_MAX];
	int e = 0;

	if (!g)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s/type", GROUPS_DIR, name);
	pt_facts_attr(r, h, path, &g->type);
	snprintf(path, sizeof(path), "%s/%s/devices", GROUPS_DIR, name);
	if (pt_root_list(r, path, &members) < 0)
		return 0;
	for (size_t i = 0; i < members.n && e >= 0; i++) {
		struct pt_bdf b;
		long idx;

		if (pt_bdf_parse(members.v[i], strlen(members.v[i]), &b) < 0)
			continue; /* non-PCI members (platform devices) are not ours to list */
		idx = pt_host_dev_index(h, &b);
		if (idx < 0) {
			snprintf(path, sizeof(path), "%s/%s/devices/%s", GROUPS_DIR, name,
				 members.v[i]);
			pt_facts_problem(h, path, "member is missing from /sys/bus/pci/devices");
			continue;
		}
		if ((h->devs[idx].have & PT_PCI_HAVE_GROUP) && h->devs[idx].iommu_group != id) {
			pt_facts_problem(h, path, "member's iommu_group link names another group");
			continue;
		}
		h->devs[idx].iommu_group = id;
		h->devs[idx].have |= PT_PCI_HAVE_GROUP;
		e = add_member(g, (size_t)idx);
	}
	pt_strv_done(&members);
	return e;
}

static int cmp_group(const void *a, const void *b)
{
	int x = ((const struct pt_iommu_group *)a)->id, y = ((const struct pt_iommu_group *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * /proc/interrupts chip names: "IR-" means interrupt remapping is on (linux
 * arch/x86/kernel/apic/io_apic.c ioapic_ir_chip).
 */
static int read_interrupts(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL;
	size_t len;
	int e;

	if (pt_root_read_file(r, pt_src_path(PT_SRC_PROC_INTERRUPTS),
			      pt_src_max(PT_SRC_PROC_INTERRUPTS), &buf, &len) < 0)
		return 0;
	e = pt_interrupts_parse(buf, len, &h->interrupts);
	free(buf);
	if (e < 0)
		return e == -ENOMEM ? e : 0;
	h->interrupts_known = h->interrupts.ncpus > 0;
	return 0;
}

/* The first Intel unit's ecap (bit 3: interrupt remapping supported by the hardware). */
static void read_ecap(struct pt_root *r, struct pt_host *h)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < h->iommu_units.n; i++) {
		if (strncmp(h->iommu_units.v[i], "dmar", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/intel-iommu/ecap",
			 pt_src_path(PT_SRC_IOMMU_UNITS), h->iommu_units.v[i]);
		if (pt_facts_attr(r, h, path, &h->ecap) == 0) {
			h->ecap_path = strdup(path);
			if (!h->ecap_path) {
				free(h->ecap);
				h->ecap = NULL;
			}
			return;
		}
	}
}

int pt_facts_iommu(struct pt_root *r, struct pt_host *h)
{
	struct pt_strv names = {0};
	int e = 0;

	h->acpi_dmar = table_present(r, PT_SRC_ACPI_DMAR);
	h->acpi_ivrs = table_present(r, PT_SRC_ACPI_IVRS);
	pt_root_list(r, pt_src_path(PT_SRC_IOMMU_UNITS), &h->iommu_units);
	pt_strv_sort(&h->iommu_units);
	read_ecap(r, h);
	if ((e = read_interrupts(r, h)) < 0)
		return e;

	if (pt_root_list(r, GROUPS_DIR, &names) == 0) {
		for (size_t i = 0; i < names.n && e >= 0; i++) {
			uint32_t id;

			if (pt_parse_u32(names.v[i], strlen(names.v[i]), 10, &id) == 0 &&
			    id <= INT_MAX)
				e = read_group_dir(r, h, (int)id, names.v[i]);
		}
		pt_strv_done(&names);
	}
	/* A device link may name a group whose directory the snapshot lacks. */
	for (size_t i = 0; i < h->ndevs && e >= 0; i++) {
		struct pt_iommu_group *g;

		if (!(h->devs[i].have & PT_PCI_HAVE_GROUP))
			continue;
		g = group_get(h, h->devs[i].iommu_group);
		e = g ? add_member(g, i) : -ENOMEM;
	}
	if (e < 0)
		return e;
	/* qsort's pointer must not be NULL even for zero elements (C17 7.22.5). */
	for (size_t i = 0; i < h->ngroups; i++)
		if (h->groups[i].nmembers > 1)
			qsort(h->groups[i].members, h->groups[i].nmembers, sizeof(size_t),
			      cmp_size);
	if (h->ngroups > 1)
		qsort(h->groups, h->ngroups, sizeof(*h->groups), cmp_group);
	return 0;
}

static void vfio_status(struct pt_root *r, struct pt_iommu_group *g)
{
	int v = pt_root_vfio_group_viable(r, g->id);

	g->vfio = v == 1	     ? PT_VFIO_VIABLE
		  : v == 0	     ? PT_VFIO_NOT_VIABLE
		  : v == -EBUSY	     ? PT_VFIO_BUSY
		  : v == -EOPNOTSUPP ? PT_VFIO_NOT_LIVE
		  : v == -ENOENT     ? PT_VFIO_ABSENT
				     : PT_VFIO_ERROR;
	g->vfio_errno = v < 0 ? -v : 0;
}

int pt_facts_vfio_status(struct pt_root *r, struct pt_host *h, const struct pt_bdf *slot)
{
	for (size_t i = 0; i < h->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[i];

		if (!pt_bdf_same_slot(&d->bdf, slot) || !(d->have & PT_PCI_HAVE_GROUP))
			continue;
		for (size_t g = 0; g < h->ngroups; g++)
			if (h->groups[g].id == d->iommu_group &&
			    h->groups[g].vfio == PT_VFIO_NOT_READ)
				vfio_status(r, &h->groups[g]);
	}
	return 0;
}
