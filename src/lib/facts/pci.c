/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI functions from /sys/bus/pci/devices (FACTS §1.1). Each attribute is read once. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "parse/pci-config.h"
#include "util/parse-num.h"
#include "util/path.h"
#include "util/strbuf.h"

#define PCI_DEVICES "/sys/bus/pci/devices"

/* Full config space of a PCIe function; unprivileged readers get 64 bytes (FACTS §1.1). */
#define CONFIG_MAX 4096

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

static bool read_hex(struct pt_root *r, struct pt_host *h, const char *dir, const char *name,
		     unsigned digits, uint32_t *ret)
{
	struct attr_path p;
	char *v = NULL;
	bool ok = false;

	if (pt_facts_attr(r, h, at(&p, dir, name), &v) < 0)
		return false;
	if (pt_parse_hex_attr(v, strlen(v), digits, ret) == 0)
		ok = true;
	else
		note_bad_value(h, p.buf, v);
	free(v);
	return ok;
}

static bool read_int(struct pt_root *r, struct pt_host *h, const char *dir, const char *name,
		     int64_t min, int64_t max, int64_t *ret)
{
	struct attr_path p;
	char *v = NULL;
	bool ok = false;

	if (pt_facts_attr(r, h, at(&p, dir, name), &v) < 0)
		return false;
	if (pt_parse_i64(v, strlen(v), min, max, ret) == 0)
		ok = true;
	else
		note_bad_value(h, p.buf, v);
	free(v);
	return ok;
}

