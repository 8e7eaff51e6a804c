/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration space decoder: the bytes of /sys/bus/pci/devices/<BDF>/config -> plain data.
 *
 * sysfs gives 64 bytes to unprivileged readers, 256 for conventional PCI and 4096 when the
 * kernel sized the extended space (linux drivers/pci/pci-sysfs.c pci_read_config). What could not
 * be read is *unknown*, never *absent*: every optional field has a presence flag, and the
 * capability lists say whether they are known at all (caps_known, ext_caps_known).
 *
 * The walks follow the kernel (the verdicts built on this predict what Linux will do), and
 * agree with lspci on well-formed devices; where the two differ on malformed lists the
 * difference is noted at the walk.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_PCI_CFG_HEADER_SIZE 64   /* what an unprivileged read returns */
#define PT_PCI_CFG_SPACE_SIZE  256  /* conventional PCI */
#define PT_PCI_CFG_EXT_SIZE    4096 /* PCIe / PCI-X 2.0 extended space */

/* Bounds on the walks (linux drivers/pci/pci.c: PCI_FIND_CAP_TTL, ttl of the ext. walk). */
#define PT_PCI_CAPS_MAX	    48
#define PT_PCI_EXT_CAPS_MAX ((PT_PCI_CFG_EXT_SIZE - PT_PCI_CFG_SPACE_SIZE) / 8)
/* A Resizable BAR capability describes at most six BARs (PCIe r6.0 §7.8.6). */
#define PT_PCI_REBAR_MAX 6

/* Header type register, bits 6:0 (bit 7 is the multifunction flag). */
enum pt_pci_header_type {
	PT_PCI_HEADER_NORMAL = 0,
	PT_PCI_HEADER_BRIDGE = 1,
	PT_PCI_HEADER_CARDBUS = 2,
};

/* Standard capability IDs this decoder interprets (linux include/uapi/linux/pci_regs.h). */
enum {
	PT_PCI_CAP_ID_PM = 0x01,
	PT_PCI_CAP_ID_PCIX = 0x07,
	PT_PCI_CAP_ID_SSVID = 0x0d,
	PT_PCI_CAP_ID_EXP = 0x10,
	PT_PCI_CAP_ID_AF = 0x13,
};

/* Extended capability IDs this decoder interprets. */
enum {
	PT_PCI_EXT_CAP_ID_ACS = 0x0d,
	PT_PCI_EXT_CAP_ID_ARI = 0x0e,
	PT_PCI_EXT_CAP_ID_SRIOV = 0x10,
	PT_PCI_EXT_CAP_ID_REBAR = 0x15,
};

/* PCI Express capability, Flags bits 7:4: the device/port type (PCI_EXP_FLAGS_TYPE). */
enum pt_pcie_type {
	PT_PCIE_TYPE_ENDPOINT = 0x0,
	PT_PCIE_TYPE_LEGACY_ENDPOINT = 0x1,
	PT_PCIE_TYPE_ROOT_PORT = 0x4,
	PT_PCIE_TYPE_UPSTREAM_PORT = 0x5,
	PT_PCIE_TYPE_DOWNSTREAM_PORT = 0x6,
	PT_PCIE_TYPE_PCIE_TO_PCI_BRIDGE = 0x7,
	PT_PCIE_TYPE_PCI_TO_PCIE_BRIDGE = 0x8,
	PT_PCIE_TYPE_RC_INTEGRATED_ENDPOINT = 0x9,
	PT_PCIE_TYPE_RC_EVENT_COLLECTOR = 0xa,
};

/* ACS Capability / Control register bits, named as lspci -vvv prints them (pciutils header.h). */
enum {
	PT_PCI_ACS_SV = 0x01, /* SrcValid */
	PT_PCI_ACS_TB = 0x02, /* TransBlk */
	PT_PCI_ACS_RR = 0x04, /* ReqRedir */
	PT_PCI_ACS_CR = 0x08, /* CmpltRedir */
	PT_PCI_ACS_UF = 0x10, /* UpstreamFwd */
	PT_PCI_ACS_EC = 0x20, /* EgressCtrl */
	PT_PCI_ACS_DT = 0x40, /* DirectTrans */
};
/* What the kernel requires for isolation: REQ_ACS_FLAGS in linux drivers/iommu/iommu.c. */
#define PT_PCI_ACS_ISOLATION (PT_PCI_ACS_SV | PT_PCI_ACS_RR | PT_PCI_ACS_CR | PT_PCI_ACS_UF)

