/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner's kernel command line: the IOMMU tokens this host needs (docs/facts.md, "IOMMU
 * kernel parameters") and where they go on its boot path (a GRUB drop-in, or
 * /etc/kernel/cmdline: docs/facts.md, "Which loader boots the host").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/iommu.h"
#include "parse/shellvars.h"
#include "plan/cmdline-edit.h"
#include "plan/planner.h"
#include "util/strbuf.h"

void plan_token(struct plan_ctx *c, struct tokens *t, const char *text, const char *fmt, ...)
{
	struct pt_strbuf sb = {0};
	va_list ap;

	if (t->n == sizeof(t->v) / sizeof(t->v[0]))
		return;
	va_start(ap, fmt);
	plan_oom(c, pt_strbuf_vprintf(&sb, fmt, ap));
	va_end(ap);
	t->v[t->n].text = strdup(text);
	t->v[t->n].why = pt_strbuf_steal(&sb);
	if (!t->v[t->n].text || !t->v[t->n].why)
		plan_oom(c, -ENOMEM);
	t->n++;
	pt_strbuf_done(&sb);
}

/*
 * Devices of the set that the active IOMMU left out of every group: vfio-pci takes only
 * devices in a group, and no kernel parameter the planner could add puts them in one
 * (intel_iommu=on does not: pt_ungrouped_judge says why they are out).
 */
static void plan_ungrouped(struct plan_ctx *c)
{
	for (size_t i = 0; i < c->p->ndevs; i++) {
		const struct pt_pci_dev *d = &c->h->devs[c->p->devs[i]];
		struct pt_ungrouped_verdict u;

		if (d->have & PT_PCI_HAVE_GROUP)
			continue;
		if (pt_ungrouped_judge(c->h, &c->vd->iommu, c->p->devs[i], &u) < 0) {
			plan_oom(c, -ENOMEM);
			return;
		}
		plan_note(
			c, &c->p->notes,
			"%s is in no IOMMU group: %s; vfio-pci takes only devices in a group, so "
			"it cannot go to a VM %s",
			d->slot, u.reason,
			u.cause == PT_UNGROUPED_GFX_PARAM
				? "until that parameter is gone (passthru never removes a user's "
				  "parameter: remove it yourself)"
				: "until the cause is gone; no kernel parameter passthru could add "
				  "changes it");
		pt_ungrouped_verdict_done(&u);
	}
}

void plan_iommu_tokens(struct plan_ctx *c, struct tokens *t)
{
	const struct pt_host *h = c->h;
	const struct pt_iommu_verdict *v = &c->vd->iommu;
	enum pt_tristate def = c->vd->intel_default_on;

	switch (v->state) {
	case PT_IOMMU_ACTIVE:
		plan_ungrouped(c);
		break;
	case PT_IOMMU_UNITS_NO_GROUPS:
		break;
	case PT_IOMMU_OFF_BY_CMDLINE:
		if (v->param && startswith(v->param, "intel_iommu"))
			plan_token(c, t, "intel_iommu=on",
				   "the host's own command line turns the IOMMU off (%s): "
				   "intel_iommu=on "
				   "after it wins (the last one counts) and the user's token stays "
				   "(linux drivers/iommu/intel/iommu.c intel_iommu_setup)",
				   v->param);
		else
			plan_note(c, &c->p->notes,
				  "the IOMMU is off by the kernel parameter %s: passthru never "
				  "removes "
				  "a "
				  "user's parameter; remove it yourself",
				  v->param ? v->param : "(unknown)");
		break;
	case PT_IOMMU_OFF_IN_KERNEL:
		if (h->acpi_dmar == PT_YES) {
			if (def == PT_NO)
				plan_token(
					c, t, "intel_iommu=on",
					"this kernel does not enable the Intel IOMMU by default "
					"(neither CONFIG_INTEL_IOMMU_DEFAULT_ON nor "
					"CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF is set) and the "
					"firmware offers VT-d (linux drivers/iommu/intel/Kconfig)");
			else if (def == PT_UNKNOWN)
				plan_token(c, t, "intel_iommu=on",
					   "the firmware offers VT-d, the kernel did not enable it "
					   "and "
					   "its "
					   "build configuration is not in this root (linux "
					   "drivers/iommu/intel/Kconfig)");
		}
		if (h->acpi_ivrs == PT_YES)
			plan_note(c, &c->p->notes,
				  "the AMD IOMMU is not active although the firmware offers it; no "
				  "parameter turns it on (amd_iommu=on is not a valid value: linux "
				  "Documentation/admin-guide/kernel-parameters.txt): "
				  "look for amd_iommu=off or iommu=off, and the firmware's IOMMU "
				  "setting");
		break;
	case PT_IOMMU_NO_FIRMWARE:
		plan_note(c, &c->p->notes,
			  "the firmware offers no IOMMU (no DMAR/IVRS table): enable it in the "
			  "firmware setup first: VT-d on Intel, \"IOMMU\" or AMD-Vi on AMD (not "
			  "\"SVM\", which is AMD-V, the CPU's virtualization)");
		break;
	case PT_IOMMU_UNKNOWN:
		plan_note(c, &c->p->notes,
			  "whether the IOMMU is active is not known from this root");
		break;
	}
	if (v->state != PT_IOMMU_ACTIVE)
		plan_note(c, &c->p->notes,
			  "the IOMMU is not active yet: group membership is only known after the "
			  "reboot; run `passthru verify` then");
	if (c->req->iommu_pt)
		plan_token(c, t, "iommu=pt",
			   "requested: host devices get identity DMA mappings; VFIO devices stay "
			   "translated (linux Documentation/admin-guide/kernel-parameters.txt)");
}

