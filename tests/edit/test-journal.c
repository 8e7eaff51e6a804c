/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal over before/after trees: the transaction is the difference between the trees
 * (every file of either side that differs), committed on a copy of before/, which must then
 * equal after/; undo must give back before/ byte for byte. Then a fault at every commit step,
 * at every occurrence: the commit fails, the copy still equals before/, no temporary file is
 * left anywhere, and no journal remains to undo. An interrupted transaction (a crash after
 * some edits) is rolled back by undo; undo refuses when a file changed after the commit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edit/journal.h"
#include "root.h"

static const char *cases = EDIT_CASES;
static char work[64];
static const char *tree_base; /* for nftw callbacks */
static struct pt_strv found;

__attribute__((format(printf, 1, 2))) static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

__attribute__((format(printf, 1, 2))) static int sh_rc(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type == FTW_F)
		assert_int_equal(pt_strv_push(&found, path + strlen(tree_base)), 0);
	return 0;
}

/* The transaction that turns <case>/before into <case>/after. */
static void tree_txn(const char *name, struct pt_txn *t)
{
	char before[512], after[512];

	snprintf(before, sizeof(before), "%s/%s/before", cases, name);
	snprintf(after, sizeof(after), "%s/%s/after", cases, name);
	found = (struct pt_strv){0};
	tree_base = before;
	assert_int_equal(nftw(before, collect, 16, FTW_PHYS), 0);
	tree_base = after;
	assert_int_equal(nftw(after, collect, 16, FTW_PHYS), 0);
	pt_strv_uniq(&found);
	*t = (struct pt_txn){0};
	for (size_t i = 0; i < found.n; i++) {
		char pb[1024], pa[1024], *ob, *nb;
		size_t ol = 0, nl = 0;

		snprintf(pb, sizeof(pb), "%s%s", before, found.v[i]);
		snprintf(pa, sizeof(pa), "%s%s", after, found.v[i]);
		ob = slurp(pb, &ol);
		nb = slurp(pa, &nl);
		assert_true(pt_txn_add(t, found.v[i], ob, ol, nb, nl, 0644) >= 0);
		free(ob);
		free(nb);
	}
	pt_strv_done(&found);
}

static void fresh_copy(const char *name)
{
	sh("rm -rf '%s' && mkdir '%s' && cp -a '%s/%s/before/.' '%s/'", work, work, cases, name,
	   work);
	sh("chmod 640 '%s/etc/default/grub' 2>/dev/null || true", work);
}

/* The copy equals <case>/<side>, leaving out the tool's own state (var/lib/passthru) and
 * the boot id the device tests add. */
static void assert_tree(const char *name, const char *side)
{
	/* var/ holds only the tool's state when the case has no var/ of its own. */
	if (sh_rc("diff -r -x passthru '%s/%s/%s' '%s' | grep -vx 'Only in %s: var' | "
		  "grep -vx 'Only in %s: proc' >&2; test $? = 1",
		  cases, name, side, work, work, work) != 0)
		fail_msg("the tree differs from %s/%s", name, side);
}

static void assert_no_temp(void)
{
	if (sh_rc("test -z \"$(find '%s' -name '.*.pt-*')\"", work) != 0)
		fail_msg("a temporary file was left behind");
}

static struct pt_root *open_work(void)
{
	struct pt_root *r = NULL;

	assert_int_equal(pt_root_open(work, &r, NULL), 0);
	return r;
}

/* The journal without a system: commands are not run (not the running host), no devices. */
static int commit(struct pt_root *r, const struct pt_txn *t, char **ret_id, char **ret_error)
{
	struct pt_journal_result res;
	int e = pt_journal_commit(r, t, NULL, &res, ret_error);

	*ret_id = res.id;
	res.id = NULL;
	pt_journal_result_done(&res);
	return e;
}

static int undo(struct pt_root *r, char **ret_id, enum pt_journal_state *ret_state,
		char **ret_error)
{
	struct pt_journal_result res;
	int e = pt_journal_undo(r, NULL, &res, ret_error);

	*ret_id = res.id;
	*ret_state = res.state;
	res.id = NULL;
	pt_journal_result_done(&res);
	return e;
}

static int setup(void **state)
{
	strcpy(work, "/tmp/passthru-test-edit-XXXXXX");
	assert_non_null(mkdtemp(work));
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	pt_root_fault_set(NULL);
	return 0;
}

