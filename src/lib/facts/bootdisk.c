/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The disks the host boots and runs from (docs/facts.md, "What Proxmox does with a shared
 * group"): the mounts of "/", "/boot" and "/boot/efi" in /proc/mounts, followed through
 * device-mapper (LVM, LUKS) and md RAID (/sys/class/block/<dev>/slaves) to the block devices
 * below, each resolved to the PCI controller it hangs off: the last PCI address in its
 * /sys/devices path.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "parse/mounts.h"
#include "util/macro.h"
#include "util/path.h"
#include "util/strbuf.h"

#define CLASS_BLOCK pt_src_path(PT_SRC_CLASS_BLOCK)
/* dm over md over partitions is three levels; loops in a corrupt root stop here. */
#define MAX_DEPTH 8

static const char *const boot_mounts[] = {"/", "/boot", "/boot/efi", NULL};

/* File systems that are not on a local disk: decided, no controller to guard. */
static const char *const remote_fstypes[] = {"nfs",	 "nfs4", "cifs",      "smb3",	    "9p",
					     "virtiofs", "ceph", "glusterfs", "fuse.sshfs", NULL};

struct walk {
	struct pt_root *r;
	struct pt_host *h;
	const struct pt_mount *m;
	int err;
};

static bool str_in(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (streq(s, list[i]))
			return true;
	return false;
}

/* A single path component a root may name: not empty, no '/', not "." or "..". */
static bool is_name(const char *s)
{
	return s[0] && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..");
}

/* Records one disk; unknown_fmt non-NULL: why its controller is unknown. */
_printf_(4, 5) static void add(struct walk *w, const char *block, char *sys_path,
			       const char *unknown_fmt, ...)
{
	struct pt_boot_disk *v = realloc(w->h->boot_disks, (w->h->nboot_disks + 1) * sizeof(*v));
	struct pt_boot_disk *b;

	if (!v) {
		free(sys_path);
		w->err = -ENOMEM;
		return;
	}
	w->h->boot_disks = v;
	b = &v[w->h->nboot_disks++];
	*b = (struct pt_boot_disk){.mount = strdup(w->m->target),
				   .source = strdup(w->m->source),
				   .fstype = strdup(w->m->fstype),
				   .block = block ? strdup(block) : NULL,
				   .sys_path = sys_path};
	if (unknown_fmt) {
		va_list ap;

		va_start(ap, unknown_fmt);
		if (vasprintf(&b->unknown, unknown_fmt, ap) < 0)
			b->unknown = NULL, w->err = -ENOMEM;
		va_end(ap);
	}
	if (!b->mount || !b->source || !b->fstype || (block && !b->block))
		w->err = -ENOMEM;
	if (b->sys_path && pt_bdf_last_in_path(b->sys_path, &b->ctrl) == 0)
		b->has_ctrl = true;
}

static void walk_block(struct walk *w, const char *name, unsigned depth)
{
	struct pt_strv slaves = {0};
	char path[PATH_MAX], *target = NULL, *sys_path;
	int e;

	if (!is_name(name) || strlen(name) > NAME_MAX) {
		add(w, NULL, NULL, "%s: not a block device name", name);
		return;
	}
	if (depth > MAX_DEPTH) {
		add(w, name, NULL, "%s: block devices stacked too deep", name);
		return;
	}
	if (pt_strv_push(&w->h->blocks_read, name) < 0) {
		w->err = -ENOMEM;
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", CLASS_BLOCK, name);
	e = pt_root_readlink(w->r, path, &target);
	if (e < 0) {
		add(w, name, NULL, "%s: not in /sys/class/block", name);
		return;
	}
	sys_path = pt_path_resolve_link(path, target);
	free(target);
	if (!sys_path) {
		w->err = -ENOMEM;
		return;
	}
	/* device-mapper and md devices name what they are built on in slaves/. */
	snprintf(path, sizeof(path), "%s/%s/slaves", CLASS_BLOCK, name);
	if (pt_root_list(w->r, path, &slaves) == 0 && slaves.n) {
		free(sys_path);
		for (size_t i = 0; i < slaves.n && w->err >= 0; i++)
			walk_block(w, slaves.v[i], depth + 1);
	} else {
		add(w, name, sys_path, NULL);
	}
	pt_strv_done(&slaves);
}

/* The dm-N whose dm/name is dm_name (what /dev/mapper/<dm_name> links to); NULL if none. */
static char *find_dm(struct walk *w, const char *dm_name)
{
	struct pt_strv names = {0};
	char path[PATH_MAX], *found = NULL;

	if (pt_root_list(w->r, CLASS_BLOCK, &names) < 0)
		return NULL;
	for (size_t i = 0; i < names.n && !found; i++) {
		char *v = NULL;

		if (strncmp(names.v[i], "dm-", 3) != 0)
			continue;
		if (pt_strv_push(&w->h->blocks_read, names.v[i]) < 0) {
			w->err = -ENOMEM;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s/dm/name", CLASS_BLOCK, names.v[i]);
		if (pt_facts_attr(w->r, w->h, path, &v) == 0 && streq(v, dm_name))
			found = strdup(names.v[i]);
		free(v);
	}
	pt_strv_done(&names);
	return found;
}

static void resolve_mount(struct walk *w)
{
	const struct pt_mount *m = w->m;
	const char *dev;

	if (str_in(m->fstype, remote_fstypes)) {
		add(w, NULL, NULL, NULL); /* not on a local disk */
		return;
	}
	if (streq(m->fstype, "zfs")) {
		char pool[256];

		snprintf(pool, sizeof(pool), "%.*s", (int)strcspn(m->source, "/"), m->source);
		add(w, NULL, NULL,
		    "ZFS pool %s: its member disks are not visible in /proc or /sys "
		    "(zpool status -P names them)",
		    pool);
		return;
	}
	if (strncmp(m->source, "/dev/", 5) != 0) {
		add(w, NULL, NULL, "a %s file system: the disks below it are not known", m->fstype);
		return;
	}
	dev = m->source + 5;
	if (streq(dev, "root")) {
		add(w, NULL, NULL, "%s: the kernel mounted it without naming the disk", m->source);
	} else if (strncmp(dev, "mapper/", 7) == 0) {
		char *dm = find_dm(w, dev + 7);

		if (dm)
			walk_block(w, dm, 0);
		else if (w->err >= 0)
			add(w, NULL, NULL, "%s: no device-mapper device of that name in /sys",
			    m->source);
		free(dm);
	} else if (!is_name(dev)) {
		add(w, NULL, NULL, "%s: not a kernel block device name", m->source);
	} else {
		walk_block(w, dev, 0);
	}
}

int pt_facts_boot_disks(struct pt_root *r, struct pt_host *h)
{
	struct pt_mounts mounts;
	struct walk w = {.r = r, .h = h};
	char *buf = NULL;
	size_t len;
	int e = pt_facts_read(r, h, pt_src_path(PT_SRC_MOUNTS), pt_src_max(PT_SRC_MOUNTS), &buf,
			      &len);

	if (e < 0)
		return 0;
	e = pt_mounts_parse(buf, len, &mounts);
	free(buf);
	if (e < 0)
		return e;
	h->mounts_known = true;
	for (size_t i = 0; boot_mounts[i] && w.err >= 0; i++) {
		struct pt_mount none = {.source = (char *)"",
					.target = (char *)boot_mounts[i],
					.fstype = (char *)""};

		w.m = pt_mounts_find(&mounts, boot_mounts[i]);
		if (w.m)
			resolve_mount(&w);
		else if (i == 0) {
			w.m = &none;
			add(&w, NULL, NULL, "%s", "/proc/mounts lists no mount of /");
		}
	}
	pt_mounts_done(&mounts);
	pt_strv_uniq(&h->blocks_read);
	return w.err;
}
