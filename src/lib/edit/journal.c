/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "manifest.h"
#include "util/strv.h"

/* Edited files are configuration files; backups of anything larger would be a plan bug. */
#define EDIT_FILE_MAX (16u << 20)

static int msg(char **ret_error, int e, const char *fmt, ...) _printf_(3, 4);
static int msg(char **ret_error, int e, const char *fmt, ...)
{
	struct pt_strbuf sb = {0};
	va_list ap;

	if (!ret_error)
		return e;
	if (*ret_error) {
		pt_strbuf_puts(&sb, *ret_error);
		pt_strbuf_puts(&sb, "; ");
		free(*ret_error);
		*ret_error = NULL;
	}
	va_start(ap, fmt);
	if (pt_strbuf_vprintf(&sb, fmt, ap) >= 0)
		*ret_error = pt_strbuf_steal(&sb);
	else
		pt_strbuf_done(&sb);
	va_end(ap);
	return e;
}

static const char *state_text(enum pt_journal_state s)
{
	return s == PT_JOURNAL_PREPARED	  ? "prepared\n"
	       : s == PT_JOURNAL_COMPLETE ? "complete\n"
					  : "undone\n";
}

/* Reads a file; *ret NULL when it is absent. */
static int read_opt(struct pt_root *r, const char *path, char **ret, size_t *ret_len)
{
	int e = pt_root_read_file(r, path, EDIT_FILE_MAX, ret, ret_len);

	if (e == -ENOENT) {
		*ret = NULL;
		*ret_len = 0;
		return 0;
	}
	return e;
}

static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
	if (!a || !b)
		return !a && !b;
	return alen == blen && memcmp(a, b, alen) == 0;
}

static int jpath(struct pt_strbuf *sb, const char *id, const char *name)
{
	pt_strbuf_reset(sb);
	return pt_strbuf_printf(sb, "%s/%s/%s", PT_JOURNAL_DIR, id, name);
}

/* Where edit i's old (side 0) or new (side 1) bytes are kept: the writer and undo agree here. */
static int side_path(struct pt_strbuf *sb, const char *id, size_t i, int side)
{
	pt_strbuf_reset(sb);
	return pt_strbuf_printf(sb, "%s/%s/%zu.%s", PT_JOURNAL_DIR, id, i, side ? "new" : "old");
}

static int read_state(struct pt_root *r, const char *id, enum pt_journal_state *ret)
{
	struct pt_strbuf p = {0};
	char *buf = NULL;
	size_t len;
	int e = jpath(&p, id, "state");

	if (e >= 0)
		e = pt_root_read_file(r, p.buf, 64, &buf, &len);
	pt_strbuf_done(&p);
	if (e < 0)
		return e;
	e = 0;
	if (streq(buf, "prepared\n"))
		*ret = PT_JOURNAL_PREPARED;
	else if (streq(buf, "complete\n"))
		*ret = PT_JOURNAL_COMPLETE;
	else if (streq(buf, "undone\n"))
		*ret = PT_JOURNAL_UNDONE;
	else
		e = -EBADMSG;
	free(buf);
	return e;
}

static int set_state(struct pt_root *r, const char *id, enum pt_journal_state from,
		     enum pt_journal_state to, char **ret_error)
{
	struct pt_strbuf p = {0};
	const char *old = state_text(from), *new = state_text(to);
	int e = jpath(&p, id, "state");

	if (e >= 0)
		e = pt_root_write(r, p.buf, old, strlen(old), new, strlen(new), 0600, ret_error);
	pt_strbuf_done(&p);
	return e;
}

static bool is_id(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n == 6 && !s[n];
}

