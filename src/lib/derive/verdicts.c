/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "derive/verdicts.h"

int pt_derive(const struct pt_host *h, struct pt_verdicts *ret)
{
	struct pt_verdicts v = {0};
	int e = pt_iommu_judge(h, &v.iommu);

	if (e < 0)
		return e;
	v.acs_enabled = pt_iommu_acs_enabled(&v.iommu);
	v.intel_default_on = pt_intel_iommu_default_on(h, &v.intel_default_sym);
	v.igpu_identity = pt_intel_igpu_identity(h, &v.igpu_identity_why);
	v.iommu_passthrough = pt_iommu_passthrough(h);
	if ((e = pt_boot_judge(h, &v.boot)) < 0 ||
	    (e = pt_boot_sync_judge(h, v.boot.path, &v.sync)) < 0) {
		pt_verdicts_done(&v);
		return e;
	}
	*ret = v;
	return 0;
}

void pt_verdicts_done(struct pt_verdicts *v)
{
	pt_iommu_verdict_done(&v->iommu);
	pt_boot_verdict_done(&v->boot);
	pt_boot_sync_done(&v->sync);
}
