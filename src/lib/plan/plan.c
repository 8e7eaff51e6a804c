/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The planner (issue 5 "What the plan contains"; FACTS §2, §3, §4). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/device.h"
#include "checks/host.h"
#include "checks/iommu-state.h"
#include "parse/shellvars.h"
#include "plan/cmdline-edit.h"
#include "plan/plan.h"
#include "util/strbuf.h"

struct ctx {
	const struct pt_host *h;
	const struct pt_plan_request *req;
	struct pt_plan *p;
	bool *in_set;
	size_t *shared; /* devices of the set whose IDs a host device shares */
	size_t nshared;
	int err;	      /* the first -ENOMEM */
	bool initramfs;	      /* an edit needs update-initramfs */
	const char *boot_cmd; /* the refresh the command-line edit needs, or NULL */
};

static void oom_if(struct ctx *c, int e)
{
	if (e < 0 && c->err == 0)
		c->err = e;
}

static void _printf_(3, 4) pushf(struct ctx *c, struct pt_strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oom_if(c, pt_strv_vpushf(sv, fmt, ap));
	va_end(ap);
}

static void _printf_(4, 5)
	reason(struct ctx *c, const char *path, const char *line, const char *fmt, ...)
{
	struct pt_plan *p = c->p;
	struct pt_plan_reason *r;
	struct pt_strbuf sb = {0};
	va_list ap;

	r = realloc(p->reasons, (p->nreasons + 1) * sizeof(*r));
	if (!r) {
		oom_if(c, -ENOMEM);
		return;
	}
	p->reasons = r;
	va_start(ap, fmt);
	oom_if(c, pt_strbuf_vprintf(&sb, fmt, ap));
	va_end(ap);
	r[p->nreasons] = (struct pt_plan_reason){strdup(path), strdup(line), pt_strbuf_steal(&sb)};
	if (!r[p->nreasons].path || !r[p->nreasons].line || !r[p->nreasons].why)
		oom_if(c, -ENOMEM);
	p->nreasons++;
	pt_strbuf_done(&sb);
}

static void command(struct ctx *c, const char *why, const char *const *argv)
{
	struct pt_plan *p = c->p;
	struct pt_plan_cmd *cmd = realloc(p->cmds, (p->ncmds + 1) * sizeof(*cmd));

	if (!cmd) {
		oom_if(c, -ENOMEM);
		return;
	}
	p->cmds = cmd;
	cmd = &p->cmds[p->ncmds++];
	*cmd = (struct pt_plan_cmd){.why = strdup(why)};
	if (!cmd->why)
		oom_if(c, -ENOMEM);
	for (size_t i = 0; argv[i]; i++)
		oom_if(c, pt_strv_push(&cmd->argv, argv[i]));
}

/* Adds an edit; true when it changes the file. */
static bool edit_mode(struct ctx *c, const struct pt_raw_file *f, const char *path, const char *new,
		      size_t new_len, unsigned mode)
{
	size_t before = c->p->txn.n;

	oom_if(c, pt_txn_add(&c->p->txn, path, f ? f->data : NULL, f ? f->len : 0, new, new_len,
			     mode));
	return c->p->txn.n > before;
}

static bool edit(struct ctx *c, const struct pt_raw_file *f, const char *path, const char *new,
		 size_t new_len)
{
	return edit_mode(c, f, path, new, new_len, 0644);
}

/* Forgets the reasons given since mark (their file turned out unchanged). */
static void drop_reasons(struct ctx *c, size_t mark)
{
	for (size_t i = mark; i < c->p->nreasons; i++) {
		free(c->p->reasons[i].path);
		free(c->p->reasons[i].line);
		free(c->p->reasons[i].why);
	}
	c->p->nreasons = mark;
}

/* The file's bytes, or NULL with a note when it could not be read (no edit over unknown bytes). */
static const struct pt_raw_file *raw(struct ctx *c, const char *path, bool *ok)
{
	const struct pt_raw_file *f = pt_host_raw_file(c->h, path);

	*ok = f && (f->err == 0 || f->err == -ENOENT);
	if (!*ok)
		pushf(c, &c->p->notes, "%s could not be read (%s): no edit planned for it", path,
		      f ? strerror(-f->err) : "not in the host model");
	return f;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---- the devices ---- */

int pt_plan_set(const struct pt_host *h, size_t idx, bool *in_set, size_t *devs, size_t *ndevs)
{
	*ndevs = 0;
	pt_passthrough_set(h, idx, in_set);
	for (size_t i = 0; i < h->ndevs; i++) {
		/* Bridges and ports stay with the host; vfio-pci refuses them (FACTS §4.1). */
		if (in_set[i] && h->devs[i].is_bridge)
			in_set[i] = false;
		if (in_set[i])
			devs[(*ndevs)++] = i;
	}
	return 0;
}

static int devices(struct ctx *c, size_t idx)
{
	const struct pt_host *h = c->h;

	c->in_set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*c->in_set));
	c->p->devs = calloc(h->ndevs ? h->ndevs : 1, sizeof(*c->p->devs));
	c->shared = calloc(h->ndevs ? h->ndevs : 1, sizeof(*c->shared));
	if (!c->in_set || !c->p->devs || !c->shared)
		return -ENOMEM;
	return pt_plan_set(h, idx, c->in_set, c->p->devs, &c->p->ndevs);
}

int pt_plan_guards(const struct pt_host *h, size_t idx, struct pt_strv *refusals,
		   struct pt_strv *notes)
{
	struct pt_check_opts o = {&h->devs[idx].bdf, 1};
	struct pt_findings fl = {0};
	struct pt_dev_ctx dc = {h, &o, idx, &h->devs[idx], &fl};
	int e = pt_check_dev_guard(&dc);

	if (e >= 0 && fl.oom)
		e = -ENOMEM;
	for (size_t i = 0; i < fl.n && e >= 0; i++) {
		const struct pt_finding *f = &fl.v[i];
		bool hard = streq(f->id, "guard.boot-disk") ||
			    streq(f->id, "guard.default-route-nic") ||
			    streq(f->id, "guard.console-gpu");

		if (f->severity == PT_SEV_PASS || !f->message)
			continue;
		e = pt_strv_pushf(hard ? refusals : notes, "%s (%s)", f->message, f->id);
	}
	pt_findings_done(&fl);
	return e;
}

