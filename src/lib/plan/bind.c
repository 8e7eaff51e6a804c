/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime binding planner: driver_override (docs/facts.md, "Binding a device to vfio-pci"). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/set.h"
#include "plan/bind.h"
#include "util/array.h"
#include "util/macro.h"

#define VFIO_PCI "vfio-pci"

/* ---- the state file ---- */

/* A value the file holds as one word: what the kernel names drivers with, never "-". */
static bool word_ok(const char *s)
{
	if (!s || !*s || streq(s, "-"))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static char *dup_or_null(const char *s, int *err)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*err = -ENOMEM;
	return d;
}

const struct pt_bind_saved *pt_bind_state_find(const struct pt_bind_state *s, const char *slot)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->v[i].slot, slot))
			return &s->v[i];
	return NULL;
}

int pt_bind_state_set(struct pt_bind_state *s, const char *slot, const char *driver,
		      const char *override)
{
	struct pt_bind_saved e = {0};
	int err = 0;

	if ((driver && !word_ok(driver)) || (override && !word_ok(override)) ||
	    strlen(slot) >= sizeof(e.slot))
		return -EINVAL;
	pt_bind_state_remove(s, slot);
	if (!PT_GROW(s->v, s->cap, s->n))
		return -ENOMEM;
	strcpy(e.slot, slot);
	e.driver = dup_or_null(driver, &err);
	e.override = dup_or_null(override, &err);
	if (err < 0) {
		free(e.driver);
		free(e.override);
		return err;
	}
	s->v[s->n++] = e;
	return 0;
}

bool pt_bind_state_remove(struct pt_bind_state *s, const char *slot)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!streq(s->v[i].slot, slot))
			continue;
		free(s->v[i].driver);
		free(s->v[i].override);
		memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
		s->n--;
		return true;
	}
	return false;
}

void pt_bind_state_done(struct pt_bind_state *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].driver);
		free(s->v[i].override);
	}
	free(s->v);
	*s = (struct pt_bind_state){0};
}

/* One "BDF DRIVER OVERRIDE" line into s; -EBADMSG when it is not one. */
static int parse_line(char *line, struct pt_bind_state *s)
{
	char *save = NULL, *f[4] = {0};
	struct pt_bdf b;
	char slot[PT_BDF_STRLEN];
	size_t n = 0;
	int e;

	for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		if (n < 4)
			f[n++] = t;
		else
			return -EBADMSG;
	if (n != 3 || pt_bdf_parse(f[0], strlen(f[0]), &b) < 0)
		return -EBADMSG;
	pt_bdf_format(&b, slot);
	if (pt_bind_state_find(s, slot))
		return -EBADMSG;
	e = pt_bind_state_set(s, slot, streq(f[1], "-") ? NULL : f[1],
			      streq(f[2], "-") ? NULL : f[2]);
	return e == -ENOMEM ? e : e < 0 ? -EBADMSG : 0;
}

int pt_bind_state_parse(const char *buf, size_t len, struct pt_bind_state *ret, unsigned *ret_line)
{
	struct pt_strbuf line = {0};
	size_t pos = 0;
	int e = 0;

	*ret = (struct pt_bind_state){0};
	*ret_line = 0;
	while (pos < len && e >= 0) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		++*ret_line;
		pt_strbuf_reset(&line);
		if (memchr(buf + pos, '\0', n))
			e = -EBADMSG;
		else if ((e = pt_strbuf_append(&line, buf + pos, n)) >= 0 && line.len &&
			 line.buf[strspn(line.buf, " \t")] && line.buf[0] != '#')
			e = parse_line(line.buf, ret);
		pos += n + 1;
	}
	pt_strbuf_done(&line);
	if (e < 0)
		pt_bind_state_done(ret);
	else
		*ret_line = 0;
	return e;
}

int pt_bind_state_format(const struct pt_bind_state *s, struct pt_strbuf *out)
{
	int e = 0;

	if (s->n)
		e = pt_strbuf_puts(out,
				   "# Written by passthru bind: the driver and driver_override "
				   "each device had\n# before (- = none); passthru unbind "
				   "gives them back.\n");
	for (size_t i = 0; i < s->n && e >= 0; i++)
		e = pt_strbuf_printf(out, "%s %s %s\n", s->v[i].slot,
				     s->v[i].driver ? s->v[i].driver : "-",
				     s->v[i].override ? s->v[i].override : "-");
	return e < 0 ? e : 0;
}

