/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdlib.h>

#include "array.h"

void *pt_array_grow(void *v, size_t *cap, size_t n, size_t sz)
{
	size_t c = *cap ? *cap : 8;

	if (n < *cap)
		return v;
	while (c <= n) {
		if (c > SIZE_MAX / 2)
			return NULL;
		c *= 2;
	}
	if (c > SIZE_MAX / sz || !(v = realloc(v, c * sz)))
		return NULL;
	*cap = c;
	return v;
}
