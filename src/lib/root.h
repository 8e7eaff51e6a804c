/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file-system gateway. Every byte passthru reads about a host goes through a pt_root:
 * the live host ("/"), a directory laid out like "/", or a snapshot archive held in memory.
 * Paths are absolute within the root; symlinks resolve inside it (absolute targets and ".."
 * never leave it), as openat2(RESOLVE_IN_ROOT) does. A CI lint (scripts/lint-layers) forbids
 * direct file-system calls anywhere else.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/strv.h"

struct pt_root;

enum pt_root_mode {
	PT_ROOT_LIVE,	 /* "/": the running host */
	PT_ROOT_DIR,	 /* a directory tree, e.g. an extracted snapshot or a hand-made root */
	PT_ROOT_ARCHIVE, /* a snapshot archive (.tar.gz, .tar.bz2, ...) loaded into memory */
};

enum pt_ftype {
	PT_FTYPE_REG,
	PT_FTYPE_DIR,
	PT_FTYPE_LNK,
	PT_FTYPE_OTHER, /* devices, fifos, sockets: never read */
};

/* Largest attribute pt_root_read_attr() accepts; sysfs attributes fit in a page. */
#define PT_ATTR_MAX 65536

/*
 * Opens spec: "/" (live), a directory, or a snapshot archive file. On failure returns -errno
 * and, when ret_error is not NULL, a message for the user (caller frees).
 */
int pt_root_open(const char *spec, struct pt_root **ret, char **ret_error);
struct pt_root *pt_root_free(struct pt_root *r);

enum pt_root_mode pt_root_mode(const struct pt_root *r);
const char *pt_root_spec(const struct pt_root *r);

/*
 * Reads a whole regular file of at most max bytes into a NUL-terminated buffer.
 * Errors: -ENOENT, -ENOTDIR, -ELOOP, -EACCES, -EISDIR, -EFBIG (larger than max),
 * -EINVAL (not a regular file: a fifo or device is never opened for reading).
 */
int pt_root_read_file(struct pt_root *r, const char *path, size_t max, char **ret, size_t *ret_len);
/* Reads a short attribute (at most PT_ATTR_MAX) and strips one trailing newline. */
int pt_root_read_attr(struct pt_root *r, const char *path, char **ret);
/* The target of a symlink, as stored (not resolved). -EINVAL if path is not a symlink. */
int pt_root_readlink(struct pt_root *r, const char *path, char **ret);
/* Entry names of a directory, sorted bytewise, without "." and "..". */
int pt_root_list(struct pt_root *r, const char *path, struct pt_strv *ret);
/* The type of path; follow=false describes a symlink itself. */
int pt_root_stat(struct pt_root *r, const char *path, bool follow, enum pt_ftype *ret);
bool pt_root_exists(struct pt_root *r, const char *path);

/*
 * Copies the named files of directory dir (those that exist) into a new private temporary
 * directory on the real file system, for libraries that can only open paths (libkmod).
 * Returns the number of files copied; *ret_tmpdir is set even when it is 0.
 * pt_root_export_remove() deletes the copies and the directory.
 */
int pt_root_export(struct pt_root *r, const char *dir, const char *const *names, size_t max,
		   char **ret_tmpdir);
void pt_root_export_remove(char *tmpdir, const char *const *names);

/*
 * Appends every access ("read", "list", "link", "stat") with its path and result to the
 * file at path, one tab-separated line each (tests/snapshot checks capture coverage).
 */
int pt_root_trace_to(struct pt_root *r, const char *path);

/* Tests only: use the userspace walk even where openat2 works, to check both agree. */
void pt_root_force_fallback(struct pt_root *r);

/*
 * Copies one file of the root into an anonymous memory file (memfd) and returns its fd, for
 * libraries that open a path: hand them "/proc/self/fd/<fd>". Caller closes.
 */
int pt_root_export_memfd(struct pt_root *r, const char *path, size_t max, int *ret_fd);

/*
 * Writes a file of the real file system (the tool's own output, such as a snapshot, never
 * the host under --root): a temporary file in the same directory, fsync, rename. On failure
 * the target is untouched and no temporary file remains.
 */
int pt_file_write_atomic(const char *path, const void *buf, size_t len, unsigned mode);