/* ---- the plan ---- */

struct ctx {
	const struct pt_host *h;
	const struct pt_bind_request *req;
	struct pt_bind_plan *p;
	int err; /* the first -ENOMEM */
};

static void oom_if(struct ctx *c, int e)
{
	if (e < 0 && c->err == 0)
		c->err = e;
}

static void _printf_(3, 4) pushf(struct ctx *c, struct pt_strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oom_if(c, pt_strv_vpushf(sv, fmt, ap));
	va_end(ap);
}

/* Appends the write of value to /sys/bus/pci/devices/<slot>/<attr> (attr NULL: path as is). */
static void add_write(struct ctx *c, struct pt_bind_dev *bd, const char *attr, const char *value)
{
	const struct pt_pci_dev *d = &c->h->devs[bd->idx];
	struct pt_bind_write *w = realloc(bd->writes, (bd->nwrites + 1) * sizeof(*w));
	struct pt_strbuf path = {0};

	if (!w) {
		oom_if(c, -ENOMEM);
		return;
	}
	bd->writes = w;
	if (attr)
		oom_if(c, pt_strbuf_printf(&path, "/sys/bus/pci/devices/%s/%s", d->slot, attr));
	else
		oom_if(c, pt_strbuf_puts(&path, PT_SYSFS_DRIVERS_PROBE));
	w = &bd->writes[bd->nwrites++];
	w->path = pt_strbuf_steal(&path);
	w->value = strdup(value);
	w->if_present = attr && streq(attr, "driver/unbind");
	if (!w->path || !w->value)
		oom_if(c, -ENOMEM);
}

static void want(struct ctx *c, struct pt_bind_dev *bd, enum pt_bind_want w, const char *driver,
		 const char *override)
{
	bd->want = w;
	bd->want_driver = dup_or_null(driver, &c->err);
	bd->want_override = dup_or_null(override, &c->err);
}

static bool registered(const struct pt_host *h, const char *driver)
{
	return h->pci_drivers_known && pt_strv_contains(&h->pci_drivers, driver);
}

/*
 * What keeps vfio-pci from taking d, whatever the options (linux
 * drivers/vfio/pci/vfio_pci_core.c vfio_pci_core_register_device).
 */
static void blockers(struct ctx *c, const struct pt_pci_dev *d)
{
	struct pt_strv *b = &c->p->blockers;

	if (!(d->have & PT_PCI_HAVE_DRIVER))
		pushf(c, b,
		      "%s: its driver link cannot be read: passthru does not move a device "
		      "whose binding it cannot see",
		      d->slot);
	if ((d->have & PT_PCI_HAVE_SRIOV) && d->sriov_numvfs > 0)
		pushf(c, b,
		      "%s has %u SR-IOV virtual functions enabled: vfio-pci refuses such a "
		      "physical function (linux drivers/vfio/pci/vfio_pci_core.c); write 0 to "
		      "/sys/bus/pci/devices/%s/sriov_numvfs first",
		      d->slot, d->sriov_numvfs, d->slot);
	if (c->req->op == PT_BIND_BIND && !(d->have & PT_PCI_HAVE_GROUP))
		pushf(c, b,
		      "%s is in no IOMMU group: vfio-pci takes only devices the IOMMU isolates "
		      "(is the IOMMU on? passthru check)",
		      d->slot);
}

/*
 * To vfio-pci: the override first, so that nothing else can claim the device once it is
 * unbound, then unbind, then ask the kernel to probe: vfio-pci matches any device whose
 * override names it (linux drivers/pci/pci-driver.c pci_match_device).
 */
