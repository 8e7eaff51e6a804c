/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reset verdict (FACTS §6): the kernel's own list (reset_method, Linux >= 5.15) when the
 * root has it, else a prediction from config space; and the AMD reset-bug table.
 */
#include <stdio.h>
#include <stdlib.h>

#include "checks/device.h"
#include "parse/pci-config.h"
#include "util/strbuf.h"

/* gnif/vendor-reset src/device-db.h, vendor 0x1002 (FACTS §6 table). */
static const uint16_t amd_reset_bug_ids[] = {
	/* Polaris 10 */
	0x67c0,
	0x67c1,
	0x67c2,
	0x67c4,
	0x67c7,
	0x67d0,
	0x67df,
	0x67c8,
	0x67c9,
	0x67ca,
	0x67cc,
	0x67cf,
	0x6fdf,
	/* Polaris 11 */
	0x67e0,
	0x67e3,
	0x67e8,
	0x67eb,
	0x67ef,
	0x67ff,
	0x67e1,
	0x67e7,
	0x67e9,
	/* Polaris 12 */
	0x6980,
	0x6981,
	0x6985,
	0x6986,
	0x6987,
	0x6995,
	0x6997,
	0x699f,
	/* Vega 10 */
	0x6860,
	0x6861,
	0x6862,
	0x6863,
	0x6864,
	0x6867,
	0x6868,
	0x6869,
	0x686a,
	0x686b,
	0x686c,
	0x686d,
	0x686e,
	0x686f,
	0x687f,
	/* Vega 20 */
	0x66a0,
	0x66a1,
	0x66a2,
	0x66a3,
	0x66a4,
	0x66a7,
	0x66af,
	/* Navi 10 */
	0x7310,
	0x7312,
	0x7318,
	0x7319,
	0x731a,
	0x731b,
	0x731e,
	0x731f,
	/* Navi 14 */
	0x7340,
	0x7341,
	0x7347,
	0x734f,
	/* Navi 12 */
	0x7360,
	0x7362,
	/* Arcturus */
	0x738c,
};

static bool has_amd_reset_bug(const struct pt_pci_dev *d)
{
	if ((d->have & (PT_PCI_HAVE_VENDOR | PT_PCI_HAVE_DEVICE)) !=
		    (PT_PCI_HAVE_VENDOR | PT_PCI_HAVE_DEVICE) ||
	    d->vendor != 0x1002)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(amd_reset_bug_ids); i++)
		if (amd_reset_bug_ids[i] == d->device)
			return true;
	return false;
}

/* Secondary bus reset: not on a root bus, not a bridge, alone on its bus (pci_parent_bus_reset). */
static bool bus_reset_possible(const struct pt_host *h, const struct pt_pci_dev *d)
{
	if (d->nupstream == 0 || d->is_bridge)
		return false;
	for (size_t i = 0; i < h->ndevs; i++)
		if (&h->devs[i] != d && h->devs[i].bdf.domain == d->bdf.domain &&
		    h->devs[i].bdf.bus == d->bdf.bus)
			return false;
	return true;
}

/* Appends the methods config space shows; returns false when some could not be judged. */
static bool predict(const struct pt_host *h, const struct pt_pci_dev *d, struct pt_strbuf *sb)
{
	const struct pt_pci_config *cfg = d->config;
	int v[3] = {pt_pci_has_flr(cfg), pt_pci_has_af_flr(cfg), pt_pci_has_pm_reset(cfg)};
	static const char *const names[] = {"flr", "af_flr", "pm"};
	bool known = true;

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		if (v[i] == 1)
			pt_strbuf_printf(sb, "%s%s", sb->len ? " " : "", names[i]);
		known &= v[i] >= 0;
	}
	if (bus_reset_possible(h, d))
		pt_strbuf_printf(sb, "%s%s", sb->len ? " " : "", "bus");
	return known;
}

