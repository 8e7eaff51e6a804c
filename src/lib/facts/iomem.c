/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/iomem (docs/facts.md, "Boot framebuffers"): the boot framebuffer's range (BOOTFB, efifb,
 * simplefb...) and each PCI device's memory ranges (lines named with its address). Read without
 * root, every address shows as 0: then nothing is known, which is not "no overlap".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "parse/iomem.h"

static int push(struct pt_mem_range **v, size_t *n, const struct pt_iomem_entry *e)
{
	struct pt_mem_range *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = (struct pt_mem_range){.start = e->start, .end = e->end, .name = strdup(e->name)};
	if (!nv[*n].name)
		return -ENOMEM;
	(*n)++;
	return 0;
}

int pt_facts_iomem(struct pt_root *r, struct pt_host *h)
{
	struct pt_iomem m;
	char *buf = NULL;
	size_t len;
	int e = pt_facts_read(r, h, pt_src_path(PT_SRC_PROC_IOMEM), pt_src_max(PT_SRC_PROC_IOMEM),
			      &buf, &len);

	h->iomem_known = PT_UNKNOWN;
	if (e < 0)
		return 0;
	e = pt_iomem_parse(buf, len, &m);
	free(buf);
	if (e < 0)
		return e;
	h->iomem_hidden = m.addresses_hidden;
	if (m.n && !m.addresses_hidden) {
		h->iomem_known = PT_YES;
		for (size_t i = 0; i < m.n && e >= 0; i++) {
			const struct pt_iomem_entry *x = &m.v[i];
			struct pt_bdf b;
			long d;

			if (pt_iomem_is_framebuffer(x->name))
				e = push(&h->framebuffers, &h->nframebuffers, x);
			else if (pt_bdf_parse(x->name, strlen(x->name), &b) == 0 &&
				 (d = pt_host_dev_index(h, &b)) >= 0)
				e = push(&h->devs[d].mem, &h->devs[d].nmem, x);
		}
	}
	pt_iomem_done(&m);
	return e;
}
