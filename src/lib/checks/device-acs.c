/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ACS path explanation (docs/facts.md, "IOMMU groups and ACS"): walk from the device to
 * its root port and name each bridge or port that does not isolate what is below it. This
 * only explains the groups: kernel quirks are invisible in config space, so
 * /sys/kernel/iommu_groups stays the ground truth and group.* gives the verdict. With no IOMMU
 * active there are no groups and the kernel has not enabled ACS anywhere: the walk then says what
 * the ports' capabilities will give once it is on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/device.h"
#include "derive/set.h"
#include "derive/iommu.h"
#include "parse/pci-config.h"
#include "util/strbuf.h"

/* What one hop of the walk says. */
struct hop {
	const struct pt_pci_dev *dev; /* NULL: the bridge is not in /sys/bus/pci/devices */
	int verdict;		      /* pt_pci_acs_enabled_on(): 1, 0 or -ENODATA */
};

/* The hops from the device up to its root port, and which ACS Control they are judged by. */
struct walk {
	const struct pt_dev_ctx *c;
	struct hop *hops;
	size_t n;
	enum pt_tristate acs_on; /* the kernel has enabled ACS (pt_iommu_acs_enabled) */
	enum pt_pci_acs_basis basis;
};

/* How the kernel forms groups from the ports' ACS, as read. */
#define ACS_FACT "linux drivers/iommu/iommu.c pci_device_group; drivers/pci/pci.c pci_acs_enabled"
/* The same once an IOMMU driver has asked the kernel to enable ACS. */
#define FACT_WHEN_ENABLED                                               \
	"linux drivers/pci/pci.c pci_acs_enabled, pci_std_enable_acs; " \
	"drivers/iommu/intel/dmar.c detect_intel_iommu (pci_request_acs)"

/* Judged by the capability: the kernel has not enabled ACS, or it is not known whether. */
static bool predicted(const struct walk *w)
{
	return w->basis == PT_PCI_ACS_WHEN_ENABLED;
}

/* Where the verdict is predicted: why, said first in the message... */
static const char *why_predicted(const struct walk *w)
{
	return w->acs_on == PT_NO
		       ? "no IOMMU is active, so the kernel has not enabled ACS on any port yet "
			 "(ACSCtl reads as the firmware left it); judged by the ACS capability, "
		       : "this root does not show whether an IOMMU is active, and ACSCtl shows "
			 "what the kernel enabled only when one is; judged by the ACS "
			 "capability, ";
}

/* ...and what settles it, said last in the hint. */
static const char *groups_later(const struct walk *w)
{
	return w->acs_on == PT_NO ? "the IOMMU groups, the verdict, only exist once the IOMMU is "
				    "on: turn it on (iommu.*), reboot and run passthru check again"
				  : "the IOMMU groups (group.*) are the verdict either way";
}

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
	/* Only on the AS_READ basis: the kernel enables every flag a capability has. */
	pt_strbuf_printf(sb, "%s with ACS but ", port_kind(cfg));
	for (size_t i = 0; i < ELEMENTSOF(flags); i++)
		if ((cfg->acs_cap & flags[i].bit) && !(cfg->acs_ctrl & flags[i].bit)) {
			pt_strbuf_printf(sb, "%s%s", sep, flags[i].name);
			sep = " ";
		}
	pt_strbuf_puts(sb, " off");
}

/* Why a bridge's ACS is unknown. */
enum unknown_cause {
	UNKNOWN_NOT_LISTED,  /* in the device's sysfs path, not in /sys/bus/pci/devices */
	UNKNOWN_NO_CONFIG,   /* no config file in this root */
	UNKNOWN_HEADER_ONLY, /* 64 bytes: what a read without root gets */
	UNKNOWN_NO_EXT,	     /* 256 bytes: not the extended space, where ACS lives */
	UNKNOWN_NCAUSES,
};

static enum unknown_cause unknown_cause(const struct pt_pci_dev *d)
{
	if (!d)
		return UNKNOWN_NOT_LISTED;
	if (!d->config)
		return UNKNOWN_NO_CONFIG;
	if (d->config_len <= PT_PCI_CFG_HEADER_SIZE)
		return UNKNOWN_HEADER_ONLY;
	return UNKNOWN_NO_EXT;
}

