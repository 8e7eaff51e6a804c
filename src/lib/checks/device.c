/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-device checks: subjects, the passthrough set, group isolation and the critical guard. */
#include <stdio.h>
#include <stdlib.h>

#include "checks/device.h"
#include "derive/guards.h"
#include "derive/set.h"
#include "derive/iommu.h"
#include "util/strbuf.h"

/* How the kernel forms a group, and what Proxmox does with the rest of it at VM start. */
#define GROUP_FACT                                                                \
	"linux drivers/iommu/iommu.c pci_device_group; pve-common SysFSTools.pm " \
	"pci_dev_group_bind_to_vfio"
/* Proxmox gives every member of the group to vfio-pci: the host loses what is in the set. */
#define GROUP_BIND_FACT "pve-common SysFSTools.pm pci_dev_group_bind_to_vfio"

int pt_for_each_subject(const struct pt_host *h, const struct pt_verdicts *vd,
			const struct pt_check_opts *o, struct pt_findings *out,
			int (*fn)(const struct pt_dev_ctx *c))
{
	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_dev_ctx c = {h, vd, o, i, &h->devs[i], out};
		bool chosen = false;
		int e;

		if (o->ndevices == 0)
			chosen = pt_pci_is_display(&h->devs[i]);
		for (size_t k = 0; k < o->ndevices && !chosen; k++)
			chosen = pt_bdf_cmp(&o->devices[k], &h->devs[i].bdf) == 0;
		if (!chosen)
			continue;
		e = fn(&c);
		if (e < 0)
			return e;
	}
	return 0;
}

/* Appends "a, b, c" to sb: the labels of the devices whose flag is set. */
static void join_labels(const struct pt_host *h, const bool *which, struct pt_strbuf *sb)
{
	const char *sep = "";

	for (size_t i = 0; i < h->ndevs; i++) {
		char *label;

		if (!which[i])
			continue;
		label = pt_pci_label(&h->devs[i]);
		pt_strbuf_printf(sb, "%s%s", sep, label ? label : h->devs[i].slot);
		free(label);
		sep = ", ";
	}
}

static char *group_devices_value(const struct pt_host *h, const struct pt_iommu_group *g)
{
	struct pt_strbuf sb = {0};

	for (size_t m = 0; g && m < g->nmembers; m++)
		pt_strbuf_printf(&sb, "%s%s", m ? " " : "", h->devs[g->members[m]].slot);
	return pt_strbuf_steal(&sb);
}

/* Evidence: the membership of every group the set touches. */
static void group_evidence(const struct pt_dev_ctx *c, struct pt_finding *f, const bool *in_set)
{
	const struct pt_host *h = c->h;

	for (size_t g = 0; g < h->ngroups; g++) {
		bool touched = false;
		char path[64], *value;

		for (size_t m = 0; m < h->groups[g].nmembers && !touched; m++)
			touched = in_set[h->groups[g].members[m]];
		if (!touched)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices",
			 h->groups[g].id);
		value = group_devices_value(h, &h->groups[g]);
		pt_finding_evidence(c->out, f, path, value);
		free(value);
	}
}

static void group_none_hint(const struct pt_dev_ctx *c, struct pt_finding *f,
			    const struct pt_ungrouped_verdict *u)
{
	switch (u->cause) {
	case PT_UNGROUPED_NO_IOMMU:
		pt_finding_hint(c->out, f,
				"a device outside every IOMMU group cannot be given to a VM: "
				"enable the IOMMU (see the platform findings)");
		break;
	case PT_UNGROUPED_GFX_PARAM:
		pt_finding_hint(c->out, f,
				"remove %s where this host's command line is configured "
				"(boot.path), apply it, reboot: no later parameter turns graphics "
				"mapping back on",
				u->param);
		break;
	case PT_UNGROUPED_GFX:
		pt_finding_hint(
			c->out, f,
			"a device outside every IOMMU group cannot be given to a VM, and no "
			"kernel parameter brings it back (intel_iommu=on does not turn "
			"graphics mapping on): the kernel log says why (dmesg | grep -i -e "
			"DMAR -e IOMMU)");
		break;
	case PT_UNGROUPED_OTHER:
		pt_finding_hint(c->out, f,
				"a device outside every IOMMU group cannot be given to a VM: the "
				"kernel log says why (dmesg | grep -i -e DMAR -e IOMMU -e AMD-Vi)");
		break;
	}
}

