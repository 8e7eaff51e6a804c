/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reset findings: the verdict of derive/reset.h as `check` reports it. */
#include <stdio.h>
#include <stdlib.h>

#include "checks/device.h"
#include "derive/reset.h"

static void reset_from_sysfs(const struct pt_dev_ctx *c, const struct pt_reset_verdict *v)
{
	char *path = pt_pci_attr_path(c->d, "reset_method");
	struct pt_finding *f;

	if (v->kind == PT_RESET_AVAILABLE) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.available", PT_SEV_PASS, c->d,
				    "linux ABI sysfs-bus-pci reset_method");
		pt_finding_message(c->out, f, "the kernel can reset it: %s (reset_method)",
				   v->methods);
	} else {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.none", PT_SEV_WARN, c->d,
				    "linux ABI sysfs-bus-pci reset_method");
		pt_finding_message(c->out, f,
				   "the kernel has no way to reset it "
				   "(reset_method is empty)");
		pt_finding_hint(c->out, f,
				"a VM may find it in the state the last user left it "
				"(a GPU may stay black after a VM restart); `echo default "
				"> reset_method` restores the kernel's choice");
	}
	pt_finding_evidence(c->out, f, path, v->methods);
	free(path);
}

static void reset_predicted(const struct pt_dev_ctx *c, const struct pt_reset_verdict *v)
{
	char *path = pt_pci_attr_path(c->d, "config");
	char value[64];
	struct pt_finding *f;

	if (v->kind == PT_RESET_AVAILABLE) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.available", PT_SEV_PASS, c->d,
				    "linux drivers/pci/pci.c");
		pt_finding_message(c->out, f,
				   "config space offers: %s (predicted; no "
				   "reset_method in this root, quirks may still veto)",
				   v->methods);
	} else if (v->kind == PT_RESET_NONE) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.none", PT_SEV_WARN, c->d,
				    "linux drivers/pci/pci.c");
		pt_finding_message(c->out, f,
				   "config space offers no reset: no FLR, no PM reset "
				   "(NoSoftRst), and no bus reset (not alone on its bus)");
		pt_finding_hint(c->out, f,
				"pass every function of the slot together so VFIO can "
				"reset them as one (hostpciN: without the .function)");
	} else {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.unknown", PT_SEV_INFO, c->d,
				    "linux drivers/pci/pci-sysfs.c pci_read_config; "
				    "drivers/pci/pci.c");
		pt_finding_message(c->out, f,
				   "how it can be reset is unknown: no reset_method and "
				   "config space not readable (run as root)");
	}
	snprintf(value, sizeof(value), "%zu bytes", c->d->config_len);
	pt_finding_evidence(c->out, f, path, value);
	free(path);
}

static void reset_unknown(const struct pt_dev_ctx *c)
{
	struct pt_finding *f =
		pt_findings_add(c->out, PT_AREA_DEVICE, "reset.unknown", PT_SEV_INFO, c->d,
				"linux ABI sysfs-bus-pci reset_method; drivers/pci/pci.c");
	char *path = pt_pci_attr_path(c->d, "reset_method");

	pt_finding_message(c->out, f,
			   "how it can be reset is unknown: neither reset_method nor "
			   "config space is in this root");
	pt_finding_evidence(c->out, f, path, NULL);
	free(path);
}

static void amd_reset_bug(const struct pt_dev_ctx *c, const struct pt_reset_verdict *v)
{
	char id[16], *path = pt_pci_attr_path(c->d, "device");
	struct pt_finding *f;

	snprintf(id, sizeof(id), "0x%04x", c->d->device);
	if (v->amd_bug_handled) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.amd-bug-handled", PT_SEV_PASS,
				    c->d, "gnif/vendor-reset");
		pt_finding_message(c->out, f,
				   "AMD GPU with the reset bug; reset_method starts "
				   "with device_specific (vendor-reset)");
	} else {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.amd-bug", PT_SEV_WARN, c->d,
				    "gnif/vendor-reset src/device-db.h");
		pt_finding_message(c->out, f,
				   "AMD GPU %04x:%04x has the AMD reset bug: after a VM "
				   "stops it may not come back until the host reboots",
				   c->d->vendor, c->d->device);
		pt_finding_hint(c->out, f, "%s", PT_RESET_AMD_BUG_FIX);
	}
	pt_finding_evidence(c->out, f, path, id);
	free(path);
}

int pt_check_dev_reset(const struct pt_dev_ctx *c)
{
	struct pt_reset_verdict v;

	if (pt_reset_judge(c->h, c->idx, &v) < 0)
		return -ENOMEM;
	if (v.source == PT_RESET_FROM_SYSFS)
		reset_from_sysfs(c, &v);
	else if (v.source == PT_RESET_PREDICTED)
		reset_predicted(c, &v);
	else
		reset_unknown(c);
	if (v.amd_bug)
		amd_reset_bug(c, &v);
	pt_reset_verdict_done(&v);
	return 0;
}
