/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/iomem: one resource per line, "start-end : name", hex addresses, two spaces of
 * indentation per nesting level (linux kernel/resource.c r_show). Read as non-root every
 * address shows as 0 (linux commit 51d7b120418e).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pt_iomem_entry {
	uint64_t start, end; /* inclusive, as printed */
	unsigned depth;	     /* 0 for top-level resources */
	long parent;	     /* index of the enclosing entry, -1 at the top */
	char *name;	     /* "0000:01:00.0", "BOOTFB", "System RAM"; may be "" */
};

struct pt_iomem {
	struct pt_iomem_entry *v;
	size_t n;
	size_t nbad;	       /* lines that are not "start-end : name" (skipped) */
	bool addresses_hidden; /* entries exist and every address is 0: read without root */
};

/* Parses the whole file. Returns 0, or -ENOMEM (ret is then empty). */
int pt_iomem_parse(const char *buf, size_t len, struct pt_iomem *ret);
void pt_iomem_done(struct pt_iomem *m);

/* Whether name is a boot framebuffer's: BOOTFB, efifb, simplefb, vesafb, simpledrm... */
bool pt_iomem_is_framebuffer(const char *name);
