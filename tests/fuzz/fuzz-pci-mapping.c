/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/pve/mapping/pci.cfg. Besides "no crash" it checks what the hostpci resolution relies
 * on: every mapping kept has a valid id, no other mapping has the same id, and it has at
 * least one `map` entry with node, path and id; then each mapping is resolved as
 * `mapping=<id>` against a small fixed host, which walks assert_valid's checks.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "derive/vm-hostpci.h"
#include "parse/pci-mapping.h"
#include "util/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct pt_vm_host_fn host[] = {
	{"0000:01:00.0", true, 0x10de, 0x2204, true, 0x1462, 0x3880, 14, false, false},
	{"0000:01:00.1", true, 0x10de, 0x1aef, true, 0x1462, 0x3880, 14, false, false},
	{"0000:07:10.0", true, 0x8086, 0x1520, false, 0, 0, 2, true, false},
};

static void check_mapping(const struct pt_pci_mappings *all, size_t k)
{
	const struct pt_pci_mapping *m = &all->v[k];

	assert(m->id && strlen(m->id) >= 2 && !strpbrk(m->id, " \t\n"));
	assert(pt_pci_mappings_find(all, m->id) == m);
	assert(m->nmap > 0);
	for (size_t i = 0; i < m->nmap; i++)
		assert(m->map[i].node && m->map[i].path && m->map[i].id &&
		       m->map[i].line > m->line);
}

static void resolve(const struct pt_pci_mappings *all, const char *id)
{
	struct pt_hostpci_spec spec = {.mapping = (char *)id};
	struct pt_vm_hostpci_request req = {
		.spec = {&spec},
		.q35 = true,
		.vmid = 8006,
		.fns = host,
		.nfns = ELEMENTSOF(host),
		.mappings = all,
		.node = "localhost",
	};
	struct pt_vm_hostpci_result res;

	if (pt_vm_hostpci_resolve(&req, &res) < 0)
		return;
	assert(!res.dev[0].error || res.start_error == res.dev[0].error);
	assert(!!res.dev[0].error != (res.dev[0].devices.n > 0));
	pt_vm_hostpci_result_done(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_pci_mappings m;

	if (pt_pci_mappings_parse((const char *)data, size, &m) < 0)
		return 0;
	for (size_t k = 0; k < m.n; k++)
		check_mapping(&m, k);
	for (size_t k = 0; k < m.n && k < 8; k++)
		resolve(&m, m.v[k].id);
	for (size_t i = 0; i < m.warnings.n; i++)
		assert(strncmp(m.warnings.v[i], "line ", 5) == 0);
	pt_pci_mappings_done(&m);
	return 0;
}
