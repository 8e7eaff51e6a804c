/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host model: everything passthru knows about a host, as plain data. Facts fill it
 * (facts/), checks and planners read it, renderers print it; nothing here does I/O.
 * Absent is not zero: every optional fact has a "known" flag or a NULL/-1 meaning unknown.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/cmdline.h"
#include "parse/cpuinfo.h"
#include "parse/interrupts.h"
#include "parse/kconfig.h"
#include "parse/modlist.h"
#include "parse/modprobe.h"
#include "parse/pci-mapping.h"
#include "parse/pveconf.h"
#include "parse/overrides.h"
#include "parse/snapshot-meta.h"
#include "root.h"
#include "util/bdf.h"
#include "util/strv.h"

enum pt_tristate {
	PT_UNKNOWN = -1,
	PT_NO = 0,
	PT_YES = 1,
};

/* Which optional PCI attributes were read successfully (any may be missing, on old kernels too). */
enum {
	PT_PCI_HAVE_VENDOR = 1u << 0,
	PT_PCI_HAVE_DEVICE = 1u << 1,
	PT_PCI_HAVE_SUBSYS = 1u << 2,
	PT_PCI_HAVE_CLASS = 1u << 3,
	PT_PCI_HAVE_REVISION = 1u << 4,
	PT_PCI_HAVE_NUMA = 1u << 5,
	PT_PCI_HAVE_GROUP = 1u << 6,
	PT_PCI_HAVE_DRIVER = 1u << 7,	/* the driver link was looked at (driver may be NULL) */
	PT_PCI_HAVE_RESET = 1u << 8,	/* reset_method was readable */
	PT_PCI_HAVE_SRIOV = 1u << 9,	/* sriov_totalvfs / sriov_numvfs */
	PT_PCI_HAVE_CONFIG = 1u << 10,	/* config space decoded */
	PT_PCI_HAVE_MODULES = 1u << 11, /* modalias looked up in the module index */
};

struct pt_module_ref {
	char *name;		  /* as modules.alias names it, '-' normalised to '_' */
	enum pt_tristate builtin; /* listed in modules.builtin */
	enum pt_tristate loaded;  /* present in /proc/modules */
};

struct pt_pci_config;

/* One module list file as read: /etc/modules, a modules-load.d file, initramfs modules. */
struct pt_modlist_file {
	char *path;
	struct pt_modlist list;
};

/* A range of /proc/iomem, inclusive. */
struct pt_mem_range {
	uint64_t start, end;
	char *name; /* "BOOTFB", "0000:01:00.0" */
};

/*
 * One disk the host boots or runs from (a guard: docs/facts.md, "What Proxmox does with a
 * shared group"): a mount of "/", "/boot" or "/boot/efi", followed through device-mapper/md to
 * each block device under it.
 */
struct pt_boot_disk {
	char *mount;	/* "/", "/boot", "/boot/efi" */
	char *source;	/* what /proc/mounts names: "/dev/mapper/pve-root", "rpool/ROOT/pve-1" */
	char *fstype;	/* "ext4", "zfs" */
	char *block;	/* the block device under it ("nvme0n1p3"); NULL when unknown */
	char *sys_path; /* where /sys/class/block/<block> resolves; NULL when unknown */
	bool has_ctrl;
	struct pt_bdf ctrl; /* the PCI controller: the last PCI address in sys_path */
	/*
	 * Why the controller is unknown ("ZFS pool rpool: member disks are not visible"); NULL
	 * when decided: has_ctrl, or not behind a PCI device (network or virtual file system).
	 */
	char *unknown;
};

/* One network interface under the default route: the route's own, or a port below it. */
struct pt_uplink {
	char *route_iface; /* the default route's interface: "vmbr0" */
	char *iface;	   /* the interface judged: "enp5s0" (a port of vmbr0), or route_iface */
	char *sys_path;	   /* where /sys/class/net/<iface> resolves; NULL when unknown */
	bool has_dev;
	struct pt_bdf dev; /* the PCI device: the last PCI address in sys_path */
	char *unknown;	   /* why the device is unknown; NULL when decided */
};

