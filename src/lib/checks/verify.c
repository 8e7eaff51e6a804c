/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/host.h"
#include "checks/verify.h"
#include "derive/guards.h"
#include "derive/iommu.h"
#include "derive/reset.h"
#include "derive/set.h"

static void verify_iommu(const struct pt_iommu_verdict *v, struct pt_findings *out)
{
	struct pt_finding *f;

	if (v->state == PT_IOMMU_ACTIVE) {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "verify.iommu", PT_SEV_PASS, NULL, NULL);
		pt_finding_message(out, f, "the IOMMU is active");
	} else {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "verify.iommu", PT_SEV_FAIL, NULL, NULL);
		pt_finding_message(out, f, "the IOMMU is not active: %s", v->reason);
	}
}

/* A bridge, a port or the host bridge never goes to vfio-pci: nothing to verify. */
static void verify_passable(const struct pt_host *h, size_t idx, struct pt_findings *out)
{
	struct pt_guards gs;

	if (pt_guards_judge(h, idx, &gs) < 0) {
		out->oom = true;
		return;
	}
	for (size_t i = 0; i < gs.n; i++) {
		struct pt_finding *f;

		if (gs.v[i].weight != PT_GUARD_BLOCKS)
			continue;
		f = pt_findings_add(out, PT_AREA_DEVICE, "verify.passable", PT_SEV_FAIL,
				    &h->devs[idx], NULL);
		pt_finding_message(out, f, "%s (%s)", gs.v[i].message, pt_guard_id(gs.v[i].kind));
	}
	pt_guards_done(&gs);
}

/*
 * The passthrough parameters the boot configuration sets reached the running kernel: the
 * comparison check makes (boot.*), on the boot path the host uses, from the same verdicts.
 */
static void verify_cmdline(const struct pt_host *h, const struct pt_verdicts *vd,
			   struct pt_findings *out)
{
	const struct pt_boot_sync *s = &vd->sync;
	struct pt_finding *f;
	enum pt_severity sev;

	/* Parameters put in the file this host does not boot from never arrive either. */
	sev = s->state == PT_BOOT_SYNC_IN_SYNC			  ? PT_SEV_PASS
	      : s->state == PT_BOOT_SYNC_NOT_REFRESHED		  ? PT_SEV_FAIL
	      : s->state == PT_BOOT_SYNC_NOT_COMPARED && s->other ? PT_SEV_FAIL
								  : PT_SEV_SKIP;
	f = pt_findings_add(out, PT_AREA_BOOT, "verify.cmdline", sev, NULL, NULL);
	if (s->state == PT_BOOT_SYNC_NOT_COMPARED && s->other) {
		if (pt_boot_wrong_file_message(h, s, out, f) < 0)
			out->oom = true;
	} else if (s->state == PT_BOOT_SYNC_NOT_COMPARED && vd->boot.elsewhere) {
		pt_finding_message(
			out, f,
			"the running command line did not come from the boot "
			"configuration passthru sees (/proc/cmdline lacks the BOOT_IMAGE= "
			"GRUB prepends): it cannot be compared with it");
	} else {
		pt_boot_sync_message(s, out, f);
	}
}

/* Whether passthru's init-top script has an override line for slot. */
static bool script_names(const struct pt_host *h, const char *slot)
{
	return pt_strv_contains(&h->plan_overrides.slots, slot);
}

/* Whether a module that claims d is built into the kernel (modules.builtin). */
static bool builtin_driver(const struct pt_pci_dev *d)
{
	for (size_t m = 0; m < d->nmodules; m++)
		if (d->modules[m].builtin == PT_YES)
			return true;
	return false;
}

/*
 * Why a device of the set is not on vfio-pci, from what the host shows: a driver bound before
 * the override, an initramfs not rebuilt, a driver that won the race (its softdep or ids=
 * missing from the initramfs: initramfs-tools loads modprobe.d from the image), or nothing.
 */
