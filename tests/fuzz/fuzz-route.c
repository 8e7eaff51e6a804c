/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_routes r;

	if (pt_routes_parse((const char *)data, size, &r) < 0)
		return 0;
	for (size_t i = 0; i < r.n; i++) {
		assert(r.v[i].iface[0] && strlen(r.v[i].iface) < size);
		if (pt_routes_is_default(&r, i))
			assert(r.v[i].destination == 0 && r.v[i].mask == 0 &&
			       (r.v[i].flags & PT_RTF_UP));
	}
	assert(!pt_routes_is_default(&r, r.n));
	pt_routes_done(&r);
	return 0;
}
