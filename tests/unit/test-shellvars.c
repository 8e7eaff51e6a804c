/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "parse/shellvars.h"
#include "util/strbuf.h"

/* /etc/default/grub as Debian 12 (grub2 2.06) installs it. */
static const char debian_grub[] =
	"# If you change this file, run 'update-grub' afterwards to update\n"
	"# /boot/grub/grub.cfg.\n"
	"# For full documentation of the options in this file, see:\n"
	"#   info -f grub -n 'Simple configuration'\n"
	"\n"
	"GRUB_DEFAULT=0\n"
	"GRUB_TIMEOUT=5\n"
	"GRUB_DISTRIBUTOR=`( . /etc/os-release; echo ${NAME:-Debian} ) 2>/dev/null || echo "
	"Debian`\n"
	"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
	"GRUB_CMDLINE_LINUX=\"\"\n"
	"\n"
	"# If your computer has multiple processors, you can disable os-prober...\n"
	"#GRUB_DISABLE_OS_PROBER=false\n"
	"\n"
	"# Uncomment to disable graphical terminal (grub-pc only)\n"
	"#GRUB_TERMINAL=console\n"
	"\n"
	"# you can see them in real GRUB with the command `vbeinfo'\n"
	"#GRUB_GFXMODE=640x480\n"
	"\n"
	"# Uncomment if you don't want GRUB to pass \"root=UUID=xxx\" parameter to Linux\n"
	"#GRUB_DISABLE_LINUX_UUID=true\n";

static void parse_ok(const char *s, const char *label, struct pt_shellvars_doc *doc)
{
	unsigned line = 99;

	assert_int_equal(pt_shellvars_parse(s, strlen(s), label, doc, &line), 0);
	assert_int_equal(line, 0);
}

/* Parses s as one file, evaluates it in a fresh environment, returns name's item. */
static const struct pt_shellvars_item *eval_one(const char *s, struct pt_shellvars_doc *doc,
						struct pt_shellvars_env *env, const char *name)
{
	parse_ok(s, "/etc/default/grub", doc);
	assert_int_equal(pt_shellvars_eval(doc, env), 0);
	return pt_shellvars_find_last(doc, name);
}

static void assert_text(const struct pt_shellvars_doc *doc, size_t start, size_t end,
			const char *want)
{
	assert_int_equal(end - start, strlen(want));
	assert_memory_equal(doc->text + start, want, end - start);
}

static void test_debian_default(void **state)
{
	struct pt_shellvars_doc doc;
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_item *it;
	const struct pt_shellvars_var *v;

	parse_ok(debian_grub, "/etc/default/grub", &doc);
	assert_int_equal(doc.n, 5);
	for (size_t i = 0; i < doc.n; i++)
		assert_int_equal(doc.items[i].kind, PT_SHELLVARS_ASSIGN);
	assert_string_equal(doc.label, "/etc/default/grub");
	assert_int_equal(doc.len, strlen(debian_grub));
	assert_memory_equal(doc.text, debian_grub, doc.len);

	assert_int_equal(pt_shellvars_eval(&doc, &env), 0);
	it = pt_shellvars_find_last(&doc, "GRUB_CMDLINE_LINUX_DEFAULT");
	assert_non_null(it);
	assert_int_equal(it->line, 9);
	assert_int_equal(it->end_line, 9);
	assert_string_equal(it->raw, "\"quiet\"");
	assert_string_equal(it->value, "quiet");
	assert_int_equal(it->flags, 0);
	assert_text(&doc, it->start, it->end, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"");
	assert_text(&doc, it->value_start, it->end, "\"quiet\"");
	assert_int_equal(it->stmt_start, it->start);
	assert_int_equal(it->stmt_end, it->end);

	/* The distributor comes from a command substitution: unknown, and said so. */
	it = pt_shellvars_find_last(&doc, "GRUB_DISTRIBUTOR");
	assert_null(it->value);
	assert_true(it->evaluated);
	assert_true(it->flags & PT_SHELLVARS_CMDSUBST);
	v = pt_shellvars_env_get(&env, "GRUB_DISTRIBUTOR");
	assert_null(v->value);
	assert_int_equal(v->line, 8);

	v = pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX");
	assert_string_equal(v->value, "");
	assert_string_equal(v->file, "/etc/default/grub");
	assert_int_equal(v->line, 10);
	assert_string_equal(pt_shellvars_env_get(&env, "GRUB_TIMEOUT")->value, "5");
	/* Commented-out settings are comments. */
	assert_null(pt_shellvars_env_get(&env, "GRUB_GFXMODE"));
	assert_int_equal(env.n_barriers, 0);

	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
	pt_shellvars_done(NULL);
	pt_shellvars_env_done(NULL);
}