/* The guard of `check` (checks/device.c): boot disk, default-route NIC, only console GPU. */
static void guards(struct ctx *c, size_t idx)
{
	oom_if(c, pt_plan_guards(c->h, idx, &c->p->refusals, &c->p->notes));
	c->p->refused = c->p->refusals.n > 0 && !c->req->override_guards;
}

/* ---- the kernel command line (FACTS §2, §3) ---- */

struct token {
	char *text;
	char *why;
};

struct tokens {
	struct token v[8];
	size_t n;
};

static void _printf_(4, 5)
	token(struct ctx *c, struct tokens *t, const char *text, const char *fmt, ...)
{
	struct pt_strbuf sb = {0};
	va_list ap;

	if (t->n == sizeof(t->v) / sizeof(t->v[0]))
		return;
	va_start(ap, fmt);
	oom_if(c, pt_strbuf_vprintf(&sb, fmt, ap));
	va_end(ap);
	t->v[t->n].text = strdup(text);
	t->v[t->n].why = pt_strbuf_steal(&sb);
	if (!t->v[t->n].text || !t->v[t->n].why)
		oom_if(c, -ENOMEM);
	t->n++;
	pt_strbuf_done(&sb);
}

static void iommu_tokens(struct ctx *c, struct tokens *t)
{
	const struct pt_host *h = c->h;
	struct pt_iommu_verdict v = {0};
	const char *sym = NULL;
	enum pt_tristate def;

	oom_if(c, pt_iommu_judge(h, &v));
	switch (v.state) {
	case PT_IOMMU_ACTIVE:
	case PT_IOMMU_UNITS_NO_GROUPS:
		break;
	case PT_IOMMU_OFF_BY_CMDLINE:
		if (v.param && startswith(v.param, "intel_iommu"))
			token(c, t, "intel_iommu=on",
			      "the host's own command line turns the IOMMU off (%s): "
			      "intel_iommu=on "
			      "after it wins (the last one counts) and the user's token stays "
			      "(FACTS §2)",
			      v.param);
		else
			pushf(c, &c->p->notes,
			      "the IOMMU is off by the kernel parameter %s: passthru never removes "
			      "a "
			      "user's parameter; remove it yourself",
			      v.param ? v.param : "(unknown)");
		break;
	case PT_IOMMU_OFF_IN_KERNEL:
		if (h->acpi_dmar == PT_YES) {
			def = pt_intel_iommu_default_on(h, &sym);
			if (def == PT_NO)
				token(c, t, "intel_iommu=on",
				      "this kernel does not enable the Intel IOMMU by default "
				      "(neither CONFIG_INTEL_IOMMU_DEFAULT_ON nor "
				      "CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF is set) and the "
				      "firmware offers VT-d (FACTS §2)");
			else if (def == PT_UNKNOWN)
				token(c, t, "intel_iommu=on",
				      "the firmware offers VT-d, the kernel did not enable it and "
				      "its "
				      "build configuration is not in this root (FACTS §2)");
		}
		if (h->acpi_ivrs == PT_YES)
			pushf(c, &c->p->notes,
			      "the AMD IOMMU is not active although the firmware offers it; no "
			      "parameter turns it on (amd_iommu=on is not a valid value, FACTS "
			      "§2): "
			      "look for amd_iommu=off or iommu=off, and the firmware's IOMMU "
			      "setting");
		break;
	case PT_IOMMU_NO_FIRMWARE:
		pushf(c, &c->p->notes,
		      "the firmware offers no IOMMU (no DMAR/IVRS table): enable VT-d / AMD-Vi "
		      "(\"IOMMU\", \"SVM\") in the firmware setup first");
		break;
	case PT_IOMMU_UNKNOWN:
		pushf(c, &c->p->notes, "whether the IOMMU is active is not known from this root");
		break;
	}
	if (v.state != PT_IOMMU_ACTIVE)
		pushf(c, &c->p->notes,
		      "the IOMMU is not active yet: group membership is only known after the "
		      "reboot; run `passthru verify` then");
	if (c->req->iommu_pt)
		token(c, t, "iommu=pt",
		      "requested: host devices get identity DMA mappings; VFIO devices stay "
		      "translated (FACTS §2)");
	pt_iommu_verdict_done(&v);
}

/* Which of t's tokens line (a command line) does not already have in force. */
static size_t needed(struct ctx *c, const char *line, const struct tokens *t, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct pt_strbuf sb = {0};
		size_t added = 0;
		const char *tok = t->v[i].text;
		int e = pt_plan_cmdline_append(line, strlen(line), &tok, 1, &sb, &added);

		oom_if(c, e == -ENOMEM ? e : 0);
		if (e < 0 || added)
			out[n++] = t->v[i].text;
		pt_strbuf_done(&sb);
	}
	return n;
}

/* Whether a command line's first line ends inside a quote the kernel would not close. */
static bool unclosed_quote(struct ctx *c, const char *line)
{
	struct pt_cmdline cl = {0};
	int e = pt_cmdline_parse(line, pt_cmdline_first_line(line, strlen(line)), &cl);
	bool open = e == 0 && cl.unterminated;

	oom_if(c, e == -ENOMEM ? e : 0);
	pt_cmdline_done(&cl);
	return open;
}

static const char *why_of(const struct tokens *t, const char *text)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->v[i].text, text))
			return t->v[i].why;
	return "";
}

/* The parameter name of a command-line token as the kernel reads it, or NULL. */
static char *token_name(struct ctx *c, const char *token)
{
	struct pt_cmdline cl = {0};
	int e = pt_cmdline_parse(token, strlen(token), &cl);
	char *name = NULL;

	oom_if(c, e == -ENOMEM ? e : 0);
	if (e == 0 && cl.n == 1) {
		name = strdup(cl.params[0].name);
		if (!name)
			oom_if(c, -ENOMEM);
	}
	pt_cmdline_done(&cl);
	return name;
}

/*
 * The tokens our GRUB drop-in adds to GRUB_CMDLINE_LINUX_DEFAULT now (its assignment evaluated
 * with the variable empty); none when it is absent or not ours to read.
 */