static int group_none(const struct pt_dev_ctx *c)
{
	struct pt_ungrouped_verdict u;
	struct pt_finding *f;
	char *path;
	int e = pt_ungrouped_judge(c->h, &c->vd->iommu, c->idx, &u);

	if (e < 0)
		return e;
	f = pt_findings_add(
		c->out, PT_AREA_DEVICE, "group.none", PT_SEV_FAIL, c->d,
		u.cause == PT_UNGROUPED_NO_IOMMU || u.cause == PT_UNGROUPED_OTHER
			? "linux ABI sysfs-kernel-iommu_groups; "
			  "drivers/iommu/iommu.c iommu_group_add_device"
			: "linux drivers/iommu/intel/iommu.c init_no_remapping_devices");
	pt_finding_message(c->out, f, "not in an IOMMU group: %s", u.reason);
	group_none_hint(c, f, &u);
	path = pt_pci_attr_path(c->d, "iommu_group");
	pt_finding_evidence(c->out, f, path, NULL);
	if (u.cause == PT_UNGROUPED_GFX_PARAM)
		pt_finding_evidence(c->out, f, "/proc/cmdline", u.param);
	pt_ungrouped_verdict_done(&u);
	free(path);
	return 0;
}

/*
 * Sorts the passthrough set: the subject's own slot travels with it, bridges and ports stay
 * with the host (Proxmox skips members with a pci_bus/ dir: pve-common SysFSTools.pm
 * pci_dev_group_bind_to_vfio), every other endpoint counts against isolation.
 */
static size_t split_set(const struct pt_dev_ctx *c, const bool *in_set, bool *slot, bool *bridges,
			bool *others)
{
	size_t nothers = 0;

	for (size_t i = 0; i < c->h->ndevs; i++) {
		const struct pt_pci_dev *m = &c->h->devs[i];

		slot[i] = bridges[i] = others[i] = false;
		if (!in_set[i] || i == c->idx)
			continue;
		if (pt_bdf_same_slot(&m->bdf, &c->d->bdf))
			slot[i] = true;
		else if (m->is_bridge)
			bridges[i] = true;
		else
			others[i] = true, nothers++;
	}
	return nothers;
}

static bool any(const bool *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			return true;
	return false;
}

static void group_verdict(const struct pt_dev_ctx *c, const bool *in_set, bool *slot, bool *bridges,
			  bool *others)
{
	size_t n = c->h->ndevs, nothers = split_set(c, in_set, slot, bridges, others);
	struct pt_strbuf sb = {0};
	struct pt_finding *f;

	if (nothers) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "group.shared", PT_SEV_FAIL, c->d,
				    GROUP_FACT);
		pt_strbuf_printf(&sb, "IOMMU group %d also holds %zu other device%s: ",
				 c->d->iommu_group, nothers, nothers == 1 ? "" : "s");
		join_labels(c->h, others, &sb);
		pt_finding_hint(
			c->out, f,
			"at VM start Proxmox binds every member of the group to vfio-pci and "
			"the host loses them: try another slot (see acs.*), or accept "
			"passing them all");
		for (size_t i = 0; i < n; i++)
			if (others[i])
				pt_finding_device(c->out, f, i);
	} else {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "group.isolated", PT_SEV_PASS, c->d,
				    GROUP_FACT);
		pt_strbuf_printf(&sb, "isolated: IOMMU group %d holds no other endpoint",
				 c->d->iommu_group);
	}
	if (any(slot, n)) {
		pt_strbuf_puts(&sb, "; its slot's functions travel with it: ");
		join_labels(c->h, slot, &sb);
	}
	if (any(bridges, n)) {
		pt_strbuf_puts(&sb, "; bridges stay with the host: ");
		join_labels(c->h, bridges, &sb);
	}
	pt_finding_message(c->out, f, "%s", pt_strbuf_str(&sb) ? pt_strbuf_str(&sb) : "");
	group_evidence(c, f, in_set);
	pt_strbuf_done(&sb);
}

