/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner's binding (docs/facts.md, "Binding a device to vfio-pci"): vfio-pci ids= for IDs no
 * host device shares, a per-slot driver_override script for those it does, softdeps, disable_vga,
 * blacklists on request, and the VFIO modules for modules-load.d and the initramfs. What an earlier
 * apply for another slot wrote stays.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/cmdline.h"
#include "plan/planner.h"
#include "util/strbuf.h"

/* ---- binding: modprobe.d (docs/facts.md, "modprobe.d precedence") ---- */

static bool id_shared(const struct plan_ctx *c, const struct pt_pci_dev *d)
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
static const struct pt_modprobe_conf *our_conf(const struct plan_ctx *c)
{
	for (size_t i = 0; i < c->h->modprobe.n_confs; i++)
		if (streq(c->h->modprobe.confs[i].file, PT_PLAN_MODPROBE))
			return &c->h->modprobe.confs[i];
	return NULL;
}

static void split_ids(struct plan_ctx *c, const char *list, struct pt_strv *out)
{
	while (*list) {
		size_t n = strcspn(list, ",");
		char *one = strndup(list, n);

		if (!one)
			plan_oom(c, -ENOMEM);
		else if (n && !pt_strv_contains(out, one))
			plan_oom(c, pt_strv_push(out, one));
		free(one);
		list += n + (list[n] == ',');
	}
}

/* The values of our earlier `options vfio-pci NAME=...` (ids, disable_vga). */
static void prev_option(struct plan_ctx *c, const char *name, struct pt_strv *out)
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
static void prev_modules(struct plan_ctx *c, enum pt_modprobe_kind kind, struct pt_strv *out)
{
	const struct pt_modprobe_conf *conf = our_conf(c);

	for (size_t i = 0; conf && i < conf->n_cmds; i++) {
		const struct pt_modprobe_cmd *cmd = &conf->cmds[i];

		if (cmd->kind == kind && !pt_strv_contains(out, cmd->module) &&
		    (kind != PT_MODPROBE_SOFTDEP || pre_has_vfio(cmd)))
			plan_oom(c, pt_strv_push(out, cmd->module));
	}
}

/* vfio-pci built in: the vfio-pci.ids= the boot configuration already passes. */
static void prev_cmdline_ids(struct plan_ctx *c, struct pt_strv *out)
{
	const struct pt_host *h = c->h;
	const struct pt_cmdline *src[3] = {0};

	switch (c->boot) {
	case PT_BOOT_GRUB:
		if (h->grub.cmdline_linux.value) {
			src[0] = &h->grub.cmdline_linux.parsed;
			if (h->grub.cmdline_linux_default.value)
				src[1] = &h->grub.cmdline_linux_default.parsed;
		}
		break;
	case PT_BOOT_SDBOOT_PBT:
		if (h->boot.kernel_cmdline_file)
			src[0] = &h->boot.kernel_cmdline;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < 3 && src[i]; i++) {
		const struct pt_cmdline_param *ids = pt_cmdline_find_last(src[i], "vfio_pci.ids");

		if (ids && ids->value)
			split_ids(c, ids->value, out);
	}
}

/* The vendor:device list for ids= ("" when none is usable). */
static void ids(struct plan_ctx *c, bool builtin, struct pt_strbuf *out)
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
			plan_note(c, &c->p->notes,
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
		plan_oom(c, pt_strv_push(&seen, id));
		pt_strbuf_printf(out, "%s%s", out->len ? "," : "", id);
	}
	pt_strv_done(&seen);
}

/* Modules that would claim a device of the set (from the module index), sorted. */
static void claimers(struct plan_ctx *c, struct pt_strv *out)
{
	if (!c->h->modules_known) {
		plan_note(c, &c->p->notes,
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
				plan_oom(c, pt_strv_push(out, name));
		}
	}
	pt_strv_sort(out);
}

/* A device that stays with the host and would use module name, or NULL. */
static const struct pt_pci_dev *host_user(const struct plan_ctx *c, const char *name)
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
 * --blacklist: only modules no host device needs (snd_hda_intel with onboard audio: docs/facts.md,
 * "Binding a device to vfio-pci"); an earlier apply's blacklist lines stay.
 */
