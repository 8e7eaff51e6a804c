/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/guards.h"
#include "derive/set.h"
#include "plan/vm-plan.h"
#include "util/strbuf.h"

struct vm_ctx {
	const struct pt_host *h;
	const struct pt_verdicts *vd;
	const struct pt_vm_verdict *v;
	const struct pt_vm_plan_request *req;
	struct pt_plan *p;
	struct pt_pveconf_doc doc;     /* a copy of the config, edited */
	struct pt_strbuf qm;	       /* the equivalent `qm set` arguments */
	size_t idx;		       /* the slot's function the request named */
	char slot_text[PT_BDF_STRLEN]; /* the slot as the plan gives it: "0000:01:00" */
	bool q35;		       /* the machine is q35 after the plan */
	bool ovmf;		       /* the firmware is OVMF after the plan */
	int err;
};

static void oom(struct vm_ctx *c, int e)
{
	if (e < 0 && c->err == 0)
		c->err = e;
}

_printf_(3, 4) static void note(struct vm_ctx *c, struct pt_strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oom(c, pt_strv_vpushf(sv, fmt, ap));
	va_end(ap);
}

static void reason(struct vm_ctx *c, const char *line, const char *why)
{
	struct pt_plan_reason *r = realloc(c->p->reasons, (c->p->nreasons + 1) * sizeof(*r));

	if (!r) {
		oom(c, -ENOMEM);
		return;
	}
	c->p->reasons = r;
	r[c->p->nreasons] =
		(struct pt_plan_reason){strdup(c->v->vm->path), strdup(line), strdup(why)};
	if (!r[c->p->nreasons].path || !r[c->p->nreasons].line || !r[c->p->nreasons].why)
		oom(c, -ENOMEM);
	c->p->nreasons++;
}

/* Sets key to value in the copy, with the line's reason and the same as a qm set option. */
static void set(struct vm_ctx *c, const char *key, const char *value, const char *why)
{
	struct pt_strbuf line = {0};
	char *refused = NULL;
	int e = pt_pveconf_set(&c->doc, key, value, &refused);

	if (e == -EINVAL) {
		note(c, &c->p->blockers, "%s", refused ? refused : "the config cannot be edited");
		free(refused);
		return;
	}
	oom(c, e);
	pt_strbuf_printf(&line, "%s: %s", key, value);
	reason(c, pt_strbuf_str(&line), why);
	pt_strbuf_printf(&c->qm, " --%s %s", key, value);
	pt_strbuf_done(&line);
}

/* Whether the VM may be edited at all: readable, a config Proxmox wrote, not running. */
static bool editable(struct vm_ctx *c)
{
	const struct pt_vm *vm = c->v->vm;
	const struct pt_pveconf_problem *blocker;

	if (vm->err) {
		note(c, &c->p->blockers, "%s cannot be read: %s", vm->path, strerror(-vm->err));
		return false;
	}
	blocker = pt_pveconf_edit_blocker(&vm->conf);
	if (blocker) {
		note(c, &c->p->blockers,
		     "%s line %u: %s: passthru edits only a config it reads exactly", vm->path,
		     blocker->no, blocker->message);
		return false;
	}
	/* qemu-server (API2/Qemu.pm update_vm) puts changes to a running VM in [PENDING]. */
	if (vm->running == PT_YES) {
		note(c, &c->p->blockers,
		     "VM %lu is running: Proxmox applies config changes to a running VM only at "
		     "its "
		     "next start ([PENDING]); stop it first (qm shutdown %lu), or make the change "
		     "with qm set",
		     vm->vmid, vm->vmid);
		return false;
	}
	if (pt_pveconf_section(&vm->conf, PT_PVECONF_PENDING, NULL))
		note(c, &c->p->notes,
		     "%s has pending changes ([PENDING]): Proxmox applies them at the next start, "
		     "after these",
		     vm->path);
	return true;
}

/* The host guards for the slot: what vfio-pci cannot take, what the host needs. */
static void guards(struct vm_ctx *c)
{
	int e = pt_plan_guards(c->h, c->idx, "vm plan VMID", &c->p->blockers, &c->p->refusals,
			       &c->p->notes);

	oom(c, e);
	c->p->refused = c->p->blockers.n > 0 || (c->p->refusals.n > 0 && !c->req->override_guards);
}

