/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runtime binding planner on hand-built hosts: the sysfs writes in their order
 * (override, unbind, drivers_probe: linux ABI sysfs-bus-pci), modprobe only when vfio-pci is
 * missing, the state bind saves and unbind gives back, guards and what vfio-pci refuses; and the
 * state file's parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "plan/bind.h"

/* ---- a small host: bridge 00:02.0 -> GPU 01:00.0/.1 (group 7), NIC 00:05.0 (group 4) ---- */

#define HAVE_ALL (PT_PCI_HAVE_DRIVER | PT_PCI_HAVE_GROUP | PT_PCI_HAVE_CLASS)

struct fixture {
	struct pt_host h;
	struct pt_pci_dev devs[5];
	struct pt_iommu_group groups[3];
	size_t g1[1], g4[1], g7[2];
	struct pt_raw_file state;
	struct pt_uplink uplink;
};

static void dev(struct pt_pci_dev *d, const char *slot, uint32_t class, int group,
		const char *driver, const char *override)
{
	*d = (struct pt_pci_dev){.class = class, .iommu_group = group, .parent = -1, .physfn = -1};
	assert_int_equal(pt_bdf_parse(slot, strlen(slot), &d->bdf), 0);
	pt_bdf_format(&d->bdf, d->slot);
	d->have = HAVE_ALL;
	d->driver = (char *)driver;
	d->driver_override = (char *) override;
	d->is_bridge = (class >> 8) == 0x0604;
	d->boot_vga = PT_UNKNOWN;
}

/* state: the state file's bytes, NULL for none. drivers: registered drivers, NULL-ended. */
static void host(struct fixture *f, const char *state, const char *const *drivers)
{
	struct pt_host *h = &f->h;

	memset(f, 0, sizeof(*f));
	dev(&f->devs[0], "0000:00:02.0", 0x060400, 1, "pcieport", NULL);
	dev(&f->devs[1], "0000:00:05.0", 0x020000, 4, "e1000e", NULL);
	dev(&f->devs[2], "0000:01:00.0", 0x030000, 7, "nouveau", NULL);
	dev(&f->devs[3], "0000:01:00.1", 0x040300, 7, NULL, NULL);
	f->devs[2].parent = f->devs[3].parent = 0;
	f->g1[0] = 0;
	f->g4[0] = 1;
	f->g7[0] = 2;
	f->g7[1] = 3;
	f->groups[0] = (struct pt_iommu_group){.id = 1, .members = f->g1, .nmembers = 1};
	f->groups[1] = (struct pt_iommu_group){.id = 4, .members = f->g4, .nmembers = 1};
	f->groups[2] = (struct pt_iommu_group){.id = 7, .members = f->g7, .nmembers = 2};
	h->mode = PT_ROOT_DIR;
	h->devs = f->devs;
	h->ndevs = 4;
	h->pci_known = true;
	h->groups = f->groups;
	h->ngroups = 3;
	f->state = (struct pt_raw_file){.path = PT_BIND_STATE, .err = -ENOENT};
	if (state) {
		f->state.data = (char *)state;
		f->state.len = strlen(state);
		f->state.err = 0;
	}
	h->raw_files = &f->state;
	h->nraw_files = 1;
	/* The host's own NIC is elsewhere: the guard knows the default route. */
	h->routes_known = h->routes_have_default = true;
	f->uplink = (struct pt_uplink){.route_iface = "eno1", .iface = "eno1", .has_dev = true};
	pt_bdf_parse("0000:00:1f.6", 12, &f->uplink.dev);
	h->uplinks = &f->uplink;
	h->nuplinks = 1;
	h->pci_drivers_known = drivers != NULL;
	for (size_t i = 0; drivers && drivers[i]; i++)
		assert_int_equal(pt_strv_push(&h->pci_drivers, drivers[i]), 0);
}

static void host_done(struct fixture *f)
{
	pt_strv_done(&f->h.pci_drivers);
}

static int build(struct fixture *f, const char *slot, enum pt_bind_op op, struct pt_bind_plan *p)
{
	struct pt_bind_request req = {.op = op};
	unsigned line;

	assert_int_equal(pt_bdf_parse(slot, strlen(slot), &req.slot), 0);
	return pt_bind_plan_build(&f->h, &req, p, &line);
}

