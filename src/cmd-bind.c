/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru bind SLOT` and `passthru unbind SLOT`: the slot's devices to vfio-pci now through
 * driver_override, and back to the drivers they had (linux ABI sysfs-bus-pci). Like apply: plan
 * (plan/bind.c), show the steps (render/bind.c), ask, commit the transaction through the
 * journal (edit/journal.c: it writes, re-reads every device, and records everything for
 * undo), say where each device is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan/bind.h"
#include "render/bind.h"
#include "render/journal.h"

static void bind_help(void)
{
	fputs("Usage: passthru bind [OPTIONS] SLOT\n"
	      "\n"
	      "Hand SLOT (every function, every endpoint of its IOMMU group; bridges stay) to\n"
	      "vfio-pci now, without a reboot: per device, vfio-pci into its driver_override,\n"
	      "unbind from its driver, reprobe; `modprobe vfio-pci` first when it is not\n"
	      "loaded. Shows the steps and asks. The drivers the devices had are saved in\n"
	      "/var/lib/passthru/bind.state for `passthru unbind`, and every step is recorded\n"
	      "in /var/lib/passthru/journal first, for `passthru undo`. Nothing is written to\n"
	      "/etc: a reboot gives the devices back to their drivers (for a lasting change:\n"
	      "plan, apply). Under --root it shows the steps and does nothing.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --yes          do not ask (needed without a terminal)\n"
	      "      --force        bind even when the set holds a device the host needs\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 every device on vfio-pci, 1 refused or a device is not where it\n"
	      "should be (the driver holding it is named), 2 usage or operational error.\n",
	      stdout);
}

static void unbind_help(void)
{
	fputs("Usage: passthru unbind [OPTIONS] SLOT\n"
	      "\n"
	      "Give SLOT's devices back from vfio-pci now: per device, driver_override as\n"
	      "`passthru bind` found it, unbind from vfio-pci, reprobe, and check that the\n"
	      "driver it had before is the one that took it. A device bind did not move goes\n"
	      "to whichever driver the kernel picks. Shows the steps and asks; every step is\n"
	      "recorded in /var/lib/passthru/journal first, for `passthru undo`. Under --root\n"
	      "it shows the steps and does nothing.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --yes          do not ask (needed without a terminal)\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 every device back, 1 a device is not where it should be (the\n"
	      "driver holding it is named), 2 usage or operational error.\n",
	      stdout);
}

/* bind's modprobe as it runs; its failure is the commit's error (nothing changed). */
static void bind_observe(void *ctx, enum pt_journal_event ev, const struct pt_txn *t,
			 const struct pt_journal_result *res, size_t idx)
{
	const struct pt_cli *cli = ctx;

	if (ev != PT_JOURNAL_EV_STEPS)
		pt_render_cmd(ev, &t->cmds[idx], &res->cmds[idx], false, cli->prog, stdout, stderr);
}

/* The transaction through the journal, then where every device is. */
static int commit(const struct pt_cli *cli, struct pt_root *root, const struct pt_bind_plan *p,
		  const char *cmd)
{
	struct pt_journal_opts jo = {
		.sys = &pt_cli_system, .observe = bind_observe, .ctx = (void *)cli};
	struct pt_journal_result res;
	char *err = NULL;
	int e = pt_journal_commit(root, &p->txn, &jo, &res, &err), rc = PT_EXIT_ERROR;
	bool touched = false;

	for (size_t i = 0; i < res.ndevs; i++)
		touched |= res.devs[i].begun;
	/* Where the devices are, whenever the commit wrote to one. */
	if (e >= 0 || touched)
		rc = pt_render_bind_result(p, &res, cli->prog, stdout, stderr) ? PT_EXIT_OK
									       : PT_EXIT_FINDINGS;
	if (e < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: %s: %s\n", cli->prog, cmd, err ? err : strerror(-e));
		rc = PT_EXIT_ERROR;
	}
	free(err);
	pt_journal_result_done(&res);
	return rc;
}

/* Preview and the gate (refusals, nothing to do, --root), the question; then the commit. */
static int run(const struct pt_cli *cli, struct pt_root *root, const struct pt_host *h,
	       const struct pt_bind_plan *p, const char *cmd, bool yes)
{
	enum pt_bind_gate g = pt_bind_plan_gate(p, pt_root_mode(root) == PT_ROOT_LIVE);
	int group;

	pt_render_bind_plan(h, p, stdout);
	pt_render_bind_gate(p, g, pt_root_spec(root), stdout);
	if (g != PT_BIND_GO)
		return g == PT_BIND_BLOCKED || g == PT_BIND_REFUSED ? PT_EXIT_FINDINGS : PT_EXIT_OK;
	if (pt_journal_preflight(root, &p->txn, &pt_cli_system, &group) == -EBUSY) {
		pt_render_bind_busy(cli->prog, cmd, group, stdout, stderr);
		return PT_EXIT_FINDINGS;
	}
	if (!pt_cli_confirm(cli, cmd, yes,
			    p->op == PT_BIND_BIND ? "\nBind now?" : "\nGive back now?"))
		return PT_EXIT_ERROR;
	return commit(cli, root, p, cmd);
}

static int bind_main(struct pt_cli *cli, int argc, char **argv, enum pt_bind_op op)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"yes", no_argument, NULL, 'y'},
		{"force", no_argument, NULL, 'F'},
		{},
	};
	const char *cmd = op == PT_BIND_BIND ? "bind" : "unbind";
	char usage_cmd[16];
	struct pt_bind_request req = {.op = op};
	struct pt_bind_plan p;
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	unsigned line;
	bool yes = false;
	int opt, e, rc;

	snprintf(usage_cmd, sizeof(usage_cmd), "%s ", cmd);
	while ((opt = getopt_long(argc, argv, "yh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		if (opt == 'y')
			yes = true;
		else if (opt == 'F' && op == PT_BIND_BIND)
			req.override_guards = true;
		else if (opt == 'F')
			return pt_cli_usage_error(cli, usage_cmd,
						  "--force is for bind only: "
						  "giving devices back needs no guard");
		else if (opt == 'h') {
			(op == PT_BIND_BIND ? bind_help : unbind_help)();
			return PT_EXIT_OK;
		} else
			return pt_cli_usage_error(cli, usage_cmd, "invalid option");
	}
	if ((rc = pt_cli_slot_arg(cli, usage_cmd, argc, argv, &req.slot)) != 0)
		return rc;
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return PT_EXIT_ERROR;
	e = pt_bind_plan_build(&h, &req, &p, &line);
	if (e == -ENODEV)
		fprintf(stderr, "%s: %s: no PCI device %s in this root\n", cli->prog, cmd,
			argv[optind]);
	else if (e == -EBADMSG)
		fprintf(stderr,
			"%s: %s: %s line %u is not \"BDF DRIVER OVERRIDE\": fix or remove it\n",
			cli->prog, cmd, PT_BIND_STATE, line);
	else if (e < 0)
		fprintf(stderr, "%s: %s: %s\n", cli->prog, cmd, strerror(-e));
	rc = e < 0 ? PT_EXIT_ERROR : run(cli, root, &h, &p, cmd, yes);
	if (e >= 0)
		pt_bind_plan_done(&p);
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	if (fflush(stdout) != 0 && rc == PT_EXIT_OK) {
		perror("passthru: stdout");
		return PT_EXIT_ERROR;
	}
	return rc;
}

int pt_cmd_bind(struct pt_cli *cli, int argc, char **argv)
{
	return bind_main(cli, argc, argv, PT_BIND_BIND);
}

int pt_cmd_unbind(struct pt_cli *cli, int argc, char **argv)
{
	return bind_main(cli, argc, argv, PT_BIND_UNBIND);
}
