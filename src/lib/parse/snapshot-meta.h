/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshot metadata: the facts a snapshot cannot hold as files (DESIGN: live-only facts),
 * stored as "/passthru-snapshot.meta" in the archive, one "key=value" per line:
 *
 *   format=1
 *   tool=passthru 0.1.0
 *   date=2026-11-24T20:59:00Z
 *   kernel_release=6.1.0-27-amd64
 *   machine=x86_64
 *   page_size=4096
 *   euid=0
 *
 * '#' starts a comment line; unknown keys are ignored (newer tools may add some).
 */
#pragma once

#include <stddef.h>

#define PT_SNAPSHOT_META_PATH "/passthru-snapshot.meta"
#define PT_SNAPSHOT_FORMAT    1

/* Metadata a snapshot records for facts that are not files (DESIGN: live-only facts). */
struct pt_snapshot_meta {
	int format;
	char *tool;
	char *date;
	char *kernel_release;
	char *machine;
	long page_size; /* -1 unknown */
	long euid;	/* -1 unknown */
};

/* Returns 0, or -EINVAL with *ret_line set for a line that is not "key=value". */
int pt_snapshot_meta_parse(const char *buf, size_t len, struct pt_snapshot_meta *ret,
			   unsigned *ret_line);
void pt_snapshot_meta_done(struct pt_snapshot_meta *m);
