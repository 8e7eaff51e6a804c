/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The check registry. A new check is one function and one line here; the runner sorts the
 * findings, so the order of this table does not show in the output.
 */
#include "checks/device.h"
#include "checks/finding.h"

#define DEVICE_CHECK(fn)                                                            \
	static int run_##fn(const struct pt_host *h, const struct pt_check_opts *o, \
			    struct pt_findings *out)                                \
	{                                                                           \
		return pt_for_each_subject(h, o, out, pt_check_dev_##fn);           \
	}

DEVICE_CHECK(group)
DEVICE_CHECK(acs)
DEVICE_CHECK(guard)
DEVICE_CHECK(reset)
DEVICE_CHECK(binding)
DEVICE_CHECK(same_ids)
DEVICE_CHECK(nvidia)
DEVICE_CHECK(fb)

const struct pt_check pt_checks[] = {
	{"device.group", PT_AREA_DEVICE, false, NULL, run_group},
	{"device.acs", PT_AREA_DEVICE, false, NULL, run_acs},
	{"device.guard", PT_AREA_DEVICE, false, NULL, run_guard},
	{"device.reset", PT_AREA_DEVICE, false, NULL, run_reset},
	{"device.binding", PT_AREA_DEVICE, false, NULL, run_binding},
	{"device.same-ids", PT_AREA_DEVICE, false, NULL, run_same_ids},
	{"device.nvidia", PT_AREA_DEVICE, false, NULL, run_nvidia},
	{"device.fb", PT_AREA_DEVICE, false, NULL, run_fb},
};
const size_t pt_n_checks = ELEMENTSOF(pt_checks);
