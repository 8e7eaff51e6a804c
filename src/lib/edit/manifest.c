/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "util/bdf.h"
#include "util/lines.h"
#include "util/macro.h"

#define MANIFEST_MAX_EDITS  1024
#define MANIFEST_MAX_RUNS   64
#define MANIFEST_MAX_WORDS  64
#define MANIFEST_MAX_DEVS   256
#define MANIFEST_MAX_WRITES 16
#define MANIFEST_MAX_GROUPS 256
#define MANIFEST_MAX_WORD   256 /* a boot id, a driver name, a sysfs value */

/* While a device is parsed, its undo expectation is "not seen yet" until its undo line. */
#define UNDO_UNSEEN ((enum pt_dev_on) - 1)

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
	for (size_t i = 0; i < m->nundo_runs; i++)
		pt_strv_done(&m->undo_runs[i]);
	free(m->undo_runs);
	for (size_t i = 0; i < m->ndevs; i++)
		pt_txn_dev_done(&m->devs[i]);
	free(m->devs);
	free(m->steps);
	pt_groups_done(&m->undo_idle);
	pt_strv_done(&m->mkdirs);
	pt_strv_done(&m->locks);
	free(m->boot);
	memset(m, 0, sizeof(*m));
}

/* ---- parsing ---- */

/* The line being parsed: [p, end), p advancing word by word. */
struct cursor {
	const char *p, *end;
};

/* Splits off the next space-separated word; NULL when there is none (or it is empty). */
static const char *word(struct cursor *c, size_t *ret_len)
{
	const char *s = c->p, *e;

	if (s >= c->end)
		return NULL;
	e = memchr(s, ' ', (size_t)(c->end - s));
	if (!e)
		e = c->end;
	*ret_len = (size_t)(e - s);
	c->p = e < c->end ? e + 1 : c->end;
	return *ret_len ? s : NULL;
}