static int teardown(void **state)
{
	sh("rm -rf '%s'", work);
	pt_root_fault_set(NULL);
	return 0;
}

static void test_commit_undo(void **state)
{
	struct pt_txn t;
	struct pt_root *r;
	enum pt_journal_state s;
	char *id = NULL, *err = NULL, *m;
	size_t len;

	tree_txn("journal", &t);
	assert_int_equal(t.n, 4);
	assert_int_equal(pt_txn_add_cmd(&t, (const char *const[]){"update-grub", NULL}, "why"), 0);
	assert_int_equal(pt_txn_add_cmd(&t, (const char *const[]){NULL}, NULL), -EINVAL);
	fresh_copy("journal");
	r = open_work();
	assert_int_equal(commit(r, &t, &id, &err), 0);
	assert_string_equal(id, "000001");
	assert_tree("journal", "after");
	assert_no_temp();
	sh("test \"$(stat -c %%a '%s/etc/default/grub')\" = 640", work);
	/* The journal as documented. */
	m = slurp(strcat(strcpy((char[600]){0}, work), "/var/lib/passthru/journal/000001/manifest"),
		  &len);
	assert_string_equal(m, "passthru-journal 4\n"
			       "time 1700000000\n"
			       "mkdir /etc/default/grub.d\n"
			       "edit 0 file write 0644 /etc/default/grub\n"
			       "edit 1 absent write 0644 /etc/default/grub.d/passthru.cfg\n"
			       "edit 2 file write 0644 /etc/kernel/cmdline\n"
			       "edit 3 file delete 0644 /etc/modprobe.d/old.conf\n"
			       "run update-grub\n"
			       "undo-run update-grub\n");
	free(m);
	/* Loaded back: the same edits and the recorded command, for undo to run. */
	{
		struct pt_txn back = {0};

		assert_int_equal(pt_journal_load(r, "000001", &back, &err), 0);
		assert_int_equal(back.n, 4);
		assert_int_equal(back.ncmds, 1);
		assert_int_equal(back.nundo_cmds, 1);
		assert_false(back.cmds_unknown);
		assert_string_equal(back.cmds[0].argv.v[0], "update-grub");
		assert_string_equal(back.undo_cmds[0].argv.v[0], "update-grub");
		assert_null(back.cmds[0].why);
		pt_txn_done(&back);
	}
	sh("cmp '%s/var/lib/passthru/journal/000001/0.old' '%s/journal/before/etc/default/grub'",
	   work, cases);
	sh("grep -qx complete '%s/var/lib/passthru/journal/000001/state'", work);
	assert_int_equal(pt_journal_last(r, &m, &s), 0);
	assert_string_equal(m, "000001");
	assert_int_equal(s, PT_JOURNAL_COMPLETE);
	free(m);
	free(id);
	/* Committing the same plan again: the files are no longer what it saw. */
	assert_int_equal(commit(r, &t, &id, &err), -ESTALE);
	assert_non_null(strstr(err, "changed since the plan"));
	err = pt_free(err);
	/* Undo: before/ byte for byte, the created directory gone. */
	assert_int_equal(undo(r, &id, &s, &err), 0);
	assert_string_equal(id, "000001");
	assert_int_equal(s, PT_JOURNAL_COMPLETE);
	id = pt_free(id);
	assert_tree("journal", "before");
	sh("test \"$(stat -c %%a '%s/etc/default/grub')\" = 640", work);
	sh("grep -qx undone '%s/var/lib/passthru/journal/000001/state'", work);
	assert_int_equal(undo(r, &id, &s, &err), -ENOENT);
	assert_non_null(strstr(err, "nothing to undo"));
	err = pt_free(err);
	/* A second commit gets the next id. */
	assert_int_equal(commit(r, &t, &id, &err), 0);
	assert_string_equal(id, "000002");
	id = pt_free(id);
	assert_tree("journal", "after");
	pt_root_free(r);
	pt_txn_done(&t);
}

static void test_nothing_to_do(void **state)
{
	struct pt_txn t = {0};
	struct pt_root *r;
	char *id = NULL;

	assert_int_equal(pt_txn_add(&t, "/etc/x", "a", 1, "a", 1, 0644), 0);
	assert_int_equal(t.n, 0);
	fresh_copy("journal");
	r = open_work();
	assert_int_equal(commit(r, &t, &id, NULL), 0);
	assert_null(id);
	assert_tree("journal", "before");
	pt_root_free(r);
}

