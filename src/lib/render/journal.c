/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "edit/diff.h"
#include "render/journal.h"
#include "util/macro.h"

void pt_render_cmd(enum pt_journal_event ev, const struct pt_txn_cmd *c,
		   const struct pt_cmd_result *r, bool report_failure, const char *prog, FILE *out,
		   FILE *err)
{
	char *line = pt_strv_join(&c->argv, " ");
	const char *text = line ? line : c->argv.v[0];

	if (ev == PT_JOURNAL_EV_CMD && r->fate == PT_CMD_RAN) {
		fprintf(out, "running: %s\n", text);
		fflush(out); /* the command's own output follows */
	} else if (ev == PT_JOURNAL_EV_CMD && r->fate != PT_CMD_NOT_REACHED) {
		fprintf(out, "not run (%s): %s\n",
			r->fate == PT_CMD_NOT_RUN_OPTION ? "--no-refresh"
							 : "the root is not the running host",
			text);
	} else if (ev == PT_JOURNAL_EV_CMD_DONE && r->rc != 0 && report_failure) {
		fflush(out);
		fprintf(err, "%s: %s %s (%s)\n", prog, c->argv.v[0],
			r->rc < 0 ? "could not start" : "failed",
			r->rc < 0 ? strerror(-r->rc) : "see its output above");
	}
	free(line);
}

static const char *name(const char *driver)
{
	return driver ? driver : "(no driver)";
}

/* Why a device is not where it should be, from where it is. */
static void print_wrong(const struct pt_dev_expect *x, const char *slot,
			const struct pt_dev_result *r, FILE *out)
{
	const char *drv = r->driver, *ov = r->override;
	struct pt_dev_expect any_override = *x;

	any_override.override = (char *)ov;
	fprintf(out, "FAIL %s ", slot);
	if (pt_dev_expect_met(&any_override, drv, ov))
		fprintf(out, "is on %s but its driver_override reads %s, not %s", name(drv),
			ov ? ov : "(unset)", x->override ? x->override : "(unset)");
	else if (x->on == PT_DEV_OFF)
		fprintf(out,
			"is on %s again: %s's ids= names it (modprobe.d or %s.ids=; passthru "
			"undo removes what apply wrote)",
			x->driver, x->driver, x->driver);
	else if (!drv)
		fprintf(out, "has no driver: %s did not take it (the kernel log says why: dmesg)",
			x->driver);
	else
		fprintf(out, "is on %s, not %s", drv, name(x->driver));
	fputc('\n', out);
}

void pt_render_dev_result(const struct pt_txn_dev *d, const struct pt_dev_result *r, bool undo,
			  bool show_override, const char *prog, FILE *out, FILE *err)
{
	const struct pt_dev_expect *x = undo ? &d->undo_expect : &d->expect;

	if (!r->begun) {
		fprintf(out, "--   %s left as it was: the steps stopped before it\n", d->slot);
		return;
	}
	if (r->refused) {
		fflush(out); /* the refusal comes after what was shown */
		fprintf(err, "%s: %s: %s\n", prog, d->slot, r->refused);
	}
	if (r->reread_err < 0)
		fprintf(out, "FAIL %s: its binding cannot be re-read: %s\n", d->slot,
			strerror(-r->reread_err));
	else if (r->met)
		fprintf(out, "ok   %s is on %s%s%s\n", d->slot, name(r->driver),
			show_override ? ", driver_override " : "",
			show_override ? (r->override ? r->override : "unset") : "");
	else
		print_wrong(x, d->slot, r, out);
}

bool pt_render_groups(const struct pt_txn *t, const struct pt_journal_result *res, FILE *out)
{
	bool ok = true;

	for (size_t i = 0; i < res->nviable; i++) {
		int g = t->viable.v[i], v = res->viable[i];

		if (v == 1)
			fprintf(out,
				"ok   /dev/vfio/%d exists and the kernel calls the group viable\n",
				g);
		else if (v == -EBUSY)
			fprintf(out, "ok   /dev/vfio/%d exists and is in use (a VM holds it)\n", g);
		else
			fprintf(out, "FAIL /dev/vfio/%d %s\n", g,
				v == 0	       ? "exists, but the group is not viable: a member is "
						 "still on a host driver"
				: v == -ENOENT ? "does not exist: vfio-pci holds no device of it"
					       : strerror(-v));
		ok &= v == 1 || v == -EBUSY;
	}
	return ok;
}

