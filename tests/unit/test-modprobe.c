/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modprobe.d parser and merged view. The expectations marked "kmod 30" were checked against
 * Debian 12's modprobe (kmod 30+20221128) with `modprobe -c -C DIR` and small libkmod programs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modprobe.h"
#include "util/macro.h"

#define PARSE(s, label, conf) pt_modprobe_parse((s), sizeof(s) - 1, (label), (conf))

static const struct pt_modprobe_warning *
find_warning(const struct pt_modprobe_conf *c, enum pt_modprobe_warn_kind kind, unsigned line)
{
	for (size_t i = 0; i < c->n_warnings; i++)
		if (c->warnings[i].kind == kind && c->warnings[i].line == line)
			return &c->warnings[i];
	return NULL;
}

static char *kmod_msg(const struct pt_modprobe_conf *c, const struct pt_modprobe_warning *w)
{
	struct pt_strbuf sb = {0};

	assert_int_equal(pt_modprobe_kmod_message(c, w, &sb), 0);
	return pt_strbuf_steal(&sb);
}

/* /etc/modprobe.d/vfio.conf as the "GPU Passthrough on Proxmox" guide writes it. */
static const char guide_vfio[] =
	"options vfio-pci ids=10de:1f08,10de:10f9,10de:1ada,10de:1adb disable_vga=1\n"
	"softdep nvidia pre: vfio-pci\n"
	"softdep nouveau pre: vfio-pci\n";

static void test_guide_vfio_conf(void **state)
{
	struct pt_modprobe_conf c;
	const struct pt_modprobe_cmd *o;

	assert_int_equal(PARSE(guide_vfio, "/etc/modprobe.d/vfio.conf", &c), 0);
	assert_string_equal(c.file, "/etc/modprobe.d/vfio.conf");
	assert_int_equal(c.n_warnings, 0);
	assert_int_equal(c.n_cmds, 3);

	o = &c.cmds[0];
	assert_int_equal(o->kind, PT_MODPROBE_OPTIONS);
	assert_int_equal(o->line, 1);
	assert_int_equal(o->last_line, 1);
	assert_string_equal(o->module, "vfio_pci");
	assert_string_equal(o->module_raw, "vfio-pci");
	assert_string_equal(o->text, "ids=10de:1f08,10de:10f9,10de:1ada,10de:1adb disable_vga=1");
	assert_int_equal(o->n_params, 2);
	assert_string_equal(o->params[0].name, "ids");
	assert_string_equal(o->params[0].value, "10de:1f08,10de:10f9,10de:1ada,10de:1adb");
	assert_string_equal(o->params[1].raw, "disable_vga=1");
	assert_string_equal(o->params[1].value, "1");

	assert_int_equal(c.cmds[1].kind, PT_MODPROBE_SOFTDEP);
	assert_int_equal(c.cmds[1].line, 2);
	assert_string_equal(c.cmds[1].module, "nvidia");
	assert_int_equal(c.cmds[1].pre.n, 1);
	/* Dependencies keep their spelling; kmod normalises them only when it looks them up. */
	assert_string_equal(c.cmds[1].pre.v[0], "vfio-pci");
	assert_int_equal(c.cmds[1].post.n, 0);
	assert_int_equal(c.cmds[2].line, 3);
	pt_modprobe_conf_done(&c);
	pt_modprobe_conf_done(&c); /* idempotent */
	pt_modprobe_conf_done(NULL);
}

/*
 * What a Proxmox VE 8 host ships below /lib/modprobe.d, abridged: the kernel package's
 * blacklist file, Debian kmod's aliases.conf and systemd's systemd.conf (same commands, own
 * words).
 */
static const char pve_kernel_blacklist[] =
	"# This file contains a list of modules which are not supported by Proxmox VE\n"
	"\n"
	"# nvidiafb see bugreport https://bugzilla.proxmox.com/show_bug.cgi?id=701\n"
	"blacklist nvidiafb\n";
