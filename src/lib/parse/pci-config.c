/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration space decoder. Register offsets and bit positions are from the PCI Local
 * Bus and PCI Express Base specifications as named in linux include/uapi/linux/pci_regs.h;
 * walk semantics from linux drivers/pci/pci.c and drivers/pci/probe.c, cross-checked against
 * lspci (pciutils ls-caps.c, ls-ecaps.c) by tests/pciconfig.
 */
#include <errno.h>
#include <string.h>

#include "parse/pci-config.h"
#include "util/macro.h"

/* Header registers. */
#define REG_VENDOR	   0x00
#define REG_DEVICE	   0x02
#define REG_COMMAND	   0x04
#define REG_STATUS	   0x06
#define REG_REVISION	   0x08
#define REG_CLASS	   0x09 /* 3 bytes: prog-if, subclass, base class */
#define REG_HEADER_TYPE	   0x0e
#define REG_PRIMARY_BUS	   0x18 /* type 1 and 2 */
#define REG_SECONDARY_BUS  0x19
#define REG_SUBORDINATE	   0x1a
#define REG_SUBSYS_VENDOR  0x2c /* type 0 */
#define REG_SUBSYS_ID	   0x2e
#define REG_CAP_PTR	   0x34 /* type 0 and 1 */
#define REG_CB_CAP_PTR	   0x14 /* CardBus */
#define REG_CB_SUBSYS_VEND 0x40
#define REG_CB_SUBSYS_ID   0x42

#define STATUS_CAP_LIST	 0x0010
#define HEADER_TYPE_MASK 0x7f
#define HEADER_MULTIFN	 0x80

/* Power Management capability. */
#define PM_PMC		  0x02
#define PM_PMC_VERSION	  0x0007
#define PM_CTRL		  0x04
#define PM_CTRL_STATE	  0x0003
#define PM_CTRL_NO_SOFT_R 0x0008

/* PCI Express capability. */
#define EXP_FLAGS	  0x02
#define EXP_FLAGS_VERS	  0x000f
#define EXP_FLAGS_TYPE	  0x00f0
#define EXP_FLAGS_SLOT	  0x0100
#define EXP_DEVCAP	  0x04
#define EXP_DEVCAP_FLR	  0x10000000
#define EXP_LNKCAP	  0x0c
#define EXP_LNKSTA	  0x12
#define EXP_LNK_SPEED	  0x000f
#define EXP_LNK_WIDTH	  0x03f0
#define EXP_LNK_WIDTH_SHR 4

/* PCI-X capability. */
#define PCIX_STATUS	0x04
#define PCIX_STATUS_266 0x40000000
#define PCIX_STATUS_533 0x80000000

/* Advanced Features capability. */
#define AF_CAP	   0x03
#define AF_CAP_TP  0x01
#define AF_CAP_FLR 0x02

/* Subsystem ID capability (bridges). */
#define SSVID_VENDOR 0x04
#define SSVID_DEVICE 0x06

/* Extended capabilities. */
#define ACS_CAP	 0x04
#define ACS_CTRL 0x06

#define ARI_CAP 0x04

#define SRIOV_CTRL	0x08
#define SRIOV_INITIAL	0x0c
#define SRIOV_TOTAL	0x0e
#define SRIOV_NUM	0x10
#define SRIOV_VF_OFFSET 0x14
#define SRIOV_VF_STRIDE 0x16
#define SRIOV_VF_DID	0x1a

#define REBAR_CAP	    0x04 /* per entry: +8*i */
#define REBAR_CTRL	    0x08
#define REBAR_CTRL_BAR	    0x00000007
#define REBAR_CTRL_NBAR	    0x000000e0
#define REBAR_CTRL_NBAR_SHR 5
#define REBAR_CTRL_SIZE	    0x00003f00
#define REBAR_CTRL_SIZE_SHR 8