struct expect {
	const char *file;
	const char *value;
};

static void test_odd_quoting(void **state)
{
	static const struct expect cases[] = {
		{"GRUB_CMDLINE_LINUX_DEFAULT='quiet \"x\"'\n", "quiet \"x\""},
		{"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \\\"a b\\\"\"\n", "quiet \"a b\""},
		{"GRUB_CMDLINE_LINUX_DEFAULT=quiet\n", "quiet"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=quiet\\ splash\n", "quiet splash"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\" # a trailing comment\n", "quiet"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=a#b\n", "a#b"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \\\n  intel_iommu=on\"\n",
		 "quiet   intel_iommu=on"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=quiet\\\nsplash\n", "quietsplash"},
		{"GRUB_CMDLINE_LINUX_DEFAULT='a\nb'\n", "a\nb"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=\"a\\b \\$x \\\\ \\`\"\n", "a\\b $x \\ `"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=\"it's\"'\"'x\n", "it's\"x"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=\"$ 5$\"\n", "$ 5$"},
		{"  export GRUB_CMDLINE_LINUX_DEFAULT=\"iommu=pt\"  \n", "iommu=pt"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=\"a\"\r\n", "a\r"},
		{"GRUB_CMDLINE_LINUX_DEFAULT=\n", ""},
		{"GRUB_CMDLINE_LINUX_DEFAULT=x; "
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT}"
		 "y\"\n",
		 "xy"},
		/* $NAME takes the longest name: this is a different, unset variable. */
		{"GRUB_CMDLINE_LINUX_DEFAULT=x; "
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULTy\"\n",
		 ""},
		{"A=1 GRUB_CMDLINE_LINUX_DEFAULT=$A${A}\"$A\"\n", "111"},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct pt_shellvars_doc doc;
		struct pt_shellvars_env env = {0};
		const struct pt_shellvars_item *it;

		it = eval_one(cases[i].file, &doc, &env, "GRUB_CMDLINE_LINUX_DEFAULT");
		assert_non_null(it);
		assert_non_null(it->value);
		assert_string_equal(it->value, cases[i].value);
		assert_string_equal(pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX_DEFAULT")->value,
				    cases[i].value);
		pt_shellvars_env_done(&env);
		pt_shellvars_done(&doc);
	}
}

static void test_continuation_ranges(void **state)
{
	const char *s = "GRUB_TIMEOUT=5\n"
			"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \\\n"
			"intel_iommu=on\"   # IOMMU\n"
			"export GRUB_CMDLINE_LINUX='a\n"
			"b'\n";
	struct pt_shellvars_doc doc;
	const struct pt_shellvars_item *it;

	parse_ok(s, "x", &doc);
	assert_int_equal(doc.n, 3);
	it = &doc.items[1];
	assert_int_equal(it->line, 2);
	assert_int_equal(it->end_line, 3);
	assert_text(&doc, it->start, it->end,
		    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \\\nintel_iommu=on\"");
	it = &doc.items[2];
	assert_int_equal(it->line, 4);
	assert_int_equal(it->end_line, 5);
	assert_true(it->flags & PT_SHELLVARS_EXPORT);
	assert_text(&doc, it->stmt_start, it->stmt_end, "export GRUB_CMDLINE_LINUX='a\nb'");
	assert_text(&doc, it->start, it->end, "GRUB_CMDLINE_LINUX='a\nb'");
	/* Items are ordered and disjoint. */
	for (size_t i = 1; i < doc.n; i++)
		assert_true(doc.items[i - 1].end <= doc.items[i].start);
	pt_shellvars_done(&doc);
}

