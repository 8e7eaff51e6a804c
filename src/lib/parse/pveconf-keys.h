/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to pveconf.c: the VM options qemu-server knows ($confdesc in src/PVE/QemuServer.pm and
 * the families it adds: numaN, netN, hostpciN, drives, ...) with the type its check_type() checks
 * while parsing a config.
 */
#pragma once

#include <stdbool.h>

#include "parse/propstr.h"

enum pveconf_vtype {
	PVECONF_BOOLEAN, /* 1|on|yes|true / 0|off|no|false, any case; stored as 1/0 */
	PVECONF_INTEGER, /* ^\d+$; stored as int() */
	PVECONF_NUMBER,	 /* ^\d+(\.\d+)?$ */
	PVECONF_STRING,	 /* no format: not checked; surrounding "..." removed */
	PVECONF_FORMAT,	 /* a format passthru does not judge (drives, net, cpu, numaN, ...) */
	PVECONF_SCHEMA,	 /* a property string passthru checks with ->schema */
};

struct pveconf_keytype {
	enum pveconf_vtype type;
	const struct pt_propstr_schema *schema; /* PVECONF_SCHEMA */
	/* PVECONF_STRING keys passthru judges although Proxmox's parser does not (bios, ostype,
	   hugepages): the values its API accepts */
	const char *const *enumeration;
};

/* Looks up a key of the main, [PENDING] and snapshot sections. False: "unknown setting". */
bool pveconf_confdesc(const char *name, struct pveconf_keytype *ret);
