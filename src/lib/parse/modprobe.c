/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modprobe.d parser and merged view; see modprobe.h. The line rules follow kmod 30's
 * kmod_config_parse() and getline_wrapped() (libkmod/libkmod-config.c, shared/util.c), learned by
 * reading them and by feeding Debian 12's modprobe test files; nothing here is copied from kmod.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modprobe.h"
#include "util/array.h"
#include "util/macro.h"

const char *const pt_modprobe_dirs[] = {
	"/etc/modprobe.d",     "/run/modprobe.d", "/usr/local/lib/modprobe.d",
	"/usr/lib/modprobe.d", "/lib/modprobe.d", NULL,
};

const char *const pt_modprobe_dirs_kmod30[] = {
	"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/lib/modprobe.d", NULL,
};

/* ---- Names ---- */

/*
 * kmod's underscores(): '-' -> '_', except inside [...] so that ranges like [0-9] survive.
 * kmod 30 rejects the whole line when a '[' is never closed or a ']' was never opened (seen
 * with modprobe -c: "ignoring bad line"); strict says whether to fail (-EINVAL) then.
 */
static int underscores(const char *name, size_t len, bool strict, char **ret)
{
	char *s = strndup(name, len);

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '[') {
			i += strcspn(s + i, "]");
			if (!s[i]) {
				if (strict) {
					free(s);
					return -EINVAL;
				}
				break;
			}
		} else if (s[i] == ']' && strict) {
			free(s);
			return -EINVAL;
		} else if (s[i] == '-') {
			s[i] = '_';
		}
	}
	*ret = s;
	return 0;
}

char *pt_modprobe_normalize(const char *name)
{
	char *s;

	return underscores(name, strlen(name), false, &s) < 0 ? NULL : s;
}

static char norm_char(char c)
{
	return c == '-' ? '_' : c;
}

bool pt_modprobe_name_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	/* Used for plain names (no brackets): a per-character compare will do. */
	for (; *a && *b; a++, b++)
		if (norm_char(*a) != norm_char(*b))
			return false;
	return *a == *b;
}

bool pt_modprobe_param_eq(const char *a, const char *b)
{
	return pt_modprobe_name_eq(a, b);
}

const char *pt_modprobe_kind_to_string(enum pt_modprobe_kind kind)
{
	switch (kind) {
	case PT_MODPROBE_ALIAS:
		return "alias";
	case PT_MODPROBE_OPTIONS:
		return "options";
	case PT_MODPROBE_INSTALL:
		return "install";
	case PT_MODPROBE_REMOVE:
		return "remove";
	case PT_MODPROBE_SOFTDEP:
		return "softdep";
	case PT_MODPROBE_BLACKLIST:
		return "blacklist";
	case PT_MODPROBE_WEAKDEP:
		return "weakdep";
	}
	return NULL;
}

const char *pt_modprobe_warn_kind_to_string(enum pt_modprobe_warn_kind kind)
{
	static const char *const names[_PT_MODPROBE_WARN_MAX] = {
		[PT_MODPROBE_WARN_BAD_LINE] = "bad-line",
		[PT_MODPROBE_WARN_DEPRECATED] = "deprecated",
		[PT_MODPROBE_WARN_NEWER_KMOD] = "newer-kmod",
		[PT_MODPROBE_WARN_CR] = "cr",
		[PT_MODPROBE_WARN_INLINE_COMMENT] = "inline-comment",
		[PT_MODPROBE_WARN_EXTRA_ARGS] = "extra-args",
		[PT_MODPROBE_WARN_SOFTDEP_STRAY] = "softdep-stray",
		[PT_MODPROBE_WARN_SOFTDEP_EMPTY] = "softdep-empty",
		[PT_MODPROBE_WARN_NUL] = "nul",
		[PT_MODPROBE_WARN_EOF_BACKSLASH] = "eof-backslash",
		[PT_MODPROBE_WARN_NBSP] = "nbsp",
	};

	return (unsigned)kind < ELEMENTSOF(names) ? names[kind] : NULL;
}