static void dropin_tokens(struct ctx *c, const struct pt_raw_file *f, struct pt_strv *out)
{
	struct pt_shellvars_doc doc = {0};
	struct pt_shellvars_env env = {0};
	const struct pt_shellvars_var *v;
	struct pt_cmdline cl = {0};
	unsigned line = 0;
	int e;

	if (!f || !f->data)
		return;
	e = pt_shellvars_parse(f->data, f->len, PT_PLAN_GRUB_DROPIN, &doc, &line);
	if (e < 0) {
		oom_if(c, e == -ENOMEM ? e : 0);
		return;
	}
	e = pt_shellvars_eval(&doc, &env);
	oom_if(c, e);
	v = e == 0 ? pt_shellvars_env_get(&env, "GRUB_CMDLINE_LINUX_DEFAULT") : NULL;
	if (v && v->value && v->file) {
		e = pt_cmdline_parse(v->value, strlen(v->value), &cl);
		oom_if(c, e == -ENOMEM ? e : 0);
		for (size_t i = 0; e == 0 && !cl.unterminated && i < cl.n; i++)
			oom_if(c, pt_strv_push(out, cl.params[i].raw));
		pt_cmdline_done(&cl);
	}
	pt_shellvars_env_done(&env);
	pt_shellvars_done(&doc);
}

/* Adds token to sv, in place of a token for the same parameter (a new ids= list). */
static void merge_token(struct ctx *c, struct pt_strv *sv, const char *token)
{
	char *name = token_name(c, token);

	for (size_t i = 0; name && i < sv->n; i++) {
		char *other = token_name(c, sv->v[i]);
		bool same = other && pt_cmdline_name_eq(name, other);

		free(other);
		if (same) {
			char *dup = strdup(token);

			if (!dup) {
				oom_if(c, -ENOMEM);
			} else {
				free(sv->v[i]);
				sv->v[i] = dup;
			}
			free(name);
			return;
		}
	}
	free(name);
	oom_if(c, pt_strv_push(sv, token));
}

static void cmdline_grub(struct ctx *c, const struct tokens *t)
{
	const struct pt_host *h = c->h;
	const struct pt_grub_var *lin = &h->grub.cmdline_linux,
				 *def = &h->grub.cmdline_linux_default;
	const char *add[8];
	struct pt_strbuf cur = {0}, body = {0}, q = {0}, line = {0};
	struct pt_strv keep = {0};
	const struct pt_raw_file *f;
	size_t n;
	bool ok;

	if (!h->grub.known) {
		pushf(c, &c->p->notes,
		      "GRUB boots this host but /etc/default/grub is not in this "
		      "root: no command-line edit planned");
		return;
	}
	f = raw(c, PT_PLAN_GRUB_DROPIN, &ok);
	if (!ok)
		return;
	pt_strbuf_printf(&cur, "%s %s", lin->value ? lin->value : "", def->value ? def->value : "");
	if (unclosed_quote(c, pt_strbuf_str(&cur))) {
		const struct pt_grub_var *at = def->file ? def : lin;

		/* What the drop-in appends would become part of the quoted value (FACTS §2). */
		pushf(c, &c->p->notes,
		      "GRUB's command line (GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, "
		      "last set at %s:%u) ends inside an unclosed double quote: a parameter added "
		      "after it would become part of the quoted value; fix the quoting first; no "
		      "command-line edit planned (needed: %s)",
		      at->file ? at->file : "?", at->line, t->v[0].text);
		pt_strbuf_done(&cur);
		return;
	}
	if (strchr(pt_strbuf_str(&cur), '\n')) {
		const struct pt_grub_var *at = def->file ? def : lin;

		/* grub-mkconfig writes the value into grub.cfg's linux line as it is (10_linux). */
		pushf(c, &c->p->notes,
		      "GRUB's command line (GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, "
		      "last set at %s:%u) holds a newline: it ends the linux line grub-mkconfig "
		      "writes, so what follows it, and anything added, never reaches the kernel; "
		      "put the value on one line (a backslash-newline is fine) first; no "
		      "command-line edit planned (needed: %s)",
		      at->file ? at->file : "?", at->line, t->v[0].text);
		pt_strbuf_done(&cur);
		return;
	}
	n = needed(c, pt_strbuf_str(&cur), t, add);
	pt_strbuf_done(&cur);
	if (n == 0) {
		/* Keep the drop-in as it is when it is ours and already carries them. */
		return;
	}
	/* What the drop-in already carries stays: rewriting it with only what is missing now
	 * would drop a parameter an earlier apply added (it is "in force" through it). */
	dropin_tokens(c, f, &keep);
	for (size_t i = 0; i < n; i++)
		merge_token(c, &keep, add[i]);
	for (size_t i = 0; i < keep.n; i++)
		pt_strbuf_printf(&q, " %s", keep.v[i]);
	pt_strv_done(&keep);
	pt_strbuf_puts(&line, "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT");
	{
		struct pt_strbuf qq = {0};

		oom_if(c, pt_shellvars_quote(&qq, q.buf ? q.buf : "", q.len));
		/* qq is "...": drop its opening quote, the value continues the one above. */
		if (qq.len > 1)
			pt_strbuf_puts(&line, qq.buf + 1);
		pt_strbuf_done(&qq);
	}
	pt_strbuf_puts(&body, "# Written by passthru: kernel parameters for VFIO passthrough.\n"
			      "# Named zz-* so grub-mkconfig sources it after the other drop-ins "
			      "(glob order;\n# the last assignment wins).\n");
	pt_strbuf_printf(&body, "%s\n", pt_strbuf_str(&line));
	if (edit(c, f, PT_PLAN_GRUB_DROPIN, body.buf, body.len)) {
		for (size_t i = 0; i < n; i++)
			reason(c, PT_PLAN_GRUB_DROPIN, add[i], "%s", why_of(t, add[i]));
		reason(c, PT_PLAN_GRUB_DROPIN, pt_strbuf_str(&line),
		       "a GRUB drop-in, added to what /etc/default/grub and the other drop-ins set "
		       "(grub-mkconfig sources /etc/default/grub.d/*.cfg in glob order after "
		       "/etc/default/grub, FACTS §3); /etc/default/grub itself stays untouched; "
		       "GRUB_CMDLINE_LINUX_DEFAULT reaches the normal entries, not recovery");
		c->boot_cmd = h->boot.proxmox_boot == PT_YES ? "proxmox-boot-tool" : "update-grub";
	}
	/* A drop-in that sorts after ours and assigns the variable replaces our value. */
	for (size_t i = 0; i < h->grub.files.n; i++) {
		const char *p = h->grub.files.v[i];

		if (startswith(p, "/etc/default/grub.d/") &&
		    strcmp(base(p), base(PT_PLAN_GRUB_DROPIN)) > 0)
			pushf(c, &c->p->notes,
			      "%s sorts after %s: if it assigns GRUB_CMDLINE_LINUX_DEFAULT without "
			      "keeping the old value, it overrides these parameters",
			      p, PT_PLAN_GRUB_DROPIN);
	}
	if (h->grub.errors.n)
		pushf(c, &c->p->notes, "update-grub fails on this host as it is: %s",
		      h->grub.errors.v[0]);
	pt_strbuf_done(&q);
	pt_strbuf_done(&line);
	pt_strbuf_done(&body);
}