/*
 * Which of t's tokens a command line's first line (cl, as facts tokenised it; err: why it
 * could not be) does not already have in force; all of them when nothing can be added to it.
 */
static size_t needed(struct plan_ctx *c, const struct pt_cmdline *cl, int err,
		     const struct tokens *t, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		if (err < 0 || cl->unterminated || !pt_plan_cmdline_in_force(cl, t->v[i].text))
			out[n++] = t->v[i].text;
	return n;
}

const char *plan_why_of(const struct tokens *t, const char *text)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->v[i].text, text))
			return t->v[i].why;
	return "";
}

/* The parameter name of a command-line token as the kernel reads it, or NULL. */
static char *token_name(struct plan_ctx *c, const char *token)
{
	struct pt_cmdline cl = {0};
	int e = pt_cmdline_parse(token, strlen(token), &cl);
	char *name = NULL;

	plan_oom(c, e == -ENOMEM ? e : 0);
	if (e == 0 && cl.n == 1) {
		name = strdup(cl.params[0].name);
		if (!name)
			plan_oom(c, -ENOMEM);
	}
	pt_cmdline_done(&cl);
	return name;
}

/*
 * The tokens our GRUB drop-in adds to GRUB_CMDLINE_LINUX_DEFAULT now (facts evaluated its
 * assignment with the variable empty), with their parameter names; none when it is absent or
 * not ours to read.
 */
static void dropin_tokens(struct plan_ctx *c, const struct pt_raw_file *f, struct pt_strv *out,
			  struct pt_strv *names)
{
	const struct pt_cmdline *cl = &c->h->grub.dropin;

	if (!f || !f->data)
		return;
	for (size_t i = 0; i < cl->n; i++) {
		plan_oom(c, pt_strv_push(out, cl->params[i].raw));
		plan_oom(c, pt_strv_push(names, cl->params[i].name));
	}
}

/*
 * Adds token to sv, in place of a token for the same parameter (a new ids= list); names holds
 * the parameter name of each token of sv ("": not one parameter).
 */
static void merge_token(struct plan_ctx *c, struct pt_strv *sv, struct pt_strv *names,
			const char *token)
{
	char *name = token_name(c, token);

	for (size_t i = 0; name && i < sv->n; i++) {
		if (names->v[i][0] && pt_cmdline_name_eq(name, names->v[i])) {
			char *dup = strdup(token);

			if (!dup) {
				plan_oom(c, -ENOMEM);
			} else {
				free(sv->v[i]);
				sv->v[i] = dup;
			}
			free(name);
			return;
		}
	}
	plan_oom(c, pt_strv_push(sv, token));
	plan_oom(c, pt_strv_push(names, name ? name : ""));
	free(name);
}

