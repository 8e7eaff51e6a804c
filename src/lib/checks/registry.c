/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The check registry. A new check is one function and one line here; the runner sorts the
 * findings, so the order of this table does not show in the output.
 */
#include "checks/device.h"
#include "checks/finding.h"
#include "checks/host.h"

#define DEVICE_CHECK(fn)                                                            \
	static int run_##fn(const struct pt_host *h, const struct pt_verdicts *vd,  \
			    const struct pt_check_opts *o, struct pt_findings *out) \
	{                                                                           \
		return pt_for_each_subject(h, vd, o, out, pt_check_dev_##fn);       \
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
	{"cpu.virt", PT_AREA_PLATFORM, false, NULL, pt_check_cpu_virt},
	{"kvm.dev", PT_AREA_PLATFORM, true, "kvm.dev", pt_check_dev_kvm},
	{"iommu.firmware", PT_AREA_PLATFORM, false, NULL, pt_check_iommu_firmware},
	{"iommu.active", PT_AREA_PLATFORM, false, NULL, pt_check_iommu_active},
	{"ir", PT_AREA_PLATFORM, false, NULL, pt_check_irq_remap},
	{"cmdline.iommu", PT_AREA_CMDLINE, false, NULL, pt_check_cmdline_iommu},
	{"cmdline.misc", PT_AREA_CMDLINE, false, NULL, pt_check_cmdline_misc},
	{"cmdline.repeats", PT_AREA_CMDLINE, false, NULL, pt_check_cmdline_repeats},
	{"boot.path", PT_AREA_BOOT, false, NULL, pt_check_boot_path},
	{"modules.vfio", PT_AREA_MODULES, false, NULL, pt_check_vfio_modules},
	{"modules.virqfd", PT_AREA_MODULES, false, NULL, pt_check_virqfd},
	{"modules.modprobe", PT_AREA_MODULES, false, NULL, pt_check_modprobe_lines},
	{"modules.blacklist", PT_AREA_MODULES, false, NULL, pt_check_blacklist_shared},
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
