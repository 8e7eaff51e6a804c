/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ACS path explanation (FACTS §5.1, §5.2): walk from the device to its root port and
 * name each bridge or port that does not isolate what is below it. This only explains the
 * groups: kernel quirks are invisible in config space, so /sys/kernel/iommu_groups stays the
 * ground truth and group.* gives the verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/device.h"
#include "parse/pci-config.h"
#include "util/strbuf.h"

/* What one hop of the walk says. */
struct hop {
	const struct pt_pci_dev *dev; /* NULL: the bridge is not in /sys/bus/pci/devices */
	int verdict;		      /* pt_pci_acs_enabled(): 1, 0 or -ENODATA */
};

static const char *port_kind(const struct pt_pci_config *cfg)
{
	const char *name = cfg->has_pcie ? pt_pcie_type_name(cfg->pcie_type) : NULL;

	return name ? name : "conventional PCI bridge";
}

/* Why a hop with verdict 0 does not isolate, in lspci's words. */
static void explain_no(const struct pt_pci_config *cfg, struct pt_strbuf *sb)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} flags[] = {{PT_PCI_ACS_SV, "SrcValid"},
		     {PT_PCI_ACS_RR, "ReqRedir"},
		     {PT_PCI_ACS_CR, "CmpltRedir"},
		     {PT_PCI_ACS_UF, "UpstreamFwd"}};
	const char *sep = "";

	if (!cfg->has_pcie || cfg->pcie_type == PT_PCIE_TYPE_PCIE_TO_PCI_BRIDGE ||
	    cfg->pcie_type == PT_PCIE_TYPE_PCI_TO_PCIE_BRIDGE) {
		pt_strbuf_printf(sb, "%s, which never isolates", port_kind(cfg));
		return;
	}
	if (!cfg->has_acs) {
		pt_strbuf_printf(sb, "%s%s without ACS", cfg->multifunction ? "multifunction " : "",
				 port_kind(cfg));
		return;
	}
	pt_strbuf_printf(sb, "%s with ACS but ", port_kind(cfg));
	for (size_t i = 0; i < ELEMENTSOF(flags); i++)
		if ((cfg->acs_cap & flags[i].bit) && !(cfg->acs_ctrl & flags[i].bit)) {
			pt_strbuf_printf(sb, "%s%s", sep, flags[i].name);
			sep = " ";
		}
	pt_strbuf_puts(sb, " off");
}

static const char *unknown_why(const struct pt_pci_dev *d)
{
	if (!d)
		return "not listed in /sys/bus/pci/devices";
	if (!d->config)
		return "config space not in this root";
	if (d->config_len <= PT_PCI_CFG_HEADER_SIZE)
		return "config space not readable (run as root)";
	return "extended config space not readable";
}

/* The raw registers the verdict rests on, for the evidence list. */
static void hop_evidence(const struct pt_dev_ctx *c, struct pt_finding *f, const struct hop *hp)
{
	const struct pt_pci_config *cfg = hp->dev ? hp->dev->config : NULL;
	char value[96], *path;

	if (!hp->dev)
		return;
	if (!cfg)
		snprintf(value, sizeof(value), "unreadable");
	else if (cfg->has_acs && cfg->has_acs_regs)
		snprintf(value, sizeof(value), "%zu bytes; ACS at 0x%03x: ACSCap=%04x ACSCtl=%04x",
			 hp->dev->config_len, cfg->acs_offset, cfg->acs_cap, cfg->acs_ctrl);
	else
		snprintf(value, sizeof(value), "%zu bytes; %s%s", hp->dev->config_len,
			 hp->verdict < 0 ? "ACS unknown" : "no ACS capability",
			 cfg->caps_known && !cfg->has_pcie ? ", no PCI Express capability" : "");
	path = pt_dev_attr_path(hp->dev, "config");
	pt_finding_evidence(c->out, f, path, cfg ? value : NULL);
	free(path);
}