static void bind_dev(struct ctx *c, struct pt_bind_dev *bd)
{
	const struct pt_pci_dev *d = &c->h->devs[bd->idx];
	int e;

	if (streq_ptr(bd->driver, VFIO_PCI)) {
		want(c, bd, PT_BIND_WANT_DRIVER, VFIO_PCI, bd->override);
		return;
	}
	blockers(c, d);
	want(c, bd, PT_BIND_WANT_DRIVER, VFIO_PCI, VFIO_PCI);
	if (!streq_ptr(bd->override, VFIO_PCI))
		add_write(c, bd, "driver_override", VFIO_PCI);
	if (bd->driver)
		add_write(c, bd, "driver/unbind", d->slot);
	add_write(c, bd, NULL, d->slot);
	/*
	 * An override already on vfio-pci is a bind that stopped half-way: keep what that one
	 * saved, the real previous driver. Otherwise an entry is stale (a reboot gave the device
	 * back) and the binding now is the one to give back.
	 */
	if (streq_ptr(bd->override, VFIO_PCI) && pt_bind_state_find(&c->p->state, d->slot))
		return;
	e = pt_bind_state_set(&c->p->state, d->slot, bd->driver, bd->override);
	if (e == -EINVAL) {
		pushf(c, &c->p->notes,
		      "%s: its driver_override '%s' is not a plain name: unbind will clear it "
		      "rather than restore it",
		      d->slot, bd->override);
		e = pt_bind_state_set(&c->p->state, d->slot, bd->driver, NULL);
	}
	oom_if(c, e);
	c->p->state_changed = true;
}

static void unbind_notes(struct ctx *c, const struct pt_bind_dev *bd, const struct pt_bind_saved *s)
{
	const struct pt_pci_dev *d = &c->h->devs[bd->idx];

	if (s && s->driver && c->h->pci_drivers_known && !registered(c->h, s->driver))
		pushf(c, &c->p->notes,
		      "%s: its driver before bind, %s, is not registered now (its module is not "
		      "loaded): load the module first, or the device stays without a driver",
		      d->slot, s->driver);
}

/*
 * Back from vfio-pci: the override as bind found it (cleared, or the user's), unbind, and a
 * probe unless it had no driver; the kernel then picks by the ID tables, which give the
 * device its native driver. A device on another driver keeps it.
 */
static void unbind_dev(struct ctx *c, struct pt_bind_dev *bd)
{
	const struct pt_pci_dev *d = &c->h->devs[bd->idx];
	const struct pt_bind_saved *s = pt_bind_state_find(&c->p->state, d->slot);
	bool on_vfio = streq_ptr(bd->driver, VFIO_PCI);
	const char *ov = s ? s->override : NULL;

	/* Its entry goes once it is back; a stale one (a reboot gave it back) goes too. */
	bd->saved = s != NULL;
	c->p->state_changed |= bd->saved;
	if (!on_vfio && !streq_ptr(bd->override, VFIO_PCI)) {
		want(c, bd, bd->driver ? PT_BIND_WANT_DRIVER : PT_BIND_WANT_NONE, bd->driver,
		     bd->override);
		return;
	}
	if (!(d->have & PT_PCI_HAVE_DRIVER))
		blockers(c, d);
	if (!streq_ptr(bd->override, ov))
		add_write(c, bd, "driver_override", ov ? ov : "\n");
	if (on_vfio)
		add_write(c, bd, "driver/unbind", d->slot);
	if (bd->driver && !on_vfio) {
		want(c, bd, PT_BIND_WANT_DRIVER, bd->driver, ov);
	} else if (s && !s->driver) {
		want(c, bd, PT_BIND_WANT_NONE, NULL, ov);
	} else {
		add_write(c, bd, NULL, d->slot);
		want(c, bd, s ? PT_BIND_WANT_DRIVER : PT_BIND_WANT_NOT_VFIO, s ? s->driver : NULL,
		     ov);
	}
	unbind_notes(c, bd, s);
}