/* Bounded little-endian reads: false when any byte lies outside the buffer. */
struct cfgbuf {
	const uint8_t *p;
	size_t len;
};

static bool in_range(const struct cfgbuf *b, size_t off, size_t n)
{
	return off <= b->len && n <= b->len - off;
}

static bool rd8(const struct cfgbuf *b, size_t off, uint8_t *v)
{
	if (!in_range(b, off, 1))
		return false;
	*v = b->p[off];
	return true;
}

static bool rd16(const struct cfgbuf *b, size_t off, uint16_t *v)
{
	if (!in_range(b, off, 2))
		return false;
	*v = (uint16_t)(b->p[off] | b->p[off + 1] << 8);
	return true;
}

static bool rd32(const struct cfgbuf *b, size_t off, uint32_t *v)
{
	if (!in_range(b, off, 4))
		return false;
	*v = (uint32_t)b->p[off] | (uint32_t)b->p[off + 1] << 8 | (uint32_t)b->p[off + 2] << 16 |
	     (uint32_t)b->p[off + 3] << 24;
	return true;
}

/* The header is always within the buffer (len >= 64 is checked first). */
static uint8_t hdr8(const struct cfgbuf *b, size_t off)
{
	return b->p[off];
}

static uint16_t hdr16(const struct cfgbuf *b, size_t off)
{
	return (uint16_t)(b->p[off] | b->p[off + 1] << 8);
}

static void decode_pm(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	uint16_t pmc, csr;

	c->has_pm = true;
	c->pm_offset = (uint16_t)pos;
	if (rd16(b, pos + PM_PMC, &pmc))
		c->pm_version = pmc & PM_PMC_VERSION;
	if (rd16(b, pos + PM_CTRL, &csr)) {
		c->has_pm_ctrl = true;
		/* linux drivers/pci/pci.c pci_pm_reset: NoSoftRst set rules out the `pm` reset. */
		c->pm_no_soft_reset = csr & PM_CTRL_NO_SOFT_R;
		c->pm_power_state = csr & PM_CTRL_STATE;
	}
}

/*
 * Which types have link registers (linux drivers/pci/access.c pcie_cap_has_lnkctl): all but
 * the Root Complex integrated endpoint and event collector, whose link fields are reserved.
 */
static bool pcie_type_has_link(unsigned type)
{
	switch (type) {
	case PT_PCIE_TYPE_ENDPOINT:
	case PT_PCIE_TYPE_LEGACY_ENDPOINT:
	case PT_PCIE_TYPE_ROOT_PORT:
	case PT_PCIE_TYPE_UPSTREAM_PORT:
	case PT_PCIE_TYPE_DOWNSTREAM_PORT:
	case PT_PCIE_TYPE_PCIE_TO_PCI_BRIDGE:
	case PT_PCIE_TYPE_PCI_TO_PCIE_BRIDGE:
		return true;
	default:
		return false;
	}
}

static void decode_pcie(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	uint16_t flags, lnksta;
	uint32_t devcap, lnkcap;

	c->has_pcie = true;
	c->pcie_offset = (uint16_t)pos;
	if (!rd16(b, pos + EXP_FLAGS, &flags))
		return; /* present, but not even the type is readable */
	c->has_pcie_flags = true;
	c->pcie_version = flags & EXP_FLAGS_VERS;
	c->pcie_type = (flags & EXP_FLAGS_TYPE) >> 4;
	c->pcie_slot = flags & EXP_FLAGS_SLOT;
	if (rd32(b, pos + EXP_DEVCAP, &devcap)) {
		c->has_pcie_devcap = true;
		c->pcie_devcap = devcap;
		/* The `flr` reset method needs DevCap bit 28 (linux drivers/pci/pci.c). */
		c->pcie_flr = devcap & EXP_DEVCAP_FLR;
	}
	if (pcie_type_has_link(c->pcie_type) && rd32(b, pos + EXP_LNKCAP, &lnkcap) &&
	    rd16(b, pos + EXP_LNKSTA, &lnksta)) {
		c->has_pcie_link = true;
		c->lnkcap_speed = lnkcap & EXP_LNK_SPEED;
		c->lnkcap_width = (lnkcap & EXP_LNK_WIDTH) >> EXP_LNK_WIDTH_SHR;
		c->lnksta_speed = lnksta & EXP_LNK_SPEED;
		c->lnksta_width = (lnksta & EXP_LNK_WIDTH) >> EXP_LNK_WIDTH_SHR;
	}
}