static void test_undo_refuses_changed(void **state)
{
	struct pt_txn t;
	struct pt_root *r;
	enum pt_journal_state s;
	char *id = NULL, *err = NULL;

	tree_txn("journal", &t);
	fresh_copy("journal");
	r = open_work();
	assert_int_equal(commit(r, &t, &id, NULL), 0);
	id = pt_free(id);
	sh("echo '# mine' >> '%s/etc/kernel/cmdline'", work);
	assert_int_equal(undo(r, &id, &s, &err), -ESTALE);
	assert_non_null(strstr(err, "/etc/kernel/cmdline changed since passthru wrote it"));
	assert_non_null(strstr(err, "nothing was changed"));
	free(err);
	/* Nothing touched: everything else still as committed. */
	sh("cmp '%s/etc/default/grub' '%s/journal/after/etc/default/grub'", work, cases);
	sh("grep -qx complete '%s/var/lib/passthru/journal/000001/state'", work);
	pt_root_free(r);
	pt_txn_done(&t);
}

/* A crash after some edits: state "prepared", one edit not applied. Undo rolls it back. */
static void test_interrupted(void **state)
{
	struct pt_txn t;
	struct pt_root *r;
	enum pt_journal_state s;
	char *id = NULL, *err = NULL;

	tree_txn("journal", &t);
	fresh_copy("journal");
	r = open_work();
	assert_int_equal(commit(r, &t, &id, NULL), 0);
	id = pt_free(id);
	sh("echo prepared > '%s/var/lib/passthru/journal/000001/state'", work);
	sh("cp -p '%s/journal/before/etc/kernel/cmdline' '%s/etc/kernel/cmdline'", cases, work);
	sh("cp -p '%s/journal/before/etc/modprobe.d/old.conf' '%s/etc/modprobe.d/'", cases, work);
	assert_int_equal(pt_journal_last(r, &id, &s), 0);
	assert_int_equal(s, PT_JOURNAL_PREPARED);
	id = pt_free(id);
	assert_int_equal(undo(r, &id, &s, &err), 0);
	assert_int_equal(s, PT_JOURNAL_PREPARED);
	free(id);
	assert_tree("journal", "before");
	pt_root_free(r);
	pt_txn_done(&t);
}

static void test_faults(void **state)
{
	static const char *const steps[] = {"open-temp", "write",     "chmod",	"fsync",
					    "rename",	 "dir-fsync", "unlink", "mkdir"};
	struct pt_txn t;
	unsigned total = 0;

	tree_txn("journal", &t);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		for (unsigned n = 1;; n++) {
			char spec[64], *id = NULL, *err = NULL, *jid = NULL;
			enum pt_journal_state s;
			struct pt_root *r;
			int e;

			fresh_copy("journal");
			r = open_work();
			snprintf(spec, sizeof(spec), "%s:%u", steps[i], n);
			assert_int_equal(pt_root_fault_set(spec), 0);
			e = commit(r, &t, &id, &err);
			if (!pt_root_fault_fired()) {
				/* Past the last occurrence: the commit went through. */
				assert_int_equal(e, 0);
				assert_tree("journal", "after");
				free(id);
				pt_root_free(r);
				break;
			}
			total++;
			pt_root_fault_set(NULL);
			if (e != -EIO)
				fail_msg("%s: commit returned %d (%s)", spec, e, err ? err : "");
			assert_null(id);
			assert_non_null(err);
			if (!strstr(err, "nothing was changed"))
				fail_msg("%s: %s", spec, err);
			assert_tree("journal", "before");
			assert_no_temp();
			/* No journal is left to undo, and the journal directory is empty. */
			assert_int_equal(pt_journal_last(r, &jid, &s), -ENOENT);
			if (sh_rc("test -z \"$(ls -A '%s/var/lib/passthru/journal' 2>/dev/null)\"",
				  work) != 0)
				fail_msg("%s: journal directory not empty", spec);
			free(err);
			pt_root_free(r);
		}
	}
	/* Every step is reached at least once by a commit like this one. */
	assert_true(total >= 8);
	pt_txn_done(&t);
}

/* ---- device steps, against a stand-in for the kernel ---- */

