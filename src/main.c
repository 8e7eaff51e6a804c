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
	{"vm", pt_cmd_vm, "Proxmox VM configs: list, devices"},
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