const char *pt_modprobe_skip_to_string(enum pt_modprobe_skip why)
{
	switch (why) {
	case PT_MODPROBE_SKIP_DOTFILE:
		return "dotfile";
	case PT_MODPROBE_SKIP_SUFFIX:
		return "suffix";
	case PT_MODPROBE_SKIP_DIRECTORY:
		return "directory";
	case PT_MODPROBE_SKIP_SHADOWED:
		return "shadowed";
	}
	return NULL;
}

/* ---- Freeing ---- */

static void cmd_done(struct pt_modprobe_cmd *c)
{
	free(c->raw);
	free(c->module);
	free(c->module_raw);
	free(c->alias);
	free(c->alias_raw);
	free(c->text);
	for (size_t i = 0; i < c->n_params; i++) {
		free(c->params[i].raw);
		free(c->params[i].name);
		free(c->params[i].value);
	}
	free(c->params);
	pt_strv_done(&c->pre);
	pt_strv_done(&c->post);
	pt_strv_done(&c->weak);
	memset(c, 0, sizeof(*c));
}

void pt_modprobe_conf_done(struct pt_modprobe_conf *conf)
{
	if (!conf)
		return;
	for (size_t i = 0; i < conf->n_cmds; i++)
		cmd_done(&conf->cmds[i]);
	free(conf->cmds);
	for (size_t i = 0; i < conf->n_warnings; i++) {
		free(conf->warnings[i].token);
		free(conf->warnings[i].raw);
	}
	free(conf->warnings);
	free(conf->file);
	memset(conf, 0, sizeof(*conf));
}

/* ---- Parsing one file ---- */

struct parser {
	struct pt_modprobe_conf *conf;
	size_t cap_cmds, cap_warnings;
	const char *line; /* the current logical line, NUL-terminated */
	unsigned first, last;
};

static int add_warning(struct parser *p, enum pt_modprobe_warn_kind kind, const char *tok,
		       size_t toklen)
{
	struct pt_modprobe_conf *c = p->conf;
	struct pt_modprobe_warning *w;

	if (!PT_GROW(c->warnings, p->cap_warnings, c->n_warnings))
		return -ENOMEM;
	w = &c->warnings[c->n_warnings];
	*w = (struct pt_modprobe_warning){
		.kind = kind,
		.line = p->first,
		.last_line = p->last,
		.kmod_logs = kind == PT_MODPROBE_WARN_BAD_LINE ||
			     kind == PT_MODPROBE_WARN_DEPRECATED ||
			     kind == PT_MODPROBE_WARN_NEWER_KMOD,
		.token = strndup(tok ? tok : "", tok ? toklen : 0),
		.raw = strdup(p->line),
	};
	if (!w->token || !w->raw) {
		free(w->token);
		free(w->raw);
		return -ENOMEM;
	}
	c->n_warnings++;
	return 0;
}

/*
 * strtok_r(…, "\t ") over the logical line, as kmod splits the command and the module name:
 * skips leading separators, ends the word at the next one and consumes exactly that one
 * separator. So the "rest of the line" that follows keeps any further spacing.
 */
static bool next_word(const char **cur, const char **w, size_t *wlen)
{
	const char *s = *cur + strspn(*cur, "\t ");

	if (!*s) {
		*cur = s;
		return false;
	}
	*w = s;
	*wlen = strcspn(s, "\t ");
	s += *wlen;
	*cur = *s ? s + 1 : s;
	return true;
}

/* strtok_r(NULL, "\0", …): the remainder, or nothing when it is empty. */
static const char *rest_of_line(const char *cur)
{
	return *cur ? cur : NULL;
}

static bool c_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The kernel's isspace() (lib/ctype.c) also counts Latin-1 NBSP 0xa0 as a space. */
static bool k_isspace(unsigned char c)
{
	return c_isspace(c) || c == 0xa0;
}

static int new_cmd(struct parser *p, enum pt_modprobe_kind kind, const char *mod, size_t modlen,
		   struct pt_modprobe_cmd **ret)
{
	struct pt_modprobe_conf *c = p->conf;
	struct pt_modprobe_cmd *cmd;
	int r;

