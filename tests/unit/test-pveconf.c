/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu-server VM configs (parse/pveconf). The oracle is Proxmox's own test data in
 * tests/data/qemu-server (proxmox/qemu-server src/test, AGPL-3.0-or-later, see PROVENANCE.md):
 *  - every config there formats back to its exact bytes;
 *  - strict mode dies with exactly the text of each parse-config-expected/<name>.strict.error;
 *  - what Proxmox keeps of each parse-config-input (the lines it writes back, in
 *    parse-config-expected, or the input itself where that file is missing) is exactly the
 *    lines this parser does not mark dropped or superseded;
 *  - the edits in passthru-edits/MANIFEST.tsv give the expected bytes, and on every config an
 *    edit changes exactly one line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parse/pveconf.h"
#include "util/macro.h"
#include "util/strv.h"

#define DATA TOP_SRCDIR "/tests/data/qemu-server"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

static char *data_path(const char *rel)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", DATA, rel) > 0);
	return p;
}

/* Every *.conf under dir (relative to DATA), sorted; mock/ holds no VM configs. */
static void find_configs(const char *dir, struct pt_strv *out)
{
	char *path = data_path(dir);
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *rel, *full;
		struct stat st;
		size_t len = strlen(name);

		assert_true(asprintf(&rel, "%s%s%s", dir, *dir ? "/" : "", name) > 0);
		full = data_path(rel);
		if (name[0] != '.' && stat(full, &st) == 0) {
			if (S_ISDIR(st.st_mode) && !streq(rel, "mock"))
				find_configs(rel, out);
			else if (S_ISREG(st.st_mode) && len > 5 && streq(name + len - 5, ".conf"))
				assert_int_equal(pt_strv_push(out, rel), 0);
		}
		free(rel);
		free(full);
		free(names[i]);
	}
	free(names);
	free(path);
}

static void parse_file(const char *rel, struct pt_pveconf_doc *doc, char **buf, size_t *len)
{
	char *path = data_path(rel);

	*buf = slurp(path, len);
	assert_non_null(*buf);
	assert_int_equal(pt_pveconf_parse(*buf, *len, rel, 8006, doc), 0);
	free(path);
}

static void assert_bytes(const char *what, const char *got, size_t got_len, const char *want,
			 size_t want_len)
{
	if (got_len != want_len || memcmp(got, want, want_len) != 0) {
		print_error("%s differs:\n--- got (%zu bytes)\n%.*s--- want (%zu bytes)\n%.*s\n",
			    what, got_len, (int)got_len, got, want_len, (int)want_len, want);
		fail();
	}
}

static void assert_formats_to(const struct pt_pveconf_doc *doc, const char *want, size_t len)
{
	char *out;
	size_t out_len, end = 0;

	/* the lines tile the text: each starts where the previous one ended */
	for (size_t i = 0; i < doc->n_lines; i++) {
		assert_int_equal(doc->lines[i].offset, end);
		assert_int_equal(doc->lines[i].no, i + 1);
		end = doc->lines[i].offset + doc->lines[i].len + doc->lines[i].has_nl;
	}
	assert_int_equal(end, doc->len);
	assert_int_equal(pt_pveconf_format(doc, &out, &out_len), 0);
	assert_bytes(doc->label, out, out_len, want, len);
	free(out);
}

static void test_corpus_round_trip(void **state)
{
	struct pt_strv files = {0};

	(void)state;
	find_configs("", &files);
	/* 105 cfg2cmd, 14 parse-config, 8 restore, 102 snapshot configs */
	assert_true(files.n >= 229);
	for (size_t i = 0; i < files.n; i++) {
		struct pt_pveconf_doc doc;
		size_t len;
		char *buf;

		parse_file(files.v[i], &doc, &buf, &len);
		assert_formats_to(&doc, buf, len);
		pt_pveconf_done(&doc);
		free(buf);
	}
	pt_strv_done(&files);
}

/* Proxmox's own configs have no problem at all, except the four parse tests that are about one. */
static void test_corpus_problems(void **state)
{
	struct pt_strv files = {0};

	(void)state;
	find_configs("", &files);
	for (size_t i = 0; i < files.n; i++) {
		struct pt_pveconf_doc doc;
		size_t len;
		char *buf;

		parse_file(files.v[i], &doc, &buf, &len);
		/* passthru-edits/ holds edits of the parse-config inputs too */
		if (!startswith(files.v[i], "parse-config-input/") &&
		    !startswith(files.v[i], "passthru-edits/cloudinit-snapshot")) {
			for (size_t j = 0; j < doc.n_problems; j++)
				print_error("%s:%u: %s\n", files.v[i], doc.problems[j].no,
					    doc.problems[j].message);
			assert_int_equal(doc.n_problems, 0);
		}
		pt_pveconf_done(&doc);
		free(buf);
	}
	pt_strv_done(&files);
}

