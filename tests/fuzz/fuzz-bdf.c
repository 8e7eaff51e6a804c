/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "util/bdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_bdf b, again;
	char buf[PT_BDF_STRLEN];

	if (pt_bdf_parse((const char *)data, size, &b) == 0) {
		/* Whatever parses must format and parse back to the same address. */
		pt_bdf_format(&b, buf);
		assert(pt_bdf_parse(buf, strlen(buf), &again) == 0);
		assert(pt_bdf_cmp(&b, &again) == 0);
	}
	return 0;
}
