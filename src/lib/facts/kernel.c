/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel release and the facts that are not files (DESIGN: live-only facts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "facts/facts.h"
#include "snapshot/meta.h"

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
	int e = pt_root_read_file(r, PT_SNAPSHOT_META_PATH, 65536, &buf, &len);

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
	if (pt_facts_attr(r, h, "/proc/sys/kernel/osrelease", &release) == 0 && release[0])
		h->kernel_release = release;
	else {
		free(release);
		if (h->meta.kernel_release)
			h->kernel_release = strdup(h->meta.kernel_release);
	}
	return 0;
}