static void assert_write(const struct pt_bind_dev *bd, size_t k, const char *path,
			 const char *value)
{
	assert_true(k < bd->nwrites);
	assert_string_equal(bd->writes[k].path, path);
	assert_string_equal(bd->writes[k].value, value);
}

static const char *const no_vfio[] = {"e1000e", "nouveau", "pcieport", NULL};
static const char *const with_vfio[] = {"e1000e", "nouveau", "pcieport", "vfio-pci", NULL};

static void test_bind_group(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;
	struct pt_strbuf sb = {0};

	host(&f, NULL, no_vfio);
	assert_int_equal(build(&f, "0000:01:00.1", PT_BIND_BIND, &p), 0);
	/* Both functions; the bridge stays with the host. */
	assert_int_equal(p.ndevs, 2);
	assert_int_equal(p.ntodo, 2);
	assert_false(p.refused);
	assert_int_equal(p.pre_argv.n, 2);
	assert_string_equal(p.pre_argv.v[0], "modprobe");
	assert_string_equal(p.pre_argv.v[1], "vfio-pci");
	/* Override first, then unbind, then probe. */
	assert_int_equal(p.devs[0].nwrites, 3);
	assert_write(&p.devs[0], 0, "/sys/bus/pci/devices/0000:01:00.0/driver_override",
		     "vfio-pci");
	assert_write(&p.devs[0], 1, "/sys/bus/pci/devices/0000:01:00.0/driver/unbind",
		     "0000:01:00.0");
	assert_write(&p.devs[0], 2, "/sys/bus/pci/drivers_probe", "0000:01:00.0");
	assert_int_equal(p.devs[0].want, PT_BIND_WANT_DRIVER);
	assert_string_equal(p.devs[0].want_driver, "vfio-pci");
	assert_string_equal(p.devs[0].want_override, "vfio-pci");
	/* No driver: nothing to unbind from. */
	assert_int_equal(p.devs[1].nwrites, 2);
	assert_write(&p.devs[1], 1, "/sys/bus/pci/drivers_probe", "0000:01:00.1");
	/* The drivers they had, saved for unbind. */
	assert_true(p.state_changed);
	assert_int_equal(pt_bind_state_format(&p.state, &sb), 0);
	assert_non_null(strstr(sb.buf, "\n0000:01:00.0 nouveau -\n0000:01:00.1 - -\n"));
	pt_strbuf_done(&sb);
	pt_bind_plan_done(&p);
	host_done(&f);
}

static void test_bind_vfio_loaded(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;

	host(&f, NULL, with_vfio);
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_BIND, &p), 0);
	assert_int_equal(p.ndevs, 1);
	assert_int_equal(p.pre_argv.n, 0);
	pt_bind_plan_done(&p);
	host_done(&f);
	/* Unknown whether it is loaded: modprobe, which is harmless when it is. */
	host(&f, NULL, NULL);
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_BIND, &p), 0);
	assert_int_equal(p.pre_argv.n, 2);
	assert_non_null(strstr(p.pre_why, "not known"));
	pt_bind_plan_done(&p);
	host_done(&f);
}

static void test_bind_nothing_to_do(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;

	host(&f, NULL, no_vfio);
	f.devs[2].driver = f.devs[3].driver = "vfio-pci";
	assert_int_equal(build(&f, "0000:01:00.0", PT_BIND_BIND, &p), 0);
	assert_int_equal(p.ntodo, 0);
	assert_int_equal(p.pre_argv.n, 0);
	assert_false(p.state_changed);
	pt_bind_plan_done(&p);
	host_done(&f);
}