/* Whether the first line of a command-line file names root= (proxmox-boot-tool needs it). */
static bool has_root(struct ctx *c, const char *text)
{
	struct pt_cmdline cl = {0};
	int e = pt_cmdline_parse(text, pt_cmdline_first_line(text, strlen(text)), &cl);
	bool yes = e == 0 && pt_cmdline_find_last(&cl, "root");

	oom_if(c, e == -ENOMEM ? e : 0);
	pt_cmdline_done(&cl);
	return yes;
}

static void cmdline_kernel_file(struct ctx *c, const struct tokens *t)
{
	const char *all[8];
	struct pt_strbuf out = {0};
	const struct pt_raw_file *f;
	size_t added = 0;
	bool ok;
	int e;

	f = raw(c, PT_PLAN_KERNEL_CMDLINE, &ok);
	if (!ok)
		return;
	if (!f->data) {
		pushf(c, &c->p->notes,
		      "%s is missing (proxmox-boot-tool then uses /proc/cmdline): create it from "
		      "/proc/cmdline without the initrd= tokens first; no command-line edit "
		      "planned",
		      PT_PLAN_KERNEL_CMDLINE);
		return;
	}
	for (size_t i = 0; i < t->n; i++)
		all[i] = t->v[i].text;
	e = pt_plan_cmdline_append(f->data, f->len, all, t->n, &out, &added);
	if (e == -EINVAL)
		pushf(c, &c->p->notes,
		      "%s has an unclosed quote or a NUL byte on its first line: anything added "
		      "would land inside it; fix the file first",
		      PT_PLAN_KERNEL_CMDLINE);
	else
		oom_if(c, e);
	if (e >= 0 && added && edit(c, f, PT_PLAN_KERNEL_CMDLINE, out.buf, out.len)) {
		const char *need[8];
		size_t n = needed(c, f->data, t, need);

		for (size_t i = 0; i < n; i++)
			reason(c, PT_PLAN_KERNEL_CMDLINE, need[i],
			       "%s; added to the first line, the only one proxmox-boot-tool reads "
			       "(FACTS §3), after the user's parameters",
			       why_of(t, need[i]));
		c->boot_cmd = "proxmox-boot-tool";
		if (!has_root(c, f->data))
			pushf(c, &c->p->notes,
			      "%s has no root= on its first line: proxmox-boot-tool refresh "
			      "stops with \"No root= parameter in /etc/kernel/cmdline found!\" "
			      "(FACTS §3); add the root= of /proc/cmdline to it first",
			      PT_PLAN_KERNEL_CMDLINE);
	}
	pt_strbuf_done(&out);
}

static void cmdline(struct ctx *c, const struct tokens *t)
{
	const char *why = NULL;

	if (t->n == 0)
		return;
	switch (pt_boot_path(c->h, &why)) {
	case PT_BOOT_GRUB:
		cmdline_grub(c, t);
		break;
	case PT_BOOT_SDBOOT_PBT:
		cmdline_kernel_file(c, t);
		break;
	case PT_BOOT_SDBOOT:
		pushf(c, &c->p->notes,
		      "systemd-boot without proxmox-boot-tool: add %s to the loader entries' "
		      "options yourself",
		      t->v[0].text);
		break;
	default:
		pushf(c, &c->p->notes,
		      "which boot loader this host uses is not known: no command-line edit planned "
		      "(needed: %s)",
		      t->v[0].text);
		break;
	}
}

/* ---- binding: modprobe.d (FACTS §4.1, §4.2) ---- */

static bool id_shared(const struct ctx *c, const struct pt_pci_dev *d)
{
	for (size_t j = 0; j < c->h->ndevs; j++) {
		const struct pt_pci_dev *o = &c->h->devs[j];

		if (!c->in_set[j] && (o->have & PT_PCI_HAVE_VENDOR) &&
		    (o->have & PT_PCI_HAVE_DEVICE) && o->vendor == d->vendor &&
		    o->device == d->device)
			return true;
	}
	return false;
}

static bool pre_has_vfio(const struct pt_modprobe_cmd *cmd)
{
	for (size_t i = 0; i < cmd->pre.n; i++)
		if (pt_modprobe_name_eq(cmd->pre.v[i], "vfio_pci"))
			return true;
	return false;
}

/*
 * What an earlier apply (for another slot) put in our modprobe.d file stays: planning slot B
 * must not take slot A's devices back from vfio-pci.
 */
static const struct pt_modprobe_conf *our_conf(const struct ctx *c)
{
	for (size_t i = 0; i < c->h->modprobe.n_confs; i++)
		if (streq(c->h->modprobe.confs[i].file, PT_PLAN_MODPROBE))
			return &c->h->modprobe.confs[i];
	return NULL;
}

static void split_ids(struct ctx *c, const char *list, struct pt_strv *out)
{
	while (*list) {
		size_t n = strcspn(list, ",");
		char *one = strndup(list, n);

		if (!one)
			oom_if(c, -ENOMEM);
		else if (n && !pt_strv_contains(out, one))
			oom_if(c, pt_strv_push(out, one));
		free(one);
		list += n + (list[n] == ',');
	}
}

