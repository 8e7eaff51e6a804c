/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <json-c/json.h>
#include <stdlib.h>

#include "derive/iommu.h"
#include "render/facts.h"
#include "render/json.h"

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *num_or_null(long v, bool known)
{
	return known ? json_object_new_int64(v) : NULL;
}

static json_object *strv(const struct pt_strv *sv)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < sv->n; i++)
		json_object_array_add(a, json_object_new_string(sv->v[i]));
	return a;
}

static json_object *meta(const struct pt_host *h)
{
	const struct pt_snapshot_meta *m = &h->meta;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mode",
			       json_object_new_string(h->mode == PT_ROOT_LIVE  ? "live"
						      : h->mode == PT_ROOT_DIR ? "directory"
									       : "archive"));
	json_object_object_add(o, "tool", str(m->tool));
	json_object_object_add(o, "date", str(m->date));
	json_object_object_add(o, "machine", str(m->machine));
	json_object_object_add(o, "page_size", num_or_null(m->page_size, m->page_size > 0));
	json_object_object_add(o, "euid", num_or_null(m->euid, m->euid >= 0));
	return o;
}

static json_object *cpu(const struct pt_host *h)
{
	static const char *const flags[] = {"vmx", "svm", "pdpe1gb", "hypervisor", NULL};
	const struct pt_cpuinfo *c = &h->cpu;
	json_object *o, *f;

	if (!h->cpu_known)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "vendor",
			       json_object_new_string(pt_cpu_vendor_to_string(c->vendor)));
	json_object_object_add(o, "vendor_id", str(c->vendor_id));
	json_object_object_add(o, "model_name", str(c->model_name));
	json_object_object_add(o, "processors", json_object_new_int((int)c->n_processors));
	f = json_object_new_object();
	/* The flags passthru decides on; the full list is in /proc/cpuinfo. */
	for (size_t i = 0; flags[i]; i++)
		json_object_object_add(
			f, flags[i],
			(c->have & PT_CPUINFO_HAVE_FLAGS)
				? json_object_new_boolean(pt_cpuinfo_has_flag(c, flags[i]))
				: NULL);
	json_object_object_add(o, "flags", f);
	json_object_object_add(o, "flags_differ", json_object_new_boolean(c->flags_differ));
	return o;
}

static json_object *tristate(enum pt_tristate t)
{
	return t == PT_UNKNOWN ? NULL : json_object_new_boolean(t == PT_YES);
}

static json_object *iommu(const struct pt_host *h, const struct pt_verdicts *vd)
{
	json_object *o = pt_json_iommu(h, &vd->iommu);

	json_object_object_add(o, "groups", json_object_new_int((int)h->ngroups));
	json_object_object_add(o, "ecap", str(h->ecap));
	if (h->interrupts_known) {
		json_object *irq = json_object_new_object();

		json_object_object_add(irq, "remapped_chips", strv(&h->interrupts.ir_chips));
		json_object_object_add(irq, "plain_chips", strv(&h->interrupts.plain_chips));
		json_object_object_add(o, "interrupts", irq);
	} else {
		json_object_object_add(o, "interrupts", NULL);
	}
	return o;
}

static json_object *modprobe_cmd(const struct pt_modprobe_conf *conf,
				 const struct pt_modprobe_cmd *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "file", json_object_new_string(conf->file));
	json_object_object_add(o, "line", json_object_new_int((int)c->line));
	json_object_object_add(o, "kind",
			       json_object_new_string(pt_modprobe_kind_to_string(c->kind)));
	json_object_object_add(o, "module", str(c->module));
	if (c->alias)
		json_object_object_add(o, "alias", str(c->alias));
	if (c->text)
		json_object_object_add(o, "text", str(c->text));
	if (c->kind == PT_MODPROBE_SOFTDEP) {
		json_object_object_add(o, "pre", strv(&c->pre));
		json_object_object_add(o, "post", strv(&c->post));
	}
	return o;
}

static json_object *modprobe(const struct pt_host *h)
{
	json_object *o = json_object_new_object(), *files = json_object_new_array(),
		    *cmds = json_object_new_array(), *warns = json_object_new_array();
	const struct pt_modprobe_set *set = &h->modprobe;

	for (size_t i = 0; i < set->n_confs; i++) {
		const struct pt_modprobe_conf *conf = &set->confs[i];

		json_object_array_add(files, json_object_new_string(conf->file));
		for (size_t k = 0; k < conf->n_cmds; k++)
			json_object_array_add(cmds, modprobe_cmd(conf, &conf->cmds[k]));
		for (size_t k = 0; k < conf->n_warnings; k++) {
			json_object *w = json_object_new_object();

			json_object_object_add(w, "file", json_object_new_string(conf->file));
			json_object_object_add(w, "line",
					       json_object_new_int((int)conf->warnings[k].line));
			json_object_object_add(
				w, "kind",
				json_object_new_string(
					pt_modprobe_warn_kind_to_string(conf->warnings[k].kind)));
			json_object_object_add(w, "text", str(conf->warnings[k].raw));
			json_object_array_add(warns, w);
		}
	}
	json_object_object_add(o, "files", files);
	json_object_object_add(o, "commands", cmds);
	json_object_object_add(o, "bad_lines", warns);
	return o;
}

