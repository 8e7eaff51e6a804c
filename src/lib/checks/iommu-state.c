/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FACTS §2 "Detecting an active IOMMU": /sys/class/iommu entries mean an IOMMU driver is
 * active; groups under /sys/kernel/iommu_groups mean devices are translated; a DMAR or IVRS
 * ACPI table with neither means the kernel did not enable what the firmware offers.
 */
#include <stdlib.h>
#include <string.h>

#include "checks/iommu-state.h"
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
