/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner: pt_plan_cmdline_append (parameters added to a command line without touching a
 * user byte) and pt_plan_build on the test roots (which files, which commands, refusals).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "plan/cmdline-edit.h"
#include "plan/plan.h"

/* ---- pt_plan_cmdline_append ---- */

static void check(const char *in, const char *const *tok, size_t n, const char *want,
		  size_t want_added)
{
	struct pt_strbuf out = {0};
	size_t added = 99;

	assert_int_equal(pt_plan_cmdline_append(in, strlen(in), tok, n, &out, &added), 0);
	assert_string_equal(out.buf ? out.buf : "", want);
	assert_int_equal(added, want_added);
	pt_strbuf_done(&out);
}

static void test_append(void **state)
{
	const char *const on[] = {"intel_iommu=on"};
	const char *const two[] = {"intel_iommu=on", "iommu=pt", "intel_iommu=on"};

	check("root=ZFS=rpool/ROOT/pve-1 boot=zfs\n", on, 1,
	      "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on\n", 1);
	/* Trailing blanks, a second line and no final newline are kept as they are. */
	check("root=x quiet  \t\nsecond line ignored\n", two, 3,
	      "root=x quiet intel_iommu=on iommu=pt  \t\nsecond line ignored\n", 2);
	check("root=x", on, 1, "root=x intel_iommu=on", 1);
	/* Only the first line counts: a token on the second line is not in force. */
	check("root=x\nintel_iommu=on\n", on, 1, "root=x intel_iommu=on\nintel_iommu=on\n", 1);
	/* A CRLF line: '\r' is white space to the kernel, the token goes before it. */
	check("root=x\r\n", on, 1, "root=x intel_iommu=on\r\n", 1);
	/* Before "--": what follows it goes to init. */
	check("root=x -- single\n", on, 1, "root=x intel_iommu=on -- single\n", 1);
	check("root=x   --   single\n", on, 1, "root=x   intel_iommu=on --   single\n", 1);
	check("-- single\n", on, 1, "intel_iommu=on -- single\n", 1);
	/* After "--" a token is init's, not the kernel's: not in force. */
	check("root=x -- intel_iommu=on\n", on, 1, "root=x intel_iommu=on -- intel_iommu=on\n", 1);
	check("", on, 1, "intel_iommu=on", 1);
	check("\n", on, 1, "intel_iommu=on\n", 1);
}

static void test_append_last_wins(void **state)
{
	const char *const on[] = {"intel_iommu=on"};
	const char *const pt[] = {"iommu=pt"};

	/* Already in force: nothing. */
	check("root=x intel_iommu=on\n", on, 1, "root=x intel_iommu=on\n", 0);
	/* A user's later "off" wins over an earlier "on": ours goes after it, theirs stays. */
	check("root=x intel_iommu=on intel_iommu=off\n", on, 1,
	      "root=x intel_iommu=on intel_iommu=off intel_iommu=on\n", 1);
	check("root=x intel_iommu=off\n", on, 1, "root=x intel_iommu=off intel_iommu=on\n", 1);
	/* "off" then "on" already: in force. */
	check("root=x intel_iommu=off quiet intel_iommu=on\n", on, 1,
	      "root=x intel_iommu=off quiet intel_iommu=on\n", 0);
	/* Another value of the same parameter is not ours: append. */
	check("root=x intel_iommu=on,igfx_off\n", on, 1,
	      "root=x intel_iommu=on,igfx_off intel_iommu=on\n", 1);
	check("root=x iommu=off\n", pt, 1, "root=x iommu=off iommu=pt\n", 1);
	/* A prefix of the name is another parameter. */
	check("root=x intel_iommu_foo=on\n", on, 1, "root=x intel_iommu_foo=on intel_iommu=on\n",
	      1);
}