/* Two functions as the stand-in kernel keeps them: driver and driver_override ("" none). */
struct kdev {
	const char *slot, *native;
	char driver[32], override[32];
};

static struct {
	struct kdev devs[2];
	struct pt_strv log;	     /* "PATH VALUE" of every write the kernel took, in order */
	unsigned writes, fail_write; /* refuse write number fail_write (from 1) */
	int busy_group;
	int run_rc;
	struct pt_strv runs;
} k;

static void kernel_reset(void)
{
	pt_strv_done(&k.log);
	pt_strv_done(&k.runs);
	memset(&k, 0, sizeof(k));
	k.devs[0] = (struct kdev){"0000:00:05.0", "e1000e", "e1000e", ""};
	k.devs[1] = (struct kdev){"0000:00:05.1", "snd_hda_intel", "", ""};
	k.busy_group = -1;
}

static struct kdev *kdev_of(const char *slot)
{
	for (size_t i = 0; i < 2; i++)
		if (strcmp(k.devs[i].slot, slot) == 0)
			return &k.devs[i];
	return NULL;
}

/* driver_override, driver/unbind, drivers_probe as the kernel treats them. */
static int fake_write(struct pt_root *r, const char *path, const char *data, size_t len,
		      char **ret_error)
{
	static const char dev[] = "/sys/bus/pci/devices/";
	char slot[16] = "";
	const char *attr = "";
	struct kdev *d;

	if (++k.writes == k.fail_write) {
		*ret_error = strdup("the kernel refused the write: Input/output error");
		return -EIO;
	}
	if (strcmp(path, "/sys/bus/pci/drivers_probe") == 0) {
		snprintf(slot, sizeof(slot), "%s", data);
		attr = "probe";
	} else if (strncmp(path, dev, strlen(dev)) == 0 && strlen(path) > strlen(dev) + 13) {
		memcpy(slot, path + strlen(dev), 12);
		slot[12] = '\0';
		attr = path + strlen(dev) + 13;
	}
	d = kdev_of(slot);
	assert_non_null(d);
	if (strcmp(attr, "driver_override") == 0)
		snprintf(d->override, sizeof(d->override), "%s", strcmp(data, "\n") ? data : "");
	else if (strcmp(attr, "driver/unbind") == 0 && !d->driver[0])
		return -ENOENT; /* no driver: no driver link */
	else if (strcmp(attr, "driver/unbind") == 0)
		d->driver[0] = '\0';
	else if (strcmp(attr, "probe") == 0 && !d->driver[0])
		snprintf(d->driver, sizeof(d->driver), "%s",
			 d->override[0] ? d->override : d->native);
	else if (strcmp(attr, "probe") != 0)
		fail_msg("unexpected write to %s", path);
	assert_int_equal(pt_strv_pushf(&k.log, "%s %s", path, data), 0);
	return 0;
}

static int fake_binding(struct pt_root *r, const char *slot, char **ret_driver, char **ret_override)
{
	struct kdev *d = kdev_of(slot);

	*ret_driver = d->driver[0] ? strdup(d->driver) : NULL;
	*ret_override = d->override[0] ? strdup(d->override) : NULL;
	return 0;
}

static int fake_viable(struct pt_root *r, int group)
{
	return group == k.busy_group ? -EBUSY : 1;
}

static int fake_run(char *const *argv)
{
	assert_int_equal(pt_strv_push(&k.runs, argv[0]), 0);
	return k.run_rc;
}

static const struct pt_system fake = {fake_write, fake_binding, fake_viable, fake_run, true};
static const struct pt_journal_opts fake_opts = {.sys = &fake};

static void dev_write(struct pt_txn_dev *d, bool undo, const char *slot, const char *attr,
		      const char *value)
{
	char path[128];

	if (attr)
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", slot, attr);
	else
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers_probe");
	assert_int_equal(
		pt_txn_dev_write(d, undo, path, value, attr && strcmp(attr, "driver/unbind") == 0),
		0);
}

/*
 * What `bind` plans for the two functions: modprobe, the state file, then each device to
 * vfio-pci, with the writes that give it back (the NIC to e1000e; the audio function had
 * no driver, so none again).
 */
