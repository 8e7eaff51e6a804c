/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "edit.h"

static char *dup_bytes(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
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
	if (!e.path || (old && !e.old) || (new && !e.new) || !grown) {
		free(e.path);
		free(e.old);
		free(e.new);
		if (grown)
			t->edits = grown;
		return -ENOMEM;
	}
	t->edits = grown;
	t->edits[t->n++] = e;
	return 1;
}

int pt_txn_add_cmd(struct pt_txn *t, const char *const *argv, const char *why)
{
	struct pt_txn_cmd c = {0}, *grown;
	int e = 0;

	if (!argv || !argv[0])
		return -EINVAL;
	for (size_t i = 0; e >= 0 && argv[i]; i++)
		e = pt_strv_push(&c.argv, argv[i]);
	if (e >= 0 && why && !(c.why = strdup(why)))
		e = -ENOMEM;
	grown = e >= 0 ? realloc(t->cmds, (t->ncmds + 1) * sizeof(*t->cmds)) : NULL;
	if (!grown) {
		pt_strv_done(&c.argv);
		free(c.why);
		return -ENOMEM;
	}
	t->cmds = grown;
	t->cmds[t->ncmds++] = c;
	return 0;
}

void pt_txn_done(struct pt_txn *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->edits[i].path);
		free(t->edits[i].old);
		free(t->edits[i].new);
	}
	free(t->edits);
	for (size_t i = 0; i < t->ncmds; i++) {
		pt_strv_done(&t->cmds[i].argv);
		free(t->cmds[i].why);
	}
	free(t->cmds);
	*t = (struct pt_txn){0};
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
