/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device names from pci.ids through libpci, as lspci shows them. The database is the root's
 * own copy (a snapshot carries its host's, so names print as they did there), or a file the
 * user names (--pci-ids, like lspci -i). libpci never looks at hwdb, caches or the network.
 */
#include <pci/pci.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts/facts.h"

static struct pt_host *warn_host; /* libpci's callbacks carry no context */

static void PCI_PRINTF(1, 2) PCI_NONRET on_error(char *msg, ...)
{
	va_list ap;

	/* libpci calls this only when it cannot allocate memory; it must not return. */
	fputs("passthru: libpci: ", stderr);
	va_start(ap, msg);
	vfprintf(stderr, msg, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void PCI_PRINTF(1, 2) on_warning(char *msg, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	buf[strcspn(buf, "\n")] = '\0';
	if (warn_host)
		pt_facts_problem(warn_host, "pci.ids", buf);
}

static void on_debug(char *msg, ...)
{
	(void)msg;
}

/* Looks a name up, returning a copy or NULL when pci.ids does not know it. */
#define LOOKUP(a, flags, ...)                                                                    \
	({                                                                                       \
		char buf_[256];                                                                  \
		char *n_ = pci_lookup_name(a, buf_, sizeof(buf_),                                \
					   (flags) | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, \
					   __VA_ARGS__);                                         \
		n_ ? strdup(n_) : NULL;                                                          \
	})

/*
 * libpci falls back from an unknown subclass to the class name with the code appended
 * ("Unassigned class [ffff]"); the code is printed by the renderers, so drop it here.
 */
static char *class_name(struct pci_access *a, unsigned code)
{
	char suffix[16], *name = LOOKUP(a, PCI_LOOKUP_CLASS, (int)code);
	size_t len, slen;

	if (!name)
		return NULL;
	snprintf(suffix, sizeof(suffix), " [%04x]", code);
	len = strlen(name);
	slen = strlen(suffix);
	if (len > slen && strcmp(name + len - slen, suffix) == 0)
		name[len - slen] = '\0';
	return name;
}

static void name_device(struct pci_access *a, struct pt_pci_dev *d)
{
	bool vendor = d->have & PT_PCI_HAVE_VENDOR, device = d->have & PT_PCI_HAVE_DEVICE;

	if (vendor)
		d->vendor_name = LOOKUP(a, PCI_LOOKUP_VENDOR, d->vendor);
	if (vendor && device)
		d->device_name = LOOKUP(a, PCI_LOOKUP_DEVICE, d->vendor, d->device);
	if (d->have & PT_PCI_HAVE_CLASS)
		d->class_name = class_name(a, d->class >> 8);
	if (vendor && device && (d->have & PT_PCI_HAVE_SUBSYS) && d->subsys_vendor &&
	    d->subsys_vendor != 0xffff)
		d->subsys_name =
			LOOKUP(a, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
			       d->vendor, d->device, d->subsys_vendor, d->subsys_device);
}

/* Returns an fd holding the root's pci.ids, or -1. */
static int root_ids_fd(struct pt_root *r)
{
	/* The plain files first, then the compressed ones libpci also reads. */
	static const enum pt_source_id ids[] = {PT_SRC_PCI_IDS, PT_SRC_PCI_IDS_GZ};

	for (size_t k = 0; k < sizeof(ids) / sizeof(*ids); k++) {
		const struct pt_source *s = &pt_sources[ids[k]];

		for (size_t i = 0; s->list[i]; i++) {
			int fd;

			if (pt_root_export_memfd(r, s->list[i], s->max, &fd) == 0)
				return fd;
		}
	}
	return -1;
}

int pt_facts_names(struct pt_root *r, const char *pci_ids_path, struct pt_host *h)
{
	struct pci_access *a;
	char path[64];
	int fd = -1;

	if (!pci_ids_path) {
		fd = root_ids_fd(r);
		if (fd < 0)
			return 0; /* no database: names stay unknown, numbers still print */
		/* gzopen reads plain and compressed files alike through this path. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		pci_ids_path = path;
	}
	a = pci_alloc();
	if (!a) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	a->error = on_error;
	a->warning = on_warning;
	a->debug = on_debug;
	a->id_lookup_mode = 0; /* no ~/.pciids-cache, no DNS */
	pci_set_name_list_path(a, (char *)pci_ids_path, 0);
	h->names_known = true;
	warn_host = h;
	for (size_t i = 0; i < h->ndevs; i++)
		name_device(a, &h->devs[i]);
	warn_host = NULL;
	pci_set_name_list_path(a, NULL, 0);
	pci_cleanup(a);
	if (fd >= 0)
		close(fd);
	return 0;
}
