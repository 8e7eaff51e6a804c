/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which kernel modules would claim each device: its modalias looked up in the module index
 * of the root's kernel with libkmod, as `lspci -k` and udev's modprobe do (the modalias
 * format: linux drivers/pci/pci-sysfs.c). libkmod opens paths itself, so the index files are
 * exported from the root into a private temporary directory first; it never sees the host's
 * /etc/modprobe.d or /sys.
 */
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "util/lines.h"
#include "util/strbuf.h"

static void quiet_log(void *data, int priority, const char *file, int line, const char *fn,
		      const char *format, va_list args)
{
	(void)data;
}

static void normalize(char *name)
{
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
}

/* Names of loaded modules: the first field of each /proc/modules line. */
static void read_loaded(struct pt_root *r, struct pt_host *h)
{
	struct pt_lines it;
	const char *line;
	char *buf = NULL;
	size_t len, n;

	if (pt_root_read_file(r, pt_src_path(PT_SRC_PROC_MODULES), pt_src_max(PT_SRC_PROC_MODULES),
			      &buf, &len) < 0)
		return;
	h->loaded_known = true;
	/* Up to a NUL byte: the file is text, what follows one is not. */
	it = PT_LINES_INIT(buf, strlen(buf));
	while (pt_lines_next(&it, &line, &n)) {
		n = strcspn(line, " \t\n");
		if (n)
			pt_strv_pushn(&h->loaded_modules, line, n);
	}
	pt_strv_sort(&h->loaded_modules);
	free(buf);
}

static int add_module(struct pt_pci_dev *d, const char *name, const struct pt_host *h)
{
	struct pt_module_ref *m;
	char *n = strdup(name);

	if (!n)
		return -ENOMEM;
	normalize(n);
	for (size_t i = 0; i < d->nmodules; i++)
		if (streq(d->modules[i].name, n)) {
			free(n);
			return 0;
		}
	m = realloc(d->modules, (d->nmodules + 1) * sizeof(*m));
	if (!m) {
		free(n);
		return -ENOMEM;
	}
	d->modules = m;
	m[d->nmodules++] = (struct pt_module_ref){
		.name = n,
		.builtin = h->builtin_known ? (pt_modbuiltin_has(&h->builtin, n) ? PT_YES : PT_NO)
					    : PT_UNKNOWN,
		.loaded = h->loaded_modules.n
				  ? (pt_strv_contains(&h->loaded_modules, n) ? PT_YES : PT_NO)
				  : PT_UNKNOWN,
	};
	return 0;
}

static int cmp_module(const void *a, const void *b)
{
	return strcmp(((const struct pt_module_ref *)a)->name,
		      ((const struct pt_module_ref *)b)->name);
}

static int lookup_device(struct kmod_ctx *ctx, struct pt_pci_dev *d, const struct pt_host *h)
{
	struct kmod_list *list = NULL, *it;
	int e = kmod_module_new_from_lookup(ctx, d->modalias, &list);

	if (e < 0)
		return 0; /* a malformed alias matches nothing */
	d->have |= PT_PCI_HAVE_MODULES;
	kmod_list_foreach(it, list)
	{
		struct kmod_module *mod = kmod_module_get_module(it);

		if (e >= 0)
			e = add_module(d, kmod_module_get_name(mod), h);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	if (d->nmodules > 1)
		qsort(d->modules, d->nmodules, sizeof(*d->modules), cmp_module);
	return e < 0 ? e : 0;
}

/* Whether the index (modules.dep.bin, modules.builtin.bin, aliases) knows a module name. */
static enum pt_tristate module_indexed(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL;
	bool found;

	if (kmod_module_new_from_lookup(ctx, name, &list) < 0)
		return PT_UNKNOWN;
	found = list != NULL;
	kmod_module_unref_list(list);
	return found ? PT_YES : PT_NO;
}

int pt_facts_modules(struct pt_root *r, struct pt_host *h)
{
	const char *none[] = {NULL};
	char dir[PATH_MAX], *tmpdir = NULL;
	struct kmod_ctx *ctx;
	int e;

	h->virqfd_indexed = PT_UNKNOWN;
	read_loaded(r, h);
	if (!h->kernel_release)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", pt_src_path(PT_SRC_MODULES), h->kernel_release);
	e = pt_root_export(r, dir, pt_src_module_index, pt_src_max(PT_SRC_MODULES), &tmpdir);
	if (e <= 0) {
		pt_root_export_remove(tmpdir, pt_src_module_index);
		return e == -ENOMEM ? e : 0;
	}
	/* An empty configuration list: aliases come from the index alone, not the host's /etc. */
	ctx = kmod_new(tmpdir, none);
	if (!ctx) {
		pt_root_export_remove(tmpdir, pt_src_module_index);
		return -ENOMEM;
	}
	kmod_set_log_fn(ctx, quiet_log, NULL);
	kmod_load_resources(ctx);
	h->modules_known = true;
	h->virqfd_indexed = module_indexed(ctx, "vfio_virqfd");
	e = 0;
	for (size_t i = 0; i < h->ndevs && e >= 0; i++)
		if (h->devs[i].modalias && h->devs[i].modalias[0])
			e = lookup_device(ctx, &h->devs[i], h);
	kmod_unref(ctx);
	pt_root_export_remove(tmpdir, pt_src_module_index);
	return e;
}
