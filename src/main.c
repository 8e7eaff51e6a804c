/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "util/macro.h"

struct command {
	const char *name;
	int (*run)(struct pt_cli *cli, int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"check", pt_cmd_check, "diagnose passthrough readiness and explain why"},
	{"facts", pt_cmd_facts, "print everything read about the host, as JSON"},
	{"list", pt_cmd_list, "list PCI devices by IOMMU group"},
	{"plan", pt_cmd_plan, "show the change set that gives a slot to vfio-pci (writes nothing)"},
	{"apply", pt_cmd_apply, "make the planned changes, journaled and undoable"},
	{"undo", pt_cmd_undo, "reverse the last apply, bind or unbind, as the journal recorded it"},
	{"verify", pt_cmd_verify, "after the reboot: prove the slot is ready for a VM"},
	{"bind", pt_cmd_bind, "give a slot to vfio-pci now, until the next boot (driver_override)"},
	{"unbind", pt_cmd_unbind, "give the slot back to the drivers it had before bind"},
	{"snapshot", pt_cmd_snapshot, "save what passthru reads about this host to an archive"},
};

static void usage(FILE *out)
{
	fputs("Usage: passthru [--root PATH] [--pci-ids FILE] COMMAND [OPTIONS]\n"
	      "\n"
	      "Plan, apply and verify PCI passthrough (VFIO) on KVM and Proxmox VE hosts.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Global options (before or after the command):\n"
	      "  --root PATH     read the host from PATH: a directory laid out like /, or a\n"
	      "                  snapshot archive made by `passthru snapshot` (default /)\n"
	      "  --pci-ids FILE  take device names from FILE instead of the root's pci.ids\n"
	      "  -h, --help      show help (after a command: that command's help)\n"
	      "  --version       show the version\n",
	      out);
}

bool pt_cli_global_option(struct pt_cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case 'R':
		cli->root = arg;
		return true;
	case 'I':
		cli->pci_ids = arg;
		return true;
	default:
		return false;
	}
}

int pt_cli_usage_error(const struct pt_cli *cli, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s--help' for more information.\n", cli->prog, cmd ? cmd : "");
	return PT_EXIT_ERROR;
}

int pt_cli_slot_arg(const struct pt_cli *cli, const char *cmd, int argc, char **argv,
		    struct pt_bdf *ret)
{
	char slot[64];

	if (optind + 1 != argc)
		return pt_cli_usage_error(cli, cmd,
					  optind < argc ? "one SLOT only" : "missing SLOT");
	/* A slot ("01:00") means its function 0; any function names the same slot. */
	snprintf(slot, sizeof(slot), "%s%s", argv[optind], strchr(argv[optind], '.') ? "" : ".0");
	if (pt_bdf_parse_user(slot, ret) < 0)
		return pt_cli_usage_error(cli, cmd, "'%s' is not a PCI address", argv[optind]);
	return 0;
}

int pt_cli_load_host(const struct pt_cli *cli, struct pt_root **ret_root, struct pt_host *ret)
{
	struct pt_facts_opts opts = {.pci_ids_path = cli->pci_ids};
	struct pt_root *root = NULL;
	char *err = NULL;
	const char *trace = getenv("PASSTHRU_TRACE");
	int e = pt_root_open(cli->root, &root, &err);

	if (e < 0) {
		fprintf(stderr, "%s: cannot open root: %s\n", cli->prog, err ? err : strerror(-e));
		free(err);
		return e;
	}
	/* Test hook: log every path the command reads (tests/snapshot checks coverage). */
	if (trace && *trace && pt_root_trace_to(root, trace) < 0)
		fprintf(stderr, "%s: cannot trace to %s\n", cli->prog, trace);
	e = pt_facts_gather(root, &opts, ret);
	if (e < 0) {
		fprintf(stderr, "%s: reading %s: %s\n", cli->prog, cli->root, strerror(-e));
		pt_root_free(root);
		return e;
	}
	/* Every command judges PCI devices: a root without them is a wrong --root, not a host
	 * with nothing to report (an empty directory would otherwise read as "ready"). */
	if (!ret->pci_known) {
		if (pt_root_mode(root) == PT_ROOT_LIVE)
			fprintf(stderr,
				"%s: this system has no /sys/bus/pci/devices: sysfs is not "
				"mounted, "
				"or the kernel has no PCI support\n",
				cli->prog);
		else
			fprintf(stderr,
				"%s: %s is not a host root: it has no /sys/bus/pci/devices (--root "
				"takes a directory laid out like / or a snapshot archive made by "
				"`passthru snapshot`)\n",
				cli->prog, cli->root);
		pt_host_done(ret);
		pt_root_free(root);
		return -ENOENT;
	}
	/* What could not be read is "unknown" in the output; say why once, on stderr. */
	for (size_t i = 0; i < ret->problems.n; i++)
		fprintf(stderr, "%s: warning: %s\n", cli->prog, ret->problems.v[i]);
	if (ret->ndevs && !ret->names_known)
		fprintf(stderr,
			"%s: note: no device names: %s has no pci.ids (/usr/share/misc/pci.ids); "
			"--pci-ids FILE names the devices (the running host's "
			"/usr/share/misc/pci.ids, from the pci.ids package)\n",
			cli->prog, pt_root_mode(root) == PT_ROOT_LIVE ? "this host" : "the root");
	*ret_root = root;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"version", no_argument, NULL, 'V'},
		{},
	};
	struct pt_cli cli = {.root = "/", .prog = "passthru"};
	int opt;

	/*
	 * Only the character set follows the user's locale (libsmartcols draws the tree with
	 * UTF-8 lines when it can); sorting and formats are bytewise C whatever the locale.
	 */
	setlocale(LC_CTYPE, "");
	/* '+': stop at the command name; the command parses the rest, globals included. */
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (pt_cli_global_option(&cli, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			usage(stdout);
			return PT_EXIT_OK;
		case 'V':
			printf("passthru %s\n", PT_VERSION);
			return PT_EXIT_OK;
		default:
			return pt_cli_usage_error(&cli, NULL, "unknown option");
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return PT_EXIT_ERROR;
	}
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (streq(argv[optind], commands[i].name)) {
			int cargc = argc - optind;
			char **cargv = argv + optind;

			optind = 0; /* restart getopt for the command's own options */
			return commands[i].run(&cli, cargc, cargv);
		}
	return pt_cli_usage_error(&cli, NULL, "unknown command '%s'", argv[optind]);
}
