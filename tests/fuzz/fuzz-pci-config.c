/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "parse/pci-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_tristate(int r)
{
	assert(r == 0 || r == 1 || r == -ENODATA);
}

static void check_invariants(const struct pt_pci_config *c, size_t size)
{
	size_t std_end = c->len < PT_PCI_CFG_SPACE_SIZE ? c->len : PT_PCI_CFG_SPACE_SIZE;

	assert(c->len == (size < PT_PCI_CFG_EXT_SIZE ? size : PT_PCI_CFG_EXT_SIZE));
	assert(c->n_caps <= PT_PCI_CAPS_MAX);
	for (unsigned i = 0; i < c->n_caps; i++) {
		assert(c->caps[i].offset >= PT_PCI_CFG_HEADER_SIZE);
		assert(c->caps[i].offset % 4 == 0);
		assert(c->caps[i].offset + 2u <= std_end);
	}
	assert(!c->caps_known || c->caps_end != PT_PCI_WALK_TRUNCATED);
	assert(c->n_ext_caps <= PT_PCI_EXT_CAPS_MAX);
	assert(!c->ext_caps_known || c->caps_known);
	assert(!c->ext_space || (c->ext_caps_known && c->len >= PT_PCI_CFG_EXT_SIZE));
	assert(c->n_ext_caps == 0 || (c->ext_caps_known && c->ext_space));
	for (unsigned i = 0; i < c->n_ext_caps; i++) {
		assert(c->ext_caps[i].offset >= PT_PCI_CFG_SPACE_SIZE);
		assert(c->ext_caps[i].offset % 4 == 0);
		assert(c->ext_caps[i].offset + 4u <= PT_PCI_CFG_EXT_SIZE);
	}
	assert(!c->has_pcie_link || c->has_pcie);
	assert(!c->has_pcie_devcap || c->has_pcie_flags);
	assert(!c->has_pcie_flags || c->has_pcie);
	assert(!c->has_acs || c->ext_caps_known);
	assert(c->n_rebar <= PT_PCI_REBAR_MAX);
	assert(c->n_rebar == 0 || c->has_rebar);
	check_tristate(pt_pci_acs_isolating(c));
	check_tristate(pt_pci_acs_enabled(c));
	check_tristate(pt_pci_has_flr(c));
	check_tristate(pt_pci_has_af_flr(c));
	check_tristate(pt_pci_has_pm_reset(c));
	(void)pt_pcie_type_name(c->pcie_type);
	(void)pt_pcie_link_speed_name(c->lnkcap_speed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Static: the decoded struct holds the whole extended list. */
	static struct pt_pci_config full, prefix;
	size_t half = size / 2;
	int r = pt_pci_config_parse(data, size, &full);

	if (size < PT_PCI_CFG_HEADER_SIZE) {
		assert(r == -EINVAL);
		return 0;
	}
	assert(r == 0 || r == -ENODEV);
	if (r < 0)
		return 0;
	check_invariants(&full, size);

	/*
	 * More bytes never change what fewer bytes already knew: if a prefix knows the
	 * standard list, the whole input has the same list.
	 */
	if (half >= PT_PCI_CFG_HEADER_SIZE && pt_pci_config_parse(data, half, &prefix) == 0) {
		check_invariants(&prefix, half);
		if (prefix.caps_known) {
			assert(full.caps_known);
			assert(full.n_caps == prefix.n_caps);
			assert(memcmp(full.caps, prefix.caps,
				      prefix.n_caps * sizeof(*prefix.caps)) == 0);
			assert(full.has_pcie == prefix.has_pcie);
			if (prefix.has_pcie_flags)
				assert(full.pcie_type == prefix.pcie_type);
			if (prefix.has_pcie_devcap)
				assert(full.pcie_flr == prefix.pcie_flr);
		}
		if (prefix.ext_caps_known) {
			assert(full.ext_caps_known);
			assert(full.n_ext_caps == prefix.n_ext_caps);
		}
	}
	return 0;
}