/* Root ports off the path whose ACS is on, and whether every root port could be judged. */
static void other_root_ports(const struct pt_dev_ctx *c, const struct hop *hops, size_t n,
			     struct pt_strbuf *good, bool *all_known, bool *any_port)
{
	*all_known = true;
	*any_port = false;
	for (size_t i = 0; i < c->h->ndevs; i++) {
		const struct pt_pci_dev *p = &c->h->devs[i];
		bool on_path = false;
		int v;

		for (size_t k = 0; k < n; k++)
			on_path |= hops[k].dev == p;
		if (on_path || !p->is_bridge)
			continue;
		if (!p->config || !p->config->caps_known) {
			*all_known = false;
			continue;
		}
		if (!p->config->has_pcie || p->config->pcie_type != PT_PCIE_TYPE_ROOT_PORT)
			continue;
		*any_port = true;
		v = pt_pci_acs_enabled(p->config);
		if (v < 0)
			*all_known = false;
		else if (v == 1)
			pt_strbuf_printf(good, "%s%s", good->len ? ", " : "", p->slot);
	}
}

static void other_slot_hint(const struct pt_dev_ctx *c, struct pt_finding *f,
			    const struct hop *hops, size_t n)
{
	struct pt_strbuf good = {0};
	bool all_known, any_port;

	other_root_ports(c, hops, n, &good, &all_known, &any_port);
	if (good.len)
		pt_finding_hint(c->out, f,
				"root ports with ACS on: %s; a card in a slot wired to one of them "
				"is kept apart from devices behind other ports (the board manual "
				"says which slot is wired where)",
				good.buf);
	else if (all_known && any_port)
		pt_finding_hint(
			c->out, f,
			"no other root port on this host has ACS on: another slot would not "
			"help; pcie_acs_override only pretends isolation (FACTS §13)");
	else
		pt_finding_hint(c->out, f,
				"whether another slot would help is unknown: not every root port's "
				"config space is readable (run as root)");
	pt_strbuf_done(&good);
}

static void report_missing(const struct pt_dev_ctx *c, const struct hop *hops, size_t n)
{
	int shared = pt_group_shared(c->h, c->idx);
	struct pt_strbuf sb = {0};
	struct pt_finding *f;

	f = pt_findings_add(c->out, PT_AREA_DEVICE, "acs.path-missing",
			    shared == 1 ? PT_SEV_WARN : PT_SEV_INFO, c->d,
			    "FACTS §5.1, §5.2 / linux drivers/pci/pci.c pci_acs_enabled");
	for (size_t k = 0; k < n; k++) {
		if (hops[k].verdict != 0)
			continue;
		pt_strbuf_printf(&sb, "%s%s is a ", sb.len ? "; " : "", hops[k].dev->slot);
		explain_no(hops[k].dev->config, &sb);
	}
	if (shared == 0)
		pt_strbuf_puts(&sb, "; its group is isolated all the same (nothing else below "
				    "that port, or a kernel quirk: quirks are invisible in config "
				    "space)");
	else
		pt_strbuf_puts(&sb, ": everything below it shares one IOMMU group");
	pt_finding_message(c->out, f, "%s", sb.buf ? sb.buf : "");
	other_slot_hint(c, f, hops, n);
	for (size_t k = 0; k < n; k++)
		hop_evidence(c, f, &hops[k]);
	pt_strbuf_done(&sb);
}

static void report_unknown(const struct pt_dev_ctx *c, const struct hop *hops, size_t n)
{
	struct pt_finding *f = pt_findings_add(c->out, PT_AREA_DEVICE, "acs.path-unknown",
					       PT_SEV_INFO, c->d, "FACTS §1.1 config, §5.2");
	struct pt_strbuf sb = {0};
	char bdf[PT_BDF_STRLEN];

	for (size_t k = 0; k < n; k++) {
		if (hops[k].verdict >= 0)
			continue;
		pt_strbuf_printf(&sb, "%s%s: %s", sb.len ? "; " : "",
				 hops[k].dev ? hops[k].dev->slot
					     : pt_bdf_format(&c->d->upstream[k], bdf),
				 unknown_why(hops[k].dev));
	}
	pt_finding_message(c->out, f, "ACS on the path to the root port is unknown: %s",
			   sb.buf ? sb.buf : "");
	pt_finding_hint(c->out, f,
			"run passthru as root to read the ports' config space; the "
			"IOMMU groups (group.*) are the verdict either way");
	for (size_t k = 0; k < n; k++)
		hop_evidence(c, f, &hops[k]);
	pt_strbuf_done(&sb);
}

