/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>

#include "derive/set.h"
#include "render/check.h"
#include "render/json.h"
#include "render/verify.h"

/* The word verify prints before a line, for a finding's severity. */
static const char *verdict_word(enum pt_severity s)
{
	switch (s) {
	case PT_SEV_PASS:
		return "ok";
	case PT_SEV_WARN:
		return "warn";
	case PT_SEV_FAIL:
		return "FAIL";
	default:
		return "skip";
	}
}

bool pt_verify_ready(const struct pt_findings *l)
{
	return pt_findings_count(l, PT_SEV_FAIL) == 0;
}

static int render_text(const struct pt_findings *l, FILE *out)
{
	size_t ok = pt_findings_count(l, PT_SEV_PASS), warned = pt_findings_count(l, PT_SEV_WARN),
	       failed = pt_findings_count(l, PT_SEV_FAIL);

	for (size_t i = 0; i < l->n; i++) {
		const struct pt_finding *f = &l->v[i];

		fprintf(out, "%-4s %s", verdict_word(f->severity), f->message ? f->message : "");
		if (f->hint)
			fprintf(out, " -- %s", f->hint);
		fputc('\n', out);
	}
	fprintf(out, "\nsummary: %zu ok, %zu warnings, %zu failed, %zu skipped -> %s\n", ok, warned,
		failed, l->n - ok - warned - failed,
		failed	 ? "not ready"
		: warned ? "ready for the VM (the warnings say what a later start may meet)"
			 : "ready for the VM");
	return 0;
}

static json_object *summary_json(const struct pt_findings *l)
{
	json_object *o = json_object_new_object();
	size_t ok = pt_findings_count(l, PT_SEV_PASS), warned = pt_findings_count(l, PT_SEV_WARN),
	       failed = pt_findings_count(l, PT_SEV_FAIL);

	json_object_object_add(o, "ok", json_object_new_int64((int64_t)ok));
	json_object_object_add(o, "warnings", json_object_new_int64((int64_t)warned));
	json_object_object_add(o, "failed", json_object_new_int64((int64_t)failed));
	json_object_object_add(o, "skipped",
			       json_object_new_int64((int64_t)(l->n - ok - warned - failed)));
	return o;
}

static int render_json(const struct pt_host *h, size_t idx, const struct pt_findings *l, FILE *out)
{
	json_object *doc = json_object_new_object(), *results = json_object_new_array(),
		    *devs = json_object_new_array();
	bool *in_set = calloc(h->ndevs ? h->ndevs : 1, sizeof(*in_set));
	int e;

	if (!in_set) {
		json_object_put(doc);
		json_object_put(results);
		json_object_put(devs);
		return -ENOMEM;
	}
	pt_passthrough_set(h, idx, in_set);
	/* "subject", not "slot": only device objects carry "slot" (docs/json.md). */
	json_object_object_add(doc, "subject", json_object_new_string(h->devs[idx].slot));
	json_object_object_add(doc, "ready", json_object_new_boolean(pt_verify_ready(l)));
	json_object_object_add(doc, "summary", summary_json(l));
	for (size_t i = 0; i < h->ndevs; i++)
		if (in_set[i] && !h->devs[i].is_bridge)
			json_object_array_add(devs, pt_json_device(h, &h->devs[i]));
	json_object_object_add(doc, "devices", devs);
	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(results, pt_json_finding(h, &l->v[i]));
	json_object_object_add(doc, "results", results);
	e = pt_json_print(doc, out);
	json_object_put(doc);
	free(in_set);
	return e;
}

int pt_render_verify(const struct pt_host *h, size_t idx, const struct pt_findings *l, bool json,
		     FILE *out)
{
	return json ? render_json(h, idx, l, out) : render_text(l, out);
}