/* The hostpciN that already gives a function of the slot to the VM, or -1. */
static int already_given(struct vm_ctx *c)
{
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		for (size_t k = 0; k < c->v->res.dev[i].functions.n; k++)
			for (size_t d = 0; d < c->h->ndevs; d++)
				if (pt_bdf_same_slot(&c->h->devs[d].bdf, &c->h->devs[c->idx].bdf) &&
				    streq(c->h->devs[d].slot, c->v->res.dev[i].functions.v[k]))
					return (int)i;
	return -1;
}

static int free_index(struct vm_ctx *c)
{
	for (int i = 0; i < PT_HOSTPCI_MAX; i++)
		if (!c->v->hostpci_line[i])
			return i;
	return -1;
}

/* "0000:01:00" when every function of the slot goes (qm's "All Functions"), else one. */
static void host_value(struct vm_ctx *c, const bool *in_set, struct pt_strbuf *sb)
{
	const struct pt_pci_dev *d = &c->h->devs[c->idx];
	bool all = true;
	size_t n = 0;

	for (size_t i = 0; i < c->h->ndevs; i++)
		if (pt_bdf_same_slot(&c->h->devs[i].bdf, &d->bdf)) {
			n++;
			all &= in_set[i] && !c->h->devs[i].is_bridge;
		}
	if (all && n > 1)
		pt_strbuf_printf(sb, "%04x:%02x:%02x", d->bdf.domain, d->bdf.bus, d->bdf.dev);
	else
		pt_strbuf_puts(sb, d->slot);
}

/* Other VMs of the node that take a device of the set: one VM at a time can hold it. */
static void other_vms(struct vm_ctx *c, const bool *in_set)
{
	const struct pt_host *h = c->h;

	for (size_t k = 0; k < h->vms.n; k++) {
		const struct pt_vm *o = &h->vms.v[k];
		struct pt_vm_verdict ov;
		bool shared = false;

		if (o == c->v->vm || pt_vm_judge(h, o, &ov) < 0)
			continue;
		for (size_t d = 0; d < h->ndevs && !shared; d++)
			shared = ov.takes[d] && in_set[d];
		if (shared)
			note(c, &c->p->notes,
			     "VM %lu takes a device of this slot too: only one of them can run at "
			     "a "
			     "once (qemu-server refuses a device another running VM holds)%s",
			     o->vmid,
			     streq_ptr(pt_vm_value(o, "onboot"), "1")
				     ? "; it starts at boot, so this VM's start fails while it runs"
				     : "");
		pt_vm_verdict_done(&ov);
	}
}

/* Endpoints of the slot's IOMMU groups outside the slot: Proxmox takes them too at start. */
static void group_note(struct vm_ctx *c, const bool *in_set)
{
	struct pt_strbuf sb = {0};

	for (size_t i = 0; i < c->h->ndevs; i++)
		if (in_set[i] && !c->h->devs[i].is_bridge &&
		    !pt_bdf_same_slot(&c->h->devs[i].bdf, &c->h->devs[c->idx].bdf))
			pt_strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", c->h->devs[i].slot);
	if (sb.len)
		note(c, &c->p->notes,
		     "the slot's IOMMU groups also hold %s: at every start of the VM Proxmox binds "
		     "them to vfio-pci too and the host loses them (pve-common SysFSTools.pm "
		     "pci_dev_group_bind_to_vfio); they are not given to the VM",
		     sb.buf);
	pt_strbuf_done(&sb);
}

static void romfile(struct vm_ctx *c, struct pt_strbuf *value)
{
	const char *name = c->req->romfile;

	if (!name)
		return;
	/* qemu-server PCI.pm print_hostpci_devices: romfile=/usr/share/kvm/<value>, always. */
	if (name[0] == '/' || strpbrk(name, ",;=") || !name[0]) {
		note(c, &c->p->blockers,
		     "--romfile %s: Proxmox always reads the file from /usr/share/kvm/ and the "
		     "value "
		     "may hold no ',' ';' '=': copy the ROM there and give its name only",
		     name);
		return;
	}
	pt_strbuf_printf(value, ",romfile=%s", name);
	if (c->h->vms.roms_known && !pt_strv_contains(&c->h->vms.roms, name))
		note(c, &c->p->notes,
		     "/usr/share/kvm/%s does not exist: the VM does not start until it does", name);
}