static void bind_txn(struct pt_txn *t)
{
	static const char state[] = "0000:00:05.0 e1000e -\n0000:00:05.1 - -\n";
	struct pt_txn_dev *d;

	*t = (struct pt_txn){0};
	assert_int_equal(
		pt_txn_add_step_cmd(t, (const char *const[]){"modprobe", "vfio-pci", NULL}, "why"),
		0);
	assert_int_equal(
		pt_txn_add(t, "/var/lib/passthru/bind.state", NULL, 0, state, strlen(state), 0644),
		1);
	assert_int_equal(pt_txn_add_dev(t, "0000:00:05.0"), 0);
	d = &t->devs[0];
	dev_write(d, false, d->slot, "driver_override", "vfio-pci");
	dev_write(d, false, d->slot, "driver/unbind", d->slot);
	dev_write(d, false, d->slot, NULL, d->slot);
	assert_int_equal(pt_txn_dev_expect(d, false, PT_DEV_ON, "vfio-pci", "vfio-pci"), 0);
	dev_write(d, true, d->slot, "driver_override", "\n");
	dev_write(d, true, d->slot, "driver/unbind", d->slot);
	dev_write(d, true, d->slot, NULL, d->slot);
	assert_int_equal(pt_txn_dev_expect(d, true, PT_DEV_ON, "e1000e", NULL), 0);
	assert_int_equal(pt_txn_add_dev(t, "0000:00:05.1"), 1);
	d = &t->devs[1];
	dev_write(d, false, d->slot, "driver_override", "vfio-pci");
	dev_write(d, false, d->slot, NULL, d->slot);
	assert_int_equal(pt_txn_dev_expect(d, false, PT_DEV_ON, "vfio-pci", "vfio-pci"), 0);
	dev_write(d, true, d->slot, "driver_override", "\n");
	dev_write(d, true, d->slot, "driver/unbind", d->slot);
	assert_int_equal(pt_txn_dev_expect(d, true, PT_DEV_NONE, NULL, NULL), 0);
	assert_int_equal(pt_groups_add(&t->undo_idle, 4), 0);
	assert_int_equal(pt_groups_add(&t->viable, 4), 0);
}

static void set_boot(const char *id)
{
	sh("mkdir -p '%s/proc/sys/kernel/random' && echo %s > '%s/proc/sys/kernel/random/boot_id'",
	   work, id, work);
}

static void fresh_host(void)
{
	fresh_copy("journal");
	set_boot("0b4c6e3a-1f2d-4c5b-9e8f-7a6b5c4d3e2f");
	kernel_reset();
}

static void assert_kernel(const char *drv0, const char *ov0, const char *drv1, const char *ov1)
{
	assert_string_equal(k.devs[0].driver, drv0);
	assert_string_equal(k.devs[0].override, ov0);
	assert_string_equal(k.devs[1].driver, drv1);
	assert_string_equal(k.devs[1].override, ov1);
}

static bool state_file(void)
{
	return sh_rc("test -e '%s/var/lib/passthru/bind.state'", work) == 0;
}

static char *journal_file(const char *id, const char *name)
{
	char path[600];
	size_t len;

	snprintf(path, sizeof(path), "%s/var/lib/passthru/journal/%s/%s", work, id, name);
	return slurp(path, &len);
}

