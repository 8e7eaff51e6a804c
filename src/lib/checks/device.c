/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-device checks: subjects, the passthrough set, group isolation and the critical guard. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "checks/device.h"
#include "checks/iommu-state.h"
#include "util/strbuf.h"

int pt_for_each_subject(const struct pt_host *h, const struct pt_check_opts *o,
			struct pt_findings *out, int (*fn)(const struct pt_dev_ctx *c))
{
	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_dev_ctx c = {h, o, i, &h->devs[i], out};
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

static void add_group_members(const struct pt_host *h, const struct pt_pci_dev *d, bool *in_set)
{
	const struct pt_iommu_group *g;

	if (!(d->have & PT_PCI_HAVE_GROUP))
		return;
	g = pt_host_find_group(h, d->iommu_group);
	for (size_t m = 0; g && m < g->nmembers; m++)
		in_set[g->members[m]] = true;
}

int pt_passthrough_set(const struct pt_host *h, size_t idx, bool *in_set)
{
	for (size_t i = 0; i < h->ndevs; i++)
		in_set[i] = false;
	/* All functions of a slot go together: VFIO resets them as one (FACTS §6). */
	for (size_t i = 0; i < h->ndevs; i++)
		if (pt_bdf_same_slot(&h->devs[i].bdf, &h->devs[idx].bdf)) {
			in_set[i] = true;
			add_group_members(h, &h->devs[i], in_set);
		}
	return 0;
}

char *pt_dev_label(const struct pt_pci_dev *d)
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

char *pt_dev_attr_path(const struct pt_pci_dev *d, const char *attr)
{
	struct pt_strbuf sb = {0};

	pt_strbuf_printf(&sb, "/sys/bus/pci/devices/%s/%s", d->slot, attr);
	return pt_strbuf_steal(&sb);
}

/* Appends "a, b, c" to sb: the labels of the devices whose flag is set. */
static void join_labels(const struct pt_host *h, const bool *which, struct pt_strbuf *sb)
{
	const char *sep = "";

	for (size_t i = 0; i < h->ndevs; i++) {
		char *label;

		if (!which[i])
			continue;
		label = pt_dev_label(&h->devs[i]);
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
	int e = pt_ungrouped_judge(c->h, c->idx, &u);

	if (e < 0)
		return e;
	f = pt_findings_add(
		c->out, PT_AREA_DEVICE, "group.none", PT_SEV_FAIL, c->d,
		u.cause == PT_UNGROUPED_NO_IOMMU || u.cause == PT_UNGROUPED_OTHER
			? "FACTS §1.1 iommu_group, §2"
			: "linux drivers/iommu/intel/iommu.c init_no_remapping_devices");
	pt_finding_message(c->out, f, "not in an IOMMU group: %s", u.reason);
	group_none_hint(c, f, &u);
	path = pt_dev_attr_path(c->d, "iommu_group");
	pt_finding_evidence(c->out, f, path, NULL);
	if (u.cause == PT_UNGROUPED_GFX_PARAM)
		pt_finding_evidence(c->out, f, "/proc/cmdline", u.param);
	pt_ungrouped_verdict_done(&u);
	free(path);
	return 0;
}

/*
 * Sorts the passthrough set: the subject's own slot travels with it, bridges and ports stay
 * with the host (Proxmox skips members with a pci_bus/ dir, FACTS §5.3), every other
 * endpoint counts against isolation.
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
				    "FACTS §5.1, §5.3 / pve-common SysFSTools.pm "
				    "pci_dev_group_bind_to_vfio");
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
				    "FACTS §5.1, §5.3");
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

int pt_group_shared(const struct pt_host *h, size_t idx)
{
	bool *in_set;
	int shared = 0;

	if (!(h->devs[idx].have & PT_PCI_HAVE_GROUP))
		return -ENODATA;
	in_set = calloc(h->ndevs, sizeof(*in_set));
	if (!in_set)
		return -ENOMEM;
	pt_passthrough_set(h, idx, in_set);
	for (size_t i = 0; i < h->ndevs && !shared; i++)
		shared = in_set[i] && !pt_bdf_same_slot(&h->devs[i].bdf, &h->devs[idx].bdf) &&
			 !h->devs[i].is_bridge;
	free(in_set);
	return shared;
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

/* ---- critical-device guard (FACTS §5.3 guard list) ---- */

/* Another display device stays with the host: it can be the console instead. */
static bool host_keeps_a_display(const struct pt_host *h, const bool *in_set)
{
	for (size_t i = 0; i < h->ndevs; i++)
		if (!in_set[i] && pt_pci_is_display(&h->devs[i]))
			return true;
	return false;
}

static void guard_console(const struct pt_dev_ctx *c, const bool *in_set)
{
	for (size_t i = 0; i < c->h->ndevs; i++) {
		const struct pt_pci_dev *m = &c->h->devs[i];
		struct pt_finding *f;
		char *path, *label;

		/* The host console GPU is the boot_vga=1 device (FACTS §4.4). */
		if (!in_set[i] || m->boot_vga != PT_YES || host_keeps_a_display(c->h, in_set))
			continue;
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "guard.console-gpu", PT_SEV_WARN, c->d,
				    "FACTS §4.4, §5.3 guard list");
		label = pt_dev_label(m);
		pt_finding_message(c->out, f,
				   "passing it takes the host's only console GPU %s: the host "
				   "has no display left",
				   label ? label : m->slot);
		pt_finding_hint(c->out, f,
				"make sure the host is reachable without a screen (SSH, web UI) "
				"or keep another GPU (an iGPU enabled in the firmware) for it");
		path = pt_dev_attr_path(m, "boot_vga");
		pt_finding_evidence(c->out, f, path, "1");
		if (i != c->idx)
			pt_finding_device(c->out, f, i);
		free(path);
		free(label);
	}
}

/* Whether devs[i] is the controller of a boot disk / a default-route NIC (facts decide). */
static bool is_boot_ctrl(const struct pt_host *h, size_t i)
{
	for (size_t k = 0; k < h->nboot_disks; k++)
		if (h->boot_disks[k].has_ctrl &&
		    pt_bdf_cmp(&h->boot_disks[k].ctrl, &h->devs[i].bdf) == 0)
			return true;
	return false;
}

static bool is_uplink(const struct pt_host *h, size_t i)
{
	for (size_t k = 0; k < h->nuplinks; k++)
		if (h->uplinks[k].has_dev && pt_bdf_cmp(&h->uplinks[k].dev, &h->devs[i].bdf) == 0)
			return true;
	return false;
}

/* guard.boot-disk: a member of the set is the controller of the disk with /, /boot, /boot/efi. */
static void guard_boot_disk(const struct pt_dev_ctx *c, const bool *in_set)
{
	const struct pt_host *h = c->h;

	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_strbuf sb = {0};
		struct pt_finding *f;
		char *label;

		if (!in_set[i] || !is_boot_ctrl(h, i))
			continue;
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "guard.boot-disk", PT_SEV_FAIL, c->d,
				    "FACTS §5.3 guard list");
		for (size_t k = 0; k < h->nboot_disks; k++) {
			const struct pt_boot_disk *b = &h->boot_disks[k];
			char path[PATH_MAX], value[PATH_MAX + 64];

			if (!b->has_ctrl || pt_bdf_cmp(&b->ctrl, &h->devs[i].bdf) != 0)
				continue;
			pt_strbuf_printf(&sb, "%s%s (%s", sb.len ? ", " : "", b->mount, b->source);
			if (!streq(b->source + (startswith(b->source, "/dev/") ? 5 : 0), b->block))
				pt_strbuf_printf(&sb, " on %s", b->block);
			pt_strbuf_putc(&sb, ')');
			snprintf(value, sizeof(value), "%s %s %s", b->source, b->mount, b->fstype);
			pt_finding_evidence(c->out, f, "/proc/mounts", value);
			snprintf(path, sizeof(path), "/sys/class/block/%s", b->block);
			pt_finding_evidence(c->out, f, path, b->sys_path);
		}
		label = pt_dev_label(&h->devs[i]);
		pt_finding_message(c->out, f,
				   "passing it takes the host's boot disk: %s is the controller of "
				   "%s",
				   label ? label : h->devs[i].slot, pt_strbuf_str(&sb));
		pt_finding_hint(
			c->out, f,
			"move the host's system disk to a controller outside the set (another "
			"M.2/SATA port, often on the CPU's lanes), or pass another slot");
		if (i != c->idx)
			pt_finding_device(c->out, f, i);
		free(label);
		pt_strbuf_done(&sb);
	}
}