static void blacklist(struct plan_ctx *c, const struct pt_strv *mods, struct pt_strbuf *body)
{
	struct pt_strv prev = {0}, all = {0};
	struct pt_strbuf line = {0};

	prev_modules(c, PT_MODPROBE_BLACKLIST, &prev);
	for (size_t i = 0; i < prev.n; i++)
		plan_oom(c, pt_strv_push(&all, prev.v[i]));
	for (size_t i = 0; c->req->blacklist && i < mods->n; i++) {
		const struct pt_pci_dev *o = host_user(c, mods->v[i]);

		if (o)
			plan_note(
				c, &c->p->notes,
				"not blacklisted: %s, because %s (%s) stays with the host and uses "
				"it",
				mods->v[i], o->slot, o->class_name ? o->class_name : "a device");
		else if (!pt_strv_contains(&all, mods->v[i]))
			plan_oom(c, pt_strv_push(&all, mods->v[i]));
	}
	pt_strv_sort(&all);
	for (size_t i = 0; i < all.n; i++) {
		pt_strbuf_reset(&line);
		pt_strbuf_printf(&line, "blacklist %s", all.v[i]);
		pt_strbuf_printf(body, "%s\n", line.buf);
		if (pt_strv_contains(&prev, all.v[i]))
			continue; /* unchanged: an earlier apply wrote it */
		plan_reason(
			c, PT_PLAN_MODPROBE, line.buf,
			"requested (--blacklist); no device that stays with the host uses %s. It "
			"only stops loading by alias: an explicit modprobe or a dependency still "
			"loads it (kmod modprobe.d(5))",
			all.v[i]);
	}
	pt_strbuf_done(&line);
	pt_strv_done(&prev);
	pt_strv_done(&all);
}

static void user_vfio_options(struct plan_ctx *c)
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
			plan_note(c, &c->p->notes,
				  "conflict: %s:%u already sets vfio-pci options (%s); passthru "
				  "never overwrites a user's file: merge it into %s or remove the "
				  "line (with two ids= lists the kernel keeps the last one, here "
				  "%s's: linux kernel/params.c)",
				  conf->file, cmd->line, cmd->raw, PT_PLAN_MODPROBE,
				  strcmp(plan_base(conf->file), plan_base(PT_PLAN_MODPROBE)) > 0
					  ? conf->file
					  : PT_PLAN_MODPROBE);
		}
	}
}

/*
 * "disable_vga=1" when the set has a VGA-class function and this kernel's vfio-pci has the
 * parameter (CONFIG_VFIO_PCI_VGA, linux drivers/vfio/pci/vfio_pci.c); elsewhere the module would
 * log it as unknown.
 */
