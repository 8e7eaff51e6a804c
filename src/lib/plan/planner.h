/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the planner (plan.c, plan-cmdline.c, plan-binding.c): the state one pt_plan_build
 * carries and the helpers that add to the plan. Not for other modules: they use plan.h.
 * Adding never fails visibly: the first -ENOMEM is kept in ctx.err and returned at the end.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "util/macro.h"

struct plan_ctx {
	const struct pt_host *h;
	const struct pt_verdicts *vd;
	const struct pt_plan_request *req;
	struct pt_plan *p;
	bool *in_set;
	size_t *shared; /* devices of the set whose IDs a host device shares */
	size_t nshared;
	int err;		/* the first -ENOMEM */
	bool initramfs;		/* an edit needs update-initramfs */
	const char *boot_cmd;	/* the refresh the command-line edit needs, or NULL */
	enum pt_boot_path boot; /* the boot path the plan writes for (plan_boot_path) */
	char *boot_question;	/* why boot is PT_BOOT_UNKNOWN and what answers it, or NULL */
};

struct token {
	char *text;
	char *why;
};

struct tokens {
	struct token v[8];
	size_t n;
};

/* ---- plan.c ---- */
void plan_oom(struct plan_ctx *c, int e);
/* Adds a formatted line to notes or refusals. */
void plan_note(struct plan_ctx *c, struct pt_strv *sv, const char *fmt, ...) _printf_(3, 4);
/* Why line is in path. */
void plan_reason(struct plan_ctx *c, const char *path, const char *line, const char *fmt, ...)
	_printf_(4, 5);
/* A command to run after the files are written (argv, NULL-terminated). */
void plan_command(struct plan_ctx *c, const char *why, const char *const *argv);
/* Adds an edit of f (NULL: absent) to path; true when it changes the file. */
bool plan_edit_mode(struct plan_ctx *c, const struct pt_raw_file *f, const char *path,
		    const char *new, size_t new_len, unsigned mode);
bool plan_edit(struct plan_ctx *c, const struct pt_raw_file *f, const char *path, const char *new,
	       size_t new_len);
/* Forgets the reasons given since mark (their file turned out unchanged). */
void plan_drop_reasons(struct plan_ctx *c, size_t mark);
/* The file's bytes, or NULL with a note when it could not be read (no edit over unknown bytes). */
const struct pt_raw_file *plan_raw(struct plan_ctx *c, const char *path, bool *ok);
const char *plan_base(const char *path);

/* ---- plan-cmdline.c: the kernel command line ---- */
/* Asks for a command-line token, with its reason (at most 8). */
void plan_token(struct plan_ctx *c, struct tokens *t, const char *text, const char *fmt, ...)
	_printf_(4, 5);
const char *plan_why_of(const struct tokens *t, const char *text);
/* The IOMMU tokens this host needs (none when it is active). */
void plan_iommu_tokens(struct plan_ctx *c, struct tokens *t);
/* Decides c->boot: the host's verdict, or the user's --boot-path where the host does not say. */
void plan_boot_path(struct plan_ctx *c);
/* Writes the tokens on the boot path in use. */
void plan_cmdline(struct plan_ctx *c, const struct tokens *t);

/* ---- plan-binding.c: vfio-pci at boot ---- */
/* modprobe.d: ids=, disable_vga, softdeps, blacklists; vfio-pci.ids= tokens when built in. */
void plan_binding(struct plan_ctx *c, struct tokens *t);
/* The init-top script for devices whose IDs a host device shares. */
void plan_override_script(struct plan_ctx *c);
/* The VFIO modules for modules-load.d and the initramfs. */
void plan_modules(struct plan_ctx *c);
