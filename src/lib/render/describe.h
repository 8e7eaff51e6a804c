/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How devices read in text: the wording shared by every renderer, in lspci's style. */
#pragma once

#include "model/host.h"

/* "VGA compatible controller [0300]" (class name from pci.ids, or "Class 0300"). */
char *pt_describe_class(const struct pt_pci_dev *d);
/* "NVIDIA Corporation TU106 [GeForce RTX 2060 Rev. A] [10de:1f08]", as lspci -nn. */
char *pt_describe_device(const struct pt_pci_dev *d);
/* "10de:1f08", or NULL when an ID is unknown. */
char *pt_describe_id(const struct pt_pci_dev *d);
/* Module names joined with ",", NULL when the lookup did not run. */
char *pt_describe_modules(const struct pt_pci_dev *d);
