/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel command lines: /proc/cmdline, the first line of /etc/kernel/cmdline, and the evaluated
 * value of GRUB_CMDLINE_LINUX[_DEFAULT].
 *
 * Tokenised exactly as the kernel does it (linux lib/cmdline.c next_arg(), kernel/params.c
 * parse_args(), init/main.c), so that what we report is what the kernel saw:
 *  - tokens are separated by the kernel's isspace(): '\t' '\n' '\v' '\f' '\r' ' ' and also the
 *    byte 0xa0 (linux lib/ctype.c marks Latin-1 NBSP as space). A UTF-8 no-break space pasted
 *    from a web page (c2 a0) therefore splits the token and leaves a stray 0xc2 byte behind;
 *  - a double quote toggles "inside quotes" anywhere in a token and white space inside quotes
 *    does not separate. Quotes are NOT generally removed: only a quote opening the token, a
 *    quote opening the value (right after the first '='), and a quote that is the token's last
 *    byte when one of those two was present. "foo=bar baz" and foo="bar baz" both give
 *    name foo, value "bar baz"; foo=a"b c"d keeps its quotes in the value. There is no escape;
 *  - an unclosed quote makes the token run to the end of the input, spaces included; the kernel
 *    does not complain, we set ->unterminated;
 *  - the first '=' at position >= 1 of the (quote-stripped) token separates name and value; a
 *    token without one has no value (value == NULL), unlike "foo=" (value == "");
 *  - a token whose name is "--" and that has no value ends the kernel's parameters: everything
 *    after it is passed to init (kernel/params.c parse_args() "Stop at --"). "\"--\"" counts too.
 *
 * Embedded NUL bytes: rejected with -EINVAL (the kernel's string would end there; such a file is
 * not something to edit).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"
#include "util/strv.h"

struct pt_cmdline_param {
	char *name;	   /* as the kernel sees it (quotes removed as above) */
	char *value;	   /* NULL: no '=' in the token; "" for "foo=" */
	char *raw;	   /* the token's bytes exactly as in the input */
	size_t offset;	   /* of raw in the input */
	size_t len;	   /* of raw */
	bool after_dashes; /* after a bare "--": an argument for init, not a kernel parameter */
	bool unterminated; /* a quote was left open: the token runs to the end of the input */
};

#define PT_CMDLINE_NO_DASHES SIZE_MAX

struct pt_cmdline {
	struct pt_cmdline_param *params; /* every token in input order, including "--" */
	size_t n;
	size_t dashes;	   /* index of the "--" token in params, or PT_CMDLINE_NO_DASHES */
	bool unterminated; /* some token has an unclosed quote */
};

/*
 * Tokenises buf[0..len) (not necessarily NUL-terminated). Returns 0, -EINVAL (embedded NUL byte)
 * or -ENOMEM. Empty or all-space input gives zero tokens. On failure *ret is left empty.
 */
int pt_cmdline_parse(const char *buf, size_t len, struct pt_cmdline *ret);
/* Frees everything *cl owns and leaves it empty; NULL-safe. */
void pt_cmdline_done(struct pt_cmdline *cl);

/*
 * Length of the first line of buf: proxmox-boot-tool reads only the first line of
 * /etc/kernel/cmdline (proxmox-kernel-helper src/proxmox-boot/zz-proxmox-boot).
 */
size_t pt_cmdline_first_line(const char *buf, size_t len);

/*
 * Parameter names compare like the kernel's parameq(): '-' and '_' are equivalent anywhere in the
 * name (kernel/params.c), so "vfio-pci.ids" == "vfio_pci.ids". Otherwise case-sensitive.
 * __setup() handlers also match this way since init/main.c obsolete_checksetup() uses parameqn().
 */
bool pt_cmdline_name_eq(const char *a, const char *b);

/*
 * Lookups consider kernel parameters only (tokens before "--"). For most __setup() parameters the
 * last occurrence wins, but some handlers accumulate (intel_iommu= applies every occurrence's
 * options in turn): use pt_cmdline_next() to see them all.
 */
const struct pt_cmdline_param *pt_cmdline_find_last(const struct pt_cmdline *cl, const char *name);
/* The next kernel parameter called name after prev (NULL: from the start), or NULL. */
const struct pt_cmdline_param *pt_cmdline_next(const struct pt_cmdline *cl, const char *name,
					       const struct pt_cmdline_param *prev);
size_t pt_cmdline_count(const struct pt_cmdline *cl, const char *name);

/*
 * Splits a comma-separated value ("downstream,multifunction", "on,igfx_off",
 * "10de:1b80,10de:10f0") into ret (appended). Empty items are dropped, as intel_iommu_setup()
 * and vfio_pci's id parser (strsep + skip empty) do; nothing is trimmed. value NULL = no items.
 */
int pt_cmdline_split_list(const char *value, struct pt_strv *ret);

/*
 * Appends one token that the kernel parses back to exactly (name, value): value NULL gives a bare
 * "name", a value containing white space is written name="value". Returns -EINVAL when that is
 * impossible: empty name; name containing white space, '=' or '"'; name "--" without a value;
 * value containing '"' (the kernel has no escape).
 */
int pt_cmdline_format_param(struct pt_strbuf *sb, const char *name, const char *value);
