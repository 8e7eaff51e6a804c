/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner: the device set, the guards, and the helpers every part of the plan uses. The command
 * line is planned in plan-cmdline.c, binding and modules in plan-binding.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/set.h"
#include "derive/guards.h"
#include "plan/planner.h"
#include "util/strbuf.h"

void plan_oom(struct plan_ctx *c, int e)
{
	if (e < 0 && c->err == 0)
		c->err = e;
}

void plan_note(struct plan_ctx *c, struct pt_strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	plan_oom(c, pt_strv_vpushf(sv, fmt, ap));
	va_end(ap);
}

void plan_reason(struct plan_ctx *c, const char *path, const char *line, const char *fmt, ...)
{
	struct pt_plan *p = c->p;
	struct pt_plan_reason *r;
	struct pt_strbuf sb = {0};
	va_list ap;

	r = realloc(p->reasons, (p->nreasons + 1) * sizeof(*r));
	if (!r) {
		plan_oom(c, -ENOMEM);
		return;
	}
	p->reasons = r;
	va_start(ap, fmt);
	plan_oom(c, pt_strbuf_vprintf(&sb, fmt, ap));
	va_end(ap);
	r[p->nreasons] = (struct pt_plan_reason){strdup(path), strdup(line), pt_strbuf_steal(&sb)};
	if (!r[p->nreasons].path || !r[p->nreasons].line || !r[p->nreasons].why)
		plan_oom(c, -ENOMEM);
	p->nreasons++;
	pt_strbuf_done(&sb);
}

void plan_command(struct plan_ctx *c, const char *why, const char *const *argv)
{
	plan_oom(c, pt_txn_add_cmd(&c->p->txn, argv, why));
}

/* Adds an edit; true when it changes the file. */
bool plan_edit_mode(struct plan_ctx *c, const struct pt_raw_file *f, const char *path,
		    const char *new, size_t new_len, unsigned mode)
{
	size_t before = c->p->txn.n;

	plan_oom(c, pt_txn_add(&c->p->txn, path, f ? f->data : NULL, f ? f->len : 0, new, new_len,
			       mode));
	return c->p->txn.n > before;
}

bool plan_edit(struct plan_ctx *c, const struct pt_raw_file *f, const char *path, const char *new,
	       size_t new_len)
{
	return plan_edit_mode(c, f, path, new, new_len, 0644);
}

/* Forgets the reasons given since mark (their file turned out unchanged). */
void plan_drop_reasons(struct plan_ctx *c, size_t mark)
{
	for (size_t i = mark; i < c->p->nreasons; i++) {
		free(c->p->reasons[i].path);
		free(c->p->reasons[i].line);
		free(c->p->reasons[i].why);
	}
	c->p->nreasons = mark;
}

/* The file's bytes, or NULL with a note when it could not be read (no edit over unknown bytes). */
const struct pt_raw_file *plan_raw(struct plan_ctx *c, const char *path, bool *ok)
{
	const struct pt_raw_file *f = pt_host_raw_file(c->h, path);

	*ok = f && (f->err == 0 || f->err == -ENOENT);
	if (!*ok)
		plan_note(c, &c->p->notes, "%s could not be read (%s): no edit planned for it",
			  path, f ? strerror(-f->err) : "not in the host model");
	return f;
}

const char *plan_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---- the devices ---- */

static int devices(struct plan_ctx *c, size_t idx)
{
	const struct pt_host *h = c->h;

	c->in_set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*c->in_set));
	c->p->devs = calloc(h->ndevs ? h->ndevs : 1, sizeof(*c->p->devs));
	c->shared = calloc(h->ndevs ? h->ndevs : 1, sizeof(*c->shared));
	if (!c->in_set || !c->p->devs || !c->shared)
		return -ENOMEM;
	return pt_vfio_set(h, idx, c->in_set, c->p->devs, &c->p->ndevs);
}

/* "; did you mean `passthru plan 01:00`?": the slots below a bridge the request named. */
static int suggestion(const struct pt_guard *g, const char *cmd, struct pt_strbuf *sb)
{
	int e = 0;

	for (size_t k = 0; k < g->below.n && e >= 0; k++)
		e = pt_strbuf_printf(sb, "%s`passthru %s %s`", k ? " or " : "; did you mean ", cmd,
				     g->below.v[k]);
	if (e >= 0 && g->below.n)
		e = pt_strbuf_putc(sb, '?');
	return e;
}

static int push_guard(const struct pt_guard *g, const char *cmd, struct pt_strv *to)
{
	struct pt_strbuf sb = {0};
	int e = suggestion(g, cmd, &sb);

	if (e >= 0)
		e = pt_strv_pushf(to, "%s (%s)%s", g->message ? g->message : "",
				  pt_guard_id(g->kind),
				  pt_strbuf_str(&sb) ? pt_strbuf_str(&sb) : "");
	pt_strbuf_done(&sb);
	return e;
}