/* The values of our earlier `options vfio-pci NAME=...` (ids, disable_vga). */
static void prev_option(struct ctx *c, const char *name, struct pt_strv *out)
{
	const struct pt_modprobe_conf *conf = our_conf(c);

	for (size_t i = 0; conf && i < conf->n_cmds; i++) {
		const struct pt_modprobe_cmd *cmd = &conf->cmds[i];

		if (cmd->kind != PT_MODPROBE_OPTIONS ||
		    !pt_modprobe_name_eq(cmd->module, "vfio_pci"))
			continue;
		for (size_t k = 0; k < cmd->n_params; k++)
			if (cmd->params[k].value && pt_modprobe_param_eq(cmd->params[k].name, name))
				split_ids(c, cmd->params[k].value, out);
	}
}

/* Modules our earlier file blacklists (kind BLACKLIST) or orders after vfio-pci (SOFTDEP). */
static void prev_modules(struct ctx *c, enum pt_modprobe_kind kind, struct pt_strv *out)
{
	const struct pt_modprobe_conf *conf = our_conf(c);

	for (size_t i = 0; conf && i < conf->n_cmds; i++) {
		const struct pt_modprobe_cmd *cmd = &conf->cmds[i];

		if (cmd->kind == kind && !pt_strv_contains(out, cmd->module) &&
		    (kind != PT_MODPROBE_SOFTDEP || pre_has_vfio(cmd)))
			oom_if(c, pt_strv_push(out, cmd->module));
	}
}

/* vfio-pci built in: the vfio-pci.ids= the boot configuration already passes. */
static void prev_cmdline_ids(struct ctx *c, struct pt_strv *out)
{
	const struct pt_host *h = c->h;
	const char *src[3] = {0};
	const char *why;

	switch (pt_boot_path(h, &why)) {
	case PT_BOOT_GRUB:
		src[0] = h->grub.cmdline_linux.value;
		src[1] = h->grub.cmdline_linux_default.value;
		break;
	case PT_BOOT_SDBOOT_PBT:
		src[0] = h->boot.kernel_cmdline_file;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < 3 && src[i]; i++) {
		struct pt_cmdline cl = {0};
		const struct pt_cmdline_param *ids;

		oom_if(c, pt_cmdline_parse(src[i], strlen(src[i]), &cl));
		ids = pt_cmdline_find_last(&cl, "vfio_pci.ids");
		if (ids && ids->value)
			split_ids(c, ids->value, out);
		pt_cmdline_done(&cl);
	}
}

/* The vendor:device list for ids= ("" when none is usable). */
static void ids(struct ctx *c, bool builtin, struct pt_strbuf *out)
{
	struct pt_strv seen = {0};

	if (builtin)
		prev_cmdline_ids(c, &seen);
	else
		prev_option(c, "ids", &seen);
	for (size_t i = 0; i < seen.n; i++)
		pt_strbuf_printf(out, "%s%s", out->len ? "," : "", seen.v[i]);

	for (size_t k = 0; k < c->p->ndevs; k++) {
		const struct pt_pci_dev *d = &c->h->devs[c->p->devs[k]];
		char id[16];

		if (!(d->have & PT_PCI_HAVE_VENDOR) || !(d->have & PT_PCI_HAVE_DEVICE)) {
			pushf(c, &c->p->notes,
			      "%s: vendor/device IDs unknown, not in ids=", d->slot);
			continue;
		}
		snprintf(id, sizeof(id), "%04x:%04x", d->vendor, d->device);
		if (id_shared(c, d)) {
			c->shared[c->nshared++] = c->p->devs[k];
			continue;
		}
		if (pt_strv_contains(&seen, id))
			continue;
		oom_if(c, pt_strv_push(&seen, id));
		pt_strbuf_printf(out, "%s%s", out->len ? "," : "", id);
	}
	pt_strv_done(&seen);
}

/* Modules that would claim a device of the set (from the module index), sorted. */
static void claimers(struct ctx *c, struct pt_strv *out)
{
	if (!c->h->modules_known) {
		pushf(c, &c->p->notes,
		      "no module index of this kernel (/lib/modules/%s) in this root: which "
		      "drivers would claim these devices at boot is unknown, so no softdep is "
		      "planned; `passthru plan` on the host itself plans them",
		      c->h->kernel_release ? c->h->kernel_release : "?");
		return;
	}
	for (size_t k = 0; k < c->p->ndevs; k++) {
		const struct pt_pci_dev *d = &c->h->devs[c->p->devs[k]];

		for (size_t m = 0; m < d->nmodules; m++) {
			const char *name = d->modules[m].name;

			if (pt_modprobe_name_eq(name, "vfio_pci") ||
			    d->modules[m].builtin == PT_YES)
				continue;
			if (!pt_strv_contains(out, name))
				oom_if(c, pt_strv_push(out, name));
		}
	}
	pt_strv_sort(out);
}

/* A device that stays with the host and would use module name, or NULL. */
static const struct pt_pci_dev *host_user(const struct ctx *c, const char *name)
{
	for (size_t j = 0; j < c->h->ndevs; j++) {
		const struct pt_pci_dev *o = &c->h->devs[j];

		if (c->in_set[j])
			continue;
		for (size_t m = 0; m < o->nmodules; m++)
			if (pt_modprobe_name_eq(o->modules[m].name, name))
				return o;
	}
	return NULL;
}

/*
 * --blacklist: only modules no host device needs (snd_hda_intel with onboard audio, FACTS
 * §4.1); an earlier apply's blacklist lines stay.
 */
