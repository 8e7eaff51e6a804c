/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	static const char *const fixed[] = {"state", "progress", "manifest"};
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
 * Puts one edit back to its old state; the file must hold either its old or its new bytes
 * (check_only: only check that, to touch nothing on a conflict).
 */
static int restore_edit(struct pt_root *r, const struct pt_edit *ed, bool check_only,
			char **ret_error)
{
	char *cur = NULL;
	size_t len = 0;
	int e = read_opt(r, ed->path, &cur, &len);

	if (e < 0) {
		e = msg(ret_error, e, "%s: %s", ed->path, strerror(-e));
	} else if (same(cur, len, ed->old, ed->old_len)) {
		/* not applied, or already restored */
	} else if (!same(cur, len, ed->new, ed->new_len)) {
		e = msg(ret_error, -ESTALE,
			"%s changed since passthru wrote it: restoring would lose those changes",
			ed->path);
	} else if (!check_only) {
		e = ed->old ? pt_root_write(r, ed->path, ed->new, ed->new_len, ed->old, ed->old_len,
					    ed->mode, ret_error)
			    : pt_root_remove(r, ed->path, ed->new, ed->new_len, ret_error);
	}
	free(cur);
	return e < 0 ? e : 0;
}

/* Every edit back, newest first (check_only: check them all, stop at the first conflict). */
static int restore(struct pt_root *r, const struct pt_txn *t, bool check_only, char **ret_error)
{
	int e = 0;

	for (size_t k = t->n; k-- > 0;) {
		int e2 = restore_edit(r, &t->edits[k], check_only, ret_error);

		if (e2 < 0) {
			e = e2;
			if (check_only)
				break;
		}
	}
	return e;
}

static void remove_dirs(struct pt_root *r, const struct pt_strv *dirs)
{
	for (size_t i = dirs->n; i-- > 0;)
		pt_root_rmdir(r, dirs->v[i]); /* ENOTEMPTY: someone put files there; keep it */
}

/* The order the commit makes the steps in: t's steps, then its refresh commands. */
static int commit_order(const struct pt_txn *t, struct pt_txn_step **ret, size_t *ret_n)
{
	struct pt_txn_step *v = calloc(t->nsteps + t->ncmds + 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < t->nsteps; i++)
		v[n++] = t->steps[i];
	for (size_t i = 0; i < t->ncmds; i++)
		if (t->cmds[i].refresh)
			v[n++] = (struct pt_txn_step){PT_STEP_CMD, i};
	*ret = v;
	*ret_n = n;
	return 0;
}

/* The other programs' locks t asks for (a VM config: qemu-server's), after the tool lock. */
static int take_locks(struct pt_root *r, const struct pt_txn *t, char **ret_error)
{
	int e = 0;

	for (size_t i = 0; e >= 0 && i < t->locks.n; i++)
		e = pt_root_lock_also(r, t->locks.v[i], ret_error);
	return e;
}

/* The manifest of t: its arrays are built here, everything they hold is borrowed from t. */
static int manifest_of(const struct pt_txn *t, const struct pt_txn_step *order, size_t norder,
		       const struct pt_strv *dirs, const char *boot, long long now,
		       struct pt_manifest *m)
{
	*m = (struct pt_manifest){
		.time = now, .boot = (char *)boot, .mkdirs = *dirs, .locks = t->locks};
	m->edits = calloc(t->n + 1, sizeof(*m->edits));
	m->runs = calloc(t->ncmds + 1, sizeof(*m->runs));
	m->steps = calloc(norder + 1, sizeof(*m->steps));
	m->undo_runs = calloc(t->nundo_cmds + 1, sizeof(*m->undo_runs));
	if (!m->edits || !m->runs || !m->steps || !m->undo_runs)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct pt_edit *ed = &t->edits[i];

		m->edits[m->n++] = (struct pt_manifest_edit){(unsigned)i, !ed->old, !ed->new,
							     ed->mode & 07777, ed->path};
	}
	for (size_t i = 0; i < norder; i++) {
		m->steps[m->nsteps] = order[i];
		if (order[i].kind == PT_STEP_CMD) {
			m->runs[m->nruns] = t->cmds[order[i].idx].argv;
			m->steps[m->nsteps].idx = m->nruns++;
		}
		m->nsteps++;
	}
	m->devs = t->devs;
	m->ndevs = t->ndevs;
	for (size_t i = 0; i < t->nundo_cmds; i++)
		m->undo_runs[m->nundo_runs++] = t->undo_cmds[i].argv;
	m->undo_idle = t->undo_idle;
	return 0;
}

