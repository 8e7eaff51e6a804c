/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI functions from /sys/bus/pci/devices (linux ABI sysfs-bus-pci, drivers/pci/pci-sysfs.c).
 * Each attribute is read once; any may be missing.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "parse/pci-config.h"
#include "util/parse-num.h"
#include "util/path.h"
#include "util/strbuf.h"

#define PCI_DEVICES pt_src_path(PT_SRC_PCI_DEVICES)
#define PCI_DRIVERS pt_src_path(PT_SRC_PCI_DRIVERS)

/*
 * Full config space of a PCIe function; unprivileged readers get 64 bytes (linux
 * drivers/pci/pci-sysfs.c pci_read_config).
 */
#define CONFIG_MAX pt_src_max(PT_SRC_PCI_DEVICES)

struct attr_path {
	char buf[PATH_MAX];
};

static const char *at(struct attr_path *p, const char *dir, const char *name)
{
	snprintf(p->buf, sizeof(p->buf), "%s/%s", dir, name);
	return p->buf;
}

/* A short, printable rendering of a bad value for the problem list. */
static void note_bad_value(struct pt_host *h, const char *path, const char *value)
{
	struct pt_strbuf sb = {0};
	size_t i;

	pt_strbuf_puts(&sb, "invalid value '");
	for (i = 0; value[i] && i < 40; i++)
		pt_strbuf_putc(&sb, (value[i] >= 0x20 && value[i] < 0x7f) ? value[i] : '?');
	pt_strbuf_puts(&sb, value[i] ? "...'" : "'");
	pt_facts_problem(h, path, pt_strbuf_str(&sb));
	pt_strbuf_done(&sb);
}

/*
 * One device being read. The directory is listed once, so attributes this kernel does not
 * have (reset_method before 5.15, boot_vga on non-VGA devices...) cost no failed open.
 */
struct dev_ctx {
	struct pt_root *r;
	struct pt_host *h;
	struct pt_pci_dev *d;
	struct pt_strv entries; /* sorted */
	bool listed;
	struct attr_path p; /* the path of the attribute being read, for messages */
};

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

static bool present(const struct dev_ctx *c, const char *name)
{
	return !c->listed ||
	       bsearch(name, c->entries.v, c->entries.n, sizeof(char *), cmp_name) != NULL;
}

static const char *path_of(struct dev_ctx *c, const char *name)
{
	return at(&c->p, c->d->sysfs_path, name);
}

/* Reads attribute name; -ENOENT when the listing shows it absent. */
static int attr(struct dev_ctx *c, const char *name, char **ret)
{
	if (!present(c, name))
		return -ENOENT;
	return pt_facts_attr(c->r, c->h, path_of(c, name), ret);
}

static bool read_hex(struct dev_ctx *c, const char *name, unsigned digits, uint32_t *ret)
{
	char *v = NULL;
	bool ok = false;

	if (attr(c, name, &v) < 0)
		return false;
	if (pt_parse_hex_attr(v, strlen(v), digits, ret) == 0)
		ok = true;
	else
		note_bad_value(c->h, c->p.buf, v);
	free(v);
	return ok;
}

static bool read_int(struct dev_ctx *c, const char *name, int64_t min, int64_t max, int64_t *ret)
{
	char *v = NULL;
	bool ok = false;

	if (attr(c, name, &v) < 0)
		return false;
	if (pt_parse_i64(v, strlen(v), min, max, ret) == 0)
		ok = true;
	else
		note_bad_value(c->h, c->p.buf, v);
	free(v);
	return ok;
}

/* The last component of a symlink target, e.g. the driver name of ".../drivers/e1000e". */
static char *link_basename(struct dev_ctx *c, const char *name, int *ret_err)
{
	char *target = NULL, *base;
	size_t len;
	int e = present(c, name) ? pt_root_readlink(c->r, path_of(c, name), &target) : -ENOENT;

	*ret_err = e;
	if (e < 0)
		return NULL;
	len = strlen(target);
	while (len > 1 && target[len - 1] == '/')
		target[--len] = '\0';
	base = strrchr(target, '/');
	base = strdup(base ? base + 1 : target);
	free(target);
	if (!base)
		*ret_err = -ENOMEM;
	return base;
}

