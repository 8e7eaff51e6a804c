/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell variable files that grub-mkconfig sources with /bin/sh (dash on Debian):
 * /etc/default/grub, then /etc/default/grub.d/<name>.cfg in glob order; the last assignment wins
 * (Debian grub2 grub-mkconfig).
 *
 * Two steps, so files can be evaluated in sequence:
 *  1. pt_shellvars_parse() reads one file into a line-preserving document: every assignment with
 *     its exact byte range, and every other command as an opaque item. It understands POSIX sh
 *     lexing (quotes, backslashes, backslash-newline, $ constructs, comments, here-documents) and
 *     enough of the grammar to know when an assignment is conditional (if/case/loops, && ||),
 *     never reaches the file's environment (subshells, pipelines, "&", "VAR=x cmd"), or lives in
 *     a function body. It evaluates nothing.
 *  2. pt_shellvars_eval() walks a document in order against an environment: it computes each
 *     assignment's value ($VAR, ${VAR}, ${VAR:-w}, ${VAR-w}, ${VAR:+w}, ${VAR+w}, quotes,
 *     escapes) and records in the environment, for each variable, its value and the file and
 *     line of the assignment that decided it. What cannot be known without running something
 *     ($(...), `...`, $((...)), ~, $1, ${VAR%pat}, conditional assignments) makes the value
 *     unknown (NULL) with flags saying why, never a guess.
 *
 * Semantics are dash 0.5.12's (Debian 12's /bin/sh), checked by running dash: on ~500 fuzz-grown
 * files made only of assignments, every evaluated value equals what dash sources (details of
 * the syntax check at pt_shellvars_parse()). "export V=$X" does not split $X in that dash; we
 * flag PT_SHELLVARS_SPLIT since older shells did.
 *
 * Embedded NUL bytes: -EINVAL (dash silently drops them; a file with NULs is not something to
 * edit). A '\r' (CRLF files) is an ordinary character to sh and so to us: it ends up in values.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "util/strv.h"

/* Why a value is unknown or doubtful, and what an opaque command does. */
enum {
	/* value cannot be computed */
	PT_SHELLVARS_CMDSUBST = 1u << 0,    /* $(...) or `...` */
	PT_SHELLVARS_ARITH = 1u << 1,	    /* $((...)) */
	PT_SHELLVARS_PARAM_OP = 1u << 2,    /* ${#V}, ${V%p}, ${V:=w}, ${V?w}, ... */
	PT_SHELLVARS_SPECIAL = 1u << 3,	    /* $1, $@, $?, $$, ... (grub-mkconfig's own state) */
	PT_SHELLVARS_TILDE = 1u << 4,	    /* unquoted ~ (someone's home directory) */
	PT_SHELLVARS_UNKNOWN_REF = 1u << 5, /* refers to a variable whose value is unknown */
	/* where the assignment sits */
	PT_SHELLVARS_CONDITIONAL = 1u << 6, /* inside if/while/until/for/case, or after && / || */
	PT_SHELLVARS_FUNCTION = 1u << 7,    /* inside a function body: runs only if called */
	PT_SHELLVARS_SUBSHELL = 1u << 8,    /* ( ), a pipeline or "&": never reaches the file */
	PT_SHELLVARS_PREFIX = 1u << 9,	    /* "VAR=x cmd": only cmd's environment gets it */
	/* informational */
	PT_SHELLVARS_UNSET_REF = 1u << 10, /* refers to a variable never assigned: expanded to "" */
	PT_SHELLVARS_SPLIT = 1u << 11,	   /* export V=$X, $X has blanks: older ash/dash split */
	PT_SHELLVARS_EXPORT = 1u << 12,	   /* export V=... / readonly V=... */
	PT_SHELLVARS_UNSET = 1u << 13,	   /* the variable was removed by "unset" */
	/* opaque commands */
	PT_SHELLVARS_COMMAND = 1u << 14,  /* a command; changes no variable unless flagged below */
	PT_SHELLVARS_SOURCE = 1u << 15,	  /* ". file" / "source file": may change any variable */
	PT_SHELLVARS_EVAL = 1u << 16,	  /* eval: may change any variable */
	PT_SHELLVARS_CALL = 1u << 17,	  /* calls a function defined in this file */
	PT_SHELLVARS_MODIFIES = 1u << 18, /* unset/read/local/getopts/for: changes ->targets */
	PT_SHELLVARS_FUNCDEF = 1u << 19,  /* "name() ..." defines a function */
	/* value cannot be computed, and dash stops sourcing there ("Bad substitution") */
	PT_SHELLVARS_BADSUBST = 1u << 20, /* ${A B}, ${A:x}, ${}: so update-grub fails */
};

/* Flags that make an assignment's value impossible to compute. */
#define PT_SHELLVARS_UNKNOWN_VALUE                                              \
	(PT_SHELLVARS_CMDSUBST | PT_SHELLVARS_ARITH | PT_SHELLVARS_PARAM_OP |   \
	 PT_SHELLVARS_SPECIAL | PT_SHELLVARS_TILDE | PT_SHELLVARS_UNKNOWN_REF | \
	 PT_SHELLVARS_BADSUBST)
/* Flags of an assignment that does not reach the environment of the sourcing shell. */
#define PT_SHELLVARS_NO_EFFECT (PT_SHELLVARS_SUBSHELL | PT_SHELLVARS_PREFIX | PT_SHELLVARS_FUNCTION)

enum pt_shellvars_kind {
	PT_SHELLVARS_ASSIGN, /* one NAME=value word */
	PT_SHELLVARS_OPAQUE, /* any other command, or a for/function header */
};

