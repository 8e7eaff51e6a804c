/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/iomem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_iomem m;
	bool nonzero = false;

	if (pt_iomem_parse((const char *)data, size, &m) < 0)
		return 0;
	for (size_t i = 0; i < m.n; i++) {
		const struct pt_iomem_entry *e = &m.v[i];

		assert(e->start <= e->end);
		assert(e->name && strlen(e->name) < size);
		/* A parent comes earlier and is exactly one level up. */
		if (e->depth == 0)
			assert(e->parent == -1);
		else
			assert(e->parent >= 0 && (size_t)e->parent < i &&
			       m.v[e->parent].depth + 1 == e->depth);
		nonzero = nonzero || e->start || e->end;
		(void)pt_iomem_is_framebuffer(e->name);
	}
	assert(m.addresses_hidden == (m.n > 0 && !nonzero));
	pt_iomem_done(&m);
	return 0;
}