static const char debian_aliases[] = "# standard aliases and dependencies (abridged)\n"
				     "options snd-pcsp index=-2\n"
				     "options cx88_alsa index=-2\n"
				     "\n"
				     "softdep uhci-hcd pre: ehci-hcd\n"
				     "softdep ohci-hcd pre: ehci-hcd\n";
static const char systemd_conf[] = "#  keep bond0, dummy0, ifb0 from appearing\n"
				   "options bonding max_bonds=0\n"
				   "options dummy numdummies=0\n"
				   "options ifb numifbs=0\n";

static void test_proxmox_shipped(void **state)
{
	struct pt_modprobe_set set = {0};
	struct pt_modprobe_ref ref;
	char *opts;

	/* Processing order is by bare file name (see test_precedence). */
	assert_int_equal(pt_modprobe_set_add(&set, debian_aliases, sizeof(debian_aliases) - 1,
					     "/lib/modprobe.d/aliases.conf"),
			 0);
	assert_int_equal(
		pt_modprobe_set_add(&set, pve_kernel_blacklist, sizeof(pve_kernel_blacklist) - 1,
				    "/lib/modprobe.d/blacklist_proxmox-kernel-6.8.12-4-pve.conf"),
		0);
	assert_int_equal(pt_modprobe_set_add(&set, systemd_conf, sizeof(systemd_conf) - 1,
					     "/lib/modprobe.d/systemd.conf"),
			 0);
	for (size_t i = 0; i < set.n_confs; i++)
		assert_int_equal(set.confs[i].n_warnings, 0);

	assert_true(pt_modprobe_set_blacklisted(&set, "nvidiafb", &ref));
	assert_string_equal(ref.conf->file,
			    "/lib/modprobe.d/blacklist_proxmox-kernel-6.8.12-4-pve.conf");
	assert_int_equal(ref.cmd->line, 4);
	assert_false(pt_modprobe_set_blacklisted(&set, "nouveau", NULL));

	assert_int_equal(pt_modprobe_set_options_string(&set, "snd_pcsp", &opts), 0);
	assert_string_equal(opts, "index=-2");
	free(opts);
	assert_int_equal(pt_modprobe_set_options_string(&set, "vfio-pci", &opts), 0);
	assert_string_equal(opts, "");
	free(opts);
	assert_true(pt_modprobe_set_has_softdep_pre(&set, "uhci_hcd", "ehci_hcd"));
	assert_false(pt_modprobe_set_has_softdep_pre(&set, "ehci_hcd", "uhci_hcd"));
	pt_modprobe_set_done(&set);
	pt_modprobe_set_done(NULL);
}

/*
 * A vfio.conf as users break it (the kind of breakage reported in
 * Danilop95/Proxmox-Enhanced-Configuration-Utility#21 and #34; kmod libkmod/libkmod-config.c).
 */
static const char broken_vfio[] = "options vfio-pci ids=10de:1f08,10de:10f9,\n"
				  "10de:1ada,10de:1adb disable_vga=1\n"
				  "option vfio-pci disable_idle_d3=1\n"
				  "options\n"
				  "options vfio-pci\n"
				  "blacklist\n"
				  "softdep nvidia pre:vfio-pci\n"
				  "  # an indented comment is a command named '#'\n"
				  "blacklist nouveau # the GPU driver\n"
				  "options vfio-pci disable_vga=1 # keep VGA\n"
				  "alias onlyone\n"
				  "include /etc/modprobe.d/other.conf\n"
				  "weakdep nvidia vfio-pci\n";

