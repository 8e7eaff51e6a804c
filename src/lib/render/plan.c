/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan as `plan` and `apply` show it: devices, diffs, commands, reasons, notes, refusals. */
#include <json-c/json.h>
#include <stdlib.h>

#include "edit/diff.h"
#include "render/json.h"
#include "render/plan.h"
#include "util/strbuf.h"

static char *argv_text(const struct pt_txn_cmd *c)
{
	return pt_strv_join(&c->argv, " ");
}

/*
 * Lines of one file that share a reason are listed together ("vfio, vfio_pci"); a second
 * reason for the line just shown is printed under it without repeating the line.
 */
static void print_reasons(const struct pt_plan_reason *r, size_t n, FILE *out)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && streq(r[j].path, r[i].path) && streq(r[j].why, r[i].why);
		     j++)
			;
		if (i == 0 || j > i + 1 || !streq(r[i - 1].path, r[i].path) ||
		    !streq(r[i - 1].line, r[i].line)) {
			fprintf(out, "  %s: ", r[i].path);
			for (size_t k = i; k < j; k++)
				fprintf(out, "%s%s", k > i ? ", " : "", r[k].line);
			fputc('\n', out);
		}
		fprintf(out, "      %s\n", r[i].why);
	}
}

/* The plan options of req as apply takes them, each with a leading space. */
static void plan_options_text(const struct pt_plan_request *req, FILE *out)
{
	if (req->override_guards)
		fputs(" --force", out);
	if (req->iommu_pt)
		fputs(" --iommu-pt", out);
	if (req->blacklist)
		fputs(" --blacklist", out);
	if (req->no_disable_vga)
		fputs(" --no-disable-vga", out);
	if (req->boot_path == PT_BOOT_GRUB)
		fputs(" --boot-path grub", out);
	else if (req->boot_path == PT_BOOT_SDBOOT)
		fputs(" --boot-path systemd-boot", out);
}

/* What comes after the plan: apply (with the same options), the reboot, verify. */
static void print_next(const struct pt_plan *p, const struct pt_plan_request *req, const char *slot,
		       FILE *out)
{
	if (p->refused || p->questions.n)
		return;
	fputs("\nNext:\n", out);
	if (p->next) {
		fprintf(out, "  %s\n", p->next);
	} else if (p->txn.n) {
		fputs("  passthru apply", out);
		plan_options_text(req, out);
		fprintf(out, " %s, reboot, then passthru verify %s\n", slot, slot);
	} else {
		fprintf(out,
			"  nothing to apply; if the host has not rebooted since these changes, "
			"reboot, then passthru verify %s\n",
			slot);
	}
}

static int render_text(const struct pt_host *h, const struct pt_plan *p,
		       const struct pt_plan_request *req, const char *slot, bool next, FILE *out)
{
	struct pt_strbuf sb = {0};
	int e;

	if (p->blockers.n) {
		fputs("Refused (no option overrides this):\n", out);
		for (size_t i = 0; i < p->blockers.n; i++)
			fprintf(out, "  - %s\n", p->blockers.v[i]);
		return 0;
	}
	fputs("Devices for vfio-pci:\n", out);
	for (size_t i = 0; i < p->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[p->devs[i]];

		fprintf(out, "  %s %04x:%04x%s%s\n", d->slot, d->vendor, d->device,
			d->class_name ? " " : "", d->class_name ? d->class_name : "");
	}
	fputs("\nChanges:\n", out);
	e = pt_txn_diff(&p->txn, &sb);
	if (e < 0)
		return e;
	if (p->txn.n == 0)
		fputs("  none: the host is already configured\n", out);
	else
		fwrite(sb.buf, 1, sb.len, out);
	pt_strbuf_done(&sb);
	fputs("\nCommands:\n", out);
	if (p->txn.ncmds == 0)
		fputs("  none\n", out);
	for (size_t i = 0; i < p->txn.ncmds; i++) {
		char *a = argv_text(&p->txn.cmds[i]);

		fprintf(out, "  %s\n      %s\n", a ? a : "?", p->txn.cmds[i].why);
		free(a);
	}
	fputs("\nWhy:\n", out);
	if (p->nreasons == 0)
		fputs("  none\n", out);
	print_reasons(p->reasons, p->nreasons, out);
	if (p->notes.n) {
		fputs("\nNotes:\n", out);
		for (size_t i = 0; i < p->notes.n; i++)
			fprintf(out, "  - %s\n", p->notes.v[i]);
	}
	if (p->refusals.n) {
		fprintf(out, "\n%s:\n", p->refused ? "Refused" : "Guards overridden (--force)");
		for (size_t i = 0; i < p->refusals.n; i++)
			fprintf(out, "  - %s\n", p->refusals.v[i]);
		if (p->refused)
			fputs("  (--force plans it anyway)\n", out);
	}
	if (p->questions.n) {
		fputs("\nUnanswered (apply refuses until it is answered):\n", out);
		for (size_t i = 0; i < p->questions.n; i++)
			fprintf(out, "  - %s\n", p->questions.v[i]);
	}
	if (p->equivalent.n && !p->refused) {
		fputs("\nThe same with Proxmox's tools:\n", out);
		for (size_t i = 0; i < p->equivalent.n; i++)
			fprintf(out, "  %s\n", p->equivalent.v[i]);
	}
	if (next)
		print_next(p, req, slot, out);
	return 0;
}

