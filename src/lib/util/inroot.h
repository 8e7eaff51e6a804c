/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path resolution confined to a root, with the semantics of openat2(RESOLVE_IN_ROOT):
 * absolute symlink targets restart at the root, ".." at the root stays there, at most
 * PT_INROOT_MAX_LINKS symlinks are followed. The walk is generic over a backend that can
 * look up one child of the current position, read the link just looked up, and step back.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define PT_INROOT_MAX_LINKS 40
#define PT_INROOT_MAX_DEPTH 256

enum pt_inroot_type {
	PT_INROOT_REG,
	PT_INROOT_DIR,
	PT_INROOT_LNK,
	PT_INROOT_OTHER,
};

struct pt_inroot_ops {
	/* Step into child name[0..len) of the current position; -ENOENT if absent. */
	int (*push)(void *ctx, const char *name, size_t len, enum pt_inroot_type *ret_type);
	/* Target of the symlink at the current position (caller frees). */
	int (*readlink)(void *ctx, char **ret);
	/* Step back to the parent; a no-op at the root. */
	void (*pop)(void *ctx);
	/* Return to the root. */
	void (*reset)(void *ctx);
};

/*
 * Walks path from the root. On success the backend stands on the final component and
 * *ret_type is its type (a symlink only when follow_last is false).
 */
int pt_inroot_walk(const struct pt_inroot_ops *ops, void *ctx, const char *path, bool follow_last,
		   enum pt_inroot_type *ret_type);
