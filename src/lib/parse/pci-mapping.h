/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/pve/mapping/pci.cfg, the cluster's PCI resource mappings, read the way Proxmox reads
 * it: pve-common's PVE::SectionConfig::parse_config with pve-guest-common's
 * PVE::Mapping::PCI as the plugin.
 *
 *   gpu0
 *   	map id=10de:2204,iommugroup=14,node=pve1,path=0000:01:00,subsystem-id=1462:3880
 *   	description RTX 3090
 *   	mdev 1
 *
 * A section starts at a line that is one word (the mapping id, which must be a pve-configid)
 * and runs to the next empty line; its lines are "<white space>key value". Lines starting
 * with '#' (after white space) are skipped anywhere. What Proxmox skips with a warning
 * (a bad line, an unknown or duplicated key, a `map` value its schema refuses, a section
 * without any valid `map`) is skipped here too and listed in warnings.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strv.h"

/* One `map` value: the device on one node ($map_fmt of PVE::Mapping::PCI). */
struct pt_pci_map_entry {
	unsigned line;
	char *node;	    /* required */
	char *path;	    /* required: DDDD:BB:DD[.F], ';'-joined */
	char *id;	    /* required: "10de:2204" as written */
	char *subsystem_id; /* "1462:3880" as written, or NULL */
	char *iommugroup;   /* the integer as written, or NULL */
	char *description;
};

struct pt_pci_mapping {
	char *id;
	unsigned line;
	bool mdev;		     /* the devices can provide mediated devices */
	bool live_migration_capable; /* `live-migration-capable` */
	char *description;
	struct pt_pci_map_entry *map; /* in file order; never empty */
	size_t nmap;
};

struct pt_pci_mappings {
	struct pt_pci_mapping *v; /* in file order; a later section of the same id replaces it */
	size_t n;
	struct pt_strv warnings; /* "line N: ..." for each thing skipped */
};

/* Parses a pci.cfg buffer. Returns 0 or -ENOMEM. */
int pt_pci_mappings_parse(const char *buf, size_t len, struct pt_pci_mappings *ret);
void pt_pci_mappings_done(struct pt_pci_mappings *m);
const struct pt_pci_mapping *pt_pci_mappings_find(const struct pt_pci_mappings *m, const char *id);