/* Why a capability walk stopped. */
enum pt_pci_walk_end {
	PT_PCI_WALK_NONE,    /* no list: Status.CapList clear, unknown header type, no ext. space */
	PT_PCI_WALK_END,     /* next pointer 0: the normal end */
	PT_PCI_WALK_LOOP,    /* a pointer revisited a capability (end_at = that offset) */
	PT_PCI_WALK_BROKEN,  /* ID 0xff / header 0xffffffff: a read error or a broken chain */
	PT_PCI_WALK_BAD_PTR, /* pointer into the header (< 0x40, or < 0x100 for ext. caps) */
	PT_PCI_WALK_TTL,     /* the step bound ran out */
	PT_PCI_WALK_TRUNCATED, /* the list continues past the bytes we were given */
};

struct pt_pci_cap {
	uint16_t offset;
	uint16_t id;
	uint8_t version; /* extended capabilities only */
};

struct pt_pci_rebar {
	uint8_t bar;	  /* BAR index, control bits 2:0 */
	uint8_t cur_size; /* control bits 13:8; the size is 1 MiB << cur_size */
	uint64_t sizes;	  /* bit n set: 1 MiB << n supported (cap bits 31:4, control bits 31:16) */
};

struct pt_pci_config {
	size_t len; /* bytes decoded: min(input, 4096) */

	uint16_t vendor; /* 0xffff is normal for SR-IOV VFs: take IDs from sysfs for those */
	uint16_t device;
	uint16_t command;
	uint16_t status;
	uint32_t class; /* base class, subclass, prog-if: sysfs `class` without "0x" */
	uint8_t revision;
	uint8_t header_type; /* bits 6:0, see enum pt_pci_header_type */
	bool multifunction;  /* header type bit 7 */

	/* Type 0 and CardBus from the header, bridges from the Subsystem ID capability. */
	bool has_subsystem;
	uint16_t subsystem_vendor;
	uint16_t subsystem_device;

	/* Bridges (type 1) and CardBus bridges (type 2). */
	bool has_bus_numbers;
	uint8_t primary_bus;
	uint8_t secondary_bus;
	uint8_t subordinate_bus;

	/* Standard capability list, in chain order. */
	bool caps_known;
	enum pt_pci_walk_end caps_end;
	uint16_t caps_end_at; /* the offending pointer for LOOP, BAD_PTR, TRUNCATED */
	unsigned n_caps;
	struct pt_pci_cap caps[PT_PCI_CAPS_MAX];

	/* Power Management (first instance, as the kernel's pci_find_capability). */
	bool has_pm;
	uint16_t pm_offset;
	uint8_t pm_version;
	bool has_pm_ctrl;	/* PMCSR was within the bytes given */
	bool pm_no_soft_reset;	/* PMCSR bit 3: D3hot->D0 keeps state, so no `pm` reset */
	uint8_t pm_power_state; /* PMCSR bits 1:0: D0..D3hot */

	/* PCI Express. */
	bool has_pcie;
	uint16_t pcie_offset;
	bool has_pcie_flags;  /* the Flags word below was within the bytes */
	uint8_t pcie_version; /* Flags bits 3:0 */
	uint8_t pcie_type;    /* Flags bits 7:4, enum pt_pcie_type (other values possible) */
	bool pcie_slot;	      /* Flags bit 8: the port has a slot */
	bool has_pcie_devcap;
	uint32_t pcie_devcap;
	bool pcie_flr;	      /* DevCap bit 28, Function Level Reset (PCI_EXP_DEVCAP_FLR) */
	bool has_pcie_link;   /* this type has link registers and they were within the bytes */
	uint8_t lnkcap_speed; /* LnkCap bits 3:0: 1 = 2.5GT/s ... 6 = 64GT/s */
	uint8_t lnkcap_width; /* LnkCap bits 9:4 */
	uint8_t lnksta_speed;
	uint8_t lnksta_width;

	/* PCI-X: only its status matters here (266/533 MHz devices have extended space). */
	bool has_pcix;
	bool has_pcix_status;
	uint32_t pcix_status;

	/* Advanced Features (the conventional-PCI way to advertise FLR). */
	bool has_af;
	bool has_af_cap;
	bool af_tp;  /* AF_CAP bit 0: Transactions Pending bit supported */
	bool af_flr; /* AF_CAP bit 1: FLR supported */

	/*
	 * Extended capabilities. Known when len >= 4096, and for functions that cannot have
	 * extended space at all (conventional PCI: no PCIe or PCI-X 2.0 capability, not a host
	 * bridge). ext_space says whether the kernel would size the config space at 4096
	 * (pci_cfg_space_size); only then is the list walked.
	 */
	bool ext_caps_known;
	bool ext_space;
	bool ext_aliased; /* repeats the first 256 bytes: extended register bits lost */
	enum pt_pci_walk_end ext_caps_end;
	uint16_t ext_caps_end_at;
	unsigned n_ext_caps;
	struct pt_pci_cap ext_caps[PT_PCI_EXT_CAPS_MAX];

