/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_mounts m;

	if (pt_mounts_parse((const char *)data, size, &m) < 0)
		return 0;
	for (size_t i = 0; i < m.n; i++) {
		/* Unescaping only shrinks a field; no field is empty. */
		assert(m.v[i].source[0] && strlen(m.v[i].source) < size);
		assert(m.v[i].target[0] && strlen(m.v[i].target) < size);
		assert(m.v[i].fstype[0] && strlen(m.v[i].fstype) < size);
	}
	if (m.n)
		assert(pt_mounts_find(&m, m.v[0].target) != NULL);
	pt_mounts_done(&m);
	return 0;
}
