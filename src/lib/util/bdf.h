/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI addresses "DDDD:BB:DD.F". */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Domains are 32-bit: Intel VMD numbers its domains from 0x10000 (linux
 * drivers/pci/controller/vmd.c). */
struct pt_bdf {
	uint32_t domain;
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t fn;  /* 0..7 */
};

/* "ffffffff:ff:1f.7" and its NUL. */
#define PT_BDF_STRLEN 17

/*
 * Parses a full address as sysfs writes it: at least 4 lower- or upper-case hex domain digits
 * (Proxmox uses [a-f0-9]{4,}), then ":BB:DD.F". Returns 0 or -EINVAL.
 */
int pt_bdf_parse(const char *s, size_t len, struct pt_bdf *ret);
/*
 * The last component of path that is a full PCI address: in a sysfs path such as
 * /sys/devices/pci0000:00/0000:00:1d.0/0000:04:00.0/nvme/nvme0/nvme0n1, the PCI device the
 * object hangs off (0000:04:00.0). Returns 0 or -ENOENT.
 */
int pt_bdf_last_in_path(const char *path, struct pt_bdf *ret);
/* Accepts what users type too: "01:00.0" (domain 0) as well as the full form. */
int pt_bdf_parse_user(const char *s, struct pt_bdf *ret);
/* Writes the canonical lower-case form; returns buf. */
char *pt_bdf_format(const struct pt_bdf *b, char buf[PT_BDF_STRLEN]);
int pt_bdf_cmp(const struct pt_bdf *a, const struct pt_bdf *b);
/* Same domain, bus and device number: functions of one slot. */
int pt_bdf_same_slot(const struct pt_bdf *a, const struct pt_bdf *b);
