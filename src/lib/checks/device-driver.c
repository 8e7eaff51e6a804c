/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Binding, identical IDs (docs/facts.md, "Binding a device to vfio-pci") and the NVIDIA
 * Code 43 note (NVIDIA's GeForce GPU passthrough FAQ, driver R465).
 */
#include <stdio.h>
#include <stdlib.h>

#include "checks/device.h"
#include "util/strbuf.h"

/* "nouveau (loaded), snd_hda_intel (built in)": what modules.alias says would claim it. */
static void describe_modules(const struct pt_pci_dev *d, struct pt_strbuf *sb)
{
	if (!(d->have & PT_PCI_HAVE_MODULES)) {
		pt_strbuf_puts(sb, "unknown (no module index for this kernel)");
		return;
	}
	if (d->nmodules == 0) {
		pt_strbuf_puts(sb, "none");
		return;
	}
	for (size_t i = 0; i < d->nmodules; i++)
		pt_strbuf_printf(sb, "%s%s%s", i ? ", " : "", d->modules[i].name,
				 d->modules[i].builtin == PT_YES ? " (built in)" : "");
}

static bool builtin_claimer(const struct pt_pci_dev *d)
{
	for (size_t i = 0; i < d->nmodules; i++)
		if (d->modules[i].builtin == PT_YES && !streq(d->modules[i].name, "vfio_pci"))
			return true;
	return false;
}

static void binding_evidence(const struct pt_dev_ctx *c, struct pt_finding *f)
{
	char *path = pt_pci_attr_path(c->d, "driver");

	pt_finding_evidence(c->out, f, path, c->d->driver);
	free(path);
	if (c->d->modalias) {
		path = pt_pci_attr_path(c->d, "modalias");
		pt_finding_evidence(c->out, f, path, c->d->modalias);
		free(path);
	}
	if (c->d->driver_override) {
		path = pt_pci_attr_path(c->d, "driver_override");
		pt_finding_evidence(c->out, f, path, c->d->driver_override);
		free(path);
	}
}

int pt_check_dev_binding(const struct pt_dev_ctx *c)
{
	const struct pt_pci_dev *d = c->d;
	struct pt_strbuf mods = {0};
	struct pt_finding *f;

	/* Bridges and the host bridge never go to vfio-pci: device.bridge says so, not this. */
	if (d->is_bridge || pt_pci_is_host_bridge(d))
		return 0;
	describe_modules(d, &mods);
	if (!(d->have & PT_PCI_HAVE_DRIVER)) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "bind.unknown", PT_SEV_INFO, d,
				    "linux drivers/base/dd.c driver_sysfs_add");
		pt_finding_message(c->out, f,
				   "current driver unknown (not in this root); at boot "
				   "it would be claimed by: %s",
				   mods.buf);
	} else if (d->driver && streq(d->driver, "vfio-pci")) {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "bind.vfio-pci", PT_SEV_PASS, d,
				    "linux drivers/vfio/pci/vfio_pci.c");
		pt_finding_message(c->out, f, "bound to vfio-pci; modules that match it: %s",
				   mods.buf);
	} else {
		f = pt_findings_add(c->out, PT_AREA_DEVICE, "bind.host-driver", PT_SEV_INFO, d,
				    "linux drivers/vfio/pci/vfio_pci.c; kmod modprobe.d(5); "
				    "initramfs-tools mkinitramfs");
		pt_finding_message(c->out, f, "%s%s; at boot it would be claimed by: %s",
				   d->driver ? "bound to " : "not bound to any driver",
				   d->driver ? d->driver : "", mods.buf);
		if (builtin_claimer(d))
			pt_finding_hint(c->out, f,
					"a built-in driver matches it: modprobe.d cannot stop it; "
					"claim the device with vfio-pci.ids= on the kernel command "
					"line or a per-device driver_override");
		else
			pt_finding_hint(
				c->out, f,
				"for passthrough vfio-pci must claim it before the host "
				"driver: vfio-pci options with a softdep in /etc/modprobe.d, "
				"then update-initramfs -u -k all");
	}
	binding_evidence(c, f);
	pt_strbuf_done(&mods);
	return 0;
}

