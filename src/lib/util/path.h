/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lexical path arithmetic (no file-system access). */
#pragma once

/*
 * The absolute, normalised path a symlink at link_path with the given target points to:
 * relative targets are taken from link_path's directory; "." and ".." are folded lexically
 * and ".." stops at "/". Caller frees; NULL on ENOMEM.
 */
char *pt_path_resolve_link(const char *link_path, const char *target);
