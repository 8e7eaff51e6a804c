/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/vm-hostpci.h"
#include "util/array.h"
#include "util/macro.h"
#include "util/strbuf.h"

/* Functions, as indices into the request's fns. */
struct fnlist {
	size_t *v;
	size_t n, cap;
};

/* One hostpciN on its way through qemu-server's three steps. */
struct device {
	const struct pt_hostpci_spec *spec;
	const char **src; /* each alternative as written: ';'-joined addresses */
	size_t nsrc, srccap;
	struct fnlist *alts; /* the alternatives, each the functions of one guest device */
	size_t nalts, cap;
	bool multifunction;   /* an alternative has more than one function */
	const char *mdev;     /* the mediated device type still in effect */
	const char *nvidia;   /* mdev=nvidia-<N> on an NVIDIA vGPU function: "<N>" */
	bool live_migration;  /* from a live-migration-capable mapping */
	struct fnlist chosen; /* choose_hostpci_devices' pick */
	bool failed;
};

struct ctx {
	const struct pt_vm_hostpci_request *req;
	struct pt_vm_hostpci_result *res;
	struct device dev[PT_HOSTPCI_MAX];
	bool *used; /* per function: taken by an earlier hostpciN */
};

static void fnlist_done(struct fnlist *l)
{
	free(l->v);
	*l = (struct fnlist){0};
}

static int fnlist_add(struct fnlist *l, size_t fn)
{
	if (!PT_GROW(l->v, l->cap, l->n))
		return -ENOMEM;
	l->v[l->n++] = fn;
	return 0;
}

static void device_done(struct device *d)
{
	for (size_t i = 0; i < d->nalts; i++)
		fnlist_done(&d->alts[i]);
	free(d->alts);
	free(d->src);
	fnlist_done(&d->chosen);
}

void pt_vm_hostpci_result_done(struct pt_vm_hostpci_result *r)
{
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++) {
		free(r->dev[i].error);
		free(r->dev[i].sysfsdev);
		pt_strv_done(&r->dev[i].functions);
		pt_strv_done(&r->dev[i].devices);
	}
	*r = (struct pt_vm_hostpci_result){0};
}

bool pt_vm_machine_is_q35(const char *type)
{
	return type && strstr(type, "q35");
}

/* Perl's truth of a string value: "" and "0" are false. */
static bool perl_true(const char *s)
{
	return s && *s && !streq(s, "0");
}

/* Records why Proxmox refuses hostpci<i>. Returns 0 or -ENOMEM. */
static int refuse(struct ctx *c, size_t i, const char *fmt, ...) _printf_(3, 4);

static int refuse(struct ctx *c, size_t i, const char *fmt, ...)
{
	va_list ap;
	int e;

	va_start(ap, fmt);
	e = vasprintf(&c->res->dev[i].error, fmt, ap);
	va_end(ap);
	c->dev[i].failed = true;
	if (e < 0) {
		c->res->dev[i].error = NULL;
		return -ENOMEM;
	}
	return 0;
}

static const char *fn_name(const struct ctx *c, size_t fn)
{
	return c->req->fns[fn].name;
}

/*
 * SysFSTools lspci($filter): the functions whose name starts with the filter, with or without
 * the default domain 0000 before it ($id =~ m/^(0000:)?\Q$filter\E/). "01:00" is every
 * function of 0000:01:00; another domain must be written out.
 */
static bool lspci_matches(const char *name, const char *filter, size_t n)
{
	if (strncmp(name, filter, n) == 0)
		return true;
	return startswith(name, "0000:") && strncmp(name + 5, filter, n) == 0;
}

static int cmp_fn_name(const void *a, const void *b, void *fns)
{
	const struct pt_vm_host_fn *f = fns;

	return strcmp(f[*(const size_t *)a].name, f[*(const size_t *)b].name);
}