static void blacklist(struct ctx *c, const struct pt_strv *mods, struct pt_strbuf *body)
{
	struct pt_strv prev = {0}, all = {0};
	struct pt_strbuf line = {0};

	prev_modules(c, PT_MODPROBE_BLACKLIST, &prev);
	for (size_t i = 0; i < prev.n; i++)
		oom_if(c, pt_strv_push(&all, prev.v[i]));
	for (size_t i = 0; c->req->blacklist && i < mods->n; i++) {
		const struct pt_pci_dev *o = host_user(c, mods->v[i]);

		if (o)
			pushf(c, &c->p->notes,
			      "not blacklisted: %s, because %s (%s) stays with the host and uses "
			      "it",
			      mods->v[i], o->slot, o->class_name ? o->class_name : "a device");
		else if (!pt_strv_contains(&all, mods->v[i]))
			oom_if(c, pt_strv_push(&all, mods->v[i]));
	}
	pt_strv_sort(&all);
	for (size_t i = 0; i < all.n; i++) {
		pt_strbuf_reset(&line);
		pt_strbuf_printf(&line, "blacklist %s", all.v[i]);
		pt_strbuf_printf(body, "%s\n", line.buf);
		if (pt_strv_contains(&prev, all.v[i]))
			continue; /* unchanged: an earlier apply wrote it */
		reason(c, PT_PLAN_MODPROBE, line.buf,
		       "requested (--blacklist); no device that stays with the host uses %s. It "
		       "only stops loading by alias: an explicit modprobe or a dependency still "
		       "loads it (FACTS §4.1)",
		       all.v[i]);
	}
	pt_strbuf_done(&line);
	pt_strv_done(&prev);
	pt_strv_done(&all);
}

static void user_vfio_options(struct ctx *c)
{
	const struct pt_modprobe_set *set = &c->h->modprobe;

	for (size_t i = 0; i < set->n_confs; i++) {
		const struct pt_modprobe_conf *conf = &set->confs[i];

		if (streq(conf->file, PT_PLAN_MODPROBE))
			continue;
		for (size_t k = 0; k < conf->n_cmds; k++) {
			const struct pt_modprobe_cmd *cmd = &conf->cmds[k];

			if (cmd->kind != PT_MODPROBE_OPTIONS ||
			    !pt_modprobe_name_eq(cmd->module, "vfio_pci"))
				continue;
			pushf(c, &c->p->notes,
			      "conflict: %s:%u already sets vfio-pci options (%s); passthru never "
			      "overwrites a user's file: merge it into %s or remove the line (with "
			      "two "
			      "ids= lists the kernel keeps the last one, here %s's, FACTS §4.2)",
			      conf->file, cmd->line, cmd->raw, PT_PLAN_MODPROBE,
			      strcmp(base(conf->file), base(PT_PLAN_MODPROBE)) > 0
				      ? conf->file
				      : PT_PLAN_MODPROBE);
		}
	}
}

/*
 * "disable_vga=1" when the set has a VGA-class function and this kernel's vfio-pci has the
 * parameter (CONFIG_VFIO_PCI_VGA, FACTS §4.1); elsewhere the module would log it as unknown.
 */
static const char *disable_vga(struct ctx *c)
{
	const struct pt_host *h = c->h;
	bool vga = false;

	for (size_t k = 0; k < c->p->ndevs; k++)
		vga |= (h->devs[c->p->devs[k]].class >> 8) == 0x0300;
	if (!vga)
		return NULL;
	if (h->kconfig_known && pt_kconfig_tristate(&h->kconfig, "VFIO_PCI_VGA") == PT_KCONFIG_Y)
		return "disable_vga=1";
	pushf(c, &c->p->notes, "no disable_vga=1: %s",
	      h->kconfig_known ? "this kernel's vfio-pci has no such parameter "
				 "(CONFIG_VFIO_PCI_VGA is not set)"
			       : "whether this kernel's vfio-pci has the parameter is "
				 "not known (no /boot/config in this root)");
	return NULL;
}

static const char disable_vga_why[] =
	"the set has a VGA-class function: vfio-pci then tells the VGA arbiter that it no "
	"longer decodes the legacy VGA ranges (when another VGA device exists), so they are "
	"never routed away from the host console; the guest gets no legacy VGA through vfio "
	"(SeaBIOS x-vga), which OVMF guests do not use (FACTS §4.1; linux "
	"drivers/vfio/pci/vfio_pci_core.c vfio_pci_set_decode)";

static void binding(struct ctx *c, struct tokens *t)
{
	const struct pt_host *h = c->h;
	bool builtin = h->builtin_known && pt_modbuiltin_has(&h->builtin, "vfio_pci");
	struct pt_strbuf idl = {0}, body = {0}, line = {0};
	struct pt_strv mods = {0};
	const struct pt_raw_file *f;
	size_t nreasons = c->p->nreasons;
	const char *vga;
	bool ok;

	ids(c, builtin, &idl);
	vga = disable_vga(c);
	if (!vga) {
		struct pt_strv prev = {0};

		prev_option(c, "disable_vga", &prev);
		vga = prev.n ? "disable_vga=1" : NULL;
		pt_strv_done(&prev);
	}
	if (builtin) {
		if (idl.len) {
			pt_strbuf_printf(&line, "vfio-pci.ids=%s", idl.buf);
			token(c, t, pt_strbuf_str(&line),
			      "vfio-pci is built into this kernel (modules.builtin): modprobe.d "
			      "options never reach it, only the command line does (FACTS §4.1)");
		}
		if (vga)
			token(c, t, "vfio-pci.disable_vga=1",
			      "%s; on the command line because vfio-pci is built in",
			      disable_vga_why);
		pt_strbuf_done(&line);
		pt_strbuf_done(&idl);
		return;
	}
	f = raw(c, PT_PLAN_MODPROBE, &ok);
	if (!ok)
		goto out;
	user_vfio_options(c);
	pt_strbuf_puts(&body, "# Written by passthru: devices for vfio-pci at boot.\n");
	if (idl.len || vga) {
		pt_strbuf_puts(&line, "options vfio-pci");
		if (idl.len)
			pt_strbuf_printf(&line, " ids=%s", idl.buf);
		if (vga)
			pt_strbuf_printf(&line, " %s", vga);
		pt_strbuf_printf(&body, "%s\n", line.buf);
		if (idl.len)
			reason(c, PT_PLAN_MODPROBE, line.buf,
			       "ids=: vfio-pci claims these vendor:device IDs when it loads; no "
			       "device that stays with the host has them (FACTS §4.1)");
		if (vga)
			reason(c, PT_PLAN_MODPROBE, line.buf, "%s: %s", vga, disable_vga_why);
	}
	claimers(c, &mods);
	prev_modules(c, PT_MODPROBE_SOFTDEP, &mods);
	pt_strv_sort(&mods);
	for (size_t i = 0; i < mods.n; i++) {
		struct pt_modprobe_refs refs = {0};
		const struct pt_modprobe_ref *first = NULL;

		oom_if(c,
		       pt_modprobe_set_find(&h->modprobe, PT_MODPROBE_SOFTDEP, mods.v[i], &refs));
		for (size_t r = 0; r < refs.n && !first; r++)
			if (refs.v[r].effective)
				first = &refs.v[r];
		if (first && !streq(first->conf->file, PT_PLAN_MODPROBE)) {
			if (pre_has_vfio(first->cmd)) {
				pt_modprobe_refs_done(&refs);
				continue;
			}
			pushf(c, &c->p->notes,
			      "%s:%u has a softdep for %s and kmod uses only the first one: the "
			      "softdep below has no effect until that line lists vfio-pci under "
			      "pre:",
			      first->conf->file, first->cmd->line, mods.v[i]);
		}
		pt_modprobe_refs_done(&refs);
		pt_strbuf_reset(&line);
		pt_strbuf_printf(&line, "softdep %s pre: vfio-pci", mods.v[i]);
		pt_strbuf_printf(&body, "%s\n", line.buf);
		reason(c, PT_PLAN_MODPROBE, line.buf,
		       "%s would claim a device of the set (its module alias matches); loading "
		       "vfio-pci first lets vfio-pci win (FACTS §4.1, §4.3); a softdep, not a "
		       "blacklist: other devices may still need %s",
		       mods.v[i], mods.v[i]);
	}
	blacklist(c, &mods, &body);
	if (c->p->nreasons == nreasons || !edit(c, f, PT_PLAN_MODPROBE, body.buf, body.len)) {
		/* Nothing to say, or the file already says it: no reasons for an unchanged file. */
		drop_reasons(c, nreasons);
	} else {
		c->initramfs = true;
	}
out:
	pt_strv_done(&mods);
	pt_strbuf_done(&line);
	pt_strbuf_done(&body);
	pt_strbuf_done(&idl);
}