static char *device_dir(struct pt_root *r, const char *name)
{
	struct attr_path p;
	char *target = NULL, *dir;

	/* Hand-made roots may hold the directory itself rather than a link. */
	if (pt_root_readlink(r, at(&p, PCI_DEVICES, name), &target) < 0)
		return strdup(p.buf);
	dir = pt_path_resolve_link(p.buf, target);
	free(target);
	return dir;
}

/*
 * The bridges above a device are the BDF-named directories of its sysfs path, e.g.
 * /sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0: parent 0000:00:01.0. Nearest first.
 */
static int upstream_from_path(struct pt_pci_dev *d)
{
	const char *p = d->sysfs_path, *last = strrchr(p, '/');

	while (p < last) {
		size_t len;
		struct pt_bdf b, *up;

		p += *p == '/';
		len = strcspn(p, "/");
		if (p + len <= last && pt_bdf_parse(p, len, &b) == 0) {
			up = realloc(d->upstream, (d->nupstream + 1) * sizeof(*up));
			if (!up)
				return -ENOMEM;
			memmove(up + 1, up, d->nupstream * sizeof(*up));
			up[0] = b;
			d->upstream = up;
			d->nupstream++;
		}
		p += len;
	}
	return 0;
}

static void read_identity(struct dev_ctx *c)
{
	struct pt_pci_dev *d = c->d;
	uint32_t v, sv, sd;

	if (read_hex(c, "vendor", 4, &v)) {
		d->vendor = (uint16_t)v;
		d->have |= PT_PCI_HAVE_VENDOR;
	}
	if (read_hex(c, "device", 4, &v)) {
		d->device = (uint16_t)v;
		d->have |= PT_PCI_HAVE_DEVICE;
	}
	if (read_hex(c, "subsystem_vendor", 4, &sv) && read_hex(c, "subsystem_device", 4, &sd)) {
		d->subsys_vendor = (uint16_t)sv;
		d->subsys_device = (uint16_t)sd;
		d->have |= PT_PCI_HAVE_SUBSYS;
	}
	if (read_hex(c, "class", 6, &v)) {
		d->class = v;
		d->have |= PT_PCI_HAVE_CLASS;
	}
	if (read_hex(c, "revision", 2, &v)) {
		d->revision = (uint8_t)v;
		d->have |= PT_PCI_HAVE_REVISION;
	}
	attr(c, "modalias", &d->modalias);
}

/* Unset reads "(null)" (a NULL through printf) on old kernels, "" or "\n" on new ones. */
static char *override_value(char *v)
{
	if (v && (!v[0] || streq(v, "(null)")))
		v = pt_free(v);
	return v;
}

static void read_binding(struct dev_ctx *c)
{
	struct pt_pci_dev *d = c->d;
	char *v = NULL;
	int e;

	d->driver = link_basename(c, "driver", &e);
	if (e == 0 || e == -ENOENT)
		d->have |= PT_PCI_HAVE_DRIVER;
	if (attr(c, "driver_override", &v) == 0)
		d->driver_override = override_value(v);
}

int pt_facts_pci_binding(struct pt_root *r, const char *slot, char **ret_driver,
			 char **ret_override)
{
	struct attr_path p;
	char *target = NULL, *v = NULL, *base;
	int e;

	*ret_driver = *ret_override = NULL;
	snprintf(p.buf, sizeof(p.buf), "%s/%s/driver", PCI_DEVICES, slot);
	e = pt_root_readlink(r, p.buf, &target);
	if (e < 0 && e != -ENOENT)
		return e;
	if (target) {
		base = strrchr(target, '/');
		*ret_driver = strdup(base ? base + 1 : target);
		free(target);
		if (!*ret_driver)
			return -ENOMEM;
	}
	snprintf(p.buf, sizeof(p.buf), "%s/%s/driver_override", PCI_DEVICES, slot);
	e = pt_root_read_attr(r, p.buf, &v);
	if (e < 0 && e != -ENOENT) {
		*ret_driver = pt_free(*ret_driver);
		return e;
	}
	*ret_override = override_value(v);
	return 0;
}

