/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel release and the facts that are not files (DESIGN: live-only facts). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "facts/facts.h"
#include "parse/snapshot-meta.h"

static void live_meta(struct pt_snapshot_meta *m)
{
	struct utsname u;

	m->format = PT_SNAPSHOT_FORMAT;
	m->tool = strdup("passthru " PT_VERSION);
	if (uname(&u) == 0) {
		m->kernel_release = strdup(u.release);
		m->machine = strdup(u.machine);
	}
	m->page_size = sysconf(_SC_PAGESIZE);
	m->euid = (long)geteuid();
}

static void snapshot_meta(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL;
	size_t len;
	unsigned line = 0;
	int e = pt_root_read_file(r, pt_src_path(PT_SRC_SNAPSHOT_META),
				  pt_src_max(PT_SRC_SNAPSHOT_META), &buf, &len);

	h->meta = (struct pt_snapshot_meta){.page_size = -1, .euid = -1};
	if (e < 0) {
		if (e != -ENOENT)
			pt_facts_problem(h, PT_SNAPSHOT_META_PATH, strerror(-e));
		return;
	}
	if (pt_snapshot_meta_parse(buf, len, &h->meta, &line) < 0) {
		char why[64];

		snprintf(why, sizeof(why), "line %u is not key=value; metadata ignored", line);
		pt_facts_problem(h, PT_SNAPSHOT_META_PATH, why);
	}
	free(buf);
}

int pt_facts_kernel(struct pt_root *r, struct pt_host *h)
{
	char *release = NULL;

	if (h->mode == PT_ROOT_LIVE)
		live_meta(&h->meta);
	else
		snapshot_meta(r, h);
	/* procfs has the running release; snapshots keep that file, old ones only metadata. */
	if (pt_facts_attr(r, h, pt_src_path(PT_SRC_PROC_OSRELEASE), &release) == 0 && release[0])
		h->kernel_release = release;
	else {
		free(release);
		if (h->meta.kernel_release)
			h->kernel_release = strdup(h->meta.kernel_release);
	}
	return 0;
}

int pt_facts_cmdline(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL;
	size_t len;
	const char *path = pt_src_path(PT_SRC_PROC_CMDLINE);
	int e = pt_root_read_file(r, path, pt_src_max(PT_SRC_PROC_CMDLINE), &buf, &len);

	if (e < 0) {
		if (e != -ENOENT)
			pt_facts_problem(h, path, strerror(-e));
		return 0;
	}
	len = pt_cmdline_first_line(buf, len);
	buf[len] = '\0';
	e = pt_cmdline_parse(buf, len, &h->cmdline);
	if (e == 0) {
		h->cmdline_known = true;
		h->cmdline_raw = buf;
		return 0;
	}
	free(buf);
	return e == -ENOMEM ? e : 0;
}

/*
 * The kernel's build configuration decides defaults such as the Intel IOMMU's (docs/facts.md,
 * "IOMMU kernel parameters").
 */
int pt_facts_kconfig(struct pt_root *r, struct pt_host *h)
{
	char path[PATH_MAX], *buf = NULL, why[64];
	unsigned line = 0;
	size_t len;
	int e;

	if (!h->kernel_release)
		return 0;
	snprintf(path, sizeof(path), "%s%s", pt_src_path(PT_SRC_KCONFIG), h->kernel_release);
	if (pt_root_read_file(r, path, pt_src_max(PT_SRC_KCONFIG), &buf, &len) < 0)
		return 0;
	e = pt_kconfig_parse(buf, len, &h->kconfig, &line);
	free(buf);
	if (e == 0) {
		h->kconfig_known = true;
	} else if (e != -ENOMEM) {
		snprintf(why, sizeof(why), "line %u: not a kernel configuration line", line);
		pt_facts_problem(h, path, why);
	}
	return e == -ENOMEM ? e : 0;
}
