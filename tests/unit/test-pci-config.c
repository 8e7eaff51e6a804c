/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/pci-config.h"

/* Hand-built config spaces. The struct is large (the ext. cap list), so keep it static. */
static uint8_t cfg[PT_PCI_CFG_EXT_SIZE];
static struct pt_pci_config c;

static void put8(unsigned off, uint8_t v)
{
	cfg[off] = v;
}

static void put16(unsigned off, uint16_t v)
{
	cfg[off] = v & 0xff;
	cfg[off + 1] = v >> 8;
}

static void put32(unsigned off, uint32_t v)
{
	put16(off, v & 0xffff);
	put16(off + 2, v >> 16);
}

/* A type 0 header with a capability list starting at first_cap (0: no list). */
static void endpoint(uint8_t first_cap)
{
	memset(cfg, 0, sizeof(cfg));
	put16(0x00, 0x10de);
	put16(0x02, 0x2204);
	put8(0x08, 0xa1);
	put8(0x09, 0x00);
	put8(0x0a, 0x00);
	put8(0x0b, 0x03); /* VGA */
	put16(0x2c, 0x1462);
	put16(0x2e, 0x3880);
	if (first_cap) {
		put16(0x06, 0x0010); /* Status.CapList */
		put8(0x34, first_cap);
	}
}

static void cap(unsigned off, uint8_t id, uint8_t next)
{
	put8(off, id);
	put8(off + 1, next);
}

/* A PCIe capability: version 2, given type, DevCap and link registers. */
static void pcie_cap(unsigned off, uint8_t next, unsigned type, uint32_t devcap)
{
	cap(off, PT_PCI_CAP_ID_EXP, next);
	put16(off + 2, (uint16_t)(0x0002 | type << 4));
	put32(off + 4, devcap);
	put32(off + 0x0c, 0x00000103 | 16 << 4); /* LnkCap: 8GT/s x16 */
	put16(off + 0x12, 0x0001 | 8 << 4);	 /* LnkSta: 2.5GT/s x8 */
}

static void ext_cap(unsigned off, uint16_t id, unsigned version, unsigned next)
{
	put32(off, (uint32_t)id | (uint32_t)version << 16 | (uint32_t)next << 20);
}

static void test_short_input(void **state)
{
	endpoint(0x40);
	assert_int_equal(pt_pci_config_parse(cfg, 63, &c), -EINVAL);
	assert_int_equal(pt_pci_config_parse(cfg, 0, &c), -EINVAL);
	assert_int_equal(pt_pci_config_parse(NULL, 4096, &c), -EINVAL);
}

static void test_header_only(void **state)
{
	/* An unprivileged read: 64 bytes. The list starts at 0x40, so it is unknown, not empty. */
	endpoint(0x40);
	pcie_cap(0x40, 0, PT_PCIE_TYPE_ENDPOINT, 0x10000000);
	assert_int_equal(pt_pci_config_parse(cfg, 64, &c), 0);
	assert_int_equal(c.vendor, 0x10de);
	assert_int_equal(c.device, 0x2204);
	assert_int_equal(c.class, 0x030000);
	assert_int_equal(c.revision, 0xa1);
	assert_true(c.has_subsystem);
	assert_int_equal(c.subsystem_vendor, 0x1462);
	assert_int_equal(c.subsystem_device, 0x3880);
	assert_false(c.caps_known);
	assert_int_equal(c.caps_end, PT_PCI_WALK_TRUNCATED);
	assert_false(c.ext_caps_known);
	assert_false(c.has_pcie);
	assert_int_equal(pt_pci_has_flr(&c), -ENODATA);
	assert_int_equal(pt_pci_has_pm_reset(&c), -ENODATA);
	assert_int_equal(pt_pci_acs_isolating(&c), -ENODATA);
	assert_int_equal(pt_pci_acs_enabled(&c), -ENODATA);

	/* Without Status.CapList there is no list to miss: known and empty. */
	endpoint(0);
	assert_int_equal(pt_pci_config_parse(cfg, 64, &c), 0);
	assert_true(c.caps_known);
	assert_int_equal(c.n_caps, 0);
	assert_int_equal(pt_pci_has_flr(&c), 0);
	assert_int_equal(pt_pci_acs_enabled(&c), 0); /* conventional PCI never isolates */
	/* Not PCIe (no list at all), so no extended space exists: known, and no ACS. */
	assert_true(c.ext_caps_known);
	assert_false(c.ext_space);
	assert_int_equal(pt_pci_acs_isolating(&c), 0);

	/* A host bridge may have extended space without a PCIe capability: unknown. */
	put8(0x0b, 0x06);
	assert_int_equal(pt_pci_config_parse(cfg, 64, &c), 0);
	assert_false(c.ext_caps_known);
	assert_int_equal(pt_pci_acs_isolating(&c), -ENODATA);
}