/* ---- binding: per-slot driver_override from the initramfs (FACTS §4.1, §4.3) ---- */

static const char override_head[] =
	"#!/bin/sh\n"
	"# Written by passthru: hands these PCI functions to vfio-pci before their own\n"
	"# drivers load. A device that stays with the host has the same vendor:device\n"
	"# IDs, so `options vfio-pci ids=` would take it too: driver_override names one\n"
	"# slot. A slot whose IDs no longer match (hardware moved) is left alone.\n"
	"PREREQ=\"\"\n"
	"prereqs() { echo \"$PREREQ\"; }\n"
	"case \"$1\" in\n"
	"prereqs)\n"
	"\tprereqs\n"
	"\texit 0\n"
	"\t;;\n"
	"esac\n"
	"\n"
	"override() { # SLOT VENDOR DEVICE\n"
	"\td=/sys/bus/pci/devices/$1\n"
	"\t[ -e \"$d/driver_override\" ] || return 0\n"
	"\tread -r v <\"$d/vendor\" && read -r p <\"$d/device\" || return 0\n"
	"\t[ \"$v\" = \"$2\" ] && [ \"$p\" = \"$3\" ] || return 0\n"
	"\techo vfio-pci >\"$d/driver_override\"\n"
	"\t# A driver built into the kernel may have bound it already: release it.\n"
	"\tdrv=$(readlink \"$d/driver\" 2>/dev/null)\n"
	"\tif [ -n \"$drv\" ] && [ \"${drv##*/}\" != vfio-pci ]; then\n"
	"\t\techo \"$1\" >\"$d/driver/unbind\"\n"
	"\tfi\n"
	"\t# Binds now when vfio-pci is built in or loaded; else when it loads.\n"
	"\techo \"$1\" >/sys/bus/pci/drivers_probe 2>/dev/null\n"
	"\treturn 0\n"
	"}\n"
	"\n";

/*
 * The override lines an earlier apply wrote, re-emitted only in the exact form this planner
 * writes (the file is a shell script: nothing else from it is copied into the new one).
 */
static void prev_overrides(struct ctx *c, const struct pt_raw_file *f, struct pt_strbuf *body)
{
	const char *p = f->data, *end = f->data ? f->data + f->len : NULL;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char slot[32], line[96];
		unsigned ven, dev;
		int used = 0;
		bool again = false;

		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (sscanf(line, "override %31[0-9a-f:.] 0x%4x 0x%4x%n", slot, &ven, &dev,
				   &used) == 3 &&
			    (size_t)used == n) {
				for (size_t k = 0; k < c->nshared; k++)
					again |= streq(c->h->devs[c->shared[k]].slot, slot);
				if (!again)
					pt_strbuf_printf(body, "%s\n", line);
			}
		}
		p += n + 1;
	}
}

static void override_script(struct ctx *c)
{
	struct pt_strbuf body = {0}, line = {0};
	const struct pt_raw_file *f;
	size_t nreasons = c->p->nreasons;
	bool ok;

	if (c->nshared == 0)
		return;
	f = raw(c, PT_PLAN_INITRAMFS_SCRIPT, &ok);
	if (!ok)
		return;
	pt_strbuf_puts(&body, override_head);
	prev_overrides(c, f, &body);
	for (size_t k = 0; k < c->nshared; k++) {
		const struct pt_pci_dev *d = &c->h->devs[c->shared[k]];

		pt_strbuf_reset(&line);
		pt_strbuf_printf(&line, "override %s 0x%04x 0x%04x", d->slot, d->vendor, d->device);
		pt_strbuf_printf(&body, "%s\n", line.buf);
		reason(c, PT_PLAN_INITRAMFS_SCRIPT, pt_strbuf_str(&line),
		       "%04x:%04x is also a device that stays with the host, so ids= would take "
		       "that one too; driver_override names this slot alone. init-top scripts "
		       "run before /etc/initramfs-tools/modules is loaded, and this one sorts "
		       "before initramfs-tools' udev script, whose coldplug loads the drivers; "
		       "a driver that bound first anyway is released (FACTS §4.1, §4.3; seen "
		       "in the lab on Debian's 6.1 kernel)",
		       d->vendor, d->device);
	}
	/* initramfs-tools runs only executable scripts. */
	if (edit_mode(c, f, PT_PLAN_INITRAMFS_SCRIPT, body.buf, body.len, 0755))
		c->initramfs = true;
	else
		drop_reasons(c, nreasons);
	pt_strbuf_done(&line);
	pt_strbuf_done(&body);
}

