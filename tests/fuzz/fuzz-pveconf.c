/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu-server VM configs (parse/pveconf). Besides "no crash": the lines tile the input and
 * format back to it byte for byte; problems point at real lines, in order, with printable
 * messages and Proxmox's own text where it has one; and every edit either is refused with the
 * document untouched, or changes exactly the lines of its key and parses again to what it says.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/pveconf.h"
#include "util/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LABEL "/etc/pve/qemu-server/100.conf"

static void check_formats_to(const struct pt_pveconf_doc *doc, const char *want, size_t len)
{
	size_t end = 0, out_len;
	char *out;

	for (size_t i = 0; i < doc->n_lines; i++) {
		const struct pt_pveconf_line *l = &doc->lines[i];

		assert(l->offset == end && l->no == i + 1 && l->section < doc->n_sections);
		assert(!memchr(doc->text + l->offset, '\n', l->len));
		assert(l->has_nl || i + 1 == doc->n_lines);
		end = l->offset + l->len + l->has_nl;
		if (l->kind == PT_PVECONF_LINE_KEY) {
			assert(l->key && l->name && l->value && l->value_len <= l->len);
			assert(l->dropped || l->effective);
		}
	}
	assert(end == doc->len);
	assert(pt_pveconf_format(doc, &out, &out_len) == 0);
	assert(out_len == len && memcmp(out, want, len) == 0);
	free(out);
}

static void check_problems(const struct pt_pveconf_doc *doc)
{
	const struct pt_pveconf_problem *strict = NULL;

	for (size_t i = 0; i < doc->n_problems; i++) {
		const struct pt_pveconf_problem *p = &doc->problems[i];

		assert(p->line < doc->n_lines && p->no == doc->lines[p->line].no);
		assert(i == 0 || doc->problems[i - 1].line <= p->line);
		assert(p->message && *p->message);
		for (const char *c = p->message; *c; c++)
			assert((unsigned char)*c >= 0x20 && *c != 0x7f);
		assert(strcmp(pt_pveconf_problem_kind_to_string(p->kind), "?") != 0);
		if (p->proxmox) {
			assert(p->proxmox_len > 9 && memcmp(p->proxmox, "vm 100 - ", 9) == 0);
			assert(p->proxmox[p->proxmox_len - 1] == '\n');
			if (!strict)
				strict = p;
		}
	}
	assert(pt_pveconf_strict_error(doc) == strict);
	for (size_t s = 0; s < doc->n_sections; s++) {
		const struct pt_pveconf_section *sec = &doc->sections[s];

		assert(sec->first <= sec->end && sec->end <= doc->n_lines && sec->name);
		assert((s == 0) == (sec->header == PT_PVECONF_NO_LINE));
	}
}

struct span {
	const char *s;
	size_t n;
};

/* The lines of a text, each with its '\n'; *n of them (caller frees). */
static struct span *split(const char *t, size_t len, size_t *n)
{
	struct span *v = malloc((len + 1) * sizeof(*v));
	size_t start = 0;

	assert(v);
	*n = 0;
	while (start < len) {
		const char *nl = memchr(t + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - t) + 1 : len;

		v[(*n)++] = (struct span){t + start, end - start};
		start = end;
	}
	return v;
}

static bool same(struct span a, struct span b)
{
	return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

/* How many lines of a and of b lie between their common first and last lines. */
static void changed(const char *a, size_t alen, const char *b, size_t blen, size_t *na, size_t *nb)
{
	size_t la, lb, head = 0, tail = 0;
	struct span *x = split(a, alen, &la), *y = split(b, blen, &lb);

	while (head < la && head < lb && same(x[head], y[head]))
		head++;
	while (tail < la - head && tail < lb - head && same(x[la - 1 - tail], y[lb - 1 - tail]))
		tail++;
	*na = la - head - tail;
	*nb = lb - head - tail;
	free(x);
	free(y);
}

static void edit(const char *text, size_t len, const char *key, const char *value)
{
	struct pt_pveconf_doc doc, again;
	char *reason = NULL, *out;
	size_t out_len, na, nb;
	const struct pt_pveconf_line *old;
	bool blocked, unchanged;
	int r;

	if (pt_pveconf_parse(text, len, LABEL, 100, &doc) != 0)
		return;
	blocked = pt_pveconf_edit_blocker(&doc) != NULL;
	old = pt_pveconf_get(&doc, pt_pveconf_main(&doc), key);
	unchanged = value && old && strcmp(old->value, value) == 0;
	r = value ? pt_pveconf_set(&doc, key, value, &reason)
		  : pt_pveconf_delete(&doc, key, &reason);
	assert(!blocked || r == -EINVAL);
	if (r != 0) {
		assert(r == -EINVAL || r == -ENOENT);
		assert((r == -EINVAL) == (reason != NULL));
		check_formats_to(&doc, text, len); /* untouched */
		goto out;
	}
	assert(!reason && !pt_pveconf_edit_blocker(&doc));
	assert(pt_pveconf_format(&doc, &out, &out_len) == 0);
	check_formats_to(&doc, out, out_len);
	check_problems(&doc);
	/* the result is what parsing it gives */
	assert(pt_pveconf_parse(out, out_len, LABEL, 100, &again) == 0);
	assert(again.n_lines == doc.n_lines && again.n_problems == doc.n_problems);
	if (value)
		assert(strcmp(pt_pveconf_get(&again, pt_pveconf_main(&again), key)->value, value) ==
		       0);
	else
		assert(!pt_pveconf_get(&again, pt_pveconf_main(&again), key));
	pt_pveconf_done(&again);
	/* one line replaced, inserted (its predecessor may gain a '\n') or removed */
	changed(text, len, out, out_len, &na, &nb);
	assert(na <= 2 && nb <= 2 && (unchanged ? na == nb && na <= 1 : na + nb >= 1));
	free(out);
out:
	free(reason);
	pt_pveconf_done(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct pt_pveconf_doc doc;
	int r = pt_pveconf_parse(text, size, LABEL, 100, &doc);

	if (r == -EFBIG) {
		assert(size > PT_PVECONF_MAX_FILE);
		return 0;
	}
	assert(r == 0);
	check_formats_to(&doc, text, size);
	check_problems(&doc);
	pt_pveconf_done(&doc);
	if (size > 64 * 1024)
		return 0;
	edit(text, size, "memory", "2048");
	edit(text, size, "hostpci0", "0000:01:00,pcie=1");
	edit(text, size, "cores", "4");
	edit(text, size, "zzz", "1"); /* not a key: always refused */
	edit(text, size, "numa", NULL);
	edit(text, size, "hostpci16", NULL);
	return 0;
}
