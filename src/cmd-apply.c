/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru apply SLOT` and `passthru undo`: the plan made real through the journal
 * (src/lib/edit): backups first, atomic writes, rollback on failure, then the refresh
 * commands (an argv, never a shell, only on the live host); undo replays what the journal
 * recorded for any transaction (apply, bind, unbind).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "edit/journal.h"
#include "plan/plan.h"
#include "render/plan.h"
#include "render/journal.h"

static void apply_help(void)
{
	fputs("Usage: passthru apply [OPTIONS] SLOT\n"
	      "\n"
	      "Make the changes `passthru plan SLOT` shows: each file is backed up to\n"
	      "/var/lib/passthru/journal first, written atomically, and the whole set is rolled\n"
	      "back if any write fails. Then the refresh commands run (update-grub,\n"
	      "proxmox-boot-tool refresh, update-initramfs). `passthru undo` restores the exact\n"
	      "bytes. Reboot, then `passthru verify SLOT`.\n"
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

/* What apply says while the commit runs: the journal once the files are written, and the
 * refresh commands as they run. */
struct apply_watch {
	const struct pt_cli *cli;
	const struct pt_plan_request *req;
	bool failed; /* a refresh command failed */
};

static void apply_observe(void *ctx, enum pt_journal_event ev, const struct pt_txn *t,
			  const struct pt_journal_result *res, size_t idx)
{
	struct apply_watch *w = ctx;

	if (ev == PT_JOURNAL_EV_STEPS) {
		printf("\napplied: journal %s (passthru undo restores the exact bytes)\n", res->id);
		if (confirm_applied(w->cli, w->req) < 0)
			fprintf(stderr,
				"%s: apply: re-reading the host shows changes still planned\n",
				w->cli->prog);
		return;
	}
	pt_render_cmd(ev, &t->cmds[idx], &res->cmds[idx], true, w->cli->prog, stdout, stderr);
	w->failed |= ev == PT_JOURNAL_EV_CMD_DONE && res->cmds[idx].rc != 0;
}

static int apply_plan(struct pt_cli *cli, struct pt_root *root, const struct pt_host *h,
		      const struct pt_plan *p, const struct pt_plan_request *req,
		      const struct apply_opts *o)
{
	struct apply_watch w = {.cli = cli, .req = req};
	struct pt_journal_opts jo = {.sys = &pt_cli_system,
				     .no_refresh = o->no_refresh,
				     .observe = apply_observe,
				     .ctx = &w};
	struct pt_journal_result res;
	char *err = NULL;
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
	e = pt_journal_commit(root, &p->txn, &jo, &res, &err);
	pt_journal_result_done(&res);
	if (e < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: apply: %s\n", cli->prog, err ? err : strerror(-e));
		free(err);
		return PT_EXIT_ERROR;
	}
	if (w.failed)
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
	      "Reverse the newest transaction in /var/lib/passthru/journal (an apply, bind or\n"
	      "unbind) as the journal recorded it: the exact bytes of every file it changed\n"
	      "(files it created are removed); for a bind or unbind of this boot, the sysfs\n"
	      "writes recorded with it that give each device back, each device re-read after\n"
	      "(a reboot already undid the writes of an earlier boot); then the commands\n"
	      "recorded for undo (the refresh the restored files need). Shows it and asks.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --yes          do not ask (needed without a terminal)\n"
	      "      --no-refresh   do not run the refresh commands\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 undone (or nothing to undo), 1 a device is not where the journal\n"
	      "says it was, 2 usage or operational error (the message says what changed).\n",
	      stdout);
}

/* What undo says while it runs: the journal once given back, then its commands as they run. */
static void undo_observe(void *ctx, enum pt_journal_event ev, const struct pt_txn *t,
			 const struct pt_journal_result *res, size_t idx)
{
	const struct pt_cli *cli = ctx;

	if (ev == PT_JOURNAL_EV_STEPS)
		pt_render_undone(res, cli->prog, stdout, stderr);
	else
		pt_render_cmd(ev, &t->undo_cmds[idx], &res->cmds[idx], true, cli->prog, stdout,
			      stderr);
}

/* Shows what undo will do and asks. */
static bool undo_confirm(const struct pt_cli *cli, struct pt_root *root, const char *id, bool yes)
{
	enum pt_sysfs_skip skip;
	struct pt_txn t = {0};
	char *err = NULL;
	bool go;
	int e = pt_journal_load(root, id, &t, &err);

	if (e < 0) {
		fprintf(stderr, "%s: undo: %s\n", cli->prog, err ? err : strerror(-e));
		free(err);
		return false;
	}
	skip = pt_journal_sysfs_skip(root, &t, &pt_cli_system);
	go = pt_render_undo_preview(id, &t, skip, pt_root_spec(root), stdout) >= 0 &&
	     pt_cli_confirm(cli, "undo", yes, pt_render_undo_question(&t, skip));
	pt_txn_done(&t);
	return go;
}

static int undo_run(const struct pt_cli *cli, struct pt_root *root, bool yes, bool no_refresh)
{
	struct pt_journal_opts jo = {.sys = &pt_cli_system,
				     .no_refresh = no_refresh,
				     .observe = undo_observe,
				     .ctx = (void *)cli};
	struct pt_journal_result res;
	enum pt_journal_state state;
	char *id = NULL, *err = NULL;
	int e = pt_journal_last(root, &id, &state), rc = PT_EXIT_OK;

	if (e < 0 || !id) {
		printf("nothing to undo: no applied change in the journal\n");
		return PT_EXIT_OK;
	}
	if (!undo_confirm(cli, root, id, yes)) {
		free(id);
		return PT_EXIT_ERROR;
	}
	free(id);
	e = pt_journal_undo(root, &jo, &res, &err);
	if (e < 0) {
		pt_render_undone(&res, cli->prog, stdout, stderr);
		fflush(stdout);
		fprintf(stderr, "%s: undo: %s\n", cli->prog, err ? err : strerror(-e));
		rc = PT_EXIT_ERROR;
	} else {
		for (size_t i = 0; i < res.ncmds; i++)
			if (res.cmds[i].fate == PT_CMD_RAN && res.cmds[i].rc != 0)
				rc = PT_EXIT_ERROR;
		if (rc == PT_EXIT_OK && !pt_journal_devs_met(&res))
			rc = PT_EXIT_FINDINGS;
	}
	pt_journal_result_done(&res);
	free(err);
	return rc;
}

int pt_cmd_undo(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"yes", no_argument, NULL, 'y'},
		{"no-refresh", no_argument, NULL, 'N'},
		{},
	};
	bool yes = false, no_refresh = false;
	struct pt_root *root;
	char *msg;
	int opt, e, rc;

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
	rc = undo_run(cli, root, yes, no_refresh);
	pt_root_free(root);
	return rc;
}