static void not_on_vfio(const struct pt_host *h, const struct pt_pci_dev *d,
			struct pt_findings *out, struct pt_finding *f)
{
	if (d->driver && d->driver_override && streq(d->driver_override, "vfio-pci")) {
		pt_finding_message(
			out, f,
			"%s is on %s although its driver_override says vfio-pci: %s bound "
			"it before the override was written (%s)",
			d->slot, d->driver, d->driver,
			builtin_driver(d) ? "it is built into the kernel"
					  : "loaded before the init-top script ran");
		pt_finding_hint(out, f, "`passthru bind %s` moves it now", d->slot);
	} else if (d->driver && script_names(h, d->slot)) {
		pt_finding_message(out, f,
				   "%s is on %s and its driver_override is not set although %s "
				   "names it: the initramfs was not rebuilt since "
				   "(update-initramfs -u -k all, reboot)",
				   d->slot, d->driver, PT_PLAN_INITRAMFS_SCRIPT);
	} else if (d->driver) {
		pt_finding_message(out, f, "%s is on %s: that driver claimed it before vfio-pci",
				   d->slot, d->driver);
		pt_finding_hint(out, f,
				"the vfio-pci ids= and softdep lines may be missing from the "
				"initramfs (update-initramfs -u -k all), or another file's ids= "
				"wins (passthru check, plan)");
	} else {
		pt_finding_message(out, f, "%s has no driver: vfio-pci did not claim it", d->slot);
		pt_finding_hint(out, f,
				"vfio-pci not loaded at boot, or its ids= does not name this "
				"device (passthru plan %s)",
				d->slot);
	}
}

static void verify_binding(const struct pt_host *h, const struct pt_pci_dev *d,
			   const struct pt_reset_verdict *rv, struct pt_findings *out)
{
	bool on_vfio = d->driver && streq(d->driver, "vfio-pci");
	struct pt_finding *f = pt_findings_add(out, PT_AREA_DEVICE, "verify.driver",
					       on_vfio ? PT_SEV_PASS : PT_SEV_FAIL, d, NULL);
	char *path = pt_pci_attr_path(d, "driver");

	pt_finding_evidence(out, f, path, d->driver);
	free(path);
	if (d->driver_override) {
		path = pt_pci_attr_path(d, "driver_override");
		pt_finding_evidence(out, f, path, d->driver_override);
		free(path);
	}

	if (on_vfio && rv->kind == PT_RESET_AVAILABLE)
		pt_finding_message(out, f, "%s is on vfio-pci (reset: %s)", d->slot, rv->methods);
	else if (on_vfio)
		pt_finding_message(out, f, "%s is on vfio-pci", d->slot);
	else if (!(d->have & PT_PCI_HAVE_DRIVER))
		pt_finding_message(out, f, "%s: its driver cannot be read", d->slot);
	else
		not_on_vfio(h, d, out, f);
}

/*
 * Whether the device comes back for a second VM start: the reset verdict check reports
 * (reset.*). A device that cannot be reset, or an AMD GPU with the reset bug, starts once and
 * then keeps the state the first VM left; verify still passes, with a warning.
 */
static void verify_reset(const struct pt_pci_dev *d, const struct pt_reset_verdict *v, bool by_bus,
			 struct pt_findings *out)
{
	struct pt_finding *f;

	if (v->amd_bug && !v->amd_bug_handled) {
		f = pt_findings_add(out, PT_AREA_DEVICE, "verify.reset", PT_SEV_WARN, d, NULL);
		pt_finding_message(
			out, f,
			"%s is an AMD GPU with the reset bug (%04x:%04x): the first VM "
			"start works, but after that VM stops it may not come back until "
			"the host reboots",
			d->slot, d->vendor, d->device);
		pt_finding_hint(out, f, "%s", PT_RESET_AMD_BUG_FIX);
	} else if (v->kind == PT_RESET_NONE && by_bus) {
		f = pt_findings_add(out, PT_AREA_DEVICE, "verify.reset", PT_SEV_PASS, d, NULL);
		pt_finding_message(out, f,
				   "%s has no reset of its own; VFIO resets it with the other "
				   "functions on its bus (a bus reset once none of them is in use)",
				   d->slot);
	} else if (v->kind == PT_RESET_NONE) {
		f = pt_findings_add(out, PT_AREA_DEVICE, "verify.reset", PT_SEV_WARN, d, NULL);
		pt_finding_message(
			out, f,
			"%s cannot be reset by the kernel (%s): a second VM start finds "
			"it in the state the first VM left (a GPU may stay black until the "
			"host reboots)",
			d->slot,
			v->source == PT_RESET_FROM_SYSFS ? "reset_method is empty"
							 : "config space offers no reset");
	} else if (v->kind == PT_RESET_UNKNOWN) {
		f = pt_findings_add(out, PT_AREA_DEVICE, "verify.reset", PT_SEV_WARN, d, NULL);
		pt_finding_message(
			out, f,
			"%s: how it can be reset is unknown (%s): if it cannot, a second "
			"VM start finds it in the state the first VM left",
			d->slot,
			v->source == PT_RESET_PREDICTED
				? "config space not readable: run as root"
				: "no reset_method or config space in this root");
	}
}