static void test_corpus_strict(void **state)
{
	struct pt_strv files = {0};
	unsigned errors = 0;

	(void)state;
	find_configs("parse-config-input", &files);
	assert_int_equal(files.n, 10);
	for (size_t i = 0; i < files.n; i++) {
		const char *name = strrchr(files.v[i], '/') + 1;
		const struct pt_pveconf_problem *pr;
		struct pt_pveconf_doc doc;
		char *buf, *want, *rel;
		size_t len, want_len;

		parse_file(files.v[i], &doc, &buf, &len);
		pr = pt_pveconf_strict_error(&doc);
		assert_true(asprintf(&rel, "%s/parse-config-expected/%s.strict.error", DATA, name) >
			    0);
		want = slurp(rel, &want_len);
		if (want) {
			assert_non_null(pr);
			assert_bytes(rel, pr->proxmox, pr->proxmox_len, want, want_len);
			errors++;
		} else {
			assert_null(pr); /* strict mode reads it like non-strict mode */
		}
		free(want);
		free(rel);
		pt_pveconf_done(&doc);
		free(buf);
	}
	assert_int_equal(errors, 4);
	pt_strv_done(&files);
}

/* The non-blank lines of buf. */
static void nonblank_lines(const char *buf, size_t len, struct pt_strv *out)
{
	size_t start = 0;

	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;

		if (end > start)
			assert_int_equal(pt_strv_pushn(out, buf + start, end - start), 0);
		start = end + 1;
	}
}

/* The lines of doc that Proxmox keeps: headers and lines of sections it keeps, not dropped. */
static void kept_lines(const struct pt_pveconf_doc *doc, struct pt_strv *out)
{
	for (size_t s = 0; s < doc->n_sections; s++) {
		const struct pt_pveconf_section *sec = &doc->sections[s];

		if (sec->superseded || sec->kind == PT_PVECONF_UNKNOWN)
			continue;
		if (sec->header != PT_PVECONF_NO_LINE) {
			const struct pt_pveconf_line *h = &doc->lines[sec->header];

			assert_int_equal(pt_strv_pushn(out, doc->text + h->offset, h->len), 0);
		}
		for (size_t i = sec->first; i < sec->end; i++) {
			const struct pt_pveconf_line *l = &doc->lines[i];

			if ((l->kind == PT_PVECONF_LINE_KEY ||
			     l->kind == PT_PVECONF_LINE_COMMENT) &&
			    !l->dropped)
				assert_int_equal(pt_strv_pushn(out, doc->text + l->offset, l->len),
						 0);
		}
	}
}

static void test_corpus_what_proxmox_keeps(void **state)
{
	struct pt_strv files = {0};

	(void)state;
	find_configs("parse-config-input", &files);
	for (size_t i = 0; i < files.n; i++) {
		const char *name = strrchr(files.v[i], '/') + 1;
		struct pt_strv kept = {0}, want = {0};
		struct pt_pveconf_doc doc;
		char *buf, *exp, *rel;
		size_t len, exp_len;

		parse_file(files.v[i], &doc, &buf, &len);
		assert_true(asprintf(&rel, "%s/parse-config-expected/%s", DATA, name) > 0);
		exp = slurp(rel, &exp_len);
		nonblank_lines(exp ? exp : buf, exp ? exp_len : len, &want);
		kept_lines(&doc, &kept);
		assert_int_equal(kept.n, want.n);
		for (size_t j = 0; j < want.n; j++)
			assert_string_equal(kept.v[j], want.v[j]);
		pt_strv_done(&kept);
		pt_strv_done(&want);
		free(exp);
		free(rel);
		pt_pveconf_done(&doc);
		free(buf);
	}
	pt_strv_done(&files);
}

/* passthru-edits/MANIFEST.tsv: input, op, key, value, expected; all compared byte for byte. */
static void test_corpus_edits(void **state)
{
	size_t mlen;
	char *path = data_path("passthru-edits/MANIFEST.tsv");
	char *manifest = slurp(path, &mlen), *save = NULL;
	unsigned cases = 0;

	(void)state;
	assert_non_null(manifest);
	for (char *row = strtok_r(manifest, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
		char *f[5], *out, *want, *reason = NULL, *rel, *fsave = NULL;
		struct pt_pveconf_doc doc;
		size_t len, out_len, want_len;
		char *buf;
		int n = 0;

		if (row[0] == '#')
			continue;
		for (char *c = strtok_r(row, "\t", &fsave); c && n < 5;
		     c = strtok_r(NULL, "\t", &fsave))
			f[n++] = c;
		assert_int_equal(n, 5);
		parse_file(f[0], &doc, &buf, &len);
		if (streq(f[1], "set"))
			assert_int_equal(pt_pveconf_set(&doc, f[2], f[3], &reason), 0);
		else
			assert_int_equal(pt_pveconf_delete(&doc, f[2], &reason), 0);
		assert_null(reason);
		assert_int_equal(pt_pveconf_format(&doc, &out, &out_len), 0);
		assert_true(asprintf(&rel, "passthru-edits/%s", f[4]) > 0);
		free(path);
		path = data_path(rel);
		want = slurp(path, &want_len);
		assert_non_null(want);
		assert_bytes(rel, out, out_len, want, want_len);
		assert_formats_to(&doc, want, want_len); /* doc describes the result */
		free(want);
		free(rel);
		free(out);
		free(buf);
		pt_pveconf_done(&doc);
		cases++;
	}
	assert_true(cases >= 9);
	free(manifest);
	free(path);
}

/* The index of the first line where a and b differ, comparing from both ends: what changed. */
static void changed_lines(const struct pt_strv *a, const struct pt_strv *b, size_t *ret_a,
			  size_t *ret_b)
{
	size_t head = 0, tail = 0;

	while (head < a->n && head < b->n && streq(a->v[head], b->v[head]))
		head++;
	while (tail < a->n - head && tail < b->n - head &&
	       streq(a->v[a->n - 1 - tail], b->v[b->n - 1 - tail]))
		tail++;
	*ret_a = a->n - head - tail;
	*ret_b = b->n - head - tail;
}

static void all_lines(const char *buf, size_t len, struct pt_strv *out)
{
	size_t start = 0;

	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;

		assert_int_equal(pt_strv_pushn(out, buf + start, end - start), 0);
		start = end;
	}
}

