/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru snapshot`: an allowlisted capture of everything passthru reads about a host,
 * read through the root gateway (so a directory root or another snapshot re-captures), into
 * a .tar.gz held in memory. docs/snapshots.md lists what is and is never captured.
 */
#pragma once

#include <stddef.h>
#include <time.h>

#include "model/host.h"
#include "root.h"
#include "util/strv.h"

struct pt_capture_opts {
	time_t date; /* recorded in the metadata; SOURCE_DATE_EPOCH makes it reproducible */
};

/*
 * Captures r (whose facts are h) into a gzip-compressed tar archive. Files that could not
 * be read are listed in *warnings ("path: why"), never fatal.
 */
int pt_snapshot_capture(struct pt_root *r, const struct pt_host *h, const struct pt_capture_opts *o,
			char **ret_buf, size_t *ret_len, struct pt_strv *warnings);

/*
 * Redacts a captured text file in place: MAC addresses become "XX:XX:XX:XX:XX:XX" and
 * words equal to hostname (or hostname.domain) become "REDACTED-HOSTNAME". Returns the
 * new length (never longer than len + the growth of hostname replacements; the buffer
 * is reallocated when needed).
 */
int pt_snapshot_redact(char **buf, size_t *len, const char *hostname);

/* Attribute names captured from each PCI device directory (never rom, resource*, reset...). */
extern const char *const pt_snapshot_pci_attrs[];
