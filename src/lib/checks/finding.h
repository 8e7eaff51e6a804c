/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Findings: what `passthru check` concludes, as data. A check is a pure function from the
 * host model to findings; renderers turn findings into text or JSON. Every finding has a
 * stable ID (public API, docs/checks.md), a severity, a one-line message, an actionable
 * hint, the evidence it was read from (path + raw value) and the fact it rests on.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "derive/verdicts.h"
#include "model/host.h"
#include "util/macro.h"

/*
 * Severities, mildest first. PASS records a check that found nothing wrong (so the user
 * sees what was looked at); SKIP a check that could not run here (a live-only fact on a
 * snapshot root); only FAIL makes `check` exit 1.
 */
enum pt_severity {
	PT_SEV_PASS,
	PT_SEV_SKIP,
	PT_SEV_INFO,
	PT_SEV_WARN,
	PT_SEV_FAIL,
};

/* Areas, in the order the report shows them. */
enum pt_area {
	PT_AREA_PLATFORM,
	PT_AREA_CMDLINE,
	PT_AREA_BOOT,
	PT_AREA_MODULES,
	PT_AREA_DEVICE,
};

struct pt_evidence {
	char *path;  /* the file read, e.g. "/sys/bus/pci/devices/0000:01:00.0/reset_method" */
	char *value; /* its raw value (trimmed); NULL when the file was absent or unreadable */
};

struct pt_finding {
	const char *id; /* "group.shared": static, documented in docs/checks.md */
	enum pt_severity severity;
	enum pt_area area;
	bool has_subject;
	struct pt_bdf subject; /* the device judged, when has_subject */
	char *message;	       /* one line, no trailing period */
	char *hint;	       /* what to do; NULL when there is nothing to do */
	const char *fact;      /* its upstream source: "linux drivers/pci/pci.c pci_acs_enabled" */
	struct pt_evidence *evidence;
	size_t nevidence;
	size_t *devices; /* other devices the finding names (indices into pt_host.devs) */
	size_t ndevices;
	size_t seq; /* order of addition: the last sort key, so sorting is deterministic */
};

/*
 * A list of findings. Adding never fails visibly: on ENOMEM the list remembers it (oom) and
 * the add helpers become no-ops, so checks read as straight-line code and the runner
 * returns -ENOMEM once at the end.
 */
struct pt_findings {
	struct pt_finding *v;
	size_t n, cap;
	bool oom;
};

/* Adds a finding; subject may be NULL (platform-wide). Returns NULL after ENOMEM. */
struct pt_finding *pt_findings_add(struct pt_findings *l, enum pt_area area, const char *id,
				   enum pt_severity sev, const struct pt_pci_dev *subject,
				   const char *fact);
/* The helpers below accept f == NULL (an earlier ENOMEM) and do nothing then. */
void pt_finding_message(struct pt_findings *l, struct pt_finding *f, const char *fmt, ...)
	_printf_(3, 4);
void pt_finding_hint(struct pt_findings *l, struct pt_finding *f, const char *fmt, ...)
	_printf_(3, 4);
/* value NULL: the file was absent or unreadable. */
void pt_finding_evidence(struct pt_findings *l, struct pt_finding *f, const char *path,
			 const char *value);
void pt_finding_device(struct pt_findings *l, struct pt_finding *f, size_t dev);

/* Sorts by area, subject (devices by address, platform-wide first), ID, order of addition. */
void pt_findings_sort(struct pt_findings *l);
/* Counts findings of severity sev. */
size_t pt_findings_count(const struct pt_findings *l, enum pt_severity sev);
void pt_findings_done(struct pt_findings *l);

const char *pt_severity_name(enum pt_severity s); /* "pass", "skip", "info", "warn", "fail" */
const char *pt_area_name(enum pt_area a);	  /* "platform", "cmdline", ... */

/* What a `check` run looks at. */
struct pt_check_opts {
	const struct pt_bdf *devices; /* --device: subjects; NULL/0: every display device */
	size_t ndevices;
};

/* One entry of the check registry. */
struct pt_check {
	const char *name; /* for tests and traces */
	enum pt_area area;
	/*
	 * Live-only checks (e.g. /dev/kvm) need facts a snapshot cannot hold (DESIGN: live-only
	 * facts). On another root the runner does not call run and adds one SKIP finding with
	 * skip_id instead.
	 */
	bool live_only;
	const char *skip_id;
	int (*run)(const struct pt_host *h, const struct pt_verdicts *vd,
		   const struct pt_check_opts *o, struct pt_findings *out);
};

/* The registry: every check `passthru check` runs, in no particular order. */
extern const struct pt_check pt_checks[];
extern const size_t pt_n_checks;

/* Runs checks[0..n) on h and sorts the result. Returns 0 or the first -errno. */
int pt_checks_run_table(const struct pt_check *checks, size_t n, const struct pt_host *h,
			const struct pt_verdicts *vd, const struct pt_check_opts *o,
			struct pt_findings *out);
/* pt_checks_run_table() over the registry. */
int pt_checks_run(const struct pt_host *h, const struct pt_verdicts *vd,
		  const struct pt_check_opts *o, struct pt_findings *out);
