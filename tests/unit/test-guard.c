/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard verdict (derive/guards.h) on the test roots: which guards, how heavy, about which
 * devices, whichever function of the slot was named: the boot display, every function of a
 * multifunction chipset slot, bridges and the host bridge.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "derive/guards.h"
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

/* Item 2: the boot display is guarded whether or not another display device stays. */
static void test_console_gpu(void **state)
{
	struct loaded l;

	judge(&l, "guide-host", "00:02.0");
	assert_int_equal(l.g.n, 1);
	assert_guard(&l.g.v[0], PT_GUARD_CONSOLE_GPU, PT_GUARD_REFUSES,
		     "the host's boot display (boot_vga=1), while 0000:01:00.0");
	assert_non_null(strstr(l.g.v[0].message, "primary display in the firmware setup"));
	done(&l);

	/* The RTX 2060 (boot_vga=0): nothing, and its own USB-C controller is no storage note. */
	judge(&l, "guide-host", "01:00.0");
	assert_int_equal(l.g.n, 0);
	done(&l);

	/* The only display device. */
	judge(&l, "acs-host", "06:00.0");
	assert_true(l.g.n >= 1);
	assert_guard(&l.g.v[0], PT_GUARD_CONSOLE_GPU, PT_GUARD_REFUSES,
		     "the host's console GPU and its only display device");
	done(&l);

	/* With the boot disk and the uplink in the group: each guard, in order. */
	judge(&l, "pve-host", "04:00.0");
	assert_int_equal(l.g.n, 3);
	assert_guard(&l.g.v[0], PT_GUARD_CONSOLE_GPU, PT_GUARD_REFUSES, "boot display");
	assert_guard(&l.g.v[1], PT_GUARD_BOOT_DISK, PT_GUARD_REFUSES, "boot disk");
	assert_guard(&l.g.v[2], PT_GUARD_UPLINK, PT_GUARD_REFUSES, "default route");
	done(&l);
}

/* Item 5: every function of the slot is judged, whichever was named. */
static void test_slot_siblings(void **state)
{
	const char *named[] = {"00:1f.0", "00:1f.3", "00:1f.6"};

	for (size_t k = 0; k < 3; k++) {
		struct loaded l;

		judge(&l, "guide-host", named[k]);
		assert_int_equal(l.g.n, 2);
		assert_guard(&l.g.v[0], PT_GUARD_CHIPSET, PT_GUARD_REFUSES, "LPC/eSPI bridge");
		assert_devs(&l, &l.g.v[0], "0000:00:1f.0 0000:00:1f.4");
		assert_guard(&l.g.v[1], PT_GUARD_MAYBE_NETWORK, PT_GUARD_NOTES,
			     "network controller 0000:00:1f.6");
		assert_devs(&l, &l.g.v[1], "0000:00:1f.6");
		done(&l);
	}
}

/* Item 6: a port or the host bridge blocks, and nothing else is judged. */
static void test_not_passable(void **state)
{
	struct loaded l;

	judge(&l, "guide-host", "00:01.0");
	assert_int_equal(l.g.n, 1);
	assert_guard(&l.g.v[0], PT_GUARD_BRIDGE, PT_GUARD_BLOCKS, "is a bridge or port");
	assert_devs(&l, &l.g.v[0], "0000:01:00.0 0000:01:00.1 0000:01:00.2 0000:01:00.3");
	assert_int_equal(l.g.v[0].below.n, 1);
	assert_string_equal(l.g.v[0].below.v[0], "01:00");
	assert_string_equal(pt_guard_id(l.g.v[0].kind), "device.bridge");
	done(&l);

	judge(&l, "guide-host", "00:00.0");
	assert_int_equal(l.g.n, 1);
	assert_guard(&l.g.v[0], PT_GUARD_HOST_BRIDGE, PT_GUARD_BLOCKS, "is the host bridge");
	assert_string_equal(pt_guard_id(l.g.v[0].kind), "device.host-bridge");
	done(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_gpu),
		cmocka_unit_test(test_slot_siblings),
		cmocka_unit_test(test_not_passable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
