/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small language helpers shared by every layer. */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _unused_       __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_  __attribute__((warn_unused_result))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define PT_MIN(a, b)  ((a) < (b) ? (a) : (b))
#define PT_MAX(a, b)  ((a) > (b) ? (a) : (b))

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Frees *p and returns NULL, so callers can write `x = pt_free(x)`. */
static inline void *pt_free(void *p)
{
	free(p);
	return NULL;
}

static inline int streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline int streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static inline int startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Returns a pointer to the rest of s after prefix, or NULL when s does not start with it. */
static inline const char *skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}