/* An edit on every corpus config: exactly one line replaced, inserted or removed. */
static void check_one_line_edit(const char *rel, const char *op, const char *key, const char *value,
				size_t want_old, size_t want_new)
{
	struct pt_strv before = {0}, after = {0};
	const struct pt_pveconf_line *old;
	struct pt_pveconf_doc doc;
	char *buf, *out, *reason = NULL;
	size_t len, out_len, n_old, n_new;
	bool unchanged;
	int r;

	parse_file(rel, &doc, &buf, &len);
	old = pt_pveconf_get(&doc, pt_pveconf_main(&doc), key);
	unchanged = value && old && streq(old->value, value);
	if (pt_pveconf_edit_blocker(&doc)) {
		r = streq(op, "set") ? pt_pveconf_set(&doc, key, value, &reason)
				     : pt_pveconf_delete(&doc, key, &reason);
		assert_int_equal(r, -EINVAL);
		assert_non_null(strstr(reason, rel));
		assert_formats_to(&doc, buf, len); /* untouched */
		goto out;
	}
	r = streq(op, "set") ? pt_pveconf_set(&doc, key, value, &reason)
			     : pt_pveconf_delete(&doc, key, &reason);
	if (r == -ENOENT)
		goto out;
	if (r != 0)
		print_error("%s: %s %s: %s\n", rel, op, key, reason);
	assert_int_equal(r, 0);
	assert_int_equal(pt_pveconf_format(&doc, &out, &out_len), 0);
	all_lines(buf, len, &before);
	all_lines(out, out_len, &after);
	changed_lines(&before, &after, &n_old, &n_new);
	if (n_old + n_new != 1 && n_old + n_new != 2)
		print_error("%s: %s %s: %zu lines became %zu\n", rel, op, key, n_old, n_new);
	if (unchanged)
		assert_true(n_old == 0 && n_new == 0);
	else if (want_old == 2) /* a set: a replaced line, or an inserted one */
		assert_true((n_old == 1 && n_new == 1) || (n_old == 0 && n_new == 1) ||
			    /* inserted after a last line without '\n': that line gains one */
			    (n_old == 1 && n_new == 2));
	else
		assert_true(n_old == want_old && n_new == want_new);
	free(out);
out:
	pt_strv_done(&before);
	pt_strv_done(&after);
	free(reason);
	free(buf);
	pt_pveconf_done(&doc);
}

static void test_corpus_edits_touch_one_line(void **state)
{
	struct pt_strv files = {0};

	(void)state;
	find_configs("", &files);
	for (size_t i = 0; i < files.n; i++) {
		check_one_line_edit(files.v[i], "set", "memory", "4096", 2, 2);
		check_one_line_edit(files.v[i], "set", "hostpci9", "0000:01:00,pcie=1", 2, 2);
		check_one_line_edit(files.v[i], "set", "onboot", "1", 2, 2);
		check_one_line_edit(files.v[i], "delete", "ostype", NULL, 1, 0);
		check_one_line_edit(files.v[i], "delete", "hostpci0", NULL, 1, 0);
	}
	pt_strv_done(&files);
}

#define PARSE(s, doc) \
	pt_pveconf_parse((s), sizeof(s) - 1, "/etc/pve/qemu-server/105.conf", 105, (doc))

static const struct pt_pveconf_problem *problem(const struct pt_pveconf_doc *doc,
						enum pt_pveconf_problem_kind kind, unsigned no)
{
	for (size_t i = 0; i < doc->n_problems; i++)
		if (doc->problems[i].kind == kind && doc->problems[i].no == no)
			return &doc->problems[i];
	print_error("no %s problem on line %u\n", pt_pveconf_problem_kind_to_string(kind), no);
	for (size_t i = 0; i < doc->n_problems; i++)
		print_error("  line %u: %s %s\n", doc->problems[i].no,
			    pt_pveconf_problem_kind_to_string(doc->problems[i].kind),
			    doc->problems[i].message);
	fail();
	return NULL;
}

static void assert_proxmox(const struct pt_pveconf_problem *pr, const char *want)
{
	assert_non_null(pr->proxmox);
	assert_bytes("proxmox message", pr->proxmox, pr->proxmox_len, want, strlen(want));
}