static void test_malformed(void **state)
{
	struct pt_modprobe_conf c;
	const struct pt_modprobe_warning *w;
	char *msg;

	assert_int_equal(PARSE(broken_vfio, "/etc/modprobe.d/vfio.conf", &c), 0);

	/* The stray newline cuts the ID list: the first line still applies, truncated. */
	assert_int_equal(c.cmds[0].kind, PT_MODPROBE_OPTIONS);
	assert_string_equal(c.cmds[0].params[0].value, "10de:1f08,10de:10f9,");
	w = find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 2);
	assert_non_null(w);
	assert_true(w->kmod_logs);
	assert_string_equal(w->token, "10de:1ada,10de:1adb");
	msg = kmod_msg(&c, w);
	assert_string_equal(msg, "/etc/modprobe.d/vfio.conf line 2: ignoring bad line starting "
				 "with '10de:1ada,10de:1adb'");
	free(msg);

	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 3)->token, "option");
	/* Missing module name, or module without options: kmod names the command. */
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 4)->token, "options");
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 5)->token, "options");
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 6)->token, "blacklist");

	/* "pre:vfio-pci" is one word before any section: kmod keeps an empty softdep. */
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_SOFTDEP_STRAY, 7));
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_SOFTDEP_EMPTY, 7));
	assert_false(find_warning(&c, PT_MODPROBE_WARN_SOFTDEP_STRAY, 7)->kmod_logs);

	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 8)->token, "#");
	/* Trailing comments: ignored after blacklist, but passed to the module after options. */
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_INLINE_COMMENT, 9));
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_INLINE_COMMENT, 10));
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 11)->token, "alias");

	w = find_warning(&c, PT_MODPROBE_WARN_DEPRECATED, 12);
	assert_non_null(w);
	msg = kmod_msg(&c, w);
	assert_string_equal(
		msg,
		"/etc/modprobe.d/vfio.conf: command include is deprecated and not parsed anymore");
	free(msg);

	/* weakdep: kmod 30 logs a bad line; kmod >= 33 acts on it. */
	w = find_warning(&c, PT_MODPROBE_WARN_NEWER_KMOD, 13);
	assert_non_null(w);
	assert_true(w->kmod_logs);
	msg = kmod_msg(&c, w);
	assert_string_equal(msg, "/etc/modprobe.d/vfio.conf line 13: ignoring bad line starting "
				 "with 'weakdep'");
	free(msg);
	w = find_warning(&c, PT_MODPROBE_WARN_INLINE_COMMENT, 9);
	{
		struct pt_strbuf sb = {0};

		assert_int_equal(pt_modprobe_kmod_message(&c, w, &sb), -EINVAL);
		pt_strbuf_done(&sb);
	}

	/* What survived: options (line 1), softdep (7), blacklist (9), options (10), weakdep. */
	assert_int_equal(c.n_cmds, 5);
	assert_int_equal(c.cmds[2].kind, PT_MODPROBE_BLACKLIST);
	assert_string_equal(c.cmds[2].module, "nouveau");
	assert_int_equal(c.cmds[3].n_params, 4);
	assert_string_equal(c.cmds[3].params[1].name, "#");
	assert_int_equal(c.cmds[4].kind, PT_MODPROBE_WEAKDEP);
	assert_string_equal(c.cmds[4].weak.v[0], "vfio-pci");

	for (size_t i = 1; i < c.n_warnings; i++)
		assert_true(c.warnings[i - 1].line <= c.warnings[i].line);
	pt_modprobe_conf_done(&c);
}

