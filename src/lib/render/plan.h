/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan (plan/plan.h) as text or as a JSON document (docs/json.md "plan --json"). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "plan/plan.h"

struct pt_plan_render_opts {
	bool json;
	const struct pt_plan_request *req; /* the options, for the apply line of "Next:" */
	const char *slot;		   /* SLOT as the user wrote it */
	bool next; /* end with what to do next (plan: yes; apply's preview: no) */
};

int pt_render_plan(const struct pt_host *h, const struct pt_plan *p,
		   const struct pt_plan_render_opts *o, FILE *out);