static void test_partial_list_fits(void **state)
{
	/* 0x50 bytes: the list (one PM cap at 0x40) fits, so it is known. */
	endpoint(0x40);
	cap(0x40, PT_PCI_CAP_ID_PM, 0);
	put16(0x42, 0x0003);
	put16(0x44, 0x0008); /* NoSoftRst */
	assert_int_equal(pt_pci_config_parse(cfg, 0x50, &c), 0);
	assert_true(c.caps_known);
	assert_true(c.has_pm);
	assert_int_equal(c.pm_version, 3);
	assert_true(c.has_pm_ctrl);
	assert_true(c.pm_no_soft_reset);
	assert_int_equal(pt_pci_has_pm_reset(&c), 0);

	/* The capability header fits but PMCSR does not: present, reset verdict unknown. */
	assert_int_equal(pt_pci_config_parse(cfg, 0x44, &c), 0);
	assert_true(c.caps_known);
	assert_true(c.has_pm);
	assert_false(c.has_pm_ctrl);
	assert_int_equal(pt_pci_has_pm_reset(&c), -ENODATA);
}

static void test_all_ones(void **state)
{
	memset(cfg, 0xff, sizeof(cfg));
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), -ENODEV);

	/* An SR-IOV VF: vendor and device read 0xffff, the rest is a real header. */
	endpoint(0x40);
	put32(0x00, 0xffffffff);
	pcie_cap(0x40, 0, PT_PCIE_TYPE_ENDPOINT, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(c.vendor, 0xffff);
	assert_true(c.has_pcie);
}

static void test_cap_loop(void **state)
{
	endpoint(0x40);
	cap(0x40, PT_PCI_CAP_ID_PM, 0x50);
	cap(0x50, 0x05, 0x40); /* MSI, pointing back */
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_true(c.caps_known);
	assert_int_equal(c.n_caps, 2);
	assert_int_equal(c.caps_end, PT_PCI_WALK_LOOP);
	assert_int_equal(c.caps_end_at, 0x40);

	/* A capability pointing at itself. */
	cap(0x40, PT_PCI_CAP_ID_PM, 0x40);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(c.n_caps, 1);
	assert_int_equal(c.caps_end, PT_PCI_WALK_LOOP);
}

