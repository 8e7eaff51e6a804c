/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "derive/reset.h"
#include "parse/pci-config.h"
#include "util/strbuf.h"

/*
 * The AMD GPUs gnif/vendor-reset handles (src/device-db.h, vendor 0x1002): their reset leaves
 * them unusable until the host reboots unless vendor-reset's device-specific reset is used.
 */
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

bool pt_reset_by_bus_with(const struct pt_host *h, size_t idx, const bool *in_set)
{
	const struct pt_pci_dev *d = &h->devs[idx];

	if (d->nupstream == 0 || d->is_bridge)
		return false; /* a root bus has no bridge to reset it */
	for (size_t i = 0; i < h->ndevs; i++)
		if (h->devs[i].bdf.domain == d->bdf.domain && h->devs[i].bdf.bus == d->bdf.bus &&
		    !in_set[i])
			return false;
	return true;
}

int pt_reset_judge(const struct pt_host *h, size_t idx, struct pt_reset_verdict *ret)
{
	const struct pt_pci_dev *d = &h->devs[idx];
	struct pt_reset_verdict v = {.amd_bug = has_amd_reset_bug(d)};
	struct pt_strbuf sb = {0};
	bool known = true;

	if (d->have & PT_PCI_HAVE_RESET) {
		v.source = PT_RESET_FROM_SYSFS;
		for (size_t i = 0; i < d->reset_methods.n; i++)
			pt_strbuf_printf(&sb, "%s%s", i ? " " : "", d->reset_methods.v[i]);
		v.amd_bug_handled = v.amd_bug && d->reset_methods.n &&
				    streq(d->reset_methods.v[0], "device_specific");
	} else if (d->config) {
		v.source = PT_RESET_PREDICTED;
		known = predict(h, d, &sb);
	} else {
		v.source = PT_RESET_NOTHING_READ;
		known = false;
	}
	if (sb.len)
		v.kind = PT_RESET_AVAILABLE;
	else
		v.kind = known ? PT_RESET_NONE : PT_RESET_UNKNOWN;
	if (v.kind != PT_RESET_UNKNOWN) {
		v.methods = pt_strbuf_steal(&sb);
		if (!v.methods)
			return -ENOMEM;
	}
	pt_strbuf_done(&sb);
	*ret = v;
	return 0;
}

void pt_reset_verdict_done(struct pt_reset_verdict *v)
{
	free(v->methods);
	v->methods = NULL;
}