/* driver_override names a driver, it loads none (linux ABI sysfs-bus-pci): load vfio-pci first. */
static void load_vfio(struct ctx *c)
{
	const struct pt_host *h = c->h;

	if (c->p->ntodo == 0 || registered(h, VFIO_PCI) ||
	    (h->builtin_known && pt_modbuiltin_has(&h->builtin, "vfio_pci")))
		return;
	oom_if(c, pt_strv_push(&c->p->pre_argv, "modprobe"));
	oom_if(c, pt_strv_push(&c->p->pre_argv, VFIO_PCI));
	c->p->pre_why = strdup(
		h->pci_drivers_known
			? "vfio-pci is not loaded (no /sys/bus/pci/drivers/vfio-pci) nor built in; "
			  "driver_override names a driver, it loads none (linux ABI sysfs-bus-pci)"
			: "whether vfio-pci is loaded is not known from this root (no "
			  "/sys/bus/pci/drivers); driver_override names a driver, it loads none "
			  "(linux ABI sysfs-bus-pci)");
	if (!c->p->pre_why)
		oom_if(c, -ENOMEM);
}

static int load_state(const struct pt_host *h, struct pt_bind_plan *p, unsigned *ret_line)
{
	const struct pt_raw_file *f = pt_host_raw_file(h, PT_BIND_STATE);

	*ret_line = 0;
	if (f && f->err != 0 && f->err != -ENOENT)
		return pt_strv_push(&p->blockers, "the state of earlier binds (" PT_BIND_STATE
						  ") cannot be read");
	if (!f || !f->data)
		return 0;
	return pt_bind_state_parse(f->data, f->len, &p->state, ret_line);
}

/* Unbind: one note for the devices bind did not move. */
static void unknown_note(struct ctx *c)
{
	struct pt_strbuf sb = {0};
	size_t n = 0;

	for (size_t i = 0; i < c->p->ndevs; i++) {
		const struct pt_bind_dev *bd = &c->p->devs[i];

		if (c->req->op != PT_BIND_UNBIND || !bd->nwrites || bd->saved)
			continue;
		oom_if(c, pt_strbuf_printf(&sb, "%s%s", n++ ? ", " : "", c->h->devs[bd->idx].slot));
	}
	if (n)
		pushf(c, &c->p->notes,
		      "%s: passthru bind did not move %s (no entry in %s): the driver before is "
		      "unknown; once vfio-pci lets go the kernel picks one by the drivers' ID "
		      "tables -- vfio-pci again where its ids= (modprobe.d, vfio-pci.ids=) names "
		      "the device",
		      pt_strbuf_str(&sb), n > 1 ? "them" : "it", PT_BIND_STATE);
	pt_strbuf_done(&sb);
}

static int devices(struct ctx *c, size_t idx)
{
	const struct pt_host *h = c->h;
	bool *in_set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*in_set));
	size_t *set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*set)), n = 0;

	c->p->devs = calloc(h->ndevs ? h->ndevs : 1, sizeof(*c->p->devs));
	if (!in_set || !set || !c->p->devs) {
		free(in_set);
		free(set);
		return -ENOMEM;
	}
	pt_vfio_set(h, idx, in_set, set, &n);
	for (size_t k = 0; k < n; k++) {
		struct pt_bind_dev *bd = &c->p->devs[c->p->ndevs++];
		const struct pt_pci_dev *d = &h->devs[set[k]];

		*bd = (struct pt_bind_dev){
			.idx = set[k], .driver = d->driver, .override = d->driver_override};
		if (c->req->op == PT_BIND_BIND)
			bind_dev(c, bd);
		else
			unbind_dev(c, bd);
		c->p->ntodo += bd->nwrites > 0;
	}
	free(in_set);
	free(set);
	unknown_note(c);
	return 0;
}

/* ---- the transaction ---- */

/* Where a list of writes leaves a device. */
struct binding {
	enum pt_dev_on on;
	const char *driver, *override;
};

static struct binding wanted(const struct pt_bind_dev *bd)
{
	switch (bd->want) {
	case PT_BIND_WANT_DRIVER:
		return (struct binding){PT_DEV_ON, bd->want_driver, bd->want_override};
	case PT_BIND_WANT_NONE:
		return (struct binding){PT_DEV_NONE, NULL, bd->want_override};
	default:
		return (struct binding){PT_DEV_OFF, VFIO_PCI, bd->want_override};
	}
}

