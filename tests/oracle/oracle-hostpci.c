/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hostpci oracle: what passthru derives for a VM's hostpciN lines against what Proxmox's
 * own tests expect (tests/data/qemu-server, see its README.md), on the host and mapping config
 * those tests pretend to have (mock/).
 *
 *   oracle-hostpci DATADIR
 *
 *  1. every row of hostpci-cases.tsv: the row's `-device vfio-pci,...` arguments, argument
 *     for argument (a template: none at all);
 *  2. every cfg2cmd config with hostpci lines: the sequence of `vfio-pci` and
 *     `pcie-root-port` devices of its .conf.cmd (the root ports hostpci4+ with pcie=1 add);
 *  3. the reservation test of run_pci_reservation_tests.pl (mock/NOTE.md): the functions
 *     each hostpci gets when 0000:07:10.1 is reserved by another VM.
 *
 * Each comparison prints "ok ..." or "MISMATCH ..."; the exit status is 1 on any mismatch.
 * Test code: it reads its files with stdio.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "derive/vm-hostpci.h"
#include "parse/hostpci.h"
#include "parse/pci-mapping.h"
#include "util/macro.h"
#include "util/strv.h"

static const char *datadir;
static int failures, compared;
static struct pt_vm_host_fn fns[64];
static size_t nfns;
static struct pt_pci_mappings mappings;

static void mismatch(const char *what, const char *detail)
{
	printf("MISMATCH %s: %s\n", what, detail);
	failures++;
}

static char *read_file(const char *rel)
{
	char path[4096];
	FILE *f;
	char *buf = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", datadir, rel);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		exit(2);
	}
	for (;;) {
		char chunk[4096];
		size_t n = fread(chunk, 1, sizeof(chunk), f);
		char *p = realloc(buf, len + n + 1);

		if (!p)
			abort();
		buf = p;
		memcpy(buf + len, chunk, n);
		len += n;
		buf[len] = '\0';
		if (n < sizeof(chunk))
			break;
	}
	fclose(f);
	return buf;
}

/* The tab-separated fields of a line, in place; how many. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

/* mock/host-pci-devices.tsv: bdf vendor device iommu_group mdev_capable; "-" = unknown. */
static void load_host(void)
{
	char *buf = read_file("mock/host-pci-devices.tsv"), *save = NULL;
	bool header = true;

	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct pt_vm_host_fn *fn = &fns[nfns];
		char *f[5];

		if (header || split_tabs(l, f, 5) != 5) {
			header = false;
			continue;
		}
		if (nfns == ELEMENTSOF(fns))
			abort();
		snprintf(fn->name, sizeof(fn->name), "%s", f[0]);
		fn->has_ids = !streq(f[1], "-");
		fn->vendor = (uint16_t)strtoul(f[1], NULL, 16);
		fn->device = (uint16_t)strtoul(f[2], NULL, 16);
		fn->iommu_group = streq(f[3], "-") ? -1 : atoi(f[3]);
		fn->mdev = streq(f[4], "1");
		nfns++;
	}
	free(buf);
}

static void load_mappings(void)
{
	char *buf = read_file("mock/pci.cfg");

	if (pt_pci_mappings_parse(buf, strlen(buf), &mappings) < 0)
		abort();
	for (size_t i = 0; i < mappings.warnings.n; i++)
		mismatch("mock/pci.cfg", mappings.warnings.v[i]);
	free(buf);
}

/* The main section of a VM config: "key: value" lines up to the first [section]. */
struct conf {
	char *hostpci[PT_HOSTPCI_MAX];
	char *machine, *bios, *vga, *ostype, *template, *vmid;
};

static void conf_done(struct conf *c)
{
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		free(c->hostpci[i]);
	free(c->machine);
	free(c->bios);
	free(c->vga);
	free(c->ostype);
	free(c->template);
	free(c->vmid);
}

static void conf_key(struct conf *c, const char *key, const char *value)
{
	struct {
		const char *key;
		char **dst;
	} keys[] = {
		{"machine", &c->machine}, {"bios", &c->bios},	      {"vga", &c->vga},
		{"ostype", &c->ostype},	  {"template", &c->template}, {"vmid", &c->vmid},
	};
	const char *n = skip_prefix(key, "hostpci");

	if (n && *n && strspn(n, "0123456789") == strlen(n) && atoi(n) < PT_HOSTPCI_MAX) {
		c->hostpci[atoi(n)] = strdup(value);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (streq(keys[i].key, key))
			*keys[i].dst = strdup(value);
}

static void load_conf(const char *rel, struct conf *c)
{
	char *buf = read_file(rel), *save = NULL;

	*c = (struct conf){0};
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *colon = strstr(l, ": ");

		if (l[0] == '[')
			break;
		if (l[0] == '#' || !colon)
			continue;
		*colon = '\0';
		conf_key(c, l, colon + 2);
	}
	free(buf);
}

