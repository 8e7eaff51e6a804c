/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshot redaction runs over every captured text file of a host. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *again;
	size_t len = size, len2;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* Without a host name, redaction keeps the length and is idempotent. */
	assert(pt_snapshot_redact(&buf, &len, NULL) == 0);
	assert(len == size);
	again = malloc(len + 1);
	assert(again);
	memcpy(again, buf, len + 1);
	len2 = len;
	assert(pt_snapshot_redact(&again, &len2, NULL) == 0);
	assert(len2 == len && memcmp(again, buf, len) == 0);
	free(again);
	assert(pt_snapshot_redact(&buf, &len, "pve") == 0);
	free(buf);
	return 0;
}
