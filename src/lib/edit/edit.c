/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "edit.h"
#include "util/bdf.h"
#include "util/macro.h"

static char *dup_bytes(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

static int add_step(struct pt_txn *t, enum pt_txn_step_kind kind, size_t idx)
{
	struct pt_txn_step *grown = realloc(t->steps, (t->nsteps + 1) * sizeof(*t->steps));

	if (!grown)
		return -ENOMEM;
	t->steps = grown;
	t->steps[t->nsteps++] = (struct pt_txn_step){kind, idx};
	return 0;
}

int pt_txn_add(struct pt_txn *t, const char *path, const char *old, size_t old_len, const char *new,
	       size_t new_len, unsigned mode)
{
	struct pt_edit e = {.old_len = old_len, .new_len = new_len, .mode = mode}, *grown;

	if (!old && !new)
		return 0;
	if (old && new &&old_len == new_len && memcmp(old, new, old_len) == 0)
		return 0;
	if (path[0] != '/')
		return -EINVAL;
	e.path = strdup(path);
	if (old)
		e.old = dup_bytes(old, old_len);
	if (new)
		e.new = dup_bytes(new, new_len);
	grown = realloc(t->edits, (t->n + 1) * sizeof(*t->edits));
	if (grown)
		t->edits = grown;
	if (!e.path || (old && !e.old) || (new && !e.new) || !grown ||
	    add_step(t, PT_STEP_EDIT, t->n) < 0) {
		free(e.path);
		free(e.old);
		free(e.new);
		return -ENOMEM;
	}
	t->edits[t->n++] = e;
	return 1;
}

static void cmd_done(struct pt_txn_cmd *c)
{
	pt_strv_done(&c->argv);
	c->why = pt_free(c->why);
}

static int cmd_init(struct pt_txn_cmd *c, const char *const *argv, const char *why, bool refresh)
{
	int e = 0;

	*c = (struct pt_txn_cmd){.refresh = refresh};
	if (!argv || !argv[0])
		return -EINVAL;
	for (size_t i = 0; e >= 0 && argv[i]; i++)
		e = pt_strv_push(&c->argv, argv[i]);
	if (e >= 0 && why && !(c->why = strdup(why)))
		e = -ENOMEM;
	if (e < 0)
		cmd_done(c);
	return e < 0 ? e : 0;
}

/* Appends a command to *v (n of them); c is moved in, or freed on failure. */
static int push_cmd(struct pt_txn_cmd **v, size_t *n, struct pt_txn_cmd *c)
{
	struct pt_txn_cmd *grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (!grown) {
		cmd_done(c);
		return -ENOMEM;
	}
	*v = grown;
	(*v)[(*n)++] = *c;
	return 0;
}

int pt_txn_add_cmd(struct pt_txn *t, const char *const *argv, const char *why)
{
	struct pt_txn_cmd c, u;
	int e = cmd_init(&c, argv, why, true);

	if (e < 0)
		return e;
	if ((e = cmd_init(&u, argv, NULL, false)) < 0) {
		cmd_done(&c);
		return e;
	}
	if ((e = push_cmd(&t->cmds, &t->ncmds, &c)) < 0) {
		cmd_done(&u);
		return e;
	}
	return push_cmd(&t->undo_cmds, &t->nundo_cmds, &u);
}

int pt_txn_add_step_cmd(struct pt_txn *t, const char *const *argv, const char *why)
{
	struct pt_txn_cmd c;
	int e = cmd_init(&c, argv, why, false);

	if (e < 0)
		return e;
	if ((e = push_cmd(&t->cmds, &t->ncmds, &c)) < 0)
		return e;
	if ((e = add_step(t, PT_STEP_CMD, t->ncmds - 1)) < 0) {
		cmd_done(&t->cmds[--t->ncmds]);
		return e;
	}
	return 0;
}

int pt_txn_add_dev(struct pt_txn *t, const char *slot)
{
	struct pt_txn_dev *grown;
	char canon[PT_BDF_STRLEN];
	struct pt_bdf b;

	if (!slot || pt_bdf_parse(slot, strlen(slot), &b) < 0)
		return -EINVAL;
	pt_bdf_format(&b, canon);
	grown = realloc(t->devs, (t->ndevs + 1) * sizeof(*t->devs));
	if (!grown)
		return -ENOMEM;
	t->devs = grown;
	t->devs[t->ndevs] = (struct pt_txn_dev){.took = SIZE_MAX};
	if (!(t->devs[t->ndevs].slot = strdup(canon)) || add_step(t, PT_STEP_DEV, t->ndevs) < 0) {
		t->devs[t->ndevs].slot = pt_free(t->devs[t->ndevs].slot);
		return -ENOMEM;
	}
	return (int)t->ndevs++;
}

int pt_txn_dev_write(struct pt_txn_dev *d, bool undo, const char *path, const char *value,
		     bool if_present)
{
	struct pt_sysfs_write **v = undo ? &d->undo : &d->writes, *grown;
	size_t *n = undo ? &d->nundo : &d->nwrites;
	struct pt_sysfs_write w = {.if_present = if_present};

	if (!value || !*value || strncmp(path, "/sys/", 5) != 0)
		return -EINVAL;
	grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (!grown)
		return -ENOMEM;
	*v = grown;
	w.path = strdup(path);
	w.value = strdup(value);
	if (!w.path || !w.value) {
		free(w.path);
		free(w.value);
		return -ENOMEM;
	}
	(*v)[(*n)++] = w;
	return 0;
}

static void expect_done(struct pt_dev_expect *e)
{
	e->driver = pt_free(e->driver);
	e->override = pt_free(e->override);
}

int pt_txn_dev_expect(struct pt_txn_dev *d, bool undo, enum pt_dev_on on, const char *driver,
		      const char *override)
{
	struct pt_dev_expect *e = undo ? &d->undo_expect : &d->expect;

	if ((on == PT_DEV_NONE) != !driver)
		return -EINVAL;
	expect_done(e);
	e->on = on;
	e->driver = driver ? strdup(driver) : NULL;
	e->override = override ? strdup(override) : NULL;
	if ((driver && !e->driver) || (override && !e->override)) {
		expect_done(e);
		return -ENOMEM;
	}
	return 0;
}

bool pt_dev_expect_met(const struct pt_dev_expect *e, const char *driver, const char *override)
{
	bool driver_ok;

	switch (e->on) {
	case PT_DEV_ON:
		driver_ok = streq_ptr(driver, e->driver);
		break;
	case PT_DEV_NONE:
		driver_ok = driver == NULL;
		break;
	default:
		driver_ok = !streq_ptr(driver, e->driver);
		break;
	}
	return driver_ok && streq_ptr(override, e->override);
}

int pt_groups_add(struct pt_groups *g, int group)
{
	int *grown;

	for (size_t i = 0; i < g->n; i++)
		if (g->v[i] == group)
			return 0;
	if (group < 0)
		return -EINVAL;
	grown = realloc(g->v, (g->n + 1) * sizeof(*g->v));
	if (!grown)
		return -ENOMEM;
	g->v = grown;
	g->v[g->n++] = group;
	return 0;
}

void pt_groups_done(struct pt_groups *g)
{
	free(g->v);
	*g = (struct pt_groups){0};
}

static void writes_done(struct pt_sysfs_write *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].value);
	}
	free(v);
}

