/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard verdict (guard.h): what leaves the host with a slot that the host needs, and
 * requests vfio-pci cannot take. Every device of the set is judged, whichever function the
 * request named: the slot's other functions leave with it as surely as its group.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "derive/set.h"
#include "derive/guards.h"
#include "util/strbuf.h"

struct judge {
	const struct pt_host *h;
	size_t idx;	    /* the named function */
	const bool *in_set; /* pt_passthrough_set */
	struct pt_guards *out;
	int err; /* the first -ENOMEM */
};

static void oom_if(struct judge *j, int e)
{
	if (e < 0 && j->err == 0)
		j->err = e;
}

/* A new guard; NULL after -ENOMEM (the helpers below accept it). Valid until the next add. */
static struct pt_guard *add(struct judge *j, enum pt_guard_kind kind, enum pt_guard_weight w)
{
	struct pt_guard *v = realloc(j->out->v, (j->out->n + 1) * sizeof(*v));

	if (!v) {
		oom_if(j, -ENOMEM);
		return NULL;
	}
	j->out->v = v;
	v[j->out->n] = (struct pt_guard){.kind = kind, .weight = w};
	return &v[j->out->n++];
}

static void name_dev(struct judge *j, struct pt_guard *g, size_t dev)
{
	size_t *v;

	if (!g)
		return;
	v = realloc(g->devs, (g->ndevs + 1) * sizeof(*v));
	if (!v) {
		oom_if(j, -ENOMEM);
		return;
	}
	g->devs = v;
	v[g->ndevs++] = dev;
}

static void evidence(struct judge *j, struct pt_guard *g, const char *path, const char *value)
{
	struct pt_guard_evidence *v;

	if (!g)
		return;
	v = realloc(g->evidence, (g->nevidence + 1) * sizeof(*v));
	if (!v) {
		oom_if(j, -ENOMEM);
		return;
	}
	g->evidence = v;
	v[g->nevidence] = (struct pt_guard_evidence){strdup(path), value ? strdup(value) : NULL};
	if (!v[g->nevidence].path || (value && !v[g->nevidence].value))
		oom_if(j, -ENOMEM);
	g->nevidence++;
}

static void attr_evidence(struct judge *j, struct pt_guard *g, size_t dev, const char *attr,
			  const char *value)
{
	char *path = pt_pci_attr_path(&j->h->devs[dev], attr);

	if (!path)
		oom_if(j, -ENOMEM);
	else
		evidence(j, g, path, value);
	free(path);
}

static void class_evidence(struct judge *j, struct pt_guard *g, size_t dev)
{
	char value[16];

	snprintf(value, sizeof(value), "0x%06x", j->h->devs[dev].class);
	attr_evidence(j, g, dev, "class", value);
}

_printf_(3, 0) static void set_text(struct judge *j, char **dst, const char *fmt, va_list ap)
{
	free(*dst);
	if (vasprintf(dst, fmt, ap) < 0) {
		*dst = NULL;
		oom_if(j, -ENOMEM);
	}
}

_printf_(3, 4) static void message(struct judge *j, struct pt_guard *g, const char *fmt, ...)
{
	va_list ap;

	if (!g)
		return;
	va_start(ap, fmt);
	set_text(j, &g->message, fmt, ap);
	va_end(ap);
}

_printf_(3, 4) static void hint(struct judge *j, struct pt_guard *g, const char *fmt, ...)
{
	va_list ap;

	if (!g)
		return;
	va_start(ap, fmt);
	set_text(j, &g->hint, fmt, ap);
	va_end(ap);
}

/* Appends "label" to sb, after ", " when sb is not empty. */
static void put_label(struct judge *j, struct pt_strbuf *sb, size_t dev)
{
	char *label = pt_pci_label(&j->h->devs[dev]);

	oom_if(j, pt_strbuf_printf(sb, "%s%s", sb->len ? ", " : "",
				   label ? label : j->h->devs[dev].slot));
	free(label);
}

static const char *text(const struct pt_strbuf *sb)
{
	return pt_strbuf_str(sb) ? pt_strbuf_str(sb) : "";
}