static void decode_pcix(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	c->has_pcix = true;
	c->has_pcix_status = rd32(b, pos + PCIX_STATUS, &c->pcix_status);
}

static void decode_af(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	uint8_t cap;

	c->has_af = true;
	if (rd8(b, pos + AF_CAP, &cap)) {
		c->has_af_cap = true;
		c->af_tp = cap & AF_CAP_TP;
		c->af_flr = cap & AF_CAP_FLR;
	}
}

static void decode_ssvid(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	uint16_t vendor, device;

	/*
	 * Bridges have no subsystem registers in their header; the kernel takes sysfs
	 * subsystem_vendor/_device from this capability instead (linux drivers/pci/probe.c
	 * pci_setup_device), and lspci 3.9 prints it as the bridge's Subsystem.
	 */
	if (c->header_type != PT_PCI_HEADER_BRIDGE || c->has_subsystem)
		return;
	if (rd16(b, pos + SSVID_VENDOR, &vendor) && rd16(b, pos + SSVID_DEVICE, &device)) {
		c->has_subsystem = true;
		c->subsystem_vendor = vendor;
		c->subsystem_device = device;
	}
}

static bool cap_seen(const struct pt_pci_cap *caps, unsigned n, uint16_t id)
{
	for (unsigned i = 0; i < n; i++)
		if (caps[i].id == id)
			return true;
	return false;
}

/*
 * The standard list, as linux __pci_find_next_cap_ttl walks it: a pointer below 0x40 (checked
 * before masking) ends the walk, pointers are masked to dword alignment, ID 0xff ends it, and
 * at most 48 steps are taken. lspci instead follows any non-zero pointer, even into the
 * header; well-formed devices never differ. A visited set reports loops as loops rather than
 * as an exhausted step count.
 */
