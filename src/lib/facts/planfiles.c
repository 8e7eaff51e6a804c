/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exact bytes of every file `plan` may edit and of the state `bind` keeps, so the
 * planners need no I/O of their own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"

static const char *const plan_files[] = {
	PT_PLAN_GRUB_DROPIN,	   PT_PLAN_KERNEL_CMDLINE,   PT_PLAN_MODPROBE, PT_PLAN_MODULES_LOAD,
	PT_PLAN_INITRAMFS_MODULES, PT_PLAN_INITRAMFS_SCRIPT, PT_BIND_STATE,
};

int pt_facts_plan_files(struct pt_root *r, struct pt_host *h)
{
	size_t n = sizeof(plan_files) / sizeof(plan_files[0]);

	h->raw_files = calloc(n, sizeof(*h->raw_files));
	if (!h->raw_files)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct pt_raw_file *f = &h->raw_files[i];

		f->path = strdup(plan_files[i]);
		if (!f->path)
			return -ENOMEM;
		h->nraw_files++;
		f->err = pt_root_read_file(r, f->path, 1 << 20, &f->data, &f->len);
		if (f->err == -ENOMEM)
			return -ENOMEM;
		if (f->err < 0 && f->err != -ENOENT)
			pt_facts_problem(h, f->path, strerror(-f->err));
		if (f->err < 0)
			f->data = NULL;
	}
	return 0;
}