static void test_dropin_sequence(void **state)
{
	const char *dropin1 =
		"# /etc/default/grub.d/iommu.cfg\n"
		"GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on "
		"iommu=pt\"\n";
	const char *dropin2 = "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} "
			      "vfio-pci.ids=10de:1b80,10de:10f0\"\n";
	struct pt_shellvars_doc docs[3];
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_var *v;

	parse_ok(debian_grub, "/etc/default/grub", &docs[0]);
	parse_ok(dropin1, "/etc/default/grub.d/iommu.cfg", &docs[1]);
	parse_ok(dropin2, "/etc/default/grub.d/vfio.cfg", &docs[2]);
	assert_int_equal(pt_shellvars_eval_all(docs, 3, &env), 0);

	v = pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX_DEFAULT");
	assert_string_equal(v->value,
			    "quiet intel_iommu=on iommu=pt vfio-pci.ids=10de:1b80,10de:10f0");
	assert_string_equal(v->file, "/etc/default/grub.d/vfio.cfg");
	assert_int_equal(v->line, 1);
	assert_string_equal(docs[1].items[0].value, "quiet intel_iommu=on iommu=pt");
	/* The untouched variable still points at /etc/default/grub. */
	v = pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX");
	assert_string_equal(v->file, "/etc/default/grub");

	pt_shellvars_env_done(&env);
	for (size_t i = 0; i < 3; i++)
		pt_shellvars_done(&docs[i]);
}

static void test_cmdsubst_file(void **state)
{
	const char *x = "# vendor snippet\n"
			"\n"
			"\n"
			"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $(cat /etc/kernel/extra-args)\"\n";
	const char *after = "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT iommu=pt\"\n";
	const char *reset = "GRUB_CMDLINE_LINUX_DEFAULT='quiet'\n";
	struct pt_shellvars_doc docs[3];
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_var *v;

	parse_ok(x, "/etc/default/grub.d/x.cfg", &docs[0]);
	parse_ok(after, "/etc/default/grub.d/y.cfg", &docs[1]);
	parse_ok(reset, "/etc/default/grub.d/z.cfg", &docs[2]);
	assert_true(docs[0].items[0].flags & PT_SHELLVARS_CMDSUBST);

	assert_int_equal(pt_shellvars_eval(&docs[0], &env), 0);
	v = pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX_DEFAULT");
	/* "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub.d/x.cfg line 4 uses $(...)" */
	assert_null(v->value);
	assert_string_equal(v->file, "/etc/default/grub.d/x.cfg");
	assert_int_equal(v->line, 4);
	assert_true(v->flags & PT_SHELLVARS_CMDSUBST);

	/* Building on an unknown value stays unknown, pointing at the new assignment. */
	assert_int_equal(pt_shellvars_eval(&docs[1], &env), 0);
	v = pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX_DEFAULT");
	assert_null(v->value);
	assert_true(v->flags & PT_SHELLVARS_UNKNOWN_REF);
	assert_false(v->flags & PT_SHELLVARS_CMDSUBST);
	assert_string_equal(v->file, "/etc/default/grub.d/y.cfg");

	/* A plain assignment later makes it known again. */
	assert_int_equal(pt_shellvars_eval(&docs[2], &env), 0);
	assert_string_equal(pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX_DEFAULT")->value,
			    "quiet");

	pt_shellvars_env_done(&env);
	for (size_t i = 0; i < 3; i++)
		pt_shellvars_done(&docs[i]);
}