/* Journal ids present, sorted (fixed width: lexical order is numeric order). */
static int list_ids(struct pt_root *r, struct pt_strv *ret)
{
	struct pt_strv all = {0};
	int e = pt_root_list(r, PT_JOURNAL_DIR, &all);

	*ret = (struct pt_strv){0};
	if (e == -ENOENT)
		return 0;
	if (e < 0)
		return e;
	for (size_t i = 0; e >= 0 && i < all.n; i++)
		if (is_id(all.v[i]))
			e = pt_strv_push(ret, all.v[i]);
	pt_strv_done(&all);
	return e < 0 ? e : 0;
}

/* Removes what a journal directory may hold, then the directory. */
static int remove_journal(struct pt_root *r, const char *id, size_t n_edits)
{
	static const char *const fixed[] = {"state", "manifest"};
	struct pt_strbuf p = {0};
	int e = 0, e2;

	for (size_t i = 0; i < ELEMENTSOF(fixed) + 2 * n_edits; i++) {
		size_t k = i - ELEMENTSOF(fixed);

		e2 = i < ELEMENTSOF(fixed) ? jpath(&p, id, fixed[i])
					   : side_path(&p, id, k / 2, k % 2);
		if (e2 >= 0)
			e2 = pt_root_remove(r, p.buf, NULL, 0, NULL);
		if (e2 < 0 && e2 != -ENOENT && e >= 0)
			e = e2;
	}
	pt_strbuf_reset(&p);
	if (pt_strbuf_printf(&p, "%s/%s", PT_JOURNAL_DIR, id) >= 0) {
		e2 = pt_root_rmdir(r, p.buf);
		if (e2 < 0 && e2 != -ENOENT && e >= 0)
			e = e2;
	}
	pt_strbuf_done(&p);
	return e;
}

/* Directories the edits need that do not exist yet, outermost first. */
static int missing_dirs(struct pt_root *r, const struct pt_txn *t, struct pt_strv *ret)
{
	struct pt_strbuf sb = {0};
	int e = 0;

	for (size_t i = 0; e >= 0 && i < t->n; i++) {
		const char *path = t->edits[i].path;

		if (!t->edits[i].new)
			continue;
		for (const char *s = strchr(path + 1, '/'); e >= 0 && s; s = strchr(s + 1, '/')) {
			pt_strbuf_reset(&sb);
			e = pt_strbuf_append(&sb, path, (size_t)(s - path));
			if (e >= 0 && !pt_root_exists(r, sb.buf) && !pt_strv_contains(ret, sb.buf))
				e = pt_strv_push(ret, sb.buf);
		}
	}
	pt_strbuf_done(&sb);
	return e;
}

/*
 * Puts edits [0, n) back to their old state, newest first; each file must hold either its old
 * or its new bytes (check first, with check_only, to touch nothing on a conflict).
 */
static int restore(struct pt_root *r, const struct pt_txn *t, size_t n, bool check_only,
		   char **ret_error)
{
	int e = 0;

	for (size_t k = n; k-- > 0;) {
		const struct pt_edit *ed = &t->edits[k];
		char *cur = NULL;
		size_t len = 0;
		int e2 = read_opt(r, ed->path, &cur, &len);

		if (e2 < 0) {
			e = msg(ret_error, e2, "%s: %s", ed->path, strerror(-e2));
		} else if (same(cur, len, ed->old, ed->old_len)) {
			/* not applied, or already restored */
		} else if (!same(cur, len, ed->new, ed->new_len)) {
			e = msg(ret_error, -ESTALE,
				"%s changed since passthru wrote it: restoring would lose those "
				"changes",
				ed->path);
		} else if (!check_only) {
			e2 = ed->old ? pt_root_write(r, ed->path, ed->new, ed->new_len, ed->old,
						     ed->old_len, ed->mode, ret_error)
				     : pt_root_remove(r, ed->path, ed->new, ed->new_len, ret_error);
			if (e2 < 0)
				e = e2;
		}
		free(cur);
		if (e < 0 && check_only)
			break;
	}
	return e;
}