static void test_bind_refused(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;
	struct pt_bind_request req = {.op = PT_BIND_BIND, .override_guards = true};
	unsigned line;

	/* The default-route NIC: a guard, --force overrides it. */
	host(&f, NULL, with_vfio);
	f.uplink.dev = f.devs[1].bdf;
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_BIND, &p), 0);
	assert_true(p.refused);
	assert_int_equal(p.refusals.n, 1);
	assert_non_null(strstr(p.refusals.v[0], "guard.default-route-nic"));
	pt_bind_plan_done(&p);
	req.slot = f.devs[1].bdf;
	assert_int_equal(pt_bind_plan_build(&f.h, &req, &p, &line), 0);
	assert_false(p.refused);
	pt_bind_plan_done(&p);
	/* SR-IOV enabled, no IOMMU group: vfio-pci refuses, --force does not help. */
	f.devs[1].have |= PT_PCI_HAVE_SRIOV;
	f.devs[1].sriov_numvfs = 4;
	f.devs[1].have &= ~(unsigned)PT_PCI_HAVE_GROUP;
	assert_int_equal(pt_bind_plan_build(&f.h, &req, &p, &line), 0);
	assert_true(p.refused);
	assert_int_equal(p.blockers.n, 2);
	assert_non_null(strstr(p.blockers.v[0], "SR-IOV"));
	assert_non_null(strstr(p.blockers.v[1], "no IOMMU group"));
	pt_bind_plan_done(&p);
	host_done(&f);
}

static void test_unbind_saved(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;

	host(&f, "# comment\n0000:01:00.0 nouveau -\n0000:01:00.1 - pci-stub\n", with_vfio);
	f.devs[2].driver = f.devs[3].driver = "vfio-pci";
	f.devs[2].driver_override = f.devs[3].driver_override = "vfio-pci";
	assert_int_equal(build(&f, "0000:01:00.0", PT_BIND_UNBIND, &p), 0);
	assert_int_equal(p.ntodo, 2);
	assert_int_equal(p.pre_argv.n, 0);
	assert_int_equal(p.refusals.n, 0);
	/* Clear the override, unbind, probe: the ID tables give it back to nouveau. */
	assert_int_equal(p.devs[0].nwrites, 3);
	assert_write(&p.devs[0], 0, "/sys/bus/pci/devices/0000:01:00.0/driver_override", "\n");
	assert_write(&p.devs[0], 1, "/sys/bus/pci/devices/0000:01:00.0/driver/unbind",
		     "0000:01:00.0");
	assert_write(&p.devs[0], 2, "/sys/bus/pci/drivers_probe", "0000:01:00.0");
	assert_true(p.devs[0].saved);
	assert_int_equal(p.devs[0].want, PT_BIND_WANT_DRIVER);
	assert_string_equal(p.devs[0].want_driver, "nouveau");
	assert_null(p.devs[0].want_override);
	/* It had no driver and the user's override: that override back, no probe. */
	assert_int_equal(p.devs[1].nwrites, 2);
	assert_write(&p.devs[1], 0, "/sys/bus/pci/devices/0000:01:00.1/driver_override",
		     "pci-stub");
	assert_int_equal(p.devs[1].want, PT_BIND_WANT_NONE);
	assert_string_equal(p.devs[1].want_override, "pci-stub");
	assert_int_equal(p.notes.n, 0);
	assert_true(pt_bind_state_remove(&p.state, "0000:01:00.0"));
	assert_false(pt_bind_state_remove(&p.state, "0000:01:00.0"));
	assert_int_equal(p.state.n, 1);
	pt_bind_plan_done(&p);
	host_done(&f);
}

static void test_unbind_unknown(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;

	host(&f, NULL, no_vfio);
	f.devs[1].driver = "vfio-pci";
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_UNBIND, &p), 0);
	assert_int_equal(p.devs[0].nwrites, 2);
	assert_write(&p.devs[0], 0, "/sys/bus/pci/devices/0000:00:05.0/driver/unbind",
		     "0000:00:05.0");
	assert_false(p.devs[0].saved);
	assert_int_equal(p.devs[0].want, PT_BIND_WANT_NOT_VFIO);
	assert_int_equal(p.notes.n, 1);
	assert_non_null(strstr(p.notes.v[0], "0000:00:05.0: passthru bind did not move it"));
	pt_bind_plan_done(&p);
	/* Not on vfio-pci: nothing to give back. */
	f.devs[1].driver = "e1000e";
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_UNBIND, &p), 0);
	assert_int_equal(p.ntodo, 0);
	pt_bind_plan_done(&p);
	host_done(&f);
}

