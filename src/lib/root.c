/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The only file in passthru that touches the file system directly (scripts/lint-layers).
 * Directory roots are read with openat2(RESOLVE_IN_ROOT) relative to one directory fd; where
 * the kernel lacks openat2 (before 5.6) or a sandbox filters it, a userspace walk with the same
 * semantics (util/inroot.c) takes over. Archive roots live in memory (parse/memtree.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/magic.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "root.h"
#include "parse/memtree.h"
#include "util/inroot.h"
#include "util/macro.h"
#include "util/strbuf.h"

/* A snapshot archive is compressed sysfs text plus module indexes: a few MiB. */
#define ARCHIVE_MAX (256u << 20)

struct pt_root {
	enum pt_root_mode mode;
	char *spec;
	int dirfd;		 /* LIVE and DIR */
	bool no_openat2;	 /* the kernel or a sandbox refused openat2 */
	struct pt_memtree *tree; /* ARCHIVE */
	FILE *trace;
	int lock_fd; /* the tool lock while held, else -1 */
	/* Other programs' lock files held with the tool lock (pt_root_lock_also). */
	int other_locks[4];
	size_t nother_locks;
	/* Fallback walk state: the resolved path relative to dirfd. */
	struct pt_strbuf walk;
	size_t walk_stack[PT_INROOT_MAX_DEPTH + PT_INROOT_MAX_LINKS + 2];
	size_t walk_depth;
};

static void trace(struct pt_root *r, const char *op, const char *path, int result)
{
	if (r->trace)
		fprintf(r->trace, "%s\t%s\t%s\n", op, path, result < 0 ? strerror(-result) : "ok");
}

/* ---- directory backend: userspace in-root walk (fallback) ---- */

static int walk_push(void *ctx, const char *name, size_t len, enum pt_inroot_type *ret_type)
{
	struct pt_root *r = ctx;
	struct stat st;
	int e;

	if (r->walk_depth + 1 >= ELEMENTSOF(r->walk_stack))
		return -ENAMETOOLONG;
	r->walk_stack[++r->walk_depth] = r->walk.len;
	if ((e = pt_strbuf_putc(&r->walk, '/')) < 0 ||
	    (e = pt_strbuf_append(&r->walk, name, len)) < 0)
		return e;
	if (fstatat(r->dirfd, pt_strbuf_str(&r->walk), &st, AT_SYMLINK_NOFOLLOW) < 0) {
		e = -errno;
		r->walk.len = r->walk_stack[r->walk_depth--];
		r->walk.buf[r->walk.len] = '\0';
		return e;
	}
	*ret_type = S_ISREG(st.st_mode)	  ? PT_INROOT_REG
		    : S_ISDIR(st.st_mode) ? PT_INROOT_DIR
		    : S_ISLNK(st.st_mode) ? PT_INROOT_LNK
					  : PT_INROOT_OTHER;
	return 0;
}

static int readlink_at(int dirfd, const char *path, char **ret)
{
	char buf[4096];
	ssize_t n = readlinkat(dirfd, path, buf, sizeof(buf));

	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	*ret = strndup(buf, (size_t)n);
	return *ret ? 0 : -ENOMEM;
}

static int walk_readlink(void *ctx, char **ret)
{
	struct pt_root *r = ctx;

	return readlink_at(r->dirfd, pt_strbuf_str(&r->walk), ret);
}

static void walk_pop(void *ctx)
{
	struct pt_root *r = ctx;

	if (r->walk_depth) {
		r->walk.len = r->walk_stack[r->walk_depth--];
		r->walk.buf[r->walk.len] = '\0';
	}
}

static void walk_reset(void *ctx)
{
	struct pt_root *r = ctx;

	pt_strbuf_reset(&r->walk);
	pt_strbuf_putc(&r->walk, '.');
	r->walk_depth = 0;
	r->walk_stack[0] = r->walk.len;
}

static const struct pt_inroot_ops walk_ops = {
	.push = walk_push,
	.readlink = walk_readlink,
	.pop = walk_pop,
	.reset = walk_reset,
};

/* ---- directory backend ---- */

static int openat2_in_root(struct pt_root *r, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = path;
	long fd;

	while (*rel == '/')
		rel++;
	fd = syscall(SYS_openat2, r->dirfd, *rel ? rel : ".", &how, sizeof(how));
	if (fd >= 0)
		return (int)fd;
	/* ENOSYS: kernel before 5.6; EPERM from seccomp filters that do not know openat2. */
	if (errno == ENOSYS || errno == EPERM || errno == E2BIG) {
		r->no_openat2 = true;
		return -EAGAIN;
	}
	return -errno;
}

static int walk_open(struct pt_root *r, const char *path, int flags)
{
	enum pt_inroot_type type;
	bool follow = !(flags & O_NOFOLLOW);
	int e = pt_inroot_walk(&walk_ops, r, path, follow, &type), fd;

	if (e < 0)
		return e;
	fd = openat(r->dirfd, pt_strbuf_str(&r->walk), flags | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Opens path inside the root; O_NOFOLLOW applies to the last component only. */
static int dir_open(struct pt_root *r, const char *path, int flags)
{
	if (!r->no_openat2) {
		int fd = openat2_in_root(r, path, flags);

		if (fd != -EAGAIN)
			return fd;
	}
	return walk_open(r, path, flags);
}

/*
 * Reads fd to the end, failing with -EFBIG past max bytes. Only used on regular files, where
 * a short read means the end (sysfs hands an attribute over in one read, seq_file fills the
 * buffer until EOF): that saves the extra read() per attribute that would return 0.
 */
static int read_fd(int fd, size_t max, char **ret, size_t *ret_len)
{
	struct pt_strbuf sb = {0};
	char chunk[8192];
	ssize_t n;

	for (;;) {
		size_t want = sizeof(chunk);

		/* Read one byte past max to tell "exactly max" from "larger". */
		if (max + 1 - sb.len < want)
			want = max + 1 - sb.len;
		n = read(fd, chunk, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			break;
		}
		if (sb.len + (size_t)n > max) {
			n = -EFBIG;
			break;
		}
		if (pt_strbuf_append(&sb, chunk, (size_t)n) < 0) {
			n = -ENOMEM;
			break;
		}
		if ((size_t)n < want)
			break;
	}
	if (n < 0) {
		pt_strbuf_done(&sb);
		return (int)n;
	}
	*ret_len = sb.len;
	*ret = pt_strbuf_steal(&sb);
	return *ret ? 0 : -ENOMEM;
}

static int dir_read(struct pt_root *r, const char *path, size_t max, char **ret, size_t *ret_len)
{
	struct stat st;
	int fd, e;

	/* O_NONBLOCK: a fifo planted in a directory root must not hang the reader. */
	fd = dir_open(r, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		e = -errno;
	else if (S_ISDIR(st.st_mode))
		e = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		e = -EINVAL;
	else
		e = read_fd(fd, max, ret, ret_len);
	close(fd);
	return e;
}

static int dir_readlink(struct pt_root *r, const char *path, char **ret)
{
	int fd = dir_open(r, path, O_PATH | O_NOFOLLOW), e;

	if (fd < 0)
		return fd;
	e = readlink_at(fd, "", ret);
	close(fd);
	return e == -ENOENT ? -EINVAL : e;
}

static int dir_list(struct pt_root *r, const char *path, struct pt_strv *ret)
{
	struct pt_strv sv = {0};
	struct dirent *de;
	int fd = dir_open(r, path, O_RDONLY | O_DIRECTORY), e = 0;
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		e = -errno;
		close(fd);
		return e;
	}
	while (e >= 0 && (errno = 0, de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			e = pt_strv_push(&sv, de->d_name);
	if (e >= 0 && errno)
		e = -errno;
	closedir(d);
	if (e < 0) {
		pt_strv_done(&sv);
		return e;
	}
	pt_strv_sort(&sv);
	*ret = sv;
	return 0;
}

static int dir_stat(struct pt_root *r, const char *path, bool follow, enum pt_ftype *ret)
{
	struct stat st;
	int fd = dir_open(r, path, O_PATH | (follow ? 0 : O_NOFOLLOW)), e = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		e = -errno;
	close(fd);
	if (e < 0)
		return e;
	*ret = S_ISREG(st.st_mode)   ? PT_FTYPE_REG
	       : S_ISDIR(st.st_mode) ? PT_FTYPE_DIR
	       : S_ISLNK(st.st_mode) ? PT_FTYPE_LNK
				     : PT_FTYPE_OTHER;
	return 0;
}

/* ---- archive backend ---- */

static enum pt_ftype ftype_of(enum pt_inroot_type t)
{
	switch (t) {
	case PT_INROOT_REG:
		return PT_FTYPE_REG;
	case PT_INROOT_DIR:
		return PT_FTYPE_DIR;
	case PT_INROOT_LNK:
		return PT_FTYPE_LNK;
	default:
		return PT_FTYPE_OTHER;
	}
}

static int tree_read(struct pt_root *r, const char *path, size_t max, char **ret, size_t *ret_len)
{
	const struct pt_memnode *n;
	const char *data;
	size_t len;
	int e = pt_memtree_lookup(r->tree, path, true, &n);

	if (e < 0)
		return e;
	if (pt_memnode_type(n) == PT_INROOT_DIR)
		return -EISDIR;
	data = pt_memnode_data(n, &len);
	if (len > max)
		return -EFBIG;
	*ret = malloc(len + 1);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, data, len);
	(*ret)[len] = '\0';
	*ret_len = len;
	return 0;
}

static int tree_readlink(struct pt_root *r, const char *path, char **ret)
{
	const struct pt_memnode *n;
	int e = pt_memtree_lookup(r->tree, path, false, &n);

	if (e < 0)
		return e;
	if (!pt_memnode_target(n))
		return -EINVAL;
	*ret = strdup(pt_memnode_target(n));
	return *ret ? 0 : -ENOMEM;
}

static int tree_list(struct pt_root *r, const char *path, struct pt_strv *ret)
{
	const struct pt_memnode *n;
	int e = pt_memtree_lookup(r->tree, path, true, &n);

	return e < 0 ? e : pt_memnode_list(n, ret);
}

static int tree_stat(struct pt_root *r, const char *path, bool follow, enum pt_ftype *ret)
{
	const struct pt_memnode *n;
	int e = pt_memtree_lookup(r->tree, path, follow, &n);

	if (e < 0)
		return e;
	*ret = ftype_of(pt_memnode_type(n));
	return 0;
}

/* ---- public API ---- */

static int open_archive(struct pt_root *r, int fd, char **ret_error)
{
	char *buf = NULL;
	size_t len = 0;
	int e = read_fd(fd, ARCHIVE_MAX, &buf, &len);

	if (e == -EFBIG) {
		if (ret_error)
			*ret_error = strdup("snapshot archive is larger than 256 MiB");
		return e;
	}
	if (e < 0)
		return e;
	e = pt_memtree_load(buf, len, &r->tree, ret_error);
	free(buf);
	return e;
}

static int set_error(char **ret_error, const char *spec, int e)
{
	struct pt_strbuf sb = {0};

	if (ret_error && !*ret_error && pt_strbuf_printf(&sb, "%s: %s", spec, strerror(-e)) >= 0)
		*ret_error = pt_strbuf_steal(&sb);
	else
		pt_strbuf_done(&sb);
	return e;
}

int pt_root_open(const char *spec, struct pt_root **ret, char **ret_error)
{
	struct pt_root *r = calloc(1, sizeof(*r));
	struct stat st;
	int fd, e = 0;

	if (ret_error)
		*ret_error = NULL;
	if (!r || !(r->spec = strdup(spec))) {
		free(r);
		return -ENOMEM;
	}
	r->dirfd = -1;
	r->lock_fd = -1;
	fd = open(spec, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		e = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		r->mode = streq(spec, "/") ? PT_ROOT_LIVE : PT_ROOT_DIR;
		r->dirfd = fd;
		fd = -1;
	} else if (S_ISREG(st.st_mode)) {
		r->mode = PT_ROOT_ARCHIVE;
		e = open_archive(r, fd, ret_error);
	} else {
		e = -EINVAL;
		if (ret_error)
			*ret_error = strdup("a root is a directory or a snapshot archive file");
	}
	if (fd >= 0)
		close(fd);
	if (e < 0) {
		set_error(ret_error, spec, e);
		pt_root_free(r);
		return e;
	}
	*ret = r;
	return 0;
}

struct pt_root *pt_root_free(struct pt_root *r)
{
	if (!r)
		return NULL;
	pt_root_unlock(r);
	if (r->dirfd >= 0)
		close(r->dirfd);
	pt_memtree_free(r->tree);
	if (r->trace)
		fclose(r->trace);
	pt_strbuf_done(&r->walk);
	free(r->spec);
	free(r);
	return NULL;
}

enum pt_root_mode pt_root_mode(const struct pt_root *r)
{
	return r->mode;
}

const char *pt_root_spec(const struct pt_root *r)
{
	return r->spec;
}

int pt_root_trace_to(struct pt_root *r, const char *path)
{
	FILE *f = fopen(path, "ae");

	if (!f)
		return -errno;
	if (r->trace)
		fclose(r->trace);
	setvbuf(f, NULL, _IOLBF, 0);
	r->trace = f;
	return 0;
}

int pt_root_read_file(struct pt_root *r, const char *path, size_t max, char **ret, size_t *ret_len)
{
	int e = r->tree ? tree_read(r, path, max, ret, ret_len)
			: dir_read(r, path, max, ret, ret_len);

	trace(r, "read", path, e);
	return e;
}

int pt_root_read_attr(struct pt_root *r, const char *path, char **ret)
{
	size_t len;
	int e = pt_root_read_file(r, path, PT_ATTR_MAX, ret, &len);

	if (e < 0)
		return e;
	if (len && (*ret)[len - 1] == '\n')
		(*ret)[len - 1] = '\0';
	return 0;
}

int pt_root_readlink(struct pt_root *r, const char *path, char **ret)
{
	int e = r->tree ? tree_readlink(r, path, ret) : dir_readlink(r, path, ret);

	trace(r, "link", path, e);
	return e;
}

int pt_root_list(struct pt_root *r, const char *path, struct pt_strv *ret)
{
	int e = r->tree ? tree_list(r, path, ret) : dir_list(r, path, ret);

	trace(r, "list", path, e);
	return e;
}

int pt_root_stat(struct pt_root *r, const char *path, bool follow, enum pt_ftype *ret)
{
	int e = r->tree ? tree_stat(r, path, follow, ret) : dir_stat(r, path, follow, ret);

	trace(r, "stat", path, e);
	return e;
}

bool pt_root_exists(struct pt_root *r, const char *path)
{
	enum pt_ftype t;

	return pt_root_stat(r, path, true, &t) == 0;
}

/* ---- export for path-only libraries ---- */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int export_one(struct pt_root *r, const char *dir, const char *name, size_t max,
		      const char *tmpdir)
{
	struct pt_strbuf src = {0}, dst = {0};
	char *data = NULL;
	size_t len;
	int fd = -1, e;

	e = pt_strbuf_printf(&src, "%s/%s", dir, name);
	if (e >= 0)
		e = pt_strbuf_printf(&dst, "%s/%s", tmpdir, name);
	if (e >= 0)
		e = pt_root_read_file(r, pt_strbuf_str(&src), max, &data, &len);
	if (e >= 0) {
		fd = open(pt_strbuf_str(&dst), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		e = fd < 0 ? -errno : write_all(fd, data, len);
	}
	if (fd >= 0 && close(fd) < 0 && e >= 0)
		e = -errno;
	free(data);
	pt_strbuf_done(&src);
	pt_strbuf_done(&dst);
	return e;
}

int pt_root_export(struct pt_root *r, const char *dir, const char *const *names, size_t max,
		   char **ret_tmpdir)
{
	const char *base = getenv("TMPDIR");
	struct pt_strbuf sb = {0};
	int n = 0, e;

	if (!base || base[0] != '/')
		base = "/tmp";
	e = pt_strbuf_printf(&sb, "%s/passthru-XXXXXX", base);
	if (e < 0)
		return e;
	if (!mkdtemp(sb.buf)) {
		e = -errno;
		pt_strbuf_done(&sb);
		return e;
	}
	for (size_t i = 0; names[i]; i++) {
		e = export_one(r, dir, names[i], max, sb.buf);
		if (e >= 0)
			n++;
		else if (e != -ENOENT && e != -EFBIG && e != -EACCES && e != -EISDIR)
			break;
		e = 0;
	}
	*ret_tmpdir = pt_strbuf_steal(&sb);
	if (e < 0) {
		pt_root_export_remove(*ret_tmpdir, names);
		*ret_tmpdir = NULL;
		return e;
	}
	return n;
}

void pt_root_export_remove(char *tmpdir, const char *const *names)
{
	struct pt_strbuf sb = {0};

	if (!tmpdir)
		return;
	for (size_t i = 0; names[i]; i++) {
		pt_strbuf_reset(&sb);
		if (pt_strbuf_printf(&sb, "%s/%s", tmpdir, names[i]) >= 0)
			unlink(sb.buf);
	}
	rmdir(tmpdir);
	pt_strbuf_done(&sb);
	free(tmpdir);
}

void pt_root_force_fallback(struct pt_root *r)
{
	r->no_openat2 = true;
}

int pt_root_export_memfd(struct pt_root *r, const char *path, size_t max, int *ret_fd)
{
	char *data = NULL;
	size_t len;
	int fd, e = pt_root_read_file(r, path, max, &data, &len);

	if (e < 0)
		return e;
	fd = memfd_create("passthru-export", MFD_CLOEXEC);
	if (fd < 0)
		e = -errno;
	else if ((e = write_all(fd, data, len)) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		e = e < 0 ? e : -errno;
		close(fd);
	}
	free(data);
	if (e < 0)
		return e;
	*ret_fd = fd;
	return 0;
}

int pt_file_write_atomic(const char *path, const void *buf, size_t len, unsigned mode)
{
	struct pt_strbuf tmp = {0};
	int fd, e;

	e = pt_strbuf_printf(&tmp, "%s.tmp-XXXXXX", path);
	if (e < 0)
		return e;
	fd = mkostemp(tmp.buf, O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		pt_strbuf_done(&tmp);
		return e;
	}
	e = write_all(fd, buf, len);
	if (e >= 0 && fchmod(fd, mode) < 0)
		e = -errno;
	if (e >= 0 && fsync(fd) < 0)
		e = -errno;
	if (close(fd) < 0 && e >= 0)
		e = -errno;
	if (e >= 0 && rename(tmp.buf, path) < 0)
		e = -errno;
	if (e < 0)
		unlink(tmp.buf);
	pt_strbuf_done(&tmp);
	return e;
}

/* ---- write side ---- */

/* Largest file the write side re-reads to compare with the plan's view. */
#define WRITE_CHECK_MAX (16u << 20)

static const char *const fault_steps[] = {
	"open-temp", "write",  "chmod", "fsync",       "rename",
	"dir-fsync", "unlink", "mkdir", "sysfs-write",
};

static struct {
	bool loaded;
	int step; /* index into fault_steps, -1 none */
	unsigned nth;
	unsigned seen;
	bool fired;
} fault_state = {.step = -1};

int pt_root_fault_set(const char *spec)
{
	const char *colon;
	size_t n;

	fault_state.loaded = true;
	fault_state.step = -1;
	fault_state.nth = 1;
	fault_state.seen = 0;
	fault_state.fired = false;
	if (!spec || !*spec)
		return 0;
	colon = strchr(spec, ':');
	n = colon ? (size_t)(colon - spec) : strlen(spec);
	for (size_t i = 0; i < ELEMENTSOF(fault_steps); i++)
		if (strlen(fault_steps[i]) == n && strncmp(spec, fault_steps[i], n) == 0)
			fault_state.step = (int)i;
	if (fault_state.step < 0)
		return -EINVAL;
	if (colon) {
		char *end;
		unsigned long v = strtoul(colon + 1, &end, 10);

		if (*end || v == 0 || v > 1000000) {
			fault_state.step = -1;
			return -EINVAL;
		}
		fault_state.nth = (unsigned)v;
	}
	return 0;
}

bool pt_root_fault_fired(void)
{
	return fault_state.fired;
}

/* Returns -EIO when the configured fault is due at this step, else 0. */
static int fault(const char *step)
{
	if (!fault_state.loaded)
		pt_root_fault_set(getenv("PASSTHRU_FAULT"));
	if (fault_state.step < 0 || !streq(fault_steps[fault_state.step], step))
		return 0;
	if (++fault_state.seen != fault_state.nth)
		return 0;
	fault_state.fired = true;
	return -EIO;
}

static int set_msg(char **ret_error, int e, const char *fmt, ...) _printf_(3, 4);
static int set_msg(char **ret_error, int e, const char *fmt, ...)
{
	struct pt_strbuf sb = {0};
	va_list ap;

	if (!ret_error || *ret_error)
		return e;
	va_start(ap, fmt);
	if (pt_strbuf_vprintf(&sb, fmt, ap) >= 0)
		*ret_error = pt_strbuf_steal(&sb);
	else
		pt_strbuf_done(&sb);
	va_end(ap);
	return e;
}

bool pt_root_writable(const struct pt_root *r)
{
	return r->mode != PT_ROOT_ARCHIVE && r->dirfd >= 0;
}

static int refuse_archive(const struct pt_root *r, char **ret_error)
{
	if (pt_root_writable(r))
		return 0;
	return set_msg(ret_error, -EROFS,
		       "%s is a snapshot archive, which is read-only: extract it to a directory "
		       "to write there",
		       r->spec);
}

/* Splits an absolute in-root path into a parent directory fd (O_RDONLY, for fsync) and the
 * last component, which must be a plain name. */
static int open_parent(struct pt_root *r, const char *path, int *ret_dfd, const char **ret_name)
{
	const char *slash = strrchr(path, '/');
	struct pt_strbuf dir = {0};
	const char *name;
	int fd, e;

	if (path[0] != '/' || !slash)
		return -EINVAL;
	name = slash + 1;
	if (!*name || streq(name, ".") || streq(name, ".."))
		return -EINVAL;
	e = pt_strbuf_append(&dir, path, (size_t)(slash - path));
	if (e < 0)
		return e;
	fd = dir_open(r, dir.len ? dir.buf : "/", O_RDONLY | O_DIRECTORY);
	pt_strbuf_done(&dir);
	if (fd < 0)
		return fd;
	*ret_dfd = fd;
	*ret_name = name;
	return 0;
}

int pt_root_lock(struct pt_root *r, char **ret_error)
{
	const char *name;
	int dfd, fd, e;

	if ((e = refuse_archive(r, ret_error)) < 0)
		return e;
	if (r->lock_fd >= 0)
		return 0;
	e = pt_root_mkdirs(r, "/var/lib/passthru", 0755);
	if (e < 0)
		return set_msg(ret_error, e, "cannot create %s/var/lib/passthru: %s",
			       streq(r->spec, "/") ? "" : r->spec, strerror(-e));
	e = open_parent(r, PT_ROOT_LOCK_PATH, &dfd, &name);
	if (e < 0)
		return set_msg(ret_error, e, "cannot open %s: %s", PT_ROOT_LOCK_PATH, strerror(-e));
	fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	e = fd < 0 ? -errno : 0;
	close(dfd);
	if (e < 0)
		return set_msg(ret_error, e, "cannot open %s: %s", PT_ROOT_LOCK_PATH, strerror(-e));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		e = -errno;
		close(fd);
		if (e == -EWOULDBLOCK)
			return set_msg(ret_error, e,
				       "another passthru holds %s: wait for it to finish",
				       PT_ROOT_LOCK_PATH);
		return set_msg(ret_error, e, "cannot lock %s: %s", PT_ROOT_LOCK_PATH, strerror(-e));
	}
	r->lock_fd = fd;
	return 0;
}

void pt_root_unlock(struct pt_root *r)
{
	if (!r)
		return;
	while (r->nother_locks > 0)
		close(r->other_locks[--r->nother_locks]);
	if (r->lock_fd >= 0) {
		close(r->lock_fd); /* releases the flock */
		r->lock_fd = -1;
	}
}

int pt_root_lock_also(struct pt_root *r, const char *path, char **ret_error)
{
	const char *name;
	int dfd, fd, e;

	if (r->lock_fd < 0)
		return set_msg(ret_error, -ENOLCK, "%s: taken without the passthru lock", path);
	if (r->nother_locks == ELEMENTSOF(r->other_locks))
		return set_msg(ret_error, -EMFILE, "%s: too many locks", path);
	e = open_parent(r, path, &dfd, &name);
	if (e == -ENOENT) {
		char *dir = strndup(path, (size_t)(strrchr(path, '/') - path));

		e = dir ? pt_root_mkdirs(r, dir, 0755) : -ENOMEM;
		free(dir);
		if (e >= 0)
			e = open_parent(r, path, &dfd, &name);
	}
	if (e < 0)
		return set_msg(ret_error, e, "cannot open the directory of %s: %s", path,
			       strerror(-e));
	fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	e = fd < 0 ? -errno : 0;
	close(dfd);
	if (e < 0)
		return set_msg(ret_error, e, "cannot open %s: %s", path, strerror(-e));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		e = -errno;
		close(fd);
		return set_msg(ret_error, e,
			       e == -EWOULDBLOCK ? "%s is held by another program (qm, the API, "
						   "a backup): try again when it is done"
						 : "cannot lock %s",
			       path);
	}
	r->other_locks[r->nother_locks++] = fd;
	return 0;
}

/*
 * pmxcfs (/etc/pve, a FUSE file system) fixes every file's mode and owner itself and refuses
 * other ones (pve-cluster src/pmxcfs/pmxcfs.c cfs_fuse_chmod, cfs_fuse_chown): a write there
 * leaves both to it.
 */
static bool dir_is_fuse(int dfd)
{
	struct statfs sfs;

	return fstatfs(dfd, &sfs) == 0 && sfs.f_type == FUSE_SUPER_MAGIC;
}

/*
 * Compares the current state of name in dfd with expect (NULL: must be absent). On success
 * *ret_st holds the file's stat (st_mode 0 when absent).
 */
static int check_expect(int dfd, const char *path, const char *name, const char *expect,
			size_t expect_len, struct stat *ret_st, char **ret_error)
{
	char *cur = NULL;
	size_t cur_len = 0;
	bool same;
	int fd, e;

	memset(ret_st, 0, sizeof(*ret_st));
	if (fstatat(dfd, name, ret_st, AT_SYMLINK_NOFOLLOW) < 0) {
		e = -errno;
		memset(ret_st, 0, sizeof(*ret_st));
		if (e != -ENOENT)
			return set_msg(ret_error, e, "%s: %s", path, strerror(-e));
		if (expect)
			return set_msg(ret_error, -ESTALE,
				       "%s was removed since the plan was made: plan again", path);
		return 0;
	}
	if (S_ISLNK(ret_st->st_mode))
		return set_msg(ret_error, -ELOOP,
			       "%s is a symbolic link: passthru does not replace links; edit its "
			       "target by hand or remove the link",
			       path);
	if (!S_ISREG(ret_st->st_mode))
		return set_msg(ret_error, -EINVAL, "%s is not a regular file", path);
	if (!expect)
		return set_msg(ret_error, -ESTALE,
			       "%s was created since the plan was made: plan again", path);
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return set_msg(ret_error, -errno, "%s: %s", path, strerror(errno));
	e = read_fd(fd, WRITE_CHECK_MAX, &cur, &cur_len);
	close(fd);
	if (e < 0)
		return set_msg(ret_error, e, "%s: %s", path, strerror(-e));
	same = cur_len == expect_len && memcmp(cur, expect, cur_len) == 0;
	free(cur);
	if (!same)
		return set_msg(ret_error, -ESTALE, "%s changed since the plan was made: plan again",
			       path);
	return 0;
}

static int open_temp(int dfd, const char *name, struct pt_strbuf *ret_name)
{
	for (int tries = 0; tries < 100; tries++) {
		uint32_t rnd;
		int fd;

		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
			rnd = (uint32_t)getpid() * 2654435761u + (uint32_t)tries;
		pt_strbuf_reset(ret_name);
		if (pt_strbuf_printf(ret_name, ".%s.pt-%08x", name, rnd) < 0)
			return -ENOMEM;
		if (fault("open-temp") < 0)
			return -EIO;
		fd = openat(dfd, ret_name->buf,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int pt_root_write(struct pt_root *r, const char *path, const char *expect, size_t expect_len,
		  const char *data, size_t len, unsigned mode, char **ret_error)
{
	struct pt_strbuf tmp = {0};
	const char *name, *step = NULL;
	struct stat st;
	int dfd = -1, fd = -1, e;

	if ((e = refuse_archive(r, ret_error)) < 0)
		return e;
	if (r->lock_fd < 0)
		return set_msg(ret_error, -ENOLCK, "%s: write without the passthru lock", path);
	e = open_parent(r, path, &dfd, &name);
	if (e < 0)
		return set_msg(ret_error, e, "%s: cannot open its directory: %s", path,
			       strerror(-e));
	e = check_expect(dfd, path, name, expect, expect_len, &st, ret_error);
	if (e < 0)
		goto out;

	fd = open_temp(dfd, name, &tmp);
	if (fd < 0) {
		e = fd;
		step = "create a temporary file";
		goto out;
	}
	if ((e = fault("write")) < 0 || (e = write_all(fd, data, len)) < 0) {
		step = "write";
		goto fail;
	}
	if ((e = fault("chmod")) < 0 ||
	    (!dir_is_fuse(dfd) && fchmod(fd, st.st_mode ? st.st_mode & 07777 : mode) < 0)) {
		e = e < 0 ? e : -errno;
		step = "set the mode of";
		goto fail;
	}
	if (st.st_mode && (st.st_uid != geteuid() || st.st_gid != getegid()) && !dir_is_fuse(dfd) &&
	    fchown(fd, st.st_uid, st.st_gid) < 0) {
		e = -errno;
		step = "set the owner of";
		goto fail;
	}
	if ((e = fault("fsync")) < 0 || fsync(fd) < 0) {
		e = e < 0 ? e : -errno;
		step = "sync";
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		e = -errno;
		step = "close";
		goto fail;
	}
	fd = -1;
	if ((e = fault("rename")) < 0 || renameat(dfd, tmp.buf, dfd, name) < 0) {
		e = e < 0 ? e : -errno;
		step = "rename the temporary file over";
		goto fail;
	}
	if ((e = fault("dir-fsync")) < 0 || fsync(dfd) < 0) {
		e = e < 0 ? e : -errno;
		set_msg(ret_error, e, "%s: written, but syncing its directory failed: %s", path,
			strerror(-e));
	}
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlinkat(dfd, tmp.buf, 0);
out:
	if (e < 0 && step)
		set_msg(ret_error, e, "%s: could not %s it: %s (the file is unchanged)", path, step,
			strerror(-e));
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	pt_strbuf_done(&tmp);
	trace(r, "write", path, e);
	return e;
}

int pt_root_remove(struct pt_root *r, const char *path, const char *expect, size_t expect_len,
		   char **ret_error)
{
	const char *name;
	struct stat st;
	int dfd, e;

	if ((e = refuse_archive(r, ret_error)) < 0)
		return e;
	if (r->lock_fd < 0)
		return set_msg(ret_error, -ENOLCK, "%s: remove without the passthru lock", path);
	e = open_parent(r, path, &dfd, &name);
	if (e < 0)
		return set_msg(ret_error, e, "%s: cannot open its directory: %s", path,
			       strerror(-e));
	if (expect) {
		e = check_expect(dfd, path, name, expect, expect_len, &st, ret_error);
	} else if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		e = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		e = set_msg(ret_error, -EINVAL, "%s is not a regular file", path);
	}
	if (e >= 0 && ((e = fault("unlink")) < 0 || unlinkat(dfd, name, 0) < 0)) {
		e = e < 0 ? e : -errno;
		set_msg(ret_error, e, "%s: could not remove it: %s", path, strerror(-e));
	} else if (e >= 0 && ((e = fault("dir-fsync")) < 0 || fsync(dfd) < 0)) {
		e = e < 0 ? e : -errno;
		set_msg(ret_error, e, "%s: removed, but syncing its directory failed: %s", path,
			strerror(-e));
	}
	close(dfd);
	trace(r, "remove", path, e);
	return e;
}

int pt_root_mkdirs(struct pt_root *r, const char *path, unsigned mode)
{
	struct pt_strbuf sb = {0};
	int created = 0, e = 0;

	if (!pt_root_writable(r))
		return -EROFS;
	if (path[0] != '/')
		return -EINVAL;
	for (const char *p = path + 1; e >= 0; p++) {
		if (*p != '/' && *p)
			continue;
		pt_strbuf_reset(&sb);
		if ((e = pt_strbuf_append(&sb, path, (size_t)(p - path))) < 0)
			break;
		if (sb.len > 1 && sb.buf[sb.len - 1] != '/') {
			int fd = dir_open(r, sb.buf, O_PATH | O_DIRECTORY), dfd;
			const char *name;

			if (fd >= 0) {
				close(fd);
			} else if (fd != -ENOENT) {
				e = fd;
			} else if ((e = open_parent(r, sb.buf, &dfd, &name)) >= 0) {
				e = fault("mkdir");
				if (e >= 0 && mkdirat(dfd, name, mode) == 0) {
					created = 1;
					fsync(dfd);
				} else if (e >= 0 && errno != EEXIST) {
					e = -errno;
				}
				close(dfd);
			}
		}
		if (!*p)
			break;
	}
	pt_strbuf_done(&sb);
	trace(r, "mkdir", path, e);
	return e < 0 ? e : created;
}

int pt_root_rmdir(struct pt_root *r, const char *path)
{
	const char *name;
	int dfd, e;

	if (!pt_root_writable(r))
		return -EROFS;
	if ((e = open_parent(r, path, &dfd, &name)) < 0)
		return e;
	e = unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
	if (e >= 0)
		fsync(dfd);
	close(dfd);
	trace(r, "rmdir", path, e);
	return e;
}

/* Opens a sysfs attribute of the running kernel for writing; refuses anything not on sysfs. */
static int open_sysfs_attr(struct pt_root *r, const char *path, char **ret_error)
{
	struct statfs sfs;
	int fd = dir_open(r, path, O_WRONLY | O_NOFOLLOW | O_NOCTTY);

	if (fd < 0)
		return set_msg(ret_error, fd, "%s: %s", path, strerror(-fd));
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != SYSFS_MAGIC) {
		close(fd);
		return set_msg(ret_error, -EINVAL, "%s is not a sysfs attribute", path);
	}
	return fd;
}

int pt_root_sysfs_write(struct pt_root *r, const char *path, const char *data, size_t len,
			char **ret_error)
{
	ssize_t n;
	int fd, e;

	if (r->mode != PT_ROOT_LIVE)
		return set_msg(ret_error, r->mode == PT_ROOT_ARCHIVE ? -EROFS : -EOPNOTSUPP,
			       "%s is not the running host: sysfs is written on the live host only",
			       r->spec);
	if (!startswith(path, "/sys/"))
		return set_msg(ret_error, -EINVAL, "%s is not under /sys", path);
	if (r->lock_fd < 0)
		return set_msg(ret_error, -ENOLCK, "%s: write without the passthru lock", path);
	fd = open_sysfs_attr(r, path, ret_error);
	if (fd < 0) {
		trace(r, "sysfs-write", path, fd);
		return fd;
	}
	/*
	 * One write(2): the kernel runs the attribute's store handler once per write and takes
	 * its answer as the result (a retry would be a second command, not a continuation).
	 */
	e = fault("sysfs-write");
	if (e == 0) {
		n = write(fd, data, len);
		e = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	}
	close(fd);
	if (e < 0)
		set_msg(ret_error, e, "%s: the kernel refused the write: %s", path, strerror(-e));
	trace(r, "sysfs-write", path, e);
	return e;
}

int pt_root_vfio_group_viable(struct pt_root *r, int group)
{
	struct vfio_group_status status = {.argsz = sizeof(status)};
	char path[64];
	int fd, e;

	if (r->mode != PT_ROOT_LIVE)
		return -EOPNOTSUPP;
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0
		    ? -errno
		    : !!(status.flags & VFIO_GROUP_FLAGS_VIABLE);
	close(fd);
	return e;
}

long long pt_root_now(const struct pt_root *r)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	(void)r;
	/* reproducible-builds.org SOURCE_DATE_EPOCH: tests fix the journal's clock with it. */
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (!*end && v >= 0)
			return v;
	}
	return (long long)time(NULL);
}