static void test_cap_pointers(void **state)
{
	/* Pointers are masked to dwords: 0x43 means 0x40, and the next 0x52 means 0x50. */
	endpoint(0x43);
	cap(0x40, PT_PCI_CAP_ID_PM, 0x52);
	cap(0x50, 0x05, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(c.n_caps, 2);
	assert_int_equal(c.caps[0].offset, 0x40);
	assert_int_equal(c.caps[1].offset, 0x50);
	assert_int_equal(c.caps_end, PT_PCI_WALK_END);

	/* Into the header: the kernel stops (pointers below 0x40 end the walk). */
	cap(0x50, 0x05, 0x10);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_true(c.caps_known);
	assert_int_equal(c.n_caps, 2);
	assert_int_equal(c.caps_end, PT_PCI_WALK_BAD_PTR);
	assert_int_equal(c.caps_end_at, 0x10);

	/* Past the bytes given: what follows is unknown. */
	cap(0x50, 0x05, 0xc0);
	assert_int_equal(pt_pci_config_parse(cfg, 0x80, &c), 0);
	assert_false(c.caps_known);
	assert_int_equal(c.caps_end, PT_PCI_WALK_TRUNCATED);
	assert_int_equal(c.caps_end_at, 0xc0);

	/* ID 0xff: a broken chain (or a failed read), not a capability. */
	cap(0x50, 0xff, 0x60);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_true(c.caps_known);
	assert_int_equal(c.n_caps, 1);
	assert_int_equal(c.caps_end, PT_PCI_WALK_BROKEN);

	/* The longest possible chain: every dword from 0x40 to 0xfc. */
	endpoint(0x40);
	for (unsigned off = 0x40; off < 0x100; off += 4)
		cap(off, 0x09, off + 4 < 0x100 ? (uint8_t)(off + 4) : 0);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(c.n_caps, PT_PCI_CAPS_MAX);
	assert_int_equal(c.caps_end, PT_PCI_WALK_END);
}

static void test_unknown_header_type(void **state)
{
	endpoint(0x40);
	put8(0x0e, 0x83); /* multifunction, layout 3 */
	cap(0x40, PT_PCI_CAP_ID_PM, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(c.header_type, 3);
	assert_true(c.multifunction);
	assert_false(c.has_subsystem);
	assert_false(c.has_bus_numbers);
	assert_true(c.caps_known);
	assert_int_equal(c.n_caps, 0);
}

static void test_bridge_header(void **state)
{
	endpoint(0x40);
	put8(0x0e, 0x81); /* multifunction bridge */
	put8(0x0b, 0x06);
	put8(0x0a, 0x04);
	put16(0x2c, 0xdead); /* bridges have no subsystem here: this is the I/O base upper 16 */
	put8(0x18, 0x00);
	put8(0x19, 0x02);
	put8(0x1a, 0x05);
	pcie_cap(0x40, 0x90, PT_PCIE_TYPE_ROOT_PORT, 0);
	put16(0x42, 0x0142); /* v2, root port, slot */
	cap(0x90, PT_PCI_CAP_ID_SSVID, 0);
	put16(0x94, 0x17aa);
	put16(0x96, 0x2238);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(c.header_type, PT_PCI_HEADER_BRIDGE);
	assert_true(c.multifunction);
	assert_true(c.has_bus_numbers);
	assert_int_equal(c.primary_bus, 0x00);
	assert_int_equal(c.secondary_bus, 0x02);
	assert_int_equal(c.subordinate_bus, 0x05);
	assert_true(c.has_subsystem);
	assert_int_equal(c.subsystem_vendor, 0x17aa);
	assert_int_equal(c.subsystem_device, 0x2238);
	assert_true(c.has_pcie);
	assert_int_equal(c.pcie_type, PT_PCIE_TYPE_ROOT_PORT);
	assert_true(c.pcie_slot);
	assert_string_equal(pt_pcie_type_name(c.pcie_type), "Root Port");

	/* Without the SSVID capability a bridge has no subsystem IDs. */
	cap(0x40, PT_PCI_CAP_ID_EXP, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_false(c.has_subsystem);
}

static void test_cardbus_header(void **state)
{
	endpoint(0);
	put8(0x0e, 0x02);
	put8(0x0b, 0x06);
	put8(0x0a, 0x07);
	put16(0x06, 0x0010);
	put8(0x14, 0xa0); /* CardBus keeps its capability pointer at 0x14 */
	put8(0x34, 0x00);
	put8(0x18, 0x1c);
	put8(0x19, 0x1d);
	put8(0x1a, 0x20);
	put16(0x40, 0x10cf);
	put16(0x42, 0x143d);
	cap(0xa0, PT_PCI_CAP_ID_PM, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_true(c.has_bus_numbers);
	assert_int_equal(c.secondary_bus, 0x1d);
	assert_int_equal(c.subordinate_bus, 0x20);
	assert_true(c.has_subsystem);
	assert_int_equal(c.subsystem_vendor, 0x10cf);
	assert_int_equal(c.n_caps, 1);
	assert_int_equal(c.caps[0].offset, 0xa0);

	/* 64 bytes: the CardBus subsystem IDs at 0x40 are unknown. */
	assert_int_equal(pt_pci_config_parse(cfg, 64, &c), 0);
	assert_false(c.has_subsystem);
	assert_int_equal(c.subsystem_vendor, 0);
}

static void test_pcie_fields(void **state)
{
	endpoint(0x40);
	pcie_cap(0x40, 0x60, PT_PCIE_TYPE_ENDPOINT, 0x10008fc0);
	cap(0x60, PT_PCI_CAP_ID_AF, 0);
	put8(0x63, 0x03); /* TP and FLR */
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_true(c.has_pcie);
	assert_int_equal(c.pcie_offset, 0x40);
	assert_int_equal(c.pcie_version, 2);
	assert_true(c.has_pcie_devcap);
	assert_true(c.pcie_flr);
	assert_int_equal(pt_pci_has_flr(&c), 1);
	assert_true(c.has_pcie_link);
	assert_int_equal(c.lnkcap_speed, 3);
	assert_int_equal(c.lnkcap_width, 16);
	assert_int_equal(c.lnksta_speed, 1);
	assert_int_equal(c.lnksta_width, 8);
	assert_string_equal(pt_pcie_link_speed_name(c.lnkcap_speed), "8GT/s");
	assert_true(c.has_af);
	assert_int_equal(pt_pci_has_af_flr(&c), 1);
	assert_int_equal(pt_pci_has_pm_reset(&c), 0); /* no PM capability */

	/* AF with FLR but without TP is not usable (linux pci_af_flr). */
	put8(0x63, 0x02);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(pt_pci_has_af_flr(&c), 0);

	/* Integrated endpoints have no link registers. */
	pcie_cap(0x40, 0x60, PT_PCIE_TYPE_RC_INTEGRATED_ENDPOINT, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_false(c.has_pcie_link);
	assert_false(c.pcie_flr);
	assert_int_equal(pt_pci_has_flr(&c), 0);

	/* Only the Flags word fits: PCIe, but FLR unknown. */
	cap(0x40, PT_PCI_CAP_ID_EXP, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 0x44, &c), 0);
	assert_true(c.caps_known);
	assert_true(c.has_pcie);
	assert_true(c.has_pcie_flags);
	assert_false(c.has_pcie_devcap);

	/* Only the capability header fits: PCIe is present, its type unknown. */
	assert_int_equal(pt_pci_config_parse(cfg, 0x42, &c), 0);
	assert_true(c.caps_known);
	assert_true(c.has_pcie);
	assert_false(c.has_pcie_flags);
	assert_int_equal(pt_pci_acs_enabled(&c), -ENODATA);
	assert_int_equal(pt_pci_has_flr(&c), -ENODATA);
}

static void test_first_instance_wins(void **state)
{
	endpoint(0x40);
	cap(0x40, PT_PCI_CAP_ID_PM, 0x50);
	put16(0x44, 0x0000);
	cap(0x50, PT_PCI_CAP_ID_PM, 0);
	put16(0x54, 0x0008);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(c.n_caps, 2);
	assert_int_equal(c.pm_offset, 0x40);
	assert_false(c.pm_no_soft_reset);
}

static void test_names(void **state)
{
	assert_string_equal(pt_pcie_type_name(PT_PCIE_TYPE_ENDPOINT), "Endpoint");
	assert_string_equal(pt_pcie_type_name(PT_PCIE_TYPE_LEGACY_ENDPOINT), "Legacy Endpoint");
	assert_string_equal(pt_pcie_type_name(PT_PCIE_TYPE_UPSTREAM_PORT), "Upstream Port");
	assert_string_equal(pt_pcie_type_name(PT_PCIE_TYPE_DOWNSTREAM_PORT), "Downstream Port");
	assert_string_equal(pt_pcie_type_name(PT_PCIE_TYPE_PCIE_TO_PCI_BRIDGE),
			    "PCI-Express to PCI/PCI-X Bridge");
	assert_string_equal(pt_pcie_type_name(PT_PCIE_TYPE_PCI_TO_PCIE_BRIDGE),
			    "PCI/PCI-X to PCI-Express Bridge");
	assert_string_equal(pt_pcie_type_name(PT_PCIE_TYPE_RC_INTEGRATED_ENDPOINT),
			    "Root Complex Integrated Endpoint");
	assert_string_equal(pt_pcie_type_name(PT_PCIE_TYPE_RC_EVENT_COLLECTOR),
			    "Root Complex Event Collector");
	assert_null(pt_pcie_type_name(2));
	assert_null(pt_pcie_type_name(0xb));
	assert_null(pt_pcie_link_speed_name(0));
	assert_string_equal(pt_pcie_link_speed_name(1), "2.5GT/s");
	assert_string_equal(pt_pcie_link_speed_name(6), "64GT/s");
	assert_null(pt_pcie_link_speed_name(7));
	assert_true(pt_pci_rebar_size_bytes(0) == UINT64_C(1) << 20);
	assert_true(pt_pci_rebar_size_bytes(13) == UINT64_C(8) << 30);
	assert_true(pt_pci_rebar_size_bytes(43) == UINT64_C(1) << 63);
	assert_true(pt_pci_rebar_size_bytes(44) == 0);
}

/* A PCIe function with a full 4096-byte space; the ext. list starts empty. */
static void pcie_function(unsigned type, bool multifunction)
{
	endpoint(0x40);
	if (multifunction)
		put8(0x0e, 0x80);
	pcie_cap(0x40, 0, type, 0);
}

static void test_ext_walk(void **state)
{
	pcie_function(PT_PCIE_TYPE_ENDPOINT, false);
	ext_cap(0x100, 0x0001, 1, 0x200); /* AER */
	ext_cap(0x200, PT_PCI_EXT_CAP_ID_ARI, 1, 0);
	put16(0x204, 0x0102); /* ACS function groups, next function 1 */
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.ext_caps_known);
	assert_true(c.ext_space);
	assert_int_equal(c.n_ext_caps, 2);
	assert_int_equal(c.ext_caps[0].offset, 0x100);
	assert_int_equal(c.ext_caps[0].id, 0x0001);
	assert_int_equal(c.ext_caps[0].version, 1);
	assert_int_equal(c.ext_caps_end, PT_PCI_WALK_END);
	assert_true(c.has_ari);
	assert_int_equal(c.ari_cap >> 8, 1);
	assert_false(c.has_acs);
	assert_int_equal(pt_pci_acs_isolating(&c), 0);

	/* A loop back to 0x100. */
	ext_cap(0x200, PT_PCI_EXT_CAP_ID_ARI, 1, 0x100);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(c.n_ext_caps, 2);
	assert_int_equal(c.ext_caps_end, PT_PCI_WALK_LOOP);
	assert_int_equal(c.ext_caps_end_at, 0x100);

	/* A next pointer into the standard space ends the walk (the kernel's rule). */
	ext_cap(0x200, PT_PCI_EXT_CAP_ID_ARI, 1, 0x040);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(c.n_ext_caps, 2);
	assert_int_equal(c.ext_caps_end, PT_PCI_WALK_BAD_PTR);

	/* An all-ones header mid-chain is a failed read, not capability 0xffff. */
	ext_cap(0x200, PT_PCI_EXT_CAP_ID_ARI, 1, 0x300);
	put32(0x300, 0xffffffff);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(c.n_ext_caps, 2);
	assert_int_equal(c.ext_caps_end, PT_PCI_WALK_BROKEN);

	/* Pointers are masked to dwords and may point anywhere up to 0xffc. */
	ext_cap(0x200, PT_PCI_EXT_CAP_ID_ARI, 1, 0xfff);
	ext_cap(0xffc, 0x0003, 1, 0);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(c.n_ext_caps, 3);
	assert_int_equal(c.ext_caps[2].offset, 0xffc);
	assert_int_equal(c.ext_caps_end, PT_PCI_WALK_END);

	/* ACS at the very end: its registers would lie past 4096. */
	ext_cap(0xffc, PT_PCI_EXT_CAP_ID_ACS, 1, 0);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.has_acs);
	assert_false(c.has_acs_regs);
	assert_int_equal(pt_pci_acs_isolating(&c), -ENODATA);
}

static void test_ext_unknown_or_absent(void **state)
{
	/* 256 bytes of a PCIe function: extended capabilities are unknown, not absent. */
	pcie_function(PT_PCIE_TYPE_ROOT_PORT, false);
	ext_cap(0x100, PT_PCI_EXT_CAP_ID_ACS, 1, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_true(c.caps_known);
	assert_false(c.ext_caps_known);
	assert_false(c.has_acs);
	assert_int_equal(pt_pci_acs_isolating(&c), -ENODATA);
	assert_int_equal(pt_pci_acs_enabled(&c), -ENODATA);

	/* 0x100 reads all ones: the kernel sizes the space at 256, so there are none. */
	put32(0x100, 0xffffffff);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.ext_caps_known);
	assert_false(c.ext_space);
	assert_int_equal(c.n_ext_caps, 0);
	assert_int_equal(pt_pci_acs_enabled(&c), 0);

	/* Conventional PCI (no PCIe/PCI-X 2.0 capability) has no extended space at all. */
	endpoint(0);
	ext_cap(0x100, PT_PCI_EXT_CAP_ID_ACS, 1, 0);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.ext_caps_known);
	assert_false(c.ext_space);
	assert_false(c.has_acs);
	/* ...which 256 bytes are enough to know. */
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_true(c.ext_caps_known);
	assert_int_equal(pt_pci_acs_isolating(&c), 0);

	/* A PCI-X capability whose status register was not given: unknown. */
	endpoint(0x40);
	cap(0x40, PT_PCI_CAP_ID_PCIX, 0);
	assert_int_equal(pt_pci_config_parse(cfg, 0x46, &c), 0);
	assert_true(c.caps_known);
	assert_true(c.has_pcix);
	assert_false(c.has_pcix_status);
	assert_false(c.ext_caps_known);
	/* PCI-X at 133 MHz: conventional config space. */
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_true(c.ext_caps_known);
	assert_false(c.ext_space);

	/* ...unless it is PCI-X 266/533, which the kernel gives the 4096-byte space. */
	endpoint(0x40);
	cap(0x40, PT_PCI_CAP_ID_PCIX, 0);
	ext_cap(0x100, PT_PCI_EXT_CAP_ID_ACS, 1, 0);
	put32(0x44, 0x40000000);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.ext_space);
	assert_true(c.has_acs);
}