struct run {
	struct pt_hostpci_spec specs[PT_HOSTPCI_MAX];
	struct pt_vm_hostpci_request req;
	struct pt_vm_hostpci_result res;
	bool q35;
};

static void run_done(struct run *r)
{
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		pt_hostpci_spec_done(&r->specs[i]);
	pt_vm_hostpci_result_done(&r->res);
}

/* Resolves a config's hostpci lines the way the cfg2cmd harness runs them. */
static void resolve_conf(const char *rel, const struct conf *c, struct run *r,
			 const char *const *reserved, size_t nreserved)
{
	char *type = NULL, *err = NULL;

	*r = (struct run){0};
	if (c->machine && pt_machine_parse_type(c->machine, &type, &err) < 0)
		mismatch(rel, err ? err : "machine: out of memory");
	r->q35 = pt_vm_machine_is_q35(type);
	free(type);
	free(err);
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++) {
		if (!c->hostpci[i])
			continue;
		if (pt_hostpci_parse(c->hostpci[i], &r->specs[i], &err) < 0) {
			mismatch(rel, err ? err : "hostpci: out of memory");
			free(err);
			continue;
		}
		r->req.spec[i] = &r->specs[i];
	}
	r->req.q35 = r->q35;
	r->req.ovmf = c->bios && streq(c->bios, "ovmf");
	r->req.vga = c->vga;
	r->req.ostype = c->ostype;
	r->req.is_template = c->template && streq(c->template, "1");
	/* the harness parses every config as <dir>/qemu-server/8006.conf */
	r->req.vmid = c->vmid ? (unsigned)atoi(c->vmid) : 8006;
	r->req.fns = fns;
	r->req.nfns = nfns;
	r->req.mappings = &mappings;
	r->req.node = "localhost";
	r->req.reserved = reserved;
	r->req.nreserved = nreserved;
	if (pt_vm_hostpci_resolve(&r->req, &r->res) < 0)
		abort();
	if (r->res.start_error)
		mismatch(rel, r->res.start_error);
}

/* Compares two -device arguments split at ',', naming the first argument that differs. */
static void compare_device(const char *what, const char *expected, const char *actual)
{
	char *x = strdup(expected), *y = strdup(actual), *xs = NULL, *ys = NULL;
	char *a = strtok_r(x, ",", &xs), *b = strtok_r(y, ",", &ys);
	char detail[1024];
	unsigned n = 1;

	compared++;
	while (a && b && streq(a, b)) {
		a = strtok_r(NULL, ",", &xs);
		b = strtok_r(NULL, ",", &ys);
		n++;
	}
	if (a || b) {
		snprintf(detail, sizeof(detail), "argument %u: expected '%s', derived '%s' (in %s)",
			 n, a ? a : "(none)", b ? b : "(none)", actual);
		mismatch(what, detail);
	}
	free(x);
	free(y);
}

static void compare_lists(const char *what, const struct pt_strv *expected,
			  const struct pt_strv *actual)
{
	int before = failures;
	char detail[256];

	for (size_t i = 0; i < expected->n && i < actual->n; i++)
		compare_device(what, expected->v[i], actual->v[i]);
	if (expected->n != actual->n) {
		snprintf(detail, sizeof(detail), "%zu devices expected, %zu derived", expected->n,
			 actual->n);
		mismatch(what, detail);
	} else if (failures == before) {
		printf("ok %s: %zu devices\n", what, actual->n);
	}
}

/* 1. A row of hostpci-cases.tsv: file key value machine expected. */
static void check_case(char **f)
{
	const char *key = f[1], *value = f[2], *machine = f[3], *expected = f[4];
	struct pt_strv want = {0}, got = {0};
	char what[512], *copy, *save = NULL;
	struct conf c;
	struct run r;
	size_t i = (size_t)atoi(key + strlen("hostpci"));

	snprintf(what, sizeof(what), "%s %s", f[0], key);
	load_conf(f[0], &c);
	if (!c.hostpci[i] || !streq(c.hostpci[i], value))
		mismatch(what, "the row's value is not the config's");
	resolve_conf(f[0], &c, &r, NULL, 0);
	if (r.q35 != streq(machine, "q35"))
		mismatch(what, "q35 decided otherwise than the row's machine");
	if (startswith(expected, "(none: template)") && !r.res.template_skipped)
		mismatch(what, "a template, yet devices derived");
	copy = strdup(expected);
	for (char *d = strtok_r(copy, "|", &save); d && !startswith(expected, "(none");
	     d = strtok_r(NULL, "|", &save)) {
		d += strspn(d, " ");
		d[strcspn(d, " ")] = '\0';
		pt_strv_push(&want, d);
	}
	for (size_t k = 0; k < r.res.dev[i].devices.n; k++)
		if (startswith(r.res.dev[i].devices.v[k], "vfio-pci,"))
			pt_strv_push(&got, r.res.dev[i].devices.v[k]);
	compare_lists(what, &want, &got);
	pt_strv_done(&want);
	pt_strv_done(&got);
	free(copy);
	run_done(&r);
	conf_done(&c);
}