void pt_txn_dev_done(struct pt_txn_dev *d)
{
	free(d->slot);
	writes_done(d->writes, d->nwrites);
	writes_done(d->undo, d->nundo);
	expect_done(&d->expect);
	expect_done(&d->undo_expect);
	*d = (struct pt_txn_dev){0};
}

void pt_txn_done(struct pt_txn *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->edits[i].path);
		free(t->edits[i].old);
		free(t->edits[i].new);
	}
	free(t->edits);
	for (size_t i = 0; i < t->ncmds; i++)
		cmd_done(&t->cmds[i]);
	free(t->cmds);
	for (size_t i = 0; i < t->nundo_cmds; i++)
		cmd_done(&t->undo_cmds[i]);
	free(t->undo_cmds);
	for (size_t i = 0; i < t->ndevs; i++)
		pt_txn_dev_done(&t->devs[i]);
	free(t->devs);
	free(t->steps);
	pt_groups_done(&t->idle);
	pt_groups_done(&t->undo_idle);
	pt_groups_done(&t->viable);
	free(t->boot_id);
	pt_strv_done(&t->locks);
	*t = (struct pt_txn){0};
}

int pt_txn_add_lock(struct pt_txn *t, const char *path)
{
	if (path[0] != '/')
		return -EINVAL;
	return pt_strv_contains(&t->locks, path) ? 0 : pt_strv_push(&t->locks, path);
}

bool pt_txn_empty(const struct pt_txn *t)
{
	return t->n == 0 && t->ndevs == 0;
}

int pt_txn_diff(const struct pt_txn *t, struct pt_strbuf *out)
{
	int e = 0;

	for (size_t i = 0; e >= 0 && i < t->n; i++) {
		const struct pt_edit *ed = &t->edits[i];

		e = pt_diff_unified(ed->path, ed->old, ed->old_len, ed->new, ed->new_len, out);
	}
	return e;
}