static void test_append_quoting(void **state)
{
	const char *const on[] = {"intel_iommu=on"};
	const char *const ids[] = {"vfio-pci.ids=10de:1f08,10de:10f9"};

	/* Quoted values stay byte for byte. */
	check("root=x dyndbg=\"file a.c +p\"\n", on, 1,
	      "root=x dyndbg=\"file a.c +p\" intel_iommu=on\n", 1);
	/* The text inside another parameter's quoted value is not a parameter. */
	check("root=x dyndbg=\"x intel_iommu=on\"\n", on, 1,
	      "root=x dyndbg=\"x intel_iommu=on\" intel_iommu=on\n", 1);
	check("root=x \"dyndbg=x intel_iommu=on\"\n", on, 1,
	      "root=x \"dyndbg=x intel_iommu=on\" intel_iommu=on\n", 1);
	/* What the kernel sees counts, not how it was quoted: these are intel_iommu=on. */
	check("root=x \"intel_iommu=on\"\n", on, 1, "root=x \"intel_iommu=on\"\n", 0);
	check("root=x intel_iommu=\"on\"\n", on, 1, "root=x intel_iommu=\"on\"\n", 0);
	/* '-' and '_' are one in a parameter name (kernel parameq()). */
	check("root=x vfio_pci.ids=10de:1f08,10de:10f9\n", ids, 1,
	      "root=x vfio_pci.ids=10de:1f08,10de:10f9\n", 0);
	check("root=x vfio_pci.ids=10de:1f08\n", ids, 1,
	      "root=x vfio_pci.ids=10de:1f08 vfio-pci.ids=10de:1f08,10de:10f9\n", 1);
	/* Case matters. */
	check("root=x INTEL_IOMMU=on\n", on, 1, "root=x INTEL_IOMMU=on intel_iommu=on\n", 1);
}

static void test_refuse(void **state)
{
	const char *const on[] = {"intel_iommu=on"};
	struct pt_strbuf out = {0};
	size_t added = 7;

	assert_int_equal(pt_plan_cmdline_append("root=x a=\"open\n", 15, on, 1, &out, &added),
			 -EINVAL);
	assert_int_equal(added, 0);
	/* Closed on the second line: the first line is still open. */
	assert_int_equal(pt_plan_cmdline_append("root=x a=\"b\nc\"\n", 15, on, 1, &out, &added),
			 -EINVAL);
	assert_int_equal(pt_plan_cmdline_append("\"\n", 2, on, 1, &out, &added), -EINVAL);
	assert_int_equal(pt_plan_cmdline_append("root=x\0y\n", 9, on, 1, &out, &added), -EINVAL);
	assert_null(out.buf);
	/* A NUL after the first line is not read. */
	assert_int_equal(pt_plan_cmdline_append("root=x\n\0", 8, on, 1, &out, &added), 0);
	assert_int_equal(added, 1);
	pt_strbuf_done(&out);
}

/* ---- pt_plan_build on the test roots ---- */

struct loaded {
	struct pt_root *root;
	struct pt_host h;
	struct pt_verdicts vd;
	struct pt_plan p;
};

static void load(struct loaded *l, const char *root)
{
	struct pt_facts_opts o = {0};
	char path[4096], *err = NULL;

	snprintf(path, sizeof(path), "%s/tests/roots/%s", TOP_SRCDIR, root);
	*l = (struct loaded){0};
	assert_int_equal(pt_root_open(path, &l->root, &err), 0);
	assert_int_equal(pt_facts_gather(l->root, &o, &l->h), 0);
	assert_int_equal(pt_derive(&l->h, &l->vd), 0);
}

static void build(struct loaded *l, const char *slot, bool iommu_pt, bool force)
{
	struct pt_plan_request req = {.iommu_pt = iommu_pt, .override_guards = force};

	assert_int_equal(pt_bdf_parse_user(slot, &req.slot), 0);
	/* Tests edit the model after loading it: parse and judge it as it is now. */
	assert_int_equal(pt_facts_plan_parse(&l->h), 0);
	pt_verdicts_done(&l->vd);
	assert_int_equal(pt_derive(&l->h, &l->vd), 0);
	assert_int_equal(pt_plan_build(&l->h, &l->vd, &req, &l->p), 0);
}

static void unload(struct loaded *l)
{
	pt_plan_done(&l->p);
	pt_verdicts_done(&l->vd);
	pt_host_done(&l->h);
	pt_root_free(l->root);
}

