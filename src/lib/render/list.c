/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <json-c/json.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>

#include "derive/companions.h"
#include "derive/iommu.h"
#include "render/describe.h"
#include "render/json.h"
#include "render/list.h"
#include "util/strbuf.h"

/* One printed row: a device, or a group heading when d is NULL. */
struct row {
	const struct pt_pci_dev *d;
	int group;	    /* heading rows */
	const char *reason; /* --gpu: why the device travels with the GPU */
};

typedef char *(*cell_fn)(const struct pt_host *h, const struct row *r);

struct column {
	const char *name;
	const char *help;
	double whint;
	int flags;
	cell_fn cell;
};

static char *number(unsigned long v)
{
	struct pt_strbuf sb = {0};

	pt_strbuf_printf(&sb, "%lu", v);
	return pt_strbuf_steal(&sb);
}

static char *hex(unsigned long v, int digits)
{
	struct pt_strbuf sb = {0};

	pt_strbuf_printf(&sb, "%0*lx", digits, v);
	return pt_strbuf_steal(&sb);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *group_label(int id)
{
	struct pt_strbuf sb = {0};

	pt_strbuf_printf(&sb, "group %d", id);
	return pt_strbuf_steal(&sb);
}

static char *cell_name(const struct pt_host *h, const struct row *r)
{
	if (!r->d)
		return r->group >= 0 ? group_label(r->group) : strdup("no group");
	return strdup(r->d->slot);
}

static char *cell_slot(const struct pt_host *h, const struct row *r)
{
	return r->d ? strdup(r->d->slot) : NULL;
}

static char *cell_group(const struct pt_host *h, const struct row *r)
{
	if (!r->d)
		return r->group >= 0 ? number((unsigned long)r->group) : NULL;
	return (r->d->have & PT_PCI_HAVE_GROUP) ? number((unsigned long)r->d->iommu_group) : NULL;
}

static char *cell_class(const struct pt_host *h, const struct row *r)
{
	return r->d ? pt_describe_class(r->d) : NULL;
}

static char *cell_classid(const struct pt_host *h, const struct row *r)
{
	return r->d && (r->d->have & PT_PCI_HAVE_CLASS) ? hex(r->d->class >> 8, 4) : NULL;
}

static char *cell_vendor(const struct pt_host *h, const struct row *r)
{
	return r->d ? dup_or_null(r->d->vendor_name) : NULL;
}

static char *cell_device(const struct pt_host *h, const struct row *r)
{
	return r->d ? pt_describe_device(r->d) : NULL;
}

static char *cell_id(const struct pt_host *h, const struct row *r)
{
	return r->d ? pt_describe_id(r->d) : NULL;
}

static char *cell_subsys(const struct pt_host *h, const struct row *r)
{
	struct pt_strbuf sb = {0};

	if (!r->d || !(r->d->have & PT_PCI_HAVE_SUBSYS))
		return NULL;
	if (r->d->subsys_name)
		pt_strbuf_printf(&sb, "%s ", r->d->subsys_name);
	pt_strbuf_printf(&sb, "[%04x:%04x]", r->d->subsys_vendor, r->d->subsys_device);
	return pt_strbuf_steal(&sb);
}

static char *cell_rev(const struct pt_host *h, const struct row *r)
{
	return r->d && (r->d->have & PT_PCI_HAVE_REVISION) ? hex(r->d->revision, 2) : NULL;
}

static char *cell_driver(const struct pt_host *h, const struct row *r)
{
	return r->d ? dup_or_null(r->d->driver) : NULL;
}

static char *cell_override(const struct pt_host *h, const struct row *r)
{
	return r->d ? dup_or_null(r->d->driver_override) : NULL;
}

static char *cell_modules(const struct pt_host *h, const struct row *r)
{
	return r->d ? pt_describe_modules(r->d) : NULL;
}

static char *cell_numa(const struct pt_host *h, const struct row *r)
{
	if (!r->d || !(r->d->have & PT_PCI_HAVE_NUMA) || r->d->numa_node < 0)
		return NULL;
	return number((unsigned long)r->d->numa_node);
}

static char *cell_cpus(const struct pt_host *h, const struct row *r)
{
	return r->d ? dup_or_null(r->d->local_cpulist) : NULL;
}

static char *cell_reset(const struct pt_host *h, const struct row *r)
{
	if (!r->d || !(r->d->have & PT_PCI_HAVE_RESET))
		return NULL;
	return pt_strv_join(&r->d->reset_methods, ",");
}

static char *cell_bootvga(const struct pt_host *h, const struct row *r)
{
	if (!r->d || r->d->boot_vga == PT_UNKNOWN)
		return NULL;
	return strdup(r->d->boot_vga == PT_YES ? "yes" : "no");
}

static char *cell_parent(const struct pt_host *h, const struct row *r)
{
	char buf[PT_BDF_STRLEN];

	if (!r->d || !r->d->nupstream)
		return NULL;
	return strdup(pt_bdf_format(&r->d->upstream[0], buf));
}

static char *cell_reason(const struct pt_host *h, const struct row *r)
{
	return dup_or_null(r->reason);
}

static const struct column columns[] = {
	{"NAME", "IOMMU group, or device address in the tree", 14, SCOLS_FL_TREE, cell_name},
	{"SLOT", "PCI address (domain:bus:device.function)", 13, 0, cell_slot},
	{"GROUP", "IOMMU group number", 5, SCOLS_FL_RIGHT, cell_group},
	{"CLASS", "device class and [class code]", 0.2, 0, cell_class},
	{"CLASSID", "class code (class, subclass)", 7, 0, cell_classid},
	{"VENDOR", "vendor name", 0.1, 0, cell_vendor},
	{"DEVICE", "vendor and device names [vendor:device]", 0.3, 0, cell_device},
	{"ID", "vendor:device ID", 9, 0, cell_id},
	{"SUBSYS", "subsystem name [vendor:device]", 0.2, 0, cell_subsys},
	{"REV", "revision", 3, 0, cell_rev},
	{"DRIVER", "driver in use", 8, 0, cell_driver},
	{"OVERRIDE", "driver_override", 8, 0, cell_override},
	{"MODULES", "kernel modules whose aliases match the device", 0.1, 0, cell_modules},
	{"NUMA", "NUMA node", 4, SCOLS_FL_RIGHT, cell_numa},
	{"CPUS", "CPUs local to the device", 6, 0, cell_cpus},
	{"RESET", "reset methods, in the kernel's order", 6, 0, cell_reset},
	{"BOOTVGA", "the firmware's boot display device", 7, 0, cell_bootvga},
	{"PARENT", "upstream bridge", 13, 0, cell_parent},
	{"REASON", "--gpu: why the device goes with the display device", 0.1, 0, cell_reason},
};

static const char *const default_columns = "NAME,CLASS,DEVICE,DRIVER,MODULES";
static const char *const default_gpu_columns = "NAME,GROUP,CLASS,DEVICE,DRIVER,REASON";

void pt_render_list_columns_help(FILE *out)
{
	fputs("Columns for -o (default "
	      "NAME,CLASS,DEVICE,DRIVER,MODULES; "
	      "with --gpu NAME,GROUP,CLASS,DEVICE,DRIVER,REASON):\n",
	      out);
	for (size_t i = 0; i < sizeof(columns) / sizeof(*columns); i++)
		fprintf(out, "  %-9s %s\n", columns[i].name, columns[i].help);
}

static const struct column *find_column(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(columns) / sizeof(*columns); i++)
		if (strlen(columns[i].name) == len && strncasecmp(columns[i].name, name, len) == 0)
			return &columns[i];
	return NULL;
}

