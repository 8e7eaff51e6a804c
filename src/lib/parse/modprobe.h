/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modprobe.d(5) the way kmod 30 (Debian 12, Proxmox VE 8) reads it: one file's commands with
 * provenance, the directory precedence that decides which files are read, and the merged view
 * modprobe acts on. Pure: buffers and name lists in, plain structs out.
 *
 * Every rule below was checked against Debian 12's kmod 30+20221128 (modprobe -c -C DIR and small
 * libkmod programs) as well as read in kmod libkmod/libkmod-config.c and libkmod-module.c; where
 * kmod HEAD differs it says so.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "util/strv.h"

enum pt_modprobe_kind {
	PT_MODPROBE_ALIAS,
	PT_MODPROBE_OPTIONS,
	PT_MODPROBE_INSTALL,
	PT_MODPROBE_REMOVE,
	PT_MODPROBE_SOFTDEP,
	PT_MODPROBE_BLACKLIST,
	/* kmod >= 33 only; kmod 30 rejects the line (PT_MODPROBE_WARN_NEWER_KMOD says so) */
	PT_MODPROBE_WEAKDEP,
};

/*
 * One module parameter, split the way the kernel splits the string kmod hands to init_module()
 * (linux kernel/params.c next_arg()).
 */
struct pt_modprobe_param {
	char *raw;   /* the token as written: foo="a b" */
	char *name;  /* foo; compare with pt_modprobe_param_eq ('-' and '_' are alike) */
	char *value; /* a b: the kernel strips the quotes; NULL when the token has no '=' */
	/* after a bare "--" token: the kernel ignores it ("parameters ... after `--' ignored") */
	bool after_dashes;
};

struct pt_modprobe_cmd {
	enum pt_modprobe_kind kind;
	/* first physical line of the (possibly continued) logical line, 1-based */
	unsigned line;
	/* last physical line: the number kmod prints in its messages */
	unsigned last_line;
	/* the logical line as kmod sees it (continuations joined, escapes undone) */
	char *raw;
	/*
	 * The module (a pattern for INSTALL, REMOVE, SOFTDEP, WEAKDEP; the alias target for ALIAS),
	 * normalised like kmod's underscores(): '-' -> '_' except inside [...]; and as written.
	 * kmod 30 rejects a line whose names hold an unclosed '[' or a stray ']' (a bad line).
	 */
	char *module;
	char *module_raw;
	char *alias; /* ALIAS: the wildcard, normalised the same way */
	char *alias_raw;
	/*
	 * OPTIONS: the option string exactly as kmod stores it: everything after the one separator
	 * that follows the module name, tabs turned into spaces, other spacing kept.
	 * INSTALL/REMOVE: the shell command as written. NULL for the other kinds.
	 */
	char *text;
	struct pt_modprobe_param *params; /* OPTIONS */
	size_t n_params;
	/* SOFTDEP: names as written, in order; repeated "pre:"/"post:" sections append */
	struct pt_strv pre;
	struct pt_strv post;
	struct pt_strv weak; /* WEAKDEP */
};

enum pt_modprobe_warn_kind {
	/*
	 * kmod 30 itself logs these ("kmod_logs" is true) and ignores the line:
	 * BAD_LINE    "<file> line N: ignoring bad line starting with '<tok>'"
	 * DEPRECATED  "<file>: command <tok> is deprecated and not parsed anymore" (include,
	 * config) NEWER_KMOD  weakdep: a bad line for kmod 30, a command since kmod 33
	 */
	PT_MODPROBE_WARN_BAD_LINE,
	PT_MODPROBE_WARN_DEPRECATED,
	PT_MODPROBE_WARN_NEWER_KMOD,
	/*
	 * kmod accepts these silently, but they do not do what they look like:
	 * CR              a CR (CRLF file) stays in the word: "blacklist x\r" never matches
	 *                 (harmless inside options: the kernel counts CR as white space)
	 * INLINE_COMMENT  '#' after a command is text: options get a "#" parameter
	 * EXTRA_ARGS      alias/blacklist with more words than it uses: the rest is ignored
	 * SOFTDEP_STRAY   softdep words before any "pre:"/"post:" (e.g. "pre:x") are ignored
	 * SOFTDEP_EMPTY   softdep naming no module at all
	 * NUL             a NUL byte: kmod stops reading the logical line there
	 * EOF_BACKSLASH   a backslash as the last byte: kmod appends a 0xff byte to the line
	 * NBSP            UTF-8 no-break space (pasted from a web page); the kernel's parser
	 *                 splits options at its 0xa0 byte, kmod does not split words there
	 */
	PT_MODPROBE_WARN_CR,
	PT_MODPROBE_WARN_INLINE_COMMENT,
	PT_MODPROBE_WARN_EXTRA_ARGS,
	PT_MODPROBE_WARN_SOFTDEP_STRAY,
	PT_MODPROBE_WARN_SOFTDEP_EMPTY,
	PT_MODPROBE_WARN_NUL,
	PT_MODPROBE_WARN_EOF_BACKSLASH,
	PT_MODPROBE_WARN_NBSP,
	_PT_MODPROBE_WARN_MAX,
};