static json_object *strv_json(const struct pt_strv *sv)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < sv->n; i++)
		json_object_array_add(a, json_object_new_string(sv->v[i]));
	return a;
}

static int render_json(const struct pt_host *h, const struct pt_plan *p, FILE *out)
{
	json_object *doc = json_object_new_object(), *a;
	int e;

	a = json_object_new_array();
	for (size_t i = 0; i < p->ndevs; i++)
		json_object_array_add(a, json_object_new_string(h->devs[p->devs[i]].slot));
	json_object_object_add(doc, "devices", a);
	a = json_object_new_array();
	for (size_t i = 0; i < p->txn.n; i++) {
		const struct pt_edit *ed = &p->txn.edits[i];
		struct pt_strbuf sb = {0};
		json_object *o = json_object_new_object();

		pt_diff_unified(ed->path, ed->old, ed->old_len, ed->new, ed->new_len, &sb);
		json_object_object_add(o, "path", json_object_new_string(ed->path));
		json_object_object_add(o, "creates", json_object_new_boolean(ed->old == NULL));
		json_object_object_add(o, "diff", json_object_new_string(pt_strbuf_str(&sb)));
		json_object_array_add(a, o);
		pt_strbuf_done(&sb);
	}
	json_object_object_add(doc, "files", a);
	a = json_object_new_array();
	for (size_t i = 0; i < p->txn.ncmds; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "argv", strv_json(&p->txn.cmds[i].argv));
		json_object_object_add(o, "why", json_object_new_string(p->txn.cmds[i].why));
		json_object_array_add(a, o);
	}
	json_object_object_add(doc, "commands", a);
	a = json_object_new_array();
	for (size_t i = 0; i < p->nreasons; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "path", json_object_new_string(p->reasons[i].path));
		json_object_object_add(o, "line", json_object_new_string(p->reasons[i].line));
		json_object_object_add(o, "why", json_object_new_string(p->reasons[i].why));
		json_object_array_add(a, o);
	}
	json_object_object_add(doc, "reasons", a);
	json_object_object_add(doc, "notes", strv_json(&p->notes));
	json_object_object_add(doc, "refusals", strv_json(&p->refusals));
	json_object_object_add(doc, "blockers", strv_json(&p->blockers));
	json_object_object_add(doc, "refused", json_object_new_boolean(p->refused));
	json_object_object_add(doc, "questions", strv_json(&p->questions));
	if (p->equivalent.n)
		json_object_object_add(doc, "equivalent", strv_json(&p->equivalent));
	e = pt_json_print(doc, out);
	json_object_put(doc);
	return e;
}

int pt_render_plan(const struct pt_host *h, const struct pt_plan *p,
		   const struct pt_plan_render_opts *o, FILE *out)
{
	return o->json ? render_json(h, p, out) : render_text(h, p, o->req, o->slot, o->next, out);
}