/* The edited paths, in plan order, joined with spaces. */
static void assert_paths(const struct pt_plan *p, const char *want)
{
	struct pt_strbuf sb = {0};

	for (size_t i = 0; i < p->txn.n; i++)
		pt_strbuf_printf(&sb, "%s%s", i ? " " : "", p->txn.edits[i].path);
	assert_string_equal(pt_strbuf_str(&sb), want);
	pt_strbuf_done(&sb);
}

/* The commands, each argv joined with spaces, separated by "; ". */
static void assert_cmds(const struct pt_plan *p, const char *want)
{
	struct pt_strbuf sb = {0};

	for (size_t i = 0; i < p->txn.ncmds; i++) {
		char *a = pt_strv_join(&p->txn.cmds[i].argv, " ");

		pt_strbuf_printf(&sb, "%s%s", i ? "; " : "", a);
		free(a);
	}
	assert_string_equal(pt_strbuf_str(&sb), want);
	pt_strbuf_done(&sb);
}

static const struct pt_edit *edit_of(const struct pt_plan *p, const char *path)
{
	for (size_t i = 0; i < p->txn.n; i++)
		if (strcmp(p->txn.edits[i].path, path) == 0)
			return &p->txn.edits[i];
	return NULL;
}

static void assert_new(const struct pt_plan *p, const char *path, const char *want)
{
	const struct pt_edit *e = edit_of(p, path);

	assert_non_null(e);
	assert_non_null(e->new);
	assert_int_equal(e->new_len, strlen(want));
	assert_memory_equal(e->new, want, e->new_len);
}

/* Whether some edit's new bytes contain s. */
static bool written(const struct pt_plan *p, const char *s)
{
	for (size_t i = 0; i < p->txn.n; i++) {
		const struct pt_edit *e = &p->txn.edits[i];

		if (e->new &&memmem(e->new, e->new_len, s, strlen(s)))
			return true;
	}
	return false;
}

static size_t notes_with(const struct pt_plan *p, const char *s)
{
	size_t n = 0;

	for (size_t i = 0; i < p->notes.n; i++)
		n += strstr(p->notes.v[i], s) != NULL;
	return n;
}

static const char guide_modprobe[] =
	"# Written by passthru: devices for vfio-pci at boot.\n"
	"options vfio-pci ids=10de:1f08,10de:10f9,10de:1ada,10de:1adb disable_vga=1\n"
	"softdep nouveau pre: vfio-pci\n"
	"softdep snd_hda_intel pre: vfio-pci\n"
	"softdep xhci_pci pre: vfio-pci\n";
static const char guide_modules_load[] =
	"# Written by passthru: the VFIO modules, loaded at boot.\n"
	"vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd\n";

/* GRUB host, IOMMU on by default, onboard audio on snd_hda_intel (a shared driver). */
static void test_build_guide(void **state)
{
	struct loaded l;

	load(&l, "guide-host");
	build(&l, "01:00.0", false, false);
	assert_false(l.p.refused);
	assert_int_equal(l.p.refusals.n, 0);
	assert_int_equal(l.p.ndevs, 4);
	assert_paths(&l.p, "/etc/modprobe.d/passthru-vfio.conf /etc/modules-load.d/passthru.conf "
			   "/etc/initramfs-tools/modules");
	assert_new(&l.p, "/etc/modprobe.d/passthru-vfio.conf", guide_modprobe);
	assert_new(&l.p, "/etc/modules-load.d/passthru.conf", guide_modules_load);
	assert_new(&l.p, "/etc/initramfs-tools/modules",
		   "vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd\n");
	/* The onboard audio keeps snd_hda_intel: a softdep, never a blacklist. */
	assert_false(written(&l.p, "blacklist"));
	/* IOMMU active: no command-line change, so no GRUB drop-in and no update-grub. */
	assert_null(edit_of(&l.p, "/etc/default/grub.d/zz-passthru.cfg"));
	assert_false(written(&l.p, "intel_iommu"));
	assert_cmds(&l.p, "update-initramfs -u -k all");
	unload(&l);

	/* Any function names the slot; the plan is the same. */
	load(&l, "guide-host");
	build(&l, "01:00.3", false, false);
	assert_int_equal(l.p.ndevs, 4);
	assert_new(&l.p, "/etc/modprobe.d/passthru-vfio.conf", guide_modprobe);
	unload(&l);
}

