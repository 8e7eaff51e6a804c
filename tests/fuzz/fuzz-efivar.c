/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/efivar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = NULL;
	unsigned v;

	if (pt_efivar_string((const char *)data, size, &s) == 0) {
		/* Printable ASCII only, at most one character per UTF-16 unit. */
		assert(strlen(s) <= size / 2);
		for (const char *p = s; *p; p++)
			assert(*p >= 0x20 && *p < 0x7f);
		free(s);
	}
	if (pt_efivar_u8((const char *)data, size, &v) == 0)
		assert(v < 256);
	return 0;
}
