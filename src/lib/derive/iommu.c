/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * docs/facts.md, "An active IOMMU and interrupt remapping": /sys/class/iommu entries mean an IOMMU
 * driver is active; groups under /sys/kernel/iommu_groups mean devices are translated; a DMAR or
 * IVRS ACPI table with neither means the kernel did not enable what the firmware offers.
 */
#include <stdlib.h>
#include <string.h>

#include "derive/iommu.h"
#include "util/macro.h"
#include "util/strbuf.h"

void pt_iommu_verdict_done(struct pt_iommu_verdict *v)
{
	free(v->reason);
	v->reason = NULL;
}

static char *firmware_name(const struct pt_host *h)
{
	if (h->acpi_dmar == PT_YES && h->acpi_ivrs == PT_YES)
		return strdup("DMAR and IVRS");
	return strdup(h->acpi_dmar == PT_YES ? "DMAR (Intel VT-d)" : "IVRS (AMD-Vi)");
}

static char *sentence(const char *a, const char *b, const char *c)
{
	struct pt_strbuf sb = {0};

	pt_strbuf_printf(&sb, "%s%s%s", a, b ? b : "", c ? c : "");
	return pt_strbuf_steal(&sb);
}

/* Whether the last occurrence of name lists "off" (intel_iommu=on,igfx_off is not off). */
static bool param_says_off(const struct pt_host *h, const char *name)
{
	const struct pt_cmdline_param *p =
		h->cmdline_known ? pt_cmdline_find_last(&h->cmdline, name) : NULL;
	struct pt_strv opts = {0};
	bool off;

	if (!p || !p->value || p->after_dashes || pt_cmdline_split_list(p->value, &opts) < 0)
		return false;
	off = pt_strv_contains(&opts, "off");
	pt_strv_done(&opts);
	return off;
}

/*
 * The parameter that turned off the IOMMU the firmware offers (kernel-parameters.txt:
 * intel_iommu=off, amd_iommu=off, iommu=off), or NULL.
 */
static const char *off_param(const struct pt_host *h)
{
	if (h->acpi_dmar == PT_YES && param_says_off(h, "intel_iommu"))
		return "intel_iommu=off";
	if (h->acpi_ivrs == PT_YES && param_says_off(h, "amd_iommu"))
		return "amd_iommu=off";
	if (param_says_off(h, "iommu"))
		return "iommu=off";
	return NULL;
}

int pt_iommu_judge(const struct pt_host *h, struct pt_iommu_verdict *ret)
{
	struct pt_iommu_verdict v = {0};
	char *fw;

	/* Groups are the ground truth; a partial snapshot may lack /sys/class/iommu. */
	if (h->ngroups) {
		v.state = PT_IOMMU_ACTIVE;
	} else if (h->iommu_units.n) {
		v.state = PT_IOMMU_UNITS_NO_GROUPS;
		v.reason = strdup("an IOMMU is active (/sys/class/iommu) but no device is in an "
				  "IOMMU group");
	} else if ((h->acpi_dmar == PT_YES || h->acpi_ivrs == PT_YES) && off_param(h)) {
		v.state = PT_IOMMU_OFF_BY_CMDLINE;
		v.param = off_param(h);
		fw = firmware_name(h);
		v.reason = sentence("the firmware describes an IOMMU (ACPI ", fw, NULL);
		free(fw);
		fw = v.reason;
		v.reason =
			fw ? sentence(fw,
				      " table) but the kernel command line turns it off: ", v.param)
			   : NULL;
		free(fw);
	} else if (h->acpi_dmar == PT_YES || h->acpi_ivrs == PT_YES) {
		v.state = PT_IOMMU_OFF_IN_KERNEL;
		fw = firmware_name(h);
		v.reason = sentence("the firmware describes an IOMMU (ACPI ", fw,
				    " table) but the kernel did not enable it: /sys/class/iommu "
				    "is empty");
		free(fw);
	} else if (h->acpi_dmar == PT_NO && h->acpi_ivrs == PT_NO) {
		v.state = PT_IOMMU_NO_FIRMWARE;
		v.reason =
			strdup("the firmware describes no IOMMU (no ACPI DMAR or IVRS table): "
			       "enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware setup");
	} else {
		v.state = PT_IOMMU_UNKNOWN;
		v.reason = strdup("no IOMMU is active (/sys/class/iommu is empty or missing) and "
				  "the firmware tables are not in this root");
	}
	if (v.state != PT_IOMMU_ACTIVE && !v.reason)
		return -ENOMEM;
	*ret = v;
	return 0;
}