/* The user's own vfio.conf: a conflict, never an edit of it. */
static void test_build_user_vfio_conf(void **state)
{
	struct loaded l;

	load(&l, "guide-host-configured");
	build(&l, "01:00.0", false, false);
	assert_null(edit_of(&l.p, "/etc/modprobe.d/vfio.conf"));
	assert_null(edit_of(&l.p, "/etc/modprobe.d/blacklist.conf"));
	assert_paths(&l.p, "/etc/modprobe.d/passthru-vfio.conf /etc/modules-load.d/passthru.conf "
			   "/etc/initramfs-tools/modules");
	assert_int_equal(notes_with(&l.p, "conflict: /etc/modprobe.d/vfio.conf:1 "), 1);
	/* Its softdep for nouveau already loads vfio-pci first: not repeated. */
	assert_false(written(&l.p, "softdep nouveau"));
	unload(&l);
}

/* passthru's own files already there: nothing to do. */
static void test_build_applied(void **state)
{
	struct loaded l;

	load(&l, "guide-host-applied");
	build(&l, "01:00.0", false, false);
	assert_int_equal(l.p.txn.n, 0);
	assert_int_equal(l.p.txn.ncmds, 0);
	assert_int_equal(l.p.nreasons, 0);
	assert_false(l.p.refused);
	unload(&l);
}

/* vfio-pci built in: ids= on the command line only, no module lists. */
static void test_build_builtin(void **state)
{
	struct loaded l;

	load(&l, "guide-host-builtin");
	build(&l, "01:00.0", false, false);
	assert_paths(&l.p, "/etc/default/grub.d/zz-passthru.cfg");
	assert_new(&l.p, "/etc/default/grub.d/zz-passthru.cfg",
		   "# Written by passthru: kernel parameters for VFIO passthrough.\n"
		   "# Named zz-* so grub-mkconfig sources it after the other drop-ins (glob "
		   "order;\n# the last assignment wins).\n"
		   "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
		   "vfio-pci.ids=10de:1f08,10de:10f9,10de:1ada,10de:1adb "
		   "vfio-pci.disable_vga=1\"\n");
	assert_false(written(&l.p, "options vfio"));
	assert_false(written(&l.p, "vfio_pci\n"));
	for (size_t i = 0; i < l.p.nreasons; i++)
		assert_string_equal(l.p.reasons[i].path, "/etc/default/grub.d/zz-passthru.cfg");
	assert_cmds(&l.p, "update-grub");
	unload(&l);
}

/* GRUB value written with the shell's quoting; the host booted with intel_iommu=off. */
static void test_build_grub_quoting(void **state)
{
	static const char dropin[] =
		"# Written by passthru: kernel parameters for VFIO passthrough.\n"
		"# Named zz-* so grub-mkconfig sources it after the other drop-ins (glob "
		"order;\n# the last assignment wins).\n"
		"GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on\"\n";
	struct loaded l;

	load(&l, "guide-host-grub-quoting");
	assert_string_equal(l.h.grub.cmdline_linux_default.value,
			    "quiet console=tty0 console=ttyS0,115200n8 intel_iommu=off iommu=pt "
			    "dyndbg=\"file drivers/vfio/* +p\"");
	/* iommu=pt is asked for and already in force through the quoting: only intel_iommu=on. */
	build(&l, "01:00.0", true, false);
	assert_paths(&l.p, "/etc/modprobe.d/passthru-vfio.conf /etc/modules-load.d/passthru.conf "
			   "/etc/initramfs-tools/modules /etc/default/grub.d/zz-passthru.cfg");
	assert_new(&l.p, "/etc/default/grub.d/zz-passthru.cfg", dropin);
	assert_null(edit_of(&l.p, "/etc/default/grub"));
	assert_null(edit_of(&l.p, "/etc/kernel/cmdline"));
	assert_cmds(&l.p, "update-initramfs -u -k all; update-grub");
	unload(&l);

	/* A value ending inside an unclosed double quote: an appended token would land inside
	 * it, so no drop-in, and a note. */
	load(&l, "guide-host-grub-quoting");
	free(l.h.grub.cmdline_linux_default.value);
	l.h.grub.cmdline_linux_default.value = strdup("quiet dyndbg=\"file a.c +p");
	build(&l, "01:00.0", false, false);
	assert_null(edit_of(&l.p, "/etc/default/grub.d/zz-passthru.cfg"));
	assert_int_equal(notes_with(&l.p, "unclosed double quote"), 1);
	assert_cmds(&l.p, "update-initramfs -u -k all");
	unload(&l);

	/* A value with a real newline (inside the quotes, not a backslash-newline): grub.cfg's
	 * linux line ends there, so no drop-in, and a note. */
	load(&l, "guide-host-grub-quoting");
	free(l.h.grub.cmdline_linux_default.value);
	l.h.grub.cmdline_linux_default.value = strdup("quiet\nintel_iommu=off");
	build(&l, "01:00.0", false, false);
	assert_null(edit_of(&l.p, "/etc/default/grub.d/zz-passthru.cfg"));
	assert_int_equal(notes_with(&l.p, "holds a newline"), 1);
	unload(&l);

	/* The user's value already has intel_iommu=on last: nothing for GRUB. */
	load(&l, "guide-host-grub-quoting");
	free(l.h.grub.cmdline_linux.value);
	l.h.grub.cmdline_linux.value = strdup("intel_iommu=off");
	free(l.h.grub.cmdline_linux_default.value);
	l.h.grub.cmdline_linux_default.value = strdup("quiet 'x' \"intel_iommu=on\"");
	build(&l, "01:00.0", false, false);
	assert_null(edit_of(&l.p, "/etc/default/grub.d/zz-passthru.cfg"));
	assert_cmds(&l.p, "update-initramfs -u -k all");
	unload(&l);
}

