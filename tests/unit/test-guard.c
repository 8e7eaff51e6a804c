/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard verdict (checks/guard.h) on the test roots: which guards, how heavy, about which
 * devices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "checks/guard.h"
#include "facts/facts.h"

struct loaded {
	struct pt_root *root;
	struct pt_host h;
	struct pt_guards g;
};

static void judge(struct loaded *l, const char *root, const char *slot)
{
	struct pt_facts_opts o = {0};
	char path[4096], *err = NULL;
	struct pt_bdf b;
	long idx;

	snprintf(path, sizeof(path), "%s/tests/roots/%s", TOP_SRCDIR, root);
	*l = (struct loaded){0};
	assert_int_equal(pt_root_open(path, &l->root, &err), 0);
	assert_int_equal(pt_facts_gather(l->root, &o, &l->h), 0);
	assert_int_equal(pt_bdf_parse_user(slot, &b), 0);
	idx = pt_host_dev_index(&l->h, &b);
	assert_true(idx >= 0);
	assert_int_equal(pt_guards_judge(&l->h, (size_t)idx, &l->g), 0);
}

static void done(struct loaded *l)
{
	pt_guards_done(&l->g);
	pt_host_done(&l->h);
	pt_root_free(l->root);
}

static void assert_guard(const struct pt_guard *g, enum pt_guard_kind kind,
			 enum pt_guard_weight weight, const char *in_message)
{
	assert_int_equal(g->kind, kind);
	assert_int_equal(g->weight, weight);
	assert_non_null(g->message);
	assert_non_null(strstr(g->message, in_message));
}

static void assert_devs(const struct loaded *l, const struct pt_guard *g, const char *want)
{
	char got[512] = "";

	for (size_t i = 0; i < g->ndevs; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
			 l->h.devs[g->devs[i]].slot);
	assert_string_equal(got, want);
}

/* The boot disk and the default-route NIC in the GPU's group: each refuses, in this order. */
static void test_host_needs(void **state)
{
	struct loaded l;

	judge(&l, "pve-host", "04:00.0");
	assert_int_equal(l.g.n, 2);
	assert_guard(&l.g.v[0], PT_GUARD_BOOT_DISK, PT_GUARD_REFUSES, "boot disk");
	assert_devs(&l, &l.g.v[0], "0000:05:00.0");
	assert_guard(&l.g.v[1], PT_GUARD_UPLINK, PT_GUARD_REFUSES, "default route");
	assert_devs(&l, &l.g.v[1], "0000:06:00.0");
	assert_string_equal(pt_guard_id(l.g.v[1].kind), "guard.default-route-nic");
	done(&l);

	/* The only display device. */
	judge(&l, "acs-host", "06:00.0");
	assert_true(l.g.n >= 1);
	assert_guard(&l.g.v[0], PT_GUARD_CONSOLE_GPU, PT_GUARD_REFUSES, "only console GPU");
	done(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_needs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