/* Why GRUB's command-line value cannot take more parameters; NULL when it can. */
static const char *grub_value_problem(const struct pt_grub *g)
{
	/*
	 * What the drop-in appends would become part of the quoted value: grub-mkconfig sources
	 * the files as shell (docs/facts.md, "Which loader boots the host").
	 */
	if (g->linux_line_err == 0 && g->linux_line.unterminated)
		return "ends inside an unclosed double quote: a parameter added after it would "
		       "become part of the quoted value; fix the quoting first";
	/* grub-mkconfig writes the value into grub.cfg's linux line as it is (10_linux). */
	if (g->linux_line_newline)
		return "holds a newline: it ends the linux line grub-mkconfig writes, so what "
		       "follows it, and anything added, never reaches the kernel; put the value on "
		       "one line (a backslash-newline is fine) first";
	return NULL;
}

static void cmdline_grub(struct plan_ctx *c, const struct tokens *t)
{
	const struct pt_host *h = c->h;
	const struct pt_grub_var *lin = &h->grub.cmdline_linux,
				 *def = &h->grub.cmdline_linux_default;
	const char *add[8], *why;
	struct pt_strbuf body = {0}, q = {0}, line = {0};
	struct pt_strv keep = {0}, names = {0};
	const struct pt_raw_file *f;
	size_t n;
	bool ok;

	if (!h->grub.known) {
		plan_note(c, &c->p->notes,
			  "GRUB boots this host but /etc/default/grub is not in this "
			  "root: no command-line edit planned");
		return;
	}
	f = plan_raw(c, PT_PLAN_GRUB_DROPIN, &ok);
	if (!ok)
		return;
	why = grub_value_problem(&h->grub);
	if (why) {
		const struct pt_grub_var *at = def->file ? def : lin;

		plan_note(
			c, &c->p->notes,
			"GRUB's command line (GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, "
			"last set at %s:%u) %s; no command-line edit planned (needed: %s)",
			at->file ? at->file : "?", at->line, why, t->v[0].text);
		return;
	}
	n = needed(c, &h->grub.linux_line, h->grub.linux_line_err, t, add);
	if (n == 0) {
		/* Keep the drop-in as it is when it is ours and already carries them. */
		return;
	}
	/* What the drop-in already carries stays: rewriting it with only what is missing now
	 * would drop a parameter an earlier apply added (it is "in force" through it). */
	dropin_tokens(c, f, &keep, &names);
	for (size_t i = 0; i < n; i++)
		merge_token(c, &keep, &names, add[i]);
	for (size_t i = 0; i < keep.n; i++)
		pt_strbuf_printf(&q, " %s", keep.v[i]);
	pt_strv_done(&keep);
	pt_strv_done(&names);
	pt_strbuf_puts(&line, "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT");
	{
		struct pt_strbuf qq = {0};

		plan_oom(c, pt_shellvars_quote(&qq, q.buf ? q.buf : "", q.len));
		/* qq is "...": drop its opening quote, the value continues the one above. */
		if (qq.len > 1)
			pt_strbuf_puts(&line, qq.buf + 1);
		pt_strbuf_done(&qq);
	}
	pt_strbuf_puts(&body, "# Written by passthru: kernel parameters for VFIO passthrough.\n"
			      "# Named zz-* so grub-mkconfig sources it after the other drop-ins "
			      "(glob order;\n# the last assignment wins).\n");
	pt_strbuf_printf(&body, "%s\n", pt_strbuf_str(&line));
	if (plan_edit(c, f, PT_PLAN_GRUB_DROPIN, body.buf, body.len)) {
		for (size_t i = 0; i < n; i++)
			plan_reason(c, PT_PLAN_GRUB_DROPIN, add[i], "%s", plan_why_of(t, add[i]));
		plan_reason(
			c, PT_PLAN_GRUB_DROPIN, pt_strbuf_str(&line),
			"a GRUB drop-in, added to what /etc/default/grub and the other drop-ins "
			"set (Debian grub2 grub-mkconfig sources /etc/default/grub.d/*.cfg in glob "
			"order after /etc/default/grub); /etc/default/grub itself stays untouched; "
			"GRUB_CMDLINE_LINUX_DEFAULT reaches the normal entries, not recovery");
		c->boot_cmd = h->boot.proxmox_boot == PT_YES ? "proxmox-boot-tool" : "update-grub";
	}
	/* A drop-in that sorts after ours and assigns the variable replaces our value. */
	for (size_t i = 0; i < h->grub.files.n; i++) {
		const char *p = h->grub.files.v[i];

		if (startswith(p, "/etc/default/grub.d/") &&
		    strcmp(plan_base(p), plan_base(PT_PLAN_GRUB_DROPIN)) > 0)
			plan_note(c, &c->p->notes,
				  "%s sorts after %s: if it assigns GRUB_CMDLINE_LINUX_DEFAULT "
				  "without "
				  "keeping the old value, it overrides these parameters",
				  p, PT_PLAN_GRUB_DROPIN);
	}
	if (h->grub.errors.n)
		plan_note(c, &c->p->notes, "update-grub fails on this host as it is: %s",
			  h->grub.errors.v[0]);
	pt_strbuf_done(&q);
	pt_strbuf_done(&line);
	pt_strbuf_done(&body);
}