int pt_facts_pci_drivers(struct pt_root *r, struct pt_host *h)
{
	int e = pt_root_list(r, PCI_DRIVERS, &h->pci_drivers);

	h->pci_drivers_known = e == 0;
	if (e < 0 && e != -ENOENT && e != -ENOTDIR && e != -EACCES)
		pt_facts_problem(h, PCI_DRIVERS, strerror(-e));
	return e == -ENOMEM ? e : 0;
}

static void read_group(struct dev_ctx *c)
{
	struct pt_pci_dev *d = c->d;
	uint32_t id;
	char *g;
	int e;

	d->iommu_group = -1;
	g = link_basename(c, "iommu_group", &e);
	if (!g)
		return;
	if (pt_parse_u32(g, strlen(g), 10, &id) == 0 && id <= INT_MAX) {
		d->iommu_group = (int)id;
		d->have |= PT_PCI_HAVE_GROUP;
	} else {
		note_bad_value(c->h, c->p.buf, g);
	}
	free(g);
}

static void read_locality(struct dev_ctx *c)
{
	struct pt_pci_dev *d = c->d;
	int64_t v;

	d->numa_node = -1;
	if (read_int(c, "numa_node", -1, INT_MAX, &v)) {
		d->numa_node = (int)v;
		d->have |= PT_PCI_HAVE_NUMA;
	}
	attr(c, "local_cpulist", &d->local_cpulist);
}

