/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshot archives are untrusted input (users attach them to bug reports). */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/memtree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(struct pt_memtree *t, const char *dir, int depth)
{
	const struct pt_memnode *n;
	struct pt_strv names = {0};
	char path[1024];

	if (depth > 8 || pt_memtree_lookup(t, dir, true, &n) < 0 || pt_memnode_list(n, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		const struct pt_memnode *k;
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", names.v[i]);
		/* Every listed name resolves without following its last link... */
		assert(pt_memtree_lookup(t, path, false, &k) == 0);
		if (pt_memnode_type(k) == PT_INROOT_REG)
			(void)pt_memnode_data(k, &len);
		/* ...and following links ends somewhere or fails cleanly. */
		if (pt_memtree_lookup(t, path, true, &k) == 0 &&
		    pt_memnode_type(k) == PT_INROOT_DIR)
			walk(t, path, depth + 1);
	}
	pt_strv_done(&names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_memtree *t = NULL;
	char *err = NULL;

	if (pt_memtree_load(data, size, &t, &err) == 0) {
		assert(!err);
		walk(t, "/", 0);
		pt_memtree_free(t);
	} else {
		assert(err || 1);
	}
	free(err);
	return 0;
}