static void hostpci(struct vm_ctx *c, const bool *in_set)
{
	struct pt_strbuf value = {0}, why = {0};
	char key[16];
	int given = already_given(c), n;

	if (given >= 0) {
		note(c, &c->p->notes, "hostpci%d already gives %s to VM %lu", given,
		     c->h->devs[c->idx].slot, c->v->vm->vmid);
		return;
	}
	n = free_index(c);
	if (n < 0) {
		note(c, &c->p->blockers,
		     "VM %lu has all 16 hostpci entries in use (qemu-server allows hostpci0 to "
		     "hostpci15)",
		     c->v->vm->vmid);
		return;
	}
	snprintf(key, sizeof(key), "hostpci%d", n);
	host_value(c, in_set, &value);
	snprintf(c->slot_text, sizeof(c->slot_text), "%s", pt_strbuf_str(&value));
	pt_strbuf_puts(&why, "the device, the first free hostpci entry; ");
	pt_strbuf_puts(
		&why, strchr(pt_strbuf_str(&value), '.')
			      ? "one function: the slot's other functions stay with the host"
			      : "no function: every function of the slot, as one guest "
				"multifunction device (qemu-server resets and passes them as one)");
	if (c->q35) {
		pt_strbuf_puts(&value, ",pcie=1");
		pt_strbuf_puts(&why,
			       "; pcie=1: a PCI Express root port of the q35 machine, as the "
			       "card sits on the host (qemu-server PCI.pm, ich9-pcie-port-N)");
	}
	if (c->req->x_vga) {
		pt_strbuf_puts(&value, ",x-vga=1");
		/* qemu-server PCI.pm: x-vga=on only without OVMF; kvm=off and vga none always. */
		pt_strbuf_puts(&why,
			       c->ovmf ? "; x-vga=1 (asked): under OVMF Proxmox leaves x-vga "
					 "out and only hides KVM (kvm=off)"
				       : "; x-vga=1 (asked): the card is the guest's primary VGA "
					 "display under SeaBIOS; no emulated display (vga none)");
	}
	romfile(c, &value);
	set(c, key, pt_strbuf_str(&value), pt_strbuf_str(&why));
	group_note(c, in_set);
	other_vms(c, in_set);
	pt_strbuf_done(&value);
	pt_strbuf_done(&why);
}

/* The CPU type host, keeping the value's other properties (flags, hidden, ...). */
static void cpu(struct vm_ctx *c)
{
	const char *cur = c->v->cpu;
	struct pt_strbuf value = {0};
	const char *rest;
	size_t typelen;

	if (!cur) {
		set(c, "cpu", "host",
		    "the host CPU's model and features, not kvm64: GPU drivers and games check "
		    "them (qemu-server CPUConfig.pm: no cpu key means kvm64)");
		return;
	}
	rest = strchr(cur, ',');
	typelen = rest ? (size_t)(rest - cur) : strlen(cur);
	if (strncmp(cur, "cputype=", 8) == 0)
		cur += 8, typelen -= 8;
	if (typelen == 4 && strncmp(cur, "host", 4) == 0)
		return;
	pt_strbuf_printf(&value, "host%s", rest ? rest : "");
	set(c, "cpu", pt_strbuf_str(&value),
	    "the host CPU's model and features instead of an emulated model (its other "
	    "properties kept): GPU drivers check them");
	pt_strbuf_done(&value);
}

static void settings(struct vm_ctx *c)
{
	const struct pt_vm_verdict *v = c->v;
	const char *balloon = pt_vm_value(v->vm, "balloon");

	c->q35 = v->q35;
	if (!v->q35) {
		set(c, "machine", "q35",
		    "a PCI Express machine: the card gets a PCIe root port (pcie=1) as on the "
		    "host; i440fx has only PCI (qemu-server Machine.pm: the default is pc)");
		note(c, &c->p->notes,
		     "machine q35: a guest installed on i440fx sees new hardware at its next boot "
		     "(Windows may ask to reactivate)");
		c->q35 = true;
	}
	c->ovmf = v->ovmf;
	if (!v->ovmf && c->req->x_vga) {
		note(c, &c->p->notes,
		     "--x-vga: the firmware stays SeaBIOS (x-vga is SeaBIOS's way to a GPU "
		     "display; OVMF needs a ROM with a UEFI image instead)");
	} else if (!v->ovmf) {
		c->ovmf = true;
		set(c, "bios", "ovmf",
		    "UEFI firmware: modern GPUs bring a UEFI option ROM and initialise under OVMF "
		    "(pve-docs qm-pci-passthrough.adoc)");
		note(c, &c->p->notes,
		     "bios ovmf: a guest installed with SeaBIOS (an MBR disk) does not boot under "
		     "OVMF: for such a guest plan with --x-vga, which keeps SeaBIOS");
	}
	if (c->ovmf && !pt_vm_value(v->vm, "efidisk0"))
		note(c, &c->p->notes,
		     "OVMF keeps its settings on an EFI disk and VM %lu has none: choose its "
		     "storage "
		     "and run qm set %lu --efidisk0 <storage>:1,efitype=4m,pre-enrolled-keys=0 "
		     "(without one, qemu-server uses a temporary disk and boot entries are lost at "
		     "every start)",
		     v->vm->vmid, v->vm->vmid);
	cpu(c);
	/* QEMU pins all guest RAM for VFIO DMA (hw/vfio/container.c): a balloon frees nothing. */
	if (!balloon || !streq(balloon, "0"))
		set(c, "balloon", "0",
		    "no balloon device: with a passed device QEMU pins all guest memory for DMA, "
		    "so ballooning cannot return any (QEMU hw/vfio)");
}