static bool same_ids(const struct pt_pci_dev *a, const struct pt_pci_dev *b)
{
	unsigned need = PT_PCI_HAVE_VENDOR | PT_PCI_HAVE_DEVICE;

	return (a->have & need) == need && (b->have & need) == need && a->vendor == b->vendor &&
	       a->device == b->device;
}

static bool subsystems_differ(const struct pt_pci_dev *a, const struct pt_pci_dev *b)
{
	return (a->have & b->have & PT_PCI_HAVE_SUBSYS) &&
	       (a->subsys_vendor != b->subsys_vendor || a->subsys_device != b->subsys_device);
}

static void report_twin(const struct pt_dev_ctx *c, size_t twin)
{
	const struct pt_pci_dev *t = &c->h->devs[twin];
	struct pt_finding *f = pt_findings_add(c->out, PT_AREA_DEVICE, "ids.shared", PT_SEV_WARN,
					       c->d, "linux drivers/vfio/pci/vfio_pci.c");
	char *path, value[8];

	pt_finding_message(c->out, f,
			   "%s has the same vendor:device %04x:%04x: vfio-pci ids=%04x:%04x would "
			   "take both",
			   t->slot, t->vendor, t->device, t->vendor, t->device);
	if (subsystems_differ(c->d, t))
		pt_finding_hint(c->out, f,
				"their subsystem IDs differ (%04x:%04x here, %04x:%04x there): "
				"ids=%04x:%04x:%04x:%04x takes only this one; or a per-device "
				"driver_override, which `passthru plan %s` writes",
				c->d->subsys_vendor, c->d->subsys_device, t->subsys_vendor,
				t->subsys_device, c->d->vendor, c->d->device, c->d->subsys_vendor,
				c->d->subsys_device, c->d->slot);
	else
		pt_finding_hint(c->out, f,
				"claim this device by address, not by ID: a per-device "
				"driver_override set before the host driver loads (`passthru plan "
				"%s` writes it as an initramfs init-top script)",
				c->d->slot);
	pt_finding_device(c->out, f, twin);
	snprintf(value, sizeof(value), "0x%04x", t->device);
	path = pt_pci_attr_path(c->d, "device");
	pt_finding_evidence(c->out, f, path, value);
	free(path);
	path = pt_pci_attr_path(t, "device");
	pt_finding_evidence(c->out, f, path, value);
	free(path);
}

int pt_check_dev_same_ids(const struct pt_dev_ctx *c)
{
	for (size_t i = 0; i < c->h->ndevs; i++)
		if (i != c->idx && !pt_bdf_same_slot(&c->h->devs[i].bdf, &c->d->bdf) &&
		    same_ids(c->d, &c->h->devs[i]))
			report_twin(c, i);
	return 0;
}

int pt_check_dev_nvidia(const struct pt_dev_ctx *c)
{
	struct pt_finding *f;
	char *path;

	if (!(c->d->have & PT_PCI_HAVE_VENDOR) || c->d->vendor != 0x10de ||
	    !pt_pci_is_display(c->d))
		return 0;
	f = pt_findings_add(c->out, PT_AREA_DEVICE, "nvidia.code43", PT_SEV_INFO, c->d,
			    "NVIDIA GeForce GPU passthrough FAQ (R465)");
	pt_finding_message(c->out, f,
			   "NVIDIA GPU: drivers since R465 (2021) support GeForce "
			   "passthrough, so Code 43 no longer calls for hiding the "
			   "hypervisor");
	pt_finding_hint(c->out, f,
			"on Code 43 with a current driver look at the ROM, the reset "
			"and missing functions first; hidden=1 / hv-vendor-id matter only "
			"for drivers older than R465 and some laptop GPUs");
	path = pt_pci_attr_path(c->d, "vendor");
	pt_finding_evidence(c->out, f, path, "0x10de");
	free(path);
	return 0;
}