struct pt_shellvars_item {
	enum pt_shellvars_kind kind;
	size_t start, end; /* [start, end) in the document: the NAME=value word / the command */
	unsigned line, end_line; /* 1-based lines of the first and the last byte */
	unsigned flags;		 /* PT_SHELLVARS_* */

	/* PT_SHELLVARS_ASSIGN */
	char *name;
	char *raw;	    /* the value as written: bytes between '=' and the end of the word */
	size_t value_start; /* offset of raw; a value is replaced by rewriting [value_start, end) */
	size_t stmt_start,
		stmt_end; /* the whole simple command (from "export", to the last word) */
	char *value;	  /* set by pt_shellvars_eval(); NULL = unknown (see flags) */
	bool evaluated;

	/* PT_SHELLVARS_OPAQUE */
	char *command;		/* the command word if it is plain text (". ", "echo"), else NULL */
	struct pt_strv targets; /* variables it changes (unset A, read A, for A in ...) */
};

struct pt_shellvars_doc {
	char *label; /* e.g. "/etc/default/grub.d/x.cfg", used for provenance */
	char *text;  /* the file's bytes (NUL-terminated copy); items point into it by offset */
	size_t len;
	struct pt_shellvars_item *items; /* in file order; ranges are ascending and disjoint */
	size_t n;
};

/*
 * Parses buf[0..len). Returns 0, -ENOMEM, or -EINVAL with *ret_err_line set to the 1-based line
 * of the offending token or of the construct left open, for what dash 0.5.12 rejects as a syntax
 * error before running anything (so grub-mkconfig would stop): an unterminated quote, $(, ${ or
 * `; a missing '}' ("${A:}" needs two); if/then/elif/else/fi, while/until/for/do/done,
 * case/in/esac, { } and ( ) out of order, unbalanced or with an empty part ("if a; fi", "{ }");
 * a word between a for header and "do"; a word after a closing keyword ("fi x"); ';' '&' '&&'
 * '||' '|' without a command before them, or '&&' '||' '|' without one after; a case pattern
 * list split by a newline or missing its '|'; a function name that is not a valid name; a
 * redirection without its target; more than 64 nested quotes/substitutions; a NUL byte.
 *
 * Checked against dash -n on ~8,000 fuzz-grown inputs (no input dash accepts is rejected except
 * for the nesting limit). Not checked, unlike dash: syntax inside $(...) and `...` (we only find
 * their end, by counting parentheses, so a case pattern "x)" inside $( ) ends it early) and
 * inside unquoted here-document bodies (dash parses their $ expansions).
 *
 * Malformed ${...} ("${A B}", "${A:x}") is not a syntax error to dash either but "Bad
 * substitution" when it runs: PT_SHELLVARS_BADSUBST after pt_shellvars_eval().
 */
int pt_shellvars_parse(const char *buf, size_t len, const char *file_label,
		       struct pt_shellvars_doc *ret, unsigned *ret_err_line);
void pt_shellvars_done(struct pt_shellvars_doc *doc);

/* The last assignment to name in the document (whatever its flags), or NULL. */
const struct pt_shellvars_item *pt_shellvars_find_last(const struct pt_shellvars_doc *doc,
						       const char *name);

struct pt_shellvars_var {
	char *name;
	char *value;   /* NULL: unknown (flags say why) */
	char *file;    /* label of the document whose statement decided the value; NULL if seeded */
	unsigned line; /* its line */
	unsigned flags; /* the deciding item's PT_SHELLVARS_* flags */
};

/* A statement that may have changed any variable (". file", eval, a function call). */
struct pt_shellvars_barrier {
	char *file;
	unsigned line;
	unsigned flags;
	char *command;
};

struct pt_shellvars_env {
	struct pt_shellvars_var *vars; /* in order of first assignment */
	size_t n, cap;
	struct pt_shellvars_barrier *barriers;
	size_t n_barriers, cap_barriers;
};

/*
 * Evaluates doc's assignments in order against env and updates env: call it for
 * /etc/default/grub and then for each grub.d/<name>.cfg in glob order. Fills each assignment's
 * ->value. Variables never assigned expand to "" (grub-mkconfig's own environment is not
 * modelled; seed env with pt_shellvars_env_set() where that matters). Returns 0 or -ENOMEM.
 */
int pt_shellvars_eval(struct pt_shellvars_doc *doc, struct pt_shellvars_env *env);
/* Evaluates docs[0..n) in order. */
int pt_shellvars_eval_all(struct pt_shellvars_doc *docs, size_t n, struct pt_shellvars_env *env);

const struct pt_shellvars_var *pt_shellvars_env_get(const struct pt_shellvars_env *env,
						    const char *name);
/* Sets name to value (NULL = unknown) with its provenance; file may be NULL. */
int pt_shellvars_env_set(struct pt_shellvars_env *env, const char *name, const char *value,
			 const char *file, unsigned line, unsigned flags);
void pt_shellvars_env_done(struct pt_shellvars_env *env);

/* A valid sh variable name: [A-Za-z_][A-Za-z0-9_]*. */
bool pt_shellvars_is_name(const char *s, size_t n);

/*
 * Appends value[0..len) as one double-quoted sh word that evaluates back to exactly those bytes:
 * '"', '\', '$' and '`' are backslash-escaped, everything else (newlines too) is literal.
 * Returns 0, -EINVAL (a NUL byte: sh cannot hold it) or -ENOMEM.
 */
int pt_shellvars_quote(struct pt_strbuf *sb, const char *value, size_t len);
