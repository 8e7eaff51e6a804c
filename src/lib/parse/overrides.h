/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The override lines of passthru's own initramfs init-top script
 * (/etc/initramfs-tools/scripts/init-top/passthru, written by `passthru plan`/`apply`):
 *
 *   override 0000:01:00.0 0x10de 0x1b80
 *
 * one per PCI function handed to vfio-pci by driver_override: its slot, vendor and device.
 * Every other line (the script's shell code, anything a user added) is not one of ours.
 */
#pragma once

#include <stddef.h>

#include "util/strv.h"

struct pt_overrides {
	struct pt_strv lines; /* each override line as written, in file order */
	struct pt_strv slots; /* the slot each names, in the same order */
};

/* Collects the override lines of buf; -ENOMEM only. */
int pt_overrides_parse(const char *buf, size_t len, struct pt_overrides *ret);
void pt_overrides_done(struct pt_overrides *o);