static void read_reset(struct dev_ctx *c)
{
	char *v = NULL, *save = NULL;

	/* reset_method exists from Linux 5.15; empty means no method works. */
	if (attr(c, "reset_method", &v) < 0)
		return;
	c->d->have |= PT_PCI_HAVE_RESET;
	for (char *tok = strtok_r(v, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		pt_strv_push(&c->d->reset_methods, tok);
	free(v);
}

static void read_misc(struct dev_ctx *c)
{
	struct pt_pci_dev *d = c->d;
	enum pt_ftype t;
	int64_t v, total;
	char *s = NULL;

	d->boot_vga = PT_UNKNOWN;
	if (attr(c, "boot_vga", &s) == 0) {
		if (streq(s, "1") || streq(s, "0"))
			d->boot_vga = streq(s, "1") ? PT_YES : PT_NO;
		else
			note_bad_value(c->h, c->p.buf, s);
		free(s);
	}
	/*
	 * Bridges and ports carry a pci_bus/ directory (Proxmox skips such group members:
	 * pve-common SysFSTools.pm pci_dev_group_bind_to_vfio); snapshots that lack it still have
	 * the class: PCI-to-PCI bridge 0604, semi-transparent 0609.
	 */
	d->is_bridge =
		(present(c, "pci_bus") &&
		 pt_root_stat(c->r, path_of(c, "pci_bus"), true, &t) == 0 && t == PT_FTYPE_DIR) ||
		((d->have & PT_PCI_HAVE_CLASS) &&
		 ((d->class >> 8) == 0x0604 || (d->class >> 8) == 0x0609));
	if (read_int(c, "sriov_totalvfs", 0, INT_MAX, &total) &&
	    read_int(c, "sriov_numvfs", 0, INT_MAX, &v)) {
		d->sriov_totalvfs = (unsigned)total;
		d->sriov_numvfs = (unsigned)v;
		d->have |= PT_PCI_HAVE_SRIOV;
	}
}

static void read_config(struct dev_ctx *c)
{
	struct pt_pci_dev *d = c->d;
	struct pt_pci_config *cfg;
	char *buf = NULL;
	size_t len;
	int e = present(c, "config")
			? pt_root_read_file(c->r, path_of(c, "config"), CONFIG_MAX, &buf, &len)
			: -ENOENT;

	if (e < 0) {
		if (e != -ENOENT && e != -EACCES && e != -EPERM)
			pt_facts_problem(c->h, c->p.buf, strerror(-e));
		return;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (cfg && pt_pci_config_parse((const uint8_t *)buf, len, cfg) == 0) {
		d->config = cfg;
		d->config_len = len;
		d->have |= PT_PCI_HAVE_CONFIG;
	} else {
		free(cfg);
		if (len < 64)
			pt_facts_problem(c->h, c->p.buf, "shorter than a configuration header");
	}
	free(buf);
}

/* Returns the physical function's address when this is an SR-IOV virtual function. */
static bool read_physfn(struct dev_ctx *c, struct pt_bdf *ret)
{
	char *base;
	bool ok;
	int e;

	base = link_basename(c, "physfn", &e);
	if (!base)
		return false;
	ok = pt_bdf_parse(base, strlen(base), ret) == 0;
	free(base);
	return ok;
}

static int read_device(struct pt_root *r, struct pt_host *h, const char *name, struct pt_pci_dev *d)
{
	struct dev_ctx c = {.r = r, .h = h, .d = d};

	if (pt_bdf_parse(name, strlen(name), &d->bdf) < 0) {
		struct attr_path p;

		pt_facts_problem(h, at(&p, PCI_DEVICES, name), "not a PCI address; ignored");
		return 0;
	}
	pt_bdf_format(&d->bdf, d->slot);
	d->sysfs_path = device_dir(r, name);
	if (!d->sysfs_path)
		return -ENOMEM;
	d->parent = d->physfn = -1;
	if (upstream_from_path(d) < 0)
		return -ENOMEM;
	c.listed = pt_root_list(r, d->sysfs_path, &c.entries) == 0;
	d->has_physfn_bdf = read_physfn(&c, &d->physfn_bdf);
	read_identity(&c);
	read_binding(&c);
	read_group(&c);
	read_locality(&c);
	read_reset(&c);
	read_misc(&c);
	read_config(&c);
	pt_strv_done(&c.entries);
	if (!(d->have & (PT_PCI_HAVE_VENDOR | PT_PCI_HAVE_DEVICE | PT_PCI_HAVE_CLASS))) {
		struct attr_path p;

		pt_facts_problem(h, at(&p, PCI_DEVICES, name), "no readable identity attributes");
	}
	return 1;
}

static int cmp_dev(const void *a, const void *b)
{
	return pt_bdf_cmp(&((const struct pt_pci_dev *)a)->bdf,
			  &((const struct pt_pci_dev *)b)->bdf);
}

int pt_facts_pci(struct pt_root *r, struct pt_host *h)
{
	struct pt_strv names = {0};
	int e = pt_root_list(r, PCI_DEVICES, &names);

	if (e < 0) {
		/* No PCI bus at all (containers, non-PCI machines) is a fact, not an error. */
		if (e != -ENOENT && e != -ENOTDIR)
			pt_facts_problem(h, PCI_DEVICES, strerror(-e));
		return 0;
	}
	h->pci_known = true;
	h->devs = calloc(names.n ? names.n : 1, sizeof(*h->devs));
	if (!h->devs) {
		pt_strv_done(&names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < names.n && e >= 0; i++) {
		e = read_device(r, h, names.v[i], &h->devs[h->ndevs]);
		if (e > 0)
			h->ndevs++;
	}
	pt_strv_done(&names);
	if (e < 0)
		return e;
	/* Directory order is not address order once domains exceed four digits. */
	if (h->ndevs > 1)
		qsort(h->devs, h->ndevs, sizeof(*h->devs), cmp_dev);
	for (size_t i = 0; i < h->ndevs; i++) {
		struct pt_pci_dev *d = &h->devs[i];

		if (d->nupstream)
			d->parent = pt_host_dev_index(h, &d->upstream[0]);
		if (d->has_physfn_bdf)
			d->physfn = pt_host_dev_index(h, &d->physfn_bdf);
	}
	return 0;
}