/* A bind that stopped half-way keeps the first entry; a stale entry is replaced. */
static void test_bind_retry(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;

	host(&f, "0000:00:05.0 igb -\n", with_vfio);
	f.devs[1].driver = NULL;
	f.devs[1].driver_override = "vfio-pci";
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_BIND, &p), 0);
	assert_int_equal(p.devs[0].nwrites, 1);
	assert_write(&p.devs[0], 0, "/sys/bus/pci/drivers_probe", "0000:00:05.0");
	assert_false(p.state_changed);
	assert_string_equal(pt_bind_state_find(&p.state, "0000:00:05.0")->driver, "igb");
	pt_bind_plan_done(&p);
	/* Unbind of that half-way state: clear the override and probe for igb. */
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_UNBIND, &p), 0);
	assert_int_equal(p.devs[0].nwrites, 2);
	assert_write(&p.devs[0], 0, "/sys/bus/pci/devices/0000:00:05.0/driver_override", "\n");
	assert_write(&p.devs[0], 1, "/sys/bus/pci/drivers_probe", "0000:00:05.0");
	assert_string_equal(p.devs[0].want_driver, "igb");
	assert_int_equal(p.notes.n, 1);
	assert_non_null(strstr(p.notes.v[0], "igb"));
	pt_bind_plan_done(&p);
	/* On its driver again (a reboot): the entry is stale, bind saves the binding now. */
	f.devs[1].driver = "e1000e";
	f.devs[1].driver_override = NULL;
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_BIND, &p), 0);
	assert_true(p.state_changed);
	assert_string_equal(pt_bind_state_find(&p.state, "0000:00:05.0")->driver, "e1000e");
	pt_bind_plan_done(&p);
	host_done(&f);
}

static void assert_txn_write(const struct pt_sysfs_write *w, const char *path, const char *value,
			     bool if_present)
{
	assert_string_equal(w->path, path);
	assert_string_equal(w->value, value);
	assert_int_equal(w->if_present, if_present);
}

/*
 * Bind's transaction: modprobe, the state file, then each device's writes, with the writes
 * that give it back to what the state file saved (planned now, replayed by undo).
 */
static void test_txn_bind(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;
	const struct pt_txn *t = &p.txn;
	const struct pt_txn_dev *d;

	host(&f, NULL, no_vfio);
	assert_int_equal(build(&f, "0000:01:00.1", PT_BIND_BIND, &p), 0);
	assert_int_equal(t->nsteps, 4);
	assert_int_equal(t->steps[0].kind, PT_STEP_CMD);
	assert_string_equal(t->cmds[0].argv.v[0], "modprobe");
	assert_false(t->cmds[0].refresh);
	assert_int_equal(t->nundo_cmds, 0);
	assert_int_equal(t->steps[1].kind, PT_STEP_EDIT);
	assert_string_equal(t->edits[0].path, PT_BIND_STATE);
	assert_null(t->edits[0].old);
	assert_non_null(strstr(t->edits[0].new, "\n0000:01:00.0 nouveau -\n0000:01:00.1 - -\n"));
	assert_int_equal(t->steps[2].kind, PT_STEP_DEV);
	assert_int_equal(t->ndevs, 2);
	d = &t->devs[0];
	assert_string_equal(d->slot, "0000:01:00.0");
	assert_int_equal(d->nwrites, 3);
	assert_true(d->writes[1].if_present);
	assert_int_equal(d->expect.on, PT_DEV_ON);
	assert_string_equal(d->expect.driver, "vfio-pci");
	assert_string_equal(d->expect.override, "vfio-pci");
	/* Back: clear the override, unbind from vfio-pci, probe: nouveau takes it again. */
	assert_int_equal(d->nundo, 3);
	assert_txn_write(&d->undo[0], "/sys/bus/pci/devices/0000:01:00.0/driver_override", "\n",
			 false);
	assert_txn_write(&d->undo[1], "/sys/bus/pci/devices/0000:01:00.0/driver/unbind",
			 "0000:01:00.0", true);
	assert_txn_write(&d->undo[2], "/sys/bus/pci/drivers_probe", "0000:01:00.0", false);
	assert_int_equal(d->undo_expect.on, PT_DEV_ON);
	assert_string_equal(d->undo_expect.driver, "nouveau");
	assert_null(d->undo_expect.override);
	/* It had no driver: unbound again, no probe. */
	d = &t->devs[1];
	assert_int_equal(d->nundo, 2);
	assert_txn_write(&d->undo[1], "/sys/bus/pci/devices/0000:01:00.1/driver/unbind",
			 "0000:01:00.1", true);
	assert_int_equal(d->undo_expect.on, PT_DEV_NONE);
	/* Undo waits for no VM on the group; the commit asks whether it is viable. */
	assert_int_equal(t->undo_idle.n, 1);
	assert_int_equal(t->undo_idle.v[0], 7);
	assert_int_equal(t->viable.n, 1);
	assert_int_equal(t->idle.n, 0);
	assert_int_equal(pt_bind_plan_gate(&p, true), PT_BIND_GO);
	assert_int_equal(pt_bind_plan_gate(&p, false), PT_BIND_NOT_LIVE);
	pt_bind_plan_done(&p);
	/* Half-way (override set, no driver): only the probe; back to what the entry saved. */
	host_done(&f);
	host(&f, "0000:00:05.0 igb -\n", with_vfio);
	f.devs[1].driver = NULL;
	f.devs[1].driver_override = "vfio-pci";
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_BIND, &p), 0);
	assert_int_equal(t->nsteps, 1);
	d = &t->devs[0];
	assert_int_equal(d->nwrites, 1);
	assert_int_equal(d->nundo, 3);
	assert_string_equal(d->undo_expect.driver, "igb");
	pt_bind_plan_done(&p);
	/* Refused, or nothing to do: no transaction. */
	f.uplink.dev = f.devs[1].bdf;
	f.devs[1].driver = "e1000e";
	f.devs[1].driver_override = NULL;
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_BIND, &p), 0);
	assert_true(p.refused);
	assert_true(pt_txn_empty(t));
	assert_int_equal(pt_bind_plan_gate(&p, true), PT_BIND_REFUSED);
	pt_bind_plan_done(&p);
	host_done(&f);
}

