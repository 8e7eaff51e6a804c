/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON documents (json-c). The device object is a stable contract (docs/json.md): every PCI
 * device is an object with "slot", "iommu_group", "vendor_id", "device_id", "class_id" and
 * "driver"; no other object in a document has a "slot" key.
 */
#pragma once

#include <json-c/json.h>
#include <stdio.h>

#include "derive/iommu.h"
#include "model/host.h"

json_object *pt_json_device(const struct pt_host *h, const struct pt_pci_dev *d);
json_object *pt_json_iommu(const struct pt_host *h, const struct pt_iommu_verdict *v);
/* Adds "groups" (each with its devices) and "ungrouped" to doc. */
int pt_json_groups(const struct pt_host *h, json_object *doc);
/* Adds "gpus": display devices, each with "travels_with". */
int pt_json_gpus(const struct pt_host *h, json_object *doc, size_t *ret_count);
/* Pretty-prints doc and a newline. */
int pt_json_print(json_object *doc, FILE *out);
