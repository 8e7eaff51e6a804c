/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot facts (docs/facts.md, "Which loader boots the host"): firmware type, the loader, Proxmox
 * ESPs, /etc/kernel/cmdline.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "parse/cmdline.h"
#include "parse/efivar.h"
#include "parse/shellvars.h"
#include "util/lines.h"

/* systemd's Boot Loader Interface vendor GUID, and the UEFI global variable GUID. */
#define LOADER_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"

static void read_efi(struct pt_root *r, struct pt_host *h)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len;
	unsigned v;

	/* proxmox-boot-tool's own test: /sys/firmware/efi exists on a UEFI boot. */
	h->boot.efi = pt_root_exists(r, pt_src_path(PT_SRC_EFI))	? PT_YES
		      : pt_root_exists(r, pt_src_path(PT_SRC_FIRMWARE)) ? PT_NO
									: PT_UNKNOWN;
	h->boot.secure_boot = PT_UNKNOWN;
	snprintf(path, sizeof(path), "%s/SecureBoot-" GLOBAL_GUID, pt_src_path(PT_SRC_EFIVARS));
	if (pt_root_read_file(r, path, pt_src_max(PT_SRC_EFIVARS), &buf, &len) == 0) {
		if (pt_efivar_u8(buf, len, &v) == 0)
			h->boot.secure_boot = v == 1 ? PT_YES : PT_NO;
		free(buf);
	}
	snprintf(path, sizeof(path), "%s/LoaderInfo-" LOADER_GUID, pt_src_path(PT_SRC_EFIVARS));
	if (pt_root_read_file(r, path, pt_src_max(PT_SRC_EFIVARS), &buf, &len) == 0) {
		pt_efivar_string(buf, len, &h->boot.loader_info);
		free(buf);
	}
}

static void read_proxmox_boot(struct pt_root *r, struct pt_host *h)
{
	struct pt_lines it;
	const char *l;
	char *buf = NULL;
	size_t len, n;

	h->boot.proxmox_boot = PT_NO;
	if (pt_root_read_file(r, pt_src_path(PT_SRC_PBT_UUIDS), pt_src_max(PT_SRC_PBT_UUIDS), &buf,
			      &len) < 0) {
		if (!pt_root_exists(r, pt_src_path(PT_SRC_ETC)))
			h->boot.proxmox_boot = PT_UNKNOWN;
		return;
	}
	h->boot.proxmox_boot = PT_YES;
	/* Up to a NUL byte: the file is text, what follows one is not. */
	it = PT_LINES_INIT(buf, strlen(buf));
	while (pt_lines_next(&it, &l, &n))
		if (n)
			pt_strv_pushn(&h->boot.esp_uuids, l, n);
	free(buf);
}

static void read_kernel_cmdline_file(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL;
	size_t len;

	if (pt_root_read_file(r, pt_src_path(PT_SRC_KERNEL_CMDLINE),
			      pt_src_max(PT_SRC_KERNEL_CMDLINE), &buf, &len) < 0)
		return;
	/* Only the first line counts (proxmox-kernel-helper zz-proxmox-boot). */
	len = pt_cmdline_first_line(buf, len);
	buf[len] = '\0';
	h->boot.kernel_cmdline_file = buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_cfg(const char *name)
{
	size_t n = strlen(name);

	/* grub-mkconfig: for x in ${sysconfdir}/default/grub.d/\*.cfg (dotfiles do not match). */
	return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".cfg") == 0;
}

/* Parses one file into docs[*n]; a file dash would refuse is recorded and skipped. */
static int grub_parse(struct pt_root *r, struct pt_host *h, const char *path,
		      struct pt_shellvars_doc *docs, size_t *n)
{
	char *buf = NULL, msg[64];
	unsigned line = 0;
	size_t len;
	int e;

	if ((e = pt_root_read_file(r, path, pt_src_max(PT_SRC_GRUB_DEFAULT), &buf, &len)) < 0)
		return e;
	e = pt_shellvars_parse(buf, len, path, &docs[*n], &line);
	free(buf);
	if (e == -ENOMEM)
		return e;
	if (pt_strv_push(&h->grub.files, path) < 0) {
		if (e == 0)
			pt_shellvars_done(&docs[*n]);
		return -ENOMEM;
	}
	if (e < 0) {
		snprintf(msg, sizeof(msg), "line %u: sh syntax error (update-grub fails)", line);
		pt_facts_problem(h, path, msg);
		snprintf(msg, sizeof(msg), ":%u", line);
		char *err = malloc(strlen(path) + strlen(msg) + 1);
		if (!err)
			return -ENOMEM;
		strcpy(err, path);
		strcat(err, msg);
		return pt_strv_consume(&h->grub.errors, err);
	}
	(*n)++;
	return 0;
}

