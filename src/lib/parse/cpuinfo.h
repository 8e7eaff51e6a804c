/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/cpuinfo, x86 flavour (linux arch/x86/kernel/cpu/proc.c show_cpuinfo()): one block of
 * "key<TAB>: value" lines per logical CPU, blocks separated by blank lines. Identity comes from
 * the first processor's block; the rest is only compared with it. Other architectures parse
 * too (ARM has no vendor_id: the vendor is unknown and the x86 fields stay absent).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strv.h"

enum pt_cpu_vendor {
	PT_CPU_VENDOR_UNKNOWN, /* no vendor_id line (e.g. ARM) */
	PT_CPU_VENDOR_INTEL,   /* GenuineIntel: VT-x (vmx), VT-d (intel_iommu) */
	PT_CPU_VENDOR_AMD,     /* AuthenticAMD: AMD-V (svm), AMD-Vi (amd_iommu) */
	PT_CPU_VENDOR_HYGON,   /* HygonGenuine: AMD-derived (svm, AMD-Vi) */
	PT_CPU_VENDOR_ZHAOXIN, /* CentaurHauls or "  Shanghai  " (Centaur/Zhaoxin) */
	PT_CPU_VENDOR_OTHER,   /* any other vendor_id: see pt_cpuinfo.vendor_id */
};

/* Which optional fields were present ("absent is not zero"). */
enum {
	PT_CPUINFO_HAVE_FAMILY = 1u << 0,
	PT_CPUINFO_HAVE_MODEL = 1u << 1,
	PT_CPUINFO_HAVE_STEPPING = 1u << 2, /* some CPUs print "unknown" */
	PT_CPUINFO_HAVE_FLAGS = 1u << 3,
	PT_CPUINFO_HAVE_VMX_FLAGS = 1u << 4, /* "vmx flags", Linux >= 5.8 on VT-x hosts */
};

struct pt_cpuinfo {
	unsigned have; /* PT_CPUINFO_HAVE_* */
	enum pt_cpu_vendor vendor;
	char *vendor_id;  /* as printed, NULL when absent */
	char *model_name; /* NULL when absent */
	unsigned family, model, stepping;
	struct pt_strv flags;	  /* first processor's "flags", sorted and unique */
	struct pt_strv vmx_flags; /* first processor's "vmx flags" (ept, vpid, ...), sorted */
	unsigned n_processors;	  /* "processor" lines */
	/*
	 * Another processor's "flags" differ from the first one's (hybrid parts such as Intel
	 * Lakefield, or odd dumps): flags_line is the line of the first such "flags" line.
	 */
	bool flags_differ;
	unsigned flags_differ_line;
	/* Another processor's vendor_id, family, model or model name differ from the first's. */
	bool identity_differs;
	unsigned identity_differs_line;
};

/*
 * buf need not be NUL-terminated; CRLF line ends, NUL bytes and lines of any length are
 * tolerated, lines without ':' ignored, numbers that do not parse left absent. Returns 0,
 * -EINVAL (buf NULL with len > 0) or -ENOMEM.
 */
int pt_cpuinfo_parse(const char *buf, size_t len, struct pt_cpuinfo *ret);
void pt_cpuinfo_done(struct pt_cpuinfo *info);
/* O(log n) lookup in the first processor's flags ("vmx", "svm", "pdpe1gb", "hypervisor"). */
bool pt_cpuinfo_has_flag(const struct pt_cpuinfo *info, const char *flag);
bool pt_cpuinfo_has_vmx_flag(const struct pt_cpuinfo *info, const char *flag);
enum pt_cpu_vendor pt_cpu_vendor_from_id(const char *vendor_id);
const char *pt_cpu_vendor_to_string(enum pt_cpu_vendor vendor); /* "intel", "amd", ... */