/*
 * ---- The write side: directory and live roots only ----
 *
 * Archive roots are read-only: every function below returns -EROFS for them (with a message
 * where one is asked for). Paths are absolute within the root; the parent directory is
 * resolved inside the root (openat2 RESOLVE_IN_ROOT, or the same userspace walk), the last
 * component must be a plain name and is never followed: a symlink there is refused (-ELOOP)
 * rather than replaced by a file.
 *
 * Writes require the tool lock (pt_root_lock), else -ENOLCK. Each write compares the file's
 * current bytes with what the caller's plan saw (expect; NULL = "must be absent") and fails
 * with -ESTALE if they differ: exact bytes, which is what a digest stands for.
 */

/* The tool lock, inside the root: flock(LOCK_EX) on PT_ROOT_LOCK_PATH (created if needed).
 * -EWOULDBLOCK when another passthru holds it. */
#define PT_ROOT_LOCK_PATH "/var/lib/passthru/lock"
int pt_root_lock(struct pt_root *r, char **ret_error);
void pt_root_unlock(struct pt_root *r);
/*
 * With the tool lock held, also takes another program's lock file (flock, exclusive, not
 * waiting), creating it and its directory as that program would; released by
 * pt_root_unlock. qemu-server locks a VM's config with /var/lock/qemu-server/lock-<vmid>.conf.
 * -EWOULDBLOCK when another process holds it (*ret_error says so).
 */
int pt_root_lock_also(struct pt_root *r, const char *path, char **ret_error);
bool pt_root_writable(const struct pt_root *r);

/*
 * Replaces (or creates) path atomically: a temporary file ".<name>.pt-XXXXXXXX" (never ending
 * in ".conf") in the same directory, write, fchmod/fchown to the original's mode and owner
 * (mode for a new file), fsync, renameat over path, fsync the directory. The parent must exist.
 * On failure before the rename the original is untouched and the temporary file is removed;
 * a failure of the final directory fsync (-EIO class) means the new bytes are in place but not
 * known durable: the caller rolls back (edit/ does). *ret_error, if given, explains.
 */
int pt_root_write(struct pt_root *r, const char *path, const char *expect, size_t expect_len,
		  const char *data, size_t len, unsigned mode, char **ret_error);
/* Removes the regular file path after the same expect check (expect NULL: whatever it
 * holds, for the tool's own files); fsyncs the directory. */
int pt_root_remove(struct pt_root *r, const char *path, const char *expect, size_t expect_len,
		   char **ret_error);
/* mkdir -p inside the root (existing directories are fine). Returns 1 if it created any. */
int pt_root_mkdirs(struct pt_root *r, const char *path, unsigned mode);
/* Removes an empty directory. */
int pt_root_rmdir(struct pt_root *r, const char *path);

/*
 * Writes data to an existing sysfs attribute of the running kernel (driver_override, a
 * driver's unbind, drivers_probe): open O_WRONLY in the root, one write(2). No temporary file
 * and no rename: an attribute is not a regular file, the kernel acts on the write itself.
 * Live root only: -EOPNOTSUPP for a directory root, -EROFS for an archive (binding acts on
 * the running kernel, never on a copy). -EINVAL for a path outside /sys or a file not on
 * sysfs; -ENOLCK without the tool lock; otherwise what the kernel answered (-ENODEV, -EBUSY,
 * -EINVAL, ...). *ret_error, if given, explains.
 */
int pt_root_sysfs_write(struct pt_root *r, const char *path, const char *data, size_t len,
			char **ret_error);

/*
 * Tests only: fail the nth time (from 1) a write step is reached, with -EIO. Steps:
 * "open-temp", "write", "chmod", "fsync", "rename", "dir-fsync", "unlink", "mkdir",
 * "sysfs-write".
 * spec is "<step>" or "<step>:<n>"; NULL clears. Without a call, the environment variable
 * PASSTHRU_FAULT is read once. pt_root_fault_fired() tells whether it went off.
 */
int pt_root_fault_set(const char *spec);
bool pt_root_fault_fired(void);

/*
 * Asks the kernel whether IOMMU group `group` is viable for VFIO (VFIO_GROUP_GET_STATUS on
 * /dev/vfio/<group>): 1 viable, 0 not viable, -ENOENT no such device node, -EBUSY held by
 * another user (a running VM), -EOPNOTSUPP on any root but the live host (no ioctl on a
 * snapshot: DESIGN, live-only facts).
 */
int pt_root_vfio_group_viable(struct pt_root *r, int group);

/* The time, in seconds since the epoch: SOURCE_DATE_EPOCH when set (tests), else the clock. */
long long pt_root_now(const struct pt_root *r);