static void test_continuation(void **state)
{
	static const char s[] = "# vfio for the RTX 2060\n"
				"options vfio-pci \\\n"
				"  ids=10de:1f08,\\\n"
				"10de:10f9 \\\n"
				"  disable_vga=1\n"
				"blacklist nouveau\n"
				"opt\\\n"
				"ions x y=1\n"
				"bogus \\\n"
				"  words\n"
				"options a\\b c\\\\d e\\\"f\n";
	struct pt_modprobe_conf c;
	const struct pt_modprobe_warning *w;

	assert_int_equal(PARSE(s, "vfio.conf", &c), 0);
	assert_int_equal(c.n_cmds, 4);
	assert_int_equal(c.cmds[0].line, 2);
	assert_int_equal(c.cmds[0].last_line, 5);
	/* Joined without a separator; the next line's leading blanks stay (kmod 30). */
	assert_string_equal(c.cmds[0].text, "  ids=10de:1f08,10de:10f9   disable_vga=1");
	assert_int_equal(c.cmds[0].n_params, 2);
	assert_string_equal(c.cmds[0].params[0].value, "10de:1f08,10de:10f9");
	assert_int_equal(c.cmds[1].line, 6);
	/* A continuation can split a word. */
	assert_int_equal(c.cmds[2].kind, PT_MODPROBE_OPTIONS);
	assert_int_equal(c.cmds[2].line, 7);
	assert_int_equal(c.cmds[2].last_line, 8);
	/* kmod reports a continued line by its last physical line. */
	w = find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 9);
	assert_non_null(w);
	assert_int_equal(w->last_line, 10);
	/* A backslash before anything else escapes it (kmod 30: `options ab c\d e"f`). */
	assert_string_equal(c.cmds[3].module, "ab");
	assert_string_equal(c.cmds[3].text, "c\\d e\"f");
	assert_int_equal(c.cmds[3].line, 11);
	pt_modprobe_conf_done(&c);
}

static void test_hostile_bytes(void **state)
{
	/* A CRLF file: kmod keeps the CR in the word, so the blacklist names "nouveau\r". */
	static const char crlf[] = "blacklist nouveau\r\n\r\noptions vfio-pci ids=10de:1f08\r\n";
	static const char nul[] = "options vfio-pci ids=10de:1f08\0 disable_vga=1\n"
				  "\0blacklist nouveau\n"
				  "blacklist nvidia";
	static const char eof[] = "blacklist nouveau\\";
	static const char nbsp[] = "options vfio-pci ids=10de:1f08\xc2\xa0"
				   "disable_vga=1\n";
	struct pt_modprobe_conf c;

	assert_int_equal(PARSE(crlf, "x.conf", &c), 0);
	assert_string_equal(c.cmds[0].module, "nouveau\r");
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_CR, 1));
	/* The blank CRLF line is a bad line starting with "\r" (kmod 30). */
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 2)->token, "\r");
	/* In options it is harmless: the kernel's parser counts '\r' as white space. */
	assert_string_equal(c.cmds[1].text, "ids=10de:1f08\r");
	assert_string_equal(c.cmds[1].params[0].value, "10de:1f08");
	pt_modprobe_conf_done(&c);

	assert_int_equal(PARSE(nul, "x.conf", &c), 0);
	assert_int_equal(c.n_cmds, 2);
	assert_string_equal(c.cmds[0].text, "ids=10de:1f08");
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_NUL, 1));
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_NUL, 2));
	/* The last line has no newline and still counts. */
	assert_string_equal(c.cmds[1].module, "nvidia");
	assert_int_equal(c.cmds[1].line, 3);
	pt_modprobe_conf_done(&c);

	assert_int_equal(PARSE(eof, "x.conf", &c), 0);
	assert_string_equal(c.cmds[0].module, "nouveau\xff");
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_EOF_BACKSLASH, 1));
	pt_modprobe_conf_done(&c);

	/* The kernel's isspace() counts 0xa0, so the ids value loses only the 0xa0 byte. */
	assert_int_equal(PARSE(nbsp, "x.conf", &c), 0);
	assert_non_null(find_warning(&c, PT_MODPROBE_WARN_NBSP, 1));
	assert_int_equal(c.cmds[0].n_params, 2);
	assert_string_equal(c.cmds[0].params[0].value, "10de:1f08\xc2");
	pt_modprobe_conf_done(&c);

	assert_int_equal(pt_modprobe_parse(NULL, 0, "empty.conf", &c), 0);
	assert_int_equal(c.n_cmds + c.n_warnings, 0);
	pt_modprobe_conf_done(&c);
	assert_int_equal(pt_modprobe_parse(NULL, 1, "x", &c), -EINVAL);
	/* Not NUL-terminated: only len bytes are read. */
	assert_int_equal(pt_modprobe_parse("blacklist nouveauXXXX", 17, "x", &c), 0);
	assert_string_equal(c.cmds[0].module, "nouveau");
	pt_modprobe_conf_done(&c);
}