static void test_unknown_constructs(void **state)
{
	static const struct {
		const char *file;
		unsigned flag;
	} cases[] = {
		{"X=`hostname`\n", PT_SHELLVARS_CMDSUBST}, {"X=$((1 + 2))\n", PT_SHELLVARS_ARITH},
		{"X=\"${#Y}\"\n", PT_SHELLVARS_PARAM_OP},  {"X=${Y%%.*}\n", PT_SHELLVARS_PARAM_OP},
		{"X=${Y:=d}\n", PT_SHELLVARS_PARAM_OP},	   {"X=\"$1\"\n", PT_SHELLVARS_SPECIAL},
		{"X=${10}\n", PT_SHELLVARS_SPECIAL},	   {"X=$$\n", PT_SHELLVARS_SPECIAL},
		{"X=~/grub\n", PT_SHELLVARS_TILDE},	   {"X=/a:~root\n", PT_SHELLVARS_TILDE},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct pt_shellvars_doc doc;
		struct pt_shellvars_env env = {0};
		const struct pt_shellvars_item *it = eval_one(cases[i].file, &doc, &env, "X");

		assert_non_null(it);
		assert_null(it->value);
		assert_true(it->flags & cases[i].flag);
		assert_null(pt_shellvars_env_get(&env, "X")->value);
		pt_shellvars_env_done(&env);
		pt_shellvars_done(&doc);
	}
}

static void test_param_defaults(void **state)
{
	static const struct expect cases[] = {
		{"X=${U:-def}\n", "def"},
		{"X=${U-def}\n", "def"},
		{"X=${U:+alt}\n", ""},
		{"E= X=${E-def}\n", ""},
		{"E= X=${E:-def}\n", "def"},
		{"S=v X=${S:+alt}${S+\"a b\"}\n", "alta b"},
		{"S=v X=\"${S:-'q'}\"\n", "v"},
		{"X=\"${U:-'q' \"w\"}\"\n", "'q' w"},
		{"S=v; unset S; X=${S-gone}\n", "gone"},
		{"X=a~b:c\n", "a~b:c"},
		{"X='~'\n", "~"},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct pt_shellvars_doc doc;
		struct pt_shellvars_env env = {0};
		const struct pt_shellvars_item *it = eval_one(cases[i].file, &doc, &env, "X");

		assert_non_null(it);
		assert_non_null(it->value);
		assert_string_equal(it->value, cases[i].value);
		pt_shellvars_env_done(&env);
		pt_shellvars_done(&doc);
	}
}

