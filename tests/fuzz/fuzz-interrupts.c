/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/interrupts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_interrupts irq;

	if (pt_interrupts_parse((const char *)data, size, &irq) < 0)
		return 0;
	assert(irq.ir_chips.n + irq.plain_chips.n <= irq.nlines);
	for (size_t i = 0; i < irq.ir_chips.n; i++)
		assert(strncmp(irq.ir_chips.v[i], "IR-", 3) == 0 &&
		       strlen(irq.ir_chips.v[i]) < size);
	for (size_t i = 0; i < irq.plain_chips.n; i++)
		assert(strncmp(irq.plain_chips.v[i], "IR-", 3) != 0);
	pt_interrupts_done(&irq);
	return 0;
}