static void test_ext_aliased(void **state)
{
	/*
	 * pciutils tests/broken-ecaps: a host bridge whose extended space repeats the standard
	 * space every 256 bytes. The kernel sees no extended space (pci_ext_cfg_is_aliased).
	 */
	endpoint(0);
	put8(0x0b, 0x06); /* host bridge, class 0x0600 */
	for (unsigned off = 256; off < sizeof(cfg); off += 256)
		memcpy(cfg + off, cfg, 256);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.ext_caps_known);
	assert_true(c.ext_aliased);
	assert_false(c.ext_space);
	assert_int_equal(c.n_ext_caps, 0);

	/* One differing copy is enough to make it real extended space. */
	put32(0xf00, 0);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_false(c.ext_aliased);
	assert_true(c.ext_space);
}

static void acs(uint16_t cap_reg, uint16_t ctrl)
{
	ext_cap(0x100, PT_PCI_EXT_CAP_ID_ACS, 1, 0);
	put16(0x104, cap_reg);
	put16(0x106, ctrl);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.has_acs);
	assert_true(c.has_acs_regs);
	assert_int_equal(c.acs_cap, cap_reg);
	assert_int_equal(c.acs_ctrl, ctrl);
}

static void test_acs_isolating(void **state)
{
	pcie_function(PT_PCIE_TYPE_DOWNSTREAM_PORT, false);

	/* Everything implemented and enabled. */
	acs(0x007f, 0x001f);
	assert_int_equal(pt_pci_acs_isolating(&c), 1);
	assert_int_equal(pt_pci_acs_enabled(&c), 1);

	/* Implemented but not enabled: the usual firmware default before Linux enables it. */
	acs(0x001f, 0x0000);
	assert_int_equal(pt_pci_acs_isolating(&c), 0);
	assert_int_equal(pt_pci_acs_enabled(&c), 0);

	/* UpstreamFwd not implemented: it counts as hard-wired on. */
	acs(0x000f, 0x000d);
	assert_int_equal(pt_pci_acs_isolating(&c), 1);
	/* ...but an implemented, disabled UpstreamFwd is missing. */
	acs(0x001f, 0x000d);
	assert_int_equal(pt_pci_acs_isolating(&c), 0);

	/* Nothing implemented: every flag is hard-wired (linux pci_acs_flags_enabled). */
	acs(0x0000, 0x0000);
	assert_int_equal(pt_pci_acs_isolating(&c), 1);

	/* Except EgressCtrl, which is required whenever asked for. */
	assert_int_equal(pt_pci_acs_flags_enabled(&c, PT_PCI_ACS_EC), 0);
	acs(0x0020, 0x0020);
	assert_int_equal(pt_pci_acs_flags_enabled(&c, PT_PCI_ACS_EC), 1);

	/* TB and DT are not part of the isolation test. */
	acs(0x007f, 0x001d);
	assert_int_equal(pt_pci_acs_isolating(&c), 1);
}

