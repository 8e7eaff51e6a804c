/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal manifest: whatever parses formats back to text that parses to the same text
 * (a fixed point), and every path and command word it accepted is one the journal may hold.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edit/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_strbuf a = {0}, b = {0};
	struct pt_manifest m, m2;
	unsigned line;

	if (pt_manifest_parse((const char *)data, size, &m, &line) < 0) {
		assert(line >= 1);
		return 0;
	}
	for (size_t i = 0; i < m.n; i++)
		assert(pt_manifest_path_ok(m.edits[i].path) && m.edits[i].idx == i);
	for (size_t i = 0; i < m.mkdirs.n; i++)
		assert(pt_manifest_path_ok(m.mkdirs.v[i]));
	for (size_t i = 0; i < m.nruns; i++) {
		assert(m.version == 2 && m.runs[i].n > 0);
		for (size_t k = 0; k < m.runs[i].n; k++)
			assert(pt_manifest_word_ok(m.runs[i].v[k]));
	}
	assert(pt_manifest_format(&m, &a) == 0);
	assert(pt_manifest_parse(a.buf, a.len, &m2, &line) == 0);
	assert(pt_manifest_format(&m2, &b) == 0);
	assert(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
	pt_manifest_done(&m);
	pt_manifest_done(&m2);
	pt_strbuf_done(&a);
	pt_strbuf_done(&b);
	return 0;
}