/* Resolves -o into a column list; "+A,B" appends to the defaults, as lsblk does. */
static int pick_columns(const struct pt_list_opts *o, const struct column **ret, size_t *ret_n,
			char **ret_error)
{
	const char *spec = o->columns;
	struct pt_strbuf all = {0};
	size_t n = 0;

	if (!spec || spec[0] == '+')
		pt_strbuf_puts(&all, o->gpu ? default_gpu_columns : default_columns);
	if (spec && spec[0] == '+')
		pt_strbuf_printf(&all, ",%s", spec + 1);
	else if (spec)
		pt_strbuf_puts(&all, spec);
	for (const char *p = pt_strbuf_str(&all); *p;) {
		size_t len = strcspn(p, ",");
		const struct column *c = find_column(p, len);

		if (!c || n == 32) {
			struct pt_strbuf e = {0};

			pt_strbuf_printf(&e, "unknown column '%.*s' (see --list-columns)", (int)len,
					 p);
			*ret_error = pt_strbuf_steal(&e);
			pt_strbuf_done(&all);
			return -EINVAL;
		}
		ret[n++] = c;
		p += len + (p[len] == ',');
	}
	pt_strbuf_done(&all);
	*ret_n = n;
	return n ? 0 : -EINVAL;
}

struct table {
	struct libscols_table *tb;
	const struct column **cols;
	size_t ncols;
	const struct pt_host *h;
};

static struct libscols_line *add_row(struct table *t, struct libscols_line *parent,
				     const struct row *r)
{
	struct libscols_line *ln = scols_table_new_line(t->tb, parent);

	if (!ln)
		return NULL;
	for (size_t i = 0; i < t->ncols; i++) {
		char *v = t->cols[i]->cell(t->h, r);

		if (v && scols_line_refer_data(ln, i, v) < 0)
			free(v);
	}
	return ln;
}

