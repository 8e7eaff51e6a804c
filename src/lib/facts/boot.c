/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot facts (FACTS §3): firmware type, the loader, Proxmox ESPs, /etc/kernel/cmdline. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "parse/cmdline.h"
#include "parse/efivar.h"

#define EFIVARS "/sys/firmware/efi/efivars"
/* systemd's Boot Loader Interface vendor GUID, and the UEFI global variable GUID. */
#define LOADER_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"

static int read_small(struct pt_root *r, const char *path, char **buf, size_t *len)
{
	return pt_root_read_file(r, path, 65536, buf, len);
}

static void read_efi(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL;
	size_t len;
	unsigned v;

	/* proxmox-boot-tool's own test: /sys/firmware/efi exists on a UEFI boot. */
	h->boot.efi = pt_root_exists(r, "/sys/firmware/efi") ? PT_YES
		      : pt_root_exists(r, "/sys/firmware")   ? PT_NO
							     : PT_UNKNOWN;
	h->boot.secure_boot = PT_UNKNOWN;
	if (read_small(r, EFIVARS "/SecureBoot-" GLOBAL_GUID, &buf, &len) == 0) {
		if (pt_efivar_u8(buf, len, &v) == 0)
			h->boot.secure_boot = v == 1 ? PT_YES : PT_NO;
		free(buf);
	}
	if (read_small(r, EFIVARS "/LoaderInfo-" LOADER_GUID, &buf, &len) == 0) {
		pt_efivar_string(buf, len, &h->boot.loader_info);
		free(buf);
	}
}

static void read_proxmox_boot(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL, *save = NULL;
	size_t len;

	h->boot.proxmox_boot = PT_NO;
	if (read_small(r, "/etc/kernel/proxmox-boot-uuids", &buf, &len) < 0) {
		if (!pt_root_exists(r, "/etc"))
			h->boot.proxmox_boot = PT_UNKNOWN;
		return;
	}
	h->boot.proxmox_boot = PT_YES;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (*l)
			pt_strv_push(&h->boot.esp_uuids, l);
	free(buf);
}

static void read_kernel_cmdline_file(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL;
	size_t len;

	if (read_small(r, "/etc/kernel/cmdline", &buf, &len) < 0)
		return;
	/* Only the first line counts (proxmox-kernel-helper zz-proxmox-boot). */
	len = pt_cmdline_first_line(buf, len);
	buf[len] = '\0';
	h->boot.kernel_cmdline_file = buf;
}

int pt_facts_boot(struct pt_root *r, struct pt_host *h)
{
	read_efi(r, h);
	read_proxmox_boot(r, h);
	read_kernel_cmdline_file(r, h);
	return 0;
}
