/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A reader for the subset of POSIX sh (XCU 2.3 token recognition, 2.6 word expansions, 2.9
 * grammar) that appears in /etc/default/grub and its drop-ins. Semantics follow dash, which is
 * /bin/sh on Debian and therefore what grub-mkconfig uses to source these files.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/shellvars.h"
#include "util/macro.h"

/* Nesting of quotes and $ constructs we follow before calling the input hostile. */
#define MAX_DEPTH 64

/* Flags that pt_shellvars_eval() recomputes from the expansion of the value. */
#define EXPANSION_FLAGS (PT_SHELLVARS_UNKNOWN_VALUE | PT_SHELLVARS_UNSET_REF | PT_SHELLVARS_SPLIT)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || is_digit(c);
}

static bool is_one_of(char c, const char *set)
{
	return c != '\0' && strchr(set, c);
}

/* Characters that end a word and start an operator (XCU 2.3 rule 6). */
static bool is_op_char(char c)
{
	return is_one_of(c, ";&|()<>");
}

/* Single-character special parameters: $@ $* $# $? $- $$ $! (and $0..$9). */
static bool is_special_param(char c)
{
	return is_digit(c) || is_one_of(c, "@*#?-$!");
}

bool pt_shellvars_is_name(const char *s, size_t n)
{
	if (n == 0 || !is_name_start(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

/* ---- Skipping over quoted and $ constructs (shared by the lexer and the evaluator) ---- */

struct scan {
	const char *s;
	size_t len; /* scanning stops here */
	size_t p;
	unsigned line; /* line of s[p] */
	unsigned err_line;
	unsigned depth;
	bool eofmark; /* a here-document delimiter: '$' and '`' are not special (dash CHKEOFMARK) */
};

static void sc_adv(struct scan *sc)
{
	if (sc->s[sc->p] == '\n')
		sc->line++;
	sc->p++;
}

static int sc_fail(struct scan *sc, unsigned line)
{
	sc->err_line = line;
	return -EINVAL;
}

static int skip_dollar(struct scan *sc, bool in_dq);
static int skip_dquote(struct scan *sc);

/* At a backslash: the backslash and the character it quotes (a newline: line continuation). */
static void skip_escape(struct scan *sc)
{
	sc->p++;
	if (sc->p < sc->len)
		sc_adv(sc);
}

/* At '\'': everything up to the next '\'' is literal (XCU 2.2.2); no escapes. */
static int skip_squote(struct scan *sc)
{
	unsigned line = sc->line;

	sc->p++;
	while (sc->p < sc->len) {
		char c = sc->s[sc->p];

		sc_adv(sc);
		if (c == '\'')
			return 0;
	}
	return sc_fail(sc, line);
}

/* At '`': old-style command substitution, ended by the next unescaped '`'. */
static int skip_bquote(struct scan *sc)
{
	unsigned line = sc->line;

	sc->p++;
	if (sc->eofmark)
		return 0;
	while (sc->p < sc->len) {
		char c = sc->s[sc->p];

		if (c == '\\') {
			skip_escape(sc);
			continue;
		}
		sc_adv(sc);
		if (c == '`')
			return 0;
	}
	return sc_fail(sc, line);
}

/*
 * The constructs every context shares, at sc->p: a backslash escape, '...' (not inside double
 * quotes, XCU 2.2.3), "...", `...` and $...: 0 or -errno once skipped; 1 when none starts here.
 */
static int skip_construct(struct scan *sc, bool in_dq)
{
	switch (sc->s[sc->p]) {
	case '\\':
		skip_escape(sc);
		return 0;
	case '\'':
		return in_dq ? 1 : skip_squote(sc);
	case '"':
		return skip_dquote(sc);
	case '`':
		return skip_bquote(sc);
	case '$':
		return skip_dollar(sc, in_dq);
	default:
		return 1;
	}
}

/* At '"': $ constructs, `...` and backslash escapes stay active inside (XCU 2.2.3). */
static int skip_dquote(struct scan *sc)
{
	unsigned line = sc->line;
	int r = 0;

	if (++sc->depth > MAX_DEPTH)
		return sc_fail(sc, line);
	sc->p++;
	while (sc->p < sc->len) {
		char c = sc->s[sc->p];

		if (c == '"') {
			sc->p++;
			sc->depth--;
			return 0;
		}
		if ((r = skip_construct(sc, true)) == 1)
			sc_adv(sc);
		else if (r < 0)
			return r;
	}
	return sc_fail(sc, line);
}

/* Line continuations vanish before tokenising (XCU 2.2.1), also between '$' and its name. */
static void eat_bnl(struct scan *sc)
{
	while (sc->p + 1 < sc->len && sc->s[sc->p] == '\\' && sc->s[sc->p + 1] == '\n') {
		sc->p += 2;
		sc->line++;
	}
}

static char sc_peek(struct scan *sc)
{
	eat_bnl(sc);
	return sc->p < sc->len ? sc->s[sc->p] : '\0';
}

/*
 * After "${", what dash reads before the word (parser.c parsesub): the parameter (a name,
 * digits, one special character, or '#' and the parameter whose length is taken), then one
 * character as the operator: '}' ends "${NAME}" there; ':' takes the next character too,
 * whatever it is (so "${A:}" still needs a '}'); '%' and '#' may be doubled. Any other character
 * is consumed and dropped: dash only says "Bad substitution" when the line runs.
 */
enum head {
	HEAD_CLOSED,  /* "${NAME}": the closing '}' was consumed */
	HEAD_WORD,    /* a word up to the matching '}' follows */
	HEAD_PATTERN, /* a pattern (after % %% # ##): unquoted syntax even inside "..." */
};

static enum head skip_param_head(struct scan *sc)
{
	char c = sc_peek(sc), c2, c3;

	if (is_name_start(c)) {
		while (is_name_char(sc_peek(sc)))
			sc->p++;
	} else if (is_digit(c)) {
		while (is_digit(sc_peek(sc)))
			sc->p++;
	} else if (c == '#') {
		sc->p++;
		c2 = sc_peek(sc);
		if (is_name_char(c2)) {
			/* ${#NAME}: a length; whatever follows is the word */
			while (is_digit(c2) ? is_digit(sc_peek(sc)) : is_name_char(sc_peek(sc)))
				sc->p++;
			return HEAD_WORD;
		}
		c3 = sc->p + 1 < sc->len ? sc->s[sc->p + 1] : '\0';
		if (c2 != '}' && c3 == '}') {
			sc_adv(sc); /* ${#@}: the length of a one-character parameter */
			return HEAD_WORD;
		}
		/* otherwise $# and an operator: ${#}, ${##}, ${#-w} */
	} else if (is_special_param(c)) {
		sc->p++;
	} else {
		return HEAD_WORD; /* "${[x}", "${ }": a bad substitution, the word still runs to '}'
				   */
	}
	c = sc_peek(sc);
	if (sc->p >= sc->len)
		return HEAD_WORD;
	if (c == '}') {
		sc->p++;
		return HEAD_CLOSED;
	}
	sc_adv(sc);
	if (c == ':') {
		eat_bnl(sc);
		if (sc->p < sc->len)
			sc_adv(sc);
	} else if (c == '%' || c == '#') {
		if (sc_peek(sc) == c)
			sc->p++;
		return HEAD_PATTERN;
	}
	return HEAD_WORD;
}

/*
 * At the '{' of "${": up to the matching '}'. Quotes nest inside the word of ${V:-word}; inside
 * double quotes dash keeps single quotes there literal.
 */
static int skip_braces(struct scan *sc, bool in_dq)
{
	unsigned line = sc->line;
	int r = 0;

	if (++sc->depth > MAX_DEPTH)
		return sc_fail(sc, line);
	sc->p++;
	switch (skip_param_head(sc)) {
	case HEAD_CLOSED:
		sc->depth--;
		return 0;
	case HEAD_PATTERN:
		in_dq = false; /* dash parses the pattern in base syntax: '...' quotes there */
		break;
	default:
		break;
	}
	while (sc->p < sc->len) {
		char c = sc->s[sc->p];

		if (c == '}') {
			sc->p++;
			sc->depth--;
			return 0;
		}
		if ((r = skip_construct(sc, in_dq)) == 1)
			sc_adv(sc);
		else if (r < 0)
			return r;
	}
	return sc_fail(sc, line);
}

/*
 * At the first '(' of "$(" or "$((": a nested script, up to the ')' that balances it. We count
 * parentheses, so an unbalanced case pattern "x)" inside ends it early (documented limitation).
 */
static int skip_parens(struct scan *sc)
{
	unsigned line = sc->line;
	size_t open = sc->p;
	unsigned nest = 0;
	int r = 0;

	if (++sc->depth > MAX_DEPTH)
		return sc_fail(sc, line);
	while (sc->p < sc->len) {
		char c = sc->s[sc->p];

		if (c == '(') {
			nest++;
			sc->p++;
			continue;
		}
		if (c == ')') {
			sc->p++;
			if (--nest == 0) {
				sc->depth--;
				return 0;
			}
			continue;
		}
		if ((r = skip_construct(sc, false)) < 0)
			return r;
		if (r == 0)
			continue;
		if (c == '#' && sc->p > open && is_one_of(sc->s[sc->p - 1], " \t\n;&|("))
			while (sc->p < sc->len && sc->s[sc->p] != '\n')
				sc->p++;
		else
			sc_adv(sc);
	}
	return sc_fail(sc, line);
}

/*
 * At '$'. Plain $NAME needs no skipping: its characters are ordinary word characters. A
 * special parameter is consumed with its '$', so that "$${A}" is $$ followed by "{A}" text.
 */
static int skip_dollar(struct scan *sc, bool in_dq)
{
	sc->p++;
	if (sc->eofmark)
		return 0;
	eat_bnl(sc);
	if (sc->p >= sc->len)
		return 0;
	if (sc->s[sc->p] == '{')
		return skip_braces(sc, in_dq);
	if (sc->s[sc->p] == '(')
		return skip_parens(sc);
	if (is_special_param(sc->s[sc->p]))
		sc->p++;
	return 0;
}

/* A word: up to an unquoted blank, newline or operator character (XCU 2.3). */
static int scan_word(struct scan *sc)
{
	int r = 0;

	while (sc->p < sc->len) {
		char c = sc->s[sc->p];

		if ((r = skip_construct(sc, false)) < 0)
			return r;
		if (r == 0)
			continue;
		if (is_blank(c) || c == '\n' || is_op_char(c))
			break;
		sc->p++;
	}
	return 0;
}

/* ---- Tokens ---- */

enum tok_type {
	T_EOF,
	T_NEWLINE,
	T_WORD,
	T_OP,
};

enum op_kind {
	OP_SEMI,
	OP_DSEMI,
	OP_AMP,
	OP_AND,
	OP_PIPE,
	OP_OR,
	OP_LPAREN,
	OP_RPAREN,
	OP_REDIR,
	OP_HEREDOC,
	OP_HEREDOC_STRIP,
};

struct token {
	enum tok_type type;
	enum op_kind op;
	size_t start, end;
	unsigned line, end_line;
	bool io_number; /* a digit right before '<' or '>': part of the redirection (XCU 2.10.1) */
};

/* ---- Parser state ---- */

enum ctx_kind {
	C_IF,
	C_LOOP,
	C_CASE,
	C_BRACE,
	C_SUBSHELL,
	C_FUNC,
};

enum case_state {
	CASE_WORD,
	CASE_IN,
	CASE_PATTERN,
	CASE_BODY,
};

/* dash rejects empty parts and parts out of order: "if a; fi", "while a; done", "{ }". */
enum if_state {
	IF_COND,
	IF_THEN,
	IF_ELSE,
};

enum loop_state {
	LOOP_COND,
	LOOP_FORHEAD, /* after "for NAME [in WORDS]" and its separator: only "do" may follow */
	LOOP_BODY,
};

enum cmd_class {
	CMD_OTHER,
	CMD_DECL,   /* export, readonly: NAME=value arguments are assignments */
	CMD_MODIFY, /* unset, read, local, getopts: NAME arguments change */
	CMD_SOURCE, /* . and source */
	CMD_EVAL,
	CMD_CALL, /* a function defined earlier in this file */
};

struct ctx {
	enum ctx_kind kind;
	unsigned line;
	int state;     /* enum if_state, loop_state, case_state; C_FUNC: 1 once its body started */
	unsigned cmds; /* commands in the current part (if/then/else, do, { }, ( )) */
	unsigned patterns; /* C_CASE: pattern words seen in the current pattern list */
	bool need_word;	   /* C_CASE: after '(' or '|' in a pattern list */
	/* the enclosing list's state, restored when this construct closes */
	size_t list_first, pipe_first;
	bool and_or_cond, pipe_seen;
};

struct heredoc {
	size_t start, end; /* the delimiter word */
	bool strip_tabs;
};

struct parser {
	struct scan sc;
	struct pt_shellvars_doc *doc;
	size_t cap_items;
	struct ctx *ctx;
	size_t n_ctx, cap_ctx;
	struct heredoc *hd;
	size_t n_hd, cap_hd;
	struct pt_strv funcs; /* names of functions defined so far */

	bool cmd_start;	     /* the next word is in command position: reserved words count */
	bool linebreak_ok;   /* newlines are skipped (after && || | and a function header) */
	bool after_compound; /* a compound command just closed: only redirections may follow */
	bool func_pending;   /* "name()" seen, its compound body not started yet */
	bool need_cmd;	     /* after && || | a command must follow */
	bool bang;	     /* the current pipeline started with '!' */
	bool after_pipe;     /* right after '|': no '!' allowed */
	bool and_or_cond;    /* the current pipeline follows && or || */
	bool pipe_seen;	     /* the current pipeline has a '|' */
	size_t list_first;   /* first item of the current and-or list */
	size_t pipe_first;   /* first item of the current pipeline */
	int for_state; /* 1: expect the name, 2: expect in/do/separator, 3: in the word list */
	size_t for_start;
	unsigned for_line;
	bool expect_redir, expect_heredoc, heredoc_strip, expect_func_rparen;

	/* the simple command being read */
	bool sc_active, sc_have_name;
	struct token sc_name;
	size_t sc_start, sc_end;
	unsigned sc_end_line;
	size_t sc_first_item, sc_name_item, sc_nargs;
	enum cmd_class sc_class;
	bool sc_special; /* POSIX special built-in: its prefix assignments persist */
	struct pt_strv sc_targets;
};

static int fail_at(struct parser *ps, unsigned line)
{
	ps->sc.err_line = line;
	return -EINVAL;
}

static bool word_is(const struct parser *ps, const struct token *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->end - t->start == n && memcmp(ps->sc.s + t->start, lit, n) == 0;
}

/* Plain text: no quoting or expansion characters, so what is written is what it means. */
static bool word_literal(const struct parser *ps, const struct token *t)
{
	for (size_t i = t->start; i < t->end; i++)
		if (is_one_of(ps->sc.s[i], "\\'\"`$"))
			return false;
	return true;
}

/* Removes quotes and backslashes, as the shell does to a here-document delimiter (XCU 2.7.4). */
static char *unquote_simple(const char *s, size_t n)
{
	char *r = malloc(n + 1), *o = r;

	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			*o++ = s[++i];
		else if (s[i] != '\'' && s[i] != '"')
			*o++ = s[i];
	}
	*o = '\0';
	return r;
}

/* Here-document bodies start after the newline that ends their command line. */
static int read_heredocs(struct parser *ps)
{
	struct scan *sc = &ps->sc;

	for (size_t h = 0; h < ps->n_hd; h++) {
		char *delim =
			unquote_simple(sc->s + ps->hd[h].start, ps->hd[h].end - ps->hd[h].start);
		size_t dn;

		if (!delim)
			return -ENOMEM;
		dn = strlen(delim);
		while (sc->p < sc->len) {
			const char *nl = memchr(sc->s + sc->p, '\n', sc->len - sc->p);
			size_t le = nl ? (size_t)(nl - sc->s) : sc->len, b = sc->p;

			if (ps->hd[h].strip_tabs)
				while (b < le && sc->s[b] == '\t')
					b++;
			sc->p = nl ? le + 1 : le;
			if (nl)
				sc->line++;
			if (le - b == dn && memcmp(sc->s + b, delim, dn) == 0)
				break;
		}
		/* A body that runs to the end of the file: dash only warns. */
		free(delim);
	}
	ps->n_hd = 0;
	return 0;
}

static int next_token(struct parser *ps, struct token *t)
{
	struct scan *sc = &ps->sc;
	char c, d;
	int r;

	for (;;) {
		while (sc->p < sc->len) {
			c = sc->s[sc->p];
			if (is_blank(c)) {
				sc->p++;
			} else if (c == '\\' && sc->p + 1 < sc->len && sc->s[sc->p + 1] == '\n') {
				sc->p += 2; /* line continuation between words */
				sc->line++;
			} else {
				break;
			}
		}
		if (sc->p < sc->len && sc->s[sc->p] == '#') {
			/* A comment starts where a token could (XCU 2.3 rule 9). */
			while (sc->p < sc->len && sc->s[sc->p] != '\n')
				sc->p++;
			continue;
		}
		break;
	}
	*t = (struct token){.start = sc->p, .line = sc->line, .end_line = sc->line};
	if (sc->p >= sc->len) {
		t->type = T_EOF;
		t->end = sc->p;
		return 0;
	}
	c = sc->s[sc->p];
	if (c == '\n') {
		t->type = T_NEWLINE;
		sc->p++;
		sc->line++;
		t->end = sc->p;
		return ps->n_hd ? read_heredocs(ps) : 0;
	}
	if (is_op_char(c)) {
		size_t n = 1;

		d = sc->p + 1 < sc->len ? sc->s[sc->p + 1] : '\0';
		t->type = T_OP;
		switch (c) {
		case ';':
			t->op = d == ';' ? OP_DSEMI : OP_SEMI;
			break;
		case '&':
			t->op = d == '&' ? OP_AND : OP_AMP;
			break;
		case '|':
			t->op = d == '|' ? OP_OR : OP_PIPE;
			break;
		case '(':
			t->op = OP_LPAREN;
			break;
		case ')':
			t->op = OP_RPAREN;
			break;
		case '<':
			t->op = OP_REDIR;
			if (d == '<') {
				bool strip = sc->p + 2 < sc->len && sc->s[sc->p + 2] == '-';

				t->op = strip ? OP_HEREDOC_STRIP : OP_HEREDOC;
				n = strip ? 3 : 2;
			} else if (d == '&' || d == '>') {
				n = 2;
			}
			break;
		default: /* '>' */
			t->op = OP_REDIR;
			if (d == '>' || d == '&' || d == '|')
				n = 2;
			break;
		}
		if (t->op == OP_DSEMI || t->op == OP_AND || t->op == OP_OR)
			n = 2;
		sc->p += n;
		t->end = sc->p;
		return 0;
	}
	t->type = T_WORD;
	sc->eofmark = ps->expect_heredoc;
	r = scan_word(sc);
	sc->eofmark = false;
	if (r < 0)
		return r;
	t->end = sc->p;
	/* dash takes exactly one unquoted digit before '<' or '>' as the descriptor. */
	if (sc->p < sc->len && (sc->s[sc->p] == '<' || sc->s[sc->p] == '>') &&
	    t->end == t->start + 1 && is_digit(sc->s[t->start]))
		t->io_number = true;
	/* The word may end in a backslash-newline; its last byte is then on the previous line. */
	t->end_line = sc->line - (sc->s[t->end - 1] == '\n' ? 1 : 0);
	return 0;
}

/* ---- Items ---- */

static struct pt_shellvars_item *add_item(struct parser *ps)
{
	struct pt_shellvars_doc *doc = ps->doc;

	if (doc->n == ps->cap_items) {
		size_t cap = ps->cap_items ? ps->cap_items * 2 : 16;
		struct pt_shellvars_item *items = realloc(doc->items, cap * sizeof(*items));

		if (!items)
			return NULL;
		doc->items = items;
		ps->cap_items = cap;
	}
	doc->items[doc->n] = (struct pt_shellvars_item){0};
	return &doc->items[doc->n++];
}

/* Where the statement sits: inside if/loops/case, a function body, a subshell, after && ||. */
static unsigned ctx_flags(const struct parser *ps)
{
	unsigned f = ps->and_or_cond ? PT_SHELLVARS_CONDITIONAL : 0;

	for (size_t i = 0; i < ps->n_ctx; i++) {
		const struct ctx *c = &ps->ctx[i];

		if (c->and_or_cond)
			f |= PT_SHELLVARS_CONDITIONAL;
		switch (c->kind) {
		case C_IF:
		case C_LOOP:
		case C_CASE:
			f |= PT_SHELLVARS_CONDITIONAL;
			break;
		case C_FUNC:
			f |= PT_SHELLVARS_FUNCTION;
			break;
		case C_SUBSHELL:
			f |= PT_SHELLVARS_SUBSHELL;
			break;
		case C_BRACE:
			break;
		}
	}
	return f;
}

static void mark_items(struct parser *ps, size_t from, unsigned flags)
{
	for (size_t i = from; i < ps->doc->n; i++)
		ps->doc->items[i].flags |= flags;
}

/*
 * NAME=... with a literal name (XCU 2.10.2 rule 7). Returns the offset of '=' or 0. A
 * backslash-newline inside the name is removed before tokenising, so it does not matter.
 */
static size_t assignment_eq(const struct parser *ps, const struct token *t)
{
	const char *s = ps->sc.s;
	size_t i = t->start, n = 0;

	while (i < t->end) {
		char c = s[i];

		if (c == '\\' && i + 1 < t->end && s[i + 1] == '\n') {
			i += 2;
			continue;
		}
		if (c == '=')
			return n > 0 ? i : 0;
		if (!is_name_char(c) || (n == 0 && is_digit(c)))
			return 0;
		n++;
		i++;
	}
	return 0;
}

static char *cooked_name(const char *s, size_t start, size_t end)
{
	char *r = malloc(end - start + 1), *o = r;

	if (!r)
		return NULL;
	for (size_t i = start; i < end; i++) {
		if (s[i] == '\\' && i + 1 < end && s[i + 1] == '\n')
			i++;
		else
			*o++ = s[i];
	}
	*o = '\0';
	return r;
}

static unsigned static_flags(const struct pt_shellvars_doc *doc, size_t start, size_t end);

static int add_assign(struct parser *ps, const struct token *t, size_t eq, unsigned flags)
{
	struct pt_shellvars_item *it = add_item(ps);

	if (!it)
		return -ENOMEM;
	it->kind = PT_SHELLVARS_ASSIGN;
	it->start = t->start;
	it->end = t->end;
	it->line = t->line;
	it->end_line = t->end_line;
	it->value_start = eq + 1;
	it->stmt_start = t->start;
	it->stmt_end = t->end;
	it->name = cooked_name(ps->sc.s, t->start, eq);
	it->raw = strndup(ps->sc.s + eq + 1, t->end - eq - 1);
	if (!it->name || !it->raw)
		return -ENOMEM;
	it->flags = flags | ctx_flags(ps) | static_flags(ps->doc, eq + 1, t->end);
	return 0;
}

static void sc_begin(struct parser *ps, const struct token *t)
{
	ps->need_cmd = ps->after_pipe = false;
	if (!ps->sc_active) {
		ps->sc_active = true;
		ps->sc_have_name = false;
		ps->sc_start = t->start;
		ps->sc_first_item = ps->sc_name_item = ps->doc->n;
		ps->sc_nargs = 0;
		ps->sc_class = CMD_OTHER;
		ps->sc_special = false;
		pt_strv_done(&ps->sc_targets);
	}
	ps->sc_end = t->end;
	ps->sc_end_line = t->end_line;
}

static void pop_ctx(struct parser *ps);
static struct ctx *top_ctx(struct parser *ps);

/* A command completed in the innermost construct's current part. */
static void note_command(struct parser *ps)
{
	if (ps->n_ctx)
		ps->ctx[ps->n_ctx - 1].cmds++;
}

static int finish_simple_command(struct parser *ps)
{
	struct pt_shellvars_item *it;
	const struct token *nm = &ps->sc_name;

	if (!ps->sc_active)
		return 0;
	ps->sc_active = false;
	note_command(ps);
	for (size_t i = ps->sc_first_item; i < ps->doc->n; i++) {
		ps->doc->items[i].stmt_start = ps->sc_start;
		ps->doc->items[i].stmt_end = ps->sc_end;
	}
	if (!ps->sc_have_name)
		return 0; /* assignments (and redirections) only: they persist */
	if (!ps->sc_special)
		for (size_t i = ps->sc_first_item; i < ps->sc_name_item; i++)
			ps->doc->items[i].flags |= PT_SHELLVARS_PREFIX;
	if (ps->sc_class == CMD_DECL)
		return 0; /* export/readonly: its assignments are the items */

	it = add_item(ps);
	if (!it)
		return -ENOMEM;
	it->kind = PT_SHELLVARS_OPAQUE;
	it->start = nm->start;
	it->end = ps->sc_end;
	it->line = nm->line;
	it->end_line = ps->sc_end_line;
	it->flags = PT_SHELLVARS_COMMAND | ctx_flags(ps);
	if (word_literal(ps, nm)) {
		it->command = strndup(ps->sc.s + nm->start, nm->end - nm->start);
		if (!it->command)
			return -ENOMEM;
	}
	switch (ps->sc_class) {
	case CMD_SOURCE:
		it->flags |= PT_SHELLVARS_SOURCE;
		break;
	case CMD_EVAL:
		it->flags |= PT_SHELLVARS_EVAL;
		break;
	case CMD_CALL:
		it->flags |= PT_SHELLVARS_CALL;
		break;
	case CMD_MODIFY:
		it->flags |= PT_SHELLVARS_MODIFIES;
		it->targets = ps->sc_targets;
		ps->sc_targets = (struct pt_strv){0};
		break;
	default:
		break;
	}
	return 0;
}

static int end_simple_command(struct parser *ps)
{
	bool was_active = ps->sc_active;
	int r = finish_simple_command(ps);
	struct ctx *c = top_ctx(ps);

	/* dash also takes a simple command as a function body: "f() echo hi". */
	if (was_active && c && c->kind == C_FUNC && c->state == 2) {
		pop_ctx(ps);
		note_command(ps);
	}
	return r;
}

static int end_pipeline(struct parser *ps)
{
	int r = end_simple_command(ps);

	/* dash runs every command of a multi-command pipeline in a subshell. */
	if (ps->pipe_seen)
		mark_items(ps, ps->pipe_first, PT_SHELLVARS_SUBSHELL);
	ps->pipe_seen = ps->bang = false;
	ps->pipe_first = ps->doc->n;
	return r;
}

static int end_list(struct parser *ps, bool async)
{
	int r = end_pipeline(ps);

	/* "list &" runs in a subshell. */
	if (async)
		mark_items(ps, ps->list_first, PT_SHELLVARS_SUBSHELL);
	ps->and_or_cond = false;
	ps->list_first = ps->pipe_first = ps->doc->n;
	ps->cmd_start = true;
	ps->after_compound = false;
	return r;
}

static int push_ctx(struct parser *ps, enum ctx_kind kind, unsigned line)
{
	struct ctx *c;

	if (ps->n_ctx >= MAX_DEPTH)
		return fail_at(ps, line);
	if (ps->n_ctx == ps->cap_ctx) {
		size_t cap = ps->cap_ctx ? ps->cap_ctx * 2 : 8;
		struct ctx *n = realloc(ps->ctx, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ps->ctx = n;
		ps->cap_ctx = cap;
	}
	if (ps->func_pending) {
		/* This compound command is the pending function's body. */
		ps->ctx[ps->n_ctx - 1].state = 1;
		ps->func_pending = false;
	}
	c = &ps->ctx[ps->n_ctx++];
	*c = (struct ctx){
		.kind = kind,
		.line = line,
		.list_first = ps->list_first,
		.pipe_first = ps->pipe_first,
		.and_or_cond = ps->and_or_cond,
		.pipe_seen = ps->pipe_seen,
	};
	ps->list_first = ps->pipe_first = ps->doc->n;
	ps->and_or_cond = ps->pipe_seen = false;
	ps->cmd_start = true;
	ps->need_cmd = ps->bang = ps->after_pipe = false;
	return 0;
}

static void pop_ctx(struct parser *ps)
{
	struct ctx *c = &ps->ctx[--ps->n_ctx];

	ps->list_first = c->list_first;
	ps->pipe_first = c->pipe_first;
	ps->and_or_cond = c->and_or_cond;
	ps->pipe_seen = c->pipe_seen;
}

static struct ctx *top_ctx(struct parser *ps)
{
	return ps->n_ctx ? &ps->ctx[ps->n_ctx - 1] : NULL;
}

/* Whether the construct may close now: its parts came in order and none is empty. */
static bool ctx_complete(const struct ctx *c)
{
	switch (c->kind) {
	case C_IF:
		return c->state != IF_COND && c->cmds > 0;
	case C_LOOP:
		return c->state == LOOP_BODY && c->cmds > 0;
	case C_CASE:
		return c->state == CASE_BODY ||
		       (c->state == CASE_PATTERN && c->patterns == 0 && !c->need_word);
	default:
		return c->cmds > 0;
	}
}

/* Closes the innermost construct, which must be of the given kind and complete. */
static int close_ctx(struct parser *ps, enum ctx_kind kind, unsigned line)
{
	struct ctx *c = top_ctx(ps);
	int r;

	if (!c || c->kind != kind || ps->need_cmd)
		return fail_at(ps, line);
	r = end_list(ps, false);
	if (r < 0)
		return r;
	if (!ctx_complete(c))
		return fail_at(ps, line);
	pop_ctx(ps);
	/* A function whose body this was is complete as well. */
	while ((c = top_ctx(ps)) && c->kind == C_FUNC && c->state == 1)
		pop_ctx(ps);
	note_command(ps);
	ps->cmd_start = false;
	ps->after_compound = true;
	return 0;
}

/*
 * then, elif, else, do: the innermost construct must be of this kind and in state from, with at
 * least one command in that part (the for header needs none); a new part starts.
 */
static int next_part(struct parser *ps, const struct token *t, enum ctx_kind kind, int from, int to)
{
	struct ctx *c = top_ctx(ps);
	bool for_head = kind == C_LOOP && c && c->state == LOOP_FORHEAD;
	int r;

	if (!c || c->kind != kind || ps->need_cmd)
		return fail_at(ps, t->line);
	if (!for_head && (c->state != from || c->cmds == 0))
		return fail_at(ps, t->line);
	r = end_list(ps, false);
	if (r < 0)
		return r;
	c->state = to;
	c->cmds = 0;
	return 1;
}

static bool is_compound_opener(const struct parser *ps, const struct token *t)
{
	static const char *const openers[] = {"{", "if", "while", "until", "for", "case"};

	for (size_t i = 0; i < ELEMENTSOF(openers); i++)
		if (word_is(ps, t, openers[i]))
			return true;
	return false;
}

static bool is_list_closer(const struct parser *ps, const struct token *t)
{
	static const char *const closers[] = {"}",    "fi",   "done", "esac",
					      "then", "else", "elif", "do"};

	for (size_t i = 0; i < ELEMENTSOF(closers); i++)
		if (word_is(ps, t, closers[i]))
			return true;
	return false;
}

/* Reserved words in command position (XCU 2.4). Returns 1 when t was one. */
static int reserved_word(struct parser *ps, const struct token *t)
{
	int r;

	if (word_is(ps, t, "if"))
		return push_ctx(ps, C_IF, t->line) ?: 1;
	if (word_is(ps, t, "then"))
		return next_part(ps, t, C_IF, IF_COND, IF_THEN);
	if (word_is(ps, t, "elif"))
		return next_part(ps, t, C_IF, IF_THEN, IF_COND);
	if (word_is(ps, t, "else"))
		return next_part(ps, t, C_IF, IF_THEN, IF_ELSE);
	if (word_is(ps, t, "fi"))
		return close_ctx(ps, C_IF, t->line) ?: 1;
	if (word_is(ps, t, "while") || word_is(ps, t, "until"))
		return push_ctx(ps, C_LOOP, t->line) ?: 1;
	if (word_is(ps, t, "for")) {
		r = push_ctx(ps, C_LOOP, t->line);
		if (r < 0)
			return r;
		ps->for_state = 1;
		ps->for_start = t->start;
		ps->for_line = t->line;
		ps->cmd_start = false;
		return 1;
	}
	if (word_is(ps, t, "do"))
		return next_part(ps, t, C_LOOP, LOOP_COND, LOOP_BODY);
	if (word_is(ps, t, "done"))
		return close_ctx(ps, C_LOOP, t->line) ?: 1;
	if (word_is(ps, t, "case")) {
		r = push_ctx(ps, C_CASE, t->line);
		if (r < 0)
			return r;
		ps->ctx[ps->n_ctx - 1].state = CASE_WORD;
		ps->cmd_start = false;
		return 1;
	}
	if (word_is(ps, t, "esac"))
		return close_ctx(ps, C_CASE, t->line) ?: 1;
	if (word_is(ps, t, "{"))
		return push_ctx(ps, C_BRACE, t->line) ?: 1;
	if (word_is(ps, t, "}"))
		return close_ctx(ps, C_BRACE, t->line) ?: 1;
	if (word_is(ps, t, "!")) {
		/* Only once, at the start of a pipeline: "! ! a" and "a | ! b" are errors. */
		if (ps->bang || ps->after_pipe)
			return fail_at(ps, t->line);
		ps->need_cmd = ps->bang = true;
		return 1;
	}
	return 0;
}

static int for_word(struct parser *ps, const struct token *t)
{
	struct pt_shellvars_item *it;

	switch (ps->for_state) {
	case 1:
		if (!word_literal(ps, t) ||
		    !pt_shellvars_is_name(ps->sc.s + t->start, t->end - t->start))
			return fail_at(ps, t->line);
		it = add_item(ps);
		if (!it)
			return -ENOMEM;
		it->kind = PT_SHELLVARS_OPAQUE;
		it->start = ps->for_start;
		it->end = t->end;
		it->line = ps->for_line;
		it->end_line = t->end_line;
		it->flags = PT_SHELLVARS_MODIFIES | ctx_flags(ps);
		it->command = strdup("for");
		if (!it->command ||
		    pt_strv_pushn(&it->targets, ps->sc.s + t->start, t->end - t->start))
			return -ENOMEM;
		ps->for_state = 2;
		return 0;
	case 2:
		if (word_is(ps, t, "in")) {
			ps->for_state = 3;
			return 0;
		}
		if (word_is(ps, t, "do")) {
			/* "for NAME do": the body starts right away. */
			ps->for_state = 0;
			ps->cmd_start = true;
			top_ctx(ps)->state = LOOP_BODY;
			return 0;
		}
		return fail_at(ps, t->line);
	default:
		return 0; /* the word list */
	}
}

/* The separator after "for NAME [in WORDS]": now only "do" may come. */
static void end_for_header(struct parser *ps)
{
	ps->for_state = 0;
	ps->cmd_start = true;
	top_ctx(ps)->state = LOOP_FORHEAD;
}

static int case_word(struct parser *ps, const struct token *t, struct ctx *c)
{
	switch (c->state) {
	case CASE_WORD:
		c->state = CASE_IN;
		return 0;
	case CASE_IN:
		if (!word_is(ps, t, "in"))
			return fail_at(ps, t->line);
		c->state = CASE_PATTERN;
		c->patterns = 0;
		return 0;
	default: /* CASE_PATTERN: [(] word [| word]... ) */
		if (c->patterns == 0 && !c->need_word && word_is(ps, t, "esac"))
			return close_ctx(ps, C_CASE, t->line);
		if (c->patterns > 0 && !c->need_word)
			return fail_at(ps, t->line);
		c->patterns++;
		c->need_word = false;
		return 0;
	}
}

static enum cmd_class classify(struct parser *ps, const struct token *t, bool *special)
{
	/* POSIX special built-ins (XCU 2.14): assignments before them persist. */
	static const char *const specials[] = {
		":",	    "break",  "continue", ".",	   "eval",  "exec", "exit",  "export",
		"readonly", "return", "set",	  "shift", "times", "trap", "unset",
	};
	char *name;
	enum cmd_class cls = CMD_OTHER;

	*special = false;
	if (!word_literal(ps, t))
		return CMD_OTHER;
	for (size_t i = 0; i < ELEMENTSOF(specials); i++)
		if (word_is(ps, t, specials[i]))
			*special = true;
	if (word_is(ps, t, "export") || word_is(ps, t, "readonly"))
		return CMD_DECL;
	if (word_is(ps, t, "unset") || word_is(ps, t, "read") || word_is(ps, t, "local") ||
	    word_is(ps, t, "getopts"))
		return CMD_MODIFY;
	if (word_is(ps, t, ".") || word_is(ps, t, "source"))
		return CMD_SOURCE;
	if (word_is(ps, t, "eval"))
		return CMD_EVAL;
	name = strndup(ps->sc.s + t->start, t->end - t->start);
	if (name && pt_strv_contains(&ps->funcs, name))
		cls = CMD_CALL;
	free(name);
	return cls;
}

static int simple_command_word(struct parser *ps, const struct token *t)
{
	size_t eq;

	sc_begin(ps, t);
	ps->cmd_start = false;
	if (!ps->sc_have_name) {
		eq = assignment_eq(ps, t);
		if (eq)
			return add_assign(ps, t, eq, 0);
		ps->sc_have_name = true;
		ps->sc_name = *t;
		ps->sc_name_item = ps->doc->n;
		ps->sc_class = classify(ps, t, &ps->sc_special);
		return 0;
	}
	ps->sc_nargs++;
	switch (ps->sc_class) {
	case CMD_DECL:
		eq = assignment_eq(ps, t);
		if (eq)
			return add_assign(ps, t, eq, PT_SHELLVARS_EXPORT);
		return 0;
	case CMD_MODIFY:
		/* "unset A", "read A", "local A" or "local A=1"; options are not names. */
		eq = assignment_eq(ps, t);
		if (eq)
			return pt_strv_consume(&ps->sc_targets,
					       cooked_name(ps->sc.s, t->start, eq));
		if (pt_shellvars_is_name(ps->sc.s + t->start, t->end - t->start))
			return pt_strv_pushn(&ps->sc_targets, ps->sc.s + t->start,
					     t->end - t->start);
		return 0;
	default:
		return 0;
	}
}

static int handle_word(struct parser *ps, const struct token *t)
{
	struct ctx *top = top_ctx(ps);
	int r;

	if (t->io_number) {
		/* "2>x": part of a redirection; not where a target or delimiter is due ("> 1>x").
		 */
		if (ps->expect_redir || ps->expect_heredoc)
			return fail_at(ps, t->line);
		if (ps->sc_active)
			sc_begin(ps, t);
		return 0;
	}
	if (ps->expect_heredoc) {
		if (ps->n_hd == ps->cap_hd) {
			size_t cap = ps->cap_hd ? ps->cap_hd * 2 : 4;
			struct heredoc *n = realloc(ps->hd, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			ps->hd = n;
			ps->cap_hd = cap;
		}
		ps->hd[ps->n_hd++] = (struct heredoc){t->start, t->end, ps->heredoc_strip};
		ps->expect_heredoc = ps->expect_redir = false;
		if (ps->sc_active)
			sc_begin(ps, t);
		return 0;
	}
	if (ps->expect_redir) {
		ps->expect_redir = false;
		if (ps->sc_active)
			sc_begin(ps, t);
		return 0;
	}
	if (ps->expect_func_rparen)
		return fail_at(ps, t->line);
	if (ps->for_state)
		return for_word(ps, t);
	if (top && top->kind == C_CASE && top->state != CASE_BODY)
		return case_word(ps, t, top);
	if (top && top->kind == C_LOOP && top->state == LOOP_FORHEAD && !word_is(ps, t, "do"))
		return fail_at(ps, t->line); /* "word unexpected (expecting "do")" */
	if (ps->after_compound) {
		/*
		 * "fi }", "done fi", "} then": the separator before a closing reserved word is
		 * optional (XCU 2.10.2 compound_list). Anything else after a compound command is
		 * a syntax error ("word unexpected").
		 */
		if (!is_list_closer(ps, t))
			return fail_at(ps, t->line);
		r = reserved_word(ps, t);
		return r < 0 ? r : 0;
	}
	if (ps->cmd_start && !ps->sc_active) {
		if (ps->func_pending && !is_compound_opener(ps, t)) {
			/* A simple command as the body: dash accepts it (POSIX does not). */
			top->state = 2;
			ps->func_pending = false;
			return simple_command_word(ps, t);
		}
		r = reserved_word(ps, t);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	return simple_command_word(ps, t);
}

static int function_definition(struct parser *ps, const struct token *rparen)
{
	struct pt_shellvars_item *it = add_item(ps);
	const struct token *nm = &ps->sc_name;
	int r;

	if (!it)
		return -ENOMEM;
	it->kind = PT_SHELLVARS_OPAQUE;
	it->start = nm->start;
	it->end = rparen->end;
	it->line = nm->line;
	it->end_line = rparen->end_line;
	it->flags = PT_SHELLVARS_FUNCDEF | ctx_flags(ps);
	it->command = strndup(ps->sc.s + nm->start, nm->end - nm->start);
	if (!it->command)
		return -ENOMEM;
	r = pt_strv_push(&ps->funcs, it->command);
	if (r < 0)
		return r;
	ps->sc_active = false;
	ps->expect_func_rparen = false;
	r = push_ctx(ps, C_FUNC, nm->line);
	if (r < 0)
		return r;
	ps->func_pending = true;
	ps->linebreak_ok = true;
	return 0;
}

static int handle_op(struct parser *ps, const struct token *t)
{
	struct ctx *top = top_ctx(ps);
	int r;

	if (ps->expect_func_rparen)
		return t->op == OP_RPAREN ? function_definition(ps, t) : fail_at(ps, t->line);
	if (ps->expect_redir || ps->expect_heredoc)
		return fail_at(ps, t->line);
	if (top && top->kind == C_CASE && top->state != CASE_BODY) {
		if (top->state != CASE_PATTERN)
			return fail_at(ps, t->line);
		if (t->op == OP_LPAREN && top->patterns == 0 && !top->need_word) {
			top->need_word = true;
			return 0;
		}
		if (t->op == OP_PIPE && top->patterns > 0 && !top->need_word) {
			top->need_word = true;
			return 0;
		}
		if (t->op == OP_RPAREN && top->patterns > 0 && !top->need_word) {
			top->state = CASE_BODY;
			top->cmds = 0;
			ps->cmd_start = true;
			ps->list_first = ps->pipe_first = ps->doc->n;
			return 0;
		}
		return fail_at(ps, t->line);
	}
	if (ps->for_state) {
		if (ps->for_state >= 2 && t->op == OP_SEMI) {
			end_for_header(ps);
			return 0;
		}
		return fail_at(ps, t->line);
	}
	if (ps->func_pending && !(t->op == OP_LPAREN))
		return fail_at(ps, t->line);
	if (top && top->kind == C_LOOP && top->state == LOOP_FORHEAD)
		return fail_at(ps, t->line);
	/* ; & && || | need a command before them ("Syntax error: ";" unexpected"). */
	if ((t->op == OP_SEMI || t->op == OP_AMP || t->op == OP_AND || t->op == OP_OR ||
	     t->op == OP_PIPE) &&
	    !ps->sc_active && !ps->after_compound)
		return fail_at(ps, t->line);

	switch (t->op) {
	case OP_SEMI:
		return end_list(ps, false);
	case OP_AMP:
		return end_list(ps, true);
	case OP_DSEMI:
		if (!top || top->kind != C_CASE || ps->need_cmd)
			return fail_at(ps, t->line);
		r = end_list(ps, false);
		top->state = CASE_PATTERN;
		top->patterns = 0;
		top->need_word = false;
		return r;
	case OP_AND:
	case OP_OR:
		r = end_pipeline(ps);
		ps->and_or_cond = true;
		ps->cmd_start = true;
		ps->after_compound = false;
		ps->linebreak_ok = true;
		ps->need_cmd = true;
		return r;
	case OP_PIPE:
		r = end_simple_command(ps);
		ps->pipe_seen = true;
		ps->cmd_start = true;
		ps->after_compound = false;
		ps->linebreak_ok = true;
		ps->need_cmd = ps->after_pipe = true;
		return r;
	case OP_LPAREN:
		if (ps->cmd_start && !ps->sc_active)
			return push_ctx(ps, C_SUBSHELL, t->line);
		/* "name()": dash insists on a valid name ("Bad function name"). */
		if (ps->sc_active && ps->sc_have_name && ps->sc_nargs == 0 &&
		    ps->sc_name_item == ps->sc_first_item &&
		    pt_shellvars_is_name(ps->sc.s + ps->sc_name.start,
					 ps->sc_name.end - ps->sc_name.start)) {
			ps->expect_func_rparen = true;
			return 0;
		}
		return fail_at(ps, t->line);
	case OP_RPAREN:
		return close_ctx(ps, C_SUBSHELL, t->line);
	case OP_HEREDOC:
	case OP_HEREDOC_STRIP:
		ps->expect_heredoc = true;
		ps->heredoc_strip = t->op == OP_HEREDOC_STRIP;
		__attribute__((fallthrough));
	case OP_REDIR:
	default:
		ps->expect_redir = true;
		if (!ps->after_compound)
			sc_begin(ps, t);
		return 0;
	}
}

static int handle_newline(struct parser *ps, const struct token *t)
{
	struct ctx *top = top_ctx(ps);

	if (ps->expect_redir || ps->expect_heredoc || ps->expect_func_rparen)
		return fail_at(ps, t->line);
	if (top && top->kind == C_CASE && top->state != CASE_BODY) {
		/* Newlines may come before "in" and before a pattern list, not inside one. */
		if (top->state == CASE_WORD ||
		    (top->state == CASE_PATTERN && (top->patterns > 0 || top->need_word)))
			return fail_at(ps, t->line);
		return 0;
	}
	if (ps->for_state == 1)
		return fail_at(ps, t->line);
	if (ps->for_state) {
		end_for_header(ps);
		return 0;
	}
	if (ps->linebreak_ok || (top && top->kind == C_LOOP && top->state == LOOP_FORHEAD))
		return 0;
	return end_list(ps, false);
}

static int run_parser(struct parser *ps)
{
	struct token t;
	int r;

	for (;;) {
		r = next_token(ps, &t);
		if (r < 0)
			return r;
		switch (t.type) {
		case T_EOF:
			if (ps->expect_redir || ps->expect_heredoc || ps->expect_func_rparen ||
			    ps->linebreak_ok || ps->need_cmd || ps->for_state)
				return fail_at(ps, t.line);
			r = end_list(ps, false);
			if (r < 0)
				return r;
			if (ps->n_ctx)
				return fail_at(ps, ps->ctx[ps->n_ctx - 1].line);
			return 0;
		case T_NEWLINE:
			r = handle_newline(ps, &t);
			break;
		case T_WORD:
			ps->linebreak_ok = false;
			r = handle_word(ps, &t);
			break;
		case T_OP:
			ps->linebreak_ok = false;
			r = handle_op(ps, &t);
			break;
		}
		if (r < 0)
			return r;
	}
}

static void item_done(struct pt_shellvars_item *it)
{
	free(it->name);
	free(it->raw);
	free(it->value);
	free(it->command);
	pt_strv_done(&it->targets);
}

void pt_shellvars_done(struct pt_shellvars_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->n; i++)
		item_done(&doc->items[i]);
	free(doc->items);
	free(doc->label);
	free(doc->text);
	*doc = (struct pt_shellvars_doc){0};
}

int pt_shellvars_parse(const char *buf, size_t len, const char *file_label,
		       struct pt_shellvars_doc *ret, unsigned *ret_err_line)
{
	struct pt_shellvars_doc doc = {0};
	struct parser ps = {0};
	const char *nul;
	int r;

	*ret = doc;
	if (ret_err_line)
		*ret_err_line = 0;
	nul = len ? memchr(buf, '\0', len) : NULL;
	if (nul) {
		if (ret_err_line) {
			unsigned line = 1;

			for (const char *p = buf; p < nul; p++)
				line += *p == '\n';
			*ret_err_line = line;
		}
		return -EINVAL;
	}
	if (len == SIZE_MAX)
		return -ENOMEM;
	doc.label = strdup(file_label ? file_label : "");
	doc.text = malloc(len + 1);
	if (!doc.label || !doc.text) {
		r = -ENOMEM;
		goto out;
	}
	if (len)
		memcpy(doc.text, buf, len);
	doc.text[len] = '\0';
	doc.len = len;

	ps.sc = (struct scan){.s = doc.text, .len = len, .line = 1};
	ps.doc = &doc;
	ps.cmd_start = true;
	r = run_parser(&ps);
out:
	free(ps.ctx);
	free(ps.hd);
	pt_strv_done(&ps.funcs);
	pt_strv_done(&ps.sc_targets);
	if (r < 0) {
		if (ret_err_line && r == -EINVAL)
			*ret_err_line = ps.sc.err_line;
		pt_shellvars_done(&doc);
		return r;
	}
	*ret = doc;
	return 0;
}

const struct pt_shellvars_item *pt_shellvars_find_last(const struct pt_shellvars_doc *doc,
						       const char *name)
{
	for (size_t i = doc->n; i > 0; i--) {
		const struct pt_shellvars_item *it = &doc->items[i - 1];

		if (it->kind == PT_SHELLVARS_ASSIGN && streq(it->name, name))
			return it;
	}
	return NULL;
}

/* ---- Evaluation ---- */

static struct pt_shellvars_var *env_find(const struct pt_shellvars_env *env, const char *name,
					 size_t n)
{
	for (size_t i = 0; env && i < env->n; i++)
		if (strlen(env->vars[i].name) == n && memcmp(env->vars[i].name, name, n) == 0)
			return &env->vars[i];
	return NULL;
}

const struct pt_shellvars_var *pt_shellvars_env_get(const struct pt_shellvars_env *env,
						    const char *name)
{
	return env_find(env, name, strlen(name));
}

int pt_shellvars_env_set(struct pt_shellvars_env *env, const char *name, const char *value,
			 const char *file, unsigned line, unsigned flags)
{
	struct pt_shellvars_var *v = env_find(env, name, strlen(name));
	char *nv = NULL, *nf = NULL;

	if (value && !(nv = strdup(value)))
		return -ENOMEM;
	if (file && !(nf = strdup(file))) {
		free(nv);
		return -ENOMEM;
	}
	if (!v) {
		char *nn = strdup(name);

		if (nn && env->n == env->cap) {
			size_t cap = env->cap ? env->cap * 2 : 16;
			struct pt_shellvars_var *vars = realloc(env->vars, cap * sizeof(*vars));

			if (vars) {
				env->vars = vars;
				env->cap = cap;
			} else {
				free(nn);
				nn = NULL;
			}
		}
		if (!nn) {
			free(nv);
			free(nf);
			return -ENOMEM;
		}
		v = &env->vars[env->n++];
		*v = (struct pt_shellvars_var){.name = nn};
	}
	free(v->value);
	free(v->file);
	v->value = nv;
	v->file = nf;
	v->line = line;
	v->flags = flags;
	return 0;
}

static int add_barrier(struct pt_shellvars_env *env, const char *file,
		       const struct pt_shellvars_item *it)
{
	struct pt_shellvars_barrier *b;

	if (env->n_barriers == env->cap_barriers) {
		size_t cap = env->cap_barriers ? env->cap_barriers * 2 : 4;
		struct pt_shellvars_barrier *nb = realloc(env->barriers, cap * sizeof(*nb));

		if (!nb)
			return -ENOMEM;
		env->barriers = nb;
		env->cap_barriers = cap;
	}
	b = &env->barriers[env->n_barriers];
	*b = (struct pt_shellvars_barrier){.line = it->line, .flags = it->flags};
	b->file = strdup(file);
	b->command = it->command ? strdup(it->command) : NULL;
	if (!b->file || (it->command && !b->command)) {
		free(b->file);
		free(b->command);
		return -ENOMEM;
	}
	env->n_barriers++;
	return 0;
}

void pt_shellvars_env_done(struct pt_shellvars_env *env)
{
	if (!env)
		return;
	for (size_t i = 0; i < env->n; i++) {
		free(env->vars[i].name);
		free(env->vars[i].value);
		free(env->vars[i].file);
	}
	for (size_t i = 0; i < env->n_barriers; i++) {
		free(env->barriers[i].file);
		free(env->barriers[i].command);
	}
	free(env->vars);
	free(env->barriers);
	*env = (struct pt_shellvars_env){0};
}

/*
 * Word expansion of an assignment value (XCU 2.6): tilde, parameter expansion, quote removal.
 * No field splitting or pathname expansion happens in assignments. With env == NULL only the
 * flags of constructs that can never be evaluated are collected.
 */
struct expander {
	const char *s;
	const struct pt_shellvars_env *env;
	struct pt_strbuf *out;
	unsigned flags;
	bool unknown;
	bool split_check; /* an export argument: note unquoted expansions with blanks */
	int err;
};

enum ex_mode {
	M_WORD,	  /* unquoted */
	M_DQUOTE, /* inside "...": returns after the closing quote */
	M_DQWORD, /* the word of ${V:-word} inside double quotes */
};

static void ex_emit(struct expander *ex, const char *p, size_t n)
{
	if (ex->out && !ex->err && !ex->unknown) {
		int r = pt_strbuf_append(ex->out, p, n);

		if (r < 0)
			ex->err = r;
	}
}

static void ex_unknown(struct expander *ex, unsigned flag)
{
	ex->flags |= flag;
	ex->unknown = true;
}

/* Runs one of the skip functions from s[i] (validated by the parser) and returns the new index. */
static size_t ex_skip(const struct expander *ex, size_t i, size_t end, int (*fn)(struct scan *))
{
	struct scan sc = {.s = ex->s, .len = end, .p = i};

	return fn(&sc) < 0 ? end : sc.p;
}

static int skip_parens_fn(struct scan *sc)
{
	return skip_parens(sc);
}

static int skip_braces_fn(struct scan *sc)
{
	return skip_braces(sc, false);
}

static int skip_braces_dq_fn(struct scan *sc)
{
	return skip_braces(sc, true);
}

static size_t ex_run(struct expander *ex, size_t i, size_t end, enum ex_mode mode);

static const struct pt_shellvars_var *ex_lookup(struct expander *ex, const char *name, size_t n,
						bool *set)
{
	const struct pt_shellvars_var *v = env_find(ex->env, name, n);

	/* "unset" leaves an entry (for provenance) that expands like an unset variable. */
	*set = v && !(v->flags & PT_SHELLVARS_UNSET);
	if (!*set)
		ex->flags |= PT_SHELLVARS_UNSET_REF;
	else if (!v->value)
		ex_unknown(ex, PT_SHELLVARS_UNKNOWN_REF);
	return *set ? v : NULL;
}

static void ex_var(struct expander *ex, const char *name, size_t n, bool in_dq)
{
	const struct pt_shellvars_var *v;
	bool set;

	if (!ex->env)
		return;
	v = ex_lookup(ex, name, n, &set);
	if (!v || !v->value)
		return;
	ex_emit(ex, v->value, strlen(v->value));
	if (!in_dq && ex->split_check && strpbrk(v->value, " \t\n"))
		ex->flags |= PT_SHELLVARS_SPLIT;
}

/* s[i] == '$', s[i + 1] == '{'. */
static size_t ex_braces(struct expander *ex, size_t i, size_t end, bool in_dq)
{
	size_t e = ex_skip(ex, i + 1, end, in_dq ? skip_braces_dq_fn : skip_braces_fn);
	size_t k = i + 2, ie = e - 1, ns, ne;
	const struct pt_shellvars_var *v;
	bool colon, set, null, use_word;
	char op;

	if (ie <= k) {
		ex_unknown(ex, PT_SHELLVARS_BADSUBST); /* ${} */
		return e;
	}
	if (ex->s[k] == '#') {
		if (k + 1 == ie) {
			ex_unknown(ex, PT_SHELLVARS_SPECIAL); /* ${#} is $# */
			return e;
		}
		/* ${#V}: a length, fine when V is exactly one parameter. */
		ns = ++k;
		if (is_name_start(ex->s[k]))
			while (k < ie && is_name_char(ex->s[k]))
				k++;
		else if (is_digit(ex->s[k]))
			while (k < ie && is_digit(ex->s[k]))
				k++;
		else if (is_special_param(ex->s[k]))
			k++;
		ex_unknown(ex, k == ie && k > ns ? PT_SHELLVARS_PARAM_OP : PT_SHELLVARS_BADSUBST);
		return e;
	}
	if (is_digit(ex->s[k]) || (!is_name_start(ex->s[k]) && is_special_param(ex->s[k]))) {
		/* ${1}, ${@}, ${?:-x}: grub-mkconfig's own state (or a bad substitution) */
		ex_unknown(ex, PT_SHELLVARS_SPECIAL);
		return e;
	}
	if (!is_name_start(ex->s[k])) {
		ex_unknown(ex, PT_SHELLVARS_BADSUBST);
		return e;
	}
	ns = k;
	while (k < ie && is_name_char(ex->s[k]))
		k++;
	ne = k;
	if (k == ie) {
		ex_var(ex, ex->s + ns, ne - ns, in_dq);
		return e;
	}
	colon = ex->s[k] == ':';
	if (colon)
		k++;
	op = k < ie ? ex->s[k] : '\0';
	if (op != '-' && op != '+') {
		/* ${V=w} ${V?w} ${V#p} ${V%p}: assignments, errors, pattern matching */
		bool valid = is_one_of(op, "=?") || (!colon && is_one_of(op, "%#"));

		ex_unknown(ex, valid ? PT_SHELLVARS_PARAM_OP : PT_SHELLVARS_BADSUBST);
		return e;
	}
	if (!ex->env)
		return e; /* whether the word is used depends on the environment */
	v = ex_lookup(ex, ex->s + ns, ne - ns, &set);
	if (set && !v->value)
		return e; /* unknown */
	null = !set || v->value[0] == '\0';
	if (op == '-')
		use_word = colon ? null : !set;
	else
		use_word = colon ? !null : set;
	if (use_word)
		ex_run(ex, k + 1, ie, in_dq ? M_DQWORD : M_WORD);
	else if (op == '-')
		ex_emit(ex, v->value, strlen(v->value));
	return e;
}

/* s[i] == '$'. */
static size_t ex_dollar(struct expander *ex, size_t i, size_t end, bool in_dq)
{
	size_t j = i + 1, k;
	char d;

	if (j >= end) {
		ex_emit(ex, "$", 1);
		return j;
	}
	d = ex->s[j];
	if (d == '{')
		return ex_braces(ex, i, end, in_dq);
	if (d == '(') {
		ex_unknown(ex, j + 1 < end && ex->s[j + 1] == '(' ? PT_SHELLVARS_ARITH
								  : PT_SHELLVARS_CMDSUBST);
		return ex_skip(ex, j, end, skip_parens_fn);
	}
	if (is_name_start(d)) {
		for (k = j; k < end && is_name_char(ex->s[k]); k++)
			;
		ex_var(ex, ex->s + j, k - j, in_dq);
		return k;
	}
	if (is_special_param(d)) {
		ex_unknown(ex, PT_SHELLVARS_SPECIAL);
		return j + 1;
	}
	ex_emit(ex, "$", 1); /* a lone '$' is literal */
	return j;
}

static size_t ex_run(struct expander *ex, size_t i, size_t end, enum ex_mode mode)
{
	bool in_dq = mode != M_WORD;
	/* Tilde expansion applies after '=' and after each unquoted ':' of an assignment. */
	bool tilde_ok = mode == M_WORD;

	while (i < end && !ex->err) {
		char c = ex->s[i];

		if (c == '"' && mode == M_DQUOTE)
			return i + 1;
		if (c == '\\') {
			char d = i + 1 < end ? ex->s[i + 1] : '\0';

			if (d == '\n') {
				i += 2; /* line continuation, also inside double quotes */
				continue;
			}
			if (i + 1 < end && (!in_dq || is_one_of(d, "$`\"\\"))) {
				ex_emit(ex, &d, 1);
				i += 2;
			} else {
				ex_emit(ex, "\\", 1); /* inside "...", \x stays \x */
				i++;
			}
			tilde_ok = false;
			continue;
		}
		if (c == '\'' && mode == M_WORD) {
			size_t j = ex_skip(ex, i, end, skip_squote);

			if (j >= i + 2)
				ex_emit(ex, ex->s + i + 1, j - i - 2);
			i = j;
			tilde_ok = false;
			continue;
		}
		if (c == '"') {
			i = ex_run(ex, i + 1, end, M_DQUOTE);
			tilde_ok = false;
			continue;
		}
		if (c == '`') {
			ex_unknown(ex, PT_SHELLVARS_CMDSUBST);
			i = ex_skip(ex, i, end, skip_bquote);
			tilde_ok = false;
			continue;
		}
		if (c == '$') {
			i = ex_dollar(ex, i, end, in_dq);
			tilde_ok = false;
			continue;
		}
		if (c == '~' && tilde_ok) {
			ex_unknown(ex, PT_SHELLVARS_TILDE);
			i++;
			tilde_ok = false;
			continue;
		}
		ex_emit(ex, &c, 1);
		tilde_ok = mode == M_WORD && c == ':';
		i++;
	}
	return i;
}

/*
 * The value with its line continuations removed, as the shell sees it (XCU 2.2.1): every
 * backslash-newline outside single quotes goes, so "$\<newline>A" is $A. NULL on ENOMEM.
 */
static char *cook_value(const char *s, size_t n, size_t *ret_len)
{
	char *r = malloc(n + 1);
	size_t o = 0;
	bool sq = false, dq = false;

	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (sq) {
			sq = c != '\'';
		} else if (c == '\\' && i + 1 < n) {
			if (s[i + 1] == '\n') {
				i++;
				continue;
			}
			r[o++] = c;
			c = s[++i]; /* the escaped character is copied below */
		} else if (c == '\'' && !dq) {
			sq = true;
		} else if (c == '"') {
			dq = !dq;
		}
		r[o++] = c;
	}
	r[o] = '\0';
	*ret_len = o;
	return r;
}

static unsigned static_flags(const struct pt_shellvars_doc *doc, size_t start, size_t end)
{
	size_t n;
	char *cooked = cook_value(doc->text + start, end - start, &n);
	struct expander ex = {.s = cooked};

	if (!cooked)
		return 0;
	ex_run(&ex, 0, n, M_WORD);
	free(cooked);
	return ex.flags;
}

static int eval_assign(struct pt_shellvars_doc *doc, struct pt_shellvars_item *it,
		       struct pt_shellvars_env *env)
{
	struct pt_strbuf sb = {0};
	size_t n;
	char *cooked = cook_value(doc->text + it->value_start, it->end - it->value_start, &n);
	struct expander ex = {
		.s = cooked,
		.env = env,
		.out = &sb,
		.split_check = it->flags & PT_SHELLVARS_EXPORT,
	};
	const struct pt_shellvars_var *old;

	if (!cooked)
		return -ENOMEM;
	ex_run(&ex, 0, n, M_WORD);
	free(cooked);
	if (ex.err) {
		pt_strbuf_done(&sb);
		return ex.err;
	}
	free(it->value);
	it->value = NULL;
	if (!ex.unknown) {
		it->value = pt_strbuf_steal(&sb);
		if (!it->value)
			return -ENOMEM;
	}
	pt_strbuf_done(&sb);
	it->flags = (it->flags & ~EXPANSION_FLAGS) | ex.flags;
	it->evaluated = true;

	if (it->flags & PT_SHELLVARS_NO_EFFECT)
		return 0;
	if (it->flags & PT_SHELLVARS_CONDITIONAL) {
		/* It may or may not run: only a value equal to the current one stays known. */
		old = pt_shellvars_env_get(env, it->name);
		if (old && old->value && it->value && !(old->flags & PT_SHELLVARS_UNSET) &&
		    streq(old->value, it->value))
			return 0;
		return pt_shellvars_env_set(env, it->name, NULL, doc->label, it->line, it->flags);
	}
	return pt_shellvars_env_set(env, it->name, it->value, doc->label, it->line, it->flags);
}

static int eval_opaque(struct pt_shellvars_doc *doc, const struct pt_shellvars_item *it,
		       struct pt_shellvars_env *env)
{
	int r;

	if (it->flags & (PT_SHELLVARS_SUBSHELL | PT_SHELLVARS_FUNCTION))
		return 0;
	if (it->flags & (PT_SHELLVARS_SOURCE | PT_SHELLVARS_EVAL | PT_SHELLVARS_CALL)) {
		r = add_barrier(env, doc->label, it);
		if (r < 0)
			return r;
	}
	if (!(it->flags & PT_SHELLVARS_MODIFIES))
		return 0;
	for (size_t i = 0; i < it->targets.n; i++) {
		const char *name = it->targets.v[i];

		if (streq_ptr(it->command, "unset") && !(it->flags & PT_SHELLVARS_CONDITIONAL))
			r = pt_shellvars_env_set(env, name, "", doc->label, it->line,
						 it->flags | PT_SHELLVARS_UNSET);
		else
			r = pt_shellvars_env_set(env, name, NULL, doc->label, it->line, it->flags);
		if (r < 0)
			return r;
	}
	return 0;
}

int pt_shellvars_eval(struct pt_shellvars_doc *doc, struct pt_shellvars_env *env)
{
	for (size_t i = 0; i < doc->n; i++) {
		struct pt_shellvars_item *it = &doc->items[i];
		int r = it->kind == PT_SHELLVARS_ASSIGN ? eval_assign(doc, it, env)
							: eval_opaque(doc, it, env);

		if (r < 0)
			return r;
	}
	return 0;
}

int pt_shellvars_eval_all(struct pt_shellvars_doc *docs, size_t n, struct pt_shellvars_env *env)
{
	for (size_t i = 0; i < n; i++) {
		int r = pt_shellvars_eval(&docs[i], env);

		if (r < 0)
			return r;
	}
	return 0;
}

int pt_shellvars_quote(struct pt_strbuf *sb, const char *value, size_t len)
{
	int r;

	if (len && memchr(value, '\0', len))
		return -EINVAL;
	r = pt_strbuf_putc(sb, '"');
	for (size_t i = 0; i < len && r >= 0; i++) {
		/* The four characters that stay special inside double quotes (XCU 2.2.3). */
		if (is_one_of(value[i], "\"\\$`"))
			r = pt_strbuf_putc(sb, '\\');
		if (r >= 0)
			r = pt_strbuf_putc(sb, value[i]);
	}
	if (r >= 0)
		r = pt_strbuf_putc(sb, '"');
	return r;
}
