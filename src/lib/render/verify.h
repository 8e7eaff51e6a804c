/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru verify`: its findings (checks/verify.h) as lines, or as a JSON document. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "checks/finding.h"
#include "model/host.h"

/* Whether the findings make the slot ready: no failure. */
bool pt_verify_ready(const struct pt_findings *l);
/*
 * Prints the findings of pt_verify_run for h->devs[idx] in their order, then the summary;
 * json: one document (docs/json.md "verify --json"). Returns 0 or -errno.
 */
int pt_render_verify(const struct pt_host *h, size_t idx, const struct pt_findings *l, bool json,
		     FILE *out);
