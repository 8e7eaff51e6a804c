/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `passthru bind SLOT` and `passthru unbind SLOT`: the slot's devices to vfio-pci now through
 * driver_override, and back to the drivers they had (FACTS §4.1). Like apply they show the
 * steps and ask; they act on the running kernel only, re-read every device after its writes
 * (the kernel is the truth) and say where each one is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan/bind.h"
#include "util/run.h"

#define VFIO_PCI "vfio-pci"

static void bind_help(void)
{
	fputs("Usage: passthru bind [OPTIONS] SLOT\n"
	      "\n"
	      "Hand SLOT (every function, every endpoint of its IOMMU group; bridges stay) to\n"
	      "vfio-pci now, without a reboot: per device, vfio-pci into its driver_override,\n"
	      "unbind from its driver, reprobe; `modprobe vfio-pci` first when it is not\n"
	      "loaded. Shows the steps and asks. The drivers the devices had are saved in\n"
	      "/var/lib/passthru/bind.state for `passthru unbind`. Nothing is written to\n"
	      "/etc: a reboot gives the devices back to their drivers (for a lasting change:\n"
	      "plan, apply). Under --root it shows the steps and does nothing.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --yes          do not ask (needed without a terminal)\n"
	      "      --force        bind even when the set holds a device the host needs\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 every device on vfio-pci, 1 refused or a device is not where it\n"
	      "should be (the driver holding it is named), 2 usage or operational error.\n",
	      stdout);
}

static void unbind_help(void)
{
	fputs("Usage: passthru unbind [OPTIONS] SLOT\n"
	      "\n"
	      "Give SLOT's devices back from vfio-pci now: per device, driver_override as\n"
	      "`passthru bind` found it, unbind from vfio-pci, reprobe, and check that the\n"
	      "driver it had before is the one that took it. A device bind did not move goes\n"
	      "to whichever driver the kernel picks. Shows the steps and asks. Under --root it\n"
	      "shows the steps and does nothing.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --yes          do not ask (needed without a terminal)\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 every device back, 1 a device is not where it should be (the\n"
	      "driver holding it is named), 2 usage or operational error.\n",
	      stdout);
}

static const char *name(const char *driver)
{
	return driver ? driver : "(no driver)";
}

/* Where the device goes, as the preview says it. */
static void print_target(const struct pt_bind_plan *p, const struct pt_bind_dev *bd)
{
	switch (bd->want) {
	case PT_BIND_WANT_DRIVER:
		printf("%s%s\n", bd->want_driver,
		       p->op == PT_BIND_UNBIND && bd->saved ? " (its driver before bind)" : "");
		break;
	case PT_BIND_WANT_NONE:
		puts("(no driver, as before bind)");
		break;
	case PT_BIND_WANT_NOT_VFIO:
		puts("the kernel's choice (its driver before is unknown)");
		break;
	}
}

static void print_list(const char *title, const struct pt_strv *sv)
{
	if (!sv->n)
		return;
	printf("\n%s:\n", title);
	for (size_t i = 0; i < sv->n; i++)
		printf("  - %s\n", sv->v[i]);
}

static void print_steps(const struct pt_host *h, const struct pt_bind_plan *p)
{
	bool bind = p->op == PT_BIND_BIND;

	printf("%s:\n",
	       bind ? "Bind to vfio-pci now (until the next boot)" : "Give back from vfio-pci now");
	if (bind && p->state_changed)
		puts("  save the drivers the devices have now to " PT_BIND_STATE);
	if (p->pre_argv.n) {
		char *a = pt_strv_join(&p->pre_argv, " ");

		printf("  %s\n      %s\n", a ? a : "?", p->pre_why);
		free(a);
	}
	for (size_t i = 0; i < p->ndevs; i++) {
		const struct pt_bind_dev *bd = &p->devs[i];
		const char *slot = h->devs[bd->idx].slot;

		if (!bd->nwrites) {
			printf("  %s %s: nothing to do\n", slot,
			       bind ? "is on vfio-pci" : "is not bound through vfio-pci");
			continue;
		}
		printf("  %s %s -> ", slot, name(bd->driver));
		print_target(p, bd);
		for (size_t k = 0; k < bd->nwrites; k++)
			printf("      write \"%s\" to %s\n",
			       streq(bd->writes[k].value, "\n") ? "\\n" : bd->writes[k].value,
			       bd->writes[k].path);
	}
	if (!bind && p->state_changed && p->ntodo)
		puts("  then drop what bind saved for them from " PT_BIND_STATE);
}