static void walk_caps(const struct cfgbuf *b, struct pt_pci_config *c)
{
	uint64_t visited[PT_PCI_CFG_SPACE_SIZE / 4 / 64] = {0};
	uint8_t ptr;

	c->caps_end = PT_PCI_WALK_NONE;
	/* linux drivers/pci/pci.c pci_bus_find_cap_start: no list without Status.CapList. */
	if (!(c->status & STATUS_CAP_LIST)) {
		c->caps_known = true;
		return;
	}
	switch (c->header_type) {
	case PT_PCI_HEADER_NORMAL:
	case PT_PCI_HEADER_BRIDGE:
		ptr = hdr8(b, REG_CAP_PTR);
		break;
	case PT_PCI_HEADER_CARDBUS:
		ptr = hdr8(b, REG_CB_CAP_PTR);
		break;
	default:
		/* Unknown layouts have no defined list (the kernel and lspci both skip them). */
		c->caps_known = true;
		return;
	}

	for (;;) {
		unsigned pos = ptr, idx;
		uint8_t id, next;

		if (pos < PT_PCI_CFG_HEADER_SIZE) {
			c->caps_end = pos == 0 ? PT_PCI_WALK_END : PT_PCI_WALK_BAD_PTR;
			c->caps_end_at = (uint16_t)pos;
			c->caps_known = true;
			return;
		}
		pos &= ~3u;
		if (!rd8(b, pos, &id) || !rd8(b, pos + 1, &next)) {
			c->caps_end = PT_PCI_WALK_TRUNCATED;
			c->caps_end_at = (uint16_t)pos;
			c->caps_known = false;
			return;
		}
		idx = pos / 4;
		if (visited[idx / 64] & (UINT64_C(1) << (idx % 64))) {
			c->caps_end = PT_PCI_WALK_LOOP;
			c->caps_end_at = (uint16_t)pos;
			c->caps_known = true;
			return;
		}
		visited[idx / 64] |= UINT64_C(1) << (idx % 64);
		if (id == 0xff) {
			c->caps_end = PT_PCI_WALK_BROKEN;
			c->caps_end_at = (uint16_t)pos;
			c->caps_known = true;
			return;
		}
		/* 48 dword slots lie in 0x40..0xff, so the visited set alone bounds the walk. */
		if (c->n_caps >= PT_PCI_CAPS_MAX) {
			c->caps_end = PT_PCI_WALK_TTL;
			c->caps_end_at = (uint16_t)pos;
			c->caps_known = true;
			return;
		}

		/* The kernel's pci_find_capability returns the first instance of an ID. */
		if (!cap_seen(c->caps, c->n_caps, id)) {
			switch (id) {
			case PT_PCI_CAP_ID_PM:
				decode_pm(b, pos, c);
				break;
			case PT_PCI_CAP_ID_PCIX:
				decode_pcix(b, pos, c);
				break;
			case PT_PCI_CAP_ID_SSVID:
				decode_ssvid(b, pos, c);
				break;
			case PT_PCI_CAP_ID_EXP:
				decode_pcie(b, pos, c);
				break;
			case PT_PCI_CAP_ID_AF:
				decode_af(b, pos, c);
				break;
			}
		}
		c->caps[c->n_caps++] = (struct pt_pci_cap){.offset = (uint16_t)pos, .id = id};
		ptr = next;
	}
}

static void decode_acs(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	c->has_acs = true;
	c->acs_offset = (uint16_t)pos;
	c->has_acs_regs =
		rd16(b, pos + ACS_CAP, &c->acs_cap) && rd16(b, pos + ACS_CTRL, &c->acs_ctrl);
}

static void decode_ari(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	c->has_ari = true;
	c->has_ari_cap = rd16(b, pos + ARI_CAP, &c->ari_cap);
}

static void decode_sriov(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	c->has_sriov = true;
	c->has_sriov_regs = rd16(b, pos + SRIOV_CTRL, &c->sriov_ctrl) &&
			    rd16(b, pos + SRIOV_INITIAL, &c->sriov_initial_vfs) &&
			    rd16(b, pos + SRIOV_TOTAL, &c->sriov_total_vfs) &&
			    rd16(b, pos + SRIOV_NUM, &c->sriov_num_vfs) &&
			    rd16(b, pos + SRIOV_VF_OFFSET, &c->sriov_vf_offset) &&
			    rd16(b, pos + SRIOV_VF_STRIDE, &c->sriov_vf_stride) &&
			    rd16(b, pos + SRIOV_VF_DID, &c->sriov_vf_device);
}

/*
 * Resizable BAR (PCIe r6.0 §7.8.6): one Capability/Control dword pair per BAR; the first
 * Control register says how many pairs follow. Supported sizes: Capability bits 31:4 are
 * 1 MiB..128 TiB, Control bits 31:16 continue from 256 TiB.
 */
