/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal manifest: whatever parses formats back to text that parses to the same text
 * (a fixed point), and every path, command word, device and write it accepted is one the
 * journal may hold. The same bytes as a progress file: what parses formats back to itself.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edit/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_devices(const struct pt_manifest *m)
{
	assert(m->ndevs == 0 || (m->version >= 3 && m->boot));
	for (size_t i = 0; i < m->locks.n; i++)
		assert(m->version >= 4 && pt_manifest_path_ok(m->locks.v[i]));
	for (size_t i = 0; i < m->ndevs; i++) {
		const struct pt_txn_dev *d = &m->devs[i];

		assert(pt_manifest_word_ok(d->slot));
		assert((d->expect.on == PT_DEV_NONE) == !d->expect.driver);
		assert((d->undo_expect.on == PT_DEV_NONE) == !d->undo_expect.driver);
		for (size_t k = 0; k < d->nwrites + d->nundo; k++) {
			const struct pt_sysfs_write *w =
				k < d->nwrites ? &d->writes[k] : &d->undo[k - d->nwrites];

			assert(pt_manifest_path_ok(w->path) && strncmp(w->path, "/sys/", 5) == 0);
			assert(w->value[0]);
		}
	}
	for (size_t i = 0; i < m->nsteps; i++)
		assert(m->steps[i].idx < (m->steps[i].kind == PT_STEP_EDIT  ? m->n
					  : m->steps[i].kind == PT_STEP_CMD ? m->nruns
									    : m->ndevs));
	assert(m->nsteps == m->n + m->nruns + m->ndevs);
}

static void check_progress(const uint8_t *data, size_t size)
{
	struct pt_strbuf out = {0};
	bool begun[4];
	size_t took[4];
	unsigned line;

	if (pt_progress_parse((const char *)data, size, 4, begun, took, &line) < 0) {
		assert(line >= 1);
		return;
	}
	assert(pt_progress_format(begun, took, 4, &out) == 0);
	assert(out.len == size && (size == 0 || memcmp(out.buf, data, size) == 0));
	pt_strbuf_done(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_strbuf a = {0}, b = {0};
	struct pt_manifest m, m2;
	unsigned line;

	check_progress(data, size);
	if (pt_manifest_parse((const char *)data, size, &m, &line) < 0) {
		assert(line >= 1);
		return 0;
	}
	for (size_t i = 0; i < m.n; i++)
		assert(pt_manifest_path_ok(m.edits[i].path) && m.edits[i].idx == i);
	for (size_t i = 0; i < m.mkdirs.n; i++)
		assert(pt_manifest_path_ok(m.mkdirs.v[i]));
	for (size_t i = 0; i < m.nruns + m.nundo_runs; i++) {
		const struct pt_strv *argv = i < m.nruns ? &m.runs[i] : &m.undo_runs[i - m.nruns];

		assert(m.version >= 2 && argv->n > 0);
		for (size_t k = 0; k < argv->n; k++)
			assert(pt_manifest_word_ok(argv->v[k]));
	}
	check_devices(&m);
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
