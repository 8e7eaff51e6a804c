/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>

#include "parse/efivar.h"
#include "util/strbuf.h"

#define ATTR_SIZE 4

int pt_efivar_string(const char *buf, size_t len, char **ret)
{
	struct pt_strbuf sb = {0};
	const unsigned char *p = (const unsigned char *)buf;

	if (len < ATTR_SIZE)
		return -EINVAL;
	for (size_t i = ATTR_SIZE; i + 1 < len; i += 2) {
		unsigned c = p[i] | (unsigned)p[i + 1] << 8;

		if (c == 0)
			break;
		if (pt_strbuf_putc(&sb, (c >= 0x20 && c < 0x7f) ? (char)c : '?') < 0) {
			pt_strbuf_done(&sb);
			return -ENOMEM;
		}
	}
	*ret = pt_strbuf_steal(&sb);
	return *ret ? 0 : -ENOMEM;
}

int pt_efivar_u8(const char *buf, size_t len, unsigned *ret)
{
	if (len < ATTR_SIZE + 1)
		return -EINVAL;
	*ret = (unsigned char)buf[ATTR_SIZE];
	return 0;
}