static void test_acs_enabled_by_type(void **state)
{
	/* Root port without ACS: not isolated. */
	pcie_function(PT_PCIE_TYPE_ROOT_PORT, false);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(pt_pci_acs_enabled(&c), 0);

	/* Single-function endpoint: nothing to isolate from, with or without ACS. */
	pcie_function(PT_PCIE_TYPE_ENDPOINT, false);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(pt_pci_acs_enabled(&c), 1);
	/* ...even from 256 bytes, since no ACS is needed. */
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(pt_pci_acs_enabled(&c), 1);

	/* Multifunction endpoint: needs ACS, and without it its functions share a group. */
	pcie_function(PT_PCIE_TYPE_ENDPOINT, true);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(pt_pci_acs_enabled(&c), 0);
	acs(0x001f, 0x001f);
	assert_int_equal(pt_pci_acs_enabled(&c), 1);

	/* PCIe-to-PCI bridges never isolate, whatever their ACS says. */
	pcie_function(PT_PCIE_TYPE_PCIE_TO_PCI_BRIDGE, false);
	acs(0x001f, 0x001f);
	assert_int_equal(pt_pci_acs_isolating(&c), 1);
	assert_int_equal(pt_pci_acs_enabled(&c), 0);
}

/* With no IOMMU active the kernel has not written ACS Control: judge what it will enable. */
static void test_acs_when_enabled(void **state)
{
	/* The lab's QEMU root port with intel_iommu=off: Cap 0x005f, Control 0. */
	pcie_function(PT_PCIE_TYPE_ROOT_PORT, false);
	acs(0x005f, 0x0000);
	assert_int_equal(pt_pci_acs_enabled_on(&c, PT_PCI_ACS_AS_READ), 0);
	assert_int_equal(pt_pci_acs_enabled_on(&c, PT_PCI_ACS_WHEN_ENABLED), 1);

	/* Only part of the isolation flags implemented: the rest count as hard-wired on. */
	acs(0x0005, 0x0000);
	assert_int_equal(pt_pci_acs_enabled_on(&c, PT_PCI_ACS_WHEN_ENABLED), 1);

	/* A port without an ACS capability stays without isolation, IOMMU on or off. */
	pcie_function(PT_PCIE_TYPE_DOWNSTREAM_PORT, false);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_int_equal(pt_pci_acs_enabled_on(&c, PT_PCI_ACS_WHEN_ENABLED), 0);

	/* So does a PCIe-to-PCI bridge, whatever its capability. */
	pcie_function(PT_PCIE_TYPE_PCIE_TO_PCI_BRIDGE, false);
	acs(0x001f, 0x0000);
	assert_int_equal(pt_pci_acs_enabled_on(&c, PT_PCI_ACS_WHEN_ENABLED), 0);

	/* Unreadable extended space stays unknown. */
	pcie_function(PT_PCIE_TYPE_ROOT_PORT, false);
	acs(0x005f, 0x0000);
	assert_int_equal(pt_pci_config_parse(cfg, 256, &c), 0);
	assert_int_equal(pt_pci_acs_enabled_on(&c, PT_PCI_ACS_WHEN_ENABLED), -ENODATA);
}