/* ---- what cannot go to vfio-pci at all ---- */

/*
 * The host bridge (class 0x0600) is the root complex's own function, between the CPU and
 * memory and every PCI device: the host needs it and a VM has no use for it. The request is
 * the slot, so a slot holding it is refused whichever function was named.
 */
static bool host_bridge(struct judge *j)
{
	const struct pt_host *h = j->h;

	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_guard *g;
		char *label;

		if (!pt_bdf_same_slot(&h->devs[i].bdf, &h->devs[j->idx].bdf) ||
		    !pt_pci_is_host_bridge(&h->devs[i]))
			continue;
		g = add(j, PT_GUARD_HOST_BRIDGE, PT_GUARD_BLOCKS);
		label = pt_pci_label(&h->devs[i]);
		message(j, g,
			"%s%s%s, the root complex's own function between the CPU, memory and the "
			"PCI devices: the host needs it and a VM cannot use it",
			i == j->idx ? "" : "its slot holds the host bridge ",
			label ? label : h->devs[i].slot, i == j->idx ? " is the host bridge" : "");
		hint(j, g,
		     "name the device you mean to pass: passthru list shows every device and "
		     "its IOMMU group");
		class_evidence(j, g, i);
		name_dev(j, g, i);
		free(label);
		return true;
	}
	return false;
}

/* "01:00": the slot as the user types it; the domain only when it is not 0. */
static void typed_slot(const struct pt_bdf *b, char buf[32])
{
	if (b->domain)
		snprintf(buf, 32, "%04x:%02x:%02x", b->domain, b->bus, b->dev);
	else
		snprintf(buf, 32, "%02x:%02x", b->bus, b->dev);
}

static bool is_below(const struct pt_pci_dev *d, const struct pt_bdf *bridge)
{
	for (size_t k = 0; k < d->nupstream; k++)
		if (pt_bdf_cmp(&d->upstream[k], bridge) == 0)
			return true;
	return false;
}

/* The endpoints below the bridge (any depth), named in g and their slots in g->below. */
static void devices_below(struct judge *j, struct pt_guard *g, const struct pt_pci_dev *bridge,
			  struct pt_strbuf *labels)
{
	for (size_t i = 0; i < j->h->ndevs && g; i++) {
		const struct pt_pci_dev *d = &j->h->devs[i];
		char slot[32];

		if (d->is_bridge || !is_below(d, &bridge->bdf))
			continue;
		name_dev(j, g, i);
		put_label(j, labels, i);
		typed_slot(&d->bdf, slot);
		if (!pt_strv_contains(&g->below, slot))
			oom_if(j, pt_strv_push(&g->below, slot));
	}
}

/*
 * A bridge or port (a pci_bus/ directory, or class 0x0604/0x0609) stays with the host: Proxmox
 * skips such group members (pve-common SysFSTools.pm pci_dev_group_bind_to_vfio) and vfio-pci
 * refuses any device whose header is not type 0 (linux drivers/vfio/pci/vfio_pci_core.c
 * vfio_pci_core_register_device; before 5.15 vfio_pci.c vfio_pci_probe). Naming one is
 * almost always meant as the card below it: say which that is.
 */
static bool bridge(struct judge *j)
{
	const struct pt_pci_dev *d = &j->h->devs[j->idx];
	struct pt_strbuf labels = {0};
	struct pt_guard *g;
	char *label;

	if (!d->is_bridge)
		return false;
	g = add(j, PT_GUARD_BRIDGE, PT_GUARD_BLOCKS);
	devices_below(j, g, d, &labels);
	label = pt_pci_label(d);
	message(j, g,
		"%s is a bridge or port: it stays with the host, and vfio-pci takes only devices "
		"with a type-0 (endpoint) header; %s%s",
		label ? label : d->slot, labels.len ? "below it: " : "no device is below it",
		text(&labels));
	if (g && g->below.n) {
		char *slots = pt_strv_join(&g->below, ", ");

		hint(j, g, "name the slot of the device below it: %s (passthru plan %s)",
		     slots ? slots : "", g->below.v[0]);
		free(slots);
	} else {
		hint(j, g, "name the device you mean to pass: passthru list shows every device");
	}
	if (d->have & PT_PCI_HAVE_CLASS)
		class_evidence(j, g, j->idx);
	if (!(d->have & PT_PCI_HAVE_CLASS) ||
	    ((d->class >> 8) != 0x0604 && (d->class >> 8) != 0x0609))
		attr_evidence(j, g, j->idx, "pci_bus", "present (a directory)");
	free(label);
	pt_strbuf_done(&labels);
	return true;
}

