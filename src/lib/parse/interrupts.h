/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/interrupts (linux kernel/irq/proc.c show_interrupts()): a header of "CPUn" columns,
 * then one line per interrupt: "NNN:" and one count per CPU, then the irq chip's name, the
 * hardware IRQ and its type, and the actions. With interrupt remapping on x86 the chip names
 * carry an "IR-" prefix ("IR-IO-APIC", "IR-PCI-MSI-0000:00:02.0"): a naming convention of
 * linux arch/x86/kernel/apic/io_apic.c (ioapic_ir_chip) and msi.c, not ABI.
 *
 * Only numbered lines are looked at (NMI, LOC, ERR ... have no chip). The chip is the first
 * word after the counts; a line with fewer counts than CPUs (or none) is skipped.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strv.h"

struct pt_interrupts {
	unsigned ncpus;		 /* "CPUn" columns in the header */
	unsigned nlines;	 /* numbered lines with a chip */
	struct pt_strv ir_chips; /* chip names starting with "IR-", sorted, unique */
	/* chip names of remappable kinds without "IR-": IO-APIC, PCI-MSI* (not DMAR-MSI), sorted */
	struct pt_strv plain_chips;
};

/* buf need not be NUL-terminated. Returns 0, -EINVAL (buf NULL with len > 0) or -ENOMEM. */
int pt_interrupts_parse(const char *buf, size_t len, struct pt_interrupts *ret);
void pt_interrupts_done(struct pt_interrupts *irq);