static void test_rebar(void **state)
{
	pcie_function(PT_PCIE_TYPE_LEGACY_ENDPOINT, false);
	ext_cap(0x200, PT_PCI_EXT_CAP_ID_REBAR, 1, 0);
	ext_cap(0x100, 0x0001, 2, 0x200);
	/* BAR 0: 256MB current, 256MB..4GB supported (pciutils tests/cap-rebar). */
	put32(0x204, 0x0001f000);
	put32(0x208, 0x00000840); /* two BARs, size code 8, BAR 0 */
	/* BAR 2: 1 MiB..32 GiB in Capability plus 256 TiB and 512 TiB in Control. */
	put32(0x20c, 0xfffffff0);
	put32(0x210, 0x00030d02);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.has_rebar);
	assert_false(c.rebar_invalid);
	assert_int_equal(c.n_rebar, 2);
	assert_int_equal(c.rebar[0].bar, 0);
	assert_int_equal(c.rebar[0].cur_size, 8);
	assert_true(c.rebar[0].sizes == 0x1f00);
	assert_true(pt_pci_rebar_size_bytes(c.rebar[0].cur_size) == UINT64_C(256) << 20);
	assert_int_equal(c.rebar[1].bar, 2);
	assert_int_equal(c.rebar[1].cur_size, 13);
	assert_true(c.rebar[1].sizes == (UINT64_C(0x0fffffff) | UINT64_C(3) << 28));

	/* NBARs 0 is out of specification: no entries. */
	put32(0x208, 0x00000800);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.has_rebar);
	assert_true(c.rebar_invalid);
	assert_int_equal(c.n_rebar, 0);

	/* NBARs 7 is too. */
	put32(0x208, 0x000008e0);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.rebar_invalid);

	/* Entries running past the end of the space: six BARs announced, room for one. */
	ext_cap(0x100, 0x0001, 2, 0xff0);
	ext_cap(0xff0, PT_PCI_EXT_CAP_ID_REBAR, 1, 0);
	put32(0xff4, 0x00000010);
	put32(0xff8, 0x000000c0);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.has_rebar);
	assert_true(c.rebar_truncated);
	assert_int_equal(c.n_rebar, 1);
}