/* Appends lspci(filter) to l, sorted by name as lspci sorts: 1 if it named any, 0, -ENOMEM. */
static int lspci(const struct ctx *c, const char *filter, size_t n, struct fnlist *l)
{
	size_t first = l->n;

	for (size_t f = 0; f < c->req->nfns; f++)
		if (lspci_matches(c->req->fns[f].name, filter, n) && fnlist_add(l, f) < 0)
			return -ENOMEM;
	if (l->n == first)
		return 0;
	qsort_r(l->v + first, l->n - first, sizeof(l->v[0]), cmp_fn_name, (void *)c->req->fns);
	return 1;
}

static struct fnlist *new_alternative(struct device *d)
{
	if (!PT_GROW(d->alts, d->cap, d->nalts))
		return NULL;
	d->alts[d->nalts] = (struct fnlist){0};
	return &d->alts[d->nalts++];
}

/*
 * One alternative: its ';'-joined addresses, each lspci'd, make up one guest device (several
 * functions: a multifunction device). parse_hostpci dies at an address that names nothing.
 */
static int add_alternative(struct ctx *c, size_t i, const char *ids)
{
	struct device *d = &c->dev[i];
	struct fnlist *alt = new_alternative(d);
	const char *s = ids;

	if (!alt)
		return -ENOMEM;
	for (;;) {
		size_t n = strcspn(s, ";");
		int found = lspci(c, s, n, alt);

		if (found < 0)
			return found;
		if (found == 0)
			return refuse(c, i, "no PCI device found for '%.*s'", (int)n, s);
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

/* parse_hostpci's per-alternative rules on mdev: none with several functions; NVIDIA vGPU. */
static int check_mdev(struct ctx *c, size_t i, const struct fnlist *alt)
{
	struct device *d = &c->dev[i];
	const char *model;

	if (alt->n > 1) {
		d->multifunction = true;
		if (perl_true(d->mdev) || d->nvidia)
			return refuse(c, i, "cannot use mediated device with multifunction device");
	} else if (perl_true(d->mdev) && c->req->fns[alt->v[0]].nvidia &&
		   (model = skip_prefix(d->mdev, "nvidia-")) && *model &&
		   strspn(model, "0123456789") == strlen(model)) {
		/* kernel 6.8+ NVIDIA vGPU: a type set on a virtual function, no mdev instance */
		d->nvidia = model;
		d->mdev = NULL;
	}
	return 0;
}

/* Perl's s/0x//g; NULL on ENOMEM. */
static char *strip_0x(const char *s)
{
	struct pt_strbuf sb = {0};
	int e = 0;

	for (; *s && e >= 0; s++) {
		if (s[0] == '0' && s[1] == 'x')
			s++;
		else
			e = pt_strbuf_putc(&sb, *s);
	}
	if (e < 0) {
		pt_strbuf_done(&sb);
		return NULL;
	}
	return pt_strbuf_steal(&sb);
}

/*
 * assert_valid's comparison of one property: what the device has against what the map entry
 * says, both with every "0x" removed (the comparison is case-sensitive). NULL when they
 * agree, else the error text; *oom on ENOMEM.
 */
static char *compare_prop(const char *prop, const char *expected, const char *configured,
			  const char *path, const char *mapping, bool *oom)
{
	char *msg = NULL, *x, *y;
	int e = 0;

	if (!expected && !configured)
		return NULL;
	if (expected && !configured)
		e = asprintf(&msg, "missing expected property '%s' for device '%s'", prop, path);
	else if (!expected)
		e = asprintf(&msg, "unexpected property '%s' configured for device '%s'", prop,
			     path);
	if (!expected || !configured) {
		*oom = e < 0;
		return e < 0 ? NULL : msg;
	}
	x = strip_0x(expected);
	y = strip_0x(configured);
	if (!x || !y)
		e = -ENOMEM;
	else if (!streq(x, y))
		e = asprintf(&msg, "'%s' does not match for '%s' (%s != %s)", prop, mapping, x, y);
	*oom = e < 0;
	free(x);
	free(y);
	return e < 0 ? NULL : msg;
}

static const struct pt_vm_host_fn *find_fn(const struct ctx *c, const char *name)
{
	for (size_t f = 0; f < c->req->nfns; f++)
		if (streq(c->req->fns[f].name, name))
			return &c->req->fns[f];
	return NULL;
}

/*
 * PVE::Mapping::PCI::assert_valid for one path: the device must exist and its vendor:device,
 * IOMMU group (only checked for the entry's first path), mdev capability and subsystem IDs
 * must be what the entry says, in that (sorted) order. NULL when valid, else the text.
 */
static char *assert_path(const struct ctx *c, const struct pt_pci_mapping *m,
			 const struct pt_pci_map_entry *e, const char *path, bool first, bool *oom)
{
	const struct pt_vm_host_fn *fn = find_fn(c, path);
	char id[10], group[16], subsys[10];
	const char *props[][3] = {
		{"id", id, e->id},
		{"iommugroup", group, e->iommugroup},
		{"mdev", NULL, m->mdev ? "1" : "0"},
		{"subsystem-id", subsys, e->subsystem_id},
	};
	char *msg = NULL;

	if (!fn || !fn->has_ids) {
		*oom = asprintf(&msg, "pci device '%s' not found", path) < 0;
		return *oom ? NULL : msg;
	}
	snprintf(id, sizeof(id), "%04x:%04x", fn->vendor, fn->device);
	snprintf(group, sizeof(group), "%d", fn->iommu_group);
	snprintf(subsys, sizeof(subsys), "%04x:%04x", fn->subsys_vendor, fn->subsys_device);
	props[1][1] = fn->iommu_group >= 0 ? group : NULL;
	props[2][1] = fn->mdev || fn->nvidia ? "1" : "0";
	props[3][1] = fn->has_subsys ? subsys : NULL;
	for (size_t k = 0; k < ELEMENTSOF(props) && !msg && !*oom; k++) {
		if (k == 1 && !first)
			continue;
		msg = compare_prop(props[k][0], props[k][1], props[k][2], path, m->id, oom);
	}
	return msg;
}

/* assert_valid over an entry's paths; a function-less path is checked as its function 0. */
static char *assert_entry(const struct ctx *c, const struct pt_pci_mapping *m,
			  const struct pt_pci_map_entry *e, bool *oom)
{
	const char *s = e->path;
	char *msg = NULL;

	*oom = false;
	for (bool first = true; !msg && !*oom; first = false) {
		size_t n = strcspn(s, ";");
		char *path;

		*oom = asprintf(&path, "%.*s%s", (int)n, s, memchr(s, '.', n) ? "" : ".0") < 0;
		if (*oom)
			break;
		msg = assert_path(c, m, e, path, first, oom);
		free(path);
		if (!s[n])
			break;
		s += n + 1;
	}
	return msg;
}

static bool entry_on_node(const struct ctx *c, const struct pt_pci_map_entry *e)
{
	return c->req->node && streq(e->node, c->req->node);
}

static int add_source(struct device *d, const char *src)
{
	if (!PT_GROW(d->src, d->srccap, d->nsrc))
		return -ENOMEM;
	d->src[d->nsrc++] = src;
	return 0;
}

/* mapping=<id>: each of this node's valid entries is one alternative. */
static int mapping_sources(struct ctx *c, size_t i, const char *id)
{
	const struct pt_pci_mapping *m =
		c->req->mappings ? pt_pci_mappings_find(c->req->mappings, id) : NULL;
	size_t on_node = 0;
	int e = 0;

	for (size_t k = 0; m && k < m->nmap; k++)
		on_node += entry_on_node(c, &m->map[k]);
	if (on_node == 0)
		return refuse(c, i, "PCI device mapping not found for '%s'", id);
	c->dev[i].live_migration = m->live_migration_capable;
	for (size_t k = 0; k < m->nmap && e == 0 && !c->dev[i].failed; k++) {
		char *msg;
		bool oom;

		if (!entry_on_node(c, &m->map[k]))
			continue;
		msg = assert_entry(c, m, &m->map[k], &oom);
		if (oom)
			return -ENOMEM;
		if (msg) {
			e = refuse(c, i,
				   "PCI device mapping invalid (hardware probably changed): %s",
				   msg);
			free(msg);
			return e;
		}
		e = add_source(&c->dev[i], m->map[k].path);
	}
	return e;
}

/* parse_hostpci: the alternatives and their functions, and its refusals. */
static int parse_device(struct ctx *c, size_t i)
{
	const struct pt_hostpci_spec *s = c->dev[i].spec;
	struct device *d = &c->dev[i];
	int e;

	d->mdev = s->mdev;
	if (s->host && s->mapping)
		return refuse(c, i, "Cannot set both 'host' and 'mapping'.");
	if (s->mapping)
		e = mapping_sources(c, i, s->mapping);
	else if (s->host)
		e = add_source(d, s->host);
	else
		return refuse(c, i, "Either 'host' or 'mapping' must be set.");
	for (size_t k = 0; k < d->nsrc && e == 0 && !d->failed; k++) {
		e = add_alternative(c, i, d->src[k]);
		if (e == 0 && !d->failed)
			e = check_mdev(c, i, &d->alts[k]);
	}
	return e;
}

/* The first function's name ends in "02.0" (PCI.pm checks no more than that). */
static bool igd_address(const struct ctx *c, const struct device *d)
{
	const char *name = fn_name(c, d->alts[0].v[0]);
	size_t n = strlen(name);

	return n >= 4 && streq(name + n - 4, "02.0");
}

/* parse_hostpci_devices' checks of legacy-igd, in its order. */
static int check_legacy_igd(struct ctx *c, size_t i, bool *seen)
{
	const struct pt_hostpci_spec *s = c->dev[i].spec;
	const struct device *d = &c->dev[i];
	const char *vga = c->req->vga;

	if (*seen)
		return refuse(c, i, "only one device can be assigned in legacy-igd mode");
	*seen = true;
	if (!vga || !streq(vga, "none"))
		return refuse(c, i, "legacy IGD assignment requires VGA mode to be 'none'");
	if (s->rombar_set && !s->rombar)
		return refuse(c, i, "legacy IGD assignment requires rombar to be enabled");
	if (s->x_vga)
		return refuse(c, i, "legacy IGD assignment is not compatible with x-vga");
	if (perl_true(d->mdev) || d->nvidia)
		return refuse(c, i, "legacy IGD assignment is not compatible with mdev");
	if (c->req->q35)
		return refuse(c, i, "legacy IGD assignment is not compatible with q35");
	if (d->multifunction)
		return refuse(c, i,
			      "legacy IGD assignment is not compatible with multifunction devices");
	if (d->nalts > 1)
		return refuse(c, i,
			      "legacy IGD assignment is not compatible with alternate devices");
	if (!igd_address(c, d))
		return refuse(c, i,
			      "legacy IGD assignment only works for devices on host bus 00:02.0");
	return 0;
}

/* parse_hostpci_devices: each device in index order; Proxmox dies at the first refusal. */
static int parse_all(struct ctx *c)
{
	bool igd_seen = false;
	int e = 0;

	for (size_t i = 0; i < PT_HOSTPCI_MAX && e == 0; i++) {
		if (!c->dev[i].spec)
			continue;
		e = parse_device(c, i);
		if (e < 0 || c->dev[i].failed)
			continue;
		/* this die has no "\n": Perl appends " at .../PCI.pm line N." */
		if (c->dev[i].spec->pcie && !c->req->q35)
			e = refuse(c, i, "q35 machine model is not enabled");
		else if (c->dev[i].spec->legacy_igd)
			e = check_legacy_igd(c, i, &igd_seen);
	}
	return e;
}

static bool reserved(const struct ctx *c, size_t fn)
{
	for (size_t k = 0; k < c->req->nreserved; k++)
		if (streq(c->req->reserved[k], fn_name(c, fn)))
			return true;
	return false;
}

/* Marks an alternative's functions used; a function used already is a refusal. */
static int take(struct ctx *c, size_t i, const struct fnlist *alt)
{
	for (size_t k = 0; k < alt->n; k++) {
		if (c->used[alt->v[k]])
			return refuse(c, i, "device '%s' assigned more than once",
				      fn_name(c, alt->v[k]));
		c->used[alt->v[k]] = true;
	}
	return 0;
}

static int copy_fnlist(struct fnlist *dst, const struct fnlist *src)
{
	for (size_t k = 0; k < src->n; k++)
		if (fnlist_add(dst, src->v[k]) < 0)
			return -ENOMEM;
	return 0;
}

/* The first alternative none of whose functions is used or reserved. */
static int choose_alternative(struct ctx *c, size_t i)
{
	struct device *d = &c->dev[i];

	for (size_t a = 0; a < d->nalts; a++) {
		const struct fnlist *alt = &d->alts[a];
		bool busy = false;
		int e;

		for (size_t k = 0; k < alt->n && !busy; k++)
			busy = c->used[alt->v[k]] || reserved(c, alt->v[k]);
		if (busy)
			continue;
		e = take(c, i, alt);
		return e < 0 || d->failed ? e : copy_fnlist(&d->chosen, alt);
	}
	return refuse(c, i, "could not find a free device for 'hostpci%zu'", i);
}

/* choose_hostpci_devices: one alternative per device; mdev devices keep their candidates. */
static int choose_all(struct ctx *c)
{
	int e = 0;

	for (size_t i = 0; i < PT_HOSTPCI_MAX && e == 0; i++) {
		struct device *d = &c->dev[i];

		if (!d->spec || d->failed)
			continue;
		if (perl_true(d->mdev)) {
			for (size_t a = 0; a < d->nalts && e == 0; a++)
				e = fnlist_add(&d->chosen, d->alts[a].v[0]);
		} else if (d->nalts == 1) {
			e = take(c, i, &d->alts[0]);
			if (e == 0 && !d->failed)
				e = copy_fnlist(&d->chosen, &d->alts[0]);
		} else {
			e = choose_alternative(c, i);
		}
	}
	return e;
}

/* get_pci_addr_map: hostpci0..15 on the PCI buses (pci.0 and the bridge pci.2). */
static const struct {
	unsigned bus, addr;
} pci_addr[PT_HOSTPCI_MAX] = {
	{0, 16}, {0, 17}, {0, 27}, {0, 28}, {2, 13}, {2, 14}, {2, 15}, {2, 16},
	{2, 17}, {2, 18}, {2, 19}, {2, 20}, {2, 21}, {2, 22}, {2, 23}, {2, 24},
};

/* get_pcie_addr_map's hostpciNbus0: Windows 7 wants PCIe devices on pcie.0 itself. */
static const unsigned pcie_bus0_addr[PT_HOSTPCI_MAX] = {16, 17, 18, 19, 9,  10, 11, 12,
							13, 14, 15, 21, 22, 23, 24, 25};

/* print_pcie_root_port: ports 1-4 come from pve-q35-4.0.cfg, the others are added. */
static const char *const root_port_addr[PT_HOSTPCI_MAX] = {
	NULL,	NULL,	NULL,	NULL,	"10.0", "10.1", "10.2", "10.3",
	"10.4", "10.5", "10.6", "10.7", "11.0", "11.1", "11.2", "11.3",
};

/* qemu-server Helpers.pm windows_version: only ostype win7 is version 7. */
static bool is_win7(const struct ctx *c)
{
	return c->req->ostype && streq(c->req->ostype, "win7");
}

/* The guest address (",bus=...,addr=...") of hostpci<i>, adding a root port where needed. */
static int guest_address(struct ctx *c, size_t i, struct pt_strbuf *addr)
{
	const struct pt_hostpci_spec *s = c->dev[i].spec;

	if (s->pcie && is_win7(c))
		return pt_strbuf_printf(addr, ",bus=pcie.0,addr=0x%x", pcie_bus0_addr[i]);
	if (s->pcie) {
		if (root_port_addr[i] &&
		    pt_strv_pushf(&c->res->dev[i].devices,
				  "pcie-root-port,id=ich9-pcie-port-%zu,addr=%s,x-speed=16,"
				  "x-width=32,multifunction=on,bus=pcie.0,port=%zu,chassis=%zu",
				  i + 1, root_port_addr[i], i + 1, i + 1) < 0)
			return -ENOMEM;
		return pt_strbuf_printf(addr, ",bus=ich9-pcie-port-%zu,addr=0x0", i + 1);
	}
	if (s->legacy_igd)
		return pt_strbuf_puts(addr, ",bus=pci.0,addr=0x2");
	return pt_strbuf_printf(addr, ",bus=pci.%u,addr=0x%x", pci_addr[i].bus, pci_addr[i].addr);
}

/* What only the first function of a device carries, in print_hostpci_devices' order. */
static int first_function_options(const struct ctx *c, size_t i, bool multifunction,
				  struct pt_strbuf *sb)
{
	const struct pt_hostpci_spec *s = c->dev[i].spec;
	const char *const overrides[][2] = {
		{"vendor-id", s->vendor_id},
		{"device-id", s->device_id},
		{"sub-vendor-id", s->sub_vendor_id},
		{"sub-device-id", s->sub_device_id},
	};
	int e = 0;

	if (s->rombar_set && !s->rombar)
		e = pt_strbuf_puts(sb, ",rombar=0");
	/* x-vga=on only without OVMF: with OVMF, x-vga only hides KVM (kvm=off) */
	if (e >= 0 && s->x_vga && !c->req->ovmf)
		e = pt_strbuf_puts(sb, ",x-vga=on");
	if (e >= 0 && multifunction)
		e = pt_strbuf_puts(sb, ",multifunction=on");
	/* the name is always taken under /usr/share/kvm/, an absolute path included */
	if (e >= 0 && perl_true(s->romfile))
		e = pt_strbuf_printf(sb, ",romfile=/usr/share/kvm/%s", s->romfile);
	if (e >= 0 && c->req->bootindex[i])
		e = pt_strbuf_printf(sb, ",bootindex=%u", c->req->bootindex[i]);
	for (size_t k = 0; k < ELEMENTSOF(overrides) && e >= 0; k++)
		if (overrides[k][1])
			e = pt_strbuf_printf(sb, ",x-pci-%s=%s", overrides[k][0], overrides[k][1]);
	return e;
}

static int device_argument(struct ctx *c, size_t i, size_t j, bool multifunction, const char *addr)
{
	struct pt_vm_hostpci *out = &c->res->dev[i];
	struct pt_strbuf sb = {0};
	char mf[24] = "";
	int e;

	if (multifunction)
		snprintf(mf, sizeof(mf), ".%zu", j);
	if (out->sysfsdev)
		e = pt_strbuf_printf(&sb, "vfio-pci,sysfsdev=%s", out->sysfsdev);
	else
		e = pt_strbuf_printf(&sb, "vfio-pci,host=%s", fn_name(c, c->dev[i].chosen.v[j]));
	if (e >= 0 && c->dev[i].live_migration)
		e = pt_strbuf_puts(&sb, ",enable-migration=on");
	if (e >= 0)
		e = pt_strbuf_printf(&sb, ",id=hostpci%zu%s%s%s", i, mf, addr, mf);
	if (e >= 0 && j == 0)
		e = first_function_options(c, i, multifunction, &sb);
	if (e >= 0)
		e = pt_strv_consume(&out->devices, pt_strbuf_steal(&sb));
	pt_strbuf_done(&sb);
	return e < 0 ? -ENOMEM : 0;
}

/* print_hostpci_devices for one device that resolved. */
static int print_device(struct ctx *c, size_t i)
{
	const struct device *d = &c->dev[i];
	struct pt_vm_hostpci *out = &c->res->dev[i];
	bool mdev = perl_true(d->mdev);
	bool multifunction = d->chosen.n > 1 && !mdev;
	struct pt_strbuf addr = {0};
	int e = 0;

	for (size_t k = 0; k < d->chosen.n && e >= 0; k++)
		e = pt_strv_push(&out->functions, fn_name(c, d->chosen.v[k]));
	out->mdev_candidates = mdev;
	out->nvidia_vgpu = d->nvidia != NULL;
	/* PCI.pm generate_mdev_uuid: the index and the VM id, in decimal */
	if (e >= 0 && mdev &&
	    asprintf(&out->sysfsdev, "/sys/bus/mdev/devices/%08zu-0000-0000-0000-%012u", i,
		     c->req->vmid) < 0) {
		out->sysfsdev = NULL;
		e = -ENOMEM;
	}
	if (e >= 0)
		e = guest_address(c, i, &addr);
	for (size_t j = 0; j < d->chosen.n && e >= 0; j++) {
		e = device_argument(c, i, j, multifunction, pt_strbuf_str(&addr));
		if (mdev)
			break;
	}
	pt_strbuf_done(&addr);
	return e < 0 ? -ENOMEM : 0;
}

static void side_effects(struct ctx *c, size_t i)
{
	const struct pt_hostpci_spec *s = c->dev[i].spec;

	c->res->legacy_igd |= s->legacy_igd;
	if (!s->x_vga)
		return;
	c->res->kvm_off = true;
	c->res->gpu_passthrough = true;
	c->res->vga_none |= c->req->vga == NULL;
}

static void first_error(struct ctx *c, const bool *parse_failed)
{
	for (int pass = 0; pass < 2 && !c->res->start_error; pass++)
		for (size_t i = 0; i < PT_HOSTPCI_MAX && !c->res->start_error; i++)
			if (c->dev[i].failed && parse_failed[i] == (pass == 0))
				c->res->start_error = c->res->dev[i].error;
}

static int resolve(struct ctx *c)
{
	bool parse_failed[PT_HOSTPCI_MAX];
	int e = parse_all(c);

	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		parse_failed[i] = c->dev[i].failed;
	if (e == 0)
		e = choose_all(c);
	for (size_t i = 0; i < PT_HOSTPCI_MAX && e == 0; i++) {
		if (!c->dev[i].spec || c->dev[i].failed)
			continue;
		e = print_device(c, i);
		side_effects(c, i);
	}
	first_error(c, parse_failed);
	return e;
}

int pt_vm_hostpci_resolve(const struct pt_vm_hostpci_request *req, struct pt_vm_hostpci_result *ret)
{
	struct ctx c = {.req = req, .res = ret};
	int e = 0;

	*ret = (struct pt_vm_hostpci_result){0};
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++) {
		ret->dev[i].present = req->spec[i] != NULL;
		c.dev[i].spec = req->spec[i];
	}
	/* config_to_command starts a template from a minimal config without any hostpci */
	if (req->is_template) {
		ret->template_skipped = true;
		return 0;
	}
	c.used = calloc(req->nfns ? req->nfns : 1, sizeof(*c.used));
	if (!c.used)
		e = -ENOMEM;
	if (e == 0)
		e = resolve(&c);
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		device_done(&c.dev[i]);
	free(c.used);
	if (e < 0)
		pt_vm_hostpci_result_done(ret);
	return e;
}

int pt_vm_host_fns_from_host(const struct pt_host *h, struct pt_vm_host_fn **ret, size_t *n)
{
	const unsigned ids = PT_PCI_HAVE_VENDOR | PT_PCI_HAVE_DEVICE;
	struct pt_vm_host_fn *v = calloc(h->ndevs ? h->ndevs : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < h->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[i];

		memcpy(v[i].name, d->slot, sizeof(v[i].name));
		v[i].has_ids = (d->have & ids) == ids;
		v[i].vendor = d->vendor;
		v[i].device = d->device;
		v[i].has_subsys = d->have & PT_PCI_HAVE_SUBSYS;
		v[i].subsys_vendor = d->subsys_vendor;
		v[i].subsys_device = d->subsys_device;
		v[i].iommu_group = d->have & PT_PCI_HAVE_GROUP ? d->iommu_group : -1;
	}
	*ret = v;
	*n = h->ndevs;
	return 0;
}
