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

/* The copy equals <case>/<side>, leaving out the tool's own state (var/lib/passthru). */
static void assert_tree(const char *name, const char *side)
{
	/* var/ holds only the tool's state when the case has no var/ of its own. */
	if (sh_rc("diff -r -x passthru '%s/%s/%s' '%s' | grep -vx 'Only in %s: var' >&2; "
		  "test $? = 1",
		  cases, name, side, work, work) != 0)
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
	assert_int_equal(pt_journal_commit(r, &t, &id, &err), 0);
	assert_string_equal(id, "000001");
	assert_tree("journal", "after");
	assert_no_temp();
	sh("test \"$(stat -c %%a '%s/etc/default/grub')\" = 640", work);
	/* The journal as documented. */
	m = slurp(strcat(strcpy((char[600]){0}, work), "/var/lib/passthru/journal/000001/manifest"),
		  &len);
	assert_string_equal(m, "passthru-journal 2\n"
			       "time 1700000000\n"
			       "mkdir /etc/default/grub.d\n"
			       "edit 0 file write 0644 /etc/default/grub\n"
			       "edit 1 absent write 0644 /etc/default/grub.d/passthru.cfg\n"
			       "edit 2 file write 0644 /etc/kernel/cmdline\n"
			       "edit 3 file delete 0644 /etc/modprobe.d/old.conf\n"
			       "run update-grub\n");
	free(m);
	/* Loaded back: the same edits and the recorded command, for undo to run. */
	{
		struct pt_txn back = {0};

		assert_int_equal(pt_journal_load(r, "000001", &back, &err), 0);
		assert_int_equal(back.n, 4);
		assert_int_equal(back.ncmds, 1);
		assert_false(back.cmds_unknown);
		assert_string_equal(back.cmds[0].argv.v[0], "update-grub");
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
	assert_int_equal(pt_journal_commit(r, &t, &id, &err), -ESTALE);
	assert_non_null(strstr(err, "changed since the plan"));
	err = pt_free(err);
	/* Undo: before/ byte for byte, the created directory gone. */
	assert_int_equal(pt_journal_undo(r, &id, &s, &err), 0);
	assert_string_equal(id, "000001");
	assert_int_equal(s, PT_JOURNAL_COMPLETE);
	id = pt_free(id);
	assert_tree("journal", "before");
	sh("test \"$(stat -c %%a '%s/etc/default/grub')\" = 640", work);
	sh("grep -qx undone '%s/var/lib/passthru/journal/000001/state'", work);
	assert_int_equal(pt_journal_undo(r, &id, &s, &err), -ENOENT);
	assert_non_null(strstr(err, "nothing to undo"));
	err = pt_free(err);
	/* A second commit gets the next id. */
	assert_int_equal(pt_journal_commit(r, &t, &id, &err), 0);
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
	assert_int_equal(pt_journal_commit(r, &t, &id, NULL), 0);
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
	assert_int_equal(pt_journal_commit(r, &t, &id, NULL), 0);
	id = pt_free(id);
	sh("echo '# mine' >> '%s/etc/kernel/cmdline'", work);
	assert_int_equal(pt_journal_undo(r, &id, &s, &err), -ESTALE);
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
	assert_int_equal(pt_journal_commit(r, &t, &id, NULL), 0);
	id = pt_free(id);
	sh("echo prepared > '%s/var/lib/passthru/journal/000001/state'", work);
	sh("cp -p '%s/journal/before/etc/kernel/cmdline' '%s/etc/kernel/cmdline'", cases, work);
	sh("cp -p '%s/journal/before/etc/modprobe.d/old.conf' '%s/etc/modprobe.d/'", cases, work);
	assert_int_equal(pt_journal_last(r, &id, &s), 0);
	assert_int_equal(s, PT_JOURNAL_PREPARED);
	id = pt_free(id);
	assert_int_equal(pt_journal_undo(r, &id, &s, &err), 0);
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
			e = pt_journal_commit(r, &t, &id, &err);
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
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