static const char *unknown_why(enum unknown_cause cause)
{
	static const char *const why[] = {
		[UNKNOWN_NOT_LISTED] = "not listed in /sys/bus/pci/devices",
		[UNKNOWN_NO_CONFIG] = "config space not in this root",
		[UNKNOWN_HEADER_ONLY] = "only the first 64 bytes of config space readable",
		[UNKNOWN_NO_EXT] = "extended config space not readable",
	};

	return why[cause];
}

/*
 * What would tell, per cause. sysfs gives a reader without CAP_SYS_ADMIN the first 64 bytes of
 * config and root the size the kernel found, 4096 where it reaches extended space (linux
 * drivers/pci/pci-sysfs.c pci_read_config); a live 256 means the kernel cannot reach it and
 * finds no ACS either (drivers/pci/pci.c pci_find_ext_capability).
 */
static const char *unknown_fix(enum unknown_cause cause, enum pt_root_mode mode)
{
	bool live = mode == PT_ROOT_LIVE;

	switch (cause) {
	case UNKNOWN_NOT_LISTED:
		return "a bridge named in the device's sysfs path is missing from this root's "
		       "/sys/bus/pci/devices (an incomplete snapshot): take a full one with "
		       "`passthru snapshot`";
	case UNKNOWN_NO_CONFIG:
		return "this root has no config file for a bridge (an incomplete snapshot): take "
		       "a full one with `passthru snapshot` as root";
	case UNKNOWN_HEADER_ONLY:
		return live ? "run passthru as root: without root the kernel shows only the "
			      "first 64 bytes of config space"
			    : "take the snapshot as root (`passthru snapshot`): it was read "
			      "without root, which shows only the first 64 bytes of config space";
	case UNKNOWN_NO_EXT:
		return live ? "the kernel itself reads only 256 bytes of config space there (no "
			      "extended configuration access), so it finds no ACS either"
			    : "the capture kept only the first 256 bytes of config space (as "
			      "`lspci -xxx` does): `passthru snapshot` as root keeps all 4096";
	case UNKNOWN_NCAUSES:
		break;
	}
	return "";
}

/* Appends the fix of every cause in the mask, in cause order. */
static void append_fixes(struct pt_strbuf *sb, unsigned causes, enum pt_root_mode mode)
{
	const char *sep = "";

	for (unsigned k = 0; k < UNKNOWN_NCAUSES; k++)
		if (causes & (1u << k)) {
			pt_strbuf_printf(sb, "%s%s", sep, unknown_fix(k, mode));
			sep = "; ";
		}
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
	path = pt_pci_attr_path(hp->dev, "config");
	pt_finding_evidence(c->out, f, path, cfg ? value : NULL);
	free(path);
}

static void walk_evidence(const struct walk *w, struct pt_finding *f)
{
	for (size_t k = 0; k < w->n; k++)
		hop_evidence(w->c, f, &w->hops[k]);
}

/* What is known of the root ports off the path. */
struct other_ports {
	struct pt_strbuf good; /* slots of those that isolate */
	bool any_port;	       /* some root port off the path was judged */
	unsigned unknown;      /* 1 << enum unknown_cause of the bridges that could not be */
};

/* Root ports off the path that isolate, and why any bridge could not be judged. */
static void other_root_ports(const struct walk *w, struct other_ports *o)
{
	const struct pt_host *h = w->c->h;

	for (size_t i = 0; i < h->ndevs; i++) {
		const struct pt_pci_dev *p = &h->devs[i];
		bool on_path = false;
		int v;

		for (size_t k = 0; k < w->n; k++)
			on_path |= w->hops[k].dev == p;
		if (on_path || !p->is_bridge)
			continue;
		if (!p->config || !p->config->caps_known) {
			o->unknown |= 1u << unknown_cause(p);
			continue;
		}
		if (!p->config->has_pcie || p->config->pcie_type != PT_PCIE_TYPE_ROOT_PORT)
			continue;
		o->any_port = true;
		v = pt_pci_acs_enabled_on(p->config, w->basis);
		if (v < 0)
			o->unknown |= 1u << unknown_cause(p);
		else if (v == 1)
			pt_strbuf_printf(&o->good, "%s%s", o->good.len ? ", " : "", p->slot);
	}
}