static void test_params_quoting(void **state)
{
	static const char s[] =
		"options foo bar=\"a b\" \"baz=c d\" flag\tdash-ed=1 \"q\" -- late=2\n"
		"options\tfoo2\t\tx=1\t\n"
		"alias my-alias[0-9]-x real-mod\n"
		"softdep nvidia pre: a post: b pre: c\n";
	struct pt_modprobe_conf c;
	const struct pt_modprobe_cmd *o;

	assert_int_equal(PARSE(s, "x.conf", &c), 0);
	o = &c.cmds[0];
	assert_int_equal(o->n_params, 7);
	assert_string_equal(o->params[0].name, "bar");
	assert_string_equal(o->params[0].value, "a b");
	assert_string_equal(o->params[0].raw, "bar=\"a b\"");
	assert_string_equal(o->params[1].name, "baz");
	assert_string_equal(o->params[1].value, "c d");
	assert_string_equal(o->params[2].name, "flag");
	assert_null(o->params[2].value);
	assert_true(pt_modprobe_param_eq(o->params[3].name, "dash_ed"));
	assert_string_equal(o->params[4].name, "q");
	assert_false(o->params[5].after_dashes);
	assert_true(o->params[6].after_dashes);

	/* Tabs become spaces; the extra separator after the module name stays (kmod 30). */
	assert_string_equal(c.cmds[1].text, " x=1 ");
	assert_string_equal(c.cmds[1].module, "foo2");

	/* underscores() keeps dashes inside brackets. */
	assert_string_equal(c.cmds[2].alias, "my_alias[0-9]_x");
	assert_string_equal(c.cmds[2].module, "real_mod");

	/* Repeated sections append (kmod 30's display of this line is garbled, its lists are not).
	 */
	assert_int_equal(c.cmds[3].pre.n, 2);
	assert_string_equal(c.cmds[3].pre.v[1], "c");
	assert_string_equal(c.cmds[3].post.v[0], "b");
	pt_modprobe_conf_done(&c);
}

