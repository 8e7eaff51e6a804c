/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/cpuinfo. Checks that flags come out sorted, unique and findable, that line numbers
 * stay within the input, that the vendor matches vendor_id, and that turning every "\n" into
 * "\r\n" changes nothing (Windows line endings must be harmless).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/cpuinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sorted(const struct pt_strv *sv,
			 bool (*has)(const struct pt_cpuinfo *, const char *),
			 const struct pt_cpuinfo *c)
{
	for (size_t i = 0; i < sv->n; i++) {
		assert(sv->v[i][0] && !strpbrk(sv->v[i], " \t\r\n"));
		if (i > 0)
			assert(strcmp(sv->v[i - 1], sv->v[i]) < 0);
		assert(has(c, sv->v[i]));
	}
}

static bool same_strv(const struct pt_strv *a, const struct pt_strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_cpuinfo c, d;
	unsigned lines = 1;
	char *crlf;
	size_t n = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (pt_cpuinfo_parse((const char *)data, size, &c) < 0)
		return 0;
	check_sorted(&c.flags, pt_cpuinfo_has_flag, &c);
	check_sorted(&c.vmx_flags, pt_cpuinfo_has_vmx_flag, &c);
	assert(c.n_processors <= lines);
	assert(c.flags_differ == (c.flags_differ_line != 0) && c.flags_differ_line <= lines);
	assert(c.identity_differs == (c.identity_differs_line != 0));
	assert(c.identity_differs_line <= lines);
	assert(c.vendor == pt_cpu_vendor_from_id(c.vendor_id));
	assert(pt_cpu_vendor_to_string(c.vendor));
	if (!(c.have & PT_CPUINFO_HAVE_FLAGS))
		assert(c.flags.n == 0);

	if (size < 65536 && (crlf = malloc(2 * size + 1))) {
		for (size_t i = 0; i < size; i++) {
			if (data[i] == '\n')
				crlf[n++] = '\r';
			crlf[n++] = (char)data[i];
		}
		assert(pt_cpuinfo_parse(crlf, n, &d) == 0);
		assert(d.have == c.have && d.vendor == c.vendor);
		assert(same_str(d.vendor_id, c.vendor_id) && same_str(d.model_name, c.model_name));
		assert(d.family == c.family && d.model == c.model && d.stepping == c.stepping);
		assert(same_strv(&d.flags, &c.flags) && same_strv(&d.vmx_flags, &c.vmx_flags));
		assert(d.n_processors == c.n_processors);
		assert(d.flags_differ_line == c.flags_differ_line);
		assert(d.identity_differs_line == c.identity_differs_line);
		pt_cpuinfo_done(&d);
		free(crlf);
	}
	pt_cpuinfo_done(&c);
	return 0;
}