/* ---- what the host needs ---- */

/* The display devices that stay with the host, as labels; false when there is none. */
static bool staying_displays(struct judge *j, struct pt_strbuf *labels)
{
	for (size_t i = 0; i < j->h->ndevs; i++)
		if (!j->in_set[i] && pt_pci_is_display(&j->h->devs[i]))
			put_label(j, labels, i);
	return labels->len > 0;
}

/*
 * The boot display is the device the firmware initialised and the host console runs on;
 * the kernel shows it as boot_vga=1 (linux drivers/pci/pci-sysfs.c boot_vga_show:
 * vga_default_device). When vfio-pci takes a VGA device it removes the firmware framebuffer
 * and the VGA console on it (linux drivers/vfio/pci/vfio_pci_core.c vfio_pci_vga_init:
 * aperture_remove_conflicting_pci_devices): the host console goes blank, and on many boards
 * the host hangs there (the guide's "host freezes when the VM starts"). That holds whether
 * or not another display device stays: it becomes the console only once the firmware setup
 * makes it the primary display.
 */
static void console_gpu(struct judge *j)
{
	const struct pt_host *h = j->h;

	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_strbuf stay = {0};
		struct pt_guard *g;
		char *label;

		if (!j->in_set[i] || h->devs[i].boot_vga != PT_YES)
			continue;
		g = add(j, PT_GUARD_CONSOLE_GPU, PT_GUARD_REFUSES);
		name_dev(j, g, i);
		label = pt_pci_label(&h->devs[i]);
		if (!staying_displays(j, &stay)) {
			message(j, g,
				"passing it takes %s, the host's console GPU and its only display "
				"device (boot_vga=1): the firmware and the host console use it; "
				"the "
				"host is left without a screen and, on many boards, hangs when the "
				"VM starts and vfio-pci takes it: keep another GPU for the host, "
				"or "
				"accept a headless host (plan, apply and bind then need --force)",
				label ? label : h->devs[i].slot);
			hint(j, g,
			     "make sure the host is reachable without a screen (SSH, web UI), or "
			     "keep another GPU (an iGPU enabled in the firmware) for it");
		} else {
			message(j, g,
				"passing it takes %s, the host's boot display (boot_vga=1), while "
				"%s "
				"stays: the firmware and the host console use the boot display; "
				"taking it blanks the host console and, on many boards, hangs the "
				"host when the VM starts and vfio-pci takes it: make the GPU that "
				"stays the primary display in the firmware setup, or accept a "
				"headless host (plan, apply and bind then need --force)",
				label ? label : h->devs[i].slot, text(&stay));
			hint(j, g,
			     "once the firmware setup makes %s the primary display, boot_vga=1 "
			     "moves to it and the host console with it; a headless host is "
			     "reached by SSH or the web UI",
			     text(&stay));
		}
		attr_evidence(j, g, i, "boot_vga", "1");
		free(label);
		pt_strbuf_done(&stay);
	}
}

/* Whether devs[i] is the controller of a boot disk / a default-route NIC (facts decide). */
static bool is_boot_ctrl(const struct pt_host *h, size_t i)
{
	for (size_t k = 0; k < h->nboot_disks; k++)
		if (h->boot_disks[k].has_ctrl &&
		    pt_bdf_cmp(&h->boot_disks[k].ctrl, &h->devs[i].bdf) == 0)
			return true;
	return false;
}

static bool is_uplink(const struct pt_host *h, size_t i)
{
	for (size_t k = 0; k < h->nuplinks; k++)
		if (h->uplinks[k].has_dev && pt_bdf_cmp(&h->uplinks[k].dev, &h->devs[i].bdf) == 0)
			return true;
	return false;
}

