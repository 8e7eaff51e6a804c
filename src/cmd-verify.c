/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru verify SLOT`, after the reboot: the IOMMU is on, every device that leaves with
 * the slot is on vfio-pci, and on the live host /dev/vfio/<group> exists and the kernel
 * calls the group viable (VFIO_GROUP_GET_STATUS). Names what is off and the likely cause.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/set.h"
#include "checks/device.h"
#include "derive/guards.h"
#include "checks/host.h"
#include "derive/iommu.h"
#include "cli.h"
#include "derive/reset.h"
#include "plan/plan.h"

struct tally {
	unsigned ok, warned, failed, skipped;
};

_printf_(3, 4) static void item(struct tally *t, const char *verdict, const char *fmt, ...)
{
	va_list ap;

	printf("%-4s ", verdict);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (streq(verdict, "ok"))
		t->ok++;
	else if (streq(verdict, "warn"))
		t->warned++;
	else if (streq(verdict, "FAIL"))
		t->failed++;
	else
		t->skipped++;
}

static void verify_iommu(const struct pt_host *h, struct tally *t)
{
	struct pt_iommu_verdict v;

	if (pt_iommu_judge(h, &v) < 0)
		return;
	if (v.state == PT_IOMMU_ACTIVE)
		item(t, "ok", "the IOMMU is active");
	else
		item(t, "FAIL", "the IOMMU is not active: %s", v.reason);
	pt_iommu_verdict_done(&v);
}

/* A bridge, a port or the host bridge never goes to vfio-pci: nothing to verify (guard.h). */
static int verify_passable(const struct pt_host *h, size_t idx, struct tally *t)
{
	struct pt_guards gs;
	int e = pt_guards_judge(h, idx, &gs);

	if (e < 0)
		return e;
	for (size_t i = 0; i < gs.n; i++)
		if (gs.v[i].weight == PT_GUARD_BLOCKS)
			item(t, "FAIL", "%s (%s)", gs.v[i].message, pt_guard_id(gs.v[i].kind));
	pt_guards_done(&gs);
	return 0;
}

/*
 * The passthrough parameters the boot configuration sets reached the running kernel: the
 * comparison `check` makes (boot.not-refreshed), on the boot path the host uses (FACTS §3).
 */
static int verify_cmdline(const struct pt_host *h, struct tally *t)
{
	struct pt_check_opts o = {0};
	struct pt_findings fl = {0};
	bool said = false;

	if (pt_check_boot_path(h, &o, &fl) < 0 || fl.oom) {
		pt_findings_done(&fl);
		return -ENOMEM;
	}
	for (size_t i = 0; i < fl.n && !said; i++) {
		const struct pt_finding *f = &fl.v[i];

		said = true;
		if (streq(f->id, "boot.in-sync"))
			item(t, "ok", "%s", f->message);
		else if (streq(f->id, "boot.not-refreshed") || streq(f->id, "boot.wrong-file"))
			item(t, "FAIL", "%s -- %s", f->message, f->hint ? f->hint : "");
		else if (streq(f->id, "boot.config-unknown"))
			item(t, "skip", "%s", f->message);
		else
			said = false;
	}
	if (!said)
		item(t, "skip",
		     "the configured kernel command line cannot be compared with "
		     "/proc/cmdline here (boot path or files unknown)");
	pt_findings_done(&fl);
	return 0;
}

/* Whether passthru's init-top script has an override line for slot (FACTS §4.1). */
static bool script_names(const struct pt_host *h, const char *slot)
{
	struct pt_strv lines = {0}, slots = {0};
	bool named = pt_plan_overrides(h, &lines, &slots) == 0 && pt_strv_contains(&slots, slot);

	pt_strv_done(&lines);
	pt_strv_done(&slots);
	return named;
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
 * Whether the device comes back for a second VM start: the reset verdict `check` reports
 * (reset.*). A device that cannot be reset, or an AMD GPU with the reset bug, starts once
 * and then keeps the state the first VM left; verify still passes, with a warning.
 */
static void verify_reset(const struct pt_pci_dev *d, const struct pt_reset_verdict *v, bool by_bus,
			 struct tally *t)
{
	if (v->amd_bug && !v->amd_bug_handled)
		item(t, "warn",
		     "%s is an AMD GPU with the reset bug (%04x:%04x): the first VM start works, "
		     "but after that VM stops it may not come back until the host reboots -- %s",
		     d->slot, d->vendor, d->device, PT_RESET_AMD_BUG_FIX);
	else if (v->kind == PT_RESET_NONE && by_bus)
		item(t, "ok",
		     "%s has no reset of its own; VFIO resets it with the other functions on its "
		     "bus (a bus reset once none of them is in use)",
		     d->slot);
	else if (v->kind == PT_RESET_NONE)
		item(t, "warn",
		     "%s cannot be reset by the kernel (%s): a second VM start finds it in the "
		     "state the first VM left (a GPU may stay black until the host reboots)",
		     d->slot,
		     v->source == PT_RESET_FROM_SYSFS ? "reset_method is empty"
						      : "config space offers no reset");
	else if (v->kind == PT_RESET_UNKNOWN)
		item(t, "warn",
		     "%s: how it can be reset is unknown (%s): if it cannot, a second VM start "
		     "finds it in the state the first VM left",
		     d->slot,
		     v->source == PT_RESET_PREDICTED ? "config space not readable: run as root"
						     : "no reset_method or config space in this "
						       "root");
}

/* Why a device of the set is not on vfio-pci, from what the host shows (FACTS §4.3). */
static void verify_binding(const struct pt_host *h, const struct pt_pci_dev *d,
			   const struct pt_reset_verdict *rv, struct tally *t)
{
	char what[320];

	if (d->driver && streq(d->driver, "vfio-pci")) {
		if (rv->kind == PT_RESET_AVAILABLE)
			item(t, "ok", "%s is on vfio-pci (reset: %s)", d->slot, rv->methods);
		else
			item(t, "ok", "%s is on vfio-pci", d->slot);
		return;
	}
	if (!(d->have & PT_PCI_HAVE_DRIVER)) {
		item(t, "FAIL", "%s: its driver cannot be read", d->slot);
		return;
	}
	if (d->driver && d->driver_override && streq(d->driver_override, "vfio-pci"))
		snprintf(what, sizeof(what),
			 "is on %s although its driver_override says vfio-pci: %s bound it before "
			 "the override was written (%s) -- `passthru bind %s` moves it now",
			 d->driver, d->driver,
			 builtin_driver(d) ? "it is built into the kernel"
					   : "loaded before the init-top script ran",
			 d->slot);
	else if (d->driver && script_names(h, d->slot))
		snprintf(what, sizeof(what),
			 "is on %s and its driver_override is not set although %s names it: the "
			 "initramfs was not rebuilt since (update-initramfs -u -k all, reboot)",
			 d->driver, PT_PLAN_INITRAMFS_SCRIPT);
	else if (d->driver)
		snprintf(what, sizeof(what),
			 "is on %s: that driver claimed it before vfio-pci -- the vfio-pci ids= "
			 "and softdep lines may be missing from the initramfs (update-initramfs -u "
			 "-k all), or another file's ids= wins (passthru check, plan)",
			 d->driver);
	else
		snprintf(what, sizeof(what),
			 "has no driver: vfio-pci did not claim it -- vfio-pci not loaded at boot, "
			 "or its ids= does not name this device (passthru plan %s)",
			 d->slot);
	item(t, "FAIL", "%s %s", d->slot, what);
}

static void verify_group(struct pt_root *root, int group, struct tally *t)
{
	char g[16];
	int v = pt_root_vfio_group_viable(root, group);

	snprintf(g, sizeof(g), "%d", group);
	switch (v) {
	case 1:
		item(t, "ok", "/dev/vfio/%s exists and the kernel calls the group viable", g);
		break;
	case 0:
		item(t, "FAIL",
		     "/dev/vfio/%s: the kernel calls the group not viable: a member is still on a "
		     "host driver",
		     g);
		break;
	case -EBUSY:
		item(t, "ok", "/dev/vfio/%s is held by another user (a running VM)", g);
		break;
	case -EOPNOTSUPP:
		item(t, "skip", "/dev/vfio/%s: only checked on the running host, not under --root",
		     g);
		break;
	case -ENOENT:
		item(t, "FAIL", "/dev/vfio/%s does not exist: vfio-pci holds no device of group %s",
		     g, g);
		break;
	default:
		item(t, "FAIL", "/dev/vfio/%s: %s", g, strerror(-v));
	}
}

static int verify(struct pt_root *root, const struct pt_host *h, size_t idx)
{
	struct tally t = {0};
	bool *in_set = calloc(h->ndevs, sizeof(*in_set));
	int groups_seen[64], ngroups = 0;

	if (!in_set || pt_passthrough_set(h, idx, in_set) < 0) {
		free(in_set);
		return -ENOMEM;
	}
	verify_iommu(h, &t);
	if (verify_passable(h, idx, &t) < 0 || verify_cmdline(h, &t) < 0) {
		free(in_set);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[i];
		struct pt_reset_verdict rv;
		bool seen = false;

		/* Bridges stay with the host (FACTS §5.3). */
		if (!in_set[i] || d->is_bridge)
			continue;
		if (pt_reset_judge(h, i, &rv) < 0) {
			free(in_set);
			return -ENOMEM;
		}
		verify_binding(h, d, &rv, &t);
		verify_reset(d, &rv, pt_reset_by_bus_with(h, i, in_set), &t);
		pt_reset_verdict_done(&rv);
		if (!(d->have & PT_PCI_HAVE_GROUP))
			continue;
		for (int k = 0; k < ngroups; k++)
			seen |= groups_seen[k] == d->iommu_group;
		if (!seen && ngroups < 64) {
			groups_seen[ngroups++] = d->iommu_group;
			verify_group(root, d->iommu_group, &t);
		}
	}
	free(in_set);
	printf("\nsummary: %u ok, %u warnings, %u failed, %u skipped -> %s\n", t.ok, t.warned,
	       t.failed, t.skipped,
	       t.failed	  ? "not ready"
	       : t.warned ? "ready for the VM (the warnings say what a later start may meet)"
			  : "ready for the VM");
	return t.failed ? 1 : 0;
}

int pt_cmd_verify(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{},
	};
	struct pt_root *root;
	struct pt_host h;
	struct pt_bdf b;
	long idx;
	int opt, e;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		if (opt == 'h') {
			fputs("Usage: passthru verify SLOT\n"
			      "\n"
			      "After `apply` and a reboot: is the IOMMU on, is every device that\n"
			      "leaves with SLOT on vfio-pci, does /dev/vfio/<group> exist and is "
			      "the\n"
			      "group viable (live host only)? Names what is off and the likely "
			      "cause.\n"
			      "Exit 0 only when all hold, 1 otherwise, 2 usage or operational "
			      "error.\n",
			      stdout);
			return PT_EXIT_OK;
		}
		return pt_cli_usage_error(cli, "verify ", "invalid option");
	}
	if ((e = pt_cli_slot_arg(cli, "verify ", argc, argv, &b)) != 0)
		return e;
	if (pt_cli_load_host(cli, &root, &h) < 0)
		return PT_EXIT_ERROR;
	idx = pt_host_dev_index(&h, &b);
	if (idx < 0) {
		fprintf(stderr, "%s: verify: no PCI device %s in this root\n", cli->prog,
			argv[optind]);
		e = PT_EXIT_ERROR;
	} else {
		e = verify(root, &h, (size_t)idx);
		e = e < 0 ? PT_EXIT_ERROR : e;
	}
	pt_host_done(&h);
	pt_root_free(root);
	return e;
}