static void reset_from_sysfs(const struct pt_dev_ctx *c)
{
	char *value = pt_strv_join(&c->d->reset_methods, " ");
	char *path = pt_dev_attr_path(c->d, "reset_method");
	struct pt_finding *f;

	if (c->d->reset_methods.n) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.available", PT_SEV_PASS, c->d,
				    "FACTS §6 / linux ABI sysfs-bus-pci reset_method");
		pt_finding_message(c->out, f, "the kernel can reset it: %s (reset_method)",
				   value ? value : "");
	} else {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.none", PT_SEV_WARN, c->d,
				    "FACTS §6 / linux ABI sysfs-bus-pci reset_method");
		pt_finding_message(c->out, f,
				   "the kernel has no way to reset it "
				   "(reset_method is empty)");
		pt_finding_hint(c->out, f,
				"a VM may find it in the state the last user left it "
				"(a GPU may stay black after a VM restart); `echo default "
				"> reset_method` restores the kernel's choice");
	}
	pt_finding_evidence(c->out, f, path, value);
	free(value);
	free(path);
}

static void reset_predicted(const struct pt_dev_ctx *c)
{
	struct pt_strbuf sb = {0};
	bool known = predict(c->h, c->d, &sb);
	char *path = pt_dev_attr_path(c->d, "config");
	char value[64];
	struct pt_finding *f;

	if (sb.len) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.available", PT_SEV_PASS, c->d,
				    "FACTS §6 / linux drivers/pci/pci.c");
		pt_finding_message(c->out, f,
				   "config space offers: %s (predicted; no "
				   "reset_method in this root, quirks may still veto)",
				   sb.buf);
	} else if (known) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.none", PT_SEV_WARN, c->d,
				    "FACTS §6 / linux drivers/pci/pci.c");
		pt_finding_message(c->out, f,
				   "config space offers no reset: no FLR, no PM reset "
				   "(NoSoftRst), and no bus reset (not alone on its bus)");
		pt_finding_hint(c->out, f,
				"pass every function of the slot together so VFIO can "
				"reset them as one (hostpciN: without the .function)");
	} else {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.unknown", PT_SEV_INFO, c->d,
				    "FACTS §1.1 config, §6");
		pt_finding_message(c->out, f,
				   "how it can be reset is unknown: no reset_method and "
				   "config space not readable (run as root)");
	}
	snprintf(value, sizeof(value), "%zu bytes", c->d->config_len);
	pt_finding_evidence(c->out, f, path, value);
	free(path);
	pt_strbuf_done(&sb);
}

static void reset_unknown(const struct pt_dev_ctx *c)
{
	struct pt_finding *f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.unknown", PT_SEV_INFO,
					       c->d, "FACTS §1.1, §6");
	char *path = pt_dev_attr_path(c->d, "reset_method");

	pt_finding_message(c->out, f,
			   "how it can be reset is unknown: neither reset_method nor "
			   "config space is in this root");
	pt_finding_evidence(c->out, f, path, NULL);
	free(path);
}

static void amd_reset_bug(const struct pt_dev_ctx *c)
{
	bool handled = c->d->reset_methods.n && streq(c->d->reset_methods.v[0], "device_specific");
	char id[16], *path = pt_dev_attr_path(c->d, "device");
	struct pt_finding *f;

	snprintf(id, sizeof(id), "0x%04x", c->d->device);
	if (handled) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.amd-bug-handled", PT_SEV_PASS,
				    c->d, "FACTS §6 / gnif/vendor-reset");
		pt_finding_message(c->out, f,
				   "AMD GPU with the reset bug; reset_method starts "
				   "with device_specific (vendor-reset)");
	} else {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "reset.amd-bug", PT_SEV_WARN, c->d,
				    "FACTS §6 / gnif/vendor-reset src/device-db.h");
		pt_finding_message(c->out, f,
				   "AMD GPU %04x:%04x has the AMD reset bug: after a VM "
				   "stops it may not come back until the host reboots",
				   c->d->vendor, c->d->device);
		pt_finding_hint(c->out, f,
				"install vendor-reset (vendor-reset-dkms), load it early (add "
				"vendor-reset to /etc/modules, update-initramfs -u -k all) and on "
				"Linux >= 5.15 set reset_method to device_specific (its udev rule "
				"99-vendor-reset.rules does)");
	}
	pt_finding_evidence(c->out, f, path, id);
	free(path);
}

int pt_check_dev_reset(const struct pt_dev_ctx *c)
{
	if (c->d->have & PT_PCI_HAVE_RESET)
		reset_from_sysfs(c);
	else if (c->d->config)
		reset_predicted(c);
	else
		reset_unknown(c);
	if (has_amd_reset_bug(c->d))
		amd_reset_bug(c);
	return 0;
}