/* Refused with a reason naming the file and the line; the document stays as it was. */
static void assert_edit_refused(struct pt_pveconf_doc *doc, const char *where)
{
	char *reason = NULL, *before, *after;
	size_t blen, alen;

	assert_int_equal(pt_pveconf_format(doc, &before, &blen), 0);
	assert_int_equal(pt_pveconf_set(doc, "cores", "2", &reason), -EINVAL);
	assert_non_null(strstr(reason, where));
	free(reason);
	assert_int_equal(pt_pveconf_delete(doc, "memory", &reason), -EINVAL);
	assert_non_null(strstr(reason, where));
	free(reason);
	assert_int_equal(pt_pveconf_format(doc, &after, &alen), 0);
	assert_bytes("refused edit", after, alen, before, blen);
	free(before);
	free(after);
}

static void test_unknown_and_hostpci16(void **state)
{
	static const char conf[] = "hostpci15: 01:00.0\n"
				   "hostpci16: 02:00.0\n"
				   "hostpci01: 03:00.0\n"
				   "frobnicate: 1\n"
				   "memory: 2048\n";
	struct pt_pveconf_doc doc;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	assert_int_equal(doc.n_problems, 3);
	assert_proxmox(problem(&doc, PT_PVECONF_UNKNOWN_KEY, 2),
		       "vm 105 - unable to parse value of 'hostpci16' - unknown setting "
		       "'hostpci16'\n");
	assert_string_equal(problem(&doc, PT_PVECONF_UNKNOWN_KEY, 2)->key, "hostpci16");
	problem(&doc, PT_PVECONF_UNKNOWN_KEY, 3);
	problem(&doc, PT_PVECONF_UNKNOWN_KEY, 4);
	assert_true(doc.lines[1].dropped);
	assert_false(doc.lines[0].dropped);
	assert_null(pt_pveconf_get(&doc, pt_pveconf_main(&doc), "hostpci16"));
	assert_true(pt_pveconf_known_key("hostpci15"));
	assert_false(pt_pveconf_known_key("hostpci16"));
	/* Proxmox reads it with a warning: kept byte for byte, and edits go on around it */
	assert_null(pt_pveconf_edit_blocker(&doc));
	assert_int_equal(pt_pveconf_set(&doc, "cores", "2", NULL), 0);
	assert_int_equal(doc.n_problems, 3);
	assert_formats_to(&doc,
			  "cores: 2\nhostpci15: 01:00.0\nhostpci16: 02:00.0\nhostpci01: 03:00.0\n"
			  "frobnicate: 1\nmemory: 2048\n",
			  sizeof("cores: 2\nhostpci15: 01:00.0\nhostpci16: 02:00.0\nhostpci01: "
				 "03:00.0\nfrobnicate: 1\nmemory: 2048\n") -
				  1);
	/* a fix is one delete */
	assert_int_equal(pt_pveconf_delete(&doc, "hostpci16", NULL), 0);
	assert_int_equal(doc.n_problems, 2);
	pt_pveconf_done(&doc);
}

static void test_duplicate_key(void **state)
{
	static const char conf[] = "cores: 2\nmemory: 2048\ncores: 4\n\n[snap]\nnuma: 0\nnuma: 1\n";
	const struct pt_pveconf_problem *pr;
	struct pt_pveconf_doc doc;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	pr = problem(&doc, PT_PVECONF_DUPLICATE_KEY, 3);
	assert_null(pr->proxmox); /* Proxmox says nothing: the last one wins */
	assert_true(pr->blocks_edit);
	assert_string_equal(pr->message, "'cores' is set again (first on line 1); Proxmox uses "
					 "the last");
	assert_string_equal(pt_pveconf_get(&doc, pt_pveconf_main(&doc), "cores")->value, "4");
	assert_false(problem(&doc, PT_PVECONF_DUPLICATE_KEY, 7)->blocks_edit);
	assert_null(pt_pveconf_strict_error(&doc));
	assert_edit_refused(&doc, "/etc/pve/qemu-server/105.conf:3: 'cores' is set again");
	pt_pveconf_done(&doc);
}

static void test_crlf(void **state)
{
	static const char conf[] = "# VM\r\nbios: ovmf\r\nnuma: 1\r\n[PENDING]\r\ncores: 4\r\n";
	struct pt_pveconf_doc doc;
	const struct pt_pveconf_line *l;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	/* Proxmox's \s*$ eats the '\r': the values are clean, and it says nothing */
	l = pt_pveconf_get(&doc, pt_pveconf_main(&doc), "numa");
	assert_string_equal(l->effective, "1");
	assert_non_null(pt_pveconf_section(&doc, PT_PVECONF_PENDING, NULL));
	assert_null(pt_pveconf_strict_error(&doc));
	/* the description keeps it, as decode_text() does */
	assert_int_equal(doc.lines[0].text_len, 4);
	assert_memory_equal(doc.lines[0].text, " VM\r", 4);
	assert_int_equal(doc.n_problems, 1);
	assert_true(problem(&doc, PT_PVECONF_CR, 1)->blocks_edit);
	assert_formats_to(&doc, conf, sizeof(conf) - 1);
	assert_edit_refused(&doc, "105.conf:1: carriage return");
	pt_pveconf_done(&doc);
}