static void test_devices(void **state)
{
	struct pt_journal_result res;
	struct pt_root *r;
	struct pt_txn t;
	char *err = NULL, *m;

	bind_txn(&t);
	fresh_host();
	r = open_work();
	assert_int_equal(pt_journal_commit(r, &t, &fake_opts, &res, &err), 0);
	assert_string_equal(res.id, "000001");
	assert_false(res.stopped);
	assert_true(res.devs[0].met && res.devs[1].met);
	assert_int_equal(res.viable[0], 1);
	assert_int_equal(res.cmds[0].fate, PT_CMD_RAN);
	pt_journal_result_done(&res);
	/* modprobe first, the state file, then the writes in order. */
	assert_int_equal(k.runs.n, 1);
	assert_true(state_file());
	assert_kernel("vfio-pci", "vfio-pci", "vfio-pci", "vfio-pci");
	assert_int_equal(k.log.n, 5);
	assert_string_equal(k.log.v[0],
			    "/sys/bus/pci/devices/0000:00:05.0/driver_override vfio-pci");
	assert_string_equal(k.log.v[4], "/sys/bus/pci/drivers_probe 0000:00:05.1");
	/* The journal as documented: every step, the boot, what gives each device back. */
	m = journal_file("000001", "manifest");
	assert_string_equal(
		m, "passthru-journal 4\n"
		   "time 1700000000\n"
		   "boot 0b4c6e3a-1f2d-4c5b-9e8f-7a6b5c4d3e2f\n"
		   "run modprobe vfio-pci\n"
		   "edit 0 absent write 0644 /var/lib/passthru/bind.state\n"
		   "device 0000:00:05.0 on vfio-pci vfio-pci\n"
		   "sysfs must /sys/bus/pci/devices/0000:00:05.0/driver_override vfio-pci\n"
		   "sysfs if-present /sys/bus/pci/devices/0000:00:05.0/driver/unbind 0000:00:05.0\n"
		   "sysfs must /sys/bus/pci/drivers_probe 0000:00:05.0\n"
		   "undo on e1000e -\n"
		   "undo-sysfs must /sys/bus/pci/devices/0000:00:05.0/driver_override \\x0a\n"
		   "undo-sysfs if-present /sys/bus/pci/devices/0000:00:05.0/driver/unbind "
		   "0000:00:05.0\n"
		   "undo-sysfs must /sys/bus/pci/drivers_probe 0000:00:05.0\n"
		   "device 0000:00:05.1 on vfio-pci vfio-pci\n"
		   "sysfs must /sys/bus/pci/devices/0000:00:05.1/driver_override vfio-pci\n"
		   "sysfs must /sys/bus/pci/drivers_probe 0000:00:05.1\n"
		   "undo none - -\n"
		   "undo-sysfs must /sys/bus/pci/devices/0000:00:05.1/driver_override \\x0a\n"
		   "undo-sysfs if-present /sys/bus/pci/devices/0000:00:05.1/driver/unbind "
		   "0000:00:05.1\n"
		   "undo-idle-group 4\n");
	free(m);
	m = journal_file("000001", "progress");
	assert_string_equal(m, "begun 0\ntook 0 3\nbegun 1\ntook 1 2\n");
	free(m);
	/* Undo: the recorded writes, the last device first, then the state file. */
	pt_strv_done(&k.log);
	assert_int_equal(pt_journal_undo(r, &fake_opts, &res, &err), 0);
	assert_string_equal(res.id, "000001");
	assert_int_equal(res.sysfs_skipped, PT_SYSFS_NOT_SKIPPED);
	assert_true(pt_journal_devs_met(&res));
	pt_journal_result_done(&res);
	assert_kernel("e1000e", "", "", "");
	assert_int_equal(k.log.n, 5);
	assert_string_equal(k.log.v[0], "/sys/bus/pci/devices/0000:00:05.1/driver_override \n");
	assert_string_equal(k.log.v[1],
			    "/sys/bus/pci/devices/0000:00:05.1/driver/unbind 0000:00:05.1");
	assert_false(state_file());
	sh("grep -qx undone '%s/var/lib/passthru/journal/000001/state'", work);
	pt_root_free(r);
	pt_txn_done(&t);
	kernel_reset();
}

/* A reboot gave the devices back: undo leaves sysfs alone, says so, restores the file. */
static void test_devices_earlier_boot(void **state)
{
	struct pt_journal_result res;
	struct pt_root *r;
	struct pt_txn t;

	bind_txn(&t);
	fresh_host();
	r = open_work();
	assert_int_equal(pt_journal_commit(r, &t, &fake_opts, &res, NULL), 0);
	pt_journal_result_done(&res);
	set_boot("7d2a0f7e-aaaa-4bbb-8ccc-123456789abc");
	kernel_reset(); /* what the reboot did */
	assert_int_equal(pt_journal_undo(r, &fake_opts, &res, NULL), 0);
	assert_int_equal(res.sysfs_skipped, PT_SYSFS_SKIP_BOOT);
	assert_false(res.devs[0].begun || res.devs[1].begun);
	pt_journal_result_done(&res);
	assert_int_equal(k.log.n, 0);
	assert_false(state_file());
	pt_root_free(r);
	pt_txn_done(&t);
	kernel_reset();
}