static void test_precedence(void **state)
{
	static const struct pt_modprobe_dirent etc[] = {
		{"vfio.conf"}, {"vfio.conf.bak"},  {".vfio.conf.swp"},	  {"README"},
		{"vfio"},      {"blacklist.conf"}, {"nested.conf", true}, {"pve-blacklist.conf"},
	};
	static const struct pt_modprobe_dirent lib[] = {
		{"vfio.conf"}, {"aliases.conf"}, {"systemd.conf"}, {"old.alias"}, {"x.CONF"},
	};
	static const struct pt_modprobe_dirent usr_lib[] = {
		{"aliases.conf"}, {"systemd.conf"}, {"old.alias"}, {"x.CONF"}, {"nested.conf"},
	};
	/* Merged /usr: /lib/modprobe.d is /usr/lib/modprobe.d; the caller passes "dev:ino". */
	const struct pt_modprobe_dir dirs[] = {
		{"/etc/modprobe.d", "8:1:100", etc, ELEMENTSOF(etc)},
		{"/run/modprobe.d", "0:25:7", NULL, 0},
		{"/usr/local/lib/modprobe.d", NULL, NULL, 0},
		{"/usr/lib/modprobe.d", "8:1:200", usr_lib, ELEMENTSOF(usr_lib)},
		{"/lib/modprobe.d", "8:1:200", lib, ELEMENTSOF(lib)},
	};
	static const char *const want[][2] = {
		{"/usr/lib/modprobe.d", "aliases.conf"},   {"/etc/modprobe.d", "blacklist.conf"},
		{"/usr/lib/modprobe.d", "nested.conf"},	   {"/usr/lib/modprobe.d", "old.alias"},
		{"/etc/modprobe.d", "pve-blacklist.conf"}, {"/usr/lib/modprobe.d", "systemd.conf"},
	};
	struct pt_modprobe_files f;
	size_t shadowed = 0;

	assert_int_equal(pt_modprobe_files_resolve(dirs, ELEMENTSOF(dirs), &f), 0);
	/* vfio.conf: /etc wins over /lib... but /lib was dropped as a duplicate of /usr/lib. */
	assert_int_equal(f.n_files, ELEMENTSOF(want) + 1);
	for (size_t i = 0, k = 0; i < f.n_files; i++) {
		if (streq(f.files[i].name, "vfio.conf")) {
			assert_string_equal(dirs[f.files[i].dir].path, "/etc/modprobe.d");
			continue;
		}
		assert_string_equal(dirs[f.files[i].dir].path, want[k][0]);
		assert_string_equal(f.files[i].name, want[k][1]);
		k++;
	}
	/* Lexicographic by bare name across directories. */
	for (size_t i = 1; i < f.n_files; i++)
		assert_true(strcmp(f.files[i - 1].name, f.files[i].name) < 0);

	for (size_t i = 0; i < f.n_skipped; i++) {
		const struct pt_modprobe_skipped *s = &f.skipped[i];

		if (streq(s->name, "vfio.conf.bak") || streq(s->name, "README") ||
		    streq(s->name, "vfio") || streq(s->name, "x.CONF"))
			assert_int_equal(s->why, PT_MODPROBE_SKIP_SUFFIX);
		else if (streq(s->name, ".vfio.conf.swp"))
			assert_int_equal(s->why, PT_MODPROBE_SKIP_DOTFILE);
		else if (streq(s->name, "nested.conf"))
			/* A directory hides nothing: /usr/lib's nested.conf is read (kmod 30). */
			assert_int_equal(s->why, PT_MODPROBE_SKIP_DIRECTORY);
		else
			fail_msg("unexpected skipped %s", s->name);
		shadowed += s->why == PT_MODPROBE_SKIP_SHADOWED;
	}
	assert_int_equal(shadowed, 0);
	pt_modprobe_files_done(&f);

	/* Without identities the duplicate directory shows up as shadowed by its twin; the
	 * effective list is the same. */
	{
		struct pt_modprobe_dir d2[ELEMENTSOF(dirs)];
		size_t n_shadowed = 0;

		memcpy(d2, dirs, sizeof(d2));
		for (size_t i = 0; i < ELEMENTSOF(d2); i++)
			d2[i].identity = NULL;
		assert_int_equal(pt_modprobe_files_resolve(d2, ELEMENTSOF(d2), &f), 0);
		assert_int_equal(f.n_files, ELEMENTSOF(want) + 1);
		for (size_t i = 0; i < f.n_skipped; i++)
			if (f.skipped[i].why == PT_MODPROBE_SKIP_SHADOWED) {
				n_shadowed++;
				if (streq(f.skipped[i].name, "vfio.conf"))
					assert_int_equal(f.skipped[i].by_dir, 0);
				else
					assert_int_equal(f.skipped[i].by_dir, 3);
			}
		/* vfio.conf, aliases.conf, systemd.conf, old.alias */
		assert_int_equal(n_shadowed, 4);
		pt_modprobe_files_done(&f);
	}
	pt_modprobe_files_done(NULL);
	assert_null(pt_modprobe_dirs[5]);
	assert_string_equal(pt_modprobe_dirs_kmod30[3], "/lib/modprobe.d");
}

