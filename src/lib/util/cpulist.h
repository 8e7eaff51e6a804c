/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU sets as the kernel prints them: lists ("0-7,16-23") and masks ("00ff00ff,0000000f"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bound on CPU numbers we accept (the kernel's NR_CPUS maximum is 8192). */
#define PT_CPUSET_MAX 8192

struct pt_cpuset {
	uint64_t *bits;
	size_t nwords;
};

/* Parses a cpulist (linux lib/bitmap.c format, e.g. local_cpulist). Empty input = empty set. */
int pt_cpuset_parse_list(const char *s, size_t len, struct pt_cpuset *ret);
/* Parses a comma-separated hex mask of 32-bit words, most significant first (e.g. local_cpus). */
int pt_cpuset_parse_mask(const char *s, size_t len, struct pt_cpuset *ret);
int pt_cpuset_add(struct pt_cpuset *set, unsigned cpu);
bool pt_cpuset_has(const struct pt_cpuset *set, unsigned cpu);
unsigned pt_cpuset_count(const struct pt_cpuset *set);
bool pt_cpuset_equal(const struct pt_cpuset *a, const struct pt_cpuset *b);
/* Formats in the kernel's list form ("0-7,16-23"; "" when empty). Caller frees; NULL on ENOMEM. */
char *pt_cpuset_format(const struct pt_cpuset *set);
void pt_cpuset_done(struct pt_cpuset *set);