/* A VM holds the group: unbinding from vfio-pci would wait on it; nothing is touched. */
static void test_devices_busy(void **state)
{
	struct pt_journal_result res;
	struct pt_root *r;
	struct pt_txn t;
	char *err = NULL, *id = NULL;
	enum pt_journal_state s;

	bind_txn(&t);
	fresh_host();
	r = open_work();
	assert_int_equal(pt_journal_commit(r, &t, &fake_opts, &res, NULL), 0);
	pt_journal_result_done(&res);
	k.busy_group = 4;
	assert_int_equal(pt_journal_undo(r, &fake_opts, &res, &err), -EBUSY);
	assert_int_equal(res.busy_group, 4);
	assert_non_null(strstr(err, "/dev/vfio/4 is in use"));
	assert_non_null(strstr(err, "nothing was changed"));
	err = pt_free(err);
	pt_journal_result_done(&res);
	assert_kernel("vfio-pci", "vfio-pci", "vfio-pci", "vfio-pci");
	assert_true(state_file());
	assert_int_equal(pt_journal_last(r, &id, &s), 0);
	assert_int_equal(s, PT_JOURNAL_COMPLETE);
	id = pt_free(id);
	/* The commit refuses the same way before anything (the groups unbind waits on). */
	assert_int_equal(pt_groups_add(&t.idle, 4), 0);
	fresh_host();
	k.busy_group = 4;
	pt_root_free(r);
	r = open_work();
	assert_int_equal(pt_journal_commit(r, &t, &fake_opts, &res, &err), -EBUSY);
	assert_non_null(strstr(err, "nothing was changed"));
	free(err);
	pt_journal_result_done(&res);
	assert_int_equal(k.runs.n + k.log.n, 0);
	assert_int_equal(pt_journal_last(r, &id, &s), -ENOENT);
	pt_root_free(r);
	pt_txn_done(&t);
	kernel_reset();
}

/* A write the kernel refuses during undo stops it there: the journal stays, run it again. */
static void test_devices_undo_stopped(void **state)
{
	struct pt_journal_result res;
	struct pt_root *r;
	struct pt_txn t;
	char *err = NULL, *id = NULL;
	enum pt_journal_state s;

	bind_txn(&t);
	fresh_host();
	r = open_work();
	assert_int_equal(pt_journal_commit(r, &t, &fake_opts, &res, NULL), 0);
	pt_journal_result_done(&res);
	k.writes = 0;
	k.fail_write = 3; /* the NIC's override, the second device given back */
	assert_int_equal(pt_journal_undo(r, &fake_opts, &res, &err), -EIO);
	assert_non_null(strstr(err, "0000:00:05.0"));
	assert_non_null(strstr(err, "stopped halfway: run it again"));
	err = pt_free(err);
	assert_true(res.devs[1].met);
	assert_non_null(res.devs[0].refused);
	pt_journal_result_done(&res);
	/* The audio function is back; the NIC and the state file are as the bind left them. */
	assert_kernel("vfio-pci", "vfio-pci", "", "");
	assert_true(state_file());
	assert_int_equal(pt_journal_last(r, &id, &s), 0);
	assert_int_equal(s, PT_JOURNAL_COMPLETE);
	id = pt_free(id);
	k.fail_write = 0;
	assert_int_equal(pt_journal_undo(r, &fake_opts, &res, &err), 0);
	assert_true(pt_journal_devs_met(&res));
	pt_journal_result_done(&res);
	assert_kernel("e1000e", "", "", "");
	assert_false(state_file());
	pt_root_free(r);
	pt_txn_done(&t);
	kernel_reset();
}

/* How many writes the kernel took for slot (the log holds only those). */
static size_t taken(const char *slot)
{
	size_t n = 0;

	for (size_t i = 0; i < k.log.n; i++)
		n += strstr(k.log.v[i], slot) != NULL;
	return n;
}

/* How the failed commits of test_devices_faults ended. */
static unsigned ended_unchanged, ended_journaled;

/*
 * After a failed commit: nothing changed and no journal; or a journal whose progress says
 * exactly which writes the kernel took, and undo gives everything back.
 */
