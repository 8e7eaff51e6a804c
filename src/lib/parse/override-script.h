/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * passthru's initramfs init-top script (/etc/initramfs-tools/scripts/init-top/passthru): the
 * lines that set a per-slot driver_override, in the exact form the planner writes them:
 *
 *   override 0000:01:00.0 0x10de 0x1f08
 *
 * Anything else in the file is ignored: it is a shell script, and nothing else from it is
 * trusted.
 */
#pragma once

#include <stddef.h>

#include "util/strv.h"

/* Appends each override line to lines and its slot to slots. 0 or -ENOMEM. */
int pt_override_script_parse(const char *buf, size_t len, struct pt_strv *lines,
			     struct pt_strv *slots);