/* ---- modules (FACTS §4.3) ---- */

/* Listed in modules.builtin: nothing to load (FACTS §1.2). */
static bool builtin(const struct pt_host *h, const char *module)
{
	return h->builtin_known && pt_modbuiltin_has(&h->builtin, module);
}

static void modules(struct ctx *c)
{
	const struct pt_host *h = c->h;
	const char *all[] = {"vfio", "vfio_iommu_type1", "vfio_pci", "vfio_virqfd"};
	size_t nall = h->virqfd_indexed == PT_YES ? 4 : 3; /* vfio_virqfd: merged in 6.2 */
	struct pt_strbuf load = {0}, init = {0};
	const struct pt_raw_file *f;
	struct pt_modlist list = {0};
	bool ok;

	/* modules-load.d: ours, whole; none at all when every VFIO module is built in. */
	f = raw(c, PT_PLAN_MODULES_LOAD, &ok);
	if (ok) {
		size_t nload = 0;

		pt_strbuf_puts(&load, "# Written by passthru: the VFIO modules, loaded at boot.\n");
		for (size_t i = 0; i < nall; i++)
			if (!builtin(h, all[i])) {
				pt_strbuf_printf(&load, "%s\n", all[i]);
				nload++;
			}
		if (nload && edit(c, f, PT_PLAN_MODULES_LOAD, load.buf, load.len))
			for (size_t i = 0; i < nall; i++)
				if (!builtin(h, all[i]))
					reason(c, PT_PLAN_MODULES_LOAD, all[i],
					       "loaded by systemd-modules-load after the "
					       "initramfs: keeps VFIO there when the initramfs "
					       "is rebuilt without it");
	}
	/* initramfs-tools/modules: the user's; append what is missing. */
	f = raw(c, PT_PLAN_INITRAMFS_MODULES, &ok);
	if (!ok)
		goto out;
	if (f->data)
		oom_if(c, pt_modlist_parse(f->data, f->len, PT_MODLIST_SHELL, &list));
	if (f->data)
		pt_strbuf_append(&init, f->data, f->len);
	if (init.len && init.buf[init.len - 1] != '\n')
		pt_strbuf_putc(&init, '\n');
	size_t mark = init.len;

	for (size_t i = 0; i < nall; i++) {
		if (pt_modlist_find(&list, all[i]) || builtin(h, all[i]))
			continue;
		pt_strbuf_printf(&init, "%s\n", all[i]);
	}
	if (init.len > mark && edit(c, f, PT_PLAN_INITRAMFS_MODULES, init.buf, init.len)) {
		for (size_t i = 0; i < nall; i++)
			if (!pt_modlist_find(&list, all[i]) && !builtin(h, all[i]))
				reason(c, PT_PLAN_INITRAMFS_MODULES, all[i],
				       "loaded inside the initramfs, so VFIO is there even when "
				       "no softdep fires; it runs after udev's coldplug, so the "
				       "softdeps (and the override script) are what make vfio-pci "
				       "win (initramfs-tools init: init-top, then load_modules; "
				       "FACTS §4.3)%s",
				       streq(all[i], "vfio_virqfd")
					       ? "; this kernel still has vfio_virqfd (< 6.2)"
					       : "");
		c->initramfs = true;
	}
out:
	pt_modlist_done(&list);
	pt_strbuf_done(&load);
	pt_strbuf_done(&init);
}

int pt_plan_build(const struct pt_host *h, const struct pt_plan_request *req, struct pt_plan *ret)
{
	struct ctx c = {.h = h, .req = req, .p = ret};
	struct tokens t = {0};
	long idx = pt_host_dev_index(h, &req->slot);
	int e;

	*ret = (struct pt_plan){0};
	if (idx < 0)
		return -ENODEV;
	if ((e = devices(&c, (size_t)idx)) < 0)
		goto fail;
	guards(&c, (size_t)idx);
	iommu_tokens(&c, &t);
	binding(&c, &t);
	override_script(&c);
	modules(&c);
	cmdline(&c, &t);
	if (c.initramfs)
		command(&c,
			"the initramfs carries modprobe.d, /etc/initramfs-tools/modules and "
			"its scripts: rebuild it for every installed kernel (FACTS §4.3)",
			(const char *const[]){"update-initramfs", "-u", "-k", "all", NULL});
	if (c.boot_cmd && streq(c.boot_cmd, "update-grub"))
		command(&c,
			"regenerates /boot/grub/grub.cfg from /etc/default/grub and its drop-ins",
			(const char *const[]){"update-grub", NULL});
	else if (c.boot_cmd)
		command(&c,
			"copies the kernel command line to the loader entries on every ESP "
			"proxmox-boot-tool manages (FACTS §3)",
			(const char *const[]){"proxmox-boot-tool", "refresh", NULL});
	for (size_t i = 0; i < t.n; i++) {
		free(t.v[i].text);
		free(t.v[i].why);
	}
	e = c.err;
fail:
	free(c.in_set);
	free(c.shared);
	if (e < 0)
		pt_plan_done(ret);
	return e;
}

void pt_plan_done(struct pt_plan *p)
{
	free(p->devs);
	pt_txn_done(&p->txn);
	for (size_t i = 0; i < p->ncmds; i++) {
		pt_strv_done(&p->cmds[i].argv);
		free(p->cmds[i].why);
	}
	free(p->cmds);
	for (size_t i = 0; i < p->nreasons; i++) {
		free(p->reasons[i].path);
		free(p->reasons[i].line);
		free(p->reasons[i].why);
	}
	free(p->reasons);
	pt_strv_done(&p->notes);
	pt_strv_done(&p->refusals);
	*p = (struct pt_plan){0};
}
