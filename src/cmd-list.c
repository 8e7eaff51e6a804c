/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "render/list.h"

static void help(void)
{
	fputs("Usage: passthru list [OPTIONS]\n"
	      "\n"
	      "List PCI devices grouped by IOMMU group, as a tree.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output COLS  columns to show (+COLS appends to the default)\n"
	      "  -r, --raw          raw output: no tree, no alignment\n"
	      "  -n, --noheadings   no header line\n"
	      "  -J, --json         JSON output (docs/json.md)\n"
	      "      --gpu          display devices and what must travel with them\n"
	      "      --list-columns show the columns -o accepts\n"
	      "  -h, --help         show this help\n",
	      stdout);
}

int pt_cmd_list(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"output", required_argument, NULL, 'o'},
		{"raw", no_argument, NULL, 'r'},
		{"noheadings", no_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'J'},
		{"gpu", no_argument, NULL, 'G'},
		{"list-columns", no_argument, NULL, 'L'},
		{},
	};
	struct pt_list_opts o = {0};
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	char *err = NULL;
	int opt, e;

	while ((opt = getopt_long(argc, argv, "o:rnJh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		switch (opt) {
		case 'o':
			o.columns = optarg;
			break;
		case 'r':
			o.raw = true;
			break;
		case 'n':
			o.noheadings = true;
			break;
		case 'J':
			o.json = true;
			break;
		case 'G':
			o.gpu = true;
			break;
		case 'L':
			pt_render_list_columns_help(stdout);
			return PT_EXIT_OK;
		case 'h':
			help();
			return PT_EXIT_OK;
		default:
			return pt_cli_usage_error(cli, "list ", "invalid option");
		}
	}
	if (optind < argc)
		return pt_cli_usage_error(cli, "list ", "unexpected argument '%s'", argv[optind]);
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return PT_EXIT_ERROR;
	e = pt_render_list(&h, &vd, &o, stdout, &err);
	if (e < 0)
		fprintf(stderr, "%s: %s\n", cli->prog, err ? err : strerror(-e));
	free(err);
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	if (fflush(stdout) != 0 && e >= 0) {
		perror("passthru: stdout");
		return PT_EXIT_ERROR;
	}
	return e < 0 ? PT_EXIT_ERROR : PT_EXIT_OK;
}