static size_t check_cases(void)
{
	char *buf = read_file("hostpci-cases.tsv"), *save = NULL;
	size_t rows = 0;
	bool header = true;

	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[5];

		if (header || split_tabs(l, f, 5) != 5) {
			header = false;
			continue;
		}
		check_case(f);
		rows++;
	}
	free(buf);
	return rows;
}

/* The -device values of a .conf.cmd (pretty-printed: one option per line), in order. */
static void cmd_devices(const char *rel, struct pt_strv *out)
{
	char *buf = read_file(rel), *save = NULL;

	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *v = l + strspn(l, " ");
		size_t n;

		v = (char *)skip_prefix(v, "-device ");
		if (!v)
			continue;
		n = strlen(v);
		if (n >= 2 && streq(v + n - 2, " \\"))
			v[n -= 2] = '\0';
		if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
			v[n - 1] = '\0';
			v++;
		}
		if (startswith(v, "vfio-pci,") || startswith(v, "pcie-root-port,"))
			pt_strv_push(out, v);
	}
	free(buf);
}

/* 2. A cfg2cmd config: every hostpci device of its expected command line, in order. */
static void check_cmd(const char *name)
{
	struct pt_strv want = {0}, got = {0};
	char rel[512], what[600];
	struct conf c;
	struct run r;

	snprintf(rel, sizeof(rel), "cfg2cmd/%s", name);
	snprintf(what, sizeof(what), "%s.cmd", rel);
	load_conf(rel, &c);
	resolve_conf(rel, &c, &r, NULL, 0);
	cmd_devices(what, &want);
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		for (size_t k = 0; k < r.res.dev[i].devices.n; k++)
			pt_strv_push(&got, r.res.dev[i].devices.v[k]);
	compare_lists(what, &want, &got);
	pt_strv_done(&want);
	pt_strv_done(&got);
	run_done(&r);
	conf_done(&c);
}

static size_t check_cmds(void)
{
	struct pt_strv names = {0};
	char dir[4096];
	struct dirent *de;
	size_t n;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/cfg2cmd", datadir);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot read %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		char cmd[4096 + 300];

		/* Some upstream configs expect an error, not a command: no .conf.cmd. */
		snprintf(cmd, sizeof(cmd), "%s/%s.cmd", dir, de->d_name);
		if (len > 5 && streq(de->d_name + len - 5, ".conf") && access(cmd, F_OK) == 0)
			pt_strv_push(&names, de->d_name);
	}
	closedir(d);
	pt_strv_sort(&names);
	n = names.n;
	for (size_t i = 0; i < n; i++)
		check_cmd(names.v[i]);
	pt_strv_done(&names);
	return n;
}

/* 3. run_pci_reservation_tests.pl, restated in mock/NOTE.md. */
static void check_reservation(void)
{
	static const char *const reserved[] = {"0000:07:10.1"};
	static const char *const want[3] = {
		"0000:07:10.0",
		"0000:01:00.4 0000:01:00.5 0000:01:00.6",
		"0000:07:10.4",
	};
	struct conf c = {.hostpci = {strdup("mapping=someNic"),
				     strdup("mapping=someGpu,mdev=some-model"),
				     strdup("mapping=someNic")}};
	struct run r;

	resolve_conf("reservation", &c, &r, reserved, ELEMENTSOF(reserved));
	for (size_t i = 0; i < 3; i++) {
		char *got = pt_strv_join(&r.res.dev[i].functions, " "), what[64];

		snprintf(what, sizeof(what), "reservation hostpci%zu", i);
		compared++;
		if (!got || !streq(got, want[i]))
			mismatch(what, got ? got : "(none)");
		else
			printf("ok %s: %s\n", what, got);
		free(got);
	}
	if (!r.res.dev[1].mdev_candidates)
		mismatch("reservation hostpci1", "not an mdev device");
	run_done(&r);
	conf_done(&c);
}

int main(int argc, char **argv)
{
	size_t rows, cmds;

	if (argc != 2) {
		fprintf(stderr, "usage: oracle-hostpci DATADIR\n");
		return 2;
	}
	datadir = argv[1];
	load_host();
	load_mappings();
	rows = check_cases();
	cmds = check_cmds();
	check_reservation();
	printf("%zu hostpci rows, %zu configs, %d comparisons, %d mismatches\n", rows, cmds,
	       compared, failures);
	/* the corpus has 29 hostpci lines in 8 configs: fewer means the data went missing */
	return failures || rows < 29 || cmds < 8 ? 1 : 0;
}
