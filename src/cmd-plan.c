/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru plan SLOT`: the change set that gives a slot to vfio-pci at boot; writes nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan/plan.h"
#include "render/plan.h"

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
	struct pt_verdicts vd;
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
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return PT_EXIT_ERROR;
	e = pt_plan_build(&h, &vd, &req, &p);
	if (e == -ENODEV) {
		fprintf(stderr, "%s: plan: no PCI device %s in this root\n", cli->prog,
			argv[optind]);
	} else if (e < 0) {
		fprintf(stderr, "%s: plan: %s\n", cli->prog, strerror(-e));
	} else {
		e = pt_render_plan(&h, &p,
				   &(struct pt_plan_render_opts){json, &req, argv[optind], true},
				   stdout);
		if (e < 0)
			fprintf(stderr, "%s: plan: %s\n", cli->prog, strerror(-e));
	}
	bool refused = e >= 0 && (p.refused || p.questions.n);

	if (e >= 0 || e == -ENODEV)
		pt_plan_done(&p);
	pt_verdicts_done(&vd);
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