	if (!PT_GROW(c->cmds, p->cap_cmds, c->n_cmds))
		return -ENOMEM;
	cmd = &c->cmds[c->n_cmds];
	*cmd = (struct pt_modprobe_cmd){
		.kind = kind,
		.line = p->first,
		.last_line = p->last,
		.raw = strdup(p->line),
		.module_raw = strndup(mod, modlen),
	};
	if (!cmd->raw || !cmd->module_raw) {
		cmd_done(cmd);
		return -ENOMEM;
	}
	r = underscores(mod, modlen, true, &cmd->module);
	if (r < 0) {
		cmd_done(cmd);
		return r;
	}
	/* Counted only once complete enough to free; callers fill in the rest. */
	c->n_cmds++;
	*ret = cmd;
	return 0;
}

/*
 * Splits an option string the way the kernel's parse_args()/next_arg() will (linux
 * kernel/params.c): words end at (kernel) white space outside double quotes; the first '=' not
 * at offset 0 separates name and value; a value starting with '"' loses it and the word's last
 * byte if that is '"'; a word starting with '"' loses that quote and, again, a final '"'. The
 * kernel edits the word in place; we do the same on a copy so that odd quoting ends up exactly
 * where the kernel puts it.
 */
static int split_params(struct pt_modprobe_cmd *cmd, struct parser *p)
{
	const char *s = cmd->text;
	size_t cap = 0;
	bool dashes = false, comment_warned = false;

	while (*s && k_isspace((unsigned char)*s))
		s++;
	while (*s) {
		const char *start = s;
		size_t i, eq = 0;
		bool in_quote = false, quoted = false;
		struct pt_modprobe_param *prm;
		char *w;

		if (*s == '"') {
			s++;
			in_quote = quoted = true;
		}
		for (i = 0; s[i]; i++) {
			if (k_isspace((unsigned char)s[i]) && !in_quote)
				break;
			if (eq == 0 && s[i] == '=')
				eq = i;
			if (s[i] == '"')
				in_quote = !in_quote;
		}
		if (!PT_GROW(cmd->params, cap, cmd->n_params))
			return -ENOMEM;
		prm = &cmd->params[cmd->n_params];
		*prm = (struct pt_modprobe_param){.after_dashes = dashes};
		cmd->n_params++;
		prm->raw = strndup(start, (size_t)(s - start) + i);
		w = strndup(s, i);
		if (!prm->raw || !w) {
			free(w);
			return -ENOMEM;
		}
		if (eq) {
			size_t v = eq + 1;

			w[eq] = '\0';
			if (w[v] == '"') {
				v++;
				if (w[i - 1] == '"')
					w[i - 1] = '\0';
			}
			if (quoted && w[i - 1] == '"')
				w[i - 1] = '\0';
			prm->value = strdup(w + v);
		} else if (quoted && i > 0 && w[i - 1] == '"') {
			w[i - 1] = '\0';
		}
		prm->name = strdup(w);
		free(w);
		if (!prm->name || (eq && !prm->value))
			return -ENOMEM;
		if (!prm->value && streq(prm->name, "--"))
			dashes = true;
		if (prm->raw[0] == '#' && !comment_warned) {
			if (add_warning(p, PT_MODPROBE_WARN_INLINE_COMMENT, prm->raw,
					strlen(prm->raw)) < 0)
				return -ENOMEM;
			comment_warned = true;
		}
		s += i;
		while (*s && k_isspace((unsigned char)*s))
			s++;
	}
	return 0;
}

