/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshot redaction: MAC addresses and host names never leave the host in a snapshot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/sources.h"
#include "snapshot/capture.h"

static char *redact(const char *in, const char *hostname)
{
	size_t len = strlen(in);
	char *buf = strdup(in);

	assert_int_equal(pt_snapshot_redact(&buf, &len, hostname), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void check(const char *in, const char *hostname, const char *want)
{
	char *out = redact(in, hostname);

	assert_string_equal(out, want);
	free(out);
}

static void test_macs(void **state)
{
	/* PXELINUX prefixes the hardware type: the whole run goes. */
	check("BOOTIF=01-aa-bb-cc-dd-ee-ff ip=dhcp", NULL, "BOOTIF=XX-XX-XX-XX-XX-XX-XX ip=dhcp");
	check("hwaddr 00:1B:21:3a:4f:5e\n", NULL, "hwaddr XX:XX:XX:XX:XX:XX\n");
	/* PCI addresses and other colon runs are not MACs. */
	check("0000:00:1f.6 10000:e1:00.0", NULL, "0000:00:1f.6 10000:e1:00.0");
	check("fe80::1:2:3:4:5:6", NULL, "fe80::1:2:3:4:5:6");
	check("aa:bb:cc:dd:ee:ff:00", NULL, "XX:XX:XX:XX:XX:XX:XX");
	check("aa:bb:cc:dd:ee", NULL, "aa:bb:cc:dd:ee");
	check("aa:bb:cc:dd:ee:f", NULL, "aa:bb:cc:dd:ee:f");
	check("enx001b213a4f5e up", NULL, "enxXXXXXXXXXXXX up");
	check("enx001b213a4f5", NULL, "enx001b213a4f5");
}

static void test_hostname(void **state)
{
	check("root=/dev/mapper/pve-root nfsroot=pve:/x", "pve",
	      "root=/dev/mapper/pve-root nfsroot=REDACTED-HOSTNAME:/x");
	/* "pve" inside a kernel release or another word stays: only whole words go. */
	check("BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve", "pve",
	      "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve");
	check("node1.example.org node1 node10", "node1",
	      "REDACTED-HOSTNAME REDACTED-HOSTNAME node10");
	check("nothing to hide", NULL, "nothing to hide");
}

static void test_never_captured(void **state)
{
	for (size_t i = 0; pt_snapshot_pci_attrs[i]; i++) {
		const char *a = pt_snapshot_pci_attrs[i];

		assert_false(strcmp(a, "rom") == 0 || strncmp(a, "resource", 8) == 0 ||
			     strcmp(a, "reset") == 0 || strcmp(a, "remove") == 0 ||
			     strcmp(a, "rescan") == 0);
	}
}

/* The table of host sources: absolute paths, each spelled once, every source described. */
static void test_sources(void **state)
{
	const char *seen[256];
	size_t n = 0;

	for (size_t id = 0; id < PT_SRC_COUNT; id++) {
		const struct pt_source *s = &pt_sources[id];

		assert_true((s->path != NULL) != (s->list != NULL));
		assert_non_null(s->parser);
		for (size_t i = 0; s->path ? i < 1 : s->list[i] != NULL; i++) {
			const char *p = s->path ? s->path : s->list[i];

			assert_int_equal(p[0], '/');
			for (size_t k = 0; k < n; k++)
				assert_string_not_equal(seen[k], p);
			assert_true(n < sizeof(seen) / sizeof(*seen));
			seen[n++] = p;
		}
		/* What facts read as whole files has a size limit. */
		if (s->capture == PT_CAPTURE_FILTERED || s->capture == PT_CAPTURE_FIRST)
			assert_true(s->max > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macs),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_never_captured),
		cmocka_unit_test(test_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