static void txn_write(struct ctx *c, struct pt_txn_dev *d, bool undo, const char *slot,
		      const char *attr, const char *value)
{
	struct pt_strbuf path = {0};

	if (attr)
		oom_if(c, pt_strbuf_printf(&path, "/sys/bus/pci/devices/%s/%s", slot, attr));
	else
		oom_if(c, pt_strbuf_puts(&path, PT_SYSFS_DRIVERS_PROBE));
	if (path.buf)
		oom_if(c, pt_txn_dev_write(d, undo, path.buf, value,
					   attr && streq(attr, "driver/unbind")));
	pt_strbuf_done(&path);
}

/*
 * The writes that take a device from where its writes leave it (from) back to driver and
 * driver_override `to`, the way unbind gives a device back: the override first, then unbind
 * from the driver it is on and a probe, unless it is on the driver it goes back to.
 */
static void back_writes(struct ctx *c, struct pt_txn_dev *d, const struct binding *from,
			const struct binding *to)
{
	if (!streq_ptr(from->override, to->override))
		txn_write(c, d, true, d->slot, "driver_override",
			  to->override ? to->override : "\n");
	if (from->on == PT_DEV_ON && streq_ptr(from->driver, to->driver)) {
		oom_if(c, pt_txn_dev_expect(d, true, PT_DEV_ON, to->driver, to->override));
		return;
	}
	if (from->on != PT_DEV_NONE)
		txn_write(c, d, true, d->slot, "driver/unbind", d->slot);
	if (to->driver)
		txn_write(c, d, true, d->slot, NULL, d->slot);
	oom_if(c, pt_txn_dev_expect(d, true, to->driver ? PT_DEV_ON : PT_DEV_NONE, to->driver,
				    to->override));
}

/* A device's step: its writes, where they leave it, and the way back to where it is now
 * (bind: to what the state file saved for it, its driver before any bind). */
static void txn_device(struct ctx *c, const struct pt_bind_dev *bd)
{
	const struct pt_pci_dev *pd = &c->h->devs[bd->idx];
	const struct pt_bind_saved *s = pt_bind_state_find(&c->p->state, pd->slot);
	struct binding from = wanted(bd), to = {PT_DEV_ON, bd->driver, bd->override};
	struct pt_txn_dev *d;
	int i = pt_txn_add_dev(&c->p->txn, pd->slot);

	if (i < 0) {
		oom_if(c, i);
		return;
	}
	d = &c->p->txn.devs[i];
	for (size_t k = 0; k < bd->nwrites; k++)
		oom_if(c, pt_txn_dev_write(d, false, bd->writes[k].path, bd->writes[k].value,
					   bd->writes[k].if_present));
	oom_if(c, pt_txn_dev_expect(d, false, from.on, from.driver, from.override));
	if (c->p->op == PT_BIND_BIND && s)
		to = (struct binding){PT_DEV_ON, s->driver, s->override};
	back_writes(c, d, &from, &to);
	/* Writes that unbind from vfio-pci wait for a VM holding the group to let go. */
	if (pd->have & PT_PCI_HAVE_GROUP) {
		if (c->p->op == PT_BIND_BIND)
			oom_if(c, pt_groups_add(&c->p->txn.undo_idle, pd->iommu_group));
		else if (streq_ptr(bd->driver, VFIO_PCI))
			oom_if(c, pt_groups_add(&c->p->txn.idle, pd->iommu_group));
	}
}

/* The state file as the transaction leaves it: bind's entries, or unbind's without those of
 * the set's devices (they are back once the steps before the edit went through). */
static void txn_state(struct ctx *c)
{
	const struct pt_raw_file *f = pt_host_raw_file(c->h, PT_BIND_STATE);
	struct pt_bind_state left = {0};
	struct pt_strbuf sb = {0};

	for (size_t i = 0; i < c->p->state.n; i++) {
		const struct pt_bind_saved *s = &c->p->state.v[i];
		bool drop = false;

		for (size_t k = 0; c->p->op == PT_BIND_UNBIND && k < c->p->ndevs; k++)
			drop |= c->p->devs[k].saved &&
				streq(c->h->devs[c->p->devs[k].idx].slot, s->slot);
		if (!drop)
			oom_if(c, pt_bind_state_set(&left, s->slot, s->driver, s->override));
	}
	oom_if(c, pt_bind_state_format(&left, &sb));
	oom_if(c, pt_txn_add(&c->p->txn, PT_BIND_STATE, f ? f->data : NULL, f ? f->len : 0,
			     sb.len ? sb.buf : NULL, sb.len, 0644));
	pt_strbuf_done(&sb);
	pt_bind_state_done(&left);
}

