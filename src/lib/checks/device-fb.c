/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot framebuffer over a BAR (docs/facts.md, "Boot framebuffers"): firmware's framebuffer
 * (sysfb's BOOTFB, efifb, simplefb, vesafb) is a /proc/iomem range inside the GPU's memory BAR;
 * while it is claimed, vfio-pci cannot reserve that BAR ("BAR N: can't reserve").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "derive/set.h"
#include "checks/device.h"
#include "util/strbuf.h"

static void range_line(const struct pt_mem_range *m, char *buf, size_t size)
{
	snprintf(buf, size, "%08" PRIx64 "-%08" PRIx64 " : %s", m->start, m->end, m->name);
}

static void fb_over(const struct pt_dev_ctx *c, size_t i, const struct pt_mem_range *fb,
		    const struct pt_mem_range *bar)
{
	const struct pt_pci_dev *d = &c->h->devs[i];
	struct pt_finding *f =
		pt_findings_add(c->out, PT_AREA_DEVICE, "fb.bootfb-over-bar", PT_SEV_WARN, c->d,
				"linux drivers/firmware/sysfb.c; "
				"drivers/firmware/sysfb_simplefb.c (BOOTFB)");
	char line[160], *label = pt_pci_label(d);

	pt_finding_message(c->out, f,
			   "the boot framebuffer %s %" PRIx64 "-%" PRIx64
			   " lies in the memory range %" PRIx64 "-%" PRIx64 " of %s: vfio-pci "
			   "cannot reserve that BAR while it is claimed",
			   fb->name, fb->start, fb->end, bar->start, bar->end,
			   label ? label : d->slot);
	pt_finding_hint(c->out, f,
			"add initcall_blacklist=sysfb_init to the kernel command line (PVE "
			"kernels use simpledrm: video=efifb:off does nothing there), or make "
			"another GPU the firmware's primary display");
	range_line(bar, line, sizeof(line));
	pt_finding_evidence(c->out, f, "/proc/iomem", line);
	range_line(fb, line, sizeof(line));
	pt_finding_evidence(c->out, f, "/proc/iomem", line);
	if (i != c->idx)
		pt_finding_device(c->out, f, i);
	free(label);
}

int pt_check_dev_fb(const struct pt_dev_ctx *c)
{
	const struct pt_host *h = c->h;
	bool *in_set;

	/* Only a display device has a framebuffer to worry about. */
	if (h->iomem_hidden && pt_pci_is_display(c->d)) {
		struct pt_finding *f =
			pt_findings_add(c->out, PT_AREA_DEVICE, "fb.unknown", PT_SEV_INFO, c->d,
					"linux kernel/resource.c r_show");

		pt_finding_message(c->out, f,
				   "whether the boot framebuffer lies in its BARs is unknown: "
				   "/proc/iomem shows every address as 0 (read without root)");
		pt_finding_hint(c->out, f, "run passthru as root (or take the snapshot as root)");
		pt_finding_evidence(c->out, f, "/proc/iomem", "00000000-00000000 : ...");
		return 0;
	}
	if (h->iomem_known != PT_YES || !h->nframebuffers)
		return 0;
	in_set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*in_set));
	if (!in_set)
		return -ENOMEM;
	pt_passthrough_set(h, c->idx, in_set);
	for (size_t i = 0; i < h->ndevs; i++) {
		if (!in_set[i])
			continue;
		for (size_t k = 0; k < h->nframebuffers; k++)
			for (size_t m = 0; m < h->devs[i].nmem; m++) {
				const struct pt_mem_range *fb = &h->framebuffers[k],
							  *bar = &h->devs[i].mem[m];

				/* Any overlap keeps the BAR from being reserved. */
				if (fb->start <= bar->end && fb->end >= bar->start) {
					fb_over(c, i, fb, bar);
					break;
				}
			}
	}
	free(in_set);
	return 0;
}
