/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "checks/finding.h"
#include "cli.h"
#include "render/check.h"

static void help(void)
{
	fputs("Usage: passthru check [OPTIONS]\n"
	      "\n"
	      "Diagnose whether this host is ready for PCI passthrough, and explain why not.\n"
	      "Findings and their IDs are documented in docs/checks.md.\n"
	      "\n"
	      "Options:\n"
	      "  -d, --device SLOT  judge this device (repeatable; default: every display\n"
	      "                     device). SLOT is 0000:01:00.0 or 01:00.0\n"
	      "  -J, --json         JSON output\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 ready, 1 at least one failing finding, 2 usage or operational\n"
	      "error.\n",
	      stdout);
}

struct check_args {
	struct pt_bdf *devices;
	size_t ndevices;
	bool json;
};

static int add_device(struct check_args *a, const char *arg)
{
	struct pt_bdf *v = realloc(a->devices, (a->ndevices + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	a->devices = v;
	return pt_bdf_parse_user(arg, &a->devices[a->ndevices++]);
}

/* 0, or the usage error's exit code. */
static int parse_args(struct pt_cli *cli, int argc, char **argv, struct check_args *a)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"device", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'J'},
		{},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "d:Jh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		switch (opt) {
		case 'd':
			if (add_device(a, optarg) < 0)
				return pt_cli_usage_error(cli, "check ", "invalid device '%s'",
							  optarg);
			break;
		case 'J':
			a->json = true;
			break;
		case 'h':
			help();
			return -1;
		default:
			return pt_cli_usage_error(cli, "check ", "invalid option");
		}
	}
	if (optind < argc)
		return pt_cli_usage_error(cli, "check ", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* --device names a slot the host does not have: an operational error, not a finding. */
static bool devices_exist(const struct pt_cli *cli, const struct pt_host *h,
			  const struct check_args *a)
{
	for (size_t i = 0; i < a->ndevices; i++) {
		char slot[PT_BDF_STRLEN];

		if (!pt_host_find_dev(h, &a->devices[i])) {
			fprintf(stderr, "%s: no PCI device %s on this host\n", cli->prog,
				pt_bdf_format(&a->devices[i], slot));
			return false;
		}
	}
	return true;
}

static bool want_color(void)
{
	const char *no_color = getenv("NO_COLOR");

	/* https://no-color.org: any non-empty NO_COLOR turns colour off. */
	return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

static int run(const struct pt_cli *cli, const struct pt_host *h, const struct pt_verdicts *vd,
	       const struct check_args *a)
{
	struct pt_check_opts o = {.devices = a->devices, .ndevices = a->ndevices};
	struct pt_check_render_opts ro = {.json = a->json, .color = !a->json && want_color()};
	struct pt_findings l = {0};
	int e = pt_checks_run(h, vd, &o, &l), rc;

	if (e < 0) {
		fprintf(stderr, "%s: check: %s\n", cli->prog, strerror(-e));
		pt_findings_done(&l);
		return PT_EXIT_ERROR;
	}
	e = pt_render_check(h, &l, &ro, stdout);
	rc = e < 0 ? PT_EXIT_ERROR
		   : (pt_findings_count(&l, PT_SEV_FAIL) ? PT_EXIT_FINDINGS : PT_EXIT_OK);
	pt_findings_done(&l);
	return rc;
}

int pt_cmd_check(struct pt_cli *cli, int argc, char **argv)
{
	struct check_args a = {0};
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	int rc = parse_args(cli, argc, argv, &a);

	if (rc != 0) {
		free(a.devices);
		return rc < 0 ? PT_EXIT_OK : rc;
	}
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0) {
		free(a.devices);
		return PT_EXIT_ERROR;
	}
	rc = devices_exist(cli, &h, &a) ? run(cli, &h, &vd, &a) : PT_EXIT_ERROR;
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	free(a.devices);
	if (fflush(stdout) != 0 && rc != PT_EXIT_ERROR) {
		perror("passthru: stdout");
		return PT_EXIT_ERROR;
	}
	return rc;
}