/*
 * Bind: modprobe before anything; the state file before the first write, so that a bind cut
 * short still says what each device had; then the devices. Unbind: the devices, then the
 * state file, which the commit reaches only when every device is where it should be.
 */
static void build_txn(struct ctx *c)
{
	struct pt_bind_plan *p = c->p;
	bool bind = p->op == PT_BIND_BIND;

	if (p->pre_argv.n)
		oom_if(c, pt_txn_add_step_cmd(&p->txn, (const char *const *)p->pre_argv.v,
					      p->pre_why));
	if (bind && p->state_changed)
		txn_state(c);
	for (size_t i = 0; i < p->ndevs; i++)
		if (p->devs[i].nwrites)
			txn_device(c, &p->devs[i]);
	if (!bind && p->state_changed)
		txn_state(c);
	/* After bind: is each group's /dev/vfio node there, and viable? */
	for (size_t i = 0; bind && i < p->ndevs; i++) {
		const struct pt_pci_dev *d = &c->h->devs[p->devs[i].idx];

		if (d->have & PT_PCI_HAVE_GROUP)
			oom_if(c, pt_groups_add(&p->txn.viable, d->iommu_group));
	}
}

enum pt_bind_gate pt_bind_plan_gate(const struct pt_bind_plan *p, bool live)
{
	if (p->slot_blocked)
		return PT_BIND_BLOCKED;
	if (!p->ntodo)
		return PT_BIND_NOTHING;
	if (p->refused)
		return PT_BIND_REFUSED;
	return live ? PT_BIND_GO : PT_BIND_NOT_LIVE;
}

int pt_bind_plan_build(const struct pt_host *h, const struct pt_bind_request *req,
		       struct pt_bind_plan *ret, unsigned *ret_line)
{
	struct ctx c = {h, req, ret, 0};
	long idx = pt_host_dev_index(h, &req->slot);
	int e;

	*ret = (struct pt_bind_plan){.op = req->op};
	*ret_line = 0;
	if (idx < 0)
		return -ENODEV;
	if ((e = load_state(h, ret, ret_line)) < 0)
		goto out;
	/* A request vfio-pci cannot take (a bridge, the host bridge) gets no steps at all. */
	if (req->op == PT_BIND_BIND && (e = pt_plan_guards(h, (size_t)idx, "bind", &ret->blockers,
							   &ret->refusals, &ret->notes)) != 0) {
		ret->slot_blocked = e > 0;
		ret->refused = true;
		e = e > 0 ? 0 : e;
		goto out;
	}
	if ((e = devices(&c, (size_t)idx)) < 0)
		goto out;
	if (req->op == PT_BIND_BIND)
		load_vfio(&c);
	ret->refused = ret->blockers.n > 0 || (ret->refusals.n > 0 && !req->override_guards);
	if (!ret->refused && ret->ntodo)
		build_txn(&c);
	e = c.err;
out:
	if (e < 0)
		pt_bind_plan_done(ret);
	return e;
}

void pt_bind_plan_done(struct pt_bind_plan *p)
{
	for (size_t i = 0; i < p->ndevs; i++) {
		struct pt_bind_dev *bd = &p->devs[i];

		for (size_t k = 0; k < bd->nwrites; k++) {
			free(bd->writes[k].path);
			free(bd->writes[k].value);
		}
		free(bd->writes);
		free(bd->want_driver);
		free(bd->want_override);
	}
	free(p->devs);
	pt_strv_done(&p->pre_argv);
	free(p->pre_why);
	pt_bind_state_done(&p->state);
	pt_strv_done(&p->notes);
	pt_strv_done(&p->refusals);
	pt_strv_done(&p->blockers);
	pt_txn_done(&p->txn);
	*p = (struct pt_bind_plan){0};
}
