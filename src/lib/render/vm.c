/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <json-c/json.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>

#include "derive/guards.h"
#include "render/json.h"
#include "render/vm.h"
#include "util/strbuf.h"

static const char *state_name(enum pt_tristate running)
{
	return running == PT_YES ? "running" : running == PT_NO ? "stopped" : "unknown";
}

static bool onboot(const struct pt_vm *vm)
{
	const char *v = pt_vm_value(vm, "onboot");

	return v && streq(v, "1");
}

/* Devices another VM of the list that also starts at boot takes: "103" joined. */
static char *sharers(const struct pt_host *h, const struct pt_vm_verdict *v, size_t n, size_t me)
{
	struct pt_strbuf sb = {0};

	for (size_t k = 0; k < n; k++) {
		bool shared = false;

		if (k == me || !onboot(v[k].vm) || !onboot(v[me].vm))
			continue;
		for (size_t d = 0; d < h->ndevs && !shared; d++)
			shared = v[k].takes[d] && v[me].takes[d];
		if (shared)
			pt_strbuf_printf(&sb, "%s%lu", sb.len ? "," : "", v[k].vm->vmid);
	}
	return sb.len ? pt_strbuf_steal(&sb) : NULL;
}

/* "0000:01:00.0 (13, vfio-pci)" for each device the VM takes. */
static char *devices_text(const struct pt_host *h, const struct pt_vm_verdict *v)
{
	struct pt_strbuf sb = {0};

	for (size_t d = 0; d < h->ndevs; d++) {
		const struct pt_pci_dev *p = &h->devs[d];
		char group[16] = "-";

		if (!v->takes[d])
			continue;
		if (p->have & PT_PCI_HAVE_GROUP)
			snprintf(group, sizeof(group), "%d", p->iommu_group);
		pt_strbuf_printf(&sb, "%s%s (group %s, %s)", sb.len ? " " : "", p->slot, group,
				 p->driver ? p->driver : "no driver");
	}
	return sb.len ? pt_strbuf_steal(&sb) : NULL;
}

/* Devices the VM takes that the host needs (the host guards: console GPU, boot disk, ...). */
static void host_needs(const struct pt_host *h, const struct pt_vm_verdict *v, struct pt_strbuf *sb)
{
	for (size_t d = 0; d < h->ndevs; d++) {
		struct pt_guards gs;

		if (!v->takes[d] || pt_guards_judge(h, d, &gs) < 0)
			continue;
		for (size_t g = 0; g < gs.n; g++)
			if (gs.v[g].weight == PT_GUARD_REFUSES &&
			    !strstr(pt_strbuf_str(sb), pt_guard_id(gs.v[g].kind)))
				pt_strbuf_printf(sb, "%sthe host needs %s (%s)",
						 sb->len ? "; " : "", h->devs[d].slot,
						 pt_guard_id(gs.v[g].kind));
		pt_guards_done(&gs);
	}
}

static char *errors_text(const struct pt_host *h, const struct pt_vm_verdict *v)
{
	struct pt_strbuf sb = {0};

	if (v->vm->err)
		pt_strbuf_printf(&sb, "cannot read: %s", strerror(-v->vm->err));
	host_needs(h, v, &sb);
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		if (v->spec_error[i] || v->res.dev[i].error)
			pt_strbuf_printf(&sb, "%shostpci%zu: %s", sb.len ? "; " : "", i,
					 v->spec_error[i] ? v->spec_error[i] : v->res.dev[i].error);
	return sb.len ? pt_strbuf_steal(&sb) : NULL;
}

static int list_text(const struct pt_host *h, const struct pt_vm_verdict *v, size_t n, FILE *out)
{
	static const char *const cols[] = {"VMID",    "NAME",	"STATE",   "ONBOOT",
					   "DEVICES", "SHARES", "PROBLEMS"};
	struct libscols_table *tb = scols_new_table();
	int e = tb ? 0 : -ENOMEM;

	for (size_t c = 0; e >= 0 && c < ELEMENTSOF(cols); c++)
		if (!scols_table_new_column(tb, cols[c], 0, c >= 4 ? SCOLS_FL_WRAP : 0))
			e = -ENOMEM;
	for (size_t i = 0; e >= 0 && i < n; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char id[24], *cells[3] = {devices_text(h, &v[i]), sharers(h, v, n, i),
					  errors_text(h, &v[i])};
		const char *name = pt_vm_value(v[i].vm, "name");

		snprintf(id, sizeof(id), "%lu", v[i].vm->vmid);
		if (!ln || scols_line_set_data(ln, 0, id) < 0 ||
		    scols_line_set_data(ln, 1, name ? name : "") < 0 ||
		    scols_line_set_data(ln, 2, state_name(v[i].vm->running)) < 0 ||
		    scols_line_set_data(ln, 3, onboot(v[i].vm) ? "yes" : "no") < 0)
			e = -ENOMEM;
		for (size_t c = 0; e >= 0 && c < 3; c++)
			if (scols_line_set_data(ln, 4 + c, cells[c] ? cells[c] : "") < 0)
				e = -ENOMEM;
		for (size_t c = 0; c < 3; c++)
			free(cells[c]);
	}
	if (e >= 0) {
		char *s = NULL;

		e = scols_print_table_to_string(tb, &s) < 0 ? -EIO : 0;
		if (s)
			fprintf(out, "%s\n", s);
		free(s);
	}
	scols_unref_table(tb);
	return e;
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *vm_json(const struct pt_host *h, const struct pt_vm_verdict *v, size_t n,
			    size_t i)
{
	json_object *o = json_object_new_object(), *devs = json_object_new_array();
	char *share = sharers(h, v, n, i), *errs = errors_text(h, &v[i]);

	json_object_object_add(o, "vmid", json_object_new_int64((int64_t)v[i].vm->vmid));
	json_object_object_add(o, "name", str_or_null(pt_vm_value(v[i].vm, "name")));
	json_object_object_add(o, "state", json_object_new_string(state_name(v[i].vm->running)));
	json_object_object_add(o, "onboot", json_object_new_boolean(onboot(v[i].vm)));
	for (size_t d = 0; d < h->ndevs; d++)
		if (v[i].takes[d])
			json_object_array_add(devs, pt_json_device(h, &h->devs[d]));
	json_object_object_add(o, "devices", devs);
	json_object_object_add(o, "shares_with", str_or_null(share));
	json_object_object_add(o, "problems", str_or_null(errs));
	free(share);
	free(errs);
	return o;
}

int pt_render_vm_list(const struct pt_host *h, const struct pt_vm_verdict *v, size_t n, bool json,
		      FILE *out)
{
	json_object *doc, *a;
	int e;

	if (!json && n == 0) {
		fputs(h->vms.known
			      ? "no VM on this node (/etc/pve/qemu-server holds no <vmid>.conf)\n"
			      : "no VM: this root has no /etc/pve/qemu-server\n",
		      out);
		return 0;
	}
	if (!json)
		return list_text(h, v, n, out);
	doc = json_object_new_object();
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, vm_json(h, v, n, i));
	json_object_object_add(doc, "vms", a);
	e = pt_json_print(doc, out);
	json_object_put(doc);
	return e;
}

