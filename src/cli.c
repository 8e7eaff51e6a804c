/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every command shares: global options, the SLOT argument, usage errors, loading the
 * host, the planning options of plan and apply, and the confirmation apply, undo and bind ask.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "plan/plan.h"
#include "util/run.h"

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

int pt_cli_load_host(const struct pt_cli *cli, struct pt_root **ret_root, struct pt_host *ret,
		     struct pt_verdicts *ret_vd)
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
	e = pt_derive(ret, ret_vd);
	if (e < 0) {
		fprintf(stderr, "%s: %s\n", cli->prog, strerror(-e));
		pt_host_done(ret);
		pt_root_free(root);
		return e;
	}
	if (ret->ndevs && !ret->names_known)
		fprintf(stderr,
			"%s: note: no device names: %s has no pci.ids (/usr/share/misc/pci.ids); "
			"--pci-ids FILE names the devices (the running host's "
			"/usr/share/misc/pci.ids, from the pci.ids package)\n",
			cli->prog, pt_root_mode(root) == PT_ROOT_LIVE ? "this host" : "the root");
	*ret_root = root;
	return 0;
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

bool pt_cli_confirm(const struct pt_cli *cli, const char *cmd, bool yes, const char *question)
{
	char answer[16];

	/* What was shown comes before the question or the refusal, also through a pipe. */
	fflush(stdout);
	if (yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "%s: %s: not a terminal: nothing changed; run again with --yes\n",
			cli->prog, cmd);
		return false;
	}
	printf("%s [y/N] ", question);
	fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* The running host: sysfs and commands act on the live root only (edit/journal.h). */
const struct pt_system pt_cli_system = {
	.sysfs_write = pt_root_sysfs_write,
	.binding = pt_facts_pci_binding,
	.group_viable = pt_root_vfio_group_viable,
	.run = pt_run,
};
