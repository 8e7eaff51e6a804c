/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru verify SLOT`: options, the verify findings (checks/verify.h), their rendering. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "checks/verify.h"
#include "cli.h"
#include "render/verify.h"

static void help(void)
{
	fputs("Usage: passthru verify [OPTIONS] SLOT\n"
	      "\n"
	      "After `apply` and a reboot: is the IOMMU on, did the boot configuration's\n"
	      "parameters reach the running kernel, is every device that leaves with SLOT on\n"
	      "vfio-pci, can it be reset for the next VM start, does /dev/vfio/<group> exist and\n"
	      "is the group viable (live host only)? Names what is off and the likely cause.\n"
	      "\n"
	      "Options:\n"
	      "  -J, --json         JSON output\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit 0 only when all hold, 1 otherwise, 2 usage or operational error.\n",
	      stdout);
}

int pt_cmd_verify(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"json", no_argument, NULL, 'J'},
		{},
	};
	struct pt_findings fl = {0};
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	struct pt_bdf b;
	bool json = false;
	long idx;
	int opt, e;

	while ((opt = getopt_long(argc, argv, "Jh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		if (opt == 'J') {
			json = true;
			continue;
		}
		if (opt == 'h') {
			help();
			return PT_EXIT_OK;
		}
		return pt_cli_usage_error(cli, "verify ", "invalid option");
	}
	if ((e = pt_cli_slot_arg(cli, "verify ", argc, argv, &b)) != 0)
		return e;
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return PT_EXIT_ERROR;
	idx = pt_host_dev_index(&h, &b);
	if (idx < 0) {
		fprintf(stderr, "%s: verify: no PCI device %s in this root\n", cli->prog,
			argv[optind]);
		e = PT_EXIT_ERROR;
	} else if ((e = pt_facts_vfio_status(root, &h, &b)) < 0 ||
		   (e = pt_verify_run(&h, &vd, (size_t)idx, &fl)) < 0 ||
		   (e = pt_render_verify(&h, (size_t)idx, &fl, json, stdout)) < 0) {
		fprintf(stderr, "%s: verify: %s\n", cli->prog, strerror(-e));
		e = PT_EXIT_ERROR;
	} else {
		e = pt_verify_ready(&fl) ? PT_EXIT_OK : PT_EXIT_FINDINGS;
	}
	pt_findings_done(&fl);
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	return e;
}