static void print_plan(const struct pt_host *h, const struct pt_bind_plan *p)
{
	if (p->slot_blocked) {
		puts("Cannot bind (no option overrides this):");
		for (size_t i = 0; i < p->blockers.n; i++)
			printf("  - %s\n", p->blockers.v[i]);
		return;
	}
	print_steps(h, p);
	print_list("Notes", &p->notes);
	if (!p->ntodo)
		return;
	print_list(p->op == PT_BIND_BIND ? "Cannot bind" : "Cannot unbind", &p->blockers);
	if (p->refusals.n) {
		print_list(p->refused ? "Refused" : "Guards overridden (--force)", &p->refusals);
		if (p->refused && !p->blockers.n)
			puts("  (--force binds anyway)");
	}
}

/* Writes the state as p leaves it, or removes the file when it is empty. */
static int save_state(const struct pt_cli *cli, struct pt_root *root, const struct pt_host *h,
		      const struct pt_bind_state *s)
{
	const struct pt_raw_file *f = pt_host_raw_file(h, PT_BIND_STATE);
	const char *old = f ? f->data : NULL;
	size_t old_len = f ? f->len : 0;
	struct pt_strbuf sb = {0};
	char *err = NULL;
	int e = pt_bind_state_format(s, &sb);

	if (e >= 0 && sb.len)
		e = pt_root_write(root, PT_BIND_STATE, old, old_len, sb.buf, sb.len, 0644, &err);
	else if (e >= 0 && old)
		e = pt_root_remove(root, PT_BIND_STATE, old, old_len, &err);
	if (e < 0)
		fprintf(stderr, "%s: %s\n", cli->prog, err ? err : strerror(-e));
	free(err);
	pt_strbuf_done(&sb);
	return e;
}

/*
 * One device's writes, in order; the first the kernel refuses ends them (reported). Where the
 * device then is, the re-read tells.
 */
static void write_dev(const struct pt_cli *cli, struct pt_root *root, const char *slot,
		      const struct pt_bind_dev *bd)
{
	for (size_t k = 0; k < bd->nwrites; k++) {
		const struct pt_bind_write *w = &bd->writes[k];
		char *err = NULL;
		int e = pt_root_sysfs_write(root, w->path, w->value, strlen(w->value), &err);

		if (e < 0) {
			fprintf(stderr, "%s: %s: %s\n", cli->prog, slot, err ? err : strerror(-e));
			free(err);
			return;
		}
	}
}

static bool driver_right(const struct pt_bind_dev *bd, const char *drv)
{
	switch (bd->want) {
	case PT_BIND_WANT_DRIVER:
		return streq_ptr(drv, bd->want_driver);
	case PT_BIND_WANT_NONE:
		return drv == NULL;
	default: /* the previous driver is unknown: anything but vfio-pci */
		return !streq_ptr(drv, VFIO_PCI);
	}
}

/* Why a device is not where it should be, from where it is. */
static void print_wrong(const struct pt_bind_plan *p, const struct pt_bind_dev *bd,
			const char *slot, const char *drv, const char *ov)
{
	printf("FAIL %s ", slot);
	if (driver_right(bd, drv))
		printf("is on %s but its driver_override reads %s, not %s", name(drv),
		       ov ? ov : "(unset)", bd->want_override ? bd->want_override : "(unset)");
	else if (bd->want == PT_BIND_WANT_NOT_VFIO)
		printf("is on vfio-pci again: vfio-pci's ids= names it (modprobe.d or "
		       "vfio-pci.ids=; passthru undo removes what apply wrote)");
	else if (!drv)
		printf("has no driver: %s did not take it (the kernel log says why: dmesg)",
		       bd->want_driver);
	else
		printf("is on %s, not %s", drv, name(bd->want_driver));
	putchar('\n');
}

/* Re-reads the device and says where it is: true when that is where it should be. */
static bool report_dev(struct pt_root *root, const struct pt_host *h, const struct pt_bind_plan *p,
		       const struct pt_bind_dev *bd)
{
	const char *slot = h->devs[bd->idx].slot;
	char *drv = NULL, *ov = NULL;
	int e = pt_facts_pci_binding(root, slot, &drv, &ov);
	bool ok = e >= 0 && driver_right(bd, drv) && streq_ptr(ov, bd->want_override);

	if (e < 0)
		printf("FAIL %s: its binding cannot be re-read: %s\n", slot, strerror(-e));
	else if (ok)
		printf("ok   %s is on %s%s%s\n", slot, name(drv),
		       p->op == PT_BIND_UNBIND ? ", driver_override " : "",
		       p->op == PT_BIND_UNBIND ? (ov ? ov : "unset") : "");
	else
		print_wrong(p, bd, slot, drv, ov);
	free(drv);
	free(ov);
	return ok;
}

