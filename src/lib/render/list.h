/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru list`: devices by IOMMU group as a tree (libsmartcols), or JSON (json-c). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "derive/verdicts.h"
#include "model/host.h"

struct pt_list_opts {
	const char *columns; /* -o: comma-separated names, "+NAME" appends to the defaults */
	bool raw;	     /* -r: no tree, no alignment (libsmartcols raw mode) */
	bool json;	     /* --json */
	bool noheadings;     /* -n */
	bool gpu;	     /* --gpu: display devices and what must travel with them */
};

/* Prints the listing to out; on a bad -o returns -EINVAL and sets *ret_error. */
int pt_render_list(const struct pt_host *h, const struct pt_verdicts *vd,
		   const struct pt_list_opts *o, FILE *out, char **ret_error);
/* Prints the -o column names and what they show. */
void pt_render_list_columns_help(FILE *out);