enum pt_tristate pt_iommu_acs_enabled(const struct pt_iommu_verdict *v)
{
	/* Units without groups still mean an IOMMU driver initialised (and asked for ACS). */
	if (v->state == PT_IOMMU_ACTIVE || v->state == PT_IOMMU_UNITS_NO_GROUPS)
		return PT_YES;
	return v->state == PT_IOMMU_UNKNOWN ? PT_UNKNOWN : PT_NO;
}

/* Whether a value means on / off for a boolean kernel parameter (linux lib/kstrtox.c kstrtobool).
 */
static int bool_value(const char *v)
{
	if (!v)
		return -1;
	if (strchr("1yY", v[0]) || streq(v, "on"))
		return 1;
	if (strchr("0nN", v[0]) || streq(v, "off"))
		return 0;
	return -1;
}

bool pt_iommu_passthrough(const struct pt_host *h)
{
	bool pt = h->kconfig_known &&
		  pt_kconfig_tristate(&h->kconfig, "IOMMU_DEFAULT_PASSTHROUGH") == PT_KCONFIG_Y;

	for (size_t i = 0; h->cmdline_known && i < h->cmdline.n; i++) {
		const struct pt_cmdline_param *p = &h->cmdline.params[i];
		struct pt_strv items = {0};
		int b;

		if (p->after_dashes)
			continue;
		if (pt_cmdline_name_eq(p->name, "iommu.passthrough")) {
			b = bool_value(p->value);
			if (b >= 0)
				pt = b;
		} else if (pt_cmdline_name_eq(p->name, "iommu") &&
			   pt_cmdline_split_list(p->value, &items) == 0) {
			for (size_t k = 0; k < items.n; k++)
				if (streq(items.v[k], "pt") || streq(items.v[k], "nopt"))
					pt = streq(items.v[k], "pt");
		}
		pt_strv_done(&items);
	}
	return pt;
}

enum pt_tristate pt_intel_igpu_identity(const struct pt_host *h, const char **why)
{
	static const char *const sym = "CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y";
	const struct pt_cmdline_param *p = NULL;
	bool identity;

	*why = NULL;
	if (!h->kconfig_known)
		return PT_UNKNOWN;
	if (!pt_kconfig_get(&h->kconfig, "INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF"))
		return PT_NO;
	identity = pt_kconfig_tristate(&h->kconfig, "INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF") ==
		   PT_KCONFIG_Y;
	if (identity)
		*why = sym;
	/* intel_iommu_setup() applies each occurrence's items in turn. */
	while (h->cmdline_known && (p = pt_cmdline_next(&h->cmdline, "intel_iommu", p))) {
		struct pt_strv items = {0};

		if (pt_cmdline_split_list(p->value, &items) < 0)
			continue;
		for (size_t k = 0; k < items.n; k++) {
			if (streq(items.v[k], "on")) {
				identity = false;
			} else if (streq(items.v[k], "intgpu_off")) {
				identity = true;
				*why = p->raw;
			}
		}
		pt_strv_done(&items);
	}
	return identity ? PT_YES : PT_NO;
}

void pt_ungrouped_verdict_done(struct pt_ungrouped_verdict *v)
{
	free(v->reason);
	v->reason = NULL;
}