static void assert_done_or_journaled(const char *spec, int e, const char *err)
{
	struct pt_journal_result res;
	struct pt_root *r = open_work();
	enum pt_journal_state s;
	struct pt_txn back;
	char *id = NULL;

	assert_no_temp();
	if (pt_journal_last(r, &id, &s) == -ENOENT) {
		if (e >= 0 || !strstr(err, "nothing was changed"))
			fail_msg("%s: no journal, yet: %s", spec, err ? err : "success");
		assert_int_equal(k.log.n, 0);
		assert_false(state_file());
		assert_tree("journal", "before");
		pt_root_free(r);
		ended_unchanged++;
		return;
	}
	ended_journaled++;
	assert_int_equal(s, PT_JOURNAL_COMPLETE);
	assert_int_equal(pt_journal_load(r, id, &back, NULL), 0);
	for (size_t i = 0; i < back.ndevs; i++) {
		size_t n = taken(back.devs[i].slot);

		if (!back.devs[i].begun && n)
			fail_msg("%s: %s took writes the journal does not show", spec,
				 back.devs[i].slot);
		if (back.devs[i].took != SIZE_MAX && back.devs[i].took != n)
			fail_msg("%s: %s: the journal says %zu writes, the kernel took %zu", spec,
				 back.devs[i].slot, back.devs[i].took, n);
	}
	pt_txn_done(&back);
	free(id);
	pt_root_fault_set(NULL);
	k.fail_write = 0;
	if (pt_journal_undo(r, &fake_opts, &res, NULL) != 0)
		fail_msg("%s: undo failed", spec);
	pt_journal_result_done(&res);
	assert_kernel("e1000e", "", "", "");
	assert_false(state_file());
	assert_tree("journal", "before");
	pt_root_free(r);
}

/* Every write step of the file system, every sysfs write, the command: at every occurrence. */
static void test_devices_faults(void **state)
{
	static const char *const steps[] = {"open-temp", "write",  "fsync", "rename",
					    "dir-fsync", "unlink", "sysfs", "run"};
	struct pt_txn t;
	unsigned total = 0;

	bind_txn(&t);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		for (unsigned n = 1;; n++) {
			struct pt_journal_result res;
			char spec[64], *err = NULL;
			bool fired;
			struct pt_root *r;
			int e;

			fresh_host();
			r = open_work();
			snprintf(spec, sizeof(spec), "%s:%u", steps[i], n);
			if (strcmp(steps[i], "sysfs") == 0)
				k.fail_write = n;
			else if (strcmp(steps[i], "run") == 0)
				k.run_rc = n == 1 ? 1 : 0;
			else
				assert_int_equal(pt_root_fault_set(spec), 0);
			e = pt_journal_commit(r, &t, &fake_opts, &res, &err);
			fired = pt_root_fault_fired() || (k.fail_write && k.writes >= n) ||
				k.run_rc;
			pt_root_fault_set(NULL);
			pt_journal_result_done(&res);
			pt_root_free(r);
			if (!fired) {
				assert_int_equal(e, 0);
				free(err);
				break;
			}
			total++;
			assert_done_or_journaled(spec, e, err);
			free(err);
		}
	}
	assert_true(total >= 12);
	/* Both ends are reached: a failure before any device, and one after. */
	assert_true(ended_unchanged >= 5 && ended_journaled >= 5);
	pt_txn_done(&t);
	kernel_reset();
}

static void test_diff(void **state)
{
	struct pt_strbuf out = {0};
	struct pt_txn t;

	tree_txn("journal", &t);
	assert_int_equal(pt_txn_diff(&t, &out), 0);
	assert_string_equal(
		out.buf,
		"--- a/etc/default/grub\n"
		"+++ b/etc/default/grub\n"
		"@@ -1,4 +1,4 @@\n"
		" GRUB_DEFAULT=0\n"
		"-GRUB_TIMEOUT=5\n"
		"+GRUB_TIMEOUT=1\n"
		" GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
		" GRUB_CMDLINE_LINUX=\"\"\n"
		"--- /dev/null\n"
		"+++ b/etc/default/grub.d/passthru.cfg\n"
		"@@ -0,0 +1 @@\n"
		"+GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on\"\n"
		"--- a/etc/kernel/cmdline\n"
		"+++ b/etc/kernel/cmdline\n"
		"@@ -1 +1 @@\n"
		"-root=ZFS=rpool/ROOT/pve-1 boot=zfs\n"
		"+root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on\n"
		"--- a/etc/modprobe.d/old.conf\n"
		"+++ /dev/null\n"
		"@@ -1 +0,0 @@\n"
		"-options vfio-pci ids=1234:5678\n");
	pt_strbuf_done(&out);
	pt_txn_done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_to_do, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_refuses_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices_earlier_boot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices_undo_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices_faults, setup, teardown),
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