static void other_slot_hint(const struct walk *w, struct pt_finding *f)
{
	struct other_ports o = {0};
	struct pt_strbuf sb = {0};

	other_root_ports(w, &o);
	if (o.good.len)
		pt_strbuf_printf(&sb,
				 "root ports with %s: %s; a card in a slot wired to one of them "
				 "%s kept apart from devices behind other ports (the board manual "
				 "says which slot is wired where)",
				 predicted(w) ? "an ACS capability" : "ACS on", o.good.buf,
				 predicted(w) ? "will be" : "is");
	else if (!o.unknown && o.any_port)
		pt_strbuf_printf(&sb,
				 "no other root port on this host has %s: another slot would not "
				 "help; pcie_acs_override only pretends isolation",
				 predicted(w) ? "an ACS capability" : "ACS on");
	else {
		pt_strbuf_puts(&sb, "whether another slot would help is unknown: ");
		append_fixes(&sb, o.unknown, w->c->h->mode);
	}
	if (predicted(w))
		pt_strbuf_printf(&sb, "; %s", groups_later(w));
	pt_finding_hint(w->c->out, f, "%s", sb.buf ? sb.buf : "");
	pt_strbuf_done(&sb);
	pt_strbuf_done(&o.good);
}

static void report_missing(const struct walk *w)
{
	const struct pt_dev_ctx *c = w->c;
	int shared = pt_group_shared(c->h, c->idx);
	struct pt_strbuf sb = {0};
	struct pt_finding *f;
	size_t nmissing = 0;

	f = pt_findings_add(c->out, PT_AREA_DEVICE, "acs.path-missing",
			    shared == 1 ? PT_SEV_WARN : PT_SEV_INFO, c->d,
			    predicted(w) ? FACT_WHEN_ENABLED : ACS_FACT);
	if (predicted(w))
		pt_strbuf_puts(&sb, why_predicted(w));
	for (size_t k = 0; k < w->n; k++) {
		if (w->hops[k].verdict != 0)
			continue;
		pt_strbuf_printf(&sb, "%s%s is a ", nmissing++ ? "; " : "", w->hops[k].dev->slot);
		explain_no(w->hops[k].dev->config, &sb);
	}
	if (predicted(w))
		pt_strbuf_puts(&sb, ": once the IOMMU is on, everything below it will share one "
				    "IOMMU group");
	else if (shared == 0)
		pt_strbuf_puts(&sb, "; its group is isolated all the same (nothing else below "
				    "that port, or a kernel quirk: quirks are invisible in config "
				    "space)");
	else
		pt_strbuf_puts(&sb, ": everything below it shares one IOMMU group");
	pt_finding_message(c->out, f, "%s", sb.buf ? sb.buf : "");
	other_slot_hint(w, f);
	walk_evidence(w, f);
	pt_strbuf_done(&sb);
}

static void report_unknown(const struct walk *w)
{
	const struct pt_dev_ctx *c = w->c;
	struct pt_finding *f =
		pt_findings_add(c->out, PT_AREA_DEVICE, "acs.path-unknown", PT_SEV_INFO, c->d,
				"linux drivers/pci/pci-sysfs.c pci_read_config; "
				"drivers/pci/pci.c pci_acs_enabled");
	struct pt_strbuf sb = {0}, fix = {0};
	char bdf[PT_BDF_STRLEN];
	unsigned causes = 0;

	for (size_t k = 0; k < w->n; k++) {
		enum unknown_cause cause = unknown_cause(w->hops[k].dev);

		if (w->hops[k].verdict >= 0)
			continue;
		causes |= 1u << cause;
		pt_strbuf_printf(&sb, "%s%s: %s", sb.len ? "; " : "",
				 w->hops[k].dev ? w->hops[k].dev->slot
						: pt_bdf_format(&c->d->upstream[k], bdf),
				 unknown_why(cause));
	}
	pt_finding_message(c->out, f, "ACS on the path to the root port is unknown: %s",
			   sb.buf ? sb.buf : "");
	append_fixes(&fix, causes, c->h->mode);
	pt_finding_hint(c->out, f, "%s; %s", fix.buf ? fix.buf : "", groups_later(w));
	/* A missing bridge has no config to show: show the path that names it. */
	if (causes & (1u << UNKNOWN_NOT_LISTED)) {
		char path[PT_BDF_STRLEN + 32];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", c->d->slot);
		pt_finding_evidence(c->out, f, path, c->d->sysfs_path);
	}
	walk_evidence(w, f);
	pt_strbuf_done(&sb);
	pt_strbuf_done(&fix);
}

