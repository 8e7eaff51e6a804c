/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel build configuration, /boot/config-<release> (docs/facts.md, "IOMMU kernel parameters"):
 * which IOMMU defaults and VFIO options the running kernel was built with.
 *
 * Grammar (linux scripts/kconfig/confdata.c conf_read_simple() and conf_write_symbol()):
 *   CONFIG_NAME=y | m | n | "string" | decimal | 0xhex     one per line
 *   # CONFIG_NAME is not set                               a bool/tristate that is off
 *   #... and blank lines                                   comments
 * A trailing '\r' is ignored as kconfig does. A symbol that appears twice keeps its last value
 * (kconfig warns "override: reassigning to symbol"). Strings are written by kconfig with '"' and
 * '\' escaped by a backslash; we undo that.
 *
 * Stricter than kconfig, which skips lines it does not understand: any other line, a value that
 * is none of the forms above, an unterminated string or an embedded NUL byte is -EINVAL with its
 * line number, so a damaged file is reported instead of half-read.
 */
#pragma once

#include <stddef.h>

enum pt_kconfig_kind {
	PT_KCONFIG_NOT_SET, /* "# CONFIG_X is not set" or CONFIG_X=n */
	PT_KCONFIG_YES,
	PT_KCONFIG_MODULE,
	PT_KCONFIG_STRING, /* value unescaped, without the quotes */
	PT_KCONFIG_NUMBER, /* decimal (may be negative) or 0x hex; value as written */
};

struct pt_kconfig_entry {
	const char *name;  /* full symbol name, "CONFIG_VFIO_PCI" */
	const char *value; /* "y", "m", "n", the string or the number; NULL for "is not set" */
	enum pt_kconfig_kind kind;
	unsigned line; /* 1-based line of the winning assignment */
};

struct pt_kconfig {
	struct pt_kconfig_entry *entries; /* unique names, sorted by name (strcmp) */
	size_t n;
	size_t n_overridden; /* assignments that a later line of the same symbol replaced */
	char *text;	     /* storage for every name and value */
};

/*
 * Parses buf[0..len). Returns 0, -EINVAL (syntax error; *ret_err_line set to its 1-based line
 * when ret_err_line is not NULL) or -ENOMEM. On failure *ret is left empty.
 */
int pt_kconfig_parse(const char *buf, size_t len, struct pt_kconfig *ret, unsigned *ret_err_line);
void pt_kconfig_done(struct pt_kconfig *kc);

/* By full name ("CONFIG_VFIO_PCI") or without the prefix ("VFIO_PCI"); NULL when absent. */
const struct pt_kconfig_entry *pt_kconfig_get(const struct pt_kconfig *kc, const char *name);

enum pt_kconfig_tristate {
	PT_KCONFIG_ABSENT, /* not in the file: symbol unknown to this kernel or its dependencies
			      unmet */
	PT_KCONFIG_N,	   /* "is not set" or =n */
	PT_KCONFIG_M,
	PT_KCONFIG_Y,
	PT_KCONFIG_OTHER, /* a string or number symbol */
};

/*
 * The state of a bool/tristate symbol. ABSENT and N both mean "off" to the kernel, but ABSENT on
 * an older kernel also means "this option does not exist yet" (e.g.
 * CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF): checks should say which.
 */
enum pt_kconfig_tristate pt_kconfig_tristate(const struct pt_kconfig *kc, const char *name);
