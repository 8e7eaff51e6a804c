/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "model/sources.h"
#include "model/host.h"

/* kmod's configuration directories come with its parser (parse/modprobe.h). */
#include "parse/modprobe.h"

/* modules-load.d directories in systemd's priority order (modules-load.d(5)). */
static const char *const modules_load_dirs[] = {
	"/etc/modules-load.d",	   "/run/modules-load.d", "/usr/local/lib/modules-load.d",
	"/usr/lib/modules-load.d", "/lib/modules-load.d", NULL,
};

/* Module parameters in force (captured for bug reports; no fact reads them yet). */
static const char *const module_params[] = {
	"/sys/module/vfio/parameters",
	"/sys/module/vfio_pci/parameters",
	"/sys/module/vfio_iommu_type1/parameters",
	"/sys/module/kvm/parameters",
	"/sys/module/kvm_intel/parameters",
	"/sys/module/kvm_amd/parameters",
	NULL,
};

/* Where Debian (pci.ids package) and other distributions (hwdata) keep the database. */
static const char *const pci_ids[] = {
	"/usr/share/misc/pci.ids",
	"/usr/share/hwdata/pci.ids",
	NULL,
};

static const char *const pci_ids_gz[] = {
	"/usr/share/misc/pci.ids.gz",
	"/usr/share/hwdata/pci.ids.gz",
	NULL,
};

const char *const pt_src_module_index[] = {
	/* What a modalias lookup consults; symbols only matter for "symbol:" aliases. */
	"modules.alias.bin", "modules.builtin.alias.bin", "modules.builtin.bin",
	"modules.dep.bin",   "modules.softdep",		  NULL,
};

const char *const pt_src_module_other[] = {"modules.builtin", "modules.builtin.modinfo", NULL};

#define KIB(n) ((size_t)(n) << 10)
#define MIB(n) ((size_t)(n) << 20)