static void test_where_assignments_land(void **state)
{
	const char *s = "if [ -d /sys/firmware/efi ]; then\n"			/* 1 */
			"\tGRUB_CMDLINE_LINUX=\"efi\"\n"			/* 2 */
			"fi\n"							/* 3 */
			"[ -e /etc/foo ] && GRUB_TIMEOUT=1 || GRUB_TIMEOUT=2\n" /* 4 */
			"( GRUB_A=1 )\n"					/* 5 */
			"GRUB_B=1 | cat\n"					/* 6 */
			"GRUB_C=1 &\n"						/* 7 */
			"GRUB_D=1 true\n"					/* 8 */
			"GRUB_E=1 :\n"						/* 9 */
			"setup() {\n"						/* 10 */
			"\tGRUB_F=1\n"						/* 11 */
			"}\n"							/* 12 */
			"{ GRUB_G=1; }\n"					/* 13 */
			"case \"$x\" in\n"					/* 14 */
			"  a|b) GRUB_H=1 ;;\n"					/* 15 */
			"  *) ;;\n"						/* 16 */
			"esac\n"						/* 17 */
			"for GRUB_I in a b; do :; done\n"			/* 18 */
			"while false; do GRUB_J=1; done\n";			/* 19 */
	struct pt_shellvars_doc doc;
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_item *it;
	const struct pt_shellvars_var *v;

	parse_ok(s, "x.cfg", &doc);
	assert_int_equal(pt_shellvars_eval(&doc, &env), 0);

	it = pt_shellvars_find_last(&doc, "GRUB_CMDLINE_LINUX");
	assert_true(it->flags & PT_SHELLVARS_CONDITIONAL);
	assert_string_equal(it->value, "efi");
	v = pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX");
	assert_null(v->value);
	assert_int_equal(v->line, 2);
	/* The test command itself is an opaque item. */
	assert_int_equal(doc.items[0].kind, PT_SHELLVARS_OPAQUE);
	assert_string_equal(doc.items[0].command, "[");
	assert_int_equal(doc.items[0].line, 1);

	assert_true(pt_shellvars_find_last(&doc, "GRUB_TIMEOUT")->flags & PT_SHELLVARS_CONDITIONAL);
	assert_null(pt_shellvars_env_get(&env, "GRUB_TIMEOUT")->value);
	/* Subshells, pipelines and "&" never reach the sourcing shell. */
	assert_true(pt_shellvars_find_last(&doc, "GRUB_A")->flags & PT_SHELLVARS_SUBSHELL);
	assert_null(pt_shellvars_env_get(&env, "GRUB_A"));
	assert_true(pt_shellvars_find_last(&doc, "GRUB_B")->flags & PT_SHELLVARS_SUBSHELL);
	assert_null(pt_shellvars_env_get(&env, "GRUB_B"));
	assert_true(pt_shellvars_find_last(&doc, "GRUB_C")->flags & PT_SHELLVARS_SUBSHELL);
	assert_null(pt_shellvars_env_get(&env, "GRUB_C"));
	/* "VAR=x cmd": only for cmd, unless cmd is a special built-in such as ':'. */
	assert_true(pt_shellvars_find_last(&doc, "GRUB_D")->flags & PT_SHELLVARS_PREFIX);
	assert_null(pt_shellvars_env_get(&env, "GRUB_D"));
	assert_false(pt_shellvars_find_last(&doc, "GRUB_E")->flags & PT_SHELLVARS_PREFIX);
	assert_string_equal(pt_shellvars_env_get(&env, "GRUB_E")->value, "1");
	/* A function body runs only when called. */
	assert_true(pt_shellvars_find_last(&doc, "GRUB_F")->flags & PT_SHELLVARS_FUNCTION);
	assert_null(pt_shellvars_env_get(&env, "GRUB_F"));
	/* A brace group runs in the current shell. */
	assert_int_equal(pt_shellvars_find_last(&doc, "GRUB_G")->flags, 0);
	assert_string_equal(pt_shellvars_env_get(&env, "GRUB_G")->value, "1");
	assert_true(pt_shellvars_find_last(&doc, "GRUB_H")->flags & PT_SHELLVARS_CONDITIONAL);
	assert_int_equal(pt_shellvars_find_last(&doc, "GRUB_H")->line, 15);
	/* The loop variable of for. */
	v = pt_shellvars_env_get(&env, "GRUB_I");
	assert_non_null(v);
	assert_null(v->value);
	assert_int_equal(v->line, 18);
	assert_true(pt_shellvars_find_last(&doc, "GRUB_J")->flags & PT_SHELLVARS_CONDITIONAL);

	for (size_t i = 1; i < doc.n; i++)
		assert_true(doc.items[i - 1].end <= doc.items[i].start);
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
}

