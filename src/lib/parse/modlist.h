/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lists of modules to load at boot (/etc/modules, /etc/modules-load.d/ *.conf,
 * /etc/initramfs-tools/modules) and the kernel's list of built-in modules (modules.builtin).
 * Pure: buffer in, plain structs out.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Who reads the list decides what a line means (verified on Debian 12: systemd 252,
 * initramfs-tools 0.142, grep 3.8):
 */
enum pt_modlist_dialect {
	/*
	 * systemd-modules-load, modules-load.d(5): the whole line, stripped of white space, is
	 * one module name; lines starting with '#' or ';' are comments; '\r' and NUL end a line
	 * like '\n' (entries keep the number of the '\n'-counted line). This is also how Debian 12
	 * reads /etc/modules: systemd ships /etc/modules-load.d/modules.conf -> ../modules
	 * (docs/facts.md, "The initramfs and the order modules load in"). So "vfio-pci ids=..." in
	 * /etc/modules is looked up as a module literally named "vfio-pci ids=..." and fails
	 * ("Failed to find module"), although the template kmod's postinst writes into /etc/modules
	 * says "Parameters can be specified after the module name" (true only for the sysvinit
	 * script /etc/init.d/kmod).
	 */
	PT_MODLIST_SYSTEMD,
	/*
	 * "module [args...]": /etc/initramfs-tools/modules (and
	 * /usr/share/initramfs-tools/modules.d/ *) as mkinitramfs reads them
	 * (grep '^[^#]' | while read -r module args), and /etc/modules under sysvinit. Only a '#'
	 * in the very first column starts a comment; ';' never does.
	 */
	PT_MODLIST_SHELL,
};

struct pt_modlist_entry {
	unsigned line; /* 1-based physical line */
	char *raw;     /* the line without its '\n' */
	char *module;  /* the first word as written */
	char *name;    /* module normalised ('-' -> '_') */
	char *args;    /* the rest of the line, outer white space removed; NULL when none */
	/*
	 * The string the loader hands to kmod: for SYSTEMD the whole stripped line (so with
	 * args it names no module), for SHELL the first word.
	 */
	char *lookup;
};

enum pt_modlist_warn_kind {
	PT_MODLIST_WARN_ARGS, /* SYSTEMD: arguments after the name break the line */
	PT_MODLIST_WARN_CR,   /* SHELL: a CR stays in the word ("vfio\r" is no module) */
	PT_MODLIST_WARN_INDENTED_COMMENT, /* SHELL: "  # x" is module "#" to mkinitramfs */
	PT_MODLIST_WARN_SEMICOLON,	  /* SHELL: ";x" is module ";x", not a comment */
	/*
	 * SHELL: a NUL byte. grep calls the file binary and prints nothing, so mkinitramfs loads
	 * none of the modules listed (a UTF-16 file is the usual cause). (systemd treats NUL
	 * and CR like '\n', which is harmless.)
	 */
	PT_MODLIST_WARN_NUL,
	_PT_MODLIST_WARN_MAX,
};

struct pt_modlist_warning {
	enum pt_modlist_warn_kind kind;
	unsigned line;
};

struct pt_modlist {
	enum pt_modlist_dialect dialect;
	struct pt_modlist_entry *entries; /* in file order */
	size_t n_entries;
	struct pt_modlist_warning *warnings; /* in line order */
	size_t n_warnings;
	/* SHELL: the file holds a NUL byte, so mkinitramfs ignores every entry. */
	bool binary;
};

/* Returns 0, -EINVAL (bad dialect, buf NULL with len > 0) or -ENOMEM. */
int pt_modlist_parse(const char *buf, size_t len, enum pt_modlist_dialect dialect,
		     struct pt_modlist *ret);
void pt_modlist_done(struct pt_modlist *list);
/* The first entry for module (any '-'/'_' spelling), NULL if none. */
const struct pt_modlist_entry *pt_modlist_find(const struct pt_modlist *list, const char *module);
const char *pt_modlist_warn_kind_to_string(enum pt_modlist_warn_kind kind);

/* ---- modules.builtin ---- */

struct pt_modbuiltin_entry {
	char *name; /* "vfio_pci" */
	char *path; /* "kernel/drivers/vfio/pci/vfio-pci.ko" */
	unsigned line;
};

struct pt_modbuiltin {
	struct pt_modbuiltin_entry *v; /* sorted by name (strcmp), names unique */
	size_t n;
	/* odd lines: not ending in ".ko" (still used), or skipped: NUL byte, no name */
	unsigned n_bad;
	unsigned first_bad_line; /* 0 when none */
};

/*
 * Parses /lib/modules/<release>/modules.builtin: one path per line; the module name is the
 * basename up to its first '.', with '-' -> '_' (as depmod derives it: "vfio-pci.ko" is
 * vfio_pci: linux Documentation/kbuild/kbuild.rst). Returns 0, -EINVAL or -ENOMEM.
 */
int pt_modbuiltin_parse(const char *buf, size_t len, struct pt_modbuiltin *ret);
/* Binary search; module in any spelling ("vfio-pci", "vfio_pci"). */
const struct pt_modbuiltin_entry *pt_modbuiltin_find(const struct pt_modbuiltin *b,
						     const char *module);
bool pt_modbuiltin_has(const struct pt_modbuiltin *b, const char *module);
void pt_modbuiltin_done(struct pt_modbuiltin *b);