/* Sets the bytes facts read for one of the files the planner edits. */
static void set_raw(struct pt_host *h, const char *path, const char *data)
{
	for (size_t i = 0; i < h->nraw_files; i++)
		if (strcmp(h->raw_files[i].path, path) == 0) {
			free(h->raw_files[i].data);
			h->raw_files[i].data = data ? strdup(data) : NULL;
			h->raw_files[i].len = data ? strlen(data) : 0;
			h->raw_files[i].err = data ? 0 : -ENOENT;
			return;
		}
	fail_msg("%s is not a plan file", path);
}

/* Our drop-in already there: what it carries stays when another parameter is added. */
static void test_build_grub_dropin_kept(void **state)
{
	static const char head[] =
		"# Written by passthru: kernel parameters for VFIO passthrough.\n"
		"# Named zz-* so grub-mkconfig sources it after the other drop-ins (glob "
		"order;\n# the last assignment wins).\n";
	char old[512], want[512];
	struct loaded l;

	/* An earlier apply added intel_iommu=on; now --iommu-pt, which the user's value lacks. */
	snprintf(old, sizeof(old),
		 "%sGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on\"\n",
		 head);
	snprintf(want, sizeof(want),
		 "%sGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on "
		 "iommu=pt\"\n",
		 head);
	load(&l, "guide-host-grub-quoting");
	set_raw(&l.h, "/etc/default/grub.d/zz-passthru.cfg", old);
	free(l.h.grub.cmdline_linux_default.value);
	l.h.grub.cmdline_linux_default.value = strdup("quiet intel_iommu=off intel_iommu=on");
	build(&l, "01:00.0", true, false);
	assert_new(&l.p, "/etc/default/grub.d/zz-passthru.cfg", want);
	/* Only the parameter added now gets a reason (and the line). */
	for (size_t i = 0; i < l.p.nreasons; i++)
		assert_string_not_equal(l.p.reasons[i].line, "intel_iommu=on");
	unload(&l);

	/*
	 * vfio-pci built in, an earlier slot's ids= list: the new list keeps its IDs (planning a
	 * second slot must not give the first one back), replaces the token in place, the rest
	 * stays.
	 */
	snprintf(old, sizeof(old),
		 "%sGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT iommu=pt "
		 "vfio_pci.ids=1234:5678\"\n",
		 head);
	snprintf(want, sizeof(want),
		 "%sGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT iommu=pt "
		 "vfio-pci.ids=1234:5678,10de:1f08,10de:10f9,10de:1ada,10de:1adb "
		 "vfio-pci.disable_vga=1\"\n",
		 head);
	load(&l, "guide-host-builtin");
	set_raw(&l.h, "/etc/default/grub.d/zz-passthru.cfg", old);
	free(l.h.grub.cmdline_linux_default.value);
	l.h.grub.cmdline_linux_default.value = strdup("quiet iommu=pt vfio_pci.ids=1234:5678");
	build(&l, "01:00.0", false, false);
	assert_new(&l.p, "/etc/default/grub.d/zz-passthru.cfg", want);
	unload(&l);
}

