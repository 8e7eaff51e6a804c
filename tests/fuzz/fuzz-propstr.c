/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PVE property strings (parse/propstr), against the schemas pveconf judges (hostpciN's with a
 * registered format among them) and one with an alias and no optional keys. Besides "no crash": a
 * parsed item's bytes are the input's bytes at its offset (booleans aside, which are stored as
 * 1/0), one item per key, and an error is one of Proxmox's messages ending in a newline.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/propstr.h"
#include "parse/pveconf.h"
#include "util/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct pt_propstr_key drive_keys[] = {
	{.name = "volume", .alias = "file"},
	{.name = "file", .type = PT_PROPSTR_STRING, .default_key = true},
	{.name = "size", .type = PT_PROPSTR_INTEGER, .minimum = PT_PROPSTR_LIMIT(1)},
	{.name = "ro", .type = PT_PROPSTR_BOOLEAN, .optional = true},
	{.name = "n", .type = PT_PROPSTR_NUMBER, .optional = true, .max_length = 8},
};
static const struct pt_propstr_schema drive = PT_PROPSTR_SCHEMA(drive_keys);

static bool known_error(const char *m)
{
	static const char *const starts[] = {
		"duplicate key in comma-separated list property: ",
		"invalid key in comma-separated list property: ",
		"missing key in comma-separated list property\n",
		"value without key, but schema does not define a default key\n",
		"format error\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(starts); i++)
		if (strncmp(m, starts[i], strlen(starts[i])) == 0)
			return true;
	return false;
}

static void check(const struct pt_propstr_schema *schema, const char *s, size_t len)
{
	struct pt_strbuf err = {0};
	struct pt_propstr ps;
	int r = pt_propstr_parse(schema, s, len, &ps, &err);

	if (r != 0) {
		assert(r == -EINVAL && err.len > 0 && err.buf[err.len - 1] == '\n');
		assert(known_error(err.buf));
		assert(ps.n == 0 && !ps.items);
		pt_strbuf_done(&err);
		return;
	}
	assert(err.len == 0);
	for (size_t i = 0; i < ps.n; i++) {
		const struct pt_propstr_item *it = &ps.items[i];
		size_t voff = it->written ? strlen(it->written) + 1 : 0;

		assert(it->key && !it->key->alias && it->offset + it->len <= len);
		assert(!memchr(s + it->offset, ',', it->len));
		assert(pt_propstr_get(&ps, it->key->name) == it);
		for (size_t j = 0; j < i; j++)
			assert(ps.items[j].key != it->key);
		if (it->key->type == PT_PROPSTR_BOOLEAN)
			assert(it->boolean == 0 || it->boolean == 1);
		else
			assert(it->value_len <= it->len - voff &&
			       memcmp(it->value, s + it->offset + voff, it->value_len) == 0);
	}
	pt_propstr_done(&ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	if (size > 4096)
		return 0;
	check(pt_pveconf_key_schema("machine"), s, size);
	check(pt_pveconf_key_schema("vga"), s, size);
	check(pt_pveconf_key_schema("memory"), s, size);
	check(pt_pveconf_key_schema("hostpci0"), s, size);
	check(&drive, s, size);
	(void)pt_propstr_parse_boolean(s, size);
	(void)pt_propstr_is_integer(s, size);
	(void)pt_propstr_is_number(s, size);
	return 0;
}
