/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/mounts (/proc/self/mounts): "source target fstype options freq passno" per line,
 * with space, tab, newline and backslash in fields written as \040 \011 \012 \134
 * (linux fs/proc_namespace.c show_vfsmnt, mangle()).
 */
#pragma once

#include <stddef.h>

struct pt_mount {
	char *source; /* "/dev/nvme0n1p2", "/dev/mapper/pve-root", "rpool/ROOT/pve-1" */
	char *target; /* "/", "/boot/efi" */
	char *fstype; /* "ext4", "zfs" */
};

struct pt_mounts {
	struct pt_mount *v;
	size_t n;
	size_t nbad; /* lines with fewer than three fields (skipped) */
};

/* Parses the whole file, unescaping octal escapes. Returns 0 or -ENOMEM. */
int pt_mounts_parse(const char *buf, size_t len, struct pt_mounts *ret);
void pt_mounts_done(struct pt_mounts *m);
/* The mount visible at target: the last one listed there (later mounts cover earlier). */
const struct pt_mount *pt_mounts_find(const struct pt_mounts *m, const char *target);