static void test_barriers_and_unset(void **state)
{
	const char *s = "GRUB_X=1\n"
			". /etc/default/grub.d/other\n"
			"eval \"GRUB_Y=2\"\n"
			"unset GRUB_X\n"
			"f() { :; }\n"
			"f\n"
			"read GRUB_Z < /etc/foo\n"
			"echo \"$GRUB_X\" >&2\n";
	struct pt_shellvars_doc doc;
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_var *v;

	parse_ok(s, "b.cfg", &doc);
	assert_int_equal(pt_shellvars_eval(&doc, &env), 0);
	assert_int_equal(env.n_barriers, 3);
	assert_string_equal(env.barriers[0].command, ".");
	assert_int_equal(env.barriers[0].line, 2);
	assert_true(env.barriers[0].flags & PT_SHELLVARS_SOURCE);
	assert_true(env.barriers[1].flags & PT_SHELLVARS_EVAL);
	assert_true(env.barriers[2].flags & PT_SHELLVARS_CALL);
	assert_string_equal(env.barriers[2].command, "f");

	v = pt_shellvars_env_get(&env, "GRUB_X");
	assert_string_equal(v->value, "");
	assert_true(v->flags & PT_SHELLVARS_UNSET);
	assert_int_equal(v->line, 4);
	v = pt_shellvars_env_get(&env, "GRUB_Z");
	assert_null(v->value);
	assert_int_equal(v->line, 7);
	/* echo changes nothing. */
	assert_int_equal(doc.items[doc.n - 1].kind, PT_SHELLVARS_OPAQUE);
	assert_int_equal(doc.items[doc.n - 1].flags, PT_SHELLVARS_COMMAND);
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
}

static void test_heredoc_and_compound_layout(void **state)
{
	const char *s = "cat <<EOF >/dev/null\n"
			"GRUB_X=\"not an assignment\n"
			"EOF\n"
			"cat <<-'END'\n"
			"\tGRUB_X=2 $(\n"
			"\tEND\n"
			"if true; then if true; then GRUB_Y=1; fi fi\n"
			"{ GRUB_Z=1; } >/dev/null 2>&1\n";
	struct pt_shellvars_doc doc;

	parse_ok(s, "h.cfg", &doc);
	assert_null(pt_shellvars_find_last(&doc, "GRUB_X"));
	assert_int_equal(pt_shellvars_find_last(&doc, "GRUB_Y")->line, 7);
	assert_int_equal(pt_shellvars_find_last(&doc, "GRUB_Z")->line, 8);
	pt_shellvars_done(&doc);
}

static void expect_error(const char *s, unsigned want_line)
{
	struct pt_shellvars_doc doc;
	unsigned line = 0;

	assert_int_equal(pt_shellvars_parse(s, strlen(s), "e", &doc, &line), -EINVAL);
	assert_int_equal(line, want_line);
	assert_int_equal(doc.n, 0);
	assert_null(doc.items);
	assert_null(doc.text);
}

static void test_syntax_errors(void **state)
{
	struct pt_shellvars_doc doc;
	unsigned line = 0;

	expect_error("GRUB_A=1\nGRUB_CMDLINE_LINUX=\"quiet\n\nGRUB_B=2\n", 2);
	expect_error("A=1\nB='x\n", 2);
	expect_error("A=$(foo\n", 1);
	expect_error("A=${foo\n", 1);
	expect_error("A=`foo\n", 1);
	expect_error("A=1\nif true; then\n  B=2\n", 2);
	expect_error("fi\n", 1);
	expect_error("A=1\n}\n", 2);
	expect_error("while true; do :; fi\n", 1);
	expect_error("if true; then :; fi foo\n", 1);
	expect_error("echo (\n", 1);
	expect_error("f-g() { :; }\n", 1);
	expect_error("if true; fi\n", 1);
	expect_error("while true; done\n", 1);
	expect_error("{ }\n", 1);
	expect_error("for x in a; echo; done\n", 1);
	expect_error("; A=1\n", 1);
	expect_error("A=1 && && B=2\n", 1);
	expect_error("case x in\na\n) ;; esac\n", 2);
	expect_error("case x in a b) ;; esac\n", 1);
	expect_error("A=${B:}\n", 1);
	/* The quote after the name is taken as the (bad) operator: the second one is unclosed. */
	expect_error("A=${B'}'\n", 1);
	expect_error("A=${B:-${C}\n", 1);
	expect_error("true &&\n", 2);
	expect_error("echo >\n", 1);
	expect_error("case x in a) :;;\n", 1);
	expect_error("! ! true\n", 1);
	expect_error("true | ! false\n", 1);
	expect_error("echo >1>x\n", 1);

	/* An embedded NUL is rejected with its line. */
	assert_int_equal(pt_shellvars_parse("A=1\nB=\0\n", 7, "n", &doc, &line), -EINVAL);
	assert_int_equal(line, 2);
}

