/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/propstr-min.h"
#include "util/array.h"
#include "util/macro.h"

void pt_propstr_min_done(struct pt_propstr_min *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

const char *pt_propstr_min_get(const struct pt_propstr_min *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (streq(p->v[i].key, key))
			return p->v[i].value;
	return NULL;
}

static int fail(char **err, const char *what, const char *key)
{
	if (asprintf(err, "%s%s", what, key) < 0) {
		*err = NULL;
		return -ENOMEM;
	}
	return -EINVAL;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\n\r\f\v", s[i]))
			return false;
	return true;
}

static int add(struct pt_propstr_min *p, size_t *cap, char *key, char *value, char **err)
{
	int e;

	if (!key || !value) {
		e = -ENOMEM;
	} else if (pt_propstr_min_get(p, key)) {
		e = fail(err, "duplicate key in comma-separated list property: ", key);
	} else if (!PT_GROW(p->v, *cap, p->n)) {
		e = -ENOMEM;
	} else {
		p->v[p->n++] = (struct pt_propstr_item){key, value};
		return 0;
	}
	free(key);
	free(value);
	return e;
}

/* One part between commas: "key=value" (split at the first '=') or a bare value. */
static int add_part(struct pt_propstr_min *p, size_t *cap, const char *s, size_t n,
		    const char *default_key, char **err)
{
	const char *eq = memchr(s, '=', n);

	if (eq && eq > s && eq + 1 < s + n)
		return add(p, cap, strndup(s, (size_t)(eq - s)),
			   strndup(eq + 1, n - (size_t)(eq - s) - 1), err);
	if (eq)
		return fail(err, "missing key or value in comma-separated list property", "");
	if (!default_key)
		return fail(err, "value without key, but schema does not define a default key", "");
	return add(p, cap, strdup(default_key), strndup(s, n), err);
}

int pt_propstr_min_split(const char *value, const char *default_key, struct pt_propstr_min *ret,
			 char **err)
{
	struct pt_propstr_min p = {0};
	size_t cap = 0;
	const char *s = value;
	int e = 0;

	*err = NULL;
	while (e == 0) {
		size_t n = strcspn(s, ",");

		if (!blank(s, n))
			e = add_part(&p, &cap, s, n, default_key, err);
		if (!s[n])
			break;
		s += n + 1;
	}
	if (e < 0) {
		pt_propstr_min_done(&p);
		return e;
	}
	*ret = p;
	return 0;
}