static void report_ok(const struct pt_dev_ctx *c, const struct hop *hops, size_t n)
{
	struct pt_finding *f = pt_findings_add(c->out, PT_AREA_DEVICE, "acs.path-ok", PT_SEV_PASS,
					       c->d, "FACTS §5.1, §5.2");
	struct pt_strbuf sb = {0};

	for (size_t k = 0; k < n; k++)
		pt_strbuf_printf(&sb, "%s%s (%s)", k ? ", " : "", hops[k].dev->slot,
				 port_kind(hops[k].dev->config));
	if (n)
		pt_finding_message(c->out, f, "every port above it isolates: %s", sb.buf);
	else
		pt_finding_message(c->out, f, "on a root bus: no bridge above it");
	for (size_t k = 0; k < n; k++)
		hop_evidence(c, f, &hops[k]);
	pt_strbuf_done(&sb);
}

/*
 * A device with no bridge above it sits on a root bus only if its bus is the one its
 * "/sys/devices/pciDDDD:BB" directory names; otherwise the root flattened the hierarchy
 * (hand-typed listings do) and the path is unknown.
 */
static bool on_root_bus(const struct pt_pci_dev *d)
{
	const char *p = d->sysfs_path ? strstr(d->sysfs_path, "/devices/pci") : NULL;
	const char *colon = p ? strchr(p + strlen("/devices/pci"), ':') : NULL;
	unsigned long bus;
	char *end;

	if (!colon)
		return false;
	bus = strtoul(colon + 1, &end, 16);
	return end == colon + 3 && bus == d->bdf.bus;
}

static void report_flat(const struct pt_dev_ctx *c)
{
	struct pt_finding *f = pt_findings_add(c->out, PT_AREA_DEVICE, "acs.path-unknown",
					       PT_SEV_INFO, c->d, "FACTS §1.1, §5.2");
	char path[PT_BDF_STRLEN + 32];

	pt_finding_message(c->out, f,
			   "ACS on the path to the root port is unknown: the bridges "
			   "above it are not in this root (a flat device listing)");
	pt_finding_hint(c->out, f,
			"take a snapshot with `passthru snapshot` as root for the "
			"full topology; the IOMMU groups (group.*) are the verdict "
			"either way");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", c->d->slot);
	pt_finding_evidence(c->out, f, path, c->d->sysfs_path);
}

int pt_check_dev_acs(const struct pt_dev_ctx *c)
{
	size_t n = c->d->nupstream;
	struct hop *hops = calloc(n ? n : 1, sizeof(*hops));
	bool missing = false, unknown = false;

	if (!hops)
		return -ENOMEM;
	if (n == 0 && !on_root_bus(c->d)) {
		report_flat(c);
		free(hops);
		return 0;
	}
	/* pci_acs_path_enabled: every bridge from the device's bus up to the root (§5.1). */
	for (size_t k = 0; k < n; k++) {
		hops[k].dev = pt_host_find_dev(c->h, &c->d->upstream[k]);
		hops[k].verdict = hops[k].dev && hops[k].dev->config
					  ? pt_pci_acs_enabled(hops[k].dev->config)
					  : -ENODATA;
		missing |= hops[k].verdict == 0;
		unknown |= hops[k].verdict < 0;
	}
	if (missing)
		report_missing(c, hops, n);
	else if (unknown)
		report_unknown(c, hops, n);
	else
		report_ok(c, hops, n);
	free(hops);
	return 0;
}