/* The intel_iommu= token that lists igfx_off (nothing turns it back on), or NULL. */
static const struct pt_cmdline_param *igfx_off(const struct pt_host *h)
{
	const struct pt_cmdline_param *p = NULL;

	while (h->cmdline_known && (p = pt_cmdline_next(&h->cmdline, "intel_iommu", p))) {
		struct pt_strv items = {0};
		bool off = pt_cmdline_split_list(p->value, &items) == 0 &&
			   pt_strv_contains(&items, "igfx_off");

		pt_strv_done(&items);
		if (off)
			return p;
	}
	return NULL;
}

/*
 * With graphics mapping off (dmar_map_gfx = 0: intel_iommu=igfx_off, a chipset quirk such as
 * quirk_iommu_igfx or quirk_calpella_no_shadow_gtt, or CONFIG_INTEL_IOMMU_BROKEN_GFX_WA) the
 * VT-d driver ignores a DMAR unit whose scope holds only display devices, so they get no group
 * (linux drivers/iommu/intel/iommu.c init_no_remapping_devices). Debian's INTGPU_OFF does not
 * touch dmar_map_gfx (see pt_intel_igpu_identity).
 */
static char *gfx_reason(const struct pt_host *h, const struct pt_cmdline_param *param)
{
	struct pt_strbuf sb = {0};

	pt_strbuf_puts(&sb,
		       "the IOMMU is active but left this display device out: VT-d ignores a "
		       "DMAR unit serving only graphics devices while graphics mapping is off");
	if (param)
		pt_strbuf_printf(&sb, ", here by %s", param->raw);
	else
		pt_strbuf_puts(&sb, ", which without intel_iommu=igfx_off means a kernel quirk for "
				    "this chipset (its log: \"Disabling IOMMU for graphics on this "
				    "chipset\" or \"BIOS has allocated no shadow GTT\"), or a DMAR "
				    "table that leaves the device out");
	if (h->kconfig_known &&
	    pt_kconfig_tristate(&h->kconfig, "INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF") == PT_KCONFIG_Y)
		pt_strbuf_puts(&sb, "; not this kernel's CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF "
				    "(it maps an integrated GPU 1:1 and keeps its group), and "
				    "intel_iommu=on does not turn graphics mapping on");
	return pt_strbuf_steal(&sb);
}

int pt_ungrouped_judge(const struct pt_host *h, const struct pt_iommu_verdict *v, size_t idx,
		       struct pt_ungrouped_verdict *ret)
{
	struct pt_ungrouped_verdict u = {0};

	if (v->state != PT_IOMMU_ACTIVE) {
		u.cause = PT_UNGROUPED_NO_IOMMU;
		u.param = v->param;
		u.reason = v->reason ? strdup(v->reason) : NULL;
	} else if (h->acpi_dmar == PT_YES && pt_pci_is_display(&h->devs[idx]) &&
		   pt_pci_on_root_bus(&h->devs[idx])) {
		const struct pt_cmdline_param *p = igfx_off(h);

		u.cause = p ? PT_UNGROUPED_GFX_PARAM : PT_UNGROUPED_GFX;
		u.param = p ? p->raw : NULL;
		u.reason = gfx_reason(h, p);
	} else {
		u.cause = PT_UNGROUPED_OTHER;
		u.reason = strdup("the IOMMU is active but did not take this device");
	}
	if (!u.reason)
		return -ENOMEM;
	*ret = u;
	return 0;
}

enum pt_tristate pt_intel_iommu_default_on(const struct pt_host *h, const char **sym)
{
	*sym = "INTEL_IOMMU_DEFAULT_ON";
	if (!h->kconfig_known)
		return PT_UNKNOWN;
	if (pt_kconfig_tristate(&h->kconfig, "INTEL_IOMMU_DEFAULT_ON") == PT_KCONFIG_Y)
		return PT_YES;
	if (pt_kconfig_tristate(&h->kconfig, "INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF") == PT_KCONFIG_Y) {
		*sym = "INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF";
		return PT_YES;
	}
	return PT_NO;
}
