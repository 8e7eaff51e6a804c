/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: global options, the subcommand table, exit codes. */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "derive/verdicts.h"
#include "edit/journal.h"
#include "facts/facts.h"
#include "root.h"

/* Exit codes, as `passthru check` documents them; every command uses the same. */
enum {
	PT_EXIT_OK = 0,
	PT_EXIT_FINDINGS = 1, /* the command worked and found something wrong */
	PT_EXIT_ERROR = 2,    /* usage or operational error */
};

struct pt_cli {
	const char *root;    /* --root, default "/" */
	const char *pci_ids; /* --pci-ids */
	const char *prog;
};

/* Options every subcommand accepts, before or after its name. */
#define PT_GLOBAL_LONGOPTS                                                                 \
	{"root", required_argument, NULL, 'R'}, {"pci-ids", required_argument, NULL, 'I'}, \
	{                                                                                  \
		"help", no_argument, NULL, 'h'                                             \
	}

/* Handles a global option getopt returned; false if opt is not one. */
bool pt_cli_global_option(struct pt_cli *cli, int opt, const char *arg);
/*
 * The one SLOT argument of plan, apply, verify, bind and unbind ("01:00" means function 0): 0, or
 * the exit status of the usage error it printed.
 */
int pt_cli_slot_arg(const struct pt_cli *cli, const char *cmd, int argc, char **argv,
		    struct pt_bdf *ret);
/*
 * Opens the root, gathers the host model and derives its verdicts (once: every later step
 * reads them); prints the error and returns -errno on failure (nothing to free then).
 */
int pt_cli_load_host(const struct pt_cli *cli, struct pt_root **ret_root, struct pt_host *ret,
		     struct pt_verdicts *ret_vd);
int pt_cli_usage_error(const struct pt_cli *cli, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int pt_cmd_check(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_facts(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_list(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_plan(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_apply(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_undo(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_verify(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_bind(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_unbind(struct pt_cli *cli, int argc, char **argv);

struct pt_host;
struct pt_plan;
struct pt_plan_request;

/* The planning options plan and apply share. */
#define PT_PLAN_LONGOPTS                                                                           \
	{"force", no_argument, NULL, 'F'}, {"iommu-pt", no_argument, NULL, 'P'},                   \
		{"blacklist", no_argument, NULL, 'B'}, {"no-disable-vga", no_argument, NULL, 'V'}, \
	{                                                                                          \
		"boot-path", required_argument, NULL, 'L'                                          \
	}
extern const char pt_cli_plan_options_help[];
/* Handles a PT_PLAN_LONGOPTS option without an argument; false if opt is not one. */
bool pt_cli_plan_option(struct pt_plan_request *req, int opt);
/* --boot-path LOADER ('L'): 0, or the exit status of the usage error it printed. */
int pt_cli_boot_path_option(const struct pt_cli *cli, const char *cmd, const char *arg,
			    struct pt_plan_request *req);
/* The running host for commits: sysfs and commands on the live root only. */
extern const struct pt_system pt_cli_system;
/* Asks "question [y/N]" on a terminal; without one, refuses unless --yes was given. */
bool pt_cli_confirm(const struct pt_cli *cli, const char *cmd, bool yes, const char *question);
int pt_cmd_snapshot(struct pt_cli *cli, int argc, char **argv);
int pt_cmd_vm(struct pt_cli *cli, int argc, char **argv);
