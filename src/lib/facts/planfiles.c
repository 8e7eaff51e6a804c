/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exact bytes of every file `plan` may edit and of the state `bind` keeps, so the
 * planners need no I/O of their own; and what the planner reads of them and of the boot
 * configuration, parsed, so it parses nothing (pt_facts_plan_parse).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "parse/shellvars.h"
#include "util/strbuf.h"

static const char *const plan_files[] = {
	PT_PLAN_GRUB_DROPIN,	   PT_PLAN_KERNEL_CMDLINE,   PT_PLAN_MODPROBE, PT_PLAN_MODULES_LOAD,
	PT_PLAN_INITRAMFS_MODULES, PT_PLAN_INITRAMFS_SCRIPT, PT_BIND_STATE,
};

/* The largest file the planner edits. */
#define PLAN_FILE_MAX (1u << 20)

int pt_facts_plan_files(struct pt_root *r, struct pt_host *h)
{
	size_t n = sizeof(plan_files) / sizeof(plan_files[0]);

	h->raw_files = calloc(n, sizeof(*h->raw_files));
	if (!h->raw_files)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct pt_raw_file *f = &h->raw_files[i];

		f->path = strdup(plan_files[i]);
		if (!f->path)
			return -ENOMEM;
		h->nraw_files++;
		f->err = pt_root_read_file(r, f->path, PLAN_FILE_MAX, &f->data, &f->len);
		if (f->err == -ENOMEM)
			return -ENOMEM;
		if (f->err < 0 && f->err != -ENOENT)
			pt_facts_problem(h, f->path, strerror(-f->err));
		if (f->err < 0)
			f->data = NULL;
	}
	return pt_facts_plan_parse(h);
}

/* Tokenises text[0..len) into *cl (emptied first); *ret_err: 0 or why not. -ENOMEM only. */
static int tokenise(const char *text, size_t len, struct pt_cmdline *cl, int *ret_err)
{
	int e;

	pt_cmdline_done(cl);
	e = pt_cmdline_parse(text, len, cl);
	*ret_err = e;
	return e == -ENOMEM ? e : 0;
}

static int grub_var(struct pt_grub_var *v)
{
	int err = 0, e = 0;

	pt_cmdline_done(&v->parsed);
	if (v->value)
		e = tokenise(v->value, strlen(v->value), &v->parsed, &err);
	v->parsed_known = v->value && err == 0;
	return e;
}

/* What grub-mkconfig's 10_linux writes on a normal entry's linux line (pt_grub.linux_line). */
static int grub_linux_line(struct pt_grub *g)
{
	const char *a = g->cmdline_linux.value, *b = g->cmdline_linux_default.value;
	struct pt_strbuf sb = {0};
	int e = pt_strbuf_printf(&sb, "%s %s", a ? a : "", b ? b : "");

	if (e >= 0) {
		g->linux_line_newline = memchr(sb.buf, '\n', sb.len) != NULL;
		e = tokenise(sb.buf, pt_cmdline_first_line(sb.buf, sb.len), &g->linux_line,
			     &g->linux_line_err);
	}
	pt_strbuf_done(&sb);
	return e;
}

/*
 * The parameters our GRUB drop-in adds (pt_grub.dropin): its GRUB_CMDLINE_LINUX_DEFAULT
 * evaluated alone, the variable empty before it, so what it carries stays when the plan
 * writes it again. Nothing when it is absent, not valid sh, or leaves a quote open.
 */
static int grub_dropin(struct pt_host *h)
{
	const struct pt_raw_file *f = pt_host_raw_file(h, PT_PLAN_GRUB_DROPIN);
	struct pt_shellvars_doc doc = {0};
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_var *v;
	unsigned line = 0;
	int e, err = 0;

	pt_cmdline_done(&h->grub.dropin);
	if (!f || !f->data)
		return 0;
	e = pt_shellvars_parse(f->data, f->len, PT_PLAN_GRUB_DROPIN, &doc, &line);
	if (e < 0)
		return e == -ENOMEM ? e : 0;
	e = pt_shellvars_eval(&doc, &env);
	v = e == 0 ? pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX_DEFAULT") : NULL;
	if (v && v->value && v->file) {
		e = tokenise(v->value, strlen(v->value), &h->grub.dropin, &err);
		if (err < 0 || h->grub.dropin.unterminated)
			pt_cmdline_done(&h->grub.dropin);
	}
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
	return e;
}

/* The first line of /etc/kernel/cmdline's raw bytes: offsets index them (pt_host). */
static int kernel_cmdline(struct pt_host *h)
{
	const struct pt_raw_file *k = pt_host_raw_file(h, PT_PLAN_KERNEL_CMDLINE);

	pt_cmdline_done(&h->plan_kernel_cmdline);
	h->plan_kernel_cmdline_err = 0;
	if (!k || !k->data)
		return 0;
	/* proxmox-boot-tool reads the first line only (proxmox-kernel-helper zz-proxmox-boot). */
	return tokenise(k->data, pt_cmdline_first_line(k->data, k->len), &h->plan_kernel_cmdline,
			&h->plan_kernel_cmdline_err);
}

int pt_facts_plan_parse(struct pt_host *h)
{
	const struct pt_raw_file *s = pt_host_raw_file(h, PT_PLAN_INITRAMFS_SCRIPT);
	const char *kfile = h->boot.kernel_cmdline_file;
	int e = 0, err = 0;

	pt_overrides_done(&h->plan_overrides);
	if (s && s->data)
		e = pt_overrides_parse(s->data, s->len, &h->plan_overrides);
	if (e >= 0)
		e = kernel_cmdline(h);
	if (e >= 0)
		e = grub_dropin(h);
	if (e >= 0)
		e = grub_var(&h->grub.cmdline_linux);
	if (e >= 0)
		e = grub_var(&h->grub.cmdline_linux_default);
	if (e >= 0)
		e = grub_linux_line(&h->grub);
	pt_cmdline_done(&h->boot.kernel_cmdline);
	h->boot.kernel_cmdline_known = false;
	if (e >= 0 && kfile) {
		e = tokenise(kfile, strlen(kfile), &h->boot.kernel_cmdline, &err);
		h->boot.kernel_cmdline_known = err == 0;
	}
	return e;
}