/* After bind: each group's /dev/vfio node, and whether the kernel calls it viable. */
static bool report_groups(struct pt_root *root, const struct pt_host *h,
			  const struct pt_bind_plan *p)
{
	bool ok = true;

	for (size_t i = 0; i < p->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[p->devs[i].idx];
		bool seen = false;
		int v;

		for (size_t k = 0; k < i; k++)
			seen |= h->devs[p->devs[k].idx].iommu_group == d->iommu_group;
		if (seen || !(d->have & PT_PCI_HAVE_GROUP))
			continue;
		v = pt_root_vfio_group_viable(root, d->iommu_group);
		if (v == 1)
			printf("ok   /dev/vfio/%d exists and the kernel calls the group viable\n",
			       d->iommu_group);
		else if (v == -EBUSY)
			printf("ok   /dev/vfio/%d exists and is in use (a VM holds it)\n",
			       d->iommu_group);
		else
			printf("FAIL /dev/vfio/%d %s\n", d->iommu_group,
			       v == 0	      ? "exists, but the group is not viable: a member is "
						"still on a host driver"
			       : v == -ENOENT ? "does not exist: vfio-pci holds no device of it"
					      : strerror(-v));
		ok &= v == 1 || v == -EBUSY;
	}
	return ok;
}

/*
 * Unbinding a device whose group a VM holds open makes vfio-pci wait until the VM lets go:
 * the write would hang (linux drivers/vfio/vfio_main.c, vfio_unregister_group_dev).
 */
static bool group_in_use(const struct pt_cli *cli, struct pt_root *root, const struct pt_host *h,
			 const struct pt_bind_plan *p)
{
	for (size_t i = 0; i < p->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[p->devs[i].idx];

		if (!streq_ptr(p->devs[i].driver, VFIO_PCI) || !(d->have & PT_PCI_HAVE_GROUP) ||
		    pt_root_vfio_group_viable(root, d->iommu_group) != -EBUSY)
			continue;
		fflush(stdout);
		fprintf(stderr,
			"%s: unbind: /dev/vfio/%d is in use (a running VM?): vfio-pci would wait "
			"for it to let go; stop it first. Nothing changed.\n",
			cli->prog, d->iommu_group);
		return true;
	}
	return false;
}

/* The command to run before any write: a failure changes nothing yet. */
static int run_pre(const struct pt_cli *cli, const struct pt_bind_plan *p)
{
	int rc;

	if (!p->pre_argv.n)
		return 0;
	printf("running: %s %s\n", p->pre_argv.v[0], p->pre_argv.v[1]);
	fflush(stdout);
	rc = pt_run(p->pre_argv.v);
	if (rc != 0)
		fprintf(stderr, "%s: %s %s (%s); nothing changed\n", cli->prog, p->pre_argv.v[0],
			rc < 0 ? "could not start" : "failed",
			rc < 0 ? strerror(-rc) : "see its output above");
	return rc == 0 ? 0 : -EIO;
}

static int perform(const struct pt_cli *cli, struct pt_root *root, const struct pt_host *h,
		   struct pt_bind_plan *p)
{
	bool bind = p->op == PT_BIND_BIND, all_ok = true;
	char *err = NULL;

	if (pt_root_lock(root, &err) < 0) {
		fprintf(stderr, "%s: %s\n", cli->prog, err ? err : "cannot take the lock");
		free(err);
		return PT_EXIT_ERROR;
	}
	if (run_pre(cli, p) < 0 ||
	    (bind && p->state_changed && save_state(cli, root, h, &p->state) < 0))
		return PT_EXIT_ERROR;
	putchar('\n');
	for (size_t i = 0; i < p->ndevs; i++) {
		const struct pt_bind_dev *bd = &p->devs[i];
		bool ok = true;

		if (bd->nwrites) {
			fflush(stdout); /* a refused write's message comes after what was shown */
			write_dev(cli, root, h->devs[bd->idx].slot, bd);
			ok = report_dev(root, h, p, bd);
			all_ok &= ok;
		}
		if (!bind && bd->saved && ok)
			pt_bind_state_remove(&p->state, h->devs[bd->idx].slot);
	}
	if (bind)
		all_ok &= report_groups(root, h, p);
	else if (p->state_changed && save_state(cli, root, h, &p->state) < 0)
		return PT_EXIT_ERROR;
	return all_ok ? PT_EXIT_OK : PT_EXIT_FINDINGS;
}