struct pt_modprobe_warning {
	enum pt_modprobe_warn_kind kind;
	unsigned line;	    /* first physical line, 1-based */
	unsigned last_line; /* kmod's number */
	bool kmod_logs;	    /* kmod 30 prints an error for this line and ignores it */
	char *token;	    /* the first word, as kmod quotes it in its message ("" if none) */
	char *raw;	    /* the logical line */
};

/* One parsed file. */
struct pt_modprobe_conf {
	char *file; /* the label given to pt_modprobe_parse, e.g. "/etc/modprobe.d/vfio.conf" */
	struct pt_modprobe_cmd *cmds;
	size_t n_cmds;
	struct pt_modprobe_warning *warnings; /* in line order */
	size_t n_warnings;
};

/*
 * Parses one modprobe.d file. buf need not be NUL-terminated and may contain NUL bytes. Bad lines
 * never fail the parse: they become warnings, as kmod skips them. Returns 0, -EINVAL (buf NULL
 * with len > 0) or -ENOMEM; on error *ret is left empty.
 */
int pt_modprobe_parse(const char *buf, size_t len, const char *file_label,
		      struct pt_modprobe_conf *ret);
void pt_modprobe_conf_done(struct pt_modprobe_conf *conf);

/* kmod's underscores(): '-' -> '_' outside [...]. Returns a new string, NULL on ENOMEM. */
char *pt_modprobe_normalize(const char *name);
/* Module names compare equal after normalisation ("vfio-pci" == "vfio_pci"). */
bool pt_modprobe_name_eq(const char *a, const char *b);
/* Parameter names compare like the kernel's parameq(): '-' and '_' are the same. */
bool pt_modprobe_param_eq(const char *a, const char *b);

const char *pt_modprobe_kind_to_string(enum pt_modprobe_kind kind);
/* Stable short names: "bad-line", "deprecated", "newer-kmod", "cr", "inline-comment", ... */
const char *pt_modprobe_warn_kind_to_string(enum pt_modprobe_warn_kind kind);
/*
 * Appends kmod's own message for a warning it logs (BAD_LINE, DEPRECATED, NEWER_KMOD), byte for
 * byte as kmod 30 prints it after "libkmod: ERROR ...: ". Returns -EINVAL for kinds kmod does not
 * log, -ENOMEM.
 */
int pt_modprobe_kmod_message(const struct pt_modprobe_conf *conf,
			     const struct pt_modprobe_warning *w, struct pt_strbuf *out);

/* ---- Which files kmod reads ---- */

/*
 * Configuration directories in priority order. kmod HEAD (>= 31, kmod modprobe.d(5)) reads five;
 * Debian 12's kmod 30 was built without /usr/lib/modprobe.d (its libkmod holds only the other
 * four). On Debian 12 /lib is a symlink to /usr/lib (merged /usr), so reading /usr/lib/modprobe.d
 * as well only lists the same directory twice; see struct pt_modprobe_dir.identity.
 * NULL-terminated.
 */
extern const char *const pt_modprobe_dirs[];
extern const char *const pt_modprobe_dirs_kmod30[];

struct pt_modprobe_dirent {
	const char *name;
	bool is_dir; /* kmod skips (and logs) directories even when they are named *.conf */
};

struct pt_modprobe_dir {
	const char *path; /* as kmod names it: "/etc/modprobe.d" */
	/*
	 * The directory's physical identity, e.g. "dev:ino" of the opened directory, or NULL to use
	 * path. A directory whose identity equals an earlier one's is ignored as a whole. This is
	 * only cosmetic: by kmod's own rule every name in the later copy is hidden by the same name
	 * in the earlier copy, so the effective list is the same either way; without identities the
	 * duplicates merely show up as "shadowed" by themselves in the skipped list.
	 */
	const char *identity;
	const struct pt_modprobe_dirent *entries; /* the directory listing, any order */
	size_t n_entries;
};

enum pt_modprobe_skip {
	PT_MODPROBE_SKIP_DOTFILE,   /* name starts with '.' */
	PT_MODPROBE_SKIP_SUFFIX,    /* does not end in ".conf" or ".alias" ("vfio", "x.conf.bak") */
	PT_MODPROBE_SKIP_DIRECTORY, /* a directory named *.conf: kmod logs and skips it */
	PT_MODPROBE_SKIP_SHADOWED,  /* the same name exists in a higher-priority directory */
};

struct pt_modprobe_path {
	size_t dir; /* index into the caller's directory array */
	char *name;
};

struct pt_modprobe_skipped {
	size_t dir;
	char *name;
	enum pt_modprobe_skip why;
	size_t by_dir; /* SHADOWED: the directory whose file wins */
};

struct pt_modprobe_files {
	struct pt_modprobe_path *files; /* effective files in the order kmod parses them */
	size_t n_files;
	struct pt_modprobe_skipped *skipped; /* by directory, then name */
	size_t n_skipped;
};