static void remove_dirs(struct pt_root *r, const struct pt_strv *dirs)
{
	for (size_t i = dirs->n; i-- > 0;)
		pt_root_rmdir(r, dirs->v[i]); /* ENOTEMPTY: someone put files there; keep it */
}

static long long stamp(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (!*end && v >= 0)
			return v;
	}
	return (long long)time(NULL);
}

static int write_journal(struct pt_root *r, const char *id, const struct pt_txn *t,
			 const struct pt_strv *dirs, char **ret_error)
{
	struct pt_manifest m = {.time = stamp()};
	struct pt_strbuf p = {0}, text = {0};
	int e = 0;

	m.edits = calloc(t->n + 1, sizeof(*m.edits));
	m.runs = calloc(t->ncmds + 1, sizeof(*m.runs));
	if (!m.edits || !m.runs) {
		free(m.edits);
		free(m.runs);
		return -ENOMEM;
	}
	m.n = t->n;
	m.mkdirs = *dirs; /* borrowed, like the argv below: not freed here */
	m.nruns = t->ncmds;
	for (size_t i = 0; i < t->ncmds; i++)
		m.runs[i] = t->cmds[i].argv;
	for (size_t i = 0; e >= 0 && i < t->n; i++) {
		const struct pt_edit *ed = &t->edits[i];

		m.edits[i] = (struct pt_manifest_edit){(unsigned)i, !ed->old, !ed->new,
						       ed->mode & 07777, ed->path};
		if (!pt_manifest_path_ok(ed->path))
			e = msg(ret_error, -EINVAL, "%s: not a path passthru edits", ed->path);
		for (int side = 0; e >= 0 && side < 2; side++) {
			const char *bytes = side ? ed->new : ed->old;
			size_t len = side ? ed->new_len : ed->old_len;

			if (!bytes)
				continue;
			e = side_path(&p, id, i, side);
			if (e >= 0)
				e = pt_root_write(r, p.buf, NULL, 0, bytes, len, 0600, ret_error);
		}
	}
	if (e >= 0 && (e = pt_manifest_format(&m, &text)) < 0)
		msg(ret_error, e, "a command cannot be recorded in the journal");
	if (e >= 0)
		e = jpath(&p, id, "manifest");
	if (e >= 0)
		e = pt_root_write(r, p.buf, NULL, 0, text.buf, text.len, 0600, ret_error);
	if (e >= 0)
		e = jpath(&p, id, "state");
	if (e >= 0)
		e = pt_root_write(r, p.buf, NULL, 0, "prepared\n", 9, 0600, ret_error);
	free(m.edits);
	free(m.runs);
	pt_strbuf_done(&p);
	pt_strbuf_done(&text);
	return e;
}

static int new_id(struct pt_root *r, char **ret)
{
	struct pt_strv ids = {0};
	struct pt_strbuf sb = {0};
	unsigned long next = 1;
	int e = list_ids(r, &ids);

	if (e < 0)
		return e;
	if (ids.n)
		next = strtoul(ids.v[ids.n - 1], NULL, 10) + 1;
	pt_strv_done(&ids);
	if (next > 999999)
		return -EMLINK;
	e = pt_strbuf_printf(&sb, "%06lu", next);
	if (e < 0)
		return e;
	*ret = pt_strbuf_steal(&sb);
	return 0;
}