struct pt_pci_dev {
	struct pt_bdf bdf;
	char slot[PT_BDF_STRLEN]; /* canonical "0000:01:00.0" */
	char *sysfs_path;	  /* resolved device directory, "/sys/devices/pci0000:00/..." */
	unsigned have;		  /* PT_PCI_HAVE_* */

	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class; /* class << 16 | subclass << 8 | prog-if */
	uint8_t revision;

	/* Names from pci.ids through libpci; NULL when unknown. */
	char *vendor_name, *device_name, *class_name, *subsys_name;

	char *driver;	       /* bound driver, NULL when unbound or unknown (see HAVE_DRIVER) */
	char *driver_override; /* NULL when unset: sysfs shows "(null)" or "" then */
	int iommu_group;       /* -1 when none or unknown (see HAVE_GROUP) */
	int numa_node;	       /* -1: the kernel does not know (no _PXM), see HAVE_NUMA */
	char *local_cpulist;
	enum pt_tristate boot_vga;
	struct pt_strv reset_methods; /* priority order, see HAVE_RESET */
	char *modalias;
	bool is_bridge; /* has a pci_bus/ directory: bridges, root and switch ports */

	/*
	 * The bridges above the device, nearest first, from its /sys/devices/pci... path;
	 * upstream[0] is the parent bridge (index `parent` in pt_host.devs, or -1 when the
	 * root lists no such device). Empty on a root bus.
	 */
	struct pt_bdf *upstream;
	size_t nupstream;
	long parent;
	/* SR-IOV: a virtual function's physical function (index or -1); counts on a PF. */
	bool has_physfn_bdf;
	struct pt_bdf physfn_bdf;
	long physfn;
	unsigned sriov_totalvfs, sriov_numvfs;

	struct pt_pci_config *config; /* decoded config space, NULL when unreadable */
	size_t config_len;	      /* bytes readable (64 unprivileged, 256, 4096) */

	struct pt_module_ref *modules; /* modules whose aliases match modalias */
	size_t nmodules;

	/* Its memory ranges: /proc/iomem lines named with its slot (see pt_host.iomem_known). */
	struct pt_mem_range *mem;
	size_t nmem;
};

/* What VFIO_GROUP_GET_STATUS said of /dev/vfio/<group> (a live-only fact, read on demand). */
enum pt_vfio_status {
	PT_VFIO_NOT_READ,   /* not asked for (only verify reads it) */
	PT_VFIO_NOT_LIVE,   /* the root is not the running host */
	PT_VFIO_VIABLE,	    /* the kernel calls the group viable */
	PT_VFIO_NOT_VIABLE, /* a member is still on a host driver */
	PT_VFIO_BUSY,	    /* another user holds the group (a running VM) */
	PT_VFIO_ABSENT,	    /* no /dev/vfio/<group>: vfio-pci holds no device of it */
	PT_VFIO_ERROR,	    /* see vfio_errno */
};

struct pt_iommu_group {
	int id;
	char *type;	 /* "DMA", "DMA-FQ", "identity", ... or NULL (kernel < 5.11) */
	size_t *members; /* indices into pt_host.devs, sorted by address */
	size_t nmembers;
	enum pt_vfio_status vfio;
	int vfio_errno; /* PT_VFIO_ERROR: the errno of the open or the ioctl */
};

/* How the host boots (docs/facts.md, "Which loader boots the host"). */
struct pt_boot {
	enum pt_tristate efi;	       /* /sys/firmware/efi exists */
	enum pt_tristate secure_boot;  /* EFI variable SecureBoot-8be4df61-... */
	char *loader_info;	       /* EFI variable LoaderInfo (systemd-boot sets it), or NULL */
	enum pt_tristate proxmox_boot; /* /etc/kernel/proxmox-boot-uuids exists */
	struct pt_strv esp_uuids;      /* its lines */
	/* /etc/kernel/cmdline: only its first line is used (proxmox-kernel-helper) */
	char *kernel_cmdline_file;
	bool kernel_cmdline_known; /* kernel_cmdline_file tokenised into kernel_cmdline */
	struct pt_cmdline kernel_cmdline;
};

