/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growable arrays: one doubling rule for every list the parsers and checks build. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Returns v grown so that element n (of size sz) fits, updating *cap; v itself when it
 * already fits; NULL on ENOMEM or overflow, with v still valid and *cap unchanged.
 */
void *pt_array_grow(void *v, size_t *cap, size_t n, size_t sz);

/* Makes room for element n of array x (capacity cap); false on ENOMEM, x then unchanged. */
#define PT_GROW(x, cap, n)                                                \
	({                                                                \
		void *_p = pt_array_grow((x), &(cap), (n), sizeof(*(x))); \
		if (_p)                                                   \
			(x) = _p;                                         \
		_p != NULL;                                               \
	})