static void cmdline_kernel_file(struct plan_ctx *c, const struct tokens *t)
{
	/* The first line of the bytes below, as facts tokenised it. */
	const struct pt_cmdline *kcl = &c->h->plan_kernel_cmdline;
	const char *all[8];
	struct pt_strbuf out = {0};
	const struct pt_raw_file *f;
	size_t added = 0;
	bool ok;
	int e;

	f = plan_raw(c, PT_PLAN_KERNEL_CMDLINE, &ok);
	if (!ok)
		return;
	if (!f->data) {
		plan_note(
			c, &c->p->notes,
			"%s is missing (proxmox-boot-tool then uses /proc/cmdline): create it from "
			"/proc/cmdline without the initrd= tokens first; no command-line edit "
			"planned",
			PT_PLAN_KERNEL_CMDLINE);
		return;
	}
	for (size_t i = 0; i < t->n; i++)
		all[i] = t->v[i].text;
	e = pt_plan_cmdline_append_to(f->data, f->len, kcl, c->h->plan_kernel_cmdline_err, all,
				      t->n, &out, &added);
	if (e == -EINVAL)
		plan_note(
			c, &c->p->notes,
			"%s has an unclosed quote or a NUL byte on its first line: anything added "
			"would land inside it; fix the file first",
			PT_PLAN_KERNEL_CMDLINE);
	else
		plan_oom(c, e);
	if (e >= 0 && added && plan_edit(c, f, PT_PLAN_KERNEL_CMDLINE, out.buf, out.len)) {
		const char *need[8];
		size_t n = needed(c, kcl, c->h->plan_kernel_cmdline_err, t, need);

		for (size_t i = 0; i < n; i++)
			plan_reason(
				c, PT_PLAN_KERNEL_CMDLINE, need[i],
				"%s; added to the first line, the only one proxmox-boot-tool reads "
				"(proxmox-kernel-helper zz-proxmox-boot), after the user's "
				"parameters",
				plan_why_of(t, need[i]));
		c->boot_cmd = "proxmox-boot-tool";
		/* proxmox-boot-tool refuses a first line without it. */
		if (!pt_cmdline_find_last(kcl, "root"))
			plan_note(c, &c->p->notes,
				  "%s has no root= on its first line: proxmox-boot-tool refresh "
				  "stops with \"No root= parameter in /etc/kernel/cmdline found!\" "
				  "(proxmox-kernel-helper zz-proxmox-boot); add the root= of "
				  "/proc/cmdline to it first",
				  PT_PLAN_KERNEL_CMDLINE);
	}
	pt_strbuf_done(&out);
}

/* The path --boot-path names: systemd-boot is proxmox-boot-tool's where it manages the ESPs. */
static enum pt_boot_path answered(const struct pt_host *h, enum pt_boot_path user)
{
	if (user != PT_BOOT_GRUB && h->boot.proxmox_boot == PT_YES)
		return PT_BOOT_SDBOOT_PBT;
	return user == PT_BOOT_GRUB ? PT_BOOT_GRUB : PT_BOOT_SDBOOT;
}