/* One GRUB variable after grub-mkconfig's sourcing of /etc/default/grub and grub.d. */
struct pt_grub_var {
	bool assigned; /* some file assigns it (with effect) */
	char *value;   /* its value; NULL when unknown (flags say why) or never assigned */
	char *file;    /* the file and line of the assignment that decided it */
	unsigned line;
	unsigned flags; /* PT_SHELLVARS_* of that assignment */
	/* An earlier file's assignment it replaced (a grub.d drop-in overriding); NULL if none. */
	char *overridden_file;
	unsigned overridden_line;
	/* value tokenised as the kernel would (parse/cmdline.h); known: value is set and parsed */
	bool parsed_known;
	struct pt_cmdline parsed;
};

/* GRUB's configuration files as grub-mkconfig reads them (Debian grub2 grub-mkconfig). */
struct pt_grub {
	bool known;	       /* /etc/default/grub was read */
	struct pt_strv files;  /* the files evaluated, in order: /etc/default/grub, grub.d/ *.cfg */
	struct pt_strv errors; /* "file:line: ..." files dash would refuse (update-grub fails) */
	struct pt_grub_var cmdline_linux, cmdline_linux_default;
	/*
	 * A normal entry's parameters as grub-mkconfig's 10_linux writes them: GRUB_CMDLINE_LINUX,
	 * a space, GRUB_CMDLINE_LINUX_DEFAULT (an unknown value as empty), tokenised up to the
	 * first newline, which ends grub.cfg's linux line (linux_line_newline: the values hold
	 * one). linux_line_err: 0, or why it could not be tokenised.
	 */
	struct pt_cmdline linux_line;
	int linux_line_err;
	bool linux_line_newline;
	/*
	 * The parameters passthru's own drop-in (PT_PLAN_GRUB_DROPIN) adds to
	 * GRUB_CMDLINE_LINUX_DEFAULT, its assignment evaluated alone (the variable empty before
	 * it); none when it is absent, not valid sh, or leaves a quote open.
	 */
	struct pt_cmdline dropin;
};

/* A file a planner may rewrite, with its exact bytes (planning stays pure: no I/O in plan/). */
struct pt_raw_file {
	char *path;
	char *data; /* NUL-terminated copy; NULL: absent or unreadable (see err) */
	size_t len;
	int err; /* 0, -ENOENT (absent), or why it could not be read */
};

/* The files `passthru plan` writes or edits. */
#define PT_PLAN_GRUB_DROPIN	  "/etc/default/grub.d/zz-passthru.cfg"
#define PT_PLAN_KERNEL_CMDLINE	  "/etc/kernel/cmdline"
#define PT_PLAN_MODPROBE	  "/etc/modprobe.d/passthru-vfio.conf"
#define PT_PLAN_MODULES_LOAD	  "/etc/modules-load.d/passthru.conf"
#define PT_PLAN_INITRAMFS_MODULES "/etc/initramfs-tools/modules"
/* initramfs-tools runs its executable init-top scripts before it loads any module. */
#define PT_PLAN_INITRAMFS_SCRIPT "/etc/initramfs-tools/scripts/init-top/passthru"
/* What `passthru bind` saved to give devices back: previous driver and override per BDF. */
#define PT_BIND_STATE "/var/lib/passthru/bind.state"

/* One VM of this node: /etc/pve/qemu-server/<vmid>.conf (read on demand, by `vm`). */
struct pt_vm {
	unsigned long vmid;
	char *path;
	int err;		    /* 0, or why the file could not be read (conf then empty) */
	struct pt_pveconf_doc conf; /* the file, line for line */
	/* /var/run/qemu-server/<vmid>.pid names a process that exists (live host only) */
	enum pt_tristate running;
};

/* A hugepage pool of the kernel (/sys/kernel/mm/hugepages/hugepages-<kB>kB). */
struct pt_hugepage_pool {
	unsigned long size_kb;
	long nr, free; /* -1: unknown */
};

