/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "snapshot/capture.h"
#include "util/parse-num.h"

static void help(void)
{
	fputs("Usage: passthru snapshot -o FILE.tar.gz\n"
	      "\n"
	      "Save what passthru reads about this host (sysfs, procfs and /etc files, the\n"
	      "kernel configuration and module index, pci.ids) into an archive that\n"
	      "`passthru --root FILE.tar.gz ...` reads back. MAC addresses and the host name\n"
	      "are redacted; device ROMs and resources are never read. See docs/snapshots.md.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE  write the archive to FILE (\"-\": standard output)\n"
	      "  -h, --help         show this help\n",
	      stdout);
}

/* SOURCE_DATE_EPOCH (reproducible-builds.org) pins the recorded date, for tests. */
static time_t capture_date(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;

	if (s && pt_parse_u64(s, strlen(s), 10, INT32_MAX, &v) == 0)
		return (time_t)v;
	return time(NULL);
}

static int write_output(const struct pt_cli *cli, const char *out, const char *buf, size_t len)
{
	int e;

	if (strcmp(out, "-") == 0) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
			perror("passthru: stdout");
			return -EIO;
		}
		return 0;
	}
	e = pt_file_write_atomic(out, buf, len, 0600);
	if (e < 0)
		fprintf(stderr, "%s: cannot write %s: %s\n", cli->prog, out, strerror(-e));
	return e;
}

int pt_cmd_snapshot(struct pt_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"output", required_argument, NULL, 'o'},
		{},
	};
	struct pt_capture_opts o = {.date = capture_date()};
	struct pt_strv warnings = {0};
	const char *out = NULL;
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	char *buf = NULL;
	size_t len = 0;
	int opt, e;

	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			help();
			return PT_EXIT_OK;
		default:
			return pt_cli_usage_error(cli, "snapshot ", "invalid option");
		}
	}
	if (optind < argc)
		return pt_cli_usage_error(cli, "snapshot ", "unexpected argument '%s'",
					  argv[optind]);
	if (!out)
		return pt_cli_usage_error(cli, "snapshot ", "no output file: use -o FILE.tar.gz");
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return PT_EXIT_ERROR;
	e = pt_snapshot_capture(root, &h, &o, &buf, &len, &warnings);
	if (e < 0)
		fprintf(stderr, "%s: snapshot of %s failed: %s\n", cli->prog, cli->root,
			strerror(-e));
	else
		e = write_output(cli, out, buf, len);
	for (size_t i = 0; i < warnings.n; i++)
		fprintf(stderr, "%s: not captured: %s\n", cli->prog, warnings.v[i]);
	free(buf);
	pt_strv_done(&warnings);
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	return e < 0 ? PT_EXIT_ERROR : PT_EXIT_OK;
}
