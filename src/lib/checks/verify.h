/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru verify SLOT`, after the reboot, as findings: the IOMMU is on, the boot
 * configuration's parameters reached the running kernel, every device that leaves with the
 * slot is on vfio-pci (else the likely cause), whether it comes back for a second VM start
 * (its reset), and on the live host that /dev/vfio/<group> exists and is viable. Pure: the
 * host model (with the groups' VFIO status read on demand) in, findings out, in the order
 * they are shown. IDs: verify.iommu, verify.passable, verify.cmdline, verify.driver,
 * verify.reset, verify.group (docs/json.md).
 */
#pragma once

#include "checks/finding.h"

/* Judges the request for h->devs[idx]. 0 or -ENOMEM. */
int pt_verify_run(const struct pt_host *h, const struct pt_verdicts *vd, size_t idx,
		  struct pt_findings *out);