int pt_journal_commit(struct pt_root *r, const struct pt_txn *t, char **ret_id, char **ret_error)
{
	struct pt_strv dirs = {0};
	struct pt_strbuf jdir = {0};
	char *id = NULL;
	size_t applied = 0;
	int e;

	*ret_id = NULL;
	if (!t->n)
		return 0;
	if ((e = pt_root_lock(r, ret_error)) < 0)
		return msg(ret_error, e, "nothing was changed");
	/* The plan's view, checked for every file before anything is written. */
	for (size_t i = 0; i < t->n; i++) {
		const struct pt_edit *ed = &t->edits[i];
		char *cur = NULL;
		size_t len = 0;

		e = read_opt(r, ed->path, &cur, &len);
		if (e >= 0 && !same(cur, len, ed->old, ed->old_len))
			e = msg(ret_error, -ESTALE,
				"%s changed since the plan was made: plan again (nothing was "
				"changed)",
				ed->path);
		else if (e < 0)
			e = msg(ret_error, e, "%s: %s", ed->path, strerror(-e));
		free(cur);
		if (e < 0)
			return e;
	}
	if ((e = missing_dirs(r, t, &dirs)) < 0 || (e = new_id(r, &id)) < 0 ||
	    (e = pt_strbuf_printf(&jdir, "%s/%s", PT_JOURNAL_DIR, id)) < 0)
		goto out;
	e = pt_root_mkdirs(r, PT_JOURNAL_DIR, 0700);
	if (e >= 0)
		e = pt_root_mkdirs(r, jdir.buf, 0700);
	if (e == 0)
		e = -EEXIST; /* another journal by that id appeared: the lock says it cannot */
	if (e < 0) {
		msg(ret_error, e, "cannot create the journal %s: %s (nothing was changed)",
		    jdir.buf, strerror(-e));
		goto out;
	}
	e = write_journal(r, id, t, &dirs, ret_error);
	if (e < 0) {
		msg(ret_error, e, "writing the journal failed (nothing was changed)");
		goto undo;
	}
	for (size_t i = 0; e >= 0 && i < dirs.n; i++)
		if ((e = pt_root_mkdirs(r, dirs.v[i], 0755)) < 0)
			msg(ret_error, e, "cannot create %s: %s", dirs.v[i], strerror(-e));
	for (; e >= 0 && applied < t->n; applied++) {
		const struct pt_edit *ed = &t->edits[applied];

		e = ed->new ? pt_root_write(r, ed->path, ed->old, ed->old_len, ed->new, ed->new_len,
					    ed->mode, ret_error)
			    : pt_root_remove(r, ed->path, ed->old, ed->old_len, ret_error);
	}
	if (e >= 0) {
		e = set_state(r, id, PT_JOURNAL_PREPARED, PT_JOURNAL_COMPLETE, ret_error);
		if (e >= 0) {
			*ret_id = id;
			id = NULL;
			goto out;
		}
	}
	/* Roll back what was applied, including a last edit whose directory sync failed. */
	{
		int e2 = restore(r, t, PT_MIN(applied + 1, t->n), false, ret_error);

		if (e2 < 0) {
			msg(ret_error, e,
			    "rolling back failed too: journal %s holds the old bytes; run "
			    "`passthru undo` to restore them",
			    id);
			goto out;
		}
		remove_dirs(r, &dirs);
		msg(ret_error, e, "rolled back: nothing was changed");
	}
undo:
	remove_journal(r, id, t->n);
out:
	pt_strv_done(&dirs);
	pt_strbuf_done(&jdir);
	free(id);
	return e;
}