/* Whether the host gives the slot to vfio-pci at boot: the host plan has nothing to do. */
static void host_ready(struct vm_ctx *c)
{
	struct pt_plan_request req = {.slot = c->req->slot};
	struct pt_plan hp;
	int e = pt_plan_build(c->h, c->vd, &req, &hp);

	if (e < 0) {
		oom(c, e == -ENOMEM ? e : 0);
		return;
	}
	if (hp.txn.n)
		note(c, &c->p->notes,
		     "the host does not give %s to vfio-pci at boot yet: passthru plan %s shows "
		     "the host's change (Proxmox binds it at VM start, but a host driver then "
		     "lets it go only if it can)",
		     c->h->devs[c->idx].slot, c->h->devs[c->idx].slot);
	pt_plan_done(&hp);
}

static void finish(struct vm_ctx *c)
{
	char *text = NULL, lock[96];
	size_t len = 0;

	oom(c, pt_pveconf_format(&c->doc, &text, &len));
	if (c->err == 0 && !c->p->blockers.n)
		oom(c, pt_txn_add(&c->p->txn, c->v->vm->path, c->v->vm->conf.text,
				  c->v->vm->conf.len, text, len, 0640));
	free(text);
	snprintf(lock, sizeof(lock), PT_VM_LOCK_FMT, c->v->vm->vmid);
	if (c->p->txn.n)
		oom(c, pt_txn_add_lock(&c->p->txn, lock));
	if (c->p->txn.n && c->qm.len)
		note(c, &c->p->equivalent, "qm set %lu%s", c->v->vm->vmid, c->qm.buf);
	if (!c->err) {
		struct pt_strbuf next = {0};

		if (c->p->txn.n)
			pt_strbuf_printf(&next, "passthru vm apply %lu %s, then ", c->v->vm->vmid,
					 c->slot_text);
		pt_strbuf_printf(&next, "start the VM (qm start %lu)", c->v->vm->vmid);
		c->p->next = pt_strbuf_steal(&next);
		if (!c->p->next)
			oom(c, -ENOMEM);
	}
}

int pt_vm_plan_build(const struct pt_host *h, const struct pt_verdicts *vd,
		     const struct pt_vm_verdict *v, const struct pt_vm_plan_request *req,
		     struct pt_plan *ret)
{
	struct vm_ctx c = {.h = h, .vd = vd, .v = v, .req = req, .p = ret};
	long idx = pt_host_dev_index(h, &req->slot);
	bool *in_set;
	int e;

	*ret = (struct pt_plan){0};
	if (idx < 0)
		return -ENODEV;
	c.idx = (size_t)idx;
	snprintf(c.slot_text, sizeof(c.slot_text), "%s", h->devs[idx].slot);
	in_set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*in_set));
	ret->devs = calloc(h->ndevs ? h->ndevs : 1, sizeof(*ret->devs));
	if (!in_set || !ret->devs) {
		free(in_set);
		return -ENOMEM;
	}
	pt_vfio_set(h, c.idx, in_set, ret->devs, &ret->ndevs);
	guards(&c);
	if (!ret->blockers.n && editable(&c)) {
		e = pt_pveconf_parse(v->vm->conf.text, v->vm->conf.len, v->vm->path, v->vm->vmid,
				     &c.doc);
		oom(&c, e);
		if (e >= 0) {
			settings(&c);
			hostpci(&c, in_set);
			host_ready(&c);
			finish(&c);
			pt_pveconf_done(&c.doc);
		}
	}
	ret->refused = ret->blockers.n > 0 || (ret->refusals.n > 0 && !req->override_guards);
	free(in_set);
	pt_strbuf_done(&c.qm);
	if (c.err < 0)
		pt_plan_done(ret);
	return c.err;
}