/* Proxmox with systemd-boot: the first line of /etc/kernel/cmdline (zz-proxmox-boot). */
static void test_build_sdboot(void **state)
{
	struct loaded l;

	load(&l, "pve-sdboot");
	build(&l, "01:00.0", false, false);
	assert_paths(&l.p, "/etc/modprobe.d/passthru-vfio.conf /etc/modules-load.d/passthru.conf "
			   "/etc/initramfs-tools/modules /etc/kernel/cmdline");
	assert_new(&l.p, "/etc/kernel/cmdline",
		   "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet intel_iommu=on\n"
		   "# before the GPU swap: root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet nomodeset\n");
	assert_new(&l.p, "/etc/modprobe.d/passthru-vfio.conf",
		   "# Written by passthru: devices for vfio-pci at boot.\n"
		   "options vfio-pci ids=1002:73ff,1002:ab28\n");
	/* The user's initramfs-tools/modules keeps its bytes; ours follow. */
	{
		const struct pt_edit *e = edit_of(&l.p, "/etc/initramfs-tools/modules");

		assert_non_null(e);
		assert_non_null(e->old);
		assert_true(e->new_len > e->old_len);
		assert_memory_equal(e->new, e->old, e->old_len);
		assert_string_equal(e->new + e->old_len, "vfio\nvfio_iommu_type1\nvfio_pci\n");
	}
	assert_null(edit_of(&l.p, "/etc/default/grub"));
	assert_null(edit_of(&l.p, "/etc/default/grub.d/zz-passthru.cfg"));
	assert_cmds(&l.p, "update-initramfs -u -k all; proxmox-boot-tool refresh");
	/* No module index in this root: which drivers would claim the GPU is unknown. */
	assert_int_equal(notes_with(&l.p, "no module index"), 1);
	unload(&l);

	/* --iommu-pt: both, in order, on the first line. */
	load(&l, "pve-sdboot");
	build(&l, "01:00.0", true, false);
	assert_new(&l.p, "/etc/kernel/cmdline",
		   "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet intel_iommu=on iommu=pt\n"
		   "# before the GPU swap: root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet nomodeset\n");
	unload(&l);
}

/* An AMD host whose IOMMU is not active: never amd_iommu=on (not a valid value). */
static void test_build_never_amd_iommu_on(void **state)
{
	struct loaded l;

	load(&l, "pve-sdboot");
	l.h.acpi_dmar = PT_NO;
	l.h.acpi_ivrs = PT_YES;
	build(&l, "01:00.0", false, false);
	assert_false(written(&l.p, "amd_iommu"));
	assert_false(written(&l.p, "intel_iommu"));
	assert_null(edit_of(&l.p, "/etc/kernel/cmdline"));
	assert_int_equal(notes_with(&l.p, "amd_iommu=on is not a valid value"), 1);
	unload(&l);

	/* Turned off by amd_iommu=off: a note to remove it; nothing added. */
	load(&l, "pve-sdboot");
	l.h.acpi_dmar = PT_NO;
	l.h.acpi_ivrs = PT_YES;
	pt_cmdline_done(&l.h.cmdline);
	assert_int_equal(pt_cmdline_parse("root=x amd_iommu=off", 20, &l.h.cmdline), 0);
	build(&l, "01:00.0", false, false);
	assert_false(written(&l.p, "amd_iommu"));
	assert_null(edit_of(&l.p, "/etc/kernel/cmdline"));
	assert_int_equal(notes_with(&l.p, "the IOMMU is off by the kernel parameter amd_iommu=off"),
			 1);
	unload(&l);
}

