/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-device checks (`passthru check`, area "device"): one registry entry per question asked
 * of each subject. Subjects are every display-class device (0x03xx), or the --device slots.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "checks/finding.h"

/* What one per-device check sees: the host, the subject and where findings go. */
struct pt_dev_ctx {
	const struct pt_host *h;
	const struct pt_verdicts *vd;
	const struct pt_check_opts *o;
	size_t idx; /* the subject, index into h->devs */
	const struct pt_pci_dev *d;
	struct pt_findings *out;
};

/*
 * Calls fn for each subject. With --device every named slot that exists (the CLI refuses
 * unknown ones first), else every display device, in address order.
 */
int pt_for_each_subject(const struct pt_host *h, const struct pt_verdicts *vd,
			const struct pt_check_opts *o, struct pt_findings *out,
			int (*fn)(const struct pt_dev_ctx *c));

int pt_check_dev_group(const struct pt_dev_ctx *c);
int pt_check_dev_acs(const struct pt_dev_ctx *c);
int pt_check_dev_guard(const struct pt_dev_ctx *c);
int pt_check_dev_reset(const struct pt_dev_ctx *c);
int pt_check_dev_binding(const struct pt_dev_ctx *c);
int pt_check_dev_same_ids(const struct pt_dev_ctx *c);
int pt_check_dev_nvidia(const struct pt_dev_ctx *c);
int pt_check_dev_fb(const struct pt_dev_ctx *c);