static bool same_loader(enum pt_boot_path a, enum pt_boot_path b)
{
	return (a == PT_BOOT_GRUB) == (b == PT_BOOT_GRUB);
}

static const char *option_name(enum pt_boot_path user)
{
	return user == PT_BOOT_GRUB ? "grub" : "systemd-boot";
}

/* The host says nothing: --boot-path decides, when it names a loader this host can boot. */
static void take_answer(struct plan_ctx *c, const struct pt_boot_verdict *v, struct pt_strbuf *q)
{
	enum pt_boot_path user = c->req->boot_path;
	unsigned bit = 1u << (user == PT_BOOT_GRUB ? PT_BOOT_GRUB : PT_BOOT_SDBOOT);

	/* Only systemd-boot is ever ruled out: a UEFI program (systemd src/boot/efi). */
	if (!(v->candidates & bit)) {
		plan_oom(c, pt_strbuf_printf(q,
					     "--boot-path %s does not fit this host: it booted "
					     "legacy BIOS (no /sys/firmware/efi), and systemd-boot "
					     "needs UEFI",
					     option_name(user)));
		return;
	}
	c->boot = answered(c->h, user);
	plan_note(c, &c->p->notes,
		  "%s boots this host, as --boot-path says; the host itself does not show it "
		  "(%s)",
		  pt_boot_path_loader(c->boot), v->why);
}

static void ask(struct plan_ctx *c, const struct pt_boot_verdict *v, struct pt_strbuf *q)
{
	plan_oom(c, pt_strbuf_printf(q,
				     "which boot loader starts this host's kernel is not known "
				     "(%s): ",
				     v->why));
	plan_oom(c, pt_boot_question(c->h, v, q));
}

static void contradicted(struct plan_ctx *c, const struct pt_boot_verdict *v, struct pt_strbuf *q)
{
	plan_oom(c, pt_strbuf_printf(q,
				     "--boot-path %s contradicts what this host shows: it boots "
				     "with %s (%s); without --boot-path passthru follows the host",
				     option_name(c->req->boot_path), pt_boot_path_loader(v->path),
				     v->why));
}

void plan_boot_path(struct plan_ctx *c)
{
	enum pt_boot_path user = c->req->boot_path;
	const struct pt_boot_verdict *v = &c->vd->boot;
	struct pt_strbuf q = {0};

	c->boot = PT_BOOT_UNKNOWN;
	if (v->path == PT_BOOT_UNKNOWN && user == PT_BOOT_UNKNOWN)
		ask(c, v, &q);
	else if (v->path == PT_BOOT_UNKNOWN)
		take_answer(c, v, &q);
	else if (user == PT_BOOT_UNKNOWN || same_loader(user, v->path))
		c->boot = v->path;
	else
		contradicted(c, v, &q);
	c->boot_question = pt_strbuf_steal(&q);
	pt_strbuf_done(&q);
}

static void needed_question(struct plan_ctx *c, const struct tokens *t)
{
	struct pt_strbuf sb = {0};

	for (size_t i = 0; i < t->n; i++)
		pt_strbuf_printf(&sb, "%s%s", i ? " " : "", t->v[i].text);
	plan_note(c, &c->p->questions, "%s must go on the kernel command line, but %s",
		  pt_strbuf_str(&sb),
		  c->boot_question ? c->boot_question : "the boot path is not known");
	pt_strbuf_done(&sb);
}

void plan_cmdline(struct plan_ctx *c, const struct tokens *t)
{
	if (t->n == 0)
		return;
	switch (c->boot) {
	case PT_BOOT_GRUB:
		cmdline_grub(c, t);
		break;
	case PT_BOOT_SDBOOT_PBT:
		cmdline_kernel_file(c, t);
		break;
	case PT_BOOT_SDBOOT:
		plan_note(c, &c->p->notes,
			  "systemd-boot without proxmox-boot-tool: add %s to the loader entries' "
			  "options yourself",
			  t->v[0].text);
		break;
	case PT_BOOT_UNKNOWN:
		/* An edit on a guessed path may change nothing: apply must not go ahead. */
		needed_question(c, t);
		break;
	}
}
