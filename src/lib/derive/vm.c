/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/vm.h"

const char *pt_vm_value(const struct pt_vm *vm, const char *key)
{
	const struct pt_pveconf_section *main = pt_pveconf_main(&vm->conf);
	const struct pt_pveconf_line *l = main ? pt_pveconf_get(&vm->conf, main, key) : NULL;

	return l ? (l->effective ? l->effective : l->value) : NULL;
}

static int settings(struct pt_vm_verdict *v)
{
	char *err = NULL;

	v->machine = pt_vm_value(v->vm, "machine");
	if (v->machine && pt_machine_parse_type(v->machine, &v->machine_type, &err) == -ENOMEM)
		return -ENOMEM;
	free(err);
	v->q35 = pt_vm_machine_is_q35(v->machine_type);
	v->bios = pt_vm_value(v->vm, "bios");
	v->ovmf = v->bios && streq(v->bios, "ovmf");
	if (!v->bios)
		v->bios = "seabios";
	v->cpu = pt_vm_value(v->vm, "cpu");
	v->vga = pt_vm_value(v->vm, "vga");
	v->ostype = pt_vm_value(v->vm, "ostype");
	return 0;
}

static int hostpcis(struct pt_vm_verdict *v)
{
	const struct pt_pveconf_section *main = pt_pveconf_main(&v->vm->conf);

	for (size_t i = 0; main && i < PT_HOSTPCI_MAX; i++) {
		char key[16];
		const struct pt_pveconf_line *l;
		int e;

		snprintf(key, sizeof(key), "hostpci%zu", i);
		l = pt_pveconf_get(&v->vm->conf, main, key);
		if (!l)
			continue;
		v->hostpci_line[i] = l;
		e = pt_hostpci_parse(l->value, &v->spec[i], &v->spec_error[i]);
		if (e == -ENOMEM)
			return e;
		v->has_spec[i] = e == 0;
	}
	return 0;
}

/* Which of the host's devices the resolved hostpci entries give the guest. */
static void taken(const struct pt_host *h, struct pt_vm_verdict *v)
{
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		for (size_t k = 0; k < v->res.dev[i].functions.n; k++)
			for (size_t d = 0; d < h->ndevs; d++)
				if (streq(h->devs[d].slot, v->res.dev[i].functions.v[k]))
					v->takes[d] = true;
}

int pt_vm_judge(const struct pt_host *h, const struct pt_vm *vm, struct pt_vm_verdict *ret)
{
	struct pt_vm_verdict v = {.vm = vm};
	struct pt_vm_hostpci_request req = {0};
	const char *tmpl;
	int e;

	v.takes = calloc(h->ndevs ? h->ndevs : 1, sizeof(*v.takes));
	if (!v.takes || (e = settings(&v)) < 0 || (e = hostpcis(&v)) < 0 ||
	    (e = pt_vm_host_fns_from_host(h, &v.fns, &v.nfns)) < 0) {
		pt_vm_verdict_done(&v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		req.spec[i] = v.has_spec[i] ? &v.spec[i] : NULL;
	tmpl = pt_vm_value(vm, "template");
	req.q35 = v.q35;
	req.ovmf = v.ovmf;
	req.vga = v.vga;
	req.ostype = v.ostype;
	req.is_template = tmpl && streq(tmpl, "1");
	req.vmid = (unsigned)vm->vmid;
	req.fns = v.fns;
	req.nfns = v.nfns;
	req.mappings = h->vms.mappings_known == PT_YES ? &h->vms.mappings : NULL;
	req.node = h->vms.node;
	if ((e = pt_vm_hostpci_resolve(&req, &v.res)) < 0) {
		pt_vm_verdict_done(&v);
		return e;
	}
	taken(h, &v);
	*ret = v;
	return 0;
}

void pt_vm_verdict_done(struct pt_vm_verdict *v)
{
	free(v->machine_type);
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++) {
		if (v->has_spec[i])
			pt_hostpci_spec_done(&v->spec[i]);
		free(v->spec_error[i]);
	}
	free(v->fns);
	pt_vm_hostpci_result_done(&v->res);
	free(v->takes);
	*v = (struct pt_vm_verdict){0};
}