static const char *disable_vga(struct plan_ctx *c)
{
	const struct pt_host *h = c->h;
	bool vga = false;

	for (size_t k = 0; k < c->p->ndevs; k++)
		vga |= (h->devs[c->p->devs[k]].class >> 8) == 0x0300;
	if (!vga || c->req->no_disable_vga)
		return NULL;
	if (h->kconfig_known && pt_kconfig_tristate(&h->kconfig, "VFIO_PCI_VGA") == PT_KCONFIG_Y)
		return "disable_vga=1";
	plan_note(c, &c->p->notes, "no disable_vga=1: %s",
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
	"(SeaBIOS x-vga), which OVMF guests do not use (linux "
	"drivers/vfio/pci/vfio_pci_core.c vfio_pci_set_decode); for a GPU whose ROM has no UEFI "
	"image, booted with SeaBIOS and x-vga, plan with --no-disable-vga";

void plan_binding(struct plan_ctx *c, struct tokens *t)
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
		/* disable_vga is one switch of vfio-pci for every device it holds: asked to
		 * leave it out, our earlier one goes too, or x-vga would still be refused. */
		if (prev.n && c->req->no_disable_vga)
			plan_note(c, &c->p->notes,
				  "disable_vga=1 from an earlier apply is removed "
				  "(--no-disable-vga): "
				  "it applies to every device vfio-pci holds, so the earlier slots "
				  "lose it too");
		vga = prev.n && !c->req->no_disable_vga ? "disable_vga=1" : NULL;
		pt_strv_done(&prev);
	}
	if (builtin) {
		if (idl.len) {
			pt_strbuf_printf(&line, "vfio-pci.ids=%s", idl.buf);
			plan_token(
				c, t, pt_strbuf_str(&line),
				"vfio-pci is built into this kernel (modules.builtin): modprobe.d "
				"options never reach it, only the command line does (linux "
				"Documentation/admin-guide/kernel-parameters.rst)");
		}
		if (vga)
			plan_token(c, t, "vfio-pci.disable_vga=1",
				   "%s; on the command line because vfio-pci is built in",
				   disable_vga_why);
		pt_strbuf_done(&line);
		pt_strbuf_done(&idl);
		return;
	}
	f = plan_raw(c, PT_PLAN_MODPROBE, &ok);
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
			plan_reason(
				c, PT_PLAN_MODPROBE, line.buf,
				"ids=: vfio-pci claims these vendor:device IDs when it loads; no "
				"device that stays with the host has them (linux "
				"drivers/vfio/pci/vfio_pci.c)");
		if (vga)
			plan_reason(c, PT_PLAN_MODPROBE, line.buf, "%s: %s", vga, disable_vga_why);
	}
	claimers(c, &mods);
	prev_modules(c, PT_MODPROBE_SOFTDEP, &mods);
	pt_strv_sort(&mods);
	for (size_t i = 0; i < mods.n; i++) {
		struct pt_modprobe_refs refs = {0};
		const struct pt_modprobe_ref *first = NULL;

		plan_oom(c,
			 pt_modprobe_set_find(&h->modprobe, PT_MODPROBE_SOFTDEP, mods.v[i], &refs));
		for (size_t r = 0; r < refs.n && !first; r++)
			if (refs.v[r].effective)
				first = &refs.v[r];
		if (first && !streq(first->conf->file, PT_PLAN_MODPROBE)) {
			if (pre_has_vfio(first->cmd)) {
				pt_modprobe_refs_done(&refs);
				continue;
			}
			plan_note(
				c, &c->p->notes,
				"%s:%u has a softdep for %s and kmod uses only the first one: the "
				"softdep below has no effect until that line lists vfio-pci under "
				"pre:",
				first->conf->file, first->cmd->line, mods.v[i]);
		}
		pt_modprobe_refs_done(&refs);
		pt_strbuf_reset(&line);
		pt_strbuf_printf(&line, "softdep %s pre: vfio-pci", mods.v[i]);
		pt_strbuf_printf(&body, "%s\n", line.buf);
		plan_reason(
			c, PT_PLAN_MODPROBE, line.buf,
			"%s would claim a device of the set (its module alias matches); loading "
			"vfio-pci first lets vfio-pci win (kmod modprobe.d(5)); a softdep, not a "
			"blacklist: other devices may still need %s",
			mods.v[i], mods.v[i]);
	}
	blacklist(c, &mods, &body);
	if (c->p->nreasons == nreasons || !plan_edit(c, f, PT_PLAN_MODPROBE, body.buf, body.len)) {
		/* Nothing to say, or the file already says it: no reasons for an unchanged file. */
		plan_drop_reasons(c, nreasons);
	} else {
		c->initramfs = true;
	}
out:
	pt_strv_done(&mods);
	pt_strbuf_done(&line);
	pt_strbuf_done(&body);
	pt_strbuf_done(&idl);
}

/*
 * ---- binding: per-slot driver_override from the initramfs ----
 * Why an init-top script: docs/facts.md, "The initramfs and the order modules load in".
 */

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

int pt_plan_overrides(const struct pt_host *h, struct pt_strv *lines, struct pt_strv *slots)
{
	const struct pt_overrides *o = &h->plan_overrides;
	int e = 0;

	for (size_t i = 0; i < o->lines.n && e >= 0; i++) {
		e = pt_strv_push(lines, o->lines.v[i]);
		if (e >= 0)
			e = pt_strv_push(slots, o->slots.v[i]);
	}
	return e < 0 ? e : 0;
}

/* The override lines an earlier apply wrote for slots this plan does not write again. */
static void prev_overrides(struct plan_ctx *c, struct pt_strbuf *body)
{
	const struct pt_overrides *o = &c->h->plan_overrides;

	for (size_t i = 0; i < o->lines.n; i++) {
		bool again = false;

		for (size_t k = 0; k < c->nshared; k++)
			again |= streq(c->h->devs[c->shared[k]].slot, o->slots.v[i]);
		if (!again)
			pt_strbuf_printf(body, "%s\n", o->lines.v[i]);
	}
}