/* softdep/weakdep dependency lists: words split at C isspace(), as kmod_config_add_softdep(). */
static int parse_deps(struct parser *p, struct pt_modprobe_cmd *cmd, const char *s)
{
	enum { NONE, PRE, POST } mode = NONE;
	bool stray = false, comment = false;

	while (*s) {
		size_t n;

		while (*s && c_isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		for (n = 0; s[n] && !c_isspace((unsigned char)s[n]); n++)
			;
		if (cmd->kind == PT_MODPROBE_WEAKDEP) {
			if (pt_strv_pushn(&cmd->weak, s, n) < 0)
				return -ENOMEM;
		} else if (n == 4 && memcmp(s, "pre:", 4) == 0) {
			mode = PRE;
		} else if (n == 5 && memcmp(s, "post:", 5) == 0) {
			mode = POST;
		} else if (mode == NONE) {
			/* kmod drops words before the first section without a word. */
			if (!stray && add_warning(p, PT_MODPROBE_WARN_SOFTDEP_STRAY, s, n) < 0)
				return -ENOMEM;
			stray = true;
		} else if (pt_strv_pushn(mode == PRE ? &cmd->pre : &cmd->post, s, n) < 0) {
			return -ENOMEM;
		}
		if (*s == '#' && !comment && (mode != NONE || cmd->kind == PT_MODPROBE_WEAKDEP)) {
			if (add_warning(p, PT_MODPROBE_WARN_INLINE_COMMENT, s, n) < 0)
				return -ENOMEM;
			comment = true;
		}
		s += n;
	}
	if (cmd->kind == PT_MODPROBE_SOFTDEP && cmd->pre.n == 0 && cmd->post.n == 0)
		return add_warning(p, PT_MODPROBE_WARN_SOFTDEP_EMPTY, NULL, 0);
	return 0;
}

/* Words a command leaves unused: kmod ignores them without a word. */
static int check_extra(struct parser *p, const char *cur)
{
	const char *w;
	size_t n;

	if (!next_word(&cur, &w, &n))
		return 0;
	return add_warning(
		p, *w == '#' ? PT_MODPROBE_WARN_INLINE_COMMENT : PT_MODPROBE_WARN_EXTRA_ARGS, w, n);
}

static int bad_line(struct parser *p, const char *cmd, size_t n)
{
	return add_warning(p, PT_MODPROBE_WARN_BAD_LINE, cmd, n);
}

#define WORD_IS(w, n, lit) ((n) == sizeof(lit) - 1 && memcmp((w), (lit), (n)) == 0)

static int parse_logical_line(struct parser *p)
{
	const char *cur = p->line, *cmd, *w1, *w2, *rest;
	size_t ncmd, n1, n2;
	struct pt_modprobe_cmd *c;
	int r;

	if (p->line[0] == '\0' || p->line[0] == '#')
		return 0;
	if (!next_word(&cur, &cmd, &ncmd))
		return 0; /* only blanks */

	if (strchr(p->line, '\r') && add_warning(p, PT_MODPROBE_WARN_CR, NULL, 0) < 0)
		return -ENOMEM;
	if (strstr(p->line, "\xc2\xa0") && add_warning(p, PT_MODPROBE_WARN_NBSP, NULL, 0) < 0)
		return -ENOMEM;

	if (WORD_IS(cmd, ncmd, "alias")) {
		char *alias;

		if (!next_word(&cur, &w1, &n1) || !next_word(&cur, &w2, &n2))
			return bad_line(p, cmd, ncmd);
		r = underscores(w1, n1, true, &alias);
		if (r == 0) {
			r = new_cmd(p, PT_MODPROBE_ALIAS, w2, n2, &c);
			if (r < 0)
				free(alias);
		}
		if (r == -EINVAL)
			return bad_line(p, cmd, ncmd);
		if (r < 0)
			return r;
		c->alias = alias;
		if (!(c->alias_raw = strndup(w1, n1)))
			return -ENOMEM;
		return check_extra(p, cur);
	}
	if (WORD_IS(cmd, ncmd, "blacklist")) {
		if (!next_word(&cur, &w1, &n1))
			return bad_line(p, cmd, ncmd);
		r = new_cmd(p, PT_MODPROBE_BLACKLIST, w1, n1, &c);
		if (r == -EINVAL)
			return bad_line(p, cmd, ncmd);
		if (r < 0)
			return r;
		return check_extra(p, cur);
	}
	if (WORD_IS(cmd, ncmd, "options") || WORD_IS(cmd, ncmd, "install") ||
	    WORD_IS(cmd, ncmd, "remove") || WORD_IS(cmd, ncmd, "softdep")) {
		enum pt_modprobe_kind kind = cmd[0] == 'o'   ? PT_MODPROBE_OPTIONS
					     : cmd[0] == 'i' ? PT_MODPROBE_INSTALL
					     : cmd[0] == 'r' ? PT_MODPROBE_REMOVE
							     : PT_MODPROBE_SOFTDEP;

		if (!next_word(&cur, &w1, &n1) || !(rest = rest_of_line(cur)))
			return bad_line(p, cmd, ncmd);
		r = new_cmd(p, kind, w1, n1, &c);
		if (r == -EINVAL)
			return bad_line(p, cmd, ncmd);
		if (r < 0)
			return r;
		if (kind == PT_MODPROBE_SOFTDEP)
			return parse_deps(p, c, rest);
		if (!(c->text = strdup(rest)))
			return -ENOMEM;
		if (kind != PT_MODPROBE_OPTIONS)
			return 0;
		/* kmod_config_add_options() turns tabs into spaces; nothing else. */
		for (char *t = c->text; *t; t++)
			if (*t == '\t')
				*t = ' ';
		return split_params(c, p);
	}
	if (WORD_IS(cmd, ncmd, "weakdep")) {
		/* kmod 33 added it (softdep's shape without sections); kmod 30 rejects the line. */
		if (!next_word(&cur, &w1, &n1) || !(rest = rest_of_line(cur)))
			return bad_line(p, cmd, ncmd);
		r = new_cmd(p, PT_MODPROBE_WEAKDEP, w1, n1, &c);
		if (r == -EINVAL)
			return bad_line(p, cmd, ncmd);
		if (r < 0 || (r = add_warning(p, PT_MODPROBE_WARN_NEWER_KMOD, cmd, ncmd)) < 0)
			return r;
		return parse_deps(p, c, rest);
	}
	if (WORD_IS(cmd, ncmd, "include") || WORD_IS(cmd, ncmd, "config"))
		return add_warning(p, PT_MODPROBE_WARN_DEPRECATED, cmd, ncmd);
	return bad_line(p, cmd, ncmd);
}

int pt_modprobe_parse(const char *buf, size_t len, const char *file_label,
		      struct pt_modprobe_conf *ret)
{
	struct pt_modprobe_conf conf = {0};
	struct parser p = {.conf = &conf};
	struct pt_strbuf sb = {0};
	unsigned linenum = 0;
	size_t pos = 0;
	int r = 0;

	if (!buf && len)
		return -EINVAL;
	conf.file = strdup(file_label ? file_label : "");
	if (!conf.file)
		return -ENOMEM;

	/*
	 * getline_wrapped(): a logical line ends at '\n' or at the end of the buffer. A backslash
	 * before '\n' joins the next physical line (nothing inserted, leading blanks kept); before
	 * any other byte it is dropped and the byte kept; as the very last byte kmod stores EOF
	 * cast to char, a 0xff byte, and we do the same because that byte really ends up in the
	 * module name or option. '\r' is an ordinary byte.
	 */
	while (pos < len && r == 0) {
		unsigned n = 0;
		bool eof = false, eof_backslash = false;

		pt_strbuf_reset(&sb);
		for (;;) {
			char ch;

			if (pos >= len) {
				eof = true;
				break;
			}
			ch = buf[pos++];
			if (ch == '\n') {
				n++;
				break;
			}
			if (ch == '\\') {
				if (pos >= len) {
					ch = (char)0xff;
					eof_backslash = true;
				} else if (buf[pos] == '\n') {
					pos++;
					n++;
					continue;
				} else {
					ch = buf[pos++];
				}
			}
			if (pt_strbuf_putc(&sb, ch) < 0) {
				r = -ENOMEM;
				break;
			}
		}
		if (r < 0)
			break;
		if (eof) {
			/* kmod returns no line when the end came before any byte (even after
			 * a continuation), else it counts the unterminated line. */
			if (sb.len == 0)
				break;
			n++;
		}

		p.first = linenum + 1;
		linenum += n;
		p.last = linenum;
		p.line = pt_strbuf_str(&sb);
		/* kmod handles the line as a C string: everything from a NUL on is lost. */
		if (strlen(p.line) < sb.len)
			r = add_warning(&p, PT_MODPROBE_WARN_NUL, NULL, 0);
		if (r == 0)
			r = parse_logical_line(&p);
		if (r == 0 && eof_backslash)
			r = add_warning(&p, PT_MODPROBE_WARN_EOF_BACKSLASH, NULL, 0);
	}
	pt_strbuf_done(&sb);
	if (r < 0) {
		pt_modprobe_conf_done(&conf);
		return r;
	}
	*ret = conf;
	return 0;
}

int pt_modprobe_kmod_message(const struct pt_modprobe_conf *conf,
			     const struct pt_modprobe_warning *w, struct pt_strbuf *out)
{
	switch (w->kind) {
	case PT_MODPROBE_WARN_BAD_LINE:
	case PT_MODPROBE_WARN_NEWER_KMOD:
		return pt_strbuf_printf(out, "%s line %u: ignoring bad line starting with '%s'",
					conf->file, w->last_line, w->token);
	case PT_MODPROBE_WARN_DEPRECATED:
		return pt_strbuf_printf(out, "%s: command %s is deprecated and not parsed anymore",
					conf->file, w->token);
	default:
		return -EINVAL;
	}
}

/* ---- Which files ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int cmp_path(const void *a, const void *b)
{
	const struct pt_modprobe_path *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int cmp_skipped(const void *a, const void *b)
{
	const struct pt_modprobe_skipped *x = a, *y = b;

	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int add_skipped(struct pt_modprobe_files *f, size_t *cap, size_t dir, const char *name,
		       enum pt_modprobe_skip why, size_t by_dir)
{
	struct pt_modprobe_skipped *s;

	if (!PT_GROW(f->skipped, *cap, f->n_skipped))
		return -ENOMEM;
	s = &f->skipped[f->n_skipped];
	*s = (struct pt_modprobe_skipped){.dir = dir, .why = why, .by_dir = by_dir};
	if (!(s->name = strdup(name)))
		return -ENOMEM;
	f->n_skipped++;
	return 0;
}

int pt_modprobe_files_resolve(const struct pt_modprobe_dir *dirs, size_t n_dirs,
			      struct pt_modprobe_files *ret)
{
	struct pt_modprobe_files f = {0};
	size_t cap_files = 0, cap_skipped = 0;
	int r = 0;

	if (!dirs && n_dirs)
		return -EINVAL;
	for (size_t d = 0; d < n_dirs && r == 0; d++) {
		const char *id = dirs[d].identity ? dirs[d].identity : dirs[d].path;
		bool dup = false;

		if (!id || (!dirs[d].entries && dirs[d].n_entries)) {
			r = -EINVAL;
			break;
		}
		for (size_t e = 0; e < d && !dup; e++) {
			const char *id2 = dirs[e].identity ? dirs[e].identity : dirs[e].path;
			dup = streq(id, id2);
		}
		if (dup)
			continue;

		for (size_t i = 0; i < dirs[d].n_entries && r == 0; i++) {
			const struct pt_modprobe_dirent *de = &dirs[d].entries[i];
			size_t winner = SIZE_MAX;

			if (!de->name) {
				r = -EINVAL;
				break;
			}
			if (de->name[0] == '.') {
				r = add_skipped(&f, &cap_skipped, d, de->name,
						PT_MODPROBE_SKIP_DOTFILE, 0);
				continue;
			}
			if (!ends_with(de->name, ".conf") && !ends_with(de->name, ".alias")) {
				r = add_skipped(&f, &cap_skipped, d, de->name,
						PT_MODPROBE_SKIP_SUFFIX, 0);
				continue;
			}
			/* Filtered out before the duplicate check: it hides nothing. */
			if (de->is_dir) {
				r = add_skipped(&f, &cap_skipped, d, de->name,
						PT_MODPROBE_SKIP_DIRECTORY, 0);
				continue;
			}
			for (size_t k = 0; k < f.n_files && winner == SIZE_MAX; k++)
				if (streq(f.files[k].name, de->name))
					winner = f.files[k].dir;
			if (winner == d)
				continue; /* listed twice: one directory cannot hold that */
			if (winner != SIZE_MAX) {
				r = add_skipped(&f, &cap_skipped, d, de->name,
						PT_MODPROBE_SKIP_SHADOWED, winner);
				continue;
			}
			if (!PT_GROW(f.files, cap_files, f.n_files)) {
				r = -ENOMEM;
				break;
			}
			f.files[f.n_files].dir = d;
			if (!(f.files[f.n_files].name = strdup(de->name))) {
				r = -ENOMEM;
				break;
			}
			f.n_files++;
		}
	}
	if (r < 0) {
		pt_modprobe_files_done(&f);
		return r;
	}
	/* Names are unique among the winners, so this order is total. */
	if (f.n_files > 1)
		qsort(f.files, f.n_files, sizeof(*f.files), cmp_path);
	if (f.n_skipped > 1)
		qsort(f.skipped, f.n_skipped, sizeof(*f.skipped), cmp_skipped);
	*ret = f;
	return 0;
}

