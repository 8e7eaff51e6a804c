/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host-wide checks (`passthru check`, areas platform, cmdline, boot, modules). */
#pragma once

#include "derive/boot.h"
#include "checks/finding.h"
#include "derive/boot.h"

int pt_check_cpu_virt(const struct pt_host *h, const struct pt_verdicts *vd,
		      const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_dev_kvm(const struct pt_host *h, const struct pt_verdicts *vd,
		     const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_iommu_firmware(const struct pt_host *h, const struct pt_verdicts *vd,
			    const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_iommu_active(const struct pt_host *h, const struct pt_verdicts *vd,
			  const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_irq_remap(const struct pt_host *h, const struct pt_verdicts *vd,
		       const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_cmdline_iommu(const struct pt_host *h, const struct pt_verdicts *vd,
			   const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_cmdline_misc(const struct pt_host *h, const struct pt_verdicts *vd,
			  const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_cmdline_repeats(const struct pt_host *h, const struct pt_verdicts *vd,
			     const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_boot_path(const struct pt_host *h, const struct pt_verdicts *vd,
		       const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_vfio_modules(const struct pt_host *h, const struct pt_verdicts *vd,
			  const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_virqfd(const struct pt_host *h, const struct pt_verdicts *vd,
		    const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_blacklist_shared(const struct pt_host *h, const struct pt_verdicts *vd,
			      const struct pt_check_opts *o, struct pt_findings *out);
int pt_check_modprobe_lines(const struct pt_host *h, const struct pt_verdicts *vd,
			    const struct pt_check_opts *o, struct pt_findings *out);

/* The message (and hint) of a boot.* finding about the sync verdict s, in f: check's finding
 * and verify's item say the same. */
void pt_boot_sync_message(const struct pt_boot_sync *s, struct pt_findings *out,
			  struct pt_finding *f);
/* boot.wrong-file's message and hint (s->other is set). 0 or -ENOMEM. */
int pt_boot_wrong_file_message(const struct pt_host *h, const struct pt_boot_sync *s,
			       struct pt_findings *out, struct pt_finding *f);