static void test_invalid_utf8_and_nul(void **state)
{
	static const char conf[] = "#caf\xe9\n"
				   "name: a\0b\n"
				   "cores: 1\n";
	struct pt_pveconf_doc doc;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	assert_true(problem(&doc, PT_PVECONF_INVALID_UTF8, 1)->blocks_edit);
	assert_true(problem(&doc, PT_PVECONF_NUL, 2)->blocks_edit);
	assert_int_equal(doc.lines[1].value_len, 3);
	assert_formats_to(&doc, conf, sizeof(conf) - 1);
	assert_edit_refused(&doc, "105.conf:1: bytes that are not UTF-8");
	pt_pveconf_done(&doc);
}

static void test_huge_description(void **state)
{
	size_t n = PT_PVECONF_MAX_FILE - 100;
	char *buf = malloc(PT_PVECONF_MAX_FILE + 2);
	struct pt_pveconf_doc doc;

	(void)state;
	/* a 1 MiB description line: larger than pmxcfs stores */
	buf[0] = '#';
	memset(buf + 1, 'a', PT_PVECONF_MAX_FILE);
	buf[PT_PVECONF_MAX_FILE + 1] = '\n';
	assert_int_equal(
		pt_pveconf_parse(buf, PT_PVECONF_MAX_FILE + 2, "x/qemu-server/1.conf", 1, &doc),
		-EFBIG);
	/* just under it: a line and a description too long for Proxmox */
	buf[n - 1] = '\n';
	assert_int_equal(pt_pveconf_parse(buf, n, "x/qemu-server/1.conf", 1, &doc), 0);
	assert_int_equal(doc.n_problems, 2);
	assert_true(problem(&doc, PT_PVECONF_LINE_TOO_LONG, 1)->blocks_edit);
	assert_true(problem(&doc, PT_PVECONF_DESCRIPTION_TOO_LONG, 1)->blocks_edit);
	assert_formats_to(&doc, buf, n);
	assert_edit_refused(&doc, "x/qemu-server/1.conf:1: line of");
	pt_pveconf_done(&doc);
	/* 8192 characters are fine, 8193 are not (characters, not bytes: é is two) */
	for (size_t i = 0; i < 8192; i++)
		memcpy(buf + 1 + 2 * i, "\xc3\xa9", 2);
	buf[1 + 2 * 8192] = '\n';
	assert_int_equal(pt_pveconf_parse(buf, 2 + 2 * 8192, "x/qemu-server/1.conf", 1, &doc), 0);
	assert_int_equal(doc.n_problems, 0);
	assert_int_equal(doc.sections[0].description_len, 2 * 8192);
	pt_pveconf_done(&doc);
	memcpy(buf + 1 + 2 * 8192, "x\n", 2);
	assert_int_equal(pt_pveconf_parse(buf, 3 + 2 * 8192, "x/qemu-server/1.conf", 1, &doc), 0);
	problem(&doc, PT_PVECONF_DESCRIPTION_TOO_LONG, 1);
	pt_pveconf_done(&doc);
	free(buf);
}

static void test_odd_headers(void **state)
{
	static const char conf[] = "cores: 1\n"
				   "[PEND\x01ING]\n"
				   "numa: 1\n"
				   "[a]\n"
				   "[ab] \t\n"
				   "[ab]x\n"
				   " [cd]\n"
				   "[pending]\n"
				   "[special:CloudInit]\n"
				   "name: x\n"
				   "[special:fleecing]\n"
				   "name: y\n"
				   "[]\n";
	struct pt_pveconf_doc doc;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	assert_proxmox(problem(&doc, PT_PVECONF_UNKNOWN_SECTION, 2),
		       "vm 105 - skipping unknown section: 'PEND\x01ING'\n");
	assert_string_equal(problem(&doc, PT_PVECONF_UNKNOWN_SECTION, 2)->message,
			    "skipping unknown section: 'PEND\\x01ING'");
	assert_int_equal(doc.lines[2].kind, PT_PVECONF_LINE_SKIPPED);
	/* a one-letter name is no snapshot */
	problem(&doc, PT_PVECONF_UNKNOWN_SECTION, 4);
	assert_int_equal(doc.sections[3].kind, PT_PVECONF_SNAPSHOT);
	assert_string_equal(doc.sections[3].name, "ab");
	/* text after ']' or before '[' is no header */
	assert_proxmox(problem(&doc, PT_PVECONF_UNPARSABLE, 6),
		       "vm 105 - unable to parse config: [ab]x\n");
	problem(&doc, PT_PVECONF_UNPARSABLE, 7);
	assert_int_equal(doc.sections[4].kind, PT_PVECONF_PENDING);
	/* the special section's name is matched in any case but looked up as written */
	assert_int_equal(doc.sections[5].kind, PT_PVECONF_SPECIAL);
	assert_string_equal(doc.sections[5].name, "CloudInit");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 10),
		       "vm 105 - unable to parse value of 'name' - check_type: no schema "
		       "defined\n");
	assert_proxmox(problem(&doc, PT_PVECONF_UNKNOWN_KEY, 12),
		       "vm 105 - unable to parse value of 'name' - unknown setting 'name'\n");
	problem(&doc, PT_PVECONF_UNKNOWN_SECTION, 13);
	assert_formats_to(&doc, conf, sizeof(conf) - 1);
	assert_edit_refused(&doc, "105.conf:6: unable to parse config: [ab]x");
	pt_pveconf_done(&doc);
}