/* What `passthru vm` reads besides the host: the node's VMs and what they refer to. */
struct pt_vms {
	bool known;	 /* /etc/pve/qemu-server was listed */
	struct pt_vm *v; /* sorted by vmid */
	size_t n;
	/* /etc/pve/mapping/pci.cfg: PT_YES parsed, PT_NO absent, PT_UNKNOWN unreadable */
	enum pt_tristate mappings_known;
	struct pt_pci_mappings mappings;
	char *node; /* this node's name (the short host name), NULL when unknown */
	/* /usr/share/kvm: the ROM files a romfile= can name (qemu-server prefixes the dir) */
	bool roms_known;
	struct pt_strv roms;
	bool pools_known;
	struct pt_hugepage_pool pools[8];
	size_t npools;
};

struct pt_host {
	enum pt_root_mode mode;
	struct pt_snapshot_meta meta; /* from the snapshot, or the running system when live */
	char *kernel_release;	      /* NULL when unknown */
	bool cmdline_known;	      /* /proc/cmdline */
	struct pt_cmdline cmdline;
	char *cmdline_raw;
	bool kconfig_known; /* /boot/config-<release> */
	struct pt_kconfig kconfig;
	struct pt_boot boot;
	struct pt_grub grub;
	/* /dev/kvm exists: read on the live host only (live-only fact), else PT_UNKNOWN. */
	enum pt_tristate dev_kvm;

	struct pt_pci_dev *devs; /* sorted by address */
	size_t ndevs;
	/* A pci.ids database was found (the root's, or --pci-ids): names are known. */
	bool names_known;
	bool pci_known; /* /sys/bus/pci/devices was readable */
	/* /sys/bus/pci/drivers: the PCI drivers registered now (a loaded or built-in module's). */
	bool pci_drivers_known;
	struct pt_strv pci_drivers; /* sorted */

	struct pt_iommu_group *groups; /* sorted by id */
	size_t ngroups;
	struct pt_strv iommu_units;	       /* /sys/class/iommu entries: dmar0, ivhd0, ... */
	enum pt_tristate acpi_dmar, acpi_ivrs; /* ACPI DMAR / IVRS tables */
	/* /proc/interrupts: chip names say whether interrupt remapping is on. */
	bool interrupts_known;
	struct pt_interrupts interrupts;
	/* The first Intel unit's extended capabilities (bit 3: IR supported), NULL when unknown. */
	char *ecap_path; /* "/sys/class/iommu/dmar0/intel-iommu/ecap" */
	char *ecap;	 /* raw hex as read */

	bool modules_known; /* a module index was found for kernel_release */
	/* Whether the module index knows vfio_virqfd (merged into vfio in Linux 6.2). */
	enum pt_tristate virqfd_indexed;
	bool loaded_known; /* /proc/modules was read */
	struct pt_strv loaded_modules;
	bool builtin_known; /* modules.builtin of kernel_release was read */
	struct pt_modbuiltin builtin;

	bool cpu_known; /* /proc/cpuinfo */
	struct pt_cpuinfo cpu;

	/* modprobe.d as kmod 30 (Debian 12) merges it, with file:line provenance. */
	struct pt_modprobe_files modprobe_files; /* which files, in kmod's order */
	struct pt_modprobe_set modprobe;	 /* their commands */
	/* Modules loaded at boot: /etc/modules, modules-load.d files, initramfs-tools. */
	struct pt_modlist_file *module_lists;
	size_t nmodule_lists;

	/*
	 * Boot disks (/proc/mounts, /sys/class/block). mounts_known: /proc/mounts was read; the
	 * controllers are decided only when it was and no entry has `unknown` set.
	 */
	bool mounts_known;
	struct pt_boot_disk *boot_disks;
	size_t nboot_disks;
	/*
	 * The default route's NICs (/proc/net/route, /sys/class/net). routes_known: the file was
	 * read; no IPv4 default route leaves uplinks empty and routes_have_default false.
	 */
	bool routes_known;
	bool routes_have_default;
	struct pt_uplink *uplinks;
	size_t nuplinks;
	/* The /sys/class/block and /sys/class/net entries those facts looked at (to capture). */
	struct pt_strv blocks_read, nets_read;

