/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EFI variables as efivarfs shows them (/sys/firmware/efi/efivars/<Name>-<GUID>): a 4-byte
 * little-endian attribute word, then the payload (linux fs/efivarfs/file.c).
 */
#pragma once

#include <stddef.h>

/*
 * A UTF-16LE, NUL-terminated string payload (systemd's LoaderInfo, LoaderEntrySelected) as
 * printable ASCII: other characters become '?'. -EINVAL when shorter than the header.
 */
int pt_efivar_string(const char *buf, size_t len, char **ret);
/* The first payload byte (SecureBoot: 1 on, 0 off); -EINVAL without one. */
int pt_efivar_u8(const char *buf, size_t len, unsigned *ret);