static void add_group_rows(struct table *t)
{
	const struct pt_host *h = t->h;

	for (size_t g = 0; g < h->ngroups; g++) {
		struct row head = {.group = h->groups[g].id};
		struct libscols_line *parent = add_row(t, NULL, &head);

		for (size_t m = 0; m < h->groups[g].nmembers; m++) {
			struct row r = {.d = &h->devs[h->groups[g].members[m]]};

			add_row(t, parent, &r);
		}
	}
	/* Devices outside any group while others have one (untranslated devices). */
	struct libscols_line *none = NULL;

	for (size_t i = 0; i < h->ndevs; i++) {
		struct row r = {.d = &h->devs[i]};

		if (h->devs[i].have & PT_PCI_HAVE_GROUP)
			continue;
		if (!none) {
			struct row head = {.group = -1};

			none = add_row(t, NULL, &head);
		}
		add_row(t, none, &r);
	}
}

static void add_flat_rows(struct table *t)
{
	for (size_t i = 0; i < t->h->ndevs; i++) {
		struct row r = {.d = &t->h->devs[i]};

		add_row(t, NULL, &r);
	}
}

static int add_gpu_rows(struct table *t, size_t *ret_count)
{
	const struct pt_host *h = t->h;
	struct pt_companion *comp = calloc(h->ndevs ? h->ndevs : 1, sizeof(*comp));
	size_t count = 0;

	if (!comp)
		return -ENOMEM;
	for (size_t i = 0; i < h->ndevs; i++) {
		struct row r = {.d = &h->devs[i], .reason = "display device"};
		struct libscols_line *parent;
		size_t n;

		if (!pt_pci_is_display(&h->devs[i]))
			continue;
		count++;
		parent = add_row(t, NULL, &r);
		n = pt_companions(h, i, comp);
		for (size_t k = 0; k < n; k++) {
			struct row c = {.d = &h->devs[comp[k].idx],
					.reason = pt_companion_reason_text(comp[k].reason)};

			add_row(t, parent, &c);
		}
	}
	free(comp);
	*ret_count = count;
	return 0;
}

static int render_table(const struct pt_host *h, const struct pt_list_opts *o, FILE *out,
			char **ret_error, size_t *ret_gpus)
{
	const struct column *cols[32];
	struct table t = {.cols = cols, .h = h};
	int e = pick_columns(o, cols, &t.ncols, ret_error);

	if (e < 0)
		return e;
	t.tb = scols_new_table();
	if (!t.tb)
		return -ENOMEM;
	scols_table_set_stream(t.tb, out);
	scols_table_enable_raw(t.tb, o->raw);
	scols_table_enable_noheadings(t.tb, o->noheadings);
	for (size_t i = 0; i < t.ncols; i++) {
		int flags = cols[i]->flags;

		if (o->raw)
			flags &= ~SCOLS_FL_TREE;
		if (!scols_table_new_column(t.tb, cols[i]->name, cols[i]->whint, flags)) {
			scols_unref_table(t.tb);
			return -ENOMEM;
		}
	}
	if (o->gpu)
		e = add_gpu_rows(&t, ret_gpus);
	else if (h->ngroups && !o->raw)
		add_group_rows(&t);
	else
		add_flat_rows(&t);
	if (e >= 0)
		scols_print_table(t.tb);
	scols_unref_table(t.tb);
	return e;
}

static int render_json(const struct pt_host *h, const struct pt_list_opts *o,
		       const struct pt_iommu_verdict *v, FILE *out, size_t *ret_gpus)
{
	json_object *doc = json_object_new_object();
	int e;

	json_object_object_add(doc, "iommu", pt_json_iommu(h, v));
	if (o->gpu)
		e = pt_json_gpus(h, doc, ret_gpus);
	else
		e = pt_json_groups(h, doc);
	if (e >= 0)
		e = pt_json_print(doc, out);
	json_object_put(doc);
	return e;
}

int pt_render_list(const struct pt_host *h, const struct pt_verdicts *vd,
		   const struct pt_list_opts *o, FILE *out, char **ret_error)
{
	const struct pt_iommu_verdict *v = &vd->iommu;
	size_t gpus = 0;
	int e;

	e = o->json ? render_json(h, o, v, out, &gpus) : render_table(h, o, out, ret_error, &gpus);
	/* The table cannot say why it has no groups; stderr keeps -r parseable. (A root without
	 * /sys/bus/pci never gets here: the CLI refuses it.) */
	if (e >= 0 && !o->json && v->reason)
		fprintf(stderr, "note: no IOMMU groups: %s\n", v->reason);
	if (e >= 0 && o->gpu && gpus == 0 && !o->json)
		fputs("note: no display devices (PCI class 03xx) on this host\n", stderr);
	return e;
}