const struct pt_source pt_sources[PT_SRC_COUNT] = {
	[PT_SRC_PROC_CMDLINE] = {"/proc/cmdline", NULL, KIB(64), "pt_cmdline_parse: its first line",
				 PT_CAPTURE_AS_IS},
	[PT_SRC_PROC_CPUINFO] = {"/proc/cpuinfo", NULL, MIB(1), "pt_cpuinfo_parse",
				 PT_CAPTURE_AS_IS},
	[PT_SRC_PROC_MODULES] = {"/proc/modules", NULL, MIB(4),
				 "facts/modules.c: the first field of each line", PT_CAPTURE_AS_IS},
	[PT_SRC_PROC_IOMEM] = {"/proc/iomem", NULL, MIB(16), "pt_iomem_parse", PT_CAPTURE_AS_IS},
	[PT_SRC_PROC_INTERRUPTS] = {"/proc/interrupts", NULL, MIB(16), "pt_interrupts_parse",
				    PT_CAPTURE_AS_IS},
	[PT_SRC_PROC_MEMINFO] = {"/proc/meminfo", NULL, 0, "none yet (bug reports)",
				 PT_CAPTURE_AS_IS},
	[PT_SRC_PROC_OSRELEASE] = {"/proc/sys/kernel/osrelease", NULL, 0, "an attribute",
				   PT_CAPTURE_AS_IS},
	[PT_SRC_GRUB_DEFAULT] = {"/etc/default/grub", NULL, MIB(1), "pt_shellvars_parse",
				 PT_CAPTURE_AS_IS},
	[PT_SRC_KERNEL_CMDLINE] = {PT_PLAN_KERNEL_CMDLINE, NULL, KIB(64),
				   "pt_cmdline_parse: its first line", PT_CAPTURE_AS_IS},
	[PT_SRC_PBT_UUIDS] = {"/etc/kernel/proxmox-boot-uuids", NULL, KIB(64),
			      "facts/boot.c: its non-empty lines", PT_CAPTURE_AS_IS},
	[PT_SRC_ETC_MODULES] = {"/etc/modules", NULL, MIB(1), "pt_modlist_parse (systemd)",
				PT_CAPTURE_AS_IS},
	[PT_SRC_INITRAMFS_MODULES] = {PT_PLAN_INITRAMFS_MODULES, NULL, MIB(1),
				      "pt_modlist_parse (shell)", PT_CAPTURE_AS_IS},
	[PT_SRC_INITRAMFS_SCRIPT] = {PT_PLAN_INITRAMFS_SCRIPT, NULL, MIB(1), "pt_overrides_parse",
				     PT_CAPTURE_AS_IS},
	[PT_SRC_OS_RELEASE] = {"/etc/os-release", NULL, 0, "none yet (bug reports)",
			       PT_CAPTURE_AS_IS},
	[PT_SRC_BIND_STATE] = {PT_BIND_STATE, NULL, MIB(1), "pt_bind_state_parse (unbind)",
			       PT_CAPTURE_AS_IS},
	/* The cluster's PCI resource mappings (pve-guest-common PVE::Mapping::PCI). */
	[PT_SRC_PVE_PCI_MAPPING] = {"/etc/pve/mapping/pci.cfg", NULL, MIB(1),
				    "pt_pci_mappings_parse (vm)", PT_CAPTURE_AS_IS},
	/* Directories whose presence is a fact: a missing file inside then means "none". */
	[PT_SRC_ETC] = {"/etc", NULL, 0, "exists", PT_CAPTURE_AS_IS},
	[PT_SRC_FIRMWARE] = {"/sys/firmware", NULL, 0, "exists", PT_CAPTURE_AS_IS},
	[PT_SRC_ACPI_TABLES] = {"/sys/firmware/acpi/tables", NULL, 0, "exists", PT_CAPTURE_AS_IS},
	[PT_SRC_ACPI_DMAR] = {"/sys/firmware/acpi/tables/DMAR", NULL, 0, "exists",
			      PT_CAPTURE_AS_IS},
	[PT_SRC_ACPI_IVRS] = {"/sys/firmware/acpi/tables/IVRS", NULL, 0, "exists",
			      PT_CAPTURE_AS_IS},
	[PT_SRC_CPU_ONLINE] = {"/sys/devices/system/cpu/online", NULL, 0, "none yet (pinning)",
			       PT_CAPTURE_AS_IS},
	[PT_SRC_CPU_POSSIBLE] = {"/sys/devices/system/cpu/possible", NULL, 0, "none yet (pinning)",
				 PT_CAPTURE_AS_IS},
	[PT_SRC_CPU_PRESENT] = {"/sys/devices/system/cpu/present", NULL, 0, "none yet (pinning)",
				PT_CAPTURE_AS_IS},

	[PT_SRC_GRUB_DROPINS] = {"/etc/default/grub.d", NULL, MIB(1),
				 "pt_shellvars_parse: *.cfg in glob order", PT_CAPTURE_LISTING},
	[PT_SRC_MODPROBE_DIRS] = {NULL, pt_modprobe_dirs, MIB(1),
				  "pt_modprobe_files_resolve, pt_modprobe_set_add",
				  PT_CAPTURE_LISTING},
	[PT_SRC_MODULES_LOAD_DIRS] = {NULL, modules_load_dirs, MIB(1),
				      "pt_modlist_parse (systemd): *.conf", PT_CAPTURE_LISTING},
	[PT_SRC_PCI_DRIVERS] = {"/sys/bus/pci/drivers", NULL, 0, "a listing", PT_CAPTURE_LISTING},
	[PT_SRC_MODULE_PARAMS] = {NULL, module_params, 0, "none yet (bug reports)",
				  PT_CAPTURE_LISTING},
	/* The node's VM configs (qemu-server): descriptions and MAC addresses are redacted
	 * like every captured text. */
	[PT_SRC_PVE_VMS] = {"/etc/pve/qemu-server", NULL, PT_PVECONF_MAX_FILE,
			    "pt_pveconf_parse: <vmid>.conf (vm)", PT_CAPTURE_LISTING},

	[PT_SRC_PCI_DEVICES] = {"/sys/bus/pci/devices", NULL, 4096, /* config */
				"facts/pci.c: attributes; pt_pci_config_parse: config (the max)",
				PT_CAPTURE_PER_OBJECT},
	[PT_SRC_IOMMU_GROUPS] = {"/sys/kernel/iommu_groups", NULL, 0,
				 "facts/iommu.c: type, devices/", PT_CAPTURE_PER_OBJECT},
	[PT_SRC_IOMMU_UNITS] = {"/sys/class/iommu", NULL, 0, "facts/iommu.c: intel-iommu/ecap",
				PT_CAPTURE_PER_OBJECT},
	[PT_SRC_EFI] = {"/sys/firmware/efi", NULL, 0,
			"exists (UEFI boot); captured with its variables", PT_CAPTURE_PER_OBJECT},
	[PT_SRC_EFIVARS] = {"/sys/firmware/efi/efivars", NULL, KIB(64),
			    "pt_efivar_u8, pt_efivar_string: SecureBoot-, LoaderInfo-",
			    PT_CAPTURE_PER_OBJECT},
	[PT_SRC_CPUS] = {"/sys/devices/system/cpu", NULL, 0, "none yet (pinning)",
			 PT_CAPTURE_PER_OBJECT},
	[PT_SRC_NODES] = {"/sys/devices/system/node", NULL, 0, "none yet (pinning)",
			  PT_CAPTURE_PER_OBJECT},
	[PT_SRC_KCONFIG] = {"/boot/config-", NULL, MIB(16), "pt_kconfig_parse",
			    PT_CAPTURE_PER_OBJECT},
	[PT_SRC_MODULES] = {"/lib/modules", NULL, MIB(64),
			    "libkmod (index files); pt_modbuiltin_parse (modules.builtin)",
			    PT_CAPTURE_PER_OBJECT},
	[PT_SRC_MOUNTS] = {"/proc/mounts", NULL, MIB(4), "pt_mounts_parse", PT_CAPTURE_FILTERED},
	[PT_SRC_ROUTES] = {"/proc/net/route", NULL, MIB(16), "pt_routes_parse",
			   PT_CAPTURE_FILTERED},
	[PT_SRC_CLASS_BLOCK] = {"/sys/class/block", NULL, 0,
				"facts/bootdisk.c: links, slaves/, dm/name", PT_CAPTURE_PER_OBJECT},
	[PT_SRC_CLASS_NET] = {"/sys/class/net", NULL, 0,
			      "facts/uplink.c: links, lower_*, brif/, bonding/slaves",
			      PT_CAPTURE_PER_OBJECT},
	[PT_SRC_PCI_IDS] = {NULL, pci_ids, MIB(64), "libpci", PT_CAPTURE_FIRST},
	[PT_SRC_PCI_IDS_GZ] = {NULL, pci_ids_gz, MIB(64), "libpci", PT_CAPTURE_NEVER},
	[PT_SRC_HOSTNAME] = {"/proc/sys/kernel/hostname", NULL, 0,
			     "snapshot/capture.c: redacted from what it captures; the node name "
			     "a mapping names (vm)",
			     PT_CAPTURE_NEVER},
	/* qemu-server writes <vmid>.pid while a VM runs: runtime state of the live host. */
	[PT_SRC_QEMU_PIDS] = {"/var/run/qemu-server", NULL, 64, "facts/vms.c: <vmid>.pid (vm)",
			      PT_CAPTURE_NEVER},
	[PT_SRC_PROC] = {"/proc", NULL, 0, "facts/vms.c: whether /proc/<pid> exists (vm)",
			 PT_CAPTURE_NEVER},
	/* Option ROM files: only their names matter, and vBIOS images are not ours to copy. */
	[PT_SRC_KVM_ROMS] = {"/usr/share/kvm", NULL, 0, "facts/vms.c: the names (vm)",
			     PT_CAPTURE_NEVER},
	/* Only `vm` reads the pools yet; the snapshot does not take them yet. */
	[PT_SRC_HUGEPAGES] = {"/sys/kernel/mm/hugepages", NULL, 64,
			      "facts/vms.c: hugepages-<kB>kB/{nr,free}_hugepages (vm)",
			      PT_CAPTURE_NEVER},
	[PT_SRC_SNAPSHOT_META] = {PT_SNAPSHOT_META_PATH, NULL, KIB(64), "pt_snapshot_meta_parse",
				  PT_CAPTURE_WRITTEN},
};