static void test_propstr_duplicate_key(void **state)
{
	static const char conf[] = "vga: std,type=qxl\n"
				   "memory: 1024,current=2048\n"
				   "machine: q35,viommu=intel,viommu=virtio\n"
				   "memory: 8\n";
	struct pt_pveconf_doc doc;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 1),
		       "vm 105 - unable to parse value of 'vga' - duplicate key in "
		       "comma-separated list property: type\n");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 2),
		       "vm 105 - unable to parse value of 'memory' - duplicate key in "
		       "comma-separated list property: current\n");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 3),
		       "vm 105 - unable to parse value of 'machine' - duplicate key in "
		       "comma-separated list property: viommu\n");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 4),
		       "vm 105 - unable to parse value of 'memory' - format error\n"
		       "current: value must have a minimum value of 16\n");
	assert_string_equal(problem(&doc, PT_PVECONF_BAD_VALUE, 4)->message,
			    "unable to parse value of 'memory' - format error; current: value "
			    "must have a minimum value of 16");
	/* the two memory lines are a duplicate key too, and every bad line is dropped */
	problem(&doc, PT_PVECONF_DUPLICATE_KEY, 4);
	assert_null(pt_pveconf_get(&doc, pt_pveconf_main(&doc), "memory"));
	assert_formats_to(&doc, conf, sizeof(conf) - 1);
	pt_pveconf_done(&doc);
}

/* hostpciN values are judged with qemu-server's $hostpci_fmt: a bad one is dropped. */
static void test_hostpci_values(void **state)
{
	static const char conf[] = "hostpci0: 0000:01:00,pcie=1,x-vga=1\n"
				   "hostpci1: 01:00.A\n"
				   "hostpci2: 02:00,pcie=1,pcie=0\n"
				   "hostpci3: 03:00,rom-bar=0\n"
				   "hostpci4: 04:00,x-vga=maybe\n"
				   "hostpci5: mapping=g\n"
				   "hostpci6: mapping=gpu0,rombar=off\n";
	const struct pt_pveconf_section *m;
	struct pt_pveconf_doc doc;
	char *reason = NULL;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	m = pt_pveconf_main(&doc);
	assert_string_equal(pt_pveconf_get(&doc, m, "hostpci0")->effective,
			    "0000:01:00,pcie=1,x-vga=1");
	/* kept as written: Proxmox parses the value again where it uses it */
	assert_string_equal(pt_pveconf_get(&doc, m, "hostpci6")->effective,
			    "mapping=gpu0,rombar=off");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 2),
		       "vm 105 - unable to parse value of 'hostpci1' - format error\n"
		       "host: value does not match the regex pattern\n");
	assert_string_equal(problem(&doc, PT_PVECONF_BAD_VALUE, 2)->key, "hostpci1");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 3),
		       "vm 105 - unable to parse value of 'hostpci2' - duplicate key in "
		       "comma-separated list property: pcie\n");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 4),
		       "vm 105 - unable to parse value of 'hostpci3' - invalid key in "
		       "comma-separated list property: rom-bar\n");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 5),
		       "vm 105 - unable to parse value of 'hostpci4' - format error\n"
		       "x-vga: type check ('boolean') failed - got 'maybe'\n");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 6),
		       "vm 105 - unable to parse value of 'hostpci5' - format error\n"
		       "mapping: invalid format - invalid configuration ID 'g'\n\n");
	/* one line, the empty line after the format's message left out */
	assert_string_equal(problem(&doc, PT_PVECONF_BAD_VALUE, 6)->message,
			    "unable to parse value of 'hostpci5' - format error; mapping: invalid "
			    "format - invalid configuration ID 'g'");
	assert_int_equal(doc.n_problems, 5);
	for (unsigned i = 1; i <= 5; i++) {
		char key[16];

		snprintf(key, sizeof(key), "hostpci%u", i);
		assert_null(pt_pveconf_get(&doc, m, key));
	}
	/* strict mode dies with the first */
	assert_ptr_equal(pt_pveconf_strict_error(&doc), problem(&doc, PT_PVECONF_BAD_VALUE, 2));
	/* a bad value is not written; a good one is */
	assert_int_equal(pt_pveconf_set(&doc, "hostpci7", "07:00,pcie=2", &reason), -EINVAL);
	assert_non_null(strstr(reason, "pcie: type check ('boolean') failed - got '2'"));
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "hostpci7", "07:00,pcie=1", NULL), 0);
	pt_pveconf_done(&doc);
}

