/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "util/lines.h"

#define MANIFEST_MAX_EDITS 1024
#define MANIFEST_MAX_RUNS  64
#define MANIFEST_MAX_WORDS 64

bool pt_manifest_path_ok(const char *path)
{
	const char *c = path;

	if (path[0] != '/' || !path[1])
		return false;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	/* Components: no empty, ".", ".." (the last may not be empty either). */
	while (*c == '/') {
		const char *end = strchrnul(c + 1, '/');
		size_t n = (size_t)(end - c - 1);

		if (n == 0 || (n == 1 && c[1] == '.') || (n == 2 && c[1] == '.' && c[2] == '.'))
			return false;
		c = end;
	}
	return true;
}

bool pt_manifest_word_ok(const char *word)
{
	if (!word || !*word)
		return false;
	for (const char *p = word; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

void pt_manifest_done(struct pt_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->edits[i].path);
	free(m->edits);
	for (size_t i = 0; i < m->nruns; i++)
		pt_strv_done(&m->runs[i]);
	free(m->runs);
	pt_strv_done(&m->mkdirs);
	memset(m, 0, sizeof(*m));
}

/* Splits off the next space-separated word of [*p, end); NULL when there is none. */
static const char *word(const char **p, const char *end, size_t *ret_len)
{
	const char *s = *p, *e;

	if (s >= end)
		return NULL;
	e = memchr(s, ' ', (size_t)(end - s));
	if (!e)
		e = end;
	*ret_len = (size_t)(e - s);
	*p = e < end ? e + 1 : end;
	return *ret_len ? s : NULL;
}

static bool word_is(const char *w, size_t n, const char *lit)
{
	return w && strlen(lit) == n && memcmp(w, lit, n) == 0;
}

static int parse_num(const char *w, size_t n, int base, unsigned long long max,
		     unsigned long long *ret)
{
	unsigned long long v = 0;

	if (!w || !n || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(w[i] - '0');

		if (w[i] < '0' || d >= (unsigned)base || v > (max - d) / (unsigned)base)
			return -EINVAL;
		v = v * (unsigned)base + d;
	}
	*ret = v;
	return 0;
}

static int take_path(const char *p, const char *end, char **ret)
{
	char *s;

	if (p >= end)
		return -EINVAL;
	s = strndup(p, (size_t)(end - p));
	if (!s)
		return -ENOMEM;
	if (strlen(s) != (size_t)(end - p) || !pt_manifest_path_ok(s)) {
		free(s);
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

/* "run WORD...": the words as an argv. */
static int parse_run(struct pt_manifest *m, const char *p, const char *end)
{
	struct pt_strv argv = {0}, *grown;
	const char *w;
	size_t n;
	int e = 0;

	if (m->version < 2 || m->nruns >= MANIFEST_MAX_RUNS || p >= end || end[-1] == ' ')
		return -EINVAL;
	while (e >= 0 && (w = word(&p, end, &n))) {
		char *s = strndup(w, n);

		if (!s)
			e = -ENOMEM;
		else if (argv.n >= MANIFEST_MAX_WORDS || !pt_manifest_word_ok(s) || strlen(s) != n)
			free(s), e = -EINVAL;
		else
			e = pt_strv_consume(&argv, s);
	}
	/* An empty word (two spaces, a trailing space) stops word() early. */
	if (e >= 0 && (p != end || argv.n == 0))
		e = -EINVAL;
	grown = e >= 0 ? realloc(m->runs, (m->nruns + 1) * sizeof(*m->runs)) : NULL;
	if (!grown) {
		pt_strv_done(&argv);
		return e < 0 ? e : -ENOMEM;
	}
	m->runs = grown;
	m->runs[m->nruns++] = argv;
	return 0;
}

static int parse_line(struct pt_manifest *m, const char *p, const char *end)
{
	unsigned long long v;
	const char *w;
	size_t n;
	int e;

	w = word(&p, end, &n);
	if (word_is(w, n, "time")) {
		w = word(&p, end, &n);
		if (p != end || parse_num(w, n, 10, (1ull << 62), &v) < 0)
			return -EINVAL;
		m->time = (long long)v;
		return 0;
	}
	if (word_is(w, n, "run"))
		return parse_run(m, p, end);
	if (word_is(w, n, "mkdir")) {
		char *path;

		if ((e = take_path(p, end, &path)) < 0)
			return e;
		return pt_strv_consume(&m->mkdirs, path);
	}
	if (word_is(w, n, "edit")) {
		struct pt_manifest_edit ed = {0}, *grown;

		if (m->n >= MANIFEST_MAX_EDITS)
			return -EINVAL;
		w = word(&p, end, &n);
		if (parse_num(w, n, 10, MANIFEST_MAX_EDITS, &v) < 0 || v != m->n)
			return -EINVAL;
		ed.idx = (unsigned)v;
		w = word(&p, end, &n);
		if (word_is(w, n, "absent"))
			ed.old_absent = true;
		else if (!word_is(w, n, "file"))
			return -EINVAL;
		w = word(&p, end, &n);
		if (word_is(w, n, "delete"))
			ed.delete = true;
		else if (!word_is(w, n, "write"))
			return -EINVAL;
		if (ed.old_absent && ed.delete)
			return -EINVAL;
		w = word(&p, end, &n);
		if (parse_num(w, n, 8, 07777, &v) < 0)
			return -EINVAL;
		ed.mode = (unsigned)v;
		if ((e = take_path(p, end, &ed.path)) < 0)
			return e;
		grown = realloc(m->edits, (m->n + 1) * sizeof(*m->edits));
		if (!grown) {
			free(ed.path);
			return -ENOMEM;
		}
		m->edits = grown;
		m->edits[m->n++] = ed;
		return 0;
	}
	return -EINVAL;
}

int pt_manifest_parse(const char *buf, size_t len, struct pt_manifest *ret, unsigned *ret_line)
{
	static const char magic[] = "passthru-journal ";
	struct pt_manifest m = {0};
	struct pt_lines it;
	const char *p;
	size_t n;
	int e = 0;

	*ret_line = 1;
	if (len < sizeof(magic) + 1 || memcmp(buf, magic, sizeof(magic) - 1) != 0 ||
	    (buf[sizeof(magic) - 1] != '1' && buf[sizeof(magic) - 1] != '2') ||
	    buf[sizeof(magic)] != '\n')
		return -EINVAL;
	m.version = buf[sizeof(magic) - 1] - '0';
	it = PT_LINES_INIT(buf + sizeof(magic) + 1, len - sizeof(magic) - 1);
	while (pt_lines_next(&it, &p, &n)) {
		if (!it.has_nl) {
			e = -EINVAL; /* every line ends with a newline: a torn write shows */
			break;
		}
		if ((e = parse_line(&m, p, p + n)) < 0)
			break;
	}
	if (e < 0) {
		*ret_line = it.no + 1; /* after the magic line */
		pt_manifest_done(&m);
		return e;
	}
	*ret = m;
	return 0;
}

int pt_manifest_format(const struct pt_manifest *m, struct pt_strbuf *out)
{
	int e = pt_strbuf_printf(out, "passthru-journal 2\ntime %lld\n", m->time);

	for (size_t i = 0; e >= 0 && i < m->mkdirs.n; i++)
		e = pt_strbuf_printf(out, "mkdir %s\n", m->mkdirs.v[i]);
	for (size_t i = 0; e >= 0 && i < m->n; i++) {
		const struct pt_manifest_edit *ed = &m->edits[i];

		e = pt_strbuf_printf(out, "edit %zu %s %s %04o %s\n", i,
				     ed->old_absent ? "absent" : "file",
				     ed->delete ? "delete" : "write", ed->mode & 07777, ed->path);
	}
	for (size_t i = 0; e >= 0 && i < m->nruns; i++) {
		for (size_t k = 0; k < m->runs[i].n; k++)
			if (!pt_manifest_word_ok(m->runs[i].v[k]))
				return -EINVAL;
		e = pt_strbuf_puts(out, "run");
		for (size_t k = 0; e >= 0 && k < m->runs[i].n; k++)
			e = pt_strbuf_printf(out, " %s", m->runs[i].v[k]);
		if (e >= 0)
			e = pt_strbuf_putc(out, '\n');
	}
	return e < 0 ? e : 0;
}