/*
 * Unbind's transaction: the devices, then the state file without their entries (reached
 * only when they are back); the way back binds them to vfio-pci again.
 */
static void test_txn_unbind(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;
	const struct pt_txn *t = &p.txn;
	const struct pt_txn_dev *d;

	host(&f, "# comment\n0000:01:00.0 nouveau -\n0000:01:00.1 - pci-stub\n", with_vfio);
	f.devs[2].driver = f.devs[3].driver = "vfio-pci";
	f.devs[2].driver_override = f.devs[3].driver_override = "vfio-pci";
	assert_int_equal(build(&f, "0000:01:00.0", PT_BIND_UNBIND, &p), 0);
	assert_int_equal(t->nsteps, 3);
	assert_int_equal(t->steps[0].kind, PT_STEP_DEV);
	assert_int_equal(t->steps[2].kind, PT_STEP_EDIT);
	assert_non_null(t->edits[0].old);
	assert_null(t->edits[0].new); /* every entry dropped: the file goes */
	d = &t->devs[0];
	assert_string_equal(d->expect.driver, "nouveau");
	assert_int_equal(d->nundo, 3);
	assert_txn_write(&d->undo[0], "/sys/bus/pci/devices/0000:01:00.0/driver_override",
			 "vfio-pci", false);
	assert_string_equal(d->undo_expect.driver, "vfio-pci");
	assert_string_equal(d->undo_expect.override, "vfio-pci");
	/* Left without a driver: the override, and a probe (nothing to unbind from). */
	d = &t->devs[1];
	assert_int_equal(d->expect.on, PT_DEV_NONE);
	assert_int_equal(d->nundo, 2);
	assert_txn_write(&d->undo[1], "/sys/bus/pci/drivers_probe", "0000:01:00.1", false);
	/* Unbinding from vfio-pci waits for a VM that holds the group: the commit checks. */
	assert_int_equal(t->idle.n, 1);
	assert_int_equal(t->idle.v[0], 7);
	assert_int_equal(t->viable.n + t->undo_idle.n, 0);
	pt_bind_plan_done(&p);
	/* A device bind did not move: wherever the kernel puts it, not vfio-pci. */
	host_done(&f);
	host(&f, "0000:01:00.0 nouveau -\n", no_vfio);
	f.devs[1].driver = "vfio-pci";
	assert_int_equal(build(&f, "0000:00:05.0", PT_BIND_UNBIND, &p), 0);
	assert_int_equal(t->n, 0); /* no entry of its own to drop */
	d = &t->devs[0];
	assert_int_equal(d->expect.on, PT_DEV_OFF);
	assert_string_equal(d->expect.driver, "vfio-pci");
	assert_int_equal(d->nundo, 2);
	assert_txn_write(&d->undo[0], "/sys/bus/pci/devices/0000:00:05.0/driver/unbind",
			 "0000:00:05.0", true);
	pt_bind_plan_done(&p);
	host_done(&f);
}