static void test_sriov(void **state)
{
	pcie_function(PT_PCIE_TYPE_ENDPOINT, false);
	ext_cap(0x160, PT_PCI_EXT_CAP_ID_SRIOV, 1, 0);
	ext_cap(0x100, 0x0001, 1, 0x160);
	put16(0x168, 0x0019);
	put16(0x16c, 8);
	put16(0x16e, 8);
	put16(0x170, 1);
	put16(0x174, 384);
	put16(0x176, 2);
	put16(0x17a, 0x10ca);
	assert_int_equal(pt_pci_config_parse(cfg, sizeof(cfg), &c), 0);
	assert_true(c.has_sriov);
	assert_true(c.has_sriov_regs);
	assert_int_equal(c.sriov_ctrl & 1, 1);
	assert_int_equal(c.sriov_initial_vfs, 8);
	assert_int_equal(c.sriov_total_vfs, 8);
	assert_int_equal(c.sriov_num_vfs, 1);
	assert_int_equal(c.sriov_vf_offset, 384);
	assert_int_equal(c.sriov_vf_stride, 2);
	assert_int_equal(c.sriov_vf_device, 0x10ca);
}

static void test_oversized_input(void **state)
{
	static uint8_t big[PT_PCI_CFG_EXT_SIZE + 100];

	pcie_function(PT_PCIE_TYPE_ENDPOINT, false);
	memcpy(big, cfg, sizeof(cfg));
	memset(big + sizeof(cfg), 0xab, 100);
	assert_int_equal(pt_pci_config_parse(big, sizeof(big), &c), 0);
	assert_int_equal(c.len, PT_PCI_CFG_EXT_SIZE);
	assert_true(c.ext_caps_known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_input),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_partial_list_fits),
		cmocka_unit_test(test_all_ones),
		cmocka_unit_test(test_cap_loop),
		cmocka_unit_test(test_cap_pointers),
		cmocka_unit_test(test_unknown_header_type),
		cmocka_unit_test(test_bridge_header),
		cmocka_unit_test(test_cardbus_header),
		cmocka_unit_test(test_pcie_fields),
		cmocka_unit_test(test_first_instance_wins),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ext_walk),
		cmocka_unit_test(test_ext_unknown_or_absent),
		cmocka_unit_test(test_ext_aliased),
		cmocka_unit_test(test_acs_isolating),
		cmocka_unit_test(test_acs_enabled_by_type),
		cmocka_unit_test(test_acs_when_enabled),
		cmocka_unit_test(test_rebar),
		cmocka_unit_test(test_sriov),
		cmocka_unit_test(test_oversized_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
