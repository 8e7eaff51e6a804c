/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru bind` and `unbind` as text: the steps before, the devices after. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "edit/journal.h"
#include "model/host.h"
#include "plan/bind.h"

/* The preview: the steps per device, notes, what refuses; or why the slot cannot go. */
void pt_render_bind_plan(const struct pt_host *h, const struct pt_bind_plan *p, FILE *out);
/* What a gate that stops before the question says (nothing for GO, BLOCKED, REFUSED). */
void pt_render_bind_gate(const struct pt_bind_plan *p, enum pt_bind_gate g, const char *root_spec,
			 FILE *out);
/* unbind refused before the question: a VM holds the group (on err, after out). */
void pt_render_bind_busy(const char *prog, const char *cmd, int group, FILE *out, FILE *err);
/*
 * After the commit: each device as the re-read shows it, each group's /dev/vfio node (bind),
 * and the journal. Returns whether everything is where the plan said.
 */
bool pt_render_bind_result(const struct pt_bind_plan *p, const struct pt_journal_result *res,
			   const char *prog, FILE *out, FILE *err);
