/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal manifest (/var/lib/passthru/journal/<id>/manifest), a small text format:
 *
 *   passthru-journal 1
 *   time 1700000000
 *   mkdir /etc/default/grub.d
 *   edit 0 file write 0644 /etc/default/grub.d/passthru.cfg
 *   edit 1 absent delete 0644 /etc/x
 *
 * "edit <n> <old> <new> <mode> <path>": <old> is "file" (the exact old bytes are in <n>.old)
 * or "absent"; <new> is "write" (the bytes written are in <n>.new) or "delete"; mode octal.
 * "mkdir" names a directory the transaction created (undo removes it when empty), in
 * creation order. The path is the rest of the line: absolute, no control characters.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "util/strv.h"

struct pt_manifest_edit {
	unsigned idx;
	bool old_absent;
	bool delete;
	unsigned mode;
	char *path;
};

struct pt_manifest {
	long long time;
	struct pt_strv mkdirs;
	struct pt_manifest_edit *edits;
	size_t n;
};

/* Parses buf; on a syntax error returns -EINVAL and the 1-based line in *ret_line. */
int pt_manifest_parse(const char *buf, size_t len, struct pt_manifest *ret, unsigned *ret_line);
int pt_manifest_format(const struct pt_manifest *m, struct pt_strbuf *out);
void pt_manifest_done(struct pt_manifest *m);
/* A path a manifest may hold: absolute, no control characters, no "." or ".." component. */
bool pt_manifest_path_ok(const char *path);
