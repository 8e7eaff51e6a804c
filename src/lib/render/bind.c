/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>

#include "render/bind.h"
#include "render/journal.h"
#include "util/macro.h"

static const char *name(const char *driver)
{
	return driver ? driver : "(no driver)";
}

/* Where the device goes, as the preview says it. */
static void print_target(const struct pt_bind_plan *p, const struct pt_bind_dev *bd, FILE *out)
{
	switch (bd->want) {
	case PT_BIND_WANT_DRIVER:
		fprintf(out, "%s%s\n", bd->want_driver,
			p->op == PT_BIND_UNBIND && bd->saved ? " (its driver before bind)" : "");
		break;
	case PT_BIND_WANT_NONE:
		fputs("(no driver, as before bind)\n", out);
		break;
	case PT_BIND_WANT_NOT_VFIO:
		fputs("the kernel's choice (its driver before is unknown)\n", out);
		break;
	}
}

static void print_list(const char *title, const struct pt_strv *sv, FILE *out)
{
	if (!sv->n)
		return;
	fprintf(out, "\n%s:\n", title);
	for (size_t i = 0; i < sv->n; i++)
		fprintf(out, "  - %s\n", sv->v[i]);
}

static void print_steps(const struct pt_host *h, const struct pt_bind_plan *p, FILE *out)
{
	bool bind = p->op == PT_BIND_BIND;

	fprintf(out, "%s:\n",
		bind ? "Bind to vfio-pci now (until the next boot)"
		     : "Give back from vfio-pci now");
	if (bind && p->state_changed)
		fputs("  save the drivers the devices have now to " PT_BIND_STATE "\n", out);
	if (p->pre_argv.n) {
		char *a = pt_strv_join(&p->pre_argv, " ");

		fprintf(out, "  %s\n      %s\n", a ? a : "?", p->pre_why);
		free(a);
	}
	for (size_t i = 0; i < p->ndevs; i++) {
		const struct pt_bind_dev *bd = &p->devs[i];
		const char *slot = h->devs[bd->idx].slot;

		if (!bd->nwrites) {
			fprintf(out, "  %s %s: nothing to do\n", slot,
				bind ? "is on vfio-pci" : "is not bound through vfio-pci");
			continue;
		}
		fprintf(out, "  %s %s -> ", slot, name(bd->driver));
		print_target(p, bd, out);
		for (size_t k = 0; k < bd->nwrites; k++)
			fprintf(out, "      write \"%s\" to %s\n",
				streq(bd->writes[k].value, "\n") ? "\\n" : bd->writes[k].value,
				bd->writes[k].path);
	}
	if (!bind && p->state_changed && p->ntodo)
		fputs("  then drop what bind saved for them from " PT_BIND_STATE "\n", out);
}

void pt_render_bind_plan(const struct pt_host *h, const struct pt_bind_plan *p, FILE *out)
{
	if (p->slot_blocked) {
		fputs("Cannot bind (no option overrides this):\n", out);
		for (size_t i = 0; i < p->blockers.n; i++)
			fprintf(out, "  - %s\n", p->blockers.v[i]);
		return;
	}
	print_steps(h, p, out);
	print_list("Notes", &p->notes, out);
	if (!p->ntodo)
		return;
	print_list(p->op == PT_BIND_BIND ? "Cannot bind" : "Cannot unbind", &p->blockers, out);
	if (p->refusals.n) {
		print_list(p->refused ? "Refused" : "Guards overridden (--force)", &p->refusals,
			   out);
		if (p->refused && !p->blockers.n)
			fputs("  (--force binds anyway)\n", out);
	}
}

void pt_render_bind_gate(const struct pt_bind_plan *p, enum pt_bind_gate g, const char *root_spec,
			 FILE *out)
{
	if (g == PT_BIND_NOTHING)
		fprintf(out, "\nnothing to do: %s\n",
			p->op == PT_BIND_BIND ? "every device of the slot is on vfio-pci"
					      : "no device of the slot is on vfio-pci");
	else if (g == PT_BIND_NOT_LIVE)
		fprintf(out,
			"\nnothing done: --root %s is not the running host; runtime binding acts "
			"on the running kernel\n",
			root_spec);
}

void pt_render_bind_busy(const char *prog, const char *cmd, int group, FILE *out, FILE *err)
{
	fflush(out);
	fprintf(err,
		"%s: %s: /dev/vfio/%d is in use (a running VM?): vfio-pci would wait for it to "
		"let go; stop it first. Nothing changed.\n",
		prog, cmd, group);
}

bool pt_render_bind_result(const struct pt_bind_plan *p, const struct pt_journal_result *res,
			   const char *prog, FILE *out, FILE *err)
{
	bool unbind = p->op == PT_BIND_UNBIND, ok = pt_journal_devs_met(res);

	fputc('\n', out);
	for (size_t i = 0; i < res->ndevs; i++)
		pt_render_dev_result(&p->txn.devs[i], &res->devs[i], false, unbind, prog, out, err);
	ok &= pt_render_groups(&p->txn, res, out);
	if (res->id)
		fprintf(out, "\njournal %s records these writes: %s\n", res->id,
			unbind ? "passthru undo binds the devices again"
			       : "passthru unbind or passthru undo gives the devices back");
	return ok;
}