int pt_plan_guards(const struct pt_host *h, size_t idx, const char *cmd, struct pt_strv *blockers,
		   struct pt_strv *refusals, struct pt_strv *notes)
{
	struct pt_guards gs;
	int e = pt_guards_judge(h, idx, &gs);
	bool blocked = false;

	if (e < 0)
		return e;
	for (size_t i = 0; i < gs.n && e >= 0; i++) {
		const struct pt_guard *g = &gs.v[i];

		blocked |= g->weight == PT_GUARD_BLOCKS;
		e = push_guard(g, cmd,
			       g->weight == PT_GUARD_BLOCKS    ? blockers
			       : g->weight == PT_GUARD_REFUSES ? refusals
							       : notes);
	}
	pt_guards_done(&gs);
	return e < 0 ? e : blocked;
}

/*
 * The guards (checks/guard.c): a request vfio-pci cannot take is refused whatever the
 * options; the boot disk, the default-route NIC, the console GPU and the chipset functions
 * unless --force; the rest are notes. An empty set is refused too: nothing would go to
 * vfio-pci, yet the plan would still load the VFIO modules and rebuild the initramfs.
 */
static void guards(struct plan_ctx *c, size_t idx)
{
	struct pt_plan *p = c->p;
	int e = pt_plan_guards(c->h, idx, "plan", &p->blockers, &p->refusals, &p->notes);

	plan_oom(c, e);
	if (e == 0 && p->ndevs == 0)
		plan_note(c, &p->blockers, "no device of %s would go to vfio-pci: nothing to plan",
			  c->h->devs[idx].slot);
	p->refused = p->blockers.n > 0 || (p->refusals.n > 0 && !c->req->override_guards);
}

static bool edits_path(const struct pt_txn *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->edits[i].path, path))
			return true;
	return false;
}

int pt_plan_build(const struct pt_host *h, const struct pt_verdicts *vd,
		  const struct pt_plan_request *req, struct pt_plan *ret)
{
	struct plan_ctx c = {.h = h, .vd = vd, .req = req, .p = ret};
	struct tokens t = {0};
	long idx = pt_host_dev_index(h, &req->slot);
	int e;

	*ret = (struct pt_plan){0};
	if (idx < 0)
		return -ENODEV;
	if ((e = devices(&c, (size_t)idx)) < 0)
		goto fail;
	guards(&c, (size_t)idx);
	if (ret->blockers.n) {
		e = c.err;
		goto fail;
	}
	plan_boot_path(&c);
	plan_iommu_tokens(&c, &t);
	plan_binding(&c, &t);
	plan_override_script(&c);
	plan_modules(&c);
	plan_cmdline(&c, &t);
	if (c.initramfs)
		plan_command(&c,
			     "the initramfs carries modprobe.d, /etc/initramfs-tools/modules and "
			     "its scripts: rebuild it for every installed kernel (initramfs-tools "
			     "mkinitramfs)",
			     (const char *const[]){"update-initramfs", "-u", "-k", "all", NULL});
	if (c.boot_cmd && streq(c.boot_cmd, "update-grub"))
		plan_command(
			&c,
			"regenerates /boot/grub/grub.cfg from /etc/default/grub and its drop-ins",
			(const char *const[]){"update-grub", NULL});
	else if (c.boot_cmd && edits_path(&ret->txn, PT_PLAN_KERNEL_CMDLINE))
		plan_command(&c,
			     "copies the kernel command line to the loader entries on every ESP "
			     "proxmox-boot-tool manages (proxmox-kernel-helper zz-proxmox-boot)",
			     (const char *const[]){"proxmox-boot-tool", "refresh", NULL});
	else if (c.boot_cmd)
		/* proxmox-kernel-helper: on ESPs in GRUB mode, refresh runs grub-mkconfig for each
		 * ESP; a plain update-grub writes a grub.cfg the firmware never reads. */
		plan_command(&c,
			     "regenerates GRUB's configuration from /etc/default/grub and its "
			     "drop-ins on every ESP proxmox-boot-tool manages (update-grub alone "
			     "would not reach them)",
			     (const char *const[]){"proxmox-boot-tool", "refresh", NULL});
	for (size_t i = 0; i < t.n; i++) {
		free(t.v[i].text);
		free(t.v[i].why);
	}
	e = c.err;
fail:
	free(c.boot_question);
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
	for (size_t i = 0; i < p->nreasons; i++) {
		free(p->reasons[i].path);
		free(p->reasons[i].line);
		free(p->reasons[i].why);
	}
	free(p->reasons);
	pt_strv_done(&p->notes);
	pt_strv_done(&p->refusals);
	pt_strv_done(&p->questions);
	pt_strv_done(&p->equivalent);
	free(p->next);
	pt_strv_done(&p->blockers);
	*p = (struct pt_plan){0};
}