static bool word_is(const char *w, size_t n, const char *lit)
{
	return w && strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* The next word as a string that pt_manifest_word_ok accepts; -EINVAL otherwise. */
static int take_word(struct cursor *c, char **ret)
{
	size_t n;
	const char *w = word(c, &n);

	if (!w || n > MANIFEST_MAX_WORD)
		return -EINVAL;
	if (!(*ret = strndup(w, n)))
		return -ENOMEM;
	if (strlen(*ret) != n || !pt_manifest_word_ok(*ret)) {
		*ret = pt_free(*ret);
		return -EINVAL;
	}
	return 0;
}

/* The word must be the last of the line. */
static bool at_end(const struct cursor *c, const char *last)
{
	return c->p == c->end && c->end[-1] != ' ' && last;
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

static int add_step(struct pt_manifest *m, enum pt_txn_step_kind kind, size_t idx)
{
	struct pt_txn_step *grown = realloc(m->steps, (m->nsteps + 1) * sizeof(*m->steps));

	if (!grown)
		return -ENOMEM;
	m->steps = grown;
	m->steps[m->nsteps++] = (struct pt_txn_step){kind, idx};
	return 0;
}

/* The words of [p, end) as an argv. */
static int parse_argv(const char *p, const char *end, struct pt_strv *ret)
{
	struct cursor c = {p, end};
	struct pt_strv argv = {0};
	const char *w;
	size_t n;
	int e = 0;

	if (p >= end || end[-1] == ' ')
		return -EINVAL;
	while (e >= 0 && (w = word(&c, &n))) {
		char *s = strndup(w, n);

		if (!s)
			e = -ENOMEM;
		else if (argv.n >= MANIFEST_MAX_WORDS || !pt_manifest_word_ok(s) || strlen(s) != n)
			free(s), e = -EINVAL;
		else
			e = pt_strv_consume(&argv, s);
	}
	/* An empty word (two spaces, a trailing space) stops word() early. */
	if (e >= 0 && (c.p != end || argv.n == 0))
		e = -EINVAL;
	if (e < 0) {
		pt_strv_done(&argv);
		return e;
	}
	*ret = argv;
	return 0;
}

/* Appends the argv of "run WORD..." or "undo-run WORD..." to *v. */
static int parse_run(struct pt_strv **v, size_t *n, const char *p, const char *end)
{
	struct pt_strv argv, *grown;
	int e;

	if (*n >= MANIFEST_MAX_RUNS)
		return -EINVAL;
	if ((e = parse_argv(p, end, &argv)) < 0)
		return e;
	grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (!grown) {
		pt_strv_done(&argv);
		return -ENOMEM;
	}
	*v = grown;
	(*v)[(*n)++] = argv;
	return 0;
}

static int parse_edit(struct pt_manifest *m, struct cursor *c)
{
	struct pt_manifest_edit ed = {0}, *grown;
	unsigned long long v;
	const char *w;
	size_t n;
	int e;

	if (m->n >= MANIFEST_MAX_EDITS)
		return -EINVAL;
	w = word(c, &n);
	if (parse_num(w, n, 10, MANIFEST_MAX_EDITS, &v) < 0 || v != m->n)
		return -EINVAL;
	ed.idx = (unsigned)v;
	w = word(c, &n);
	if (word_is(w, n, "absent"))
		ed.old_absent = true;
	else if (!word_is(w, n, "file"))
		return -EINVAL;
	w = word(c, &n);
	if (word_is(w, n, "delete"))
		ed.delete = true;
	else if (!word_is(w, n, "write"))
		return -EINVAL;
	if (ed.old_absent && ed.delete)
		return -EINVAL;
	w = word(c, &n);
	if (parse_num(w, n, 8, 07777, &v) < 0)
		return -EINVAL;
	ed.mode = (unsigned)v;
	if ((e = take_path(c->p, c->end, &ed.path)) < 0)
		return e;
	grown = realloc(m->edits, (m->n + 1) * sizeof(*m->edits));
	if (!grown || add_step(m, PT_STEP_EDIT, m->n) < 0) {
		if (grown)
			m->edits = grown;
		free(ed.path);
		return -ENOMEM;
	}
	m->edits = grown;
	m->edits[m->n++] = ed;
	return 0;
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A value word with its \xHH escapes resolved (lower-case hex; no NUL, not empty). */
static int unescape(const char *w, char **ret)
{
	size_t n = strlen(w), k = 0;
	char *s = malloc(n + 1);

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (w[i] != '\\') {
			s[k++] = w[i];
			continue;
		}
		if (i + 3 >= n || w[i + 1] != 'x' || (hi = hex(w[i + 2])) < 0 ||
		    (lo = hex(w[i + 3])) < 0 || (hi | lo) == 0) {
			free(s);
			return -EINVAL;
		}
		s[k++] = (char)(hi << 4 | lo);
		i += 3;
	}
	s[k] = '\0';
	*ret = s;
	return 0;
}

/* "must|if-present PATH VALUE", the rest of a sysfs or undo-sysfs line. */
static int parse_write(struct pt_txn_dev *d, bool undo, struct cursor *c)
{
	char *path = NULL, *raw = NULL, *value = NULL;
	bool if_present = false;
	size_t n, *count = undo ? &d->nundo : &d->nwrites;
	const char *w = word(c, &n);
	int e = 0;

	if (word_is(w, n, "if-present"))
		if_present = true;
	else if (!word_is(w, n, "must"))
		return -EINVAL;
	if (*count >= MANIFEST_MAX_WRITES)
		return -EINVAL;
	if ((e = take_word(c, &path)) < 0 || (e = take_word(c, &raw)) < 0 ||
	    (e = unescape(raw, &value)) < 0)
		goto out;
	if (!at_end(c, raw) || !pt_manifest_path_ok(path) || strncmp(path, "/sys/", 5) != 0)
		e = -EINVAL;
	if (e >= 0)
		e = pt_txn_dev_write(d, undo, path, value, if_present);
out:
	free(path);
	free(raw);
	free(value);
	return e;
}

/* "on|none|off DRIVER OVERRIDE": DRIVER "-" exactly for none, OVERRIDE "-" for unset. */
static int parse_expect(struct pt_txn_dev *d, bool undo, struct cursor *c)
{
	static const char *const ons[] = {
		[PT_DEV_ON] = "on", [PT_DEV_NONE] = "none", [PT_DEV_OFF] = "off"};
	char *drv = NULL, *ov = NULL;
	size_t n;
	const char *w = word(c, &n);
	int on = -1, e;

	for (size_t i = 0; i < ELEMENTSOF(ons); i++)
		if (word_is(w, n, ons[i]))
			on = (int)i;
	if (on < 0)
		return -EINVAL;
	if ((e = take_word(c, &drv)) >= 0 && (e = take_word(c, &ov)) >= 0 && !at_end(c, ov))
		e = -EINVAL;
	if (e >= 0 && (on == PT_DEV_NONE) != streq(drv, "-"))
		e = -EINVAL;
	if (e >= 0)
		e = pt_txn_dev_expect(d, undo, (enum pt_dev_on)on, streq(drv, "-") ? NULL : drv,
				      streq(ov, "-") ? NULL : ov);
	free(drv);
	free(ov);
	return e;
}

static int parse_device(struct pt_manifest *m, struct cursor *c)
{
	struct pt_txn_dev *grown, *d;
	char *slot = NULL, canon[PT_BDF_STRLEN];
	struct pt_bdf b;
	int e;

	if (m->ndevs >= MANIFEST_MAX_DEVS)
		return -EINVAL;
	if ((e = take_word(c, &slot)) < 0)
		return e;
	if (pt_bdf_parse(slot, strlen(slot), &b) < 0 || !streq(pt_bdf_format(&b, canon), slot)) {
		free(slot);
		return -EINVAL;
	}
	grown = realloc(m->devs, (m->ndevs + 1) * sizeof(*m->devs));
	if (!grown || add_step(m, PT_STEP_DEV, m->ndevs) < 0) {
		if (grown)
			m->devs = grown;
		free(slot);
		return -ENOMEM;
	}
	m->devs = grown;
	d = &m->devs[m->ndevs++];
	*d = (struct pt_txn_dev){.slot = slot, .took = SIZE_MAX, .undo_expect.on = UNDO_UNSEEN};
	return parse_expect(d, false, c);
}

static int parse_group(struct pt_manifest *m, struct cursor *c)
{
	unsigned long long v;
	size_t n;
	const char *w = word(c, &n);

	if (!at_end(c, w) || (n > 1 && w[0] == '0') || parse_num(w, n, 10, 1u << 30, &v) < 0 ||
	    m->undo_idle.n >= MANIFEST_MAX_GROUPS)
		return -EINVAL;
	for (size_t i = 0; i < m->undo_idle.n; i++)
		if (m->undo_idle.v[i] == (int)v)
			return -EINVAL; /* once each: the format writes each once */
	return pt_groups_add(&m->undo_idle, (int)v);
}

/* The device the sysfs and undo lines belong to: the last one, in the right part. */
static struct pt_txn_dev *current_dev(struct pt_manifest *m, bool undo_part)
{
	struct pt_txn_dev *d = m->ndevs ? &m->devs[m->ndevs - 1] : NULL;

	if (!d || (d->undo_expect.on != UNDO_UNSEEN) != undo_part)
		return NULL;
	return d;
}

static int parse_v3_line(struct pt_manifest *m, const char *w, size_t n, struct cursor *c)
{
	struct pt_txn_dev *d;

	if (word_is(w, n, "boot")) {
		if (m->boot || take_word(c, &m->boot) < 0 || !at_end(c, m->boot))
			return -EINVAL;
		return 0;
	}
	if (word_is(w, n, "lock")) {
		char *path;
		int e;

		if (m->version < 4 || (e = take_path(c->p, c->end, &path)) < 0)
			return m->version < 4 ? -EINVAL : e;
		return pt_strv_consume(&m->locks, path);
	}
	if (word_is(w, n, "device"))
		return parse_device(m, c);
	if (word_is(w, n, "sysfs"))
		return (d = current_dev(m, false)) ? parse_write(d, false, c) : -EINVAL;
	if (word_is(w, n, "undo")) {
		if (!(d = current_dev(m, false)))
			return -EINVAL;
		d->undo_expect.on = PT_DEV_ON;
		return parse_expect(d, true, c);
	}
	if (word_is(w, n, "undo-sysfs"))
		return (d = current_dev(m, true)) ? parse_write(d, true, c) : -EINVAL;
	if (word_is(w, n, "undo-run"))
		return parse_run(&m->undo_runs, &m->nundo_runs, c->p, c->end);
	if (word_is(w, n, "undo-idle-group"))
		return parse_group(m, c);
	return -EINVAL;
}

static int parse_line(struct pt_manifest *m, const char *p, const char *end)
{
	struct cursor c = {p, end};
	unsigned long long v;
	size_t n;
	const char *w = word(&c, &n);
	int e;

	if (word_is(w, n, "time")) {
		w = word(&c, &n);
		if (c.p != end || parse_num(w, n, 10, (1ull << 62), &v) < 0)
			return -EINVAL;
		m->time = (long long)v;
		return 0;
	}
	if (word_is(w, n, "run")) {
		if (m->version < 2)
			return -EINVAL;
		if ((e = parse_run(&m->runs, &m->nruns, c.p, end)) < 0)
			return e;
		return add_step(m, PT_STEP_CMD, m->nruns - 1);
	}
	if (word_is(w, n, "mkdir")) {
		char *path;

		if ((e = take_path(c.p, end, &path)) < 0)
			return e;
		return pt_strv_consume(&m->mkdirs, path);
	}
	if (word_is(w, n, "edit"))
		return parse_edit(m, &c);
	return m->version >= 3 ? parse_v3_line(m, w, n, &c) : -EINVAL;
}

/* Version 2 ran its commands again at undo: they are its undo commands too. */
static int v2_undo_runs(struct pt_manifest *m)
{
	int e = 0;

	for (size_t i = 0; e >= 0 && i < m->nruns; i++) {
		struct pt_strv copy = {0};

		for (size_t k = 0; e >= 0 && k < m->runs[i].n; k++)
			e = pt_strv_push(&copy, m->runs[i].v[k]);
		if (e >= 0) {
			struct pt_strv *grown = realloc(m->undo_runs, (i + 1) * sizeof(*grown));

			if (!grown)
				e = -ENOMEM;
			else
				(m->undo_runs = grown)[m->nundo_runs++] = copy;
		}
		if (e < 0)
			pt_strv_done(&copy);
	}
	return e;
}

/* What a whole manifest needs: every device's undo line, and the boot with a device. */
static int check_whole(const struct pt_manifest *m)
{
	for (size_t i = 0; i < m->ndevs; i++)
		if (m->devs[i].undo_expect.on == UNDO_UNSEEN)
			return -EINVAL;
	return m->ndevs && !m->boot ? -EINVAL : 0;
}

int pt_manifest_parse(const char *buf, size_t len, struct pt_manifest *ret, unsigned *ret_line)
{
	static const char magic[] = "passthru-journal ";
	struct pt_manifest m = {0};
	struct pt_lines it;
	const char *p;
	size_t n;
	unsigned past_end = 0;
	int e = 0;

	*ret_line = 1;
	if (len < sizeof(magic) + 1 || memcmp(buf, magic, sizeof(magic) - 1) != 0 ||
	    buf[sizeof(magic) - 1] < '1' || buf[sizeof(magic) - 1] > '0' + PT_MANIFEST_VERSION ||
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
	if (e >= 0 && (e = check_whole(&m)) < 0)
		past_end = 1; /* the end of the text is where something is missing */
	if (e >= 0 && m.version == 2)
		e = v2_undo_runs(&m);
	if (e < 0) {
		*ret_line = it.no + 1 + past_end; /* after the magic line */
		pt_manifest_done(&m);
		return e;
	}
	*ret = m;
	return 0;
}

/* ---- formatting ---- */

static int put_argv(struct pt_strbuf *out, const char *verb, const struct pt_strv *argv)
{
	int e = argv->n ? pt_strbuf_puts(out, verb) : -EINVAL;

	for (size_t k = 0; e >= 0 && k < argv->n; k++)
		e = pt_manifest_word_ok(argv->v[k]) ? pt_strbuf_printf(out, " %s", argv->v[k])
						    : -EINVAL;
	return e < 0 ? e : pt_strbuf_putc(out, '\n');
}

static bool value_byte_plain(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && ch != '\\';
}

static int put_write(struct pt_strbuf *out, const char *verb, const struct pt_sysfs_write *w)
{
	struct pt_strbuf v = {0};
	int e = 0;

	for (const char *c = w->value; e >= 0 && *c; c++)
		e = value_byte_plain((unsigned char)*c)
			    ? pt_strbuf_putc(&v, *c)
			    : pt_strbuf_printf(&v, "\\x%02x", (unsigned char)*c);
	/* Only what the parser reads back. */
	if (e >= 0 && (!v.len || v.len > MANIFEST_MAX_WORD || strlen(w->path) > MANIFEST_MAX_WORD ||
		       !pt_manifest_word_ok(w->path) || !pt_manifest_path_ok(w->path) ||
		       strncmp(w->path, "/sys/", 5) != 0))
		e = -EINVAL;
	if (e >= 0)
		e = pt_strbuf_printf(out, "%s %s %s %s\n", verb,
				     w->if_present ? "if-present" : "must", w->path, v.buf);
	pt_strbuf_done(&v);
	return e < 0 ? e : 0;
}

static bool name_ok(const char *s)
{
	return !s || (pt_manifest_word_ok(s) && !streq(s, "-") && strlen(s) <= MANIFEST_MAX_WORD);
}

static int put_expect(struct pt_strbuf *out, const char *head, const struct pt_dev_expect *x)
{
	static const char *const ons[] = {
		[PT_DEV_ON] = "on", [PT_DEV_NONE] = "none", [PT_DEV_OFF] = "off"};

	if ((unsigned)x->on >= ELEMENTSOF(ons) || (x->on == PT_DEV_NONE) != !x->driver ||
	    !name_ok(x->driver) || !name_ok(x->override))
		return -EINVAL;
	return pt_strbuf_printf(out, "%s %s %s %s\n", head, ons[x->on], x->driver ? x->driver : "-",
				x->override ? x->override : "-");
}

static int put_device(struct pt_strbuf *out, const struct pt_txn_dev *d)
{
	struct pt_strbuf head = {0};
	int e = pt_strbuf_printf(&head, "device %s", d->slot);

	if (e >= 0)
		e = pt_manifest_word_ok(d->slot) ? put_expect(out, head.buf, &d->expect) : -EINVAL;
	pt_strbuf_done(&head);
	for (size_t i = 0; e >= 0 && i < d->nwrites; i++)
		e = put_write(out, "sysfs", &d->writes[i]);
	if (e >= 0)
		e = put_expect(out, "undo", &d->undo_expect);
	for (size_t i = 0; e >= 0 && i < d->nundo; i++)
		e = put_write(out, "undo-sysfs", &d->undo[i]);
	return e;
}

static int put_step(struct pt_strbuf *out, const struct pt_manifest *m, const struct pt_txn_step *s)
{
	const struct pt_manifest_edit *ed;

	switch (s->kind) {
	case PT_STEP_EDIT:
		ed = &m->edits[s->idx];
		return pt_strbuf_printf(
			out, "edit %zu %s %s %04o %s\n", s->idx, ed->old_absent ? "absent" : "file",
			ed->delete ? "delete" : "write", ed->mode & 07777, ed->path);
	case PT_STEP_CMD:
		return put_argv(out, "run", &m->runs[s->idx]);
	default:
		return put_device(out, &m->devs[s->idx]);
	}
}

int pt_manifest_format(const struct pt_manifest *m, struct pt_strbuf *out)
{
	int e = pt_strbuf_printf(out, "passthru-journal %d\ntime %lld\n", PT_MANIFEST_VERSION,
				 m->time);

	if (e >= 0 && m->boot)
		e = name_ok(m->boot) ? pt_strbuf_printf(out, "boot %s\n", m->boot) : -EINVAL;
	for (size_t i = 0; e >= 0 && i < m->locks.n; i++)
		e = pt_manifest_path_ok(m->locks.v[i])
			    ? pt_strbuf_printf(out, "lock %s\n", m->locks.v[i])
			    : -EINVAL;
	for (size_t i = 0; e >= 0 && i < m->mkdirs.n; i++)
		e = pt_strbuf_printf(out, "mkdir %s\n", m->mkdirs.v[i]);
	for (size_t i = 0; e >= 0 && i < m->nsteps; i++)
		e = put_step(out, m, &m->steps[i]);
	for (size_t i = 0; e >= 0 && i < m->undo_idle.n; i++)
		e = pt_strbuf_printf(out, "undo-idle-group %d\n", m->undo_idle.v[i]);
	for (size_t i = 0; e >= 0 && i < m->nundo_runs; i++)
		e = put_argv(out, "undo-run", &m->undo_runs[i]);
	return e < 0 ? e : 0;
}

/* ---- progress ---- */

static int parse_progress_line(struct cursor *c, size_t ndevs, bool *begun, size_t *took)
{
	unsigned long long d, k;
	size_t n;
	const char *w = word(c, &n);
	bool is_took = word_is(w, n, "took");

	if (!is_took && !word_is(w, n, "begun"))
		return -EINVAL;
	w = word(c, &n);
	if (parse_num(w, n, 10, MANIFEST_MAX_DEVS, &d) < 0 || d >= ndevs || (n > 1 && w[0] == '0'))
		return -EINVAL;
	if (!is_took) {
		if (begun[d] || !at_end(c, w))
			return -EINVAL;
		begun[d] = true;
		return 0;
	}
	w = word(c, &n);
	if (!begun[d] || took[d] != SIZE_MAX || !at_end(c, w) || (n > 1 && w[0] == '0') ||
	    parse_num(w, n, 10, MANIFEST_MAX_WRITES, &k) < 0)
		return -EINVAL;
	took[d] = (size_t)k;
	return 0;
}

int pt_progress_parse(const char *buf, size_t len, size_t ndevs, bool *begun, size_t *took,
		      unsigned *ret_line)
{
	const char *p = buf, *end = buf + len;

	*ret_line = 0;
	for (size_t i = 0; i < ndevs; i++) {
		begun[i] = false;
		took[i] = SIZE_MAX;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct cursor c = {p, nl};

		++*ret_line;
		if (!nl || parse_progress_line(&c, ndevs, begun, took) < 0)
			return -EINVAL;
		p = nl + 1;
	}
	*ret_line = 0;
	return 0;
}

int pt_progress_format(const bool *begun, const size_t *took, size_t ndevs, struct pt_strbuf *out)
{
	int e = 0;

	for (size_t i = 0; e >= 0 && i < ndevs; i++) {
		if (begun[i])
			e = pt_strbuf_printf(out, "begun %zu\n", i);
		if (e >= 0 && begun[i] && took[i] != SIZE_MAX)
			e = pt_strbuf_printf(out, "took %zu %zu\n", i, took[i]);
	}
	return e < 0 ? e : 0;
}