static json_object *module_lists(const struct pt_host *h)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < h->nmodule_lists; i++) {
		const struct pt_modlist_file *f = &h->module_lists[i];
		json_object *o = json_object_new_object(), *entries = json_object_new_array();

		json_object_object_add(o, "file", json_object_new_string(f->path));
		for (size_t k = 0; k < f->list.n_entries; k++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "line",
					       json_object_new_int((int)f->list.entries[k].line));
			json_object_object_add(e, "module", str(f->list.entries[k].name));
			json_object_object_add(e, "args", str(f->list.entries[k].args));
			json_object_array_add(entries, e);
		}
		json_object_object_add(o, "modules", entries);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *modules(const struct pt_host *h)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "index", json_object_new_boolean(h->modules_known));
	json_object_object_add(o, "builtin",
			       h->builtin_known ? json_object_new_int((int)h->builtin.n) : NULL);
	json_object_object_add(o, "loaded", h->loaded_known ? strv(&h->loaded_modules) : NULL);
	json_object_object_add(o, "vfio_virqfd_in_index", tristate(h->virqfd_indexed));
	json_object_object_add(o, "modprobe_d", modprobe(h));
	json_object_object_add(o, "load_at_boot", module_lists(h));
	return o;
}

static json_object *cmdline(const struct pt_host *h)
{
	json_object *o, *params;

	if (!h->cmdline_known)
		return NULL;
	o = json_object_new_object();
	params = json_object_new_array();
	json_object_object_add(o, "raw", str(h->cmdline_raw));
	for (size_t i = 0; i < h->cmdline.n; i++) {
		const struct pt_cmdline_param *p = &h->cmdline.params[i];
		json_object *po = json_object_new_object();

		json_object_object_add(po, "name", str(p->name));
		json_object_object_add(po, "value", str(p->value));
		if (p->after_dashes)
			json_object_object_add(po, "for_init", json_object_new_boolean(true));
		json_object_array_add(params, po);
	}
	json_object_object_add(o, "params", params);
	return o;
}

/*
 * The build options passthru's decisions rest on (docs/facts.md, "IOMMU kernel parameters",
 * "Binding a device to vfio-pci", "Boot framebuffers").
 */
static json_object *kconfig(const struct pt_host *h)
{
	static const char *const symbols[] = {
		"CONFIG_INTEL_IOMMU",
		"CONFIG_INTEL_IOMMU_DEFAULT_ON",
		"CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF",
		"CONFIG_INTEL_IOMMU_DEFAULT_OFF",
		"CONFIG_AMD_IOMMU",
		"CONFIG_IRQ_REMAP",
		"CONFIG_VFIO",
		"CONFIG_VFIO_IOMMU_TYPE1",
		"CONFIG_VFIO_PCI",
		"CONFIG_VFIO_PCI_VGA",
		"CONFIG_SYSFB_SIMPLEFB",
		"CONFIG_DRM_SIMPLEDRM",
		"CONFIG_FB_EFI",
		NULL,
	};
	json_object *o;

	if (!h->kconfig_known)
		return NULL;
	o = json_object_new_object();
	for (size_t i = 0; symbols[i]; i++) {
		const struct pt_kconfig_entry *e = pt_kconfig_get(&h->kconfig, symbols[i]);

		/* "n" for "is not set", null when the kernel does not know the symbol. */
		json_object_object_add(o, symbols[i],
				       !e ? NULL
					  : json_object_new_string(e->value ? e->value : "n"));
	}
	return o;
}

static json_object *grub_var(const struct pt_grub_var *v)
{
	json_object *o;

	if (!v->assigned)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "value", str(v->value));
	json_object_object_add(o, "file", str(v->file));
	json_object_object_add(o, "line", json_object_new_int((int)v->line));
	if (v->overridden_file) {
		json_object_object_add(o, "overrides_file", str(v->overridden_file));
		json_object_object_add(o, "overrides_line",
				       json_object_new_int((int)v->overridden_line));
	}
	return o;
}

static json_object *grub(const struct pt_host *h)
{
	json_object *o;

	if (!h->grub.known)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "files", strv(&h->grub.files));
	json_object_object_add(o, "errors", strv(&h->grub.errors));
	json_object_object_add(o, "GRUB_CMDLINE_LINUX", grub_var(&h->grub.cmdline_linux));
	json_object_object_add(o, "GRUB_CMDLINE_LINUX_DEFAULT",
			       grub_var(&h->grub.cmdline_linux_default));
	return o;
}

static json_object *boot(const struct pt_host *h)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "efi", tristate(h->boot.efi));
	json_object_object_add(o, "secure_boot", tristate(h->boot.secure_boot));
	json_object_object_add(o, "loader_info", str(h->boot.loader_info));
	json_object_object_add(o, "proxmox_boot_uuids", tristate(h->boot.proxmox_boot));
	json_object_object_add(o, "esp_uuids", strv(&h->boot.esp_uuids));
	json_object_object_add(o, "etc_kernel_cmdline", str(h->boot.kernel_cmdline_file));
	json_object_object_add(o, "grub", grub(h));
	json_object_object_add(o, "dev_kvm", tristate(h->dev_kvm));
	return o;
}

int pt_render_facts(const struct pt_host *h, const struct pt_verdicts *vd, FILE *out)
{
	json_object *doc = json_object_new_object(), *kernel = json_object_new_object();
	int e;

	json_object_object_add(doc, "root", meta(h));
	json_object_object_add(kernel, "release", str(h->kernel_release));
	json_object_object_add(kernel, "cmdline", cmdline(h));
	json_object_object_add(kernel, "config", kconfig(h));
	json_object_object_add(doc, "kernel", kernel);
	json_object_object_add(doc, "boot", boot(h));
	json_object_object_add(doc, "cpu", cpu(h));
	json_object_object_add(doc, "iommu", iommu(h, vd));
	json_object_object_add(doc, "modules", modules(h));
	json_object_object_add(doc, "pci_devices", json_object_new_int((int)h->ndevs));
	json_object_object_add(doc, "problems", strv(&h->problems));
	e = pt_json_print(doc, out);
	json_object_put(doc);
	return e;
}
