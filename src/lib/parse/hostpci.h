/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The value of a Proxmox VM config's hostpciN key, checked against qemu-server's schema
 * ($hostpci_fmt in src/PVE/QemuServer/PCI.pm, read by pve-common's
 * PVE::JSONSchema::parse_property_string):
 *
 *   hostpci0: 0000:01:00,pcie=1,x-vga=1,romfile=gpu.rom
 *   hostpci1: mapping=gpu0,mdev=nvidia-63
 *
 * A value this refuses is one qemu-server's config reader drops (with a warning; fatal in
 * strict mode): that hostpciN does not exist for `qm start`. What the accepted value means on
 * a host (which functions, which -device arguments) is derive/vm-hostpci.h's business.
 *
 * Also the machine type of a `machine:` value, which decides q35 (qemu-server
 * src/PVE/QemuServer/Machine.pm, $machine_fmt: its default key is `type`).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "parse/propstr.h"

/* hostpci0 .. hostpci15 (qemu-server PCI.pm $MAX_HOSTPCI_DEVICES). */
#define PT_HOSTPCI_MAX 16

struct pt_hostpci_spec {
	/*
	 * host (the default key): one or more ';'-joined addresses as written, each
	 * [domain:]bus:dev[.fn] in lower-case hex; NULL when absent.
	 */
	char *host;
	char *mapping; /* a cluster mapping id (/etc/pve/mapping/pci.cfg); NULL when absent */
	bool rombar_set, rombar; /* rombar given, and its value (default on) */
	char *romfile;		 /* a file name under /usr/share/kvm/, as written; NULL */
	bool pcie, x_vga, legacy_igd;
	char *mdev; /* a mediated device type ("nvidia-63", "i915-GVTg_V5_4"); NULL */
	/* Guest-visible ID overrides, "0x1234" as written; NULL when absent. */
	char *vendor_id, *device_id, *sub_vendor_id, *sub_device_id;
	/* "vfio" (the default) or "keep" (PVE 9.1: the host driver is left alone); NULL */
	char *driver;
};

/* $hostpci_fmt, registered as pve-qm-hostpci: parse/pveconf judges hostpciN values with it. */
extern const struct pt_propstr_schema pt_hostpci_schema;

/*
 * Parses value into *ret. Returns 0; -EINVAL with *err set to Proxmox's message exactly as
 * parse_property_string() dies with it, final newline included ("format error\nhost: value does
 * not match the regex pattern\n"; the caller frees it); -ENOMEM.
 */
int pt_hostpci_parse(const char *value, struct pt_hostpci_spec *ret, char **err);
void pt_hostpci_spec_done(struct pt_hostpci_spec *s);

/*
 * s[0..len) matched whole against ';'-joined PCI addresses, [domain:]bus:dev[.fn] in lower-case
 * hex with a domain of at least 4 digits: qemu-server's $PCIRE(;$PCIRE)* (host=), or with
 * need_domain pve-guest-common PVE::Mapping::PCI's (?:$PCI_RE;)*$PCI_RE (a mapping's path=).
 */
bool pt_hostpci_ids_match(const char *s, size_t len, bool need_domain);

/*
 * The machine type of a `machine:` value ("q35", "pc-i440fx-8.1", "type=q35,viommu=intel"),
 * checked against qemu-server's $machine_fmt (the schema parse/pveconf judges `machine:` with):
 * *type is NULL when the value names none (the default, pc). Returns 0; -EINVAL with *err
 * (Proxmox's message, as for pt_hostpci_parse: Proxmox drops such a value, the VM gets pc);
 * -ENOMEM.
 */
int pt_machine_parse_type(const char *value, char **type, char **err);
