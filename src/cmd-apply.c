/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru apply SLOT` and `passthru undo`: the plan made real through the journal
 * (src/lib/edit): backups first, atomic writes, rollback on failure, exact-bytes undo.
 * Refresh commands run with an argv, never a shell, and only on the live host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "edit/diff.h"
#include "edit/journal.h"
#include "plan/plan.h"
#include "render/plan.h"
#include "util/run.h"

/* Runs the transaction's commands on the live host; under another root says they were not run. */
static int run_commands(const struct pt_cli *cli, const struct pt_root *root,
			const struct pt_txn *t, bool no_refresh)
{
	int failed = 0;

	for (size_t i = 0; i < t->ncmds; i++) {
		char *const *argv = t->cmds[i].argv.v;
		const char *name = argv[0];
		char *line = pt_strv_join(&t->cmds[i].argv, " ");
		int rc;

		if (no_refresh || pt_root_mode(root) != PT_ROOT_LIVE) {
			printf("not run (%s): %s\n",
			       no_refresh ? "--no-refresh" : "the root is not the running host",
			       line ? line : name);
			free(line);
			continue;
		}
		printf("running: %s\n", line ? line : name);
		free(line);
		fflush(stdout);
		rc = pt_run(argv);
		if (rc != 0) {
			fprintf(stderr, "%s: %s %s (%s)\n", cli->prog, name,
				rc < 0 ? "could not start" : "failed",
				rc < 0 ? strerror(-rc) : "see its output above");
			failed = 1;
		}
	}
	return failed;
}

static void apply_help(void)
{
	fputs("Usage: passthru apply [OPTIONS] SLOT\n"
	      "\n"
	      "Make the changes `passthru plan SLOT` shows: each file is backed up to\n"
	      "/var/lib/passthru/journal first, written atomically, and the whole set is rolled\n"
	      "back if any write fails. Then the refresh commands run (update-grub,\n"
	      "proxmox-boot-tool refresh, update-initramfs). `passthru undo` restores the exact\n"
	      "bytes. Reboot, then `passthru check`.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --yes          do not ask (needed without a terminal)\n"
	      "      --no-refresh   do not run the refresh commands\n",
	      stdout);
	fputs(pt_cli_plan_options_help, stdout);
	fputs("  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 applied (or nothing to do); 1 refused, nothing written: the guards\n"
	      "of `plan`, or a plan that needs the boot path this host does not show\n"
	      "(--boot-path answers it); 2 usage or operational error, no terminal without\n"
	      "--yes, or a refresh command failed.\n",
	      stdout);
}

/* Builds the plan again on what is now on disk: nothing may be left to do. */
static int confirm_applied(const struct pt_cli *cli, const struct pt_plan_request *req)
{
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	struct pt_plan p;
	int e;

	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return -EIO;
	e = pt_plan_build(&h, &vd, req, &p);
	if (e >= 0) {
		e = p.txn.n == 0 ? 0 : -EIO;
		pt_plan_done(&p);
	}
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	return e;
}

/* apply's own options, beside the plan request. */
struct apply_opts {
	const char *slot; /* SLOT as the user wrote it */
	bool yes, no_refresh;
};

static int apply_plan(struct pt_cli *cli, struct pt_root *root, const struct pt_host *h,
		      const struct pt_plan *p, const struct pt_plan_request *req,
		      const struct apply_opts *o)
{
	char *id = NULL, *err = NULL;
	int e;

	pt_render_plan(h, p, &(struct pt_plan_render_opts){false, req, o->slot, false}, stdout);
	if (p->refused)
		return PT_EXIT_FINDINGS;
	if (p->questions.n) {
		fflush(stdout);
		fprintf(stderr,
			"%s: apply: refused: the plan needs the answer under \"Unanswered\" "
			"first; nothing changed\n",
			cli->prog);
		return PT_EXIT_FINDINGS;
	}
	if (!pt_cli_confirm(cli, "apply", o->yes, "\nApply these changes?"))
		return PT_EXIT_ERROR;
	e = pt_journal_commit(root, &p->txn, &id, &err);
	if (e < 0) {
		fprintf(stderr, "%s: apply: %s\n", cli->prog, err ? err : strerror(-e));
		free(err);
		return PT_EXIT_ERROR;
	}
	printf("\napplied: journal %s (passthru undo restores the exact bytes)\n", id);
	free(id);
	if (confirm_applied(cli, req) < 0)
		fprintf(stderr, "%s: apply: re-reading the host shows changes still planned\n",
			cli->prog);
	if (run_commands(cli, root, &p->txn, o->no_refresh))
		return PT_EXIT_ERROR;
	/* The changes take effect at the next boot (the initramfs, the command line). */
	if (p->txn.ncmds && (o->no_refresh || pt_root_mode(root) != PT_ROOT_LIVE))
		printf("\nNext: run the commands above, reboot, then passthru verify %s\n",
		       o->slot);
	else
		printf("\nNext: reboot, then passthru verify %s\n", o->slot);
	return PT_EXIT_OK;
}

int pt_cmd_apply(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"yes", no_argument, NULL, 'y'},
		{"no-refresh", no_argument, NULL, 'N'},
		PT_PLAN_LONGOPTS,
		{},
	};
	struct pt_plan_request req = {0};
	struct apply_opts o = {0};
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	struct pt_plan p;
	int opt, e, rc;

	while ((opt = getopt_long(argc, argv, "yh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg) || pt_cli_plan_option(&req, opt))
			continue;
		switch (opt) {
		case 'y':
			o.yes = true;
			break;
		case 'N':
			o.no_refresh = true;
			break;
		case 'L':
			if ((rc = pt_cli_boot_path_option(cli, "apply ", optarg, &req)) != 0)
				return rc;
			break;
		case 'h':
			apply_help();
			return PT_EXIT_OK;
		default:
			return pt_cli_usage_error(cli, "apply ", "invalid option");
		}
	}
	if ((rc = pt_cli_slot_arg(cli, "apply ", argc, argv, &req.slot)) != 0)
		return rc;
	o.slot = argv[optind];
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return PT_EXIT_ERROR;
	e = pt_plan_build(&h, &vd, &req, &p);
	if (e < 0) {
		fprintf(stderr, "%s: apply: %s\n", cli->prog,
			e == -ENODEV ? "no such PCI device in this root" : strerror(-e));
		rc = PT_EXIT_ERROR;
	} else if (p.txn.n == 0 && !p.refused && !p.questions.n) {
		printf("nothing to do: the host already has every change the plan for %s makes\n",
		       argv[optind]);
		pt_plan_done(&p);
		rc = PT_EXIT_OK;
	} else {
		rc = apply_plan(cli, root, &h, &p, &req, &o);
		pt_plan_done(&p);
	}
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	return rc;
}

static void undo_help(void)
{
	fputs("Usage: passthru undo [OPTIONS]\n"
	      "\n"
	      "Restore the exact bytes the last `passthru apply` replaced and remove the files it\n"
	      "created, then run the refresh commands those files need.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --yes          do not ask (needed without a terminal)\n"
	      "      --no-refresh   do not run the refresh commands\n"
	      "  -h, --help         show this help\n",
	      stdout);
}

/* Shows what undo will do: each edit of the journal, reversed. */
static int show_undo(struct pt_root *root, const char *id, struct pt_txn *t)
{
	char *err = NULL;
	int e = pt_journal_load(root, id, t, &err);

	free(err);
	if (e < 0)
		return e;
	printf("Undo journal %s:\n", id);
	for (size_t i = 0; i < t->n; i++) {
		const struct pt_edit *ed = &t->edits[i];
		struct pt_strbuf sb = {0};

		pt_diff_unified(ed->path, ed->new, ed->new_len, ed->old, ed->old_len, &sb);
		fputs(pt_strbuf_str(&sb), stdout);
		pt_strbuf_done(&sb);
	}
	/* The restored files need the refresh apply ran for them: the journal recorded it. */
	printf("\nThen:\n");
	if (t->cmds_unknown)
		printf("  nothing: this journal, written by an earlier passthru, does not record "
		       "the "
		       "commands its files need; run them yourself (update-initramfs -u -k all; "
		       "update-grub or proxmox-boot-tool refresh for a command-line file)\n");
	else if (t->ncmds == 0)
		printf("  none\n");
	for (size_t i = 0; i < t->ncmds; i++) {
		char *a = pt_strv_join(&t->cmds[i].argv, " ");

		printf("  %s\n", a ? a : "?");
		free(a);
	}
	return 0;
}

int pt_cmd_undo(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"yes", no_argument, NULL, 'y'},
		{"no-refresh", no_argument, NULL, 'N'},
		{},
	};
	enum pt_journal_state state;
	bool yes = false, no_refresh = false;
	struct pt_txn t = {0};
	struct pt_root *root;
	char *id = NULL, *undone = NULL, *err = NULL, *msg;
	int opt, e, rc = PT_EXIT_OK;

	while ((opt = getopt_long(argc, argv, "yh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		switch (opt) {
		case 'y':
			yes = true;
			break;
		case 'N':
			no_refresh = true;
			break;
		case 'h':
			undo_help();
			return PT_EXIT_OK;
		default:
			return pt_cli_usage_error(cli, "undo ", "invalid option");
		}
	}
	if (optind < argc)
		return pt_cli_usage_error(cli, "undo ", "unexpected argument '%s'", argv[optind]);
	e = pt_root_open(cli->root, &root, &msg);
	if (e < 0) {
		fprintf(stderr, "%s: cannot open root: %s\n", cli->prog, msg ? msg : strerror(-e));
		free(msg);
		return PT_EXIT_ERROR;
	}
	e = pt_journal_last(root, &id, &state);
	if (e < 0 || !id) {
		printf("nothing to undo: no applied change in the journal\n");
	} else if (show_undo(root, id, &t) < 0 ||
		   !pt_cli_confirm(cli, "undo", yes, "\nRestore these files?")) {
		rc = PT_EXIT_ERROR;
	} else if ((e = pt_journal_undo(root, &undone, &state, &err)) < 0) {
		fprintf(stderr, "%s: undo: %s\n", cli->prog, err ? err : strerror(-e));
		rc = PT_EXIT_ERROR;
	} else {
		printf("\nundone: journal %s%s\n", undone,
		       state == PT_JOURNAL_PREPARED ? " (an interrupted apply)" : "");
		rc = run_commands(cli, root, &t, no_refresh) ? PT_EXIT_ERROR : PT_EXIT_OK;
	}
	pt_txn_done(&t);
	free(id);
	free(undone);
	free(err);
	pt_root_free(root);
	return rc;
}
