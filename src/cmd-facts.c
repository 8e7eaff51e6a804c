/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "render/facts.h"

static void help(void)
{
	fputs("Usage: passthru facts\n"
	      "\n"
	      "Print everything passthru read about the host as JSON: kernel, CPU, IOMMU,\n"
	      "module configuration with file:line provenance, and what could not be read.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help  show this help\n",
	      stdout);
}

int pt_cmd_facts(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{},
	};
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	int opt, e;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		if (opt == 'h') {
			help();
			return PT_EXIT_OK;
		}
		return pt_cli_usage_error(cli, "facts ", "invalid option");
	}
	if (optind < argc)
		return pt_cli_usage_error(cli, "facts ", "unexpected argument '%s'", argv[optind]);
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return PT_EXIT_ERROR;
	e = pt_render_facts(&h, &vd, stdout);
	if (e < 0)
		fprintf(stderr, "%s: %s\n", cli->prog, strerror(-e));
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	return e < 0 ? PT_EXIT_ERROR : PT_EXIT_OK;
}