int pt_check_dev_group(const struct pt_dev_ctx *c)
{
	size_t n = c->h->ndevs;
	bool *buf;

	if (!(c->d->have & PT_PCI_HAVE_GROUP))
		return group_none(c);
	buf = calloc(4 * n, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	pt_passthrough_set(c->h, c->idx, buf);
	group_verdict(c, buf, buf + n, buf + 2 * n, buf + 3 * n);
	free(buf);
	return 0;
}

/* ---- the guards (checks/guard.c): the verdict plan and bind act on, as findings ---- */

struct guard_finding {
	const char *fact;
	enum pt_severity severity;
};

/*
 * check exit 1 means "not ready": a fail only where passing the device certainly breaks the
 * host or cannot work (a bridge, the host bridge). The console GPU is a warning, whether it
 * is the only display or another stays: a headless host is a legitimate set-up, and `check`
 * judges every display device by default, the one the host keeps too; so `check` says it
 * and plan, apply and bind refuse until --force says the user means it. The chipset
 * functions likewise: what the host loses with them (TPM, sensors, watchdog) depends on the
 * board.
 */
static struct guard_finding guard_finding(enum pt_guard_kind k)
{
	switch (k) {
	case PT_GUARD_HOST_BRIDGE:
		return (struct guard_finding){
			"PCI class 0x0600: linux include/linux/pci_ids.h PCI_CLASS_BRIDGE_HOST",
			PT_SEV_FAIL};
	case PT_GUARD_BRIDGE:
		return (struct guard_finding){
			"linux drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_register_device "
			"(type-0 headers only); pve-common SysFSTools.pm "
			"pci_dev_group_bind_to_vfio",
			PT_SEV_FAIL};
	case PT_GUARD_CONSOLE_GPU:
		return (struct guard_finding){"linux drivers/pci/pci-sysfs.c boot_vga_show; "
					      "drivers/vfio/pci/vfio_pci_core.c vfio_pci_vga_init",
					      PT_SEV_WARN};
	case PT_GUARD_BOOT_DISK:
	case PT_GUARD_UPLINK:
		return (struct guard_finding){GROUP_BIND_FACT, PT_SEV_FAIL};
	case PT_GUARD_CHIPSET:
		return (struct guard_finding){
			"linux drivers/mfd/lpc_ich.c; drivers/i2c/busses/i2c-i801.c i801_add_tco",
			PT_SEV_WARN};
	case PT_GUARD_MAYBE_STORAGE:
	case PT_GUARD_MAYBE_NETWORK:
		break;
	}
	return (struct guard_finding){GROUP_BIND_FACT, PT_SEV_WARN};
}

static void report_guard(const struct pt_dev_ctx *c, const struct pt_guard *g)
{
	struct guard_finding gf = guard_finding(g->kind);
	struct pt_finding *f = pt_findings_add(c->out, PT_AREA_DEVICE, pt_guard_id(g->kind),
					       gf.severity, c->d, gf.fact);

	pt_finding_message(c->out, f, "%s", g->message ? g->message : "");
	if (g->hint)
		pt_finding_hint(c->out, f, "%s", g->hint);
	for (size_t k = 0; k < g->nevidence; k++)
		pt_finding_evidence(c->out, f, g->evidence[k].path, g->evidence[k].value);
	for (size_t k = 0; k < g->ndevs; k++)
		if (g->devs[k] != c->idx)
			pt_finding_device(c->out, f, g->devs[k]);
}

int pt_check_dev_guard(const struct pt_dev_ctx *c)
{
	struct pt_guards gs;
	int e = pt_guards_judge(c->h, c->idx, &gs);

	if (e < 0)
		return e;
	for (size_t i = 0; i < gs.n; i++)
		report_guard(c, &gs.v[i]);
	pt_guards_done(&gs);
	return 0;
}