/* Frees what manifest_of built, not what it borrowed. */
static void manifest_of_done(struct pt_manifest *m)
{
	free(m->edits);
	free(m->runs);
	free(m->steps);
	free(m->undo_runs);
}

static int write_journal(struct pt_root *r, const char *id, const struct pt_txn *t,
			 const struct pt_txn_step *order, size_t norder, const struct pt_strv *dirs,
			 const char *boot, char **ret_error)
{
	struct pt_manifest m;
	struct pt_strbuf p = {0}, text = {0};
	int e = manifest_of(t, order, norder, dirs, boot, pt_root_now(r), &m);

	for (size_t i = 0; e >= 0 && i < t->n; i++) {
		const struct pt_edit *ed = &t->edits[i];

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
		msg(ret_error, e, "a step cannot be recorded in the journal");
	if (e >= 0)
		e = jpath(&p, id, "manifest");
	if (e >= 0)
		e = pt_root_write(r, p.buf, NULL, 0, text.buf, text.len, 0600, ret_error);
	if (e >= 0)
		e = jpath(&p, id, "state");
	if (e >= 0)
		e = pt_root_write(r, p.buf, NULL, 0, "prepared\n", 9, 0600, ret_error);
	manifest_of_done(&m);
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

/* The boot this is (a UUID the kernel makes at boot), read through the root. */
static int read_boot_id(struct pt_root *r, char **ret)
{
	int e = pt_root_read_attr(r, PT_BOOT_ID_PATH, ret);

	if (e >= 0 && (!pt_manifest_word_ok(*ret) || strlen(*ret) > 64)) {
		*ret = pt_free(*ret);
		e = -EBADMSG;
	}
	return e;
}

static bool system_acts(struct pt_root *r, const struct pt_system *sys)
{
	return sys && (sys->any_root || pt_root_mode(r) == PT_ROOT_LIVE);
}

/* The first of groups a process holds open (-EBUSY, *ret_group), else 0. */
static int groups_idle(struct pt_root *r, const struct pt_groups *g, const struct pt_system *sys,
		       int *ret_group)
{
	for (size_t i = 0; i < g->n; i++)
		if (sys->group_viable(r, g->v[i]) == -EBUSY) {
			*ret_group = g->v[i];
			return -EBUSY;
		}
	return 0;
}

int pt_journal_preflight(struct pt_root *r, const struct pt_txn *t, const struct pt_system *sys,
			 int *ret_group)
{
	*ret_group = -1;
	if (t->ndevs && !system_acts(r, sys))
		return -EOPNOTSUPP;
	return t->ndevs ? groups_idle(r, &t->idle, sys, ret_group) : 0;
}

static int result_init(struct pt_journal_result *res, size_t ncmds, size_t ndevs, size_t nviable)
{
	res->cmds = calloc(ncmds + 1, sizeof(*res->cmds));
	res->devs = calloc(ndevs + 1, sizeof(*res->devs));
	res->viable = calloc(nviable + 1, sizeof(*res->viable));
	if (!res->cmds || !res->devs || !res->viable)
		return -ENOMEM;
	res->ncmds = ncmds;
	res->ndevs = ndevs;
	res->nviable = nviable;
	return 0;
}

bool pt_journal_devs_met(const struct pt_journal_result *res)
{
	for (size_t i = 0; i < res->ndevs; i++)
		if (res->devs[i].begun && !res->devs[i].met)
			return false;
	return !res->stopped;
}

void pt_journal_result_done(struct pt_journal_result *res)
{
	for (size_t i = 0; res->devs && i < res->ndevs; i++) {
		free(res->devs[i].refused);
		free(res->devs[i].driver);
		free(res->devs[i].override);
	}
	free(res->devs);
	free(res->cmds);
	free(res->viable);
	free(res->id);
	pt_txn_done(&res->txn);
	*res = (struct pt_journal_result){.busy_group = -1};
}

/* ---- making the steps ---- */

/* A commit or an undo under way. */
struct run {
	struct pt_root *r;
	const struct pt_txn *t;
	const struct pt_journal_opts *o;
	struct pt_journal_result *res;
	const char *id;
	bool undo;
	struct pt_strbuf progress; /* the progress file as written (commit) */
	size_t writing;		   /* the device whose writes are under way; SIZE_MAX none */
	bool progress_written;
	char **ret_error;
};

static void observe(const struct run *c, enum pt_journal_event ev, size_t idx)
{
	if (c->o && c->o->observe)
		c->o->observe(c->o->ctx, ev, c->t, c->res, idx);
}

/* Rewrites the progress file from the device results (commit only). */
static int write_progress(struct run *c)
{
	size_t n = c->res->ndevs;
	bool *begun = calloc(n + 1, sizeof(*begun));
	size_t *took = calloc(n + 1, sizeof(*took));
	struct pt_strbuf p = {0}, text = {0};
	int e = begun && took ? 0 : -ENOMEM;

	for (size_t i = 0; e >= 0 && i < n; i++) {
		begun[i] = c->res->devs[i].begun;
		took[i] = begun[i] && i != c->writing ? c->res->devs[i].took : SIZE_MAX;
	}
	if (e >= 0)
		e = pt_progress_format(begun, took, n, &text);
	if (e >= 0)
		e = jpath(&p, c->id, "progress");
	if (e >= 0)
		e = pt_root_write(c->r, p.buf, c->progress_written ? c->progress.buf : NULL,
				  c->progress.len, text.buf ? text.buf : "", text.len, 0600,
				  c->ret_error);
	if (e >= 0) {
		pt_strbuf_done(&c->progress);
		c->progress = text;
		c->progress_written = true;
		text = (struct pt_strbuf){0};
	} else {
		msg(c->ret_error, e, "the journal's progress cannot be written");
	}
	free(begun);
	free(took);
	pt_strbuf_done(&p);
	pt_strbuf_done(&text);
	return e;
}

/* The device's writes (undo: the ones giving it back), in order; the first refused ends them. */
static void write_device(struct run *c, const struct pt_txn_dev *td, struct pt_dev_result *dr)
{
	const struct pt_sysfs_write *v = c->undo ? td->undo : td->writes;
	size_t n = c->undo ? td->nundo : td->nwrites;

	for (size_t k = 0; k < n; k++) {
		char *err = NULL;
		int e = c->o->sys->sysfs_write(c->r, v[k].path, v[k].value, strlen(v[k].value),
					       &err);

		if (e == -ENOENT && v[k].if_present) {
			free(err); /* no driver to unbind from: what the write wanted */
		} else if (e < 0) {
			dr->refused = err ? err : strdup(strerror(-e));
			return;
		}
		dr->took++;
	}
}

/* The kernel decides where the device is: read it back and hold it against the plan. */
static void reread_device(struct run *c, const struct pt_txn_dev *td, struct pt_dev_result *dr)
{
	const struct pt_dev_expect *x = c->undo ? &td->undo_expect : &td->expect;

	dr->reread = true;
	dr->reread_err = c->o->sys->binding(c->r, td->slot, &dr->driver, &dr->override);
	dr->met = !dr->refused && dr->reread_err >= 0 &&
		  pt_dev_expect_met(x, dr->driver, dr->override);
}

/* One device step: 0, or a failure to record its progress (the step then may not be made). */
static int device_step(struct run *c, size_t d)
{
	struct pt_dev_result *dr = &c->res->devs[d];
	const struct pt_txn_dev *td = &c->t->devs[d];
	int e;

	dr->begun = true;
	c->writing = d;
	if (!c->undo && (e = write_progress(c)) < 0) {
		dr->begun = false;
		return e;
	}
	write_device(c, td, dr);
	c->writing = SIZE_MAX;
	/* Even when this fails, "begun" says the device was touched: undo gives it back. */
	if (!c->undo && (e = write_progress(c)) < 0)
		return e;
	reread_device(c, td, dr);
	return 0;
}

/* Runs command idx of cmds (or says why not); 0, or -EIO when it ran and failed. */
static int command(struct run *c, const struct pt_txn_cmd *cmds, size_t idx)
{
	struct pt_cmd_result *cr = &c->res->cmds[idx];
	const struct pt_txn_cmd *cmd = &cmds[idx];
	bool refresh = c->undo || cmd->refresh;

	cr->fate = !system_acts(c->r, c->o ? c->o->sys : NULL) ? PT_CMD_NOT_RUN_ROOT
		   : refresh && c->o->no_refresh	       ? PT_CMD_NOT_RUN_OPTION
							       : PT_CMD_RAN;
	observe(c, PT_JOURNAL_EV_CMD, idx);
	if (cr->fate != PT_CMD_RAN)
		return 0;
	cr->rc = c->o->sys->run(cmd->argv.v);
	observe(c, PT_JOURNAL_EV_CMD_DONE, idx);
	return cr->rc == 0 ? 0 : -EIO;
}

static bool any_begun(const struct pt_journal_result *res)
{
	for (size_t i = 0; i < res->ndevs; i++)
		if (res->devs[i].begun)
			return true;
	return false;
}

/* The steps in order until one fails: 0, or the failure of an edit or a command. */
static int make_steps(struct run *c, const struct pt_txn_step *order, size_t norder)
{
	int e = 0;

	for (size_t i = 0; e >= 0 && !c->res->stopped && i < norder; i++) {
		const struct pt_txn_step *s = &order[i];
		const struct pt_edit *ed;

		switch (s->kind) {
		case PT_STEP_EDIT:
			ed = &c->t->edits[s->idx];
			e = ed->new ? pt_root_write(c->r, ed->path, ed->old, ed->old_len, ed->new,
						    ed->new_len, ed->mode, c->ret_error)
				    : pt_root_remove(c->r, ed->path, ed->old, ed->old_len,
						     c->ret_error);
			break;
		case PT_STEP_CMD:
			if (c->t->cmds[s->idx].refresh)
				break; /* after the steps, once the journal is complete */
			e = command(c, c->t->cmds, s->idx);
			if (e < 0 && c->res->cmds[s->idx].rc < 0)
				msg(c->ret_error, e, "%s could not start: %s",
				    c->t->cmds[s->idx].argv.v[0],
				    strerror(-c->res->cmds[s->idx].rc));
			else if (e < 0)
				msg(c->ret_error, e,
				    "%s failed (exit status %d; its output is above)",
				    c->t->cmds[s->idx].argv.v[0], c->res->cmds[s->idx].rc);
			break;
		case PT_STEP_DEV:
			e = device_step(c, s->idx);
			c->res->stopped = e >= 0 && !c->res->devs[s->idx].met;
			break;
		}
	}
	return e;
}

/*
 * After a failed step. Before any device was touched: the edits back, the journal removed,
 * nothing changed. Once one was: nothing is rolled back (a sysfs write cannot be taken back
 * by bytes), the journal stays and says exactly what was made, for undo.
 */
static int roll_back(struct run *c, int e, const struct pt_strv *dirs)
{
	if (any_begun(c->res)) {
		set_state(c->r, c->id, PT_JOURNAL_PREPARED, PT_JOURNAL_COMPLETE, NULL);
		return msg(c->ret_error, e,
			   "stopped: journal %s records what was made; `passthru undo` gives it "
			   "back",
			   c->id);
	}
	if (restore(c->r, c->t, false, c->ret_error) < 0)
		return msg(c->ret_error, e,
			   "rolling back failed too: journal %s holds the old bytes; run "
			   "`passthru undo` to restore them",
			   c->id);
	remove_dirs(c->r, dirs);
	remove_journal(c->r, c->id, c->t->n);
	return msg(c->ret_error, e, "rolled back: nothing was changed");
}

/* The refresh commands, each whatever the others did; the groups asked about. */
static void after_steps(struct run *c)
{
	for (size_t i = 0; i < c->t->ncmds; i++)
		if (c->t->cmds[i].refresh && !c->res->stopped)
			command(c, c->t->cmds, i);
	for (size_t i = 0; i < c->t->viable.n; i++)
		c->res->viable[i] = c->o->sys->group_viable(c->r, c->t->viable.v[i]);
}

/* The plan's view, checked for every file before anything is written. */
static int check_files(struct pt_root *r, const struct pt_txn *t, char **ret_error)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct pt_edit *ed = &t->edits[i];
		char *cur = NULL;
		size_t len = 0;
		int e = read_opt(r, ed->path, &cur, &len);

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
	return 0;
}

/* Everything that must hold before the journal is written; *ret_boot for device steps. */
static int commit_checks(struct pt_root *r, const struct pt_txn *t, const struct pt_journal_opts *o,
			 struct pt_journal_result *res, char **ret_boot, char **ret_error)
{
	int e = check_files(r, t, ret_error);

	if (e < 0 || !t->ndevs)
		return e;
	e = pt_journal_preflight(r, t, o ? o->sys : NULL, &res->busy_group);
	if (e == -EOPNOTSUPP)
		return msg(ret_error, e,
			   "%s is not the running host: sysfs is written on the live host only "
			   "(nothing was changed)",
			   pt_root_spec(r));
	if (e == -EBUSY)
		return msg(ret_error, e,
			   "/dev/vfio/%d is in use (a running VM?): vfio-pci would wait for it "
			   "to let go; stop it first (nothing was changed)",
			   res->busy_group);
	if ((e = read_boot_id(r, ret_boot)) < 0)
		return msg(ret_error, e, "%s cannot be read: %s (nothing was changed)",
			   PT_BOOT_ID_PATH, strerror(-e));
	return 0;
}

/* Creates the journal directory for a new id. */
static int make_journal_dir(struct pt_root *r, char **ret_id, char **ret_error)
{
	struct pt_strbuf jdir = {0};
	int e = new_id(r, ret_id);

	if (e >= 0)
		e = pt_strbuf_printf(&jdir, "%s/%s", PT_JOURNAL_DIR, *ret_id);
	if (e >= 0)
		e = pt_root_mkdirs(r, PT_JOURNAL_DIR, 0700);
	if (e >= 0)
		e = pt_root_mkdirs(r, jdir.buf, 0700);
	if (e == 0)
		e = -EEXIST; /* another journal by that id appeared: the lock says it cannot */
	if (e < 0)
		msg(ret_error, e, "cannot create the journal %s: %s (nothing was changed)",
		    jdir.len ? jdir.buf : PT_JOURNAL_DIR, strerror(-e));
	pt_strbuf_done(&jdir);
	return e < 0 ? e : 0;
}

int pt_journal_commit(struct pt_root *r, const struct pt_txn *t, const struct pt_journal_opts *o,
		      struct pt_journal_result *res, char **ret_error)
{
	struct run c = {
		.r = r, .t = t, .o = o, .res = res, .writing = SIZE_MAX, .ret_error = ret_error};
	struct pt_txn_step *order = NULL;
	struct pt_strv dirs = {0};
	char *id = NULL, *boot = NULL;
	size_t norder = 0;
	int e;

	*res = (struct pt_journal_result){.busy_group = -1};
	if (pt_txn_empty(t))
		return 0;
	if ((e = pt_root_lock(r, ret_error)) < 0 || (e = take_locks(r, t, ret_error)) < 0)
		return msg(ret_error, e, "nothing was changed");
	if ((e = commit_checks(r, t, o, res, &boot, ret_error)) < 0)
		goto out;
	if ((e = result_init(res, t->ncmds, t->ndevs, t->viable.n)) < 0 ||
	    (e = commit_order(t, &order, &norder)) < 0 || (e = missing_dirs(r, t, &dirs)) < 0 ||
	    (e = make_journal_dir(r, &id, ret_error)) < 0)
		goto out;
	c.id = id;
	e = write_journal(r, id, t, order, norder, &dirs, boot, ret_error);
	if (e < 0) {
		msg(ret_error, e, "writing the journal failed (nothing was changed)");
		remove_journal(r, id, t->n);
		goto out;
	}
	for (size_t i = 0; e >= 0 && i < dirs.n; i++)
		if ((e = pt_root_mkdirs(r, dirs.v[i], 0755)) < 0)
			msg(ret_error, e, "cannot create %s: %s", dirs.v[i], strerror(-e));
	if (e >= 0)
		e = make_steps(&c, order, norder);
	if (e >= 0)
		e = set_state(r, id, PT_JOURNAL_PREPARED, PT_JOURNAL_COMPLETE, ret_error);
	if (e < 0) {
		/* Including a last edit whose directory sync failed: every edit is checked. */
		e = roll_back(&c, e, &dirs);
		goto out;
	}
	res->id = id;
	id = NULL;
	observe(&c, PT_JOURNAL_EV_STEPS, 0);
	after_steps(&c);
out:
	pt_strbuf_done(&c.progress);
	pt_strv_done(&dirs);
	free(order);
	free(boot);
	free(id);
	return e;
}

/* ---- loading ---- */

/* The progress file into t's devices: no file, no device begun. */
static int load_progress(struct pt_root *r, const char *id, struct pt_txn *t, char **ret_error)
{
	struct pt_strbuf p = {0};
	bool *begun = calloc(t->ndevs + 1, sizeof(*begun));
	size_t *took = calloc(t->ndevs + 1, sizeof(*took)), len = 0;
	char *buf = NULL;
	unsigned line;
	int e = begun && took ? jpath(&p, id, "progress") : -ENOMEM;

	if (e >= 0)
		e = read_opt(r, p.buf, &buf, &len);
	if (e >= 0 && buf && pt_progress_parse(buf, len, t->ndevs, begun, took, &line) < 0)
		e = msg(ret_error, -EINVAL, "%s line %u: malformed journal progress", p.buf, line);
	for (size_t i = 0; e >= 0 && i < t->ndevs; i++) {
		t->devs[i].begun = buf && begun[i];
		t->devs[i].took = buf ? took[i] : SIZE_MAX;
		if (t->devs[i].took != SIZE_MAX && t->devs[i].took > t->devs[i].nwrites)
			e = msg(ret_error, -EINVAL, "%s: more writes taken than recorded", p.buf);
	}
	free(buf);
	free(begun);
	free(took);
	pt_strbuf_done(&p);
	return e;
}

/* The file bytes of the manifest's edits. */
static int load_edits(struct pt_root *r, const char *id, const struct pt_manifest *m,
		      struct pt_txn *t, char **ret_error)
{
	struct pt_strbuf p = {0};
	int e = 0;

	t->edits = calloc(m->n + 1, sizeof(*t->edits));
	if (!t->edits)
		return -ENOMEM;
	for (size_t i = 0; e >= 0 && i < m->n; i++) {
		struct pt_edit *ed = &t->edits[i];

		t->n++;
		ed->mode = m->edits[i].mode;
		if (!(ed->path = strdup(m->edits[i].path)))
			e = -ENOMEM;
		for (int side = 0; e >= 0 && side < 2; side++) {
			bool has = side ? !m->edits[i].delete : !m->edits[i].old_absent;

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
	pt_strbuf_done(&p);
	return e;
}

/* The manifest's commands as the transaction's (moved out of *runs). */
static int load_cmds(struct pt_strv *runs, size_t n, struct pt_txn_cmd **ret, size_t *ret_n)
{
	*ret = calloc(n + 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		(*ret)[(*ret_n)++].argv = runs[i];
		runs[i] = (struct pt_strv){0};
	}
	return 0;
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
	if (e >= 0)
		e = load_edits(r, id, &m, &t, ret_error);
	if (e >= 0)
		e = load_cmds(m.runs, m.nruns, &t.cmds, &t.ncmds);
	if (e >= 0)
		e = load_cmds(m.undo_runs, m.nundo_runs, &t.undo_cmds, &t.nundo_cmds);
	if (e >= 0) {
		t.cmds_unknown = m.version < 2;
		t.devs = m.devs;
		t.ndevs = m.ndevs;
		t.steps = m.steps;
		t.nsteps = m.nsteps;
		t.undo_idle = m.undo_idle;
		t.boot_id = m.boot;
		t.locks = m.locks;
		m.locks = (struct pt_strv){0};
		m.devs = NULL, m.ndevs = 0, m.steps = NULL, m.nsteps = 0, m.boot = NULL;
		m.undo_idle = (struct pt_groups){0};
		e = load_progress(r, id, &t, ret_error);
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

/* ---- undo ---- */

static int sysfs_skip(struct pt_root *r, const struct pt_txn *t, const struct pt_system *sys,
		      enum pt_sysfs_skip *ret)
{
	char *now = NULL;
	int e;

	*ret = PT_SYSFS_NOT_SKIPPED;
	if (!t->ndevs)
		return 0;
	if (!system_acts(r, sys)) {
		*ret = PT_SYSFS_SKIP_ROOT;
		return 0;
	}
	if ((e = read_boot_id(r, &now)) < 0)
		return e;
	if (!streq_ptr(now, t->boot_id))
		*ret = PT_SYSFS_SKIP_BOOT;
	free(now);
	return 0;
}

enum pt_sysfs_skip pt_journal_sysfs_skip(struct pt_root *r, const struct pt_txn *t,
					 const struct pt_system *sys)
{
	enum pt_sysfs_skip s;

	/* Unreadable now: undo refuses (it cannot tell), the preview shows the writes. */
	return sysfs_skip(r, t, sys, &s) < 0 ? PT_SYSFS_NOT_SKIPPED : s;
}

/* Whether the commit changed the device: begun, and not refused at its first write. */
static bool touched(const struct pt_txn_dev *d)
{
	return d->begun && d->took != 0;
}

/* The steps in reverse; a write the kernel refuses stops the walk (-EIO). */
static int give_back(struct run *c)
{
	const struct pt_txn *t = c->t;
	int e = 0;

	for (size_t i = t->nsteps; e >= 0 && i-- > 0;) {
		const struct pt_txn_step *s = &t->steps[i];
		struct pt_dev_result *dr;

		if (s->kind == PT_STEP_EDIT) {
			e = restore_edit(c->r, &t->edits[s->idx], false, c->ret_error);
		} else if (s->kind == PT_STEP_DEV && touched(&t->devs[s->idx]) &&
			   c->res->sysfs_skipped == PT_SYSFS_NOT_SKIPPED) {
			dr = &c->res->devs[s->idx];
			device_step(c, s->idx);
			if (dr->refused)
				e = msg(c->ret_error, -EIO, "%s: %s", t->devs[s->idx].slot,
					dr->refused);
		}
	}
	return e;
}

/* What must hold before undo touches anything. */
static int undo_checks(struct run *c, char **ret_error)
{
	int e = sysfs_skip(c->r, c->t, c->o ? c->o->sys : NULL, &c->res->sysfs_skipped);

	if (e < 0)
		return msg(ret_error, e, "%s cannot be read: %s", PT_BOOT_ID_PATH, strerror(-e));
	if ((e = restore(c->r, c->t, true, ret_error)) < 0)
		return e;
	if (c->t->ndevs && c->res->sysfs_skipped == PT_SYSFS_NOT_SKIPPED &&
	    groups_idle(c->r, &c->t->undo_idle, c->o->sys, &c->res->busy_group) < 0)
		return msg(ret_error, -EBUSY,
			   "/dev/vfio/%d is in use (a running VM?): vfio-pci would wait for it "
			   "to let go; stop it first",
			   c->res->busy_group);
	return 0;
}

int pt_journal_undo(struct pt_root *r, const struct pt_journal_opts *o,
		    struct pt_journal_result *res, char **ret_error)
{
	struct run c = {.r = r,
			.o = o,
			.res = res,
			.undo = true,
			.writing = SIZE_MAX,
			.ret_error = ret_error};
	enum pt_journal_state s;
	struct pt_strv dirs = {0};
	char *id = NULL;
	int e;

	*res = (struct pt_journal_result){.busy_group = -1};
	if ((e = pt_root_lock(r, ret_error)) < 0)
		return e;
	e = pt_journal_last(r, &id, &s);
	if (e == -ENOENT)
		return msg(ret_error, e, "nothing to undo: no transaction in %s", PT_JOURNAL_DIR);
	if (e < 0)
		return msg(ret_error, e, "%s: %s", PT_JOURNAL_DIR, strerror(-e));
	c.id = id;
	c.t = &res->txn;
	res->state = s;
	if ((e = load(r, id, &res->txn, &dirs, ret_error)) < 0 ||
	    (e = take_locks(r, &res->txn, ret_error)) < 0 ||
	    (e = result_init(res, res->txn.nundo_cmds, res->txn.ndevs, 0)) < 0)
		goto out;
	if ((e = undo_checks(&c, ret_error)) < 0) {
		msg(ret_error, e, "undo of %s refused: nothing was changed", id);
		goto out;
	}
	if ((e = give_back(&c)) < 0) {
		msg(ret_error, e, "undo of %s stopped halfway: run it again", id);
		goto out;
	}
	remove_dirs(r, &dirs);
	if ((e = set_state(r, id, s, PT_JOURNAL_UNDONE, ret_error)) < 0)
		goto out;
	res->id = id;
	id = NULL;
	observe(&c, PT_JOURNAL_EV_STEPS, 0);
	for (size_t i = 0; i < res->txn.nundo_cmds; i++)
		command(&c, res->txn.undo_cmds, i);
out:
	pt_strv_done(&dirs);
	free(id);
	return e;
}