/*
 * kmod's conf_files_list(): a file name ending in ".conf" or ".alias" (kmod 30 reads both; the
 * manual mentions only .conf) and not starting with '.' is a configuration file; the first
 * directory holding a name wins; all winners are parsed in strcmp() order of the bare name,
 * whatever their directory. Returns 0, -EINVAL or -ENOMEM.
 */
int pt_modprobe_files_resolve(const struct pt_modprobe_dir *dirs, size_t n_dirs,
			      struct pt_modprobe_files *ret);
void pt_modprobe_files_done(struct pt_modprobe_files *files);
const char *pt_modprobe_skip_to_string(enum pt_modprobe_skip why);

/* ---- The merged view ---- */

/*
 * The parsed files in the order kmod processes them. To model kmod's last step (it appends
 * "<mod>.<param>=<value>" and "modprobe.blacklist=" from /proc/cmdline after all files:
 * libkmod/libkmod-config.c kmod_config_parse_kcmdline), add a final conf parsed from synthetic
 * "options <mod> <param>=<value>" and "blacklist <mod>" lines labelled "/proc/cmdline". Careful:
 * kmod 30 does not normalise the names in modprobe.blacklist= and compares blacklists by exact
 * name, so "modprobe.blacklist=nvidia-drm" blacklists nothing (verified); leave such names out of
 * the synthetic file (this parser would normalise them) and report them instead.
 */
struct pt_modprobe_set {
	struct pt_modprobe_conf *confs;
	size_t n_confs;
};

/* Parses buf as the next file in processing order and appends it. Returns 0, -EINVAL, -ENOMEM. */
int pt_modprobe_set_add(struct pt_modprobe_set *set, const char *buf, size_t len,
			const char *file_label);
void pt_modprobe_set_done(struct pt_modprobe_set *set);

struct pt_modprobe_ref {
	const struct pt_modprobe_conf *conf; /* conf->file and cmd->line are the provenance */
	const struct pt_modprobe_cmd *cmd;
	/* whether modprobe acts on this line (false: an earlier line for the module wins) */
	bool effective;
};

struct pt_modprobe_refs {
	struct pt_modprobe_ref *v;
	size_t n;
};

/*
 * Every line of `kind` that applies to `module` (any spelling: it is normalised), in processing
 * order, with kmod's matching and precedence (libkmod-module.c, verified with kmod 30):
 *   OPTIONS    exact name; all lines apply, concatenated in order (options given for an alias
 *              apply too when the module is loaded through that alias: query the alias as well)
 *   BLACKLIST  exact name; any line blacklists
 *   INSTALL, REMOVE, SOFTDEP, WEAKDEP
 *              the line's module is an fnmatch() pattern; ONLY THE FIRST matching line applies,
 *              later ones (e.g. a second "softdep nvidia pre: ..." in a later file) are ignored
 *   ALIAS      lines whose target module is `module`
 * Returns 0 or -ENOMEM.
 */
int pt_modprobe_set_find(const struct pt_modprobe_set *set, enum pt_modprobe_kind kind,
			 const char *module, struct pt_modprobe_refs *ret);
/* Alias lines whose wildcard matches `name` (fnmatch, all apply), e.g. "pci:v000010DEd...". */
int pt_modprobe_set_lookup_alias(const struct pt_modprobe_set *set, const char *name,
				 struct pt_modprobe_refs *ret);
/* True when a blacklist line names the module (*ref, if given, gets the first such line). */
bool pt_modprobe_set_blacklisted(const struct pt_modprobe_set *set, const char *module,
				 struct pt_modprobe_ref *ref);
/* True when the softdep kmod uses for `module` lists `dep` under "pre:". */
bool pt_modprobe_set_has_softdep_pre(const struct pt_modprobe_set *set, const char *module,
				     const char *dep);
/*
 * The option string modprobe passes for `module`: every OPTIONS text joined with one space, as
 * kmod_module_get_options() builds it. *ret is "" when there are none. Returns 0 or -ENOMEM.
 */
int pt_modprobe_set_options_string(const struct pt_modprobe_set *set, const char *module,
				   char **ret);

struct pt_modprobe_value {
	const struct pt_modprobe_conf *conf;
	const struct pt_modprobe_cmd *cmd;
	const struct pt_modprobe_param *param;
	/*
	 * The occurrence the kernel ends up with: the last one (each occurrence calls the
	 * parameter's setter again, so a repeated string parameter such as vfio-pci ids= keeps
	 * the last; linux kernel/params.c, not verified on a running kernel). Never one after "--".
	 */
	bool effective;
};

struct pt_modprobe_values {
	struct pt_modprobe_value *v;
	size_t n;
};

/*
 * Every occurrence of parameter `param` in the options for `module`, in order, e.g.
 * (set, "vfio-pci", "ids"). Returns 0 or -ENOMEM.
 */
int pt_modprobe_set_param_values(const struct pt_modprobe_set *set, const char *module,
				 const char *param, struct pt_modprobe_values *ret);

void pt_modprobe_refs_done(struct pt_modprobe_refs *refs);
void pt_modprobe_values_done(struct pt_modprobe_values *values);
