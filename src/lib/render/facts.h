/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `passthru facts`: the host model as JSON, everything passthru knows and where it came from. */
#pragma once

#include <stdio.h>

#include "derive/verdicts.h"
#include "model/host.h"

int pt_render_facts(const struct pt_host *h, const struct pt_verdicts *vd, FILE *out);
