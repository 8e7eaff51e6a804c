/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/kconfig.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes the parsed configuration back in kconfig's own format (confdata.c conf_write_symbol). */
static void serialise(const struct pt_kconfig *kc, struct pt_strbuf *sb)
{
	for (size_t i = 0; i < kc->n; i++) {
		const struct pt_kconfig_entry *e = &kc->entries[i];

		if (!e->value) {
			pt_strbuf_printf(sb, "# %s is not set\n", e->name);
		} else if (e->kind == PT_KCONFIG_STRING) {
			pt_strbuf_printf(sb, "%s=\"", e->name);
			for (const char *p = e->value; *p; p++) {
				if (*p == '"' || *p == '\\')
					pt_strbuf_putc(sb, '\\');
				pt_strbuf_putc(sb, *p);
			}
			pt_strbuf_puts(sb, "\"\n");
		} else {
			pt_strbuf_printf(sb, "%s=%s\n", e->name, e->value);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_kconfig kc, again;
	struct pt_strbuf sb = {0};
	unsigned line = 0, lines = 1;
	int r;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	r = pt_kconfig_parse((const char *)data, size, &kc, &line);
	if (r < 0) {
		assert(r == -EINVAL);
		assert(line >= 1 && line <= lines);
		assert(kc.n == 0 && !kc.entries && !kc.text);
		return 0;
	}
	assert(line == 0);

	for (size_t i = 0; i < kc.n; i++) {
		const struct pt_kconfig_entry *e = &kc.entries[i];

		/* Sorted and unique: what bsearch needs. */
		if (i > 0)
			assert(strcmp(kc.entries[i - 1].name, e->name) < 0);
		assert(strncmp(e->name, "CONFIG_", 7) == 0 && e->name[7]);
		assert(e->line >= 1 && e->line <= lines);
		/* Both spellings find the entry. */
		assert(pt_kconfig_get(&kc, e->name) == e);
		assert(pt_kconfig_get(&kc, e->name + 7) == e ||
		       strncmp(e->name + 7, "CONFIG_", 7) == 0);
		switch (e->kind) {
		case PT_KCONFIG_NOT_SET:
			assert(!e->value || strcmp(e->value, "n") == 0);
			assert(pt_kconfig_tristate(&kc, e->name) == PT_KCONFIG_N);
			break;
		case PT_KCONFIG_YES:
			assert(strcmp(e->value, "y") == 0);
			break;
		case PT_KCONFIG_MODULE:
			assert(strcmp(e->value, "m") == 0);
			break;
		default:
			assert(e->value);
			assert(pt_kconfig_tristate(&kc, e->name) == PT_KCONFIG_OTHER);
			break;
		}
	}

	/* Writing it back and reading that gives the same configuration. */
	serialise(&kc, &sb);
	assert(pt_kconfig_parse(sb.buf ? sb.buf : "", sb.len, &again, NULL) == 0);
	assert(again.n == kc.n);
	assert(again.n_overridden == 0);
	for (size_t i = 0; i < kc.n; i++) {
		const struct pt_kconfig_entry *a = &kc.entries[i], *b = &again.entries[i];

		assert(strcmp(a->name, b->name) == 0);
		assert(a->kind == b->kind);
		assert((!a->value && !b->value) || strcmp(a->value, b->value) == 0);
	}
	pt_kconfig_done(&again);
	pt_strbuf_done(&sb);
	pt_kconfig_done(&kc);
	return 0;
}
