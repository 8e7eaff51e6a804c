/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru vm SUBCOMMAND`: the guide's VM half, on Proxmox's VM configs
 * (/etc/pve/qemu-server/<vmid>.conf): list, devices, and the others below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "derive/vm.h"
#include "edit/journal.h"
#include "plan/vm-plan.h"
#include "render/plan.h"
#include "render/vm.h"

/* The host, its verdicts and its VMs (facts read on demand), for one vm subcommand. */
struct vm_ctx {
	struct pt_root *root;
	struct pt_host h;
	struct pt_verdicts vd;
};

static int load(const struct pt_cli *cli, struct vm_ctx *c)
{
	int e;

	if (pt_cli_load_host(cli, &c->root, &c->h, &c->vd) < 0)
		return -EIO;
	e = pt_facts_vms(c->root, &c->h);
	if (e < 0) {
		fprintf(stderr, "%s: vm: %s\n", cli->prog, strerror(-e));
		pt_verdicts_done(&c->vd);
		pt_host_done(&c->h);
		pt_root_free(c->root);
		return e;
	}
	if (!c->h.vms.known)
		fprintf(stderr,
			"%s: note: no /etc/pve/qemu-server in this root: no Proxmox VE VM here\n",
			cli->prog);
	return 0;
}

static void unload(struct vm_ctx *c)
{
	pt_verdicts_done(&c->vd);
	pt_host_done(&c->h);
	pt_root_free(c->root);
}

/* The VM a VMID argument names; prints why not and returns NULL. */
static const struct pt_vm *find_vm(const struct pt_cli *cli, const char *cmd,
				   const struct pt_host *h, const char *arg)
{
	char *end;
	unsigned long vmid = strtoul(arg, &end, 10);
	const struct pt_vm *vm = *arg && !*end ? pt_host_find_vm(h, vmid) : NULL;

	if (!vm)
		fprintf(stderr, "%s: vm %s: no VM %s on this node (/etc/pve/qemu-server/%s.conf)\n",
			cli->prog, cmd, arg, arg);
	return vm;
}

struct vm_opts {
	bool json;
	const char *args[4];
	size_t nargs;
};

/* Options of a subcommand (only --json and the globals here) and its arguments. */
static int parse(struct pt_cli *cli, const char *cmd, int argc, char **argv, size_t want,
		 const char *usage, struct vm_opts *o)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"json", no_argument, NULL, 'J'},
		{},
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "Jh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		if (opt == 'J') {
			o->json = true;
			continue;
		}
		if (opt == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		return pt_cli_usage_error(cli, cmd, "invalid option");
	}
	if ((size_t)(argc - optind) != want)
		return pt_cli_usage_error(
			cli, cmd, "%s", want ? "wrong number of arguments" : "unexpected argument");
	for (size_t i = 0; i < want; i++)
		o->args[o->nargs++] = argv[optind + (int)i];
	return 0;
}

static int judge_all(const struct pt_host *h, struct pt_vm_verdict **ret)
{
	struct pt_vm_verdict *v = calloc(h->vms.n ? h->vms.n : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < h->vms.n; i++)
		if (pt_vm_judge(h, &h->vms.v[i], &v[i]) < 0) {
			while (i-- > 0)
				pt_vm_verdict_done(&v[i]);
			free(v);
			return -ENOMEM;
		}
	*ret = v;
	return 0;
}

static int cmd_list(struct pt_cli *cli, int argc, char **argv)
{
	static const char usage[] =
		"Usage: passthru vm list [--json]\n"
		"\n"
		"The VMs of this node (/etc/pve/qemu-server/*.conf), running or not, with the\n"
		"host devices their hostpciN entries take (IOMMU group, host driver), the VMs\n"
		"that start at boot with one of the same devices, and what Proxmox would refuse.\n";
	struct vm_opts o = {0};
	struct pt_vm_verdict *v = NULL;
	struct vm_ctx c;
	int e = parse(cli, "vm list ", argc, argv, 0, usage, &o);

	if (e)
		return e < 0 ? PT_EXIT_OK : e;
	if (load(cli, &c) < 0)
		return PT_EXIT_ERROR;
	e = judge_all(&c.h, &v);
	if (e >= 0)
		e = pt_render_vm_list(&c.h, v, c.h.vms.n, o.json, stdout);
	if (e < 0)
		fprintf(stderr, "%s: vm list: %s\n", cli->prog, strerror(-e));
	for (size_t i = 0; v && i < c.h.vms.n; i++)
		pt_vm_verdict_done(&v[i]);
	free(v);
	unload(&c);
	return e < 0 ? PT_EXIT_ERROR : PT_EXIT_OK;
}

static int cmd_devices(struct pt_cli *cli, int argc, char **argv)
{
	static const char usage[] =
		"Usage: passthru vm devices [--json] VMID\n"
		"\n"
		"Each hostpciN of the VM resolved as `qm start` resolves it on this host: the\n"
		"host functions it gives the guest and the exact -device vfio-pci arguments, or\n"
		"the text Proxmox refuses it with. Exit 1 when `qm start` would refuse.\n";
	struct vm_opts o = {0};
	struct pt_vm_verdict v;
	const struct pt_vm *vm;
	struct vm_ctx c;
	int e = parse(cli, "vm devices ", argc, argv, 1, usage, &o), rc;

	if (e)
		return e < 0 ? PT_EXIT_OK : e;
	if (load(cli, &c) < 0)
		return PT_EXIT_ERROR;
	vm = find_vm(cli, "devices", &c.h, o.args[0]);
	if (!vm) {
		unload(&c);
		return PT_EXIT_ERROR;
	}
	e = pt_vm_judge(&c.h, vm, &v);
	if (e >= 0)
		e = pt_render_vm_devices(&c.h, &v, o.json, stdout);
	rc = e < 0 ? PT_EXIT_ERROR : v.res.start_error ? PT_EXIT_FINDINGS : PT_EXIT_OK;
	if (e < 0)
		fprintf(stderr, "%s: vm devices: %s\n", cli->prog, strerror(-e));
	else
		pt_vm_verdict_done(&v);
	unload(&c);
	return rc;
}

/* Options of vm plan and vm apply. */
struct plan_args {
	struct pt_vm_plan_request req;
	bool json, yes;
	const char *vmid, *slot;
};

static const char plan_options[] =
	"Options:\n"
	"      --x-vga        also x-vga=1: the card as the guest's primary display under\n"
	"                     SeaBIOS (keeps SeaBIOS; OVMF ignores x-vga)\n"
	"      --romfile NAME a ROM image in /usr/share/kvm/ for the card\n"
	"      --force        plan even when the slot holds a device the host needs\n"
	"  -J, --json         JSON output (plan)\n";

static int parse_plan(struct pt_cli *cli, const char *cmd, int argc, char **argv, const char *usage,
		      struct plan_args *a)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"json", no_argument, NULL, 'J'},
		{"yes", no_argument, NULL, 'y'},
		{"x-vga", no_argument, NULL, 'X'},
		{"romfile", required_argument, NULL, 'r'},
		{"force", no_argument, NULL, 'F'},
		{},
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "Jyh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		switch (opt) {
		case 'J':
			a->json = true;
			break;
		case 'y':
			a->yes = true;
			break;
		case 'X':
			a->req.x_vga = true;
			break;
		case 'r':
			a->req.romfile = optarg;
			break;
		case 'F':
			a->req.override_guards = true;
			break;
		case 'h':
			fputs(usage, stdout);
			fputs(plan_options, stdout);
			return -1;
		default:
			return pt_cli_usage_error(cli, cmd, "invalid option");
		}
	}
	if (argc - optind != 2)
		return pt_cli_usage_error(cli, cmd, "needs VMID and SLOT");
	a->vmid = argv[optind];
	a->slot = argv[optind + 1];
	optind++; /* pt_cli_slot_arg reads argv[optind] */
	return pt_cli_slot_arg(cli, cmd, argc, argv, &a->req.slot);
}

/* Builds the VM plan; prints why it cannot and returns PT_EXIT_ERROR then, else 0. */
static int build_plan(const struct pt_cli *cli, const char *cmd, struct vm_ctx *c,
		      const struct plan_args *a, struct pt_vm_verdict *v, struct pt_plan *p)
{
	const struct pt_vm *vm = find_vm(cli, cmd, &c->h, a->vmid);
	int e;

	if (!vm)
		return PT_EXIT_ERROR;
	if (pt_vm_judge(&c->h, vm, v) < 0) {
		fprintf(stderr, "%s: vm %s: %s\n", cli->prog, cmd, strerror(ENOMEM));
		return PT_EXIT_ERROR;
	}
	e = pt_vm_plan_build(&c->h, &c->vd, v, &a->req, p);
	if (e < 0) {
		fprintf(stderr, "%s: vm %s: %s\n", cli->prog, cmd,
			e == -ENODEV ? "no such PCI device on this host" : strerror(-e));
		pt_vm_verdict_done(v);
		return PT_EXIT_ERROR;
	}
	return 0;
}

static int cmd_plan(struct pt_cli *cli, int argc, char **argv)
{
	static const char usage[] =
		"Usage: passthru vm plan [OPTIONS] VMID SLOT\n"
		"\n"
		"The change to /etc/pve/qemu-server/VMID.conf that gives SLOT to the VM: the next\n"
		"free hostpciN (every function of the slot, pcie=1 on q35) and the settings\n"
		"passthrough needs where the VM lacks them (machine q35, bios ovmf, cpu host,\n"
		"balloon 0), as a diff with the reason for each line and the same as a qm set\n"
		"command. Nothing is written. Exit 1 when refused (a running VM, a config "
		"passthru\n"
		"cannot read exactly, a slot the host needs).\n"
		"\n";
	struct plan_args a = {0};
	struct pt_vm_verdict v;
	struct pt_plan p;
	struct vm_ctx c;
	int rc = parse_plan(cli, "vm plan ", argc, argv, usage, &a), e;

	if (rc)
		return rc < 0 ? PT_EXIT_OK : rc;
	if (load(cli, &c) < 0)
		return PT_EXIT_ERROR;
	rc = build_plan(cli, "plan", &c, &a, &v, &p);
	if (rc == 0) {
		e = pt_render_plan(&c.h, &p,
				   &(struct pt_plan_render_opts){a.json, NULL, a.slot, true},
				   stdout);
		rc = e < 0 ? PT_EXIT_ERROR : p.refused ? PT_EXIT_FINDINGS : PT_EXIT_OK;
		pt_plan_done(&p);
		pt_vm_verdict_done(&v);
	}
	unload(&c);
	return rc;
}

static int commit(const struct pt_cli *cli, struct vm_ctx *c, const struct pt_plan *p)
{
	struct pt_journal_opts jo = {.sys = &pt_cli_system};
	struct pt_journal_result res;
	char *err = NULL;
	int e = pt_journal_commit(c->root, &p->txn, &jo, &res, &err);

	if (e < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: vm apply: %s\n", cli->prog, err ? err : strerror(-e));
	} else {
		printf("\napplied: journal %s (passthru undo restores the exact bytes)\n", res.id);
	}
	free(err);
	pt_journal_result_done(&res);
	return e < 0 ? PT_EXIT_ERROR : PT_EXIT_OK;
}

static int cmd_apply(struct pt_cli *cli, int argc, char **argv)
{
	static const char usage[] =
		"Usage: passthru vm apply [OPTIONS] VMID SLOT\n"
		"\n"
		"Makes the change `passthru vm plan VMID SLOT` shows: under qemu-server's lock of\n"
		"the VM (/var/lock/qemu-server/lock-VMID.conf), the config compared byte for byte\n"
		"with what the plan read, its old bytes journaled, the new file written beside it\n"
		"and renamed over it. Refused while the VM runs. `passthru undo` restores it.\n"
		"\n"
		"  -y, --yes          do not ask (needed without a terminal)\n";
	struct plan_args a = {0};
	struct pt_vm_verdict v;
	struct pt_plan p;
	struct vm_ctx c;
	int rc = parse_plan(cli, "vm apply ", argc, argv, usage, &a);

	if (rc)
		return rc < 0 ? PT_EXIT_OK : rc;
	if (load(cli, &c) < 0)
		return PT_EXIT_ERROR;
	rc = build_plan(cli, "apply", &c, &a, &v, &p);
	if (rc == 0) {
		pt_render_plan(&c.h, &p, &(struct pt_plan_render_opts){false, NULL, a.slot, false},
			       stdout);
		if (p.refused)
			rc = PT_EXIT_FINDINGS;
		else if (!p.txn.n)
			printf("\nnothing to do: VM %s already has every change\n", a.vmid);
		else if (!pt_cli_confirm(cli, "vm apply", a.yes, "\nApply these changes?"))
			rc = PT_EXIT_ERROR;
		else if ((rc = commit(cli, &c, &p)) == PT_EXIT_OK)
			printf("\nNext: start the VM (qm start %s), then check its device "
			       "manager\n",
			       a.vmid);
		pt_plan_done(&p);
		pt_vm_verdict_done(&v);
	}
	unload(&c);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct pt_cli *cli, int argc, char **argv);
	const char *summary;
} subcommands[] = {
	{"list", cmd_list, "the VMs of this node and the host devices they take"},
	{"devices", cmd_devices, "a VM's hostpciN as qm start resolves them (-device args)"},
	{"plan", cmd_plan, "the config change that gives a slot to a VM (writes nothing)"},
	{"apply", cmd_apply, "make that change, journaled and undoable"},
};

static void help(FILE *out)
{
	fputs("Usage: passthru vm SUBCOMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "The VM half of passthrough on Proxmox VE: the VM configs in\n"
	      "/etc/pve/qemu-server/<vmid>.conf.\n"
	      "\n"
	      "Subcommands:\n",
	      out);
	for (size_t i = 0; i < ELEMENTSOF(subcommands); i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fputs("\n`passthru vm SUBCOMMAND --help` says more.\n", out);
}

int pt_cmd_vm(struct pt_cli *cli, int argc, char **argv)
{
	if (argc < 2 || streq(argv[1], "-h") || streq(argv[1], "--help")) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? PT_EXIT_ERROR : PT_EXIT_OK;
	}
	for (size_t i = 0; i < ELEMENTSOF(subcommands); i++)
		if (streq(argv[1], subcommands[i].name))
			return subcommands[i].run(cli, argc - 1, argv + 1);
	return pt_cli_usage_error(cli, "vm ", "unknown subcommand '%s'", argv[1]);
}