/* A member of the set is the controller of the disk with /, /boot or /boot/efi. */
static void boot_disk(struct judge *j)
{
	const struct pt_host *h = j->h;

	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_strbuf sb = {0};
		struct pt_guard *g;
		char *label;

		if (!j->in_set[i] || !is_boot_ctrl(h, i))
			continue;
		g = add(j, PT_GUARD_BOOT_DISK, PT_GUARD_REFUSES);
		name_dev(j, g, i);
		for (size_t k = 0; k < h->nboot_disks; k++) {
			const struct pt_boot_disk *b = &h->boot_disks[k];
			char path[PATH_MAX], value[PATH_MAX + 64];

			if (!b->has_ctrl || pt_bdf_cmp(&b->ctrl, &h->devs[i].bdf) != 0)
				continue;
			oom_if(j, pt_strbuf_printf(&sb, "%s%s (%s", sb.len ? ", " : "", b->mount,
						   b->source));
			if (!streq(b->source + (startswith(b->source, "/dev/") ? 5 : 0), b->block))
				oom_if(j, pt_strbuf_printf(&sb, " on %s", b->block));
			oom_if(j, pt_strbuf_putc(&sb, ')'));
			snprintf(value, sizeof(value), "%s %s %s", b->source, b->mount, b->fstype);
			evidence(j, g, "/proc/mounts", value);
			snprintf(path, sizeof(path), "/sys/class/block/%s", b->block);
			evidence(j, g, path, b->sys_path);
		}
		label = pt_pci_label(&h->devs[i]);
		message(j, g, "passing it takes the host's boot disk: %s is the controller of %s",
			label ? label : h->devs[i].slot, text(&sb));
		hint(j, g,
		     "move the host's system disk to a controller outside the set (another "
		     "M.2/SATA port, often on the CPU's lanes), or pass another slot");
		free(label);
		pt_strbuf_done(&sb);
	}
}

/* A member of the set carries the host's default route. */
static void uplink(struct judge *j)
{
	const struct pt_host *h = j->h;

	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_strbuf sb = {0};
		struct pt_guard *g;
		char *label;

		if (!j->in_set[i] || !is_uplink(h, i))
			continue;
		g = add(j, PT_GUARD_UPLINK, PT_GUARD_REFUSES);
		name_dev(j, g, i);
		for (size_t k = 0; k < h->nuplinks; k++) {
			const struct pt_uplink *u = &h->uplinks[k];
			char path[PATH_MAX];

			if (!u->has_dev || pt_bdf_cmp(&u->dev, &h->devs[i].bdf) != 0)
				continue;
			if (streq(u->iface, u->route_iface))
				oom_if(j,
				       pt_strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", u->iface));
			else
				oom_if(j,
				       pt_strbuf_printf(&sb, "%s%s (under %s)", sb.len ? ", " : "",
							u->iface, u->route_iface));
			snprintf(path, sizeof(path), "/sys/class/net/%s", u->iface);
			evidence(j, g, "/proc/net/route", u->route_iface);
			evidence(j, g, path, u->sys_path);
		}
		label = pt_pci_label(&h->devs[i]);
		message(j, g,
			"passing it cuts the host off the network: %s carries the default route "
			"as %s",
			label ? label : h->devs[i].slot, text(&sb));
		hint(j, g,
		     "give the host another NIC outside the set (a USB NIC on a controller that "
		     "stays, or another slot) and move the default route there first");
		free(label);
		pt_strbuf_done(&sb);
	}
}

/*
 * Chipset functions the host relies on with or without a driver bound: the LPC/eSPI bridge
 * (class 0x0601) decodes the TPM, the Super I/O (fans, sensors), the embedded controller and
 * the watchdog (linux drivers/mfd/lpc_ich.c); the SMBus (0x0c05) carries the memory and
 * hardware sensors and, on Intel chipsets since the 100 series, the TCO watchdog (linux
 * drivers/i2c/busses/i2c-i801.c i801_add_tco); class 0x0580 on the root bus is the chipset's
 * power management controller. On Intel boards they share slot 1f (and its IOMMU group)
 * with the onboard audio and Ethernet, so passing those takes them too.
 */