/* "no driver", "e1000e", "any driver but vfio-pci". */
static void print_expect(const struct pt_dev_expect *x, FILE *out)
{
	if (x->on == PT_DEV_NONE)
		fputs("no driver", out);
	else
		fprintf(out, "%s%s", x->on == PT_DEV_OFF ? "any driver but " : "", x->driver);
	fprintf(out, ", driver_override %s", x->override ? x->override : "unset");
}

void pt_render_writes(const struct pt_sysfs_write *w, size_t n, FILE *out)
{
	for (size_t k = 0; k < n; k++)
		fprintf(out, "      write \"%s\" to %s\n",
			streq(w[k].value, "\n") ? "\\n" : w[k].value, w[k].path);
}

static void preview_devices(const struct pt_txn *t, enum pt_sysfs_skip skip, const char *root_spec,
			    FILE *out)
{
	if (!t->ndevs)
		return;
	if (skip == PT_SYSFS_SKIP_BOOT) {
		fputs("  nothing in sysfs: its writes were made in an earlier boot, and the reboot "
		      "gave the devices back to their drivers\n",
		      out);
		return;
	}
	if (skip == PT_SYSFS_SKIP_ROOT) {
		fprintf(out,
			"  nothing in sysfs: --root %s is not the running host, whose kernel the "
			"writes were made to\n",
			root_spec);
		return;
	}
	for (size_t i = t->nsteps; i-- > 0;) {
		const struct pt_txn_dev *d = &t->devs[t->steps[i].idx];

		if (t->steps[i].kind != PT_STEP_DEV)
			continue;
		if (!d->begun || d->took == 0) {
			fprintf(out, "  %s: nothing to give back (none of its writes was made)\n",
				d->slot);
			continue;
		}
		fprintf(out, "  %s back to ", d->slot);
		print_expect(&d->undo_expect, out);
		fputc('\n', out);
		pt_render_writes(d->undo, d->nundo, out);
	}
}

int pt_render_undo_preview(const char *id, const struct pt_txn *t, enum pt_sysfs_skip skip,
			   const char *root_spec, FILE *out)
{
	fprintf(out, "Undo journal %s:\n", id);
	preview_devices(t, skip, root_spec, out);
	for (size_t i = 0; i < t->n; i++) {
		const struct pt_edit *ed = &t->edits[i];
		struct pt_strbuf sb = {0};
		int e = pt_diff_unified(ed->path, ed->new, ed->new_len, ed->old, ed->old_len, &sb);

		if (e < 0) {
			pt_strbuf_done(&sb);
			return e;
		}
		fputs(pt_strbuf_str(&sb), out);
		pt_strbuf_done(&sb);
	}
	/* The restored files need the refresh the commit ran for them: the journal recorded it. */
	fputs("\nThen:\n", out);
	if (t->cmds_unknown)
		fputs("  nothing: this journal, written by an earlier passthru, does not record "
		      "the "
		      "commands its files need; run them yourself (update-initramfs -u -k all; "
		      "update-grub or proxmox-boot-tool refresh for a command-line file)\n",
		      out);
	else if (t->nundo_cmds == 0)
		fputs("  none\n", out);
	for (size_t i = 0; i < t->nundo_cmds; i++) {
		char *a = pt_strv_join(&t->undo_cmds[i].argv, " ");

		fprintf(out, "  %s\n", a ? a : "?");
		free(a);
	}
	return 0;
}

const char *pt_render_undo_question(const struct pt_txn *t, enum pt_sysfs_skip skip)
{
	for (size_t i = 0; i < t->ndevs && skip == PT_SYSFS_NOT_SKIPPED; i++)
		if (t->devs[i].begun && t->devs[i].took != 0)
			return "\nUndo these changes?";
	return "\nRestore these files?";
}

void pt_render_undone(const struct pt_journal_result *res, const char *prog, FILE *out, FILE *err)
{
	const struct pt_txn *t = &res->txn;

	if (res->id)
		fprintf(out, "\nundone: journal %s%s\n", res->id,
			res->state != PT_JOURNAL_PREPARED ? ""
			: t->ndevs			  ? " (an interrupted bind or unbind)"
							  : " (an interrupted apply)");
	for (size_t i = 0; i < res->ndevs; i++)
		if (res->devs[i].begun)
			pt_render_dev_result(&t->devs[i], &res->devs[i], true, true, prog, out,
					     err);
}
