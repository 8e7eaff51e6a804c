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
