/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adding kernel parameters to a command-line file (/etc/kernel/cmdline) while keeping every
 * byte the user wrote: only the first line counts (proxmox-boot-tool), tokens go after its
 * last parameter (before a bare "--", which hands the rest to init), nothing is removed.
 */
#pragma once

#include <stddef.h>

#include "parse/cmdline.h"
#include "util/strbuf.h"

/*
 * Appends to out the text of buf with tokens added to its first line; a token the kernel
 * already sees as the last occurrence of its parameter (same name and value as the kernel
 * parses them: quotes stripped, '-' and '_' alike in names) is skipped (in force). Sets
 * *ret_added to the number added (0: out is a copy of buf). -EINVAL when the line has an
 * unclosed quote (anything appended would land inside it) or a NUL byte.
 */
int pt_plan_cmdline_append(const char *buf, size_t len, const char *const *tokens, size_t n,
			   struct pt_strbuf *out, size_t *ret_added);
/*
 * The same with buf's first line already tokenised (first_line, or parse_err: why it could
 * not be, as pt_cmdline_parse returned it): what the planner does with the model's bytes.
 */
int pt_plan_cmdline_append_to(const char *buf, size_t len, const struct pt_cmdline *first_line,
			      int parse_err, const char *const *tokens, size_t n,
			      struct pt_strbuf *out, size_t *ret_added);
/*
 * Whether the kernel already sees token (one parameter, as the planner writes it) as the last
 * occurrence of its parameter in cl.
 */
bool pt_plan_cmdline_in_force(const struct pt_cmdline *cl, const char *token);
