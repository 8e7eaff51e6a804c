/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru plan SLOT`: the change set that gives a slot to vfio-pci at boot; writes nothing. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "edit/diff.h"
#include "plan/plan.h"
#include "render/json.h"

static void help(void)
{
	fputs("Usage: passthru plan [OPTIONS] SLOT\n"
	      "\n"
	      "Show the change set that gives SLOT (every function, every endpoint of its IOMMU\n"
	      "group) to vfio-pci at boot: a unified diff of each file, the commands to run, and\n"
	      "why each line is there. Nothing is written.\n"
	      "\n"
	      "Options:\n"
	      "  -J, --json         JSON output\n",
	      stdout);
	fputs(pt_cli_plan_options_help, stdout);
	fputs("  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 a plan, 1 refused (SLOT is a bridge or the host bridge, which\n"
	      "nothing overrides; or the set holds the boot disk's controller, the\n"
	      "default-route NIC, the host's console GPU or chipset functions, which --force\n"
	      "overrides) or unanswered (the plan needs the boot path and the host does not\n"
	      "show it: --boot-path), 2 usage or operational error.\n",
	      stdout);
}

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
	if (p->txn.n) {
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

int pt_cli_print_plan(const struct pt_host *h, const struct pt_plan *p,
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

static int print_json(const struct pt_host *h, const struct pt_plan *p, FILE *out)
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
	e = pt_json_print(doc, out);
	json_object_put(doc);
	return e;
}

const char pt_cli_plan_options_help[] =
	"      --force        go ahead even when the set holds a device the host needs\n"
	"      --iommu-pt     also add iommu=pt\n"
	"      --blacklist    also blacklist the modules that would claim the devices,\n"
	"                     except those a device staying with the host uses\n"
	"      --no-disable-vga\n"
	"                     leave out vfio-pci's disable_vga=1 (added for a VGA function):\n"
	"                     for a GPU booted with SeaBIOS and x-vga, whose ROM has no\n"
	"                     UEFI image; OVMF guests do not need legacy VGA\n"
	"      --boot-path LOADER\n"
	"                     the loader that boots this host, grub or systemd-boot, for\n"
	"                     when passthru cannot tell (plan then asks for it, and\n"
	"                     apply refuses without it)\n";

bool pt_cli_plan_option(struct pt_plan_request *req, int opt)
{
	switch (opt) {
	case 'F':
		req->override_guards = true;
		return true;
	case 'P':
		req->iommu_pt = true;
		return true;
	case 'B':
		req->blacklist = true;
		return true;
	case 'V':
		req->no_disable_vga = true;
		return true;
	default:
		return false;
	}
}

int pt_cli_boot_path_option(const struct pt_cli *cli, const char *cmd, const char *arg,
			    struct pt_plan_request *req)
{
	if (streq(arg, "grub"))
		req->boot_path = PT_BOOT_GRUB;
	else if (streq(arg, "systemd-boot"))
		req->boot_path = PT_BOOT_SDBOOT;
	else
		return pt_cli_usage_error(cli, cmd,
					  "--boot-path: '%s' is not a boot loader (grub, "
					  "systemd-boot)",
					  arg);
	return 0;
}

int pt_cmd_plan(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"json", no_argument, NULL, 'J'},
		PT_PLAN_LONGOPTS,
		{},
	};
	struct pt_plan_request req = {0};
	struct pt_plan p;
	struct pt_root *root;
	struct pt_host h;
	bool json = false;
	int opt, e;

	while ((opt = getopt_long(argc, argv, "Jh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg) || pt_cli_plan_option(&req, opt))
			continue;
		switch (opt) {
		case 'J':
			json = true;
			break;
		case 'L':
			if ((e = pt_cli_boot_path_option(cli, "plan ", optarg, &req)) != 0)
				return e;
			break;
		case 'h':
			help();
			return PT_EXIT_OK;
		default:
			return pt_cli_usage_error(cli, "plan ", "invalid option");
		}
	}
	if ((e = pt_cli_slot_arg(cli, "plan ", argc, argv, &req.slot)) != 0)
		return e;
	if (pt_cli_load_host(cli, &root, &h) < 0)
		return PT_EXIT_ERROR;
	e = pt_plan_build(&h, &req, &p);
	if (e == -ENODEV) {
		fprintf(stderr, "%s: plan: no PCI device %s in this root\n", cli->prog,
			argv[optind]);
	} else if (e < 0) {
		fprintf(stderr, "%s: plan: %s\n", cli->prog, strerror(-e));
	} else {
		e = json ? print_json(&h, &p, stdout)
			 : pt_cli_print_plan(&h, &p, &req, argv[optind], true, stdout);
		if (e < 0)
			fprintf(stderr, "%s: plan: %s\n", cli->prog, strerror(-e));
	}
	bool refused = e >= 0 && (p.refused || p.questions.n);

	if (e >= 0 || e == -ENODEV)
		pt_plan_done(&p);
	pt_host_done(&h);
	pt_root_free(root);
	if (fflush(stdout) != 0 && e >= 0) {
		perror("passthru: stdout");
		return PT_EXIT_ERROR;
	}
	if (e < 0)
		return PT_EXIT_ERROR;
	return refused ? PT_EXIT_FINDINGS : PT_EXIT_OK;
}
