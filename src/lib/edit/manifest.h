/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal manifest (/var/lib/passthru/journal/<id>/manifest), a small text format that
 * records every effect of a transaction before the first one is made:
 *
 *   passthru-journal 3
 *   time 1700000000
 *   boot 0b4c6e3a-1f2d-4c5b-9e8f-7a6b5c4d3e2f
 *   mkdir /etc/default/grub.d
 *   run modprobe vfio-pci
 *   edit 0 absent write 0644 /var/lib/passthru/bind.state
 *   device 0000:00:05.0 on vfio-pci vfio-pci
 *   sysfs must /sys/bus/pci/devices/0000:00:05.0/driver_override vfio-pci
 *   sysfs if-present /sys/bus/pci/devices/0000:00:05.0/driver/unbind 0000:00:05.0
 *   sysfs must /sys/bus/pci/drivers_probe 0000:00:05.0
 *   undo on e1000e -
 *   undo-sysfs must /sys/bus/pci/devices/0000:00:05.0/driver_override \x0a
 *   undo-sysfs if-present /sys/bus/pci/devices/0000:00:05.0/driver/unbind 0000:00:05.0
 *   undo-sysfs must /sys/bus/pci/drivers_probe 0000:00:05.0
 *   undo-idle-group 4
 *   undo-run update-initramfs -u -k all
 *
 * The "run", "edit" and "device" lines are the steps, in the order the commit makes them.
 * "edit <n> <old> <new> <mode> <path>": <old> is "file" (the exact old bytes are in <n>.old)
 * or "absent"; <new> is "write" (the bytes written are in <n>.new) or "delete"; mode octal.
 * "mkdir" names a directory the transaction created (undo removes it when empty), in
 * creation order. A path is the rest of the line: absolute, no control characters.
 * "run" is a command, its argv words separated by one space (each word printable ASCII
 * without spaces). "device <slot> <on> <driver> <override>" moves one PCI device: the
 * "sysfs" lines after it are its writes, in order, and <on> <driver> <override> where they
 * leave it ("on" a driver, on "none", "off" a driver: any other or none; "-" for no driver
 * and an unset driver_override); its "undo" line says where the "undo-sysfs" lines after
 * it, the writes that give it back, leave it. A write is "must" or "if-present" (a missing
 * attribute leaves nothing to do), its path a word under /sys, its value a word in which
 * every byte outside '!'..'~' and the backslash is written \xHH. "boot" is the boot the
 * sysfs writes were made in (/proc/sys/kernel/random/boot_id): required with a device.
 * "undo-idle-group <n>": undo refuses while /dev/vfio/<n> is held open. "undo-run": what
 * undo runs once everything is given back, in order.
 *
 * "lock <path>" (version 4) is a lock file of another program the commit held, and undo
 * holds too (qemu-server's lock of a VM config).
 *
 * Version 3 had no lock lines. Version 2 had no device, boot and undo lines; its "run" lines
 * followed the edits and undo ran them again: they read as "run" and "undo-run" both. Version 1 had
 * no commands: undo's are unknown.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "edit.h"
#include "util/strbuf.h"
#include "util/strv.h"

#define PT_MANIFEST_VERSION 4

struct pt_manifest_edit {
	unsigned idx;
	bool old_absent;
	bool delete;
	unsigned mode;
	char *path;
};

struct pt_manifest {
	int version; /* 1 to 4 when parsed; written as PT_MANIFEST_VERSION */
	long long time;
	char *boot; /* NULL: none */
	struct pt_strv locks;
	struct pt_strv mkdirs;
	struct pt_manifest_edit *edits;
	size_t n;
	struct pt_strv *runs; /* argv of each command the commit runs */
	size_t nruns;
	struct pt_txn_dev *devs; /* slots, writes and expectations (no progress) */
	size_t ndevs;
	struct pt_txn_step *steps; /* edits, runs, devices, in the order of their lines */
	size_t nsteps;
	struct pt_strv *undo_runs;
	size_t nundo_runs;
	struct pt_groups undo_idle;
};

/* Parses buf; on a syntax error returns -EINVAL and the 1-based line in *ret_line. */
int pt_manifest_parse(const char *buf, size_t len, struct pt_manifest *ret, unsigned *ret_line);
/* The text of m as version PT_MANIFEST_VERSION. -EINVAL for what the format cannot hold. */
int pt_manifest_format(const struct pt_manifest *m, struct pt_strbuf *out);
void pt_manifest_done(struct pt_manifest *m);
/* A path a manifest may hold: absolute, no control characters, no "." or ".." component. */
bool pt_manifest_path_ok(const char *path);
/* A word a "run" line may hold: non-empty printable ASCII without spaces. */
bool pt_manifest_word_ok(const char *word);

/*
 * The journal's progress file (<id>/progress), written while the commit makes the device
 * steps: "begun <d>" before device d's first write, "took <d> <k>" once the kernel took k of
 * its writes (a refused write ends them). A device without "begun" was never touched.
 */
/* Parses buf for a transaction of ndevs devices into begun[] and took[] (SIZE_MAX: no
 * "took" line). -EINVAL with *ret_line on a malformed, out-of-range or repeated line. */
int pt_progress_parse(const char *buf, size_t len, size_t ndevs, bool *begun, size_t *took,
		      unsigned *ret_line);
int pt_progress_format(const bool *begun, const size_t *took, size_t ndevs, struct pt_strbuf *out);