/* Preview, refusals, the --root short cut, the question; then the writes. */
static int run(struct pt_cli *cli, struct pt_root *root, const struct pt_host *h,
	       struct pt_bind_plan *p, const char *cmd, bool yes)
{
	bool bind = p->op == PT_BIND_BIND;

	print_plan(h, p);
	if (p->slot_blocked)
		return PT_EXIT_FINDINGS;
	if (!p->ntodo) {
		printf("\nnothing to do: %s\n", bind ? "every device of the slot is on vfio-pci"
						     : "no device of the slot is on vfio-pci");
		return PT_EXIT_OK;
	}
	if (p->refused)
		return PT_EXIT_FINDINGS;
	if (pt_root_mode(root) != PT_ROOT_LIVE) {
		printf("\nnothing done: --root %s is not the running host; runtime binding acts "
		       "on the running kernel\n",
		       pt_root_spec(root));
		return PT_EXIT_OK;
	}
	if (!bind && group_in_use(cli, root, h, p))
		return PT_EXIT_FINDINGS;
	if (!pt_cli_confirm(cli, cmd, yes, bind ? "\nBind now?" : "\nGive back now?"))
		return PT_EXIT_ERROR;
	return perform(cli, root, h, p);
}

static int bind_main(struct pt_cli *cli, int argc, char **argv, enum pt_bind_op op)
{
	static const struct option longopts[] = {
		PT_GLOBAL_LONGOPTS,
		{"yes", no_argument, NULL, 'y'},
		{"force", no_argument, NULL, 'F'},
		{},
	};
	const char *cmd = op == PT_BIND_BIND ? "bind" : "unbind";
	char usage_cmd[16];
	struct pt_bind_request req = {.op = op};
	struct pt_bind_plan p;
	struct pt_root *root;
	struct pt_verdicts vd;
	struct pt_host h;
	unsigned line;
	bool yes = false;
	int opt, e, rc;

	snprintf(usage_cmd, sizeof(usage_cmd), "%s ", cmd);
	while ((opt = getopt_long(argc, argv, "yh", longopts, NULL)) != -1) {
		if (pt_cli_global_option(cli, opt, optarg))
			continue;
		if (opt == 'y')
			yes = true;
		else if (opt == 'F' && op == PT_BIND_BIND)
			req.override_guards = true;
		else if (opt == 'F')
			return pt_cli_usage_error(cli, usage_cmd,
						  "--force is for bind only: "
						  "giving devices back needs no guard");
		else if (opt == 'h') {
			(op == PT_BIND_BIND ? bind_help : unbind_help)();
			return PT_EXIT_OK;
		} else
			return pt_cli_usage_error(cli, usage_cmd, "invalid option");
	}
	if ((rc = pt_cli_slot_arg(cli, usage_cmd, argc, argv, &req.slot)) != 0)
		return rc;
	if (pt_cli_load_host(cli, &root, &h, &vd) < 0)
		return PT_EXIT_ERROR;
	e = pt_bind_plan_build(&h, &req, &p, &line);
	if (e == -ENODEV)
		fprintf(stderr, "%s: %s: no PCI device %s in this root\n", cli->prog, cmd,
			argv[optind]);
	else if (e == -EBADMSG)
		fprintf(stderr,
			"%s: %s: %s line %u is not \"BDF DRIVER OVERRIDE\": fix or remove it\n",
			cli->prog, cmd, PT_BIND_STATE, line);
	else if (e < 0)
		fprintf(stderr, "%s: %s: %s\n", cli->prog, cmd, strerror(-e));
	rc = e < 0 ? PT_EXIT_ERROR : run(cli, root, &h, &p, cmd, yes);
	if (e >= 0)
		pt_bind_plan_done(&p);
	pt_verdicts_done(&vd);
	pt_host_done(&h);
	pt_root_free(root);
	if (fflush(stdout) != 0 && rc == PT_EXIT_OK) {
		perror("passthru: stdout");
		return PT_EXIT_ERROR;
	}
	return rc;
}

int pt_cmd_bind(struct pt_cli *cli, int argc, char **argv)
{
	return bind_main(cli, argc, argv, PT_BIND_BIND);
}

int pt_cmd_unbind(struct pt_cli *cli, int argc, char **argv)
{
	return bind_main(cli, argc, argv, PT_BIND_UNBIND);
}
