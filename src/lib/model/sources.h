/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host sources: every file and directory passthru reads under a root, in one table.
 * Facts read them by their id (path, size limit); the snapshot capture takes what the table
 * says it takes, so a snapshot holds what facts read. A host path is spelled here once.
 * docs/snapshots.md says the same for users.
 */
#pragma once

#include <stddef.h>

/* How `passthru snapshot` treats a source. */
enum pt_capture {
	/* The file, or the directory entry alone (its presence is a fact), with every link on
	 * the way to it; text is redacted (MAC addresses, the host name). */
	PT_CAPTURE_AS_IS,
	/* Every entry of the directory (or of each directory of list), one level. */
	PT_CAPTURE_LISTING,
	/* Only the lines facts use, kept at the file's own path (capture.c says which). */
	PT_CAPTURE_FILTERED,
	/* By a step of its own (snapshot/capture.c), for each object facts found: device,
	 * IOMMU group and unit, EFI variable, CPU, NUMA node, kernel release, disk, NIC. */
	PT_CAPTURE_PER_OBJECT,
	/* The first file of list that exists. */
	PT_CAPTURE_FIRST,
	/* Never stored: read only to redact it elsewhere, or not captured at all. */
	PT_CAPTURE_NEVER,
	/* Written by the capture itself. */
	PT_CAPTURE_WRITTEN,
};

enum pt_source_id {
	/* Captured as they are, in this order. */
	PT_SRC_PROC_CMDLINE,
	PT_SRC_PROC_CPUINFO,
	PT_SRC_PROC_MODULES,
	PT_SRC_PROC_IOMEM,
	PT_SRC_PROC_INTERRUPTS,
	PT_SRC_PROC_MEMINFO,
	PT_SRC_PROC_OSRELEASE,
	PT_SRC_GRUB_DEFAULT,
	PT_SRC_KERNEL_CMDLINE,
	PT_SRC_PBT_UUIDS,
	PT_SRC_ETC_MODULES,
	PT_SRC_INITRAMFS_MODULES,
	PT_SRC_INITRAMFS_SCRIPT,
	PT_SRC_OS_RELEASE,
	PT_SRC_BIND_STATE,
	PT_SRC_PVE_PCI_MAPPING,
	PT_SRC_ETC,
	PT_SRC_FIRMWARE,
	PT_SRC_ACPI_TABLES,
	PT_SRC_ACPI_DMAR,
	PT_SRC_ACPI_IVRS,
	PT_SRC_CPU_ONLINE,
	PT_SRC_CPU_POSSIBLE,
	PT_SRC_CPU_PRESENT,
	/* Directories listed one level, in this order. */
	PT_SRC_GRUB_DROPINS,
	PT_SRC_MODPROBE_DIRS,
	PT_SRC_MODULES_LOAD_DIRS,
	PT_SRC_PCI_DRIVERS,
	PT_SRC_MODULE_PARAMS,
	PT_SRC_PVE_VMS,
	/* Per object, filtered, and the rest. */
	PT_SRC_PCI_DEVICES,
	PT_SRC_IOMMU_GROUPS,
	PT_SRC_IOMMU_UNITS,
	PT_SRC_EFI,
	PT_SRC_EFIVARS,
	PT_SRC_CPUS,
	PT_SRC_NODES,
	PT_SRC_KCONFIG,
	PT_SRC_MODULES,
	PT_SRC_MOUNTS,
	PT_SRC_ROUTES,
	PT_SRC_CLASS_BLOCK,
	PT_SRC_CLASS_NET,
	PT_SRC_PCI_IDS,
	PT_SRC_PCI_IDS_GZ,
	PT_SRC_HOSTNAME,
	PT_SRC_QEMU_PIDS,
	PT_SRC_PROC,
	PT_SRC_KVM_ROMS,
	PT_SRC_HUGEPAGES,
	PT_SRC_SNAPSHOT_META,
	PT_SRC_COUNT
};

struct pt_source {
	/*
	 * The path under the root; for a PER_OBJECT source the directory or prefix the objects'
	 * names follow ("/boot/config-" + kernel release). NULL when list holds the paths.
	 */
	const char *path;
	/* Several paths read alike, in priority order (NULL-terminated), or NULL. */
	const char *const *list;
	size_t max;	    /* the largest file facts read here; 0: not read as a whole file */
	const char *parser; /* what turns it into the model */
	enum pt_capture capture;
};

extern const struct pt_source pt_sources[PT_SRC_COUNT];

static inline const char *pt_src_path(enum pt_source_id id)
{
	return pt_sources[id].path;
}

static inline size_t pt_src_max(enum pt_source_id id)
{
	return pt_sources[id].max;
}

/*
 * The files of a kernel's module directory (PT_SRC_MODULES, then the release) passthru
 * reads: what libkmod's modalias lookup consults, then the others. NULL-terminated.
 */
extern const char *const pt_src_module_index[];
extern const char *const pt_src_module_other[];