void pt_modprobe_files_done(struct pt_modprobe_files *files)
{
	if (!files)
		return;
	for (size_t i = 0; i < files->n_files; i++)
		free(files->files[i].name);
	free(files->files);
	for (size_t i = 0; i < files->n_skipped; i++)
		free(files->skipped[i].name);
	free(files->skipped);
	memset(files, 0, sizeof(*files));
}

/* ---- The merged view ---- */

int pt_modprobe_set_add(struct pt_modprobe_set *set, const char *buf, size_t len,
			const char *file_label)
{
	struct pt_modprobe_conf conf, *v;
	int r;

	r = pt_modprobe_parse(buf, len, file_label, &conf);
	if (r < 0)
		return r;
	v = realloc(set->confs, (set->n_confs + 1) * sizeof(*v));
	if (!v) {
		pt_modprobe_conf_done(&conf);
		return -ENOMEM;
	}
	set->confs = v;
	set->confs[set->n_confs++] = conf;
	return 0;
}

void pt_modprobe_set_done(struct pt_modprobe_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n_confs; i++)
		pt_modprobe_conf_done(&set->confs[i]);
	free(set->confs);
	set->confs = NULL;
	set->n_confs = 0;
}

void pt_modprobe_refs_done(struct pt_modprobe_refs *refs)
{
	if (!refs)
		return;
	free(refs->v);
	refs->v = NULL;
	refs->n = 0;
}

