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