static void test_errors(void **state)
{
	struct fixture f;
	struct pt_bind_plan p;
	struct pt_bind_request req = {.op = PT_BIND_UNBIND};
	unsigned line = 0;

	host(&f, "0000:00:05.0 e1000e -\nbogus line\n", no_vfio);
	req.slot = f.devs[1].bdf;
	assert_int_equal(pt_bind_plan_build(&f.h, &req, &p, &line), -EBADMSG);
	assert_int_equal(line, 2);
	host_done(&f);
	host(&f, NULL, no_vfio);
	assert_int_equal(build(&f, "0000:09:00.0", PT_BIND_BIND, &p), -ENODEV);
	host_done(&f);
}

static void test_state_file(void **state)
{
	static const char *const bad[] = {
		"0000:00:05.0 e1000e\n",		/* two fields */
		"0000:00:05.0 e1000e - x\n",		/* four */
		"00:05.0x e1000e -\n",			/* not an address */
		"0000:00:05.0 a -\n0000:00:05.0 b -\n", /* twice */
	};
	struct pt_bind_state s;
	const char *ok = "\n# c\n  \n0000:00:05.0\te1000e  x";
	struct pt_strbuf sb = {0};
	unsigned line;

	/* Comments, blank lines, tabs, runs of blanks, no final newline. */
	assert_int_equal(pt_bind_state_parse(ok, strlen(ok), &s, &line), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].driver, "e1000e");
	assert_string_equal(s.v[0].override, "x");
	assert_int_equal(pt_bind_state_set(&s, "0000:01:00.0", NULL, NULL), 0);
	assert_int_equal(pt_bind_state_set(&s, "0000:01:00.1", "a b", NULL), -EINVAL);
	assert_int_equal(pt_bind_state_set(&s, "0000:01:00.1", "-", NULL), -EINVAL);
	assert_int_equal(pt_bind_state_set(&s, "0000:01:00.1", NULL, ""), -EINVAL);
	assert_int_equal(pt_bind_state_format(&s, &sb), 0);
	assert_non_null(strstr(sb.buf, "\n0000:00:05.0 e1000e x\n0000:01:00.0 - -\n"));
	pt_bind_state_done(&s);
	/* What format writes, parse reads back. */
	assert_int_equal(pt_bind_state_parse(sb.buf, sb.len, &s, &line), 0);
	assert_int_equal(s.n, 2);
	assert_null(s.v[1].driver);
	pt_bind_state_done(&s);
	pt_strbuf_done(&sb);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pt_bind_state_parse(bad[i], strlen(bad[i]), &s, &line), -EBADMSG);
		assert_int_equal(line, i == 3 ? 2 : 1);
		assert_int_equal(s.n, 0);
	}
	assert_int_equal(pt_bind_state_parse("0000:00:05.0 a\0 -\n", 18, &s, &line), -EBADMSG);
	/* Empty state: no bytes (the file is removed). */
	s = (struct pt_bind_state){0};
	assert_int_equal(pt_bind_state_format(&s, &sb), 0);
	assert_int_equal(sb.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_group),	   cmocka_unit_test(test_bind_vfio_loaded),
		cmocka_unit_test(test_bind_nothing_to_do), cmocka_unit_test(test_bind_refused),
		cmocka_unit_test(test_unbind_saved),	   cmocka_unit_test(test_unbind_unknown),
		cmocka_unit_test(test_bind_retry),	   cmocka_unit_test(test_errors),
		cmocka_unit_test(test_state_file),	   cmocka_unit_test(test_txn_bind),
		cmocka_unit_test(test_txn_unbind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