	/*
	 * /proc/iomem: PT_YES read with addresses, PT_UNKNOWN absent or hidden (read without
	 * root: every address 0), never PT_NO. framebuffers: BOOTFB, efifb, simplefb, ...
	 */
	enum pt_tristate iomem_known;
	bool iomem_hidden; /* /proc/iomem was read and showed every address as 0 */
	struct pt_mem_range *framebuffers;
	size_t nframebuffers;

	/* Files the planner edits, as read (facts/planfiles.c: the list). */
	struct pt_raw_file *raw_files;
	size_t nraw_files;
	/*
	 * Those files parsed, so the planner parses nothing: the first line of
	 * PT_PLAN_KERNEL_CMDLINE's raw bytes tokenised (offsets index those bytes; err: 0, or
	 * -EINVAL for a NUL byte) and the override lines of PT_PLAN_INITRAMFS_SCRIPT.
	 */
	struct pt_cmdline plan_kernel_cmdline;
	int plan_kernel_cmdline_err;
	struct pt_overrides plan_overrides;

	/* The node's VMs: only `vm` reads them (pt_facts_vms). */
	struct pt_vms vms;

	/* Problems met while reading (bad attribute values, unreadable files): "path: why". */
	struct pt_strv problems;
};

void pt_host_done(struct pt_host *h);
/* Whether every boot disk's controller is decided (pt_boot_disk.unknown unset). */
bool pt_host_boot_disks_decided(const struct pt_host *h);
/* Whether every default-route NIC is decided. */
bool pt_host_uplinks_decided(const struct pt_host *h);
const struct pt_pci_dev *pt_host_find_dev(const struct pt_host *h, const struct pt_bdf *bdf);
long pt_host_dev_index(const struct pt_host *h, const struct pt_bdf *bdf);
/* The raw bytes read of path; NULL when facts did not read it (absent files have data NULL). */
const struct pt_raw_file *pt_host_raw_file(const struct pt_host *h, const char *path);
/* The module list read from path (pt_host.module_lists), or NULL. */
const struct pt_modlist_file *pt_host_module_list(const struct pt_host *h, const char *path);
const struct pt_iommu_group *pt_host_find_group(const struct pt_host *h, int id);
/* The VM vmid of this node, or NULL. */
const struct pt_vm *pt_host_find_vm(const struct pt_host *h, unsigned long vmid);
/* The hugepage pool of size_kb, or NULL. */
const struct pt_hugepage_pool *pt_host_find_pool(const struct pt_host *h, unsigned long size_kb);

/* Class helpers (linux include/linux/pci_ids.h: 0x03xx display, 0x0604 PCI bridge). */
bool pt_pci_is_display(const struct pt_pci_dev *d);
/*
 * Whether d sits on a root bus: no bridge above it, and its bus is the one its
 * "/sys/devices/pciDDDD:BB" directory names (a root that flattened the hierarchy, as
 * hand-typed listings do, leaves it unknown: false).
 */
bool pt_pci_on_root_bus(const struct pt_pci_dev *d);
/*
 * An integrated GPU as Debian's intel-iommu patches tell one (IS_INTGPU_DEVICE: display
 * class, vendor Intel, on a root bus; Thunderbolt/ExpressCard GPUs are below a port).
 */
bool pt_pci_is_intel_igpu(const struct pt_pci_dev *d);
/* Class 0x0600: the host bridge, the root complex's own function (linux include/linux/pci_ids.h).
 */
bool pt_pci_is_host_bridge(const struct pt_pci_dev *d);
/* "0000:03:00.0 (USB controller)": the slot and what it is, for messages. */
char *pt_pci_label(const struct pt_pci_dev *d);
/* The sysfs path of one of d's attributes, for evidence: "/sys/bus/pci/devices/<slot>/<a>". */
char *pt_pci_attr_path(const struct pt_pci_dev *d, const char *attr);
