/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/net/route: the IPv4 routing table, a header line then one route per line,
 * tab-separated: Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT,
 * addresses as 8 hex digits in host byte order (linux net/ipv4/fib_trie.c fib_route_seq_show).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RTF_UP (linux include/uapi/linux/route.h). */
#define PT_RTF_UP 0x0001u

struct pt_route {
	char *iface;
	uint32_t destination, gateway, mask;
	unsigned flags;
	uint32_t metric;
};

struct pt_routes {
	struct pt_route *v;
	size_t n;
	size_t nbad; /* lines that are not routes (skipped; the header is not counted) */
};

/* Parses the whole file. Returns 0 or -ENOMEM. */
int pt_routes_parse(const char *buf, size_t len, struct pt_routes *ret);
void pt_routes_done(struct pt_routes *r);
/*
 * Whether route i is a default route the kernel would use: up, destination and mask 0, and
 * no other such route with a lower metric.
 */
bool pt_routes_is_default(const struct pt_routes *r, size_t i);