/* guard.default-route-nic: a member of the set carries the host's default route. */
static void guard_uplink(const struct pt_dev_ctx *c, const bool *in_set)
{
	const struct pt_host *h = c->h;

	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_strbuf sb = {0};
		struct pt_finding *f;
		char *label;

		if (!in_set[i] || !is_uplink(h, i))
			continue;
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "guard.default-route-nic", PT_SEV_FAIL,
				    c->d, "FACTS §5.3 guard list");
		for (size_t k = 0; k < h->nuplinks; k++) {
			const struct pt_uplink *u = &h->uplinks[k];
			char path[PATH_MAX];

			if (!u->has_dev || pt_bdf_cmp(&u->dev, &h->devs[i].bdf) != 0)
				continue;
			if (streq(u->iface, u->route_iface))
				pt_strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", u->iface);
			else
				pt_strbuf_printf(&sb, "%s%s (under %s)", sb.len ? ", " : "",
						 u->iface, u->route_iface);
			snprintf(path, sizeof(path), "/sys/class/net/%s", u->iface);
			pt_finding_evidence(c->out, f, "/proc/net/route", u->route_iface);
			pt_finding_evidence(c->out, f, path, u->sys_path);
		}
		label = pt_dev_label(&h->devs[i]);
		pt_finding_message(
			c->out, f,
			"passing it cuts the host off the network: %s carries the default "
			"route as %s",
			label ? label : h->devs[i].slot, pt_strbuf_str(&sb));
		pt_finding_hint(
			c->out, f,
			"give the host another NIC outside the set (a USB NIC on a controller "
			"that stays, or another slot) and move the default route there first");
		if (i != c->idx)
			pt_finding_device(c->out, f, i);
		free(label);
		pt_strbuf_done(&sb);
	}
}