static void test_two_ids(void **state)
{
	/* Two files, both setting ids=: the kernel keeps the last one (linux kernel/params.c). */
	static const char a[] = "options vfio-pci ids=10de:1f08,10de:10f9 disable_vga=1\n";
	static const char b[] = "# added by a script\n"
				"options vfio_pci ids=1002:67df,1002:aaf0\n";
	struct pt_modprobe_set set = {0};
	struct pt_modprobe_values vals;
	char *opts;

	assert_int_equal(pt_modprobe_set_add(&set, a, sizeof(a) - 1, "/etc/modprobe.d/gpu.conf"),
			 0);
	assert_int_equal(pt_modprobe_set_add(&set, b, sizeof(b) - 1, "/etc/modprobe.d/vfio.conf"),
			 0);
	assert_int_equal(pt_modprobe_set_param_values(&set, "vfio_pci", "ids", &vals), 0);
	assert_int_equal(vals.n, 2);
	assert_string_equal(vals.v[0].conf->file, "/etc/modprobe.d/gpu.conf");
	assert_false(vals.v[0].effective);
	assert_string_equal(vals.v[1].conf->file, "/etc/modprobe.d/vfio.conf");
	assert_int_equal(vals.v[1].cmd->line, 2);
	assert_string_equal(vals.v[1].param->value, "1002:67df,1002:aaf0");
	assert_true(vals.v[1].effective);
	pt_modprobe_values_done(&vals);

	assert_int_equal(pt_modprobe_set_param_values(&set, "vfio-pci", "disable-vga", &vals), 0);
	assert_int_equal(vals.n, 1);
	assert_true(vals.v[0].effective);
	pt_modprobe_values_done(&vals);
	assert_int_equal(pt_modprobe_set_param_values(&set, "nvidia", "ids", &vals), 0);
	assert_int_equal(vals.n, 0);
	pt_modprobe_values_done(&vals);

	/* What modprobe hands to the module: concatenated with one space (kmod 30). */
	assert_int_equal(pt_modprobe_set_options_string(&set, "vfio-pci", &opts), 0);
	assert_string_equal(opts, "ids=10de:1f08,10de:10f9 disable_vga=1 ids=1002:67df,1002:aaf0");
	free(opts);
	pt_modprobe_values_done(NULL);
	pt_modprobe_set_done(&set);
}

static void test_first_match_wins(void **state)
{
	/* kmod 30, verified with kmod_module_get_softdeps()/get_install_commands(). */
	static const char a[] = "softdep nvidia pre: nvidia-drm\n"
				"install vfio-pci /usr/local/sbin/vfio-override.sh; "
				"/sbin/modprobe --ignore-install vfio-pci\n"
				"alias pci:v000010DEd* nouveau\n"
				"blacklist nouv*\n";
	static const char b[] = "softdep nvidia pre: vfio-pci\n"
				"softdep nvid* pre: vfio-pci\n"
				"install vfio_pci /bin/true\n"
				"remove vfio_pci /bin/false\n"
				"alias pci:v000010DEd00001F08* vfio-pci\n";
	struct pt_modprobe_set set = {0};
	struct pt_modprobe_refs refs;

	assert_int_equal(pt_modprobe_set_add(&set, a, sizeof(a) - 1, "/etc/modprobe.d/a.conf"), 0);
	assert_int_equal(pt_modprobe_set_add(&set, b, sizeof(b) - 1, "/etc/modprobe.d/vfio.conf"),
			 0);

	/* The guide's "softdep nvidia pre: vfio-pci" in vfio.conf is ignored: a.conf came first. */
	assert_int_equal(pt_modprobe_set_find(&set, PT_MODPROBE_SOFTDEP, "nvidia", &refs), 0);
	assert_int_equal(refs.n, 3);
	assert_true(refs.v[0].effective);
	assert_string_equal(refs.v[0].conf->file, "/etc/modprobe.d/a.conf");
	assert_false(refs.v[1].effective);
	assert_false(refs.v[2].effective);
	pt_modprobe_refs_done(&refs);
	assert_false(pt_modprobe_set_has_softdep_pre(&set, "nvidia", "vfio_pci"));
	/* softdep module names are fnmatch() patterns. */
	assert_true(pt_modprobe_set_has_softdep_pre(&set, "nvidiafb", "vfio-pci"));

	assert_int_equal(pt_modprobe_set_find(&set, PT_MODPROBE_INSTALL, "vfio-pci", &refs), 0);
	assert_int_equal(refs.n, 2);
	assert_true(refs.v[0].effective);
	assert_int_equal(refs.v[0].cmd->line, 2);
	assert_false(refs.v[1].effective);
	pt_modprobe_refs_done(&refs);
	assert_int_equal(pt_modprobe_set_find(&set, PT_MODPROBE_REMOVE, "vfio-pci", &refs), 0);
	assert_int_equal(refs.n, 1);
	pt_modprobe_refs_done(&refs);

	/* blacklist is an exact name, not a pattern. */
	assert_false(pt_modprobe_set_blacklisted(&set, "nouveau", NULL));
	assert_true(pt_modprobe_set_blacklisted(&set, "nouv*", NULL));

	/* Every alias whose wildcard matches applies, in order. */
	assert_int_equal(
		pt_modprobe_set_lookup_alias(
			&set, "pci:v000010DEd00001F08sv00003842sd00002167bc03sc00i00", &refs),
		0);
	assert_int_equal(refs.n, 2);
	assert_string_equal(refs.v[0].cmd->module, "nouveau");
	assert_string_equal(refs.v[1].cmd->module, "vfio_pci");
	assert_true(refs.v[1].effective);
	pt_modprobe_refs_done(&refs);
	assert_int_equal(pt_modprobe_set_find(&set, PT_MODPROBE_ALIAS, "vfio-pci", &refs), 0);
	assert_int_equal(refs.n, 1);
	assert_string_equal(refs.v[0].cmd->alias_raw, "pci:v000010DEd00001F08*");
	pt_modprobe_refs_done(&refs);
	pt_modprobe_refs_done(NULL);
	pt_modprobe_set_done(&set);
}