void pt_modprobe_values_done(struct pt_modprobe_values *values)
{
	if (!values)
		return;
	free(values->v);
	values->v = NULL;
	values->n = 0;
}

static bool cmd_matches(const struct pt_modprobe_cmd *c, enum pt_modprobe_kind kind,
			const char *norm)
{
	if (c->kind != kind)
		return false;
	switch (kind) {
	case PT_MODPROBE_OPTIONS:
	case PT_MODPROBE_BLACKLIST:
	case PT_MODPROBE_ALIAS:
		return streq(c->module, norm);
	case PT_MODPROBE_INSTALL:
	case PT_MODPROBE_REMOVE:
	case PT_MODPROBE_SOFTDEP:
	case PT_MODPROBE_WEAKDEP:
		return fnmatch(c->module, norm, 0) == 0;
	}
	return false;
}

static int push_ref(struct pt_modprobe_refs *r, size_t *cap, const struct pt_modprobe_conf *conf,
		    const struct pt_modprobe_cmd *cmd, bool effective)
{
	if (!PT_GROW(r->v, *cap, r->n))
		return -ENOMEM;
	r->v[r->n++] = (struct pt_modprobe_ref){.conf = conf, .cmd = cmd, .effective = effective};
	return 0;
}

/* A command of the set that a lookup wants. */
typedef bool (*match_fn)(const struct pt_modprobe_cmd *c, enum pt_modprobe_kind kind,
			 const char *norm);