/*
 * Without the facts above (no /proc/mounts, /proc/net/route, or a disk they cannot follow,
 * such as a ZFS pool) say honestly which members could be one of them, by class: storage
 * (01), network (02), USB (0c03, USB boot disks). Devices the facts decided are left out.
 */
static bool could_hold_boot_disk(const struct pt_pci_dev *d)
{
	return (d->have & PT_PCI_HAVE_CLASS) &&
	       ((d->class >> 16) == 0x01 || (d->class >> 8) == 0x0c03);
}

static bool could_be_uplink(const struct pt_pci_dev *d)
{
	return (d->have & PT_PCI_HAVE_CLASS) && (d->class >> 16) == 0x02;
}

/* Why the facts could not decide: the first reason, or NULL when there were no facts. */
static const char *boot_disk_unknown(const struct pt_host *h)
{
	for (size_t k = 0; k < h->nboot_disks; k++)
		if (h->boot_disks[k].unknown)
			return h->boot_disks[k].unknown;
	return NULL;
}

static const char *uplink_unknown(const struct pt_host *h)
{
	if (h->routes_known && !h->routes_have_default)
		return "/proc/net/route has no IPv4 default route";
	for (size_t k = 0; k < h->nuplinks; k++)
		if (h->uplinks[k].unknown)
			return h->uplinks[k].unknown;
	return NULL;
}

static void guard_by_class(const struct pt_dev_ctx *c, const bool *in_set, const char *id,
			   bool (*match)(const struct pt_pci_dev *),
			   bool (*raised)(const struct pt_host *, size_t), bool decided,
			   const char *unknown, const char *what, const char *hint)
{
	bool *hit = calloc(c->h->ndevs ? c->h->ndevs : 1, sizeof(*hit));
	struct pt_strbuf sb = {0};
	struct pt_finding *f;

	if (!hit) {
		c->out->oom = true;
		return;
	}
	/*
	 * The subject's own slot is left out (a GPU's USB-C controller holds no boot disk),
	 * except the subject itself: --device may name a disk or network controller.
	 */
	for (size_t i = 0; i < c->h->ndevs && !decided; i++)
		hit[i] = in_set[i] && match(&c->h->devs[i]) && !raised(c->h, i) &&
			 (i == c->idx || !pt_bdf_same_slot(&c->h->devs[i].bdf, &c->d->bdf));
	if (any(hit, c->h->ndevs)) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, id, PT_SEV_WARN, c->d,
				    "FACTS §5.3 guard list");
		join_labels(c->h, hit, &sb);
		if (unknown)
			pt_finding_message(c->out, f,
					   "the devices passed with it include %s %s; whether the "
					   "host needs it is unknown: %s",
					   what, pt_strbuf_str(&sb), unknown);
		else
			pt_finding_message(
				c->out, f, "the devices passed with it include %s %s; %s", what,
				pt_strbuf_str(&sb),
				"passthru does not yet determine whether the host needs it");
		pt_finding_hint(c->out, f, "%s", hint);
		for (size_t i = 0; i < c->h->ndevs; i++)
			if (hit[i])
				pt_finding_device(c->out, f, i);
	}
	pt_strbuf_done(&sb);
	free(hit);
}

int pt_check_dev_guard(const struct pt_dev_ctx *c)
{
	bool *in_set = calloc(c->h->ndevs ? c->h->ndevs : 1, sizeof(*in_set));

	if (!in_set)
		return -ENOMEM;
	pt_passthrough_set(c->h, c->idx, in_set);
	guard_console(c, in_set);
	guard_boot_disk(c, in_set);
	guard_uplink(c, in_set);
	guard_by_class(c, in_set, "guard.storage-in-set", could_hold_boot_disk, is_boot_ctrl,
		       pt_host_boot_disks_decided(c->h), boot_disk_unknown(c->h),
		       "storage or USB controller",
		       "check that the root file system and swap are not behind it "
		       "(findmnt /; lsblk -o NAME,TRAN,HCTL): passing it would take the "
		       "host's disk");
	guard_by_class(c, in_set, "guard.network-in-set", could_be_uplink, is_uplink,
		       pt_host_uplinks_decided(c->h), uplink_unknown(c->h), "network controller",
		       "check that the host's default route does not use it (ip route show "
		       "default): passing it would cut the host off the network");
	free(in_set);
	return 0;
}