/* Corner cases checked against dash 0.5.12 (Debian 12's /bin/sh) with dash -n and by running. */
static void test_dash_corners(void **state)
{
	struct pt_shellvars_doc doc;
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_item *it;

	/*
	 * A malformed ${...} is no syntax error to dash but "Bad substitution" when it runs, which
	 * ends the sourcing shell: update-grub fails. The word still runs to the matching '}'.
	 */
	it = eval_one("X=${A B}\nY=${U:}}\nZ=${[x}\n", &doc, &env, "X");
	assert_true(it->flags & PT_SHELLVARS_BADSUBST);
	assert_null(it->value);
	assert_true(pt_shellvars_find_last(&doc, "Y")->flags & PT_SHELLVARS_BADSUBST);
	assert_true(pt_shellvars_find_last(&doc, "Z")->flags & PT_SHELLVARS_BADSUBST);
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);

	/* $$ is one parameter: "{A}" after it is text, not an expansion. */
	it = eval_one("X=\"$${A\"\n", &doc, &env, "X");
	assert_true(it->flags & PT_SHELLVARS_SPECIAL);
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);

	/* Line continuations go before '$' is looked at: "$\<newline>A" is $A. */
	it = eval_one("A=1\nX=\"<$\\\nA>\"\n", &doc, &env, "X");
	assert_string_equal(it->value, "<1>");
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);

	/* Inside "...", the pattern of ${V%...} is in unquoted syntax: the "'" opens a quote. */
	assert_int_equal(pt_shellvars_parse("X=\"${U%'}\"\n", 11, "p", &doc, NULL), -EINVAL);
	/* ...but the word of ${V-...} is not. */
	parse_ok("X=\"${U-'}\"\n", "p", &doc);
	pt_shellvars_done(&doc);

	/* dash accepts a simple command as a function body. */
	parse_ok("f() GRUB_X=1\nGRUB_Y=2\n", "f", &doc);
	assert_int_equal(doc.n, 3);
	assert_true(doc.items[0].flags & PT_SHELLVARS_FUNCDEF);
	assert_true(doc.items[1].flags & PT_SHELLVARS_FUNCTION);
	assert_int_equal(doc.items[2].flags, 0);
	pt_shellvars_done(&doc);

	/* In a here-document delimiter '$' is not special. */
	parse_ok("cat <<$EOF\nGRUB_X=1\n$EOF\nGRUB_Y=2\n", "h", &doc);
	assert_int_equal(doc.n, 2);
	assert_string_equal(doc.items[1].name, "GRUB_Y");
	pt_shellvars_done(&doc);
}

static void test_not_nul_terminated(void **state)
{
	const char buf[] = {'A', '=', '"', 'x', '"', 'B'};
	struct pt_shellvars_doc doc;
	struct pt_shellvars_env env = {0};

	assert_int_equal(pt_shellvars_parse(buf, 5, "t", &doc, NULL), 0);
	assert_int_equal(pt_shellvars_eval(&doc, &env), 0);
	assert_string_equal(doc.items[0].value, "x");
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
	assert_int_equal(pt_shellvars_parse(buf, 3, "t", &doc, NULL), -EINVAL);
	assert_int_equal(pt_shellvars_parse("", 0, "t", &doc, NULL), 0);
	assert_int_equal(doc.n, 0);
	pt_shellvars_done(&doc);
}