static bool alias_matches(const struct pt_modprobe_cmd *c, enum pt_modprobe_kind kind,
			  const char *norm)
{
	(void)kind;
	return c->kind == PT_MODPROBE_ALIAS && fnmatch(c->alias, norm, 0) == 0;
}

/* Every command match() takes for name (normalised), in set order; first_only: only the
 * first one counts (effective). */
static int collect(const struct pt_modprobe_set *set, match_fn match, enum pt_modprobe_kind kind,
		   const char *name, bool first_only, struct pt_modprobe_refs *ret)
{
	struct pt_modprobe_refs refs = {0};
	size_t cap = 0;
	char *norm = pt_modprobe_normalize(name);

	if (!norm)
		return -ENOMEM;
	for (size_t i = 0; i < set->n_confs; i++) {
		const struct pt_modprobe_conf *conf = &set->confs[i];

		for (size_t j = 0; j < conf->n_cmds; j++) {
			const struct pt_modprobe_cmd *c = &conf->cmds[j];

			if (!match(c, kind, norm))
				continue;
			if (push_ref(&refs, &cap, conf, c, !first_only || refs.n == 0) < 0) {
				free(norm);
				pt_modprobe_refs_done(&refs);
				return -ENOMEM;
			}
		}
	}
	free(norm);
	*ret = refs;
	return 0;
}

