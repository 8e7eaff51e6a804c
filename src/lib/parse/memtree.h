/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot archive loaded into memory: a tree of directories, regular files and symlinks.
 * Loading is a parser (bytes of a .tar[.gz|.bz2|.xz] in, tree out) and is fuzzed; lookups
 * resolve symlinks inside the tree only (util/inroot.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/inroot.h"
#include "util/strv.h"

struct pt_memtree;
struct pt_memnode;

/* Bounds against archive bombs: one file, all files, number of entries. */
#define PT_MEMTREE_MAX_FILE    (64u << 20)
#define PT_MEMTREE_MAX_TOTAL   (512u << 20)
#define PT_MEMTREE_MAX_ENTRIES 1000000u

/*
 * Loads an archive from memory. Entries with absolute paths or ".." components make the
 * whole archive invalid (-EINVAL), as do hard links to missing files. Devices, fifos and
 * sockets are skipped. An archive whose entries all live under one top directory that is
 * not a host directory (sys, proc, etc, ...) is rooted there, so hwloc/lscpu test tarballs
 * ("NAME/sys/...") open directly. *ret_error explains a failure (caller frees).
 */
int pt_memtree_load(const void *buf, size_t len, struct pt_memtree **ret, char **ret_error);
struct pt_memtree *pt_memtree_free(struct pt_memtree *t);

/* Resolves path (following symlinks except, when follow_last is false, the last). */
int pt_memtree_lookup(struct pt_memtree *t, const char *path, bool follow_last,
		      const struct pt_memnode **ret);
enum pt_inroot_type pt_memnode_type(const struct pt_memnode *n);
/* Regular file contents (not NUL-terminated). */
const char *pt_memnode_data(const struct pt_memnode *n, size_t *ret_len);
/* Symlink target as stored. */
const char *pt_memnode_target(const struct pt_memnode *n);
/* Names of a directory's entries, sorted. */
int pt_memnode_list(const struct pt_memnode *n, struct pt_strv *ret);
/* Number of regular files, directories and symlinks loaded. */
size_t pt_memtree_count(const struct pt_memtree *t);