static void test_quote_roundtrip(void **state)
{
	static const char *const values[] = {
		"",	"quiet",       "quiet intel_iommu=on",
		"a\"b", "back\\slash", "$HOME",
		"`id`", "new\nline",   "it's",
		"\\\n", "${X:-y}",
	};

	for (size_t i = 0; i < ELEMENTSOF(values); i++) {
		struct pt_strbuf sb = {0};
		struct pt_shellvars_doc doc;
		struct pt_shellvars_env env = {0};

		pt_strbuf_puts(&sb, "GRUB_CMDLINE_LINUX=");
		assert_int_equal(pt_shellvars_quote(&sb, values[i], strlen(values[i])), 0);
		pt_strbuf_puts(&sb, "\n");
		assert_int_equal(pt_shellvars_parse(sb.buf, sb.len, "q", &doc, NULL), 0);
		assert_int_equal(pt_shellvars_eval(&doc, &env), 0);
		assert_int_equal(doc.n, 1);
		assert_string_equal(doc.items[0].value, values[i]);
		pt_shellvars_env_done(&env);
		pt_shellvars_done(&doc);
		pt_strbuf_done(&sb);
	}
}

/* What the editor will do: replace one value, copy every other byte. */
static void test_replace_value(void **state)
{
	struct pt_shellvars_doc doc, again;
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_item *it;
	struct pt_strbuf sb = {0};

	parse_ok(debian_grub, "/etc/default/grub", &doc);
	it = pt_shellvars_find_last(&doc, "GRUB_CMDLINE_LINUX_DEFAULT");
	pt_strbuf_append(&sb, doc.text, it->value_start);
	pt_shellvars_quote(&sb, "quiet intel_iommu=on", 20);
	pt_strbuf_append(&sb, doc.text + it->end, doc.len - it->end);

	parse_ok(sb.buf, "/etc/default/grub", &again);
	assert_int_equal(pt_shellvars_eval(&again, &env), 0);
	assert_string_equal(pt_shellvars_find_last(&again, "GRUB_CMDLINE_LINUX_DEFAULT")->value,
			    "quiet intel_iommu=on");
	assert_int_equal(again.n, doc.n);
	/* The bytes before and after are the original ones. */
	assert_memory_equal(sb.buf, debian_grub, it->value_start);
	assert_string_equal(sb.buf + sb.len - (doc.len - it->end), debian_grub + it->end);
	pt_strbuf_done(&sb);
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&again);
	pt_shellvars_done(&doc);
}

static void test_env_seed_and_names(void **state)
{
	struct pt_shellvars_env env = {0};
	struct pt_shellvars_doc doc;

	assert_int_equal(
		pt_shellvars_env_set(&env, "GRUB_CMDLINE_LINUX", "console=ttyS0", NULL, 0, 0), 0);
	parse_ok("GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX quiet\"\nexport X=\"$U\" Y\n", "s",
		 &doc);
	assert_int_equal(pt_shellvars_eval(&doc, &env), 0);
	assert_string_equal(pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX")->value,
			    "console=ttyS0 quiet");
	/* An unset variable expands to "" and says so. */
	assert_true(doc.items[1].flags & PT_SHELLVARS_UNSET_REF);
	assert_string_equal(doc.items[1].value, "");
	assert_true(pt_shellvars_is_name("GRUB_X1", 7));
	assert_false(pt_shellvars_is_name("1X", 2));
	assert_false(pt_shellvars_is_name("A-B", 3));
	assert_false(pt_shellvars_is_name("", 0));
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_odd_quoting),
		cmocka_unit_test(test_continuation_ranges),
		cmocka_unit_test(test_dropin_sequence),
		cmocka_unit_test(test_cmdsubst_file),
		cmocka_unit_test(test_unknown_constructs),
		cmocka_unit_test(test_param_defaults),
		cmocka_unit_test(test_where_assignments_land),
		cmocka_unit_test(test_barriers_and_unset),
		cmocka_unit_test(test_heredoc_and_compound_layout),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_dash_corners),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_quote_roundtrip),
		cmocka_unit_test(test_replace_value),
		cmocka_unit_test(test_env_seed_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