static const char *chipset_role(const struct pt_pci_dev *d)
{
	if (!(d->have & PT_PCI_HAVE_CLASS))
		return NULL;
	switch (d->class >> 8) {
	case 0x0601:
		return "is the LPC/eSPI bridge, behind which sit the TPM, the Super I/O (fans, "
		       "sensors), the embedded controller and the hardware watchdog";
	case 0x0c05:
		return "carries the memory and hardware sensors and, on Intel chipsets since the "
		       "100 series, the TCO watchdog";
	case 0x0580:
		return d->nupstream == 0 ? "is the chipset's power management controller" : NULL;
	default:
		return NULL;
	}
}

static void chipset(struct judge *j)
{
	struct pt_strbuf sb = {0};
	struct pt_guard *g = NULL;

	for (size_t i = 0; i < j->h->ndevs; i++) {
		const char *role = chipset_role(&j->h->devs[i]);
		char *label;

		if (!j->in_set[i] || !role)
			continue;
		if (!g && !(g = add(j, PT_GUARD_CHIPSET, PT_GUARD_REFUSES)))
			break;
		name_dev(j, g, i);
		class_evidence(j, g, i);
		label = pt_pci_label(&j->h->devs[i]);
		oom_if(j, pt_strbuf_printf(&sb, "%s%s %s", sb.len ? "; " : "",
					   label ? label : j->h->devs[i].slot, role));
		free(label);
	}
	message(j, g,
		"passing it takes chipset functions the host relies on even without a driver: "
		"%s; a VM cannot use them, and the host can lose its TPM, sensors, fan control "
		"and watchdog",
		text(&sb));
	hint(j, g,
	     "they cannot be split from the slot and group they share: give the VM a separate "
	     "PCIe or USB device instead (a NIC, a sound card), or pass --force if the host can "
	     "do without them");
	pt_strbuf_done(&sb);
}

/*
 * Without the facts above (no /proc/mounts, /proc/net/route, or a disk they cannot follow,
 * such as a ZFS pool) say honestly which members could be one of them, by class: storage
 * (01), network (02), USB (0c03, USB boot disks). Devices the facts decided are left out.
 */
static bool is_storage_or_usb(const struct pt_pci_dev *d)
{
	return (d->have & PT_PCI_HAVE_CLASS) &&
	       ((d->class >> 16) == 0x01 || (d->class >> 8) == 0x0c03);
}

/*
 * A USB controller that is a function of a display device's slot is the card's own USB-C
 * port (Turing GPUs: function 2): it is not counted as a possible boot disk's controller by
 * class. The facts still judge it (guard.boot-disk) whenever they can follow the disk.
 */
static bool is_gpu_usb(const struct pt_host *h, size_t i)
{
	if ((h->devs[i].class >> 8) != 0x0c03)
		return false;
	for (size_t k = 0; k < h->ndevs; k++)
		if (pt_pci_is_display(&h->devs[k]) &&
		    pt_bdf_same_slot(&h->devs[k].bdf, &h->devs[i].bdf))
			return true;
	return false;
}

static bool could_hold_boot_disk(const struct pt_host *h, size_t i)
{
	return is_storage_or_usb(&h->devs[i]) && !is_boot_ctrl(h, i) && !is_gpu_usb(h, i);
}

static bool could_be_uplink(const struct pt_host *h, size_t i)
{
	const struct pt_pci_dev *d = &h->devs[i];

	return (d->have & PT_PCI_HAVE_CLASS) && (d->class >> 16) == 0x02 && !is_uplink(h, i);
}

/* Why the facts could not decide: the first reason, or NULL when there were no facts. */
static const char *boot_disk_unknown(const struct pt_host *h)
{
	for (size_t k = 0; k < h->nboot_disks; k++)
		if (h->boot_disks[k].unknown)
			return h->boot_disks[k].unknown;
	return NULL;
}

