/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "parse/snapshot-meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_snapshot_meta m;
	unsigned line = 0;

	if (pt_snapshot_meta_parse((const char *)data, size, &m, &line) == 0) {
		/* Strings never carry a NUL or a newline: they came from one line each. */
		assert(!m.kernel_release || !strchr(m.kernel_release, '\n'));
		assert(m.page_size >= -1 && m.euid >= -1);
		pt_snapshot_meta_done(&m);
	} else {
		assert(line >= 1);
	}
	return 0;
}