static void test_values(void **state)
{
	static const char conf[] = "numa: Yes\n"
				   "onboot:off\n"
				   "balloon: 007\n"
				   "cpulimit: 1.5\n"
				   "cores:  4 \t\n"
				   "args:   \n"
				   "keyboard: \"de\"\n"
				   "bios: OVMF\n"
				   "hugepages: 1024\n"
				   "machine: pc-q35-9.2+pve1\n"
				   "vga: none\n"
				   "balloon2: 1\n"
				   "sockets: -1\n"
				   "cdrom: local:iso/x.iso\n"
				   "name: a\rb\n";
	const struct pt_pveconf_section *m;
	struct pt_pveconf_doc doc;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	m = pt_pveconf_main(&doc);
	assert_string_equal(pt_pveconf_get(&doc, m, "numa")->effective, "1");
	assert_string_equal(pt_pveconf_get(&doc, m, "numa")->value, "Yes");
	assert_string_equal(pt_pveconf_get(&doc, m, "onboot")->effective, "0");
	assert_string_equal(pt_pveconf_get(&doc, m, "balloon")->effective, "7");
	assert_string_equal(pt_pveconf_get(&doc, m, "cpulimit")->effective, "1.5");
	assert_string_equal(pt_pveconf_get(&doc, m, "cores")->value, "4");
	/* nothing but white space after "args:": Proxmox's regex keeps one space */
	assert_string_equal(pt_pveconf_get(&doc, m, "args")->value, " ");
	assert_string_equal(pt_pveconf_get(&doc, m, "keyboard")->effective, "de");
	assert_string_equal(pt_pveconf_get(&doc, m, "bios")->effective, "OVMF");
	assert_null(problem(&doc, PT_PVECONF_NOT_IN_ENUM, 8)->proxmox);
	assert_string_equal(pt_pveconf_get(&doc, m, "machine")->effective, "pc-q35-9.2+pve1");
	assert_string_equal(pt_pveconf_get(&doc, m, "ide2")->key, "cdrom");
	problem(&doc, PT_PVECONF_UNKNOWN_KEY, 12);
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 13),
		       "vm 105 - unable to parse value of 'sockets' - type check ('integer') "
		       "failed - got '-1'\n");
	assert_proxmox(problem(&doc, PT_PVECONF_BAD_VALUE, 15),
		       "vm 105 - unable to parse value of 'name' - property contains a line "
		       "feed\n");
	assert_proxmox(pt_pveconf_strict_error(&doc),
		       "vm 105 - unable to parse value of 'balloon2' - unknown setting "
		       "'balloon2'\n");
	pt_pveconf_done(&doc);
}

static void test_special_lines(void **state)
{
	static const char conf[] = "#first %41%3a%zz\n"
				   "cores: 1\n"
				   "#second\n"
				   "description: third\n"
				   "delete: net0\n"
				   "name: x snapstate: prepare\n"
				   "balloon:\n"
				   "#%C2%A0  \n"
				   "[PENDING]\n"
				   "delete: net0,!hostpci0\n"
				   "#\n"
				   "[special:cloudinit]\n"
				   "anything: goes\n";
	struct pt_pveconf_doc doc;
	const struct pt_pveconf_section *pending;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	assert_memory_equal(doc.lines[0].text, "first A:%zz", 11);
	/* '#' lines joined by '\n', "description:" appended as is, trailing white space cut
	   (the decoded text's: U+00A0 counts) */
	assert_int_equal(doc.sections[0].description_len, strlen("first A:%zz\nsecond\nthird"));
	assert_memory_equal(doc.sections[0].description, "first A:%zz\nsecond\nthird",
			    doc.sections[0].description_len);
	assert_proxmox(problem(&doc, PT_PVECONF_DELETE_OUTSIDE_PENDING, 5),
		       "vm 105 - property 'delete' is only allowed in [PENDING]\n");
	/* snapstate is matched anywhere in a line */
	assert_string_equal(doc.lines[5].key, "snapstate");
	assert_string_equal(doc.lines[5].value, "prepare");
	assert_proxmox(problem(&doc, PT_PVECONF_UNPARSABLE, 7),
		       "vm 105 - unable to parse config: balloon:\n");
	pending = pt_pveconf_section(&doc, PT_PVECONF_PENDING, NULL);
	assert_string_equal(pt_pveconf_get(&doc, pending, "delete")->value, "net0,!hostpci0");
	assert_int_equal(pending->description_len, 0);
	assert_non_null(pending->description);
	assert_string_equal(doc.lines[12].effective, "goes");
	assert_int_equal(doc.n_problems, 2);
	pt_pveconf_done(&doc);
}

static void test_duplicate_sections(void **state)
{
	static const char conf[] = "cores: 1\n[snap]\ncores: 2\n[Snap]\n[snap]\ncores: 3\n";
	struct pt_pveconf_doc doc;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	assert_proxmox(problem(&doc, PT_PVECONF_DUPLICATE_SECTION, 5),
		       "vm 105 - duplicate snapshot section: snap\n");
	assert_true(doc.sections[1].superseded);
	assert_false(doc.sections[2].superseded); /* names are case-sensitive */
	assert_string_equal(
		pt_pveconf_get(&doc, pt_pveconf_section(&doc, PT_PVECONF_SNAPSHOT, "snap"), "cores")
			->value,
		"3");
	assert_edit_refused(&doc, "105.conf:5: duplicate snapshot section: snap");
	pt_pveconf_done(&doc);
}