	bool has_acs;
	uint16_t acs_offset;
	bool has_acs_regs; /* Capability and Control registers were within the bytes */
	uint16_t acs_cap;
	uint16_t acs_ctrl;

	bool has_ari;
	bool has_ari_cap;
	uint16_t ari_cap; /* bit 0 MFVC, bit 1 ACS, bits 15:8 next function */

	bool has_sriov;
	bool has_sriov_regs;
	uint16_t sriov_ctrl;
	uint16_t sriov_initial_vfs;
	uint16_t sriov_total_vfs;
	uint16_t sriov_num_vfs;
	uint16_t sriov_vf_offset;
	uint16_t sriov_vf_stride;
	uint16_t sriov_vf_device;

	bool has_rebar;
	bool rebar_invalid; /* NBARs out of 1..6: no entries (lspci prints an error) */
	bool rebar_truncated;
	unsigned n_rebar;
	struct pt_pci_rebar rebar[PT_PCI_REBAR_MAX];
};

/*
 * Decodes len bytes of configuration space. Never reads outside [buf, buf+len); bytes past
 * 4096 are ignored. Returns 0, -EINVAL when fewer than 64 bytes (no full header) were given,
 * or -ENODEV when the whole header reads as all ones (nothing answered the config read).
 */
int pt_pci_config_parse(const uint8_t *buf, size_t len, struct pt_pci_config *ret);

/* lspci's wording ("Root Port", "Endpoint", ...); NULL for reserved values. */
const char *pt_pcie_type_name(unsigned type);
/* Link speed code as lspci prints it ("2.5GT/s" ... "64GT/s"); NULL for reserved codes. */
const char *pt_pcie_link_speed_name(unsigned code);
/* Resizable BAR size code (0 = 1 MiB) in bytes; 0 when above 2^63. */
uint64_t pt_pci_rebar_size_bytes(unsigned code);

/*
 * The tri-state helpers below return 1 (yes), 0 (no) or -ENODATA (the bytes needed were not
 * readable, e.g. a 64- or 256-byte config file).
 */

/*
 * Whether ACS Control enables every flag in `flags`, counting flags the ACS Capability
 * register does not implement as hard-wired on, except EgressCtrl (linux drivers/pci/pci.c
 * pci_acs_flags_enabled). No ACS capability: 0.
 */
int pt_pci_acs_flags_enabled(const struct pt_pci_config *cfg, uint16_t flags);
/* pt_pci_acs_flags_enabled() with the isolation flags SV|RR|CR|UF. */
int pt_pci_acs_isolating(const struct pt_pci_config *cfg);
/*
 * The kernel's per-device verdict pci_acs_enabled(dev, SV|RR|CR|UF) without its quirk table
 * (docs/facts.md, "IOMMU groups and ACS"): conventional PCI and PCIe bridges never isolate; root
 * and downstream ports need the ACS flags; single-function endpoints and upstream ports need
 * nothing, multifunction ones need the flags. Quirks are invisible in config space: callers must
 * still treat /sys/kernel/iommu_groups as the truth. Judges ACS Control as read.
 */
int pt_pci_acs_enabled(const struct pt_pci_config *cfg);

/*
 * Which ACS Control the verdict judges. The kernel writes the ports' ACS Control only when an
 * IOMMU driver asked for it before PCI enumeration (pci_request_acs() from the VT-d and AMD-Vi
 * detection; linux drivers/pci/pci.c pci_enable_acs): with no IOMMU active, Control reads as
 * the firmware left it, usually 0, on ports that will isolate once the IOMMU is on.
 */
enum pt_pci_acs_basis {
	PT_PCI_ACS_AS_READ,	 /* ACS Control as read: what an active IOMMU had enabled */
	PT_PCI_ACS_WHEN_ENABLED, /* what the kernel will set once an IOMMU driver asks for ACS */
};
/* pt_pci_acs_enabled() on the given basis. */
int pt_pci_acs_enabled_on(const struct pt_pci_config *cfg, enum pt_pci_acs_basis basis);

/*
 * Reset capabilities visible in config space (docs/facts.md, "Resetting a device"; quirks can
 * still veto them).
 */
int pt_pci_has_flr(const struct pt_pci_config *cfg);	  /* PCIe DevCap FLR */
int pt_pci_has_af_flr(const struct pt_pci_config *cfg);	  /* AF cap with both TP and FLR */
int pt_pci_has_pm_reset(const struct pt_pci_config *cfg); /* PM cap with NoSoftRst clear */
