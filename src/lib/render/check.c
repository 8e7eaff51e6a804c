/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>

#include "render/check.h"
#include "render/describe.h"
#include "render/json.h"
#include "util/strbuf.h"

/* SGR codes per severity: pass green, skip dim, info cyan, warn yellow, fail bold red. */
static const char *const sev_color[] = {"32", "2", "36", "33", "1;31"};

static void put_severity(enum pt_severity s, bool color, FILE *out)
{
	if (color)
		fprintf(out, "\033[%sm%-4s\033[0m", sev_color[s], pt_severity_name(s));
	else
		fprintf(out, "%-4s", pt_severity_name(s));
}

static void put_heading(const char *text, bool color, FILE *out)
{
	fprintf(out, color ? "\033[1m%s\033[0m\n" : "%s\n", text);
}

static void subject_heading(const struct pt_host *h, const struct pt_finding *f, bool color,
			    FILE *out)
{
	const struct pt_pci_dev *d = pt_host_find_dev(h, &f->subject);
	char slot[PT_BDF_STRLEN], *desc = d ? pt_describe_device(d) : NULL;
	struct pt_strbuf sb = {0};

	pt_strbuf_printf(&sb, "%s%s%s", pt_bdf_format(&f->subject, slot), desc ? " " : "",
			 desc ? desc : "");
	put_heading(pt_strbuf_str(&sb) ? pt_strbuf_str(&sb) : slot, color, out);
	pt_strbuf_done(&sb);
	free(desc);
}

/* The details a reader acts on; a pass or a skip is one line. */
static void put_details(const struct pt_finding *f, FILE *out)
{
	if (f->severity == PT_SEV_PASS || f->severity == PT_SEV_SKIP)
		return;
	if (f->hint)
		fprintf(out, "        hint: %s\n", f->hint);
	for (size_t e = 0; e < f->nevidence; e++)
		fprintf(out, "        evidence: %s: %s\n", f->evidence[e].path,
			f->evidence[e].value ? f->evidence[e].value : "(absent or unreadable)");
	if (f->fact)
		fprintf(out, "        fact: %s\n", f->fact);
}

static bool same_subject(const struct pt_finding *a, const struct pt_finding *b)
{
	return a->has_subject == b->has_subject &&
	       (!a->has_subject || pt_bdf_cmp(&a->subject, &b->subject) == 0);
}

static void render_text(const struct pt_host *h, const struct pt_findings *l, bool color, FILE *out)
{
	static const char *const sev_plural[] = {"pass", "skipped", "info", "warn", "fail"};

	for (size_t i = 0; i < l->n; i++) {
		const struct pt_finding *f = &l->v[i], *prev = i ? &l->v[i - 1] : NULL;

		if (!prev || prev->area != f->area) {
			if (prev)
				fputc('\n', out);
			put_heading(pt_area_name(f->area), color, out);
		}
		if (f->has_subject && (!prev || prev->area != f->area || !same_subject(prev, f)))
			subject_heading(h, f, color, out);
		fputs("  ", out);
		put_severity(f->severity, color, out);
		fprintf(out, "  %s: %s\n", f->id, f->message ? f->message : "");
		put_details(f, out);
	}
	if (l->n)
		fputc('\n', out);
	fputs("summary:", out);
	for (int s = PT_SEV_FAIL; s >= PT_SEV_PASS; s--)
		fprintf(out, " %zu %s%s", pt_findings_count(l, s), sev_plural[s],
			s == PT_SEV_PASS ? "" : ",");
	fprintf(out, " -> %s\n", pt_findings_count(l, PT_SEV_FAIL) ? "not ready" : "ready");
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *pt_json_finding(const struct pt_host *h, const struct pt_finding *f)
{
	json_object *o = json_object_new_object(), *ev = json_object_new_array(),
		    *devs = json_object_new_array();
	char slot[PT_BDF_STRLEN];

	json_object_object_add(o, "id", json_object_new_string(f->id));
	json_object_object_add(o, "severity",
			       json_object_new_string(pt_severity_name(f->severity)));
	json_object_object_add(o, "area", json_object_new_string(pt_area_name(f->area)));
	/* "subject", not "slot": only device objects carry "slot" (docs/json.md). */
	json_object_object_add(
		o, "subject",
		f->has_subject ? json_object_new_string(pt_bdf_format(&f->subject, slot)) : NULL);
	json_object_object_add(o, "message", str_or_null(f->message));
	json_object_object_add(o, "hint", str_or_null(f->hint));
	for (size_t e = 0; e < f->nevidence; e++) {
		json_object *eo = json_object_new_object();

		json_object_object_add(eo, "path", json_object_new_string(f->evidence[e].path));
		json_object_object_add(eo, "value", str_or_null(f->evidence[e].value));
		json_object_array_add(ev, eo);
	}
	json_object_object_add(o, "evidence", ev);
	json_object_object_add(o, "fact", str_or_null(f->fact));
	for (size_t k = 0; k < f->ndevices; k++)
		json_object_array_add(devs, pt_json_device(h, &h->devs[f->devices[k]]));
	json_object_object_add(o, "devices", devs);
	return o;
}

/* Every device some finding judged, once, in address order (findings are sorted). */
static json_object *subjects_json(const struct pt_host *h, const struct pt_findings *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct pt_pci_dev *d;

		if (!l->v[i].has_subject || (i && same_subject(&l->v[i - 1], &l->v[i])))
			continue;
		d = pt_host_find_dev(h, &l->v[i].subject);
		if (d)
			json_object_array_add(a, pt_json_device(h, d));
	}
	return a;
}

static int render_json(const struct pt_host *h, const struct pt_findings *l, FILE *out)
{
	json_object *doc = json_object_new_object(), *counts = json_object_new_object(),
		    *list = json_object_new_array();
	int e;

	json_object_object_add(doc, "ready",
			       json_object_new_boolean(pt_findings_count(l, PT_SEV_FAIL) == 0));
	for (int s = PT_SEV_FAIL; s >= PT_SEV_PASS; s--)
		json_object_object_add(counts, pt_severity_name(s),
				       json_object_new_int((int)pt_findings_count(l, s)));
	json_object_object_add(doc, "counts", counts);
	json_object_object_add(doc, "subjects", subjects_json(h, l));
	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(list, pt_json_finding(h, &l->v[i]));
	json_object_object_add(doc, "findings", list);
	e = pt_json_print(doc, out);
	json_object_put(doc);
	return e;
}

int pt_render_check(const struct pt_host *h, const struct pt_findings *l,
		    const struct pt_check_render_opts *o, FILE *out)
{
	if (o->json)
		return render_json(h, l, out);
	render_text(h, l, o->color, out);
	return 0;
}