static void decode_rebar(const struct cfgbuf *b, unsigned pos, struct pt_pci_config *c)
{
	unsigned nbars = 1;

	c->has_rebar = true;
	for (unsigned i = 0; i < nbars; i++) {
		uint32_t cap, ctrl;
		struct pt_pci_rebar *r;

		if (!rd32(b, pos + REBAR_CAP + 8 * i, &cap) ||
		    !rd32(b, pos + REBAR_CTRL + 8 * i, &ctrl)) {
			c->rebar_truncated = true;
			return;
		}
		if (i == 0) {
			nbars = (ctrl & REBAR_CTRL_NBAR) >> REBAR_CTRL_NBAR_SHR;
			if (nbars < 1 || nbars > PT_PCI_REBAR_MAX) {
				c->rebar_invalid = true;
				return;
			}
		}
		r = &c->rebar[c->n_rebar++];
		r->bar = ctrl & REBAR_CTRL_BAR;
		r->cur_size = (ctrl & REBAR_CTRL_SIZE) >> REBAR_CTRL_SIZE_SHR;
		r->sizes = (uint64_t)(cap >> 4) | (uint64_t)(ctrl >> 16) << 28;
	}
}

/*
 * linux drivers/pci/probe.c pci_ext_cfg_is_aliased: some PCIe-to-PCI bridges drop the
 * extended register bits, so the header repeats every 256 bytes; the kernel then treats the
 * function as having no extended space.
 */
static bool ext_is_aliased(const struct cfgbuf *b)
{
	uint32_t first, v;

	if (!rd32(b, 0, &first))
		return false;
	for (size_t pos = PT_PCI_CFG_SPACE_SIZE; pos < PT_PCI_CFG_EXT_SIZE;
	     pos += PT_PCI_CFG_SPACE_SIZE)
		if (!rd32(b, pos, &v) || v != first)
			return false;
	return true;
}

/*
 * linux drivers/pci/probe.c pci_cfg_space_size: only PCIe functions, PCI-X 266/533 functions
 * and host bridges can have extended space. Returns 1, 0, or -ENODATA when a PCI-X status
 * register that would decide it was not readable. (The kernel also gives VFs 4096 and honours
 * a per-bus "no ext. config" flag; neither is visible in config space.)
 */
static int ext_space_possible(const struct pt_pci_config *c)
{
	if (c->has_pcie || (c->class >> 8) == 0x0600)
		return 1;
	if (!c->has_pcix)
		return 0;
	if (!c->has_pcix_status)
		return -ENODATA;
	return (c->pcix_status & (PCIX_STATUS_266 | PCIX_STATUS_533)) != 0;
}

/*
 * The rest of pci_cfg_space_size: a dword at 0x100 reading all ones, or an aliased space,
 * means the kernel sizes the space at 256 and finds no extended capabilities.
 */
static bool ext_space_present(const struct cfgbuf *b, struct pt_pci_config *c)
{
	uint32_t first;

	if (!rd32(b, PT_PCI_CFG_SPACE_SIZE, &first) || first == 0xffffffff)
		return false;
	if (ext_is_aliased(b)) {
		c->ext_aliased = true;
		return false;
	}
	return true;
}

/*
 * The extended list, as linux pci_find_next_ext_capability walks it: from 0x100, next pointer
 * in header bits 31:20 masked to dwords, a pointer below 0x100 ends the walk, at most 480
 * steps. A zero header ends the list (lspci stops there too); an all-ones header is a failed
 * read, not a capability, so the walk stops rather than following its 0xffc pointer.
 */
