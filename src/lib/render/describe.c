/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "render/describe.h"
#include "util/strbuf.h"

char *pt_describe_class(const struct pt_pci_dev *d)
{
	struct pt_strbuf sb = {0};
	unsigned code = d->class >> 8;

	if (!(d->have & PT_PCI_HAVE_CLASS))
		return NULL;
	if (d->class_name)
		pt_strbuf_printf(&sb, "%s [%04x]", d->class_name, code);
	else
		pt_strbuf_printf(&sb, "Class [%04x]", code);
	return pt_strbuf_steal(&sb);
}

char *pt_describe_device(const struct pt_pci_dev *d)
{
	struct pt_strbuf sb = {0};
	bool v = d->have & PT_PCI_HAVE_VENDOR, dv = d->have & PT_PCI_HAVE_DEVICE;

	if (!v && !dv)
		return NULL;
	/* Unknown names read as lspci prints them: "Device 1f08", never an empty string. */
	if (d->vendor_name)
		pt_strbuf_printf(&sb, "%s ", d->vendor_name);
	if (d->device_name)
		pt_strbuf_puts(&sb, d->device_name);
	else if (dv)
		pt_strbuf_printf(&sb, "Device %04x", d->device);
	else
		pt_strbuf_puts(&sb, "Device");
	if (v && dv)
		pt_strbuf_printf(&sb, " [%04x:%04x]", d->vendor, d->device);
	return pt_strbuf_steal(&sb);
}

char *pt_describe_id(const struct pt_pci_dev *d)
{
	char buf[16];

	if ((d->have & (PT_PCI_HAVE_VENDOR | PT_PCI_HAVE_DEVICE)) !=
	    (PT_PCI_HAVE_VENDOR | PT_PCI_HAVE_DEVICE))
		return NULL;
	snprintf(buf, sizeof(buf), "%04x:%04x", d->vendor, d->device);
	return strdup(buf);
}

char *pt_describe_modules(const struct pt_pci_dev *d)
{
	struct pt_strbuf sb = {0};

	if (!(d->have & PT_PCI_HAVE_MODULES))
		return NULL;
	for (size_t i = 0; i < d->nmodules; i++)
		pt_strbuf_printf(&sb, "%s%s", i ? "," : "", d->modules[i].name);
	return pt_strbuf_steal(&sb);
}
