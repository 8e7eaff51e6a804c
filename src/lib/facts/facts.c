/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "util/strbuf.h"

void pt_facts_problem(struct pt_host *h, const char *path, const char *why)
{
	struct pt_strbuf sb = {0};

	if (pt_strbuf_printf(&sb, "%s: %s", path, why) >= 0)
		pt_strv_consume(&h->problems, pt_strbuf_steal(&sb));
	else
		pt_strbuf_done(&sb);
}

/* Missing and unreadable files are ordinary (old kernels, non-root): "unknown", quietly. */
static void note_failure(struct pt_host *h, const char *path, int e, const char *too_large)
{
	if (e < 0 && e != -ENOENT && e != -EACCES && e != -EPERM && e != -ENOTDIR)
		pt_facts_problem(h, path, e == -EFBIG ? too_large : strerror(-e));
}

int pt_facts_read(struct pt_root *r, struct pt_host *h, const char *path, size_t max, char **ret,
		  size_t *ret_len)
{
	int e = pt_root_read_file(r, path, max, ret, ret_len);

	note_failure(h, path, e, "too large");
	return e;
}

int pt_facts_attr(struct pt_root *r, struct pt_host *h, const char *path, char **ret)
{
	int e = pt_root_read_attr(r, path, ret);

	note_failure(h, path, e, "too large for an attribute");
	return e;
}

int pt_facts_gather(struct pt_root *r, const struct pt_facts_opts *opts, struct pt_host *h)
{
	int e;

	*h = (struct pt_host){0};
	h->mode = pt_root_mode(r);
	if ((e = pt_facts_kernel(r, h)) < 0 || (e = pt_facts_cmdline(r, h)) < 0 ||
	    (e = pt_facts_kconfig(r, h)) < 0 || (e = pt_facts_boot(r, h)) < 0 ||
	    (e = pt_facts_pci(r, h)) < 0 || (e = pt_facts_pci_drivers(r, h)) < 0 ||
	    (e = pt_facts_iommu(r, h)) < 0 ||
	    (e = pt_facts_names(r, opts ? opts->pci_ids_path : NULL, h)) < 0 ||
	    (e = pt_facts_cpu(r, h)) < 0 || (e = pt_facts_modconf(r, h)) < 0 ||
	    (e = pt_facts_modules(r, h)) < 0 || (e = pt_facts_boot_disks(r, h)) < 0 ||
	    (e = pt_facts_uplinks(r, h)) < 0 || (e = pt_facts_iomem(r, h)) < 0 ||
	    (e = pt_facts_plan_files(r, h)) < 0) {
		pt_host_done(h);
		return e;
	}
	pt_strv_sort(&h->problems);
	return 0;
}