/* The last component of a symlink target, e.g. the driver name of ".../drivers/e1000e". */
static char *link_basename(struct pt_root *r, const char *path, int *ret_err)
{
	char *target = NULL, *base;
	size_t len;
	int e = pt_root_readlink(r, path, &target);

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

static void read_identity(struct pt_root *r, struct pt_host *h, struct pt_pci_dev *d)
{
	const char *dir = d->sysfs_path;
	uint32_t v, sv, sd;

	if (read_hex(r, h, dir, "vendor", 4, &v)) {
		d->vendor = (uint16_t)v;
		d->have |= PT_PCI_HAVE_VENDOR;
	}
	if (read_hex(r, h, dir, "device", 4, &v)) {
		d->device = (uint16_t)v;
		d->have |= PT_PCI_HAVE_DEVICE;
	}
	if (read_hex(r, h, dir, "subsystem_vendor", 4, &sv) &&
	    read_hex(r, h, dir, "subsystem_device", 4, &sd)) {
		d->subsys_vendor = (uint16_t)sv;
		d->subsys_device = (uint16_t)sd;
		d->have |= PT_PCI_HAVE_SUBSYS;
	}
	if (read_hex(r, h, dir, "class", 6, &v)) {
		d->class = v;
		d->have |= PT_PCI_HAVE_CLASS;
	}
	if (read_hex(r, h, dir, "revision", 2, &v)) {
		d->revision = (uint8_t)v;
		d->have |= PT_PCI_HAVE_REVISION;
	}
	pt_facts_attr(r, h, at(&(struct attr_path){0}, dir, "modalias"), &d->modalias);
}

static void read_binding(struct pt_root *r, struct pt_host *h, struct pt_pci_dev *d)
{
	struct attr_path p;
	char *v = NULL;
	int e;

	d->driver = link_basename(r, at(&p, d->sysfs_path, "driver"), &e);
	if (e == 0 || e == -ENOENT)
		d->have |= PT_PCI_HAVE_DRIVER;
	/* Unset reads "(null)" (a NULL through printf) on old kernels, "" or "\n" on new ones. */
	if (pt_facts_attr(r, h, at(&p, d->sysfs_path, "driver_override"), &v) == 0) {
		if (v[0] && !streq(v, "(null)"))
			d->driver_override = v;
		else
			free(v);
	}
}

static void read_group(struct pt_root *r, struct pt_host *h, struct pt_pci_dev *d)
{
	struct attr_path p;
	char *g;
	uint32_t id;
	int e;

	d->iommu_group = -1;
	g = link_basename(r, at(&p, d->sysfs_path, "iommu_group"), &e);
	if (!g)
		return;
	if (pt_parse_u32(g, strlen(g), 10, &id) == 0 && id <= INT_MAX) {
		d->iommu_group = (int)id;
		d->have |= PT_PCI_HAVE_GROUP;
	} else {
		note_bad_value(h, p.buf, g);
	}
	free(g);
}

static void read_locality(struct pt_root *r, struct pt_host *h, struct pt_pci_dev *d)
{
	struct attr_path p;
	int64_t v;

	d->numa_node = -1;
	if (read_int(r, h, d->sysfs_path, "numa_node", -1, INT_MAX, &v)) {
		d->numa_node = (int)v;
		d->have |= PT_PCI_HAVE_NUMA;
	}
	pt_facts_attr(r, h, at(&p, d->sysfs_path, "local_cpulist"), &d->local_cpulist);
}

static void read_reset(struct pt_root *r, struct pt_host *h, struct pt_pci_dev *d)
{
	struct attr_path p;
	char *v = NULL, *save = NULL;

	/* reset_method exists from Linux 5.15; empty means no method works. */
	if (pt_facts_attr(r, h, at(&p, d->sysfs_path, "reset_method"), &v) < 0)
		return;
	d->have |= PT_PCI_HAVE_RESET;
	for (char *tok = strtok_r(v, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		pt_strv_push(&d->reset_methods, tok);
	free(v);
}

static void read_misc(struct pt_root *r, struct pt_host *h, struct pt_pci_dev *d)
{
	struct attr_path p;
	enum pt_ftype t;
	int64_t v, total;
	char *s = NULL;

	d->boot_vga = PT_UNKNOWN;
	if (pt_facts_attr(r, h, at(&p, d->sysfs_path, "boot_vga"), &s) == 0) {
		if (streq(s, "1") || streq(s, "0"))
			d->boot_vga = streq(s, "1") ? PT_YES : PT_NO;
		else
			note_bad_value(h, p.buf, s);
		free(s);
	}
	/*
	 * Bridges and ports carry a pci_bus/ directory (Proxmox skips such group members,
	 * FACTS §5.3); snapshots that lack it still have the class: PCI-to-PCI bridge 0604,
	 * semi-transparent 0609.
	 */
	d->is_bridge = (pt_root_stat(r, at(&p, d->sysfs_path, "pci_bus"), true, &t) == 0 &&
			t == PT_FTYPE_DIR) ||
		       ((d->have & PT_PCI_HAVE_CLASS) &&
			((d->class >> 8) == 0x0604 || (d->class >> 8) == 0x0609));
	if (read_int(r, h, d->sysfs_path, "sriov_totalvfs", 0, INT_MAX, &total) &&
	    read_int(r, h, d->sysfs_path, "sriov_numvfs", 0, INT_MAX, &v)) {
		d->sriov_totalvfs = (unsigned)total;
		d->sriov_numvfs = (unsigned)v;
		d->have |= PT_PCI_HAVE_SRIOV;
	}
}

static void read_config(struct pt_root *r, struct pt_host *h, struct pt_pci_dev *d)
{
	struct attr_path p;
	struct pt_pci_config *cfg;
	char *buf = NULL;
	size_t len;
	int e = pt_root_read_file(r, at(&p, d->sysfs_path, "config"), CONFIG_MAX, &buf, &len);

	if (e < 0) {
		if (e != -ENOENT && e != -EACCES && e != -EPERM)
			pt_facts_problem(h, p.buf, strerror(-e));
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
			pt_facts_problem(h, p.buf, "shorter than a configuration header");
	}
	free(buf);
}

/* Returns the physical function's address when this is an SR-IOV virtual function. */
static bool read_physfn(struct pt_root *r, const struct pt_pci_dev *d, struct pt_bdf *ret)
{
	struct attr_path p;
	char *base;
	bool ok;
	int e;

	base = link_basename(r, at(&p, d->sysfs_path, "physfn"), &e);
	if (!base)
		return false;
	ok = pt_bdf_parse(base, strlen(base), ret) == 0;
	free(base);
	return ok;
}

static int read_device(struct pt_root *r, struct pt_host *h, const char *name, struct pt_pci_dev *d)
{
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
	d->has_physfn_bdf = read_physfn(r, d, &d->physfn_bdf);
	read_identity(r, h, d);
	read_binding(r, h, d);
	read_group(r, h, d);
	read_locality(r, h, d);
	read_reset(r, h, d);
	read_misc(r, h, d);
	read_config(r, h, d);
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