static void test_edits(void **state)
{
	static const char conf[] = "# the VM\nbootdisk: scsi0\nmemory: 2048\n\n[PENDING]\nbios: "
				   "ovmf";
	static const char no_nl[] = "cores: 1";
	struct pt_pveconf_doc doc;
	char *reason = NULL;

	(void)state;
	assert_int_equal(PARSE(conf, &doc), 0);
	/* sorted in, after the description, never past the main section */
	assert_int_equal(pt_pveconf_set(&doc, "balloon", "0", NULL), 0);
	assert_int_equal(pt_pveconf_set(&doc, "machine", "q35", NULL), 0);
	assert_int_equal(pt_pveconf_set(&doc, "numa", "1", NULL), 0);
	assert_int_equal(pt_pveconf_set(&doc, "memory", "4096", NULL), 0);
	assert_int_equal(pt_pveconf_delete(&doc, "bootdisk", NULL), 0);
	assert_int_equal(pt_pveconf_delete(&doc, "bootdisk", NULL), -ENOENT);
	assert_int_equal(pt_pveconf_delete(&doc, "bios", NULL), -ENOENT); /* only in [PENDING] */
	assert_formats_to(&doc,
			  "# the VM\nballoon: 0\nmachine: q35\nmemory: 4096\nnuma: 1\n\n[PENDING]\n"
			  "bios: ovmf",
			  strlen("# the VM\nballoon: 0\nmachine: q35\nmemory: 4096\nnuma: 1\n\n["
				 "PENDING]\nbios: ovmf"));
	/* refusals leave the document as it was */
	assert_int_equal(pt_pveconf_set(&doc, "numa", "yes", &reason), -EINVAL);
	assert_string_equal(reason, "Proxmox reads 'numa: yes' as '1'; write that instead");
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "numa", "maybe", &reason), -EINVAL);
	assert_non_null(strstr(reason, "type check ('boolean') failed - got 'maybe'"));
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "bios", "OVMF", &reason), -EINVAL);
	assert_non_null(strstr(reason, "not one Proxmox knows"));
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "hostpci16", "01:00", &reason), -EINVAL);
	assert_string_equal(reason, "'hostpci16' is not a VM option qemu-server knows");
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "description", "x", &reason), -EINVAL);
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "args", " -x", &reason), -EINVAL);
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "args", "a\nb: c", &reason), -EINVAL);
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "Cores", "1", &reason), -EINVAL);
	free(reason);
	assert_int_equal(pt_pveconf_set(&doc, "vga", "std,type=qxl", &reason), -EINVAL);
	assert_non_null(strstr(reason, "duplicate key in comma-separated list property: type"));
	free(reason);
	assert_int_equal(doc.n_problems, 0);
	pt_pveconf_done(&doc);

	/* a file without a final newline keeps not having one */
	assert_int_equal(PARSE(no_nl, &doc), 0);
	assert_int_equal(pt_pveconf_set(&doc, "memory", "512", NULL), 0);
	assert_int_equal(pt_pveconf_set(&doc, "cores", "2", NULL), 0);
	assert_formats_to(&doc, "cores: 2\nmemory: 512", strlen("cores: 2\nmemory: 512"));
	assert_int_equal(pt_pveconf_delete(&doc, "memory", NULL), 0);
	assert_formats_to(&doc, "cores: 2\n", strlen("cores: 2\n"));
	pt_pveconf_done(&doc);

	/* an empty file */
	assert_int_equal(pt_pveconf_parse("", 0, "/x/qemu-server/1.conf", 1, &doc), 0);
	assert_int_equal(doc.n_lines, 0);
	assert_int_equal(pt_pveconf_set(&doc, "memory", "512", NULL), 0);
	assert_formats_to(&doc, "memory: 512\n", strlen("memory: 512\n"));
	pt_pveconf_done(&doc);
}

static void test_vmid_from_path(void **state)
{
	unsigned long id = 0;

	(void)state;
	assert_int_equal(pt_pveconf_vmid_from_path("/etc/pve/qemu-server/105.conf", &id), 0);
	assert_int_equal(id, 105);
	assert_int_equal(
		pt_pveconf_vmid_from_path("/etc/pve/nodes/pve1/qemu-server/8006.conf", &id), 0);
	assert_int_equal(id, 8006);
	assert_int_equal(pt_pveconf_vmid_from_path("/etc/pve/qemu-server/x105.conf", &id), -EINVAL);
	assert_int_equal(pt_pveconf_vmid_from_path("qemu-server/105.conf", &id), -EINVAL);
	assert_int_equal(pt_pveconf_vmid_from_path("/etc/pve/qemu-server/.conf", &id), -EINVAL);
	assert_int_equal(pt_pveconf_vmid_from_path("/etc/pve/lxc/105.conf", &id), -EINVAL);
	assert_int_equal(
		pt_pveconf_vmid_from_path("/q/qemu-server/99999999999999999999999.conf", &id),
		-ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_round_trip),
		cmocka_unit_test(test_corpus_problems),
		cmocka_unit_test(test_corpus_strict),
		cmocka_unit_test(test_corpus_what_proxmox_keeps),
		cmocka_unit_test(test_corpus_edits),
		cmocka_unit_test(test_corpus_edits_touch_one_line),
		cmocka_unit_test(test_unknown_and_hostpci16),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_invalid_utf8_and_nul),
		cmocka_unit_test(test_huge_description),
		cmocka_unit_test(test_odd_headers),
		cmocka_unit_test(test_propstr_duplicate_key),
		cmocka_unit_test(test_hostpci_values),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_special_lines),
		cmocka_unit_test(test_duplicate_sections),
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_vmid_from_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
