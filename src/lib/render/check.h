/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru check`: findings as text grouped by area, or as a JSON document (json-c). */
#pragma once

#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>

#include "checks/finding.h"
#include "model/host.h"

struct pt_check_render_opts {
	bool json;
	bool color; /* ANSI colours: the CLI decides (a terminal, NO_COLOR unset) */
};

/* One finding as JSON (docs/json.md "check --json"). */
json_object *pt_json_finding(const struct pt_host *h, const struct pt_finding *f);
/* Prints the report; the findings must be sorted (pt_checks_run does). Returns 0 or -errno. */
int pt_render_check(const struct pt_host *h, const struct pt_findings *l,
		    const struct pt_check_render_opts *o, FILE *out);