static char *dup_or_null(const char *s, int *e)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*e = -ENOMEM;
	return d;
}

static int grub_var(const struct pt_shellvars_doc *docs, size_t n,
		    const struct pt_shellvars_env *env, const char *name, struct pt_grub_var *v)
{
	const struct pt_shellvars_var *var = pt_shellvars_env_get(env, name);
	const char *prev_file = NULL;
	unsigned prev_line = 0;
	int e = 0;

	if (!var || !var->file)
		return 0;
	v->assigned = true;
	v->value = dup_or_null(var->value, &e);
	v->file = dup_or_null(var->file, &e);
	v->line = var->line;
	v->flags = var->flags;
	/* The last effective assignment in an earlier file than the deciding one. */
	for (size_t i = 0; i < n && strcmp(docs[i].label, var->file) != 0; i++) {
		for (size_t k = 0; k < docs[i].n; k++) {
			const struct pt_shellvars_item *it = &docs[i].items[k];

			if (it->kind == PT_SHELLVARS_ASSIGN && strcmp(it->name, name) == 0 &&
			    !(it->flags & PT_SHELLVARS_NO_EFFECT)) {
				prev_file = docs[i].label;
				prev_line = it->line;
			}
		}
	}
	if (prev_file) {
		v->overridden_file = dup_or_null(prev_file, &e);
		v->overridden_line = prev_line;
	}
	return e;
}

/*
 * GRUB's kernel command line (Debian grub2 grub-mkconfig): it sources /etc/default/grub, then
 * /etc/default/grub.d/\*.cfg in glob order; the last assignment wins.
 */
static int read_grub(struct pt_root *r, struct pt_host *h)
{
	struct pt_shellvars_doc *docs = NULL;
	struct pt_shellvars_env env = {0};
	struct pt_strv names = {0};
	char path[PATH_MAX];
	size_t n = 0;
	int e;

	if (!pt_root_exists(r, pt_src_path(PT_SRC_GRUB_DEFAULT)))
		return 0;
	pt_root_list(r, pt_src_path(PT_SRC_GRUB_DROPINS), &names);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	docs = calloc(names.n + 1, sizeof(*docs));
	if (!docs) {
		pt_strv_done(&names);
		return -ENOMEM;
	}
	e = grub_parse(r, h, pt_src_path(PT_SRC_GRUB_DEFAULT), docs, &n);
	if (e == -ENOMEM)
		goto out;
	h->grub.known = e == 0 || h->grub.errors.n;
	e = 0;
	for (size_t i = 0; i < names.n && e >= 0; i++) {
		if (!is_cfg(names.v[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pt_src_path(PT_SRC_GRUB_DROPINS), names.v[i]);
		e = grub_parse(r, h, path, docs, &n);
		if (e != -ENOMEM)
			e = 0;
	}
	if (e >= 0)
		e = pt_shellvars_eval_all(docs, n, &env);
	if (e >= 0)
		e = grub_var(docs, n, &env, "GRUB_CMDLINE_LINUX", &h->grub.cmdline_linux);
	if (e >= 0)
		e = grub_var(docs, n, &env, "GRUB_CMDLINE_LINUX_DEFAULT",
			     &h->grub.cmdline_linux_default);
out:
	for (size_t i = 0; i < n; i++)
		pt_shellvars_done(&docs[i]);
	free(docs);
	pt_shellvars_env_done(&env);
	pt_strv_done(&names);
	return e < 0 ? e : 0;
}

int pt_facts_boot(struct pt_root *r, struct pt_host *h)
{
	int e;

	read_efi(r, h);
	read_proxmox_boot(r, h);
	read_kernel_cmdline_file(r, h);
	/* Live-only fact (DESIGN): a snapshot cannot say whether the device node exists. */
	h->dev_kvm = h->mode == PT_ROOT_LIVE ? (pt_root_exists(r, "/dev/kvm") ? PT_YES : PT_NO)
					     : PT_UNKNOWN;
	if ((e = read_grub(r, h)) < 0)
		return e;
	return 0;
}