void plan_override_script(struct plan_ctx *c)
{
	struct pt_strbuf body = {0}, line = {0};
	const struct pt_raw_file *f;
	size_t nreasons = c->p->nreasons;
	bool ok;

	if (c->nshared == 0)
		return;
	f = plan_raw(c, PT_PLAN_INITRAMFS_SCRIPT, &ok);
	if (!ok)
		return;
	pt_strbuf_puts(&body, override_head);
	prev_overrides(c, &body);
	for (size_t k = 0; k < c->nshared; k++) {
		const struct pt_pci_dev *d = &c->h->devs[c->shared[k]];

		pt_strbuf_reset(&line);
		pt_strbuf_printf(&line, "override %s 0x%04x 0x%04x", d->slot, d->vendor, d->device);
		pt_strbuf_printf(&body, "%s\n", line.buf);
		plan_reason(
			c, PT_PLAN_INITRAMFS_SCRIPT, pt_strbuf_str(&line),
			"%04x:%04x is also a device that stays with the host, so ids= would take "
			"that one too; driver_override names this slot alone. init-top scripts "
			"run before /etc/initramfs-tools/modules is loaded, and this one sorts "
			"before initramfs-tools' udev script, whose coldplug loads the drivers; "
			"a driver that bound first anyway is released (linux ABI sysfs-bus-pci "
			"driver_override; initramfs-tools init; seen in the lab on Debian's 6.1 "
			"kernel)",
			d->vendor, d->device);
	}
	/* initramfs-tools runs only executable scripts. */
	if (plan_edit_mode(c, f, PT_PLAN_INITRAMFS_SCRIPT, body.buf, body.len, 0755))
		c->initramfs = true;
	else
		plan_drop_reasons(c, nreasons);
	pt_strbuf_done(&line);
	pt_strbuf_done(&body);
}

/* ---- plan_modules (docs/facts.md, "The initramfs and the order modules load in") ---- */

/* Listed in modules.builtin: nothing to load (linux Documentation/kbuild/kbuild.rst). */
static bool builtin(const struct pt_host *h, const char *module)
{
	return h->builtin_known && pt_modbuiltin_has(&h->builtin, module);
}

void plan_modules(struct plan_ctx *c)
{
	const struct pt_host *h = c->h;
	const char *all[] = {"vfio", "vfio_iommu_type1", "vfio_pci", "vfio_virqfd"};
	size_t nall = h->virqfd_indexed == PT_YES ? 4 : 3; /* vfio_virqfd: merged in 6.2 */
	struct pt_strbuf load = {0}, init = {0};
	const struct pt_raw_file *f;
	const struct pt_modlist_file *listed;
	const struct pt_modlist none = {0}, *list = &none;
	bool ok;

	/* modules-load.d: ours, whole; none at all when every VFIO module is built in. */
	f = plan_raw(c, PT_PLAN_MODULES_LOAD, &ok);
	if (ok) {
		size_t nload = 0;

		pt_strbuf_puts(&load, "# Written by passthru: the VFIO modules, loaded at boot.\n");
		for (size_t i = 0; i < nall; i++)
			if (!builtin(h, all[i])) {
				pt_strbuf_printf(&load, "%s\n", all[i]);
				nload++;
			}
		if (nload && plan_edit(c, f, PT_PLAN_MODULES_LOAD, load.buf, load.len))
			for (size_t i = 0; i < nall; i++)
				if (!builtin(h, all[i]))
					plan_reason(
						c, PT_PLAN_MODULES_LOAD, all[i],
						"loaded by systemd-modules-load after the "
						"initramfs: keeps VFIO there when the initramfs "
						"is rebuilt without it");
	}
	/* initramfs-tools/modules: the user's; append what is missing. */
	f = plan_raw(c, PT_PLAN_INITRAMFS_MODULES, &ok);
	if (!ok)
		goto out;
	/* Facts parsed the same bytes (pt_host.module_lists). */
	listed = f->data ? pt_host_module_list(h, PT_PLAN_INITRAMFS_MODULES) : NULL;
	if (listed)
		list = &listed->list;
	if (f->data)
		pt_strbuf_append(&init, f->data, f->len);
	if (init.len && init.buf[init.len - 1] != '\n')
		pt_strbuf_putc(&init, '\n');
	size_t mark = init.len;

	for (size_t i = 0; i < nall; i++) {
		if (pt_modlist_find(list, all[i]) || builtin(h, all[i]))
			continue;
		pt_strbuf_printf(&init, "%s\n", all[i]);
	}
	if (init.len > mark && plan_edit(c, f, PT_PLAN_INITRAMFS_MODULES, init.buf, init.len)) {
		for (size_t i = 0; i < nall; i++)
			if (!pt_modlist_find(list, all[i]) && !builtin(h, all[i]))
				plan_reason(
					c, PT_PLAN_INITRAMFS_MODULES, all[i],
					"loaded inside the initramfs, so VFIO is there even when "
					"no softdep fires; it runs after udev's coldplug, so the "
					"softdeps (and the override script) are what make vfio-pci "
					"win (initramfs-tools init: init-top, then load_modules)%s",
					streq(all[i], "vfio_virqfd")
						? "; this kernel still has vfio_virqfd (< 6.2)"
						: "");
		c->initramfs = true;
	}
out:
	pt_strbuf_done(&load);
	pt_strbuf_done(&init);
}
