/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/cpulist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct pt_cpuset *set)
{
	struct pt_cpuset again = {0};
	char *s = pt_cpuset_format(set);

	assert(s);
	assert(pt_cpuset_parse_list(s, strlen(s), &again) == 0);
	assert(pt_cpuset_equal(set, &again));
	pt_cpuset_done(&again);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_cpuset set = {0};

	if (pt_cpuset_parse_list((const char *)data, size, &set) == 0) {
		round_trip(&set);
		pt_cpuset_done(&set);
	}
	if (pt_cpuset_parse_mask((const char *)data, size, &set) == 0) {
		round_trip(&set);
		pt_cpuset_done(&set);
	}
	return 0;
}