static void walk_ext_caps(const struct cfgbuf *b, struct pt_pci_config *c)
{
	uint64_t visited[PT_PCI_CFG_EXT_SIZE / 4 / 64] = {0};
	unsigned pos = PT_PCI_CFG_SPACE_SIZE;

	c->ext_caps_end = PT_PCI_WALK_NONE;
	if (!c->caps_known)
		return; /* whether it is PCIe at all is unknown */
	switch (ext_space_possible(c)) {
	case 0:
		/* Conventional PCI: there is no extended space to read, so none are missing. */
		c->ext_caps_known = true;
		return;
	case 1:
		break;
	default:
		return;
	}
	if (c->len < PT_PCI_CFG_EXT_SIZE)
		return; /* e.g. a 256-byte dump: the bytes were not given */
	c->ext_caps_known = true;
	c->ext_space = ext_space_present(b, c);
	if (!c->ext_space)
		return;

	for (;;) {
		uint32_t header;
		unsigned idx = pos / 4, next;
		uint16_t id;

		if (!rd32(b, pos, &header)) {
			/* Unreachable with len >= 4096 and pos <= 0xffc; kept for safety. */
			c->ext_caps_end = PT_PCI_WALK_TRUNCATED;
			c->ext_caps_end_at = (uint16_t)pos;
			return;
		}
		if (header == 0) {
			c->ext_caps_end = PT_PCI_WALK_END;
			return;
		}
		if (header == 0xffffffff) {
			c->ext_caps_end = PT_PCI_WALK_BROKEN;
			c->ext_caps_end_at = (uint16_t)pos;
			return;
		}
		if (visited[idx / 64] & (UINT64_C(1) << (idx % 64))) {
			c->ext_caps_end = PT_PCI_WALK_LOOP;
			c->ext_caps_end_at = (uint16_t)pos;
			return;
		}
		visited[idx / 64] |= UINT64_C(1) << (idx % 64);
		if (c->n_ext_caps >= PT_PCI_EXT_CAPS_MAX) {
			c->ext_caps_end = PT_PCI_WALK_TTL;
			c->ext_caps_end_at = (uint16_t)pos;
			return;
		}

		id = header & 0xffff;
		if (!cap_seen(c->ext_caps, c->n_ext_caps, id)) {
			switch (id) {
			case PT_PCI_EXT_CAP_ID_ACS:
				decode_acs(b, pos, c);
				break;
			case PT_PCI_EXT_CAP_ID_ARI:
				decode_ari(b, pos, c);
				break;
			case PT_PCI_EXT_CAP_ID_SRIOV:
				decode_sriov(b, pos, c);
				break;
			case PT_PCI_EXT_CAP_ID_REBAR:
				decode_rebar(b, pos, c);
				break;
			}
		}
		c->ext_caps[c->n_ext_caps++] = (struct pt_pci_cap){
			.offset = (uint16_t)pos,
			.id = id,
			.version = (header >> 16) & 0xf,
		};

		next = (header >> 20) & ~3u;
		if (next < PT_PCI_CFG_SPACE_SIZE) {
			/* lspci would follow a non-zero pointer into the standard space. */
			c->ext_caps_end = next == 0 ? PT_PCI_WALK_END : PT_PCI_WALK_BAD_PTR;
			c->ext_caps_end_at = (uint16_t)next;
			return;
		}
		pos = next;
	}
}