/* /etc/kernel/cmdline with an unclosed quote: no edit, a note. */
static void test_build_sdboot_unclosed(void **state)
{
	static const char bad[] = "root=ZFS=rpool/ROOT/pve-1 boot=zfs dyndbg=\"file a.c +p\n";
	struct loaded l;

	load(&l, "pve-sdboot");
	set_raw(&l.h, "/etc/kernel/cmdline", bad);
	build(&l, "01:00.0", false, false);
	assert_null(edit_of(&l.p, "/etc/kernel/cmdline"));
	assert_int_equal(notes_with(&l.p, "unclosed quote"), 1);
	assert_cmds(&l.p, "update-initramfs -u -k all");
	unload(&l);
}

/* /etc/kernel/cmdline without root=: edited, and a note that the refresh will stop. */
static void test_build_sdboot_no_root(void **state)
{
	struct loaded l;

	load(&l, "pve-sdboot");
	set_raw(&l.h, "/etc/kernel/cmdline", "boot=zfs quiet\nroot=ZFS=rpool/ROOT/pve-1\n");
	build(&l, "01:00.0", false, false);
	assert_new(&l.p, "/etc/kernel/cmdline",
		   "boot=zfs quiet intel_iommu=on\nroot=ZFS=rpool/ROOT/pve-1\n");
	assert_int_equal(notes_with(&l.p, "has no root= on its first line"), 1);
	unload(&l);

	load(&l, "pve-sdboot");
	build(&l, "01:00.0", false, false);
	assert_int_equal(notes_with(&l.p, "root="), 0);
	unload(&l);
}

/* The guards: the boot display, the boot disk and the default-route NIC in the group. */
static void test_build_refused(void **state)
{
	struct loaded l;

	load(&l, "pve-host");
	build(&l, "04:00.0", false, false);
	assert_true(l.p.refused);
	assert_int_equal(l.p.refusals.n, 3);
	assert_non_null(strstr(l.p.refusals.v[0], "(guard.console-gpu)"));
	assert_non_null(strstr(l.p.refusals.v[1], "(guard.boot-disk)"));
	assert_non_null(strstr(l.p.refusals.v[2], "(guard.default-route-nic)"));
	assert_int_equal(l.p.blockers.n, 0);
	/* The plan is still computed (shown), the whole group in it. */
	assert_int_equal(l.p.ndevs, 4);
	unload(&l);

	load(&l, "pve-host");
	build(&l, "04:00.0", false, true);
	assert_false(l.p.refused);
	assert_int_equal(l.p.refusals.n, 3);
	unload(&l);
}

/* A port or the host bridge: refused even with --force, and nothing planned. */
static void test_build_blocked(void **state)
{
	const char *slots[] = {"00:01.0", "00:00.0"};

	for (size_t k = 0; k < 2; k++) {
		struct loaded l;

		load(&l, "guide-host");
		build(&l, slots[k], false, true);
		assert_true(l.p.refused);
		assert_int_equal(l.p.blockers.n, 1);
		assert_int_equal(l.p.txn.n, 0);
		assert_int_equal(l.p.txn.ncmds, 0);
		unload(&l);
	}
}

static void test_build_no_such_slot(void **state)
{
	struct pt_plan_request req = {0};
	struct loaded l;

	load(&l, "guide-host");
	assert_int_equal(pt_bdf_parse_user("0000:09:00.0", &req.slot), 0);
	assert_int_equal(pt_plan_build(&l.h, &l.vd, &req, &l.p), -ENODEV);
	unload(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_append_last_wins),
		cmocka_unit_test(test_append_quoting),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_build_guide),
		cmocka_unit_test(test_build_user_vfio_conf),
		cmocka_unit_test(test_build_applied),
		cmocka_unit_test(test_build_builtin),
		cmocka_unit_test(test_build_grub_quoting),
		cmocka_unit_test(test_build_grub_dropin_kept),
		cmocka_unit_test(test_build_sdboot),
		cmocka_unit_test(test_build_never_amd_iommu_on),
		cmocka_unit_test(test_build_sdboot_unclosed),
		cmocka_unit_test(test_build_sdboot_no_root),
		cmocka_unit_test(test_build_refused),
		cmocka_unit_test(test_build_blocked),
		cmocka_unit_test(test_build_no_such_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