int pt_modprobe_set_find(const struct pt_modprobe_set *set, enum pt_modprobe_kind kind,
			 const char *module, struct pt_modprobe_refs *ret)
{
	bool first_only = kind == PT_MODPROBE_INSTALL || kind == PT_MODPROBE_REMOVE ||
			  kind == PT_MODPROBE_SOFTDEP || kind == PT_MODPROBE_WEAKDEP;

	return collect(set, cmd_matches, kind, module, first_only, ret);
}

int pt_modprobe_set_lookup_alias(const struct pt_modprobe_set *set, const char *name,
				 struct pt_modprobe_refs *ret)
{
	return collect(set, alias_matches, PT_MODPROBE_ALIAS, name, false, ret);
}

bool pt_modprobe_set_blacklisted(const struct pt_modprobe_set *set, const char *module,
				 struct pt_modprobe_ref *ref)
{
	for (size_t i = 0; i < set->n_confs; i++) {
		const struct pt_modprobe_conf *conf = &set->confs[i];

		for (size_t j = 0; j < conf->n_cmds; j++) {
			const struct pt_modprobe_cmd *c = &conf->cmds[j];

			if (c->kind != PT_MODPROBE_BLACKLIST ||
			    !pt_modprobe_name_eq(c->module, module))
				continue;
			if (ref)
				*ref = (struct pt_modprobe_ref){
					.conf = conf, .cmd = c, .effective = true};
			return true;
		}
	}
	return false;
}

bool pt_modprobe_set_has_softdep_pre(const struct pt_modprobe_set *set, const char *module,
				     const char *dep)
{
	struct pt_modprobe_refs refs;
	bool found = false;

	if (pt_modprobe_set_find(set, PT_MODPROBE_SOFTDEP, module, &refs) < 0)
		return false;
	if (refs.n > 0)
		for (size_t i = 0; i < refs.v[0].cmd->pre.n && !found; i++)
			found = pt_modprobe_name_eq(refs.v[0].cmd->pre.v[i], dep);
	pt_modprobe_refs_done(&refs);
	return found;
}

int pt_modprobe_set_options_string(const struct pt_modprobe_set *set, const char *module,
				   char **ret)
{
	struct pt_modprobe_refs refs;
	struct pt_strbuf sb = {0};
	int r;

	r = pt_modprobe_set_find(set, PT_MODPROBE_OPTIONS, module, &refs);
	if (r < 0)
		return r;
	for (size_t i = 0; i < refs.n && r == 0; i++) {
		if (i > 0)
			r = pt_strbuf_putc(&sb, ' ');
		if (r == 0)
			r = pt_strbuf_puts(&sb, refs.v[i].cmd->text);
	}
	pt_modprobe_refs_done(&refs);
	if (r < 0) {
		pt_strbuf_done(&sb);
		return r;
	}
	*ret = pt_strbuf_steal(&sb);
	return *ret ? 0 : -ENOMEM;
}

int pt_modprobe_set_param_values(const struct pt_modprobe_set *set, const char *module,
				 const char *param, struct pt_modprobe_values *ret)
{
	struct pt_modprobe_refs refs;
	struct pt_modprobe_values vals = {0};
	size_t cap = 0, last = SIZE_MAX;
	int r;

	r = pt_modprobe_set_find(set, PT_MODPROBE_OPTIONS, module, &refs);
	if (r < 0)
		return r;
	for (size_t i = 0; i < refs.n; i++) {
		const struct pt_modprobe_cmd *c = refs.v[i].cmd;

		for (size_t j = 0; j < c->n_params; j++) {
			if (!pt_modprobe_param_eq(c->params[j].name, param))
				continue;
			if (!PT_GROW(vals.v, cap, vals.n)) {
				pt_modprobe_refs_done(&refs);
				pt_modprobe_values_done(&vals);
				return -ENOMEM;
			}
			vals.v[vals.n] = (struct pt_modprobe_value){
				.conf = refs.v[i].conf,
				.cmd = c,
				.param = &c->params[j],
			};
			if (!c->params[j].after_dashes)
				last = vals.n;
			vals.n++;
		}
	}
	if (last != SIZE_MAX)
		vals.v[last].effective = true;
	pt_modprobe_refs_done(&refs);
	*ret = vals;
	return 0;
}