static bool all_ones(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

int pt_pci_config_parse(const uint8_t *buf, size_t len, struct pt_pci_config *ret)
{
	struct cfgbuf b = {.p = buf, .len = PT_MIN(len, (size_t)PT_PCI_CFG_EXT_SIZE)};
	struct pt_pci_config *c = ret;
	uint8_t htype;

	memset(c, 0, sizeof(*c));
	if (!buf || len < PT_PCI_CFG_HEADER_SIZE)
		return -EINVAL;
	/*
	 * A function that is absent, in D3cold or behind a dead link answers all ones. Vendor
	 * 0xffff alone is not enough: SR-IOV VFs read 0xffff there by design.
	 */
	if (all_ones(buf, PT_PCI_CFG_HEADER_SIZE))
		return -ENODEV;

	c->len = b.len;
	c->vendor = hdr16(&b, REG_VENDOR);
	c->device = hdr16(&b, REG_DEVICE);
	c->command = hdr16(&b, REG_COMMAND);
	c->status = hdr16(&b, REG_STATUS);
	c->revision = hdr8(&b, REG_REVISION);
	c->class = (uint32_t)hdr8(&b, REG_CLASS + 2) << 16 |
		   (uint32_t)hdr8(&b, REG_CLASS + 1) << 8 | hdr8(&b, REG_CLASS);
	htype = hdr8(&b, REG_HEADER_TYPE);
	c->header_type = htype & HEADER_TYPE_MASK;
	c->multifunction = htype & HEADER_MULTIFN;

	if (c->header_type == PT_PCI_HEADER_NORMAL) {
		c->has_subsystem = true;
		c->subsystem_vendor = hdr16(&b, REG_SUBSYS_VENDOR);
		c->subsystem_device = hdr16(&b, REG_SUBSYS_ID);
	} else if (c->header_type == PT_PCI_HEADER_CARDBUS) {
		uint16_t vendor, device;

		/* The CardBus header is 128 bytes: its subsystem IDs lie past the first 64. */
		if (rd16(&b, REG_CB_SUBSYS_VEND, &vendor) && rd16(&b, REG_CB_SUBSYS_ID, &device)) {
			c->has_subsystem = true;
			c->subsystem_vendor = vendor;
			c->subsystem_device = device;
		}
	}
	if (c->header_type == PT_PCI_HEADER_BRIDGE || c->header_type == PT_PCI_HEADER_CARDBUS) {
		c->has_bus_numbers = true;
		c->primary_bus = hdr8(&b, REG_PRIMARY_BUS);
		c->secondary_bus = hdr8(&b, REG_SECONDARY_BUS);
		c->subordinate_bus = hdr8(&b, REG_SUBORDINATE);
	}

	walk_caps(&b, c);
	walk_ext_caps(&b, c);
	return 0;
}

const char *pt_pcie_type_name(unsigned type)
{
	static const char *const names[] = {
		[PT_PCIE_TYPE_ENDPOINT] = "Endpoint",
		[PT_PCIE_TYPE_LEGACY_ENDPOINT] = "Legacy Endpoint",
		[PT_PCIE_TYPE_ROOT_PORT] = "Root Port",
		[PT_PCIE_TYPE_UPSTREAM_PORT] = "Upstream Port",
		[PT_PCIE_TYPE_DOWNSTREAM_PORT] = "Downstream Port",
		[PT_PCIE_TYPE_PCIE_TO_PCI_BRIDGE] = "PCI-Express to PCI/PCI-X Bridge",
		[PT_PCIE_TYPE_PCI_TO_PCIE_BRIDGE] = "PCI/PCI-X to PCI-Express Bridge",
		[PT_PCIE_TYPE_RC_INTEGRATED_ENDPOINT] = "Root Complex Integrated Endpoint",
		[PT_PCIE_TYPE_RC_EVENT_COLLECTOR] = "Root Complex Event Collector",
	};

	return type < ELEMENTSOF(names) ? names[type] : NULL;
}

const char *pt_pcie_link_speed_name(unsigned code)
{
	static const char *const names[] = {
		[1] = "2.5GT/s", [2] = "5GT/s",	 [3] = "8GT/s",
		[4] = "16GT/s",	 [5] = "32GT/s", [6] = "64GT/s",
	};

	return code < ELEMENTSOF(names) ? names[code] : NULL;
}

uint64_t pt_pci_rebar_size_bytes(unsigned code)
{
	return code <= 43 ? UINT64_C(1) << (20 + code) : 0;
}

/* Whether ctrl, as ACS Control of cfg, enables every flag in flags. */
static int acs_flags_in(const struct pt_pci_config *cfg, uint16_t ctrl, uint16_t flags)
{
	if (!cfg->ext_caps_known)
		return -ENODATA;
	if (!cfg->has_acs)
		return 0;
	if (!cfg->has_acs_regs)
		return -ENODATA;
	/*
	 * linux drivers/pci/pci.c pci_acs_flags_enabled: "Except for egress control,
	 * capabilities are either required or only required if controllable", so a flag the
	 * Capability register lacks is hard-wired on and not required in Control.
	 */
	flags &= cfg->acs_cap | PT_PCI_ACS_EC;
	return (ctrl & flags) == flags;
}

/*
 * The ACS Control the verdict reads. Once asked for ACS the kernel adds every isolation
 * flag the Capability register implements (linux drivers/pci/pci.c pci_std_enable_acs:
 * SrcValid, ReqRedir, CmpltRedir, UpstreamFwd, each "cap & flag").
 */
static uint16_t acs_ctrl_on(const struct pt_pci_config *cfg, enum pt_pci_acs_basis basis)
{
	if (basis == PT_PCI_ACS_WHEN_ENABLED)
		return cfg->acs_ctrl | (cfg->acs_cap & PT_PCI_ACS_ISOLATION);
	return cfg->acs_ctrl;
}

int pt_pci_acs_flags_enabled(const struct pt_pci_config *cfg, uint16_t flags)
{
	return acs_flags_in(cfg, cfg->acs_ctrl, flags);
}

int pt_pci_acs_isolating(const struct pt_pci_config *cfg)
{
	return pt_pci_acs_flags_enabled(cfg, PT_PCI_ACS_ISOLATION);
}

int pt_pci_acs_enabled_on(const struct pt_pci_config *cfg, enum pt_pci_acs_basis basis)
{
	int isolating = acs_flags_in(cfg, acs_ctrl_on(cfg, basis), PT_PCI_ACS_ISOLATION);

	if (!cfg->caps_known)
		return -ENODATA;
	/* linux drivers/pci/pci.c pci_acs_enabled, minus pci_dev_specific_acs_enabled quirks. */
	if (!cfg->has_pcie)
		return 0;
	if (!cfg->has_pcie_flags)
		return -ENODATA;
	switch (cfg->pcie_type) {
	case PT_PCIE_TYPE_PCI_TO_PCIE_BRIDGE:
	case PT_PCIE_TYPE_PCIE_TO_PCI_BRIDGE:
	case PT_PCIE_TYPE_RC_EVENT_COLLECTOR:
		/* Conventional PCI behind them cannot be isolated; the RCEC is not a bridge. */
		return 0;
	case PT_PCIE_TYPE_DOWNSTREAM_PORT:
	case PT_PCIE_TYPE_ROOT_PORT:
		return isolating;
	case PT_PCIE_TYPE_ENDPOINT:
	case PT_PCIE_TYPE_UPSTREAM_PORT:
	case PT_PCIE_TYPE_LEGACY_ENDPOINT:
	case PT_PCIE_TYPE_RC_INTEGRATED_ENDPOINT:
		/* Single functions cannot peer with themselves; siblings need ACS. */
		if (!cfg->multifunction)
			return 1;
		return isolating;
	}
	/* Reserved types: the kernel falls through to "enabled". */
	return 1;
}

int pt_pci_acs_enabled(const struct pt_pci_config *cfg)
{
	return pt_pci_acs_enabled_on(cfg, PT_PCI_ACS_AS_READ);
}

int pt_pci_has_flr(const struct pt_pci_config *cfg)
{
	if (!cfg->caps_known)
		return -ENODATA;
	if (!cfg->has_pcie)
		return 0;
	if (!cfg->has_pcie_devcap)
		return -ENODATA;
	return cfg->pcie_flr;
}

int pt_pci_has_af_flr(const struct pt_pci_config *cfg)
{
	if (!cfg->caps_known)
		return -ENODATA;
	if (!cfg->has_af)
		return 0;
	if (!cfg->has_af_cap)
		return -ENODATA;
	/* linux drivers/pci/pci.c pci_af_flr needs both TP and FLR. */
	return cfg->af_tp && cfg->af_flr;
}

int pt_pci_has_pm_reset(const struct pt_pci_config *cfg)
{
	if (!cfg->caps_known)
		return -ENODATA;
	if (!cfg->has_pm)
		return 0;
	if (!cfg->has_pm_ctrl)
		return -ENODATA;
	return !cfg->pm_no_soft_reset;
}