static const char *uplink_unknown(const struct pt_host *h)
{
	if (h->routes_known && !h->routes_have_default)
		return "/proc/net/route has no IPv4 default route";
	for (size_t k = 0; k < h->nuplinks; k++)
		if (h->uplinks[k].unknown)
			return h->uplinks[k].unknown;
	return NULL;
}

struct maybe {
	enum pt_guard_kind kind;
	bool (*could)(const struct pt_host *, size_t);
	bool decided;
	const char *unknown;
	const char *what;
	const char *hint;
};

static void maybe_needed(struct judge *j, const struct maybe *m)
{
	struct pt_strbuf sb = {0};
	struct pt_guard *g = NULL;

	for (size_t i = 0; i < j->h->ndevs && !m->decided; i++) {
		if (!j->in_set[i] || !m->could(j->h, i))
			continue;
		if (!g && !(g = add(j, m->kind, PT_GUARD_NOTES)))
			break;
		name_dev(j, g, i);
		put_label(j, &sb, i);
	}
	if (m->unknown)
		message(j, g,
			"the devices passed with it include %s %s; whether the host needs it is "
			"unknown: %s",
			m->what, text(&sb), m->unknown);
	else
		message(j, g,
			"the devices passed with it include %s %s; passthru does not yet "
			"determine whether the host needs it",
			m->what, text(&sb));
	hint(j, g, "%s", m->hint);
	pt_strbuf_done(&sb);
}

static void maybe_storage(struct judge *j)
{
	const struct maybe m = {
		PT_GUARD_MAYBE_STORAGE,
		could_hold_boot_disk,
		pt_host_boot_disks_decided(j->h),
		boot_disk_unknown(j->h),
		"storage or USB controller",
		"check that the root file system and swap are not behind it (findmnt /; lsblk -o "
		"NAME,TRAN,HCTL): passing it would take the host's disk",
	};

	maybe_needed(j, &m);
}

static void maybe_network(struct judge *j)
{
	const struct maybe m = {
		PT_GUARD_MAYBE_NETWORK,
		could_be_uplink,
		pt_host_uplinks_decided(j->h),
		uplink_unknown(j->h),
		"network controller",
		"check that the host's default route does not use it (ip route show default): "
		"passing it would cut the host off the network",
	};

	maybe_needed(j, &m);
}

int pt_guards_judge(const struct pt_host *h, size_t idx, struct pt_guards *ret)
{
	bool *in_set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*in_set));
	struct judge j = {h, idx, in_set, ret, 0};

	*ret = (struct pt_guards){0};
	if (!in_set)
		return -ENOMEM;
	pt_passthrough_set(h, idx, in_set);
	if (!bridge(&j) && !host_bridge(&j)) {
		console_gpu(&j);
		boot_disk(&j);
		uplink(&j);
		chipset(&j);
		maybe_storage(&j);
		maybe_network(&j);
	}
	free(in_set);
	if (j.err < 0)
		pt_guards_done(ret);
	return j.err;
}

void pt_guards_done(struct pt_guards *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct pt_guard *v = &g->v[i];

		for (size_t k = 0; k < v->nevidence; k++) {
			free(v->evidence[k].path);
			free(v->evidence[k].value);
		}
		free(v->evidence);
		free(v->devs);
		free(v->message);
		free(v->hint);
		pt_strv_done(&v->below);
	}
	free(g->v);
	*g = (struct pt_guards){0};
}

const char *pt_guard_id(enum pt_guard_kind k)
{
	switch (k) {
	case PT_GUARD_HOST_BRIDGE:
		return "device.host-bridge";
	case PT_GUARD_BRIDGE:
		return "device.bridge";
	case PT_GUARD_CONSOLE_GPU:
		return "guard.console-gpu";
	case PT_GUARD_BOOT_DISK:
		return "guard.boot-disk";
	case PT_GUARD_UPLINK:
		return "guard.default-route-nic";
	case PT_GUARD_CHIPSET:
		return "guard.chipset";
	case PT_GUARD_MAYBE_STORAGE:
		return "guard.storage-in-set";
	case PT_GUARD_MAYBE_NETWORK:
		return "guard.network-in-set";
	}
	return "guard.unknown";
}