/* The journal's transaction, and (ret_dirs) the directories its commit created. */
static int load(struct pt_root *r, const char *id, struct pt_txn *ret, struct pt_strv *ret_dirs,
		char **ret_error)
{
	struct pt_manifest m = {0};
	struct pt_strbuf p = {0};
	struct pt_txn t = {0};
	char *buf = NULL;
	size_t len;
	unsigned line;
	int e = jpath(&p, id, "manifest");

	if (e >= 0)
		e = pt_root_read_file(r, p.buf, EDIT_FILE_MAX, &buf, &len);
	if (e >= 0 && (e = pt_manifest_parse(buf, len, &m, &line)) < 0)
		msg(ret_error, e, "%s line %u: malformed journal manifest", p.buf, line);
	free(buf);
	t.edits = e >= 0 ? calloc(m.n + 1, sizeof(*t.edits)) : NULL;
	if (e >= 0 && !t.edits)
		e = -ENOMEM;
	for (size_t i = 0; e >= 0 && i < m.n; i++) {
		struct pt_edit *ed = &t.edits[i];

		t.n++;
		ed->mode = m.edits[i].mode;
		if (!(ed->path = strdup(m.edits[i].path)))
			e = -ENOMEM;
		for (int side = 0; e >= 0 && side < 2; side++) {
			bool has = side ? !m.edits[i].delete : !m.edits[i].old_absent;

			if (!has)
				continue;
			e = side_path(&p, id, i, side);
			if (e >= 0)
				e = pt_root_read_file(r, p.buf, EDIT_FILE_MAX,
						      side ? &ed->new : &ed->old,
						      side ? &ed->new_len : &ed->old_len);
			if (e < 0)
				msg(ret_error, e, "%s: %s", p.buf, strerror(-e));
		}
	}
	t.cmds_unknown = m.version < 2;
	t.cmds = e >= 0 ? calloc(m.nruns + 1, sizeof(*t.cmds)) : NULL;
	if (e >= 0 && !t.cmds)
		e = -ENOMEM;
	for (size_t i = 0; e >= 0 && i < m.nruns; i++) {
		t.cmds[t.ncmds++].argv = m.runs[i];
		m.runs[i] = (struct pt_strv){0};
	}
	if (e >= 0 && ret_dirs) {
		*ret_dirs = m.mkdirs;
		m.mkdirs = (struct pt_strv){0};
	}
	pt_manifest_done(&m);
	pt_strbuf_done(&p);
	if (e < 0) {
		pt_txn_done(&t);
		return e;
	}
	*ret = t;
	return 0;
}

int pt_journal_load(struct pt_root *r, const char *id, struct pt_txn *ret, char **ret_error)
{
	return load(r, id, ret, NULL, ret_error);
}

int pt_journal_last(struct pt_root *r, char **ret_id, enum pt_journal_state *ret_state)
{
	struct pt_strv ids = {0};
	int e = list_ids(r, &ids);

	if (e < 0)
		return e;
	e = -ENOENT;
	for (size_t i = ids.n; i-- > 0;) {
		enum pt_journal_state s;

		if (read_state(r, ids.v[i], &s) < 0 || s == PT_JOURNAL_UNDONE)
			continue;
		*ret_id = strdup(ids.v[i]);
		*ret_state = s;
		e = *ret_id ? 0 : -ENOMEM;
		break;
	}
	pt_strv_done(&ids);
	return e;
}

int pt_journal_undo(struct pt_root *r, char **ret_id, enum pt_journal_state *ret_state,
		    char **ret_error)
{
	enum pt_journal_state s;
	struct pt_strv dirs = {0};
	struct pt_txn t = {0};
	char *id = NULL;
	int e;

	*ret_id = NULL;
	if ((e = pt_root_lock(r, ret_error)) < 0)
		return e;
	e = pt_journal_last(r, &id, &s);
	if (e == -ENOENT)
		return msg(ret_error, e, "nothing to undo: no transaction in %s", PT_JOURNAL_DIR);
	if (e < 0)
		return msg(ret_error, e, "%s: %s", PT_JOURNAL_DIR, strerror(-e));
	if ((e = load(r, id, &t, &dirs, ret_error)) < 0)
		goto out;
	if ((e = restore(r, &t, t.n, true, ret_error)) < 0) {
		msg(ret_error, e, "undo of %s refused: nothing was changed", id);
		goto out;
	}
	if ((e = restore(r, &t, t.n, false, ret_error)) < 0) {
		msg(ret_error, e, "undo of %s stopped halfway: run it again", id);
		goto out;
	}
	remove_dirs(r, &dirs);
	e = set_state(r, id, s, PT_JOURNAL_UNDONE, ret_error);
	if (e >= 0) {
		*ret_id = id;
		*ret_state = s;
		id = NULL;
	}
out:
	pt_strv_done(&dirs);
	pt_txn_done(&t);
	free(id);
	return e;
}