/* /dev/vfio/<group>, as the facts read it (pt_facts_vfio_status; skipped when not read). */
static void verify_group(const struct pt_iommu_group *g, struct pt_findings *out)
{
	static const enum pt_severity sev[] = {
		[PT_VFIO_NOT_READ] = PT_SEV_SKIP, [PT_VFIO_NOT_LIVE] = PT_SEV_SKIP,
		[PT_VFIO_VIABLE] = PT_SEV_PASS,	  [PT_VFIO_NOT_VIABLE] = PT_SEV_FAIL,
		[PT_VFIO_BUSY] = PT_SEV_PASS,	  [PT_VFIO_ABSENT] = PT_SEV_FAIL,
		[PT_VFIO_ERROR] = PT_SEV_FAIL,
	};
	struct pt_finding *f =
		pt_findings_add(out, PT_AREA_DEVICE, "verify.group", sev[g->vfio], NULL, NULL);
	char path[32];

	snprintf(path, sizeof(path), "/dev/vfio/%d", g->id);
	pt_finding_evidence(out, f, path,
			    g->vfio == PT_VFIO_VIABLE	    ? "viable"
			    : g->vfio == PT_VFIO_NOT_VIABLE ? "not viable"
			    : g->vfio == PT_VFIO_BUSY	    ? "busy"
							    : NULL);

	switch (g->vfio) {
	case PT_VFIO_VIABLE:
		pt_finding_message(
			out, f, "/dev/vfio/%d exists and the kernel calls the group viable", g->id);
		break;
	case PT_VFIO_NOT_VIABLE:
		pt_finding_message(
			out, f,
			"/dev/vfio/%d: the kernel calls the group not viable: a member is "
			"still on a host driver",
			g->id);
		break;
	case PT_VFIO_BUSY:
		pt_finding_message(out, f, "/dev/vfio/%d is held by another user (a running VM)",
				   g->id);
		break;
	case PT_VFIO_ABSENT:
		pt_finding_message(out, f,
				   "/dev/vfio/%d does not exist: vfio-pci holds no device of group "
				   "%d",
				   g->id, g->id);
		break;
	case PT_VFIO_ERROR:
		pt_finding_message(out, f, "/dev/vfio/%d: %s", g->id, strerror(g->vfio_errno));
		break;
	default:
		pt_finding_message(
			out, f, "/dev/vfio/%d: only checked on the running host, not under --root",
			g->id);
	}
}

static bool group_seen(const struct pt_host *h, const bool *in_set, size_t upto, int group)
{
	for (size_t i = 0; i < upto; i++)
		if (in_set[i] && !h->devs[i].is_bridge && (h->devs[i].have & PT_PCI_HAVE_GROUP) &&
		    h->devs[i].iommu_group == group)
			return true;
	return false;
}

static int verify_devices(const struct pt_host *h, const bool *in_set, struct pt_findings *out)
{
	for (size_t i = 0; i < h->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[i];
		const struct pt_iommu_group *g;
		struct pt_reset_verdict rv;

		/* Bridges stay with the host (Proxmox skips members with a pci_bus/). */
		if (!in_set[i] || d->is_bridge)
			continue;
		if (pt_reset_judge(h, i, &rv) < 0)
			return -ENOMEM;
		verify_binding(h, d, &rv, out);
		verify_reset(d, &rv, pt_reset_by_bus_with(h, i, in_set), out);
		pt_reset_verdict_done(&rv);
		if (!(d->have & PT_PCI_HAVE_GROUP) || group_seen(h, in_set, i, d->iommu_group))
			continue;
		g = pt_host_find_group(h, d->iommu_group);
		if (g)
			verify_group(g, out);
	}
	return 0;
}

int pt_verify_run(const struct pt_host *h, const struct pt_verdicts *vd, size_t idx,
		  struct pt_findings *out)
{
	bool *in_set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*in_set));
	int e;

	if (!in_set || pt_passthrough_set(h, idx, in_set) < 0) {
		free(in_set);
		return -ENOMEM;
	}
	verify_iommu(&vd->iommu, out);
	verify_passable(h, idx, out);
	verify_cmdline(h, vd, out);
	e = verify_devices(h, in_set, out);
	free(in_set);
	return e < 0 || out->oom ? -ENOMEM : 0;
}