static void devices_text_one(const struct pt_vm_verdict *v, size_t i, FILE *out)
{
	const struct pt_vm_hostpci *d = &v->res.dev[i];

	fprintf(out, "hostpci%zu: %.*s\n", i, (int)v->hostpci_line[i]->value_len,
		v->hostpci_line[i]->value);
	if (v->spec_error[i]) {
		fprintf(out, "  refused: %s\n", v->spec_error[i]);
		return;
	}
	if (d->error)
		fprintf(out, "  refused: %s\n", d->error);
	for (size_t k = 0; k < d->functions.n; k++)
		fprintf(out, "  host: %s%s\n", d->functions.v[k],
			d->mdev_candidates ? " (a candidate: one is chosen at start)" : "");
	for (size_t k = 0; k < d->devices.n; k++)
		fprintf(out, "  -device %s\n", d->devices.v[k]);
}

static int devices_text_all(const struct pt_vm_verdict *v, FILE *out)
{
	size_t shown = 0;

	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		if (v->hostpci_line[i]) {
			devices_text_one(v, i, out);
			shown++;
		}
	if (!shown)
		fprintf(out, "VM %lu has no hostpci device\n", v->vm->vmid);
	if (v->res.template_skipped)
		fputs("note: a template: Proxmox starts it without any hostpci device\n", out);
	if (v->res.start_error)
		fprintf(out, "qm start fails: %s", v->res.start_error);
	if (v->res.start_error && !strchr(v->res.start_error, '\n'))
		fputc('\n', out);
	if (v->res.kvm_off)
		fputs("note: x-vga: the CPU gets kvm=off (the KVM signature is hidden)\n", out);
	if (v->res.vga_none)
		fputs("note: x-vga without a vga: key: no emulated display (-vga none)\n", out);
	return 0;
}

static int devices_json(const struct pt_host *h, const struct pt_vm_verdict *v, FILE *out)
{
	json_object *doc = json_object_new_object(), *a = json_object_new_array();
	int e;

	json_object_object_add(doc, "vmid", json_object_new_int64((int64_t)v->vm->vmid));
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++) {
		const struct pt_vm_hostpci *d = &v->res.dev[i];
		json_object *o, *fns = json_object_new_array(), *args = json_object_new_array();
		char key[16];

		if (!v->hostpci_line[i]) {
			json_object_put(fns);
			json_object_put(args);
			continue;
		}
		o = json_object_new_object();
		snprintf(key, sizeof(key), "hostpci%zu", i);
		json_object_object_add(o, "key", json_object_new_string(key));
		json_object_object_add(
			o, "value",
			json_object_new_string_len(v->hostpci_line[i]->value,
						   (int)v->hostpci_line[i]->value_len));
		json_object_object_add(o, "error",
				       str_or_null(v->spec_error[i] ? v->spec_error[i] : d->error));
		for (size_t k = 0; k < d->functions.n; k++) {
			const struct pt_pci_dev *p = NULL;

			for (size_t x = 0; x < h->ndevs && !p; x++)
				if (streq(h->devs[x].slot, d->functions.v[k]))
					p = &h->devs[x];
			json_object_array_add(fns, p ? pt_json_device(h, p)
						     : json_object_new_string(d->functions.v[k]));
		}
		json_object_object_add(o, "host", fns);
		for (size_t k = 0; k < d->devices.n; k++)
			json_object_array_add(args, json_object_new_string(d->devices.v[k]));
		json_object_object_add(o, "qemu_device_args", args);
		json_object_array_add(a, o);
	}
	json_object_object_add(doc, "hostpci", a);
	json_object_object_add(doc, "start_error", str_or_null(v->res.start_error));
	json_object_object_add(doc, "kvm_off", json_object_new_boolean(v->res.kvm_off));
	json_object_object_add(doc, "vga_none", json_object_new_boolean(v->res.vga_none));
	e = pt_json_print(doc, out);
	json_object_put(doc);
	return e;
}

int pt_render_vm_devices(const struct pt_host *h, const struct pt_vm_verdict *v, bool json,
			 FILE *out)
{
	return json ? devices_json(h, v, out) : devices_text_all(v, out);
}
