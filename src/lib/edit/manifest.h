/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal manifest (/var/lib/passthru/journal/<id>/manifest), a small text format:
 *
 *   passthru-journal 2
 *   time 1700000000
 *   mkdir /etc/default/grub.d
 *   edit 0 file write 0644 /etc/default/grub.d/passthru.cfg
 *   edit 1 absent delete 0644 /etc/x
 *   run update-initramfs -u -k all
 *
 * "edit <n> <old> <new> <mode> <path>": <old> is "file" (the exact old bytes are in <n>.old)
 * or "absent"; <new> is "write" (the bytes written are in <n>.new) or "delete"; mode octal.
 * "mkdir" names a directory the transaction created (undo removes it when empty), in
 * creation order. The path is the rest of the line: absolute, no control characters.
 * "run" is a command the edits need afterwards, its argv words separated by one space (each
 * word printable ASCII without spaces), in the order apply runs them; undo runs the same.
 * Version 1 (no "run" lines) is still read: its commands are unknown.
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
	int version; /* 1 or 2 when parsed; written as 2 */
	long long time;
	struct pt_strv mkdirs;
	struct pt_manifest_edit *edits;
	size_t n;
	struct pt_strv *runs; /* argv of each command */
	size_t nruns;
};

/* Parses buf; on a syntax error returns -EINVAL and the 1-based line in *ret_line. */
int pt_manifest_parse(const char *buf, size_t len, struct pt_manifest *ret, unsigned *ret_line);
int pt_manifest_format(const struct pt_manifest *m, struct pt_strbuf *out);
void pt_manifest_done(struct pt_manifest *m);
/* A path a manifest may hold: absolute, no control characters, no "." or ".." component. */
bool pt_manifest_path_ok(const char *path);
/* A word a "run" line may hold: non-empty printable ASCII without spaces. */
bool pt_manifest_word_ok(const char *word);
