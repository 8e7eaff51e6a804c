/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "checks/finding.h"
#include "util/array.h"
#include "util/strbuf.h"

struct pt_finding *pt_findings_add(struct pt_findings *l, enum pt_area area, const char *id,
				   enum pt_severity sev, const struct pt_pci_dev *subject,
				   const char *fact)
{
	struct pt_finding *v;

	if (l->oom)
		return NULL;
	v = pt_array_grow(l->v, &l->cap, l->n, sizeof(*l->v));
	if (!v) {
		l->oom = true;
		return NULL;
	}
	l->v = v;
	v = &l->v[l->n];
	*v = (struct pt_finding){
		.id = id,
		.severity = sev,
		.area = area,
		.has_subject = subject != NULL,
		.fact = fact,
		.seq = l->n,
	};
	if (subject)
		v->subject = subject->bdf;
	l->n++;
	return v;
}

_printf_(2, 0) static char *vformat(struct pt_findings *l, const char *fmt, va_list ap)
{
	struct pt_strbuf sb = {0};

	if (pt_strbuf_vprintf(&sb, fmt, ap) < 0) {
		pt_strbuf_done(&sb);
		l->oom = true;
		return NULL;
	}
	return pt_strbuf_steal(&sb);
}

void pt_finding_message(struct pt_findings *l, struct pt_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f || l->oom)
		return;
	va_start(ap, fmt);
	free(f->message);
	f->message = vformat(l, fmt, ap);
	va_end(ap);
}

void pt_finding_hint(struct pt_findings *l, struct pt_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f || l->oom)
		return;
	va_start(ap, fmt);
	free(f->hint);
	f->hint = vformat(l, fmt, ap);
	va_end(ap);
}

void pt_finding_evidence(struct pt_findings *l, struct pt_finding *f, const char *path,
			 const char *value)
{
	struct pt_evidence *v;
	size_t cap = f ? f->nevidence : 0; /* the array is at least this big */

	if (!f || l->oom)
		return;
	v = pt_array_grow(f->evidence, &cap, f->nevidence, sizeof(*v));
	if (!v) {
		l->oom = true;
		return;
	}
	f->evidence = v;
	v[f->nevidence] = (struct pt_evidence){strdup(path), value ? strdup(value) : NULL};
	if (!v[f->nevidence].path || (value && !v[f->nevidence].value)) {
		free(v[f->nevidence].path);
		free(v[f->nevidence].value);
		l->oom = true;
		return;
	}
	f->nevidence++;
}

void pt_finding_device(struct pt_findings *l, struct pt_finding *f, size_t dev)
{
	size_t *v, cap;

	if (!f || l->oom)
		return;
	cap = f->ndevices;
	v = pt_array_grow(f->devices, &cap, f->ndevices, sizeof(*v));
	if (!v) {
		l->oom = true;
		return;
	}
	f->devices = v;
	v[f->ndevices++] = dev;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct pt_finding *a = pa, *b = pb;
	int c;

	if (a->area != b->area)
		return a->area < b->area ? -1 : 1;
	if (a->has_subject != b->has_subject)
		return a->has_subject ? 1 : -1;
	if (a->has_subject && (c = pt_bdf_cmp(&a->subject, &b->subject)) != 0)
		return c;
	if ((c = strcmp(a->id, b->id)) != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void pt_findings_sort(struct pt_findings *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_finding);
}

size_t pt_findings_count(const struct pt_findings *l, enum pt_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->v[i].severity == sev;
	return n;
}

void pt_findings_done(struct pt_findings *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct pt_finding *f = &l->v[i];

		free(f->message);
		free(f->hint);
		for (size_t e = 0; e < f->nevidence; e++) {
			free(f->evidence[e].path);
			free(f->evidence[e].value);
		}
		free(f->evidence);
		free(f->devices);
	}
	free(l->v);
	*l = (struct pt_findings){0};
}

const char *pt_severity_name(enum pt_severity s)
{
	static const char *const names[] = {"pass", "skip", "info", "warn", "fail"};

	return (unsigned)s < ELEMENTSOF(names) ? names[s] : "?";
}

const char *pt_area_name(enum pt_area a)
{
	static const char *const names[] = {"platform", "cmdline", "boot", "modules", "device"};

	return (unsigned)a < ELEMENTSOF(names) ? names[a] : "?";
}

static void add_skip(const struct pt_check *c, struct pt_findings *out)
{
	struct pt_finding *f = pt_findings_add(out, c->area, c->skip_id, PT_SEV_SKIP, NULL,
					       "DESIGN: live-only facts");

	pt_finding_message(out, f, "skipped: needs the running host, not a snapshot root");
}

int pt_checks_run_table(const struct pt_check *checks, size_t n, const struct pt_host *h,
			const struct pt_verdicts *vd, const struct pt_check_opts *o,
			struct pt_findings *out)
{
	for (size_t i = 0; i < n; i++) {
		int e;

		if (checks[i].live_only && h->mode != PT_ROOT_LIVE) {
			add_skip(&checks[i], out);
			continue;
		}
		e = checks[i].run(h, vd, o, out);
		if (e < 0)
			return e;
	}
	if (out->oom)
		return -ENOMEM;
	pt_findings_sort(out);
	return 0;
}

int pt_checks_run(const struct pt_host *h, const struct pt_verdicts *vd,
		  const struct pt_check_opts *o, struct pt_findings *out)
{
	return pt_checks_run_table(pt_checks, pt_n_checks, h, vd, o, out);
}
