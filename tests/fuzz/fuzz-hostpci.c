/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostpciN values and their resolution. The input's lines are hostpci0, hostpci1, ... (at most
 * 16); the first line is also read as a `machine:` value. Each accepted line is resolved
 * against a small fixed host and mapping config, and what callers rely on is checked: a
 * refused device has an error and no arguments, a resolved one has functions and arguments
 * that are vfio-pci (or a pcie-root-port before them), and the start error is one of the
 * devices' errors.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "derive/vm-hostpci.h"
#include "parse/hostpci.h"
#include "parse/pci-mapping.h"
#include "util/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct pt_vm_host_fn host[] = {
	{"0000:00:02.0", true, 0x8086, 0x3e92, false, 0, 0, 0, true, false},
	{"0000:01:00.0", true, 0x10de, 0x2204, true, 0x1462, 0x3880, 14, false, false},
	{"0000:01:00.1", true, 0x10de, 0x1aef, true, 0x1462, 0x3880, 14, false, false},
	{"0000:02:00.4", true, 0x10de, 0x2331, false, 0, 0, 20, false, true},
	{"0001:03:00.0", false, 0, 0, false, 0, 0, -1, false, false},
};

static const char mapping_cfg[] = "gpu\n"
				  "\tmap node=pve,path=0000:01:00,id=10de:2204,iommugroup=14,"
				  "subsystem-id=1462:3880\n"
				  "\tlive-migration-capable 1\n"
				  "\n"
				  "vf\n"
				  "\tmap node=pve,path=0000:02:00.4,id=10de:2331,iommugroup=20\n"
				  "\tmap node=pve,path=0000:01:00.1,id=10de:1aef,iommugroup=14\n"
				  "\tmdev 1\n";

static void check_result(const struct pt_vm_hostpci_request *req,
			 const struct pt_vm_hostpci_result *res)
{
	bool start_error_seen = res->start_error == NULL;

	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++) {
		const struct pt_vm_hostpci *d = &res->dev[i];

		assert(d->present == (req->spec[i] != NULL));
		start_error_seen |= d->error == res->start_error;
		if (!d->present || d->error) {
			assert(d->devices.n == 0 && d->functions.n == 0);
			continue;
		}
		assert(d->functions.n > 0 && d->devices.n > 0);
		for (size_t k = 0; k < d->devices.n; k++)
			assert(startswith(d->devices.v[k], "vfio-pci,") ||
			       (k == 0 && startswith(d->devices.v[k], "pcie-root-port,")));
	}
	assert(start_error_seen);
}

static void resolve(struct pt_hostpci_spec *specs, const bool *ok, bool q35, bool ovmf)
{
	static const char *const reserved[] = {"0000:02:00.4"};
	struct pt_pci_mappings m;
	struct pt_vm_hostpci_request req = {
		.q35 = q35,
		.ovmf = ovmf,
		.vmid = 100,
		.fns = host,
		.nfns = ELEMENTSOF(host),
		.mappings = &m,
		.node = "pve",
		.reserved = reserved,
		.nreserved = ovmf,
	};
	struct pt_vm_hostpci_result res;

	if (pt_pci_mappings_parse(mapping_cfg, strlen(mapping_cfg), &m) < 0)
		return;
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		req.spec[i] = ok[i] ? &specs[i] : NULL;
	if (pt_vm_hostpci_resolve(&req, &res) == 0) {
		check_result(&req, &res);
		pt_vm_hostpci_result_done(&res);
	}
	pt_pci_mappings_done(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_hostpci_spec specs[PT_HOSTPCI_MAX] = {0};
	bool ok[PT_HOSTPCI_MAX] = {0};
	char *copy = strndup((const char *)data, size), *save = NULL, *type = NULL, *err = NULL;
	size_t i = 0;

	if (!copy)
		return 0;
	if (pt_machine_parse_type(copy, &type, &err) == 0)
		assert(!type || (*type && !strchr(type, ',')));
	free(type);
	free(err);
	for (char *l = strtok_r(copy, "\n", &save); l && i < PT_HOSTPCI_MAX;
	     l = strtok_r(NULL, "\n", &save), i++) {
		err = NULL;
		ok[i] = pt_hostpci_parse(l, &specs[i], &err) == 0;
		assert(ok[i] || !err || *err);
		free(err);
	}
	resolve(specs, ok, size & 1, size & 2);
	for (i = 0; i < PT_HOSTPCI_MAX; i++)
		pt_hostpci_spec_done(&specs[i]);
	free(copy);
	return 0;
}