static void test_brackets(void **state)
{
	/* kmod 30 rejects names with an unclosed '[' or a stray ']' (modprobe -c, fuzzed). */
	static const char s[] = "alias sym:[ unmatched-bracket\n"
				"blacklist nvidi]afb\n"
				"options snd-hda-[a-c] x=1\n"
				"softdep nvid[ pre: vfio-pci\n"
				"alias pci:v000010DEd* real-mod]\n";
	struct pt_modprobe_conf c;

	assert_int_equal(PARSE(s, "x.conf", &c), 0);
	assert_int_equal(c.n_cmds, 1);
	assert_string_equal(c.cmds[0].module, "snd_hda_[a-c]");
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 1)->token, "alias");
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 2)->token, "blacklist");
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 4)->token, "softdep");
	assert_string_equal(find_warning(&c, PT_MODPROBE_WARN_BAD_LINE, 5)->token, "alias");
	pt_modprobe_conf_done(&c);
}

static void test_names(void **state)
{
	char *s = pt_modprobe_normalize("snd-hda-[a-c]-x[");

	assert_string_equal(s, "snd_hda_[a-c]_x[");
	free(s);
	assert_true(pt_modprobe_name_eq("vfio-pci", "vfio_pci"));
	assert_false(pt_modprobe_name_eq("vfio-pci", "vfio_pc"));
	assert_false(pt_modprobe_name_eq("vfio", NULL));
	assert_string_equal(pt_modprobe_kind_to_string(PT_MODPROBE_SOFTDEP), "softdep");
	assert_string_equal(pt_modprobe_warn_kind_to_string(PT_MODPROBE_WARN_BAD_LINE), "bad-line");
	for (int k = 0; k < _PT_MODPROBE_WARN_MAX; k++)
		assert_non_null(pt_modprobe_warn_kind_to_string(k));
	assert_null(pt_modprobe_warn_kind_to_string(_PT_MODPROBE_WARN_MAX));
	assert_string_equal(pt_modprobe_skip_to_string(PT_MODPROBE_SKIP_SHADOWED), "shadowed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guide_vfio_conf),
		cmocka_unit_test(test_proxmox_shipped),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_params_quoting),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_two_ids),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_brackets),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