static void report_ok(const struct walk *w)
{
	const struct pt_dev_ctx *c = w->c;
	bool guess = predicted(w) && w->n;
	struct pt_finding *f = pt_findings_add(c->out, PT_AREA_DEVICE, "acs.path-ok",
					       guess ? PT_SEV_INFO : PT_SEV_PASS, c->d,
					       guess ? FACT_WHEN_ENABLED : ACS_FACT);
	struct pt_strbuf sb = {0};

	for (size_t k = 0; k < w->n; k++)
		pt_strbuf_printf(&sb, "%s%s (%s)", k ? ", " : "", w->hops[k].dev->slot,
				 port_kind(w->hops[k].dev->config));
	if (guess) {
		pt_finding_message(c->out, f,
				   "%severy port above it will isolate once the IOMMU is on: %s",
				   why_predicted(w), sb.buf);
		pt_finding_hint(c->out, f, "%s", groups_later(w));
	} else if (w->n) {
		pt_finding_message(c->out, f, "every port above it isolates: %s", sb.buf);
	} else {
		pt_finding_message(c->out, f, "on a root bus: no bridge above it");
	}
	walk_evidence(w, f);
	pt_strbuf_done(&sb);
}

static void report_flat(const struct pt_dev_ctx *c)
{
	struct pt_finding *f =
		pt_findings_add(c->out, PT_AREA_DEVICE, "acs.path-unknown", PT_SEV_INFO, c->d,
				"linux ABI sysfs-bus-pci; "
				"drivers/pci/pci.c pci_acs_enabled");
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

/* Whether the kernel has enabled ACS, and so which ACS Control the walk judges. */
static int acs_basis(struct walk *w)
{
	w->acs_on = w->c->vd->acs_enabled;
	w->basis = w->acs_on == PT_YES ? PT_PCI_ACS_AS_READ : PT_PCI_ACS_WHEN_ENABLED;
	return 0;
}

int pt_check_dev_acs(const struct pt_dev_ctx *c)
{
	struct walk w = {.c = c, .n = c->d->nupstream};
	bool missing = false, unknown = false;
	int e;

	if (w.n == 0 && !pt_pci_on_root_bus(c->d)) {
		report_flat(c);
		return 0;
	}
	e = acs_basis(&w);
	if (e < 0)
		return e;
	w.hops = calloc(w.n ? w.n : 1, sizeof(*w.hops));
	if (!w.hops)
		return -ENOMEM;
	/*
	 * pci_acs_path_enabled: every bridge from the device's bus up to the root (linux
	 * drivers/iommu/iommu.c pci_device_group).
	 */
	for (size_t k = 0; k < w.n; k++) {
		struct hop *hp = &w.hops[k];

		hp->dev = pt_host_find_dev(c->h, &c->d->upstream[k]);
		hp->verdict = hp->dev && hp->dev->config
				      ? pt_pci_acs_enabled_on(hp->dev->config, w.basis)
				      : -ENODATA;
		missing |= hp->verdict == 0;
		unknown |= hp->verdict < 0;
	}
	if (missing)
		report_missing(&w);
	else if (unknown)
		report_unknown(&w);
	else
		report_ok(&w);
	free(w.hops);
	return 0;
}
