/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-wide checks, areas platform and cmdline (docs/checks.md): CPU virtualization, /dev/kvm,
 * the firmware IOMMU table, an active IOMMU, interrupt remapping, and the kernel command line
 * judged for the running kernel (docs/facts.md, "An active IOMMU and interrupt remapping",
 * "IOMMU kernel parameters", "Boot framebuffers").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/host.h"
#include "derive/iommu.h"
#include "util/strbuf.h"

#define CMDLINE "/proc/cmdline"

static bool is_intel(const struct pt_host *h)
{
	return h->acpi_dmar == PT_YES ||
	       (h->acpi_ivrs != PT_YES && h->cpu_known && h->cpu.vendor == PT_CPU_VENDOR_INTEL);
}

static bool is_amd(const struct pt_host *h)
{
	return h->acpi_ivrs == PT_YES ||
	       (h->acpi_dmar != PT_YES && h->cpu_known &&
		(h->cpu.vendor == PT_CPU_VENDOR_AMD || h->cpu.vendor == PT_CPU_VENDOR_HYGON));
}

int pt_check_cpu_virt(const struct pt_host *h, const struct pt_verdicts *vd,
		      const struct pt_check_opts *o, struct pt_findings *out)
{
	const char *fact = "linux arch/x86/kernel/cpu/proc.c";
	struct pt_finding *f;
	const char *flag = NULL;

	(void)o;
	if (!h->cpu_known || !(h->cpu.have & PT_CPUINFO_HAVE_FLAGS)) {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "cpu.unknown", PT_SEV_INFO, NULL, fact);
		pt_finding_message(out, f, "CPU virtualization support is unknown: no CPU flags");
		pt_finding_evidence(out, f, "/proc/cpuinfo", NULL);
		return 0;
	}
	if (pt_cpuinfo_has_flag(&h->cpu, "vmx"))
		flag = "vmx";
	else if (pt_cpuinfo_has_flag(&h->cpu, "svm"))
		flag = "svm";
	if (flag) {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "cpu.virt", PT_SEV_PASS, NULL, fact);
		pt_finding_message(out, f, "the CPU offers hardware virtualization (%s: %s)", flag,
				   flag[0] == 'v' ? "Intel VT-x" : "AMD-V");
		pt_finding_evidence(out, f, "/proc/cpuinfo", flag);
		return 0;
	}
	f = pt_findings_add(out, PT_AREA_PLATFORM, "cpu.no-virt", PT_SEV_FAIL, NULL, fact);
	pt_finding_message(
		out, f,
		"the CPU flags list neither vmx (Intel VT-x) nor svm (AMD-V): KVM cannot "
		"run VMs");
	pt_finding_hint(
		out, f, "%s",
		pt_cpuinfo_has_flag(&h->cpu, "hypervisor")
			? "this host is itself a VM: enable nested virtualization on its "
			  "hypervisor"
			: "enable Intel VT-x (Virtualization Technology) or AMD SVM Mode in "
			  "the firmware setup");
	pt_finding_evidence(out, f, "/proc/cpuinfo", "flags: no vmx, no svm");
	return 0;
}

int pt_check_dev_kvm(const struct pt_host *h, const struct pt_verdicts *vd,
		     const struct pt_check_opts *o, struct pt_findings *out)
{
	const char *fact = "linux Documentation/virt/kvm/api.rst";
	struct pt_finding *f;

	(void)o;
	if (h->dev_kvm == PT_YES) {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "kvm.dev", PT_SEV_PASS, NULL, fact);
		pt_finding_message(out, f, "/dev/kvm exists");
		pt_finding_evidence(out, f, "/dev/kvm", "present");
	} else if (h->dev_kvm == PT_NO) {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "kvm.missing", PT_SEV_FAIL, NULL, fact);
		pt_finding_message(out, f, "/dev/kvm does not exist: KVM is not available");
		pt_finding_hint(out, f,
				"load kvm_intel or kvm_amd (modprobe) and read the kernel log: "
				"\"disabled by bios\" means VT-x/SVM is off in the firmware setup");
		pt_finding_evidence(out, f, "/dev/kvm", NULL);
	}
	return 0;
}

static const char *table_value(enum pt_tristate t)
{
	return t == PT_YES ? "present" : NULL;
}

int pt_check_iommu_firmware(const struct pt_host *h, const struct pt_verdicts *vd,
			    const struct pt_check_opts *o, struct pt_findings *out)
{
	const char *fact = "linux drivers/iommu/intel/dmar.c dmar_table_detect; "
			   "drivers/iommu/amd/init.c detect_ivrs";
	struct pt_finding *f;

	(void)o;
	if (h->acpi_dmar == PT_YES || h->acpi_ivrs == PT_YES) {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "iommu.firmware", PT_SEV_PASS, NULL,
				    fact);
		pt_finding_message(out, f, "the firmware describes an IOMMU: ACPI %s table",
				   h->acpi_dmar == PT_YES ? "DMAR (Intel VT-d)" : "IVRS (AMD-Vi)");
		pt_finding_evidence(out, f,
				    h->acpi_dmar == PT_YES ? "/sys/firmware/acpi/tables/DMAR"
							   : "/sys/firmware/acpi/tables/IVRS",
				    "present");
	} else if (h->acpi_dmar == PT_NO && h->acpi_ivrs == PT_NO) {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "iommu.no-firmware", PT_SEV_FAIL, NULL,
				    fact);
		pt_finding_message(out, f,
				   "the firmware describes no IOMMU: no ACPI DMAR or IVRS table");
		pt_finding_hint(out, f,
				"enable the IOMMU in the firmware setup: VT-d on Intel, AMD-Vi / "
				"IOMMU on AMD (often under Chipset or North Bridge); no kernel "
				"parameter can replace it");
		pt_finding_evidence(out, f, "/sys/firmware/acpi/tables/DMAR",
				    table_value(h->acpi_dmar));
		pt_finding_evidence(out, f, "/sys/firmware/acpi/tables/IVRS",
				    table_value(h->acpi_ivrs));
	} else {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "iommu.firmware-unknown", PT_SEV_INFO,
				    NULL, fact);
		pt_finding_message(out, f,
				   "whether the firmware describes an IOMMU is unknown: the ACPI "
				   "tables are not in this root");
		pt_finding_evidence(out, f, "/sys/firmware/acpi/tables", NULL);
	}
	return 0;
}

int pt_check_iommu_active(const struct pt_host *h, const struct pt_verdicts *vd,
			  const struct pt_check_opts *o, struct pt_findings *out)
{
	const char *fact = "pve-common SysFSTools.pm check_iommu_support";
	const struct pt_iommu_verdict *v = &vd->iommu;
	struct pt_finding *f;
	char *units, groups[32];

	(void)o;
	units = pt_strv_join(&h->iommu_units, " ");
	if (!units) {
		return -ENOMEM;
	}
	snprintf(groups, sizeof(groups), "%zu groups", h->ngroups);
	switch (v->state) {
	case PT_IOMMU_ACTIVE:
		f = pt_findings_add(out, PT_AREA_PLATFORM, "iommu.active", PT_SEV_PASS, NULL, fact);
		pt_finding_message(out, f, "the IOMMU is active: %zu IOMMU groups%s%s", h->ngroups,
				   h->iommu_units.n ? ", units " : "", units);
		break;
	case PT_IOMMU_UNKNOWN:
		f = pt_findings_add(out, PT_AREA_PLATFORM, "iommu.unknown", PT_SEV_INFO, NULL,
				    fact);
		pt_finding_message(out, f, "%s", v->reason);
		break;
	default:
		f = pt_findings_add(out, PT_AREA_PLATFORM, "iommu.inactive", PT_SEV_FAIL, NULL,
				    fact);
		pt_finding_message(out, f, "no IOMMU is active: %s", v->reason);
		if (v->state == PT_IOMMU_OFF_BY_CMDLINE)
			pt_finding_hint(out, f,
					"remove %s from the kernel command line (boot.path says "
					"where it is configured), then reboot",
					v->param);
		else if (v->state == PT_IOMMU_NO_FIRMWARE)
			pt_finding_hint(out, f, "see iommu.no-firmware");
		else if (v->state == PT_IOMMU_OFF_IN_KERNEL && is_intel(h))
			pt_finding_hint(out, f, "see cmdline.intel-iommu-needed");
		else if (v->state == PT_IOMMU_OFF_IN_KERNEL)
			pt_finding_hint(
				out, f,
				"read the kernel log for AMD-Vi errors (amd_iommu=on is not "
				"a valid parameter and does not help)");
		break;
	}
	pt_finding_evidence(out, f, "/sys/class/iommu", h->iommu_units.n ? units : NULL);
	pt_finding_evidence(out, f, "/sys/kernel/iommu_groups", h->ngroups ? groups : NULL);
	if (v->state == PT_IOMMU_OFF_BY_CMDLINE)
		pt_finding_evidence(out, f, CMDLINE, h->cmdline_raw);
	free(units);
	return 0;
}

/* Whether the first Intel unit's ecap has bit 3 (interrupt remapping supported): 1, 0, -1. */
static int ecap_ir(const struct pt_host *h)
{
	char *end;
	unsigned long long v;

	if (!h->ecap)
		return -1;
	v = strtoull(h->ecap, &end, 16);
	if (end == h->ecap)
		return -1;
	return (v >> 3) & 1;
}

int pt_check_irq_remap(const struct pt_host *h, const struct pt_verdicts *vd,
		       const struct pt_check_opts *o, struct pt_findings *out)
{
	const char *fact = "linux drivers/vfio/vfio_iommu_type1.c; "
			   "arch/x86/kernel/apic/io_apic.c ioapic_ir_chip";
	const struct pt_iommu_verdict *v = &vd->iommu;
	struct pt_finding *f;
	int ir = -1, hw = ecap_ir(h);
	char *chips = NULL;

	(void)o;
	if (h->interrupts_known && h->interrupts.ir_chips.n) {
		ir = 1;
		chips = pt_strv_join(&h->interrupts.ir_chips, " ");
	} else if (h->interrupts_known && h->interrupts.plain_chips.n) {
		ir = 0;
		chips = pt_strv_join(&h->interrupts.plain_chips, " ");
	} else if (hw == 0) {
		ir = 0;
	}
	if (ir == 1) {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "ir.active", PT_SEV_PASS, NULL, fact);
		pt_finding_message(out, f, "interrupt remapping is on: /proc/interrupts shows %s",
				   chips);
		pt_finding_evidence(out, f, "/proc/interrupts", chips);
	} else if (ir == 0) {
		bool active = v->state == PT_IOMMU_ACTIVE;

		f = pt_findings_add(out, PT_AREA_PLATFORM, "ir.absent",
				    active ? PT_SEV_FAIL : PT_SEV_INFO, NULL, fact);
		if (chips)
			pt_finding_message(out, f,
					   "interrupt remapping is off: /proc/interrupts shows %s "
					   "without the IR- prefix%s",
					   chips,
					   hw == 0 ? ", and the IOMMU hardware does not support it "
						     "(ecap bit 3 clear)"
						   : "");
		else
			pt_finding_message(
				out, f,
				"the IOMMU hardware does not support interrupt remapping "
				"(ecap bit 3 clear)");
		if (active)
			pt_finding_hint(
				out, f,
				"without it vfio_iommu_type1 refuses to attach a group (\"No "
				"interrupt remapping support\"): enable interrupt remapping "
				"/ x2APIC in the firmware and remove intremap=off; only if "
				"the platform lacks it, add \"options vfio_iommu_type1 "
				"allow_unsafe_interrupts=1\" to /etc/modprobe.d (a guest can "
				"then inject interrupts; Proxmox warns of instability)");
		else
			pt_finding_hint(out, f,
					"turn the IOMMU on first (iommu.*), then judge again: "
					"remapping comes with it");
		if (chips)
			pt_finding_evidence(out, f, "/proc/interrupts", chips);
		if (hw >= 0)
			pt_finding_evidence(out, f, h->ecap_path, h->ecap);
	} else {
		f = pt_findings_add(out, PT_AREA_PLATFORM, "ir.unknown", PT_SEV_INFO, NULL, fact);
		if (hw == 1) {
			pt_finding_message(out, f,
					   "the IOMMU hardware supports interrupt remapping (ecap "
					   "bit 3); whether it is on is unknown without "
					   "/proc/interrupts");
			pt_finding_evidence(out, f, h->ecap_path, h->ecap);
		} else {
			pt_finding_message(out, f,
					   "whether interrupt remapping is on is unknown: "
					   "/proc/interrupts shows no IO-APIC or MSI chip");
			pt_finding_evidence(out, f, "/proc/interrupts", NULL);
		}
	}
	free(chips);
	return 0;
}

/* ---- kernel command line ---- */

static bool value_lists(const struct pt_cmdline_param *p, const char *item)
{
	struct pt_strv opts = {0};
	bool r;

	if (!p->value || pt_cmdline_split_list(p->value, &opts) < 0)
		return false;
	r = pt_strv_contains(&opts, item);
	pt_strv_done(&opts);
	return r;
}

/* The first occurrence of name whose value lists item, or NULL. */
static const struct pt_cmdline_param *find_item(const struct pt_host *h, const char *name,
						const char *item)
{
	const struct pt_cmdline_param *p = NULL;

	while ((p = pt_cmdline_next(&h->cmdline, name, p)))
		if (value_lists(p, item))
			return p;
	return NULL;
}

/* The last occurrence of name, when it lists "off". */
static const struct pt_cmdline_param *last_off(const struct pt_host *h, const char *name)
{
	const struct pt_cmdline_param *p = pt_cmdline_find_last(&h->cmdline, name);

	return p && value_lists(p, "off") ? p : NULL;
}

static void kconfig_evidence(const struct pt_host *h, struct pt_findings *out, struct pt_finding *f,
			     const char *sym)
{
	const struct pt_kconfig_entry *e = pt_kconfig_get(&h->kconfig, sym);
	struct pt_strbuf path = {0}, val = {0};

	pt_strbuf_printf(&path, "/boot/config-%s", h->kernel_release ? h->kernel_release : "?");
	if (e && e->value)
		pt_strbuf_printf(&val, "%s=%s", e->name, e->value);
	else if (e)
		pt_strbuf_printf(&val, "# %s is not set", e->name);
	else
		pt_strbuf_printf(&val, "(no CONFIG_%s)", sym);
	pt_finding_evidence(out, f, path.buf ? path.buf : "/boot/config", val.buf);
	pt_strbuf_done(&path);
	pt_strbuf_done(&val);
}

#define SYM_INTGPU_OFF "INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF"

/* The first Intel integrated GPU (pt_pci_is_intel_igpu), or NULL. */
static const struct pt_pci_dev *intel_igpu(const struct pt_host *h)
{
	for (size_t i = 0; i < h->ndevs; i++)
		if (pt_pci_is_intel_igpu(&h->devs[i]))
			return &h->devs[i];
	return NULL;
}

/* The iGPU's group type ("identity", "DMA-FQ"), when the root shows it. */
static void igpu_evidence(const struct pt_host *h, struct pt_findings *out, struct pt_finding *f,
			  const struct pt_pci_dev *ig)
{
	const struct pt_iommu_group *g =
		(ig->have & PT_PCI_HAVE_GROUP) ? pt_host_find_group(h, ig->iommu_group) : NULL;
	char path[64];

	if (!g || !g->type)
		return;
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/type", g->id);
	pt_finding_evidence(out, f, path, g->type);
}

static void default_on_plain(const struct pt_cmdline_param *on, const char *sym,
			     struct pt_findings *out, struct pt_finding *f)
{
	if (on)
		pt_finding_message(out, f,
				   "intel_iommu=on is given but optional: this kernel enables the "
				   "IOMMU by default (CONFIG_%s=y)",
				   sym);
	else
		pt_finding_message(out, f,
				   "the Intel IOMMU is active without intel_iommu=on: this kernel "
				   "enables it by default");
}

/* Without intel_iommu=on on an INTGPU_OFF kernel: the iGPU is mapped 1:1 (why says by what). */
static void default_on_igpu_identity(const struct pt_pci_dev *ig, const char *why,
				     struct pt_findings *out, struct pt_finding *f)
{
	bool grouped = ig->have & PT_PCI_HAVE_GROUP;
	struct pt_strbuf sb = {0};

	pt_strbuf_puts(&sb, "the Intel IOMMU is active without intel_iommu=on: this kernel "
			    "enables it by default (CONFIG_" SYM_INTGPU_OFF "=y), ");
	if (streq(why, "CONFIG_" SYM_INTGPU_OFF "=y"))
		pt_strbuf_printf(&sb, "which %s", grouped ? "also maps" : "would map");
	else
		pt_strbuf_printf(&sb, "and %s %s", why, grouped ? "maps" : "would map");
	pt_strbuf_printf(&sb, " the integrated GPU %s 1:1 (untranslated) for the host", ig->slot);
	if (grouped)
		pt_strbuf_puts(&sb, "; it keeps its IOMMU group and can be passed to a VM; "
				    "intel_iommu=on would translate it too");
	else
		pt_strbuf_puts(&sb, " and keep it in its IOMMU group: it has none here for another "
				    "reason (group.none)");
	pt_finding_message(out, f, "%s", pt_strbuf_str(&sb) ? pt_strbuf_str(&sb) : "");
	pt_strbuf_done(&sb);
}

/*
 * What intel_iommu=on does on a kernel that enables the IOMMU by default. On Debian's
 * INTGPU_OFF kernels it also decides whether an Intel iGPU is translated or mapped 1:1
 * (pt_intel_igpu_identity); iommu=pt maps every host device 1:1 anyway, intel_iommu=igfx_off
 * every graphics device, and a passed device gets the VM's own domain whatever its default
 * domain was (linux drivers/vfio/vfio_iommu_type1.c vfio_iommu_type1_attach_group allocates
 * one and attaches the group to it), so passthrough never needs it here.
 */
static void intel_iommu_default_on(const struct pt_host *h, const struct pt_verdicts *vd,
				   const struct pt_cmdline_param *on, struct pt_findings *out,
				   struct pt_finding *f)
{
	const struct pt_pci_dev *ig = intel_igpu(h);
	const char *sym = vd->intel_default_sym, *why = vd->igpu_identity_why;
	bool excluding = streq(sym, SYM_INTGPU_OFF) && !find_item(h, "intel_iommu", "igfx_off");
	bool identity = vd->igpu_identity == PT_YES, pt = vd->iommu_passthrough;

	if (!ig || !excluding || (on && identity) || (!on && pt))
		default_on_plain(on, sym, out, f);
	else if (on && pt)
		pt_finding_message(out, f,
				   "intel_iommu=on is given but optional: this kernel enables the "
				   "IOMMU by default (CONFIG_%s=y); the one thing it changes here, "
				   "translating the integrated GPU %s instead of mapping it 1:1, "
				   "iommu=pt undoes (it maps every host device 1:1)",
				   sym, ig->slot);
	else if (on)
		pt_finding_message(
			out, f,
			"intel_iommu=on is given and does one thing on this kernel: it "
			"enables the IOMMU by default (CONFIG_%s=y) but maps the "
			"integrated GPU %s 1:1 (untranslated) unless intel_iommu=on is "
			"given, so the iGPU's DMA is translated now; passing the iGPU to "
			"a VM needs neither (the VM gets its own IOMMU domain)",
			sym, ig->slot);
	else
		default_on_igpu_identity(ig, why, out, f);
	kconfig_evidence(h, out, f, sym);
	if (ig && excluding && !pt)
		igpu_evidence(h, out, f, ig);
}

static void intel_iommu(const struct pt_host *h, const struct pt_verdicts *vd,
			struct pt_findings *out)
{
	const char *fact = "linux drivers/iommu/intel/iommu.c";
	const struct pt_iommu_verdict *v = &vd->iommu;
	const struct pt_cmdline_param *on = find_item(h, "intel_iommu", "on");
	const char *sym = vd->intel_default_sym;
	enum pt_tristate def = vd->intel_default_on;
	struct pt_finding *f;

	if (v->state == PT_IOMMU_ACTIVE) {
		f = pt_findings_add(out, PT_AREA_CMDLINE, "cmdline.intel-iommu", PT_SEV_PASS, NULL,
				    fact);
		if (def == PT_YES)
			intel_iommu_default_on(h, vd, on, out, f);
		else if (!on)
			pt_finding_message(out, f,
					   "the Intel IOMMU is active without intel_iommu=on");
		else if (def == PT_NO)
			pt_finding_message(out, f,
					   "intel_iommu=on is given and needed: this kernel does "
					   "not enable the IOMMU by default");
		else
			pt_finding_message(out, f, "intel_iommu=on is given; the IOMMU is active");
		if (def == PT_NO)
			kconfig_evidence(h, out, f, sym);
		if (on)
			pt_finding_evidence(out, f, CMDLINE, on->raw);
		return;
	}
	if (v->state != PT_IOMMU_OFF_IN_KERNEL || h->acpi_dmar != PT_YES || on || def == PT_YES)
		return;
	f = pt_findings_add(out, PT_AREA_CMDLINE, "cmdline.intel-iommu-needed", PT_SEV_FAIL, NULL,
			    fact);
	if (def == PT_NO)
		pt_finding_message(
			out, f,
			"intel_iommu=on is needed: this kernel does not enable the "
			"Intel IOMMU by default (neither CONFIG_INTEL_IOMMU_DEFAULT_ON nor "
			"CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF is set) and the "
			"command line does not ask for it");
	else
		pt_finding_message(out, f,
				   "intel_iommu=on is probably needed: the firmware offers VT-d, "
				   "the kernel did not enable it, and its build configuration "
				   "(/boot/config-%s) is not in this root",
				   h->kernel_release ? h->kernel_release : "?");
	pt_finding_hint(out, f,
			"add intel_iommu=on to the kernel command line where this host reads it "
			"(boot.path), apply it, reboot");
	if (def == PT_NO) {
		kconfig_evidence(h, out, f, "INTEL_IOMMU_DEFAULT_ON");
		kconfig_evidence(h, out, f, "INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF");
	}
	pt_finding_evidence(out, f, CMDLINE, h->cmdline_raw);
}

int pt_check_cmdline_iommu(const struct pt_host *h, const struct pt_verdicts *vd,
			   const struct pt_check_opts *o, struct pt_findings *out)
{
	static const char *const offs[] = {"intel_iommu", "amd_iommu", "iommu"};
	struct pt_finding *f;
	const struct pt_cmdline_param *p;

	(void)o;
	if (!h->cmdline_known) {
		f = pt_findings_add(out, PT_AREA_CMDLINE, "cmdline.unknown", PT_SEV_INFO, NULL,
				    "linux Documentation/admin-guide/kernel-parameters.rst");
		pt_finding_message(out, f, "the kernel command line is not in this root");
		pt_finding_evidence(out, f, CMDLINE, NULL);
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(offs); i++) {
		p = last_off(h, offs[i]);
		/* intel_iommu=off on an AMD host (or amd_iommu=off on Intel) changes nothing. */
		if (!p || (i == 0 && h->acpi_dmar == PT_NO && h->acpi_ivrs == PT_YES) ||
		    (i == 1 && h->acpi_ivrs == PT_NO && h->acpi_dmar == PT_YES))
			continue;
		f = pt_findings_add(out, PT_AREA_CMDLINE, "cmdline.iommu-off", PT_SEV_FAIL, NULL,
				    "linux Documentation/admin-guide/kernel-parameters.txt");
		pt_finding_message(out, f, "%s on the kernel command line turns the IOMMU off",
				   p->raw);
		pt_finding_hint(out, f,
				"remove %s where this host's command line is configured "
				"(boot.path), apply it, reboot",
				p->raw);
		pt_finding_evidence(out, f, CMDLINE, p->raw);
	}
	p = NULL;
	while ((p = pt_cmdline_next(&h->cmdline, "amd_iommu", p))) {
		if (!value_lists(p, "on"))
			continue;
		f = pt_findings_add(out, PT_AREA_CMDLINE, "cmdline.amd-iommu-on", PT_SEV_WARN, NULL,
				    "linux Documentation/admin-guide/kernel-parameters.txt");
		pt_finding_message(out, f,
				   "%s: \"on\" is not a valid amd_iommu value, the kernel logs "
				   "\"AMD-Vi: Unknown option - 'on'\" and ignores it",
				   p->raw);
		pt_finding_hint(out, f, "%s",
				is_amd(h)
					? "remove it: the AMD IOMMU is on by default when the "
					  "firmware provides the IVRS table (enable IOMMU / AMD-Vi "
					  "in the firmware setup)"
					: "remove it: it does nothing");
		pt_finding_evidence(out, f, CMDLINE, p->raw);
	}
	if ((p = find_item(h, "iommu", "pt")) ||
	    ((p = pt_cmdline_find_last(&h->cmdline, "iommu.passthrough")) && p->value &&
	     (!strcmp(p->value, "1") || !strcmp(p->value, "y")))) {
		f = pt_findings_add(out, PT_AREA_CMDLINE, "cmdline.iommu-pt", PT_SEV_INFO, NULL,
				    "linux Documentation/admin-guide/kernel-parameters.txt");
		pt_finding_message(out, f,
				   "%s gives the host's own devices an untranslated (identity) "
				   "domain; devices passed to VMs are translated as before",
				   p->raw);
		pt_finding_hint(out, f,
				"optional: it does not change VM isolation or passthrough; keep or "
				"drop it as you like");
		pt_finding_evidence(out, f, CMDLINE, p->raw);
	}
	if (is_intel(h))
		intel_iommu(h, vd, out);
	return 0;
}

int pt_check_cmdline_misc(const struct pt_host *h, const struct pt_verdicts *vd,
			  const struct pt_check_opts *o, struct pt_findings *out)
{
	const struct pt_cmdline_param *p;
	struct pt_finding *f;

	(void)o;
	if (!h->cmdline_known)
		return 0;
	if ((p = pt_cmdline_find_last(&h->cmdline, "pcie_acs_override"))) {
		const char *rel = h->kernel_release;

		f = pt_findings_add(out, PT_AREA_CMDLINE, "cmdline.acs-override", PT_SEV_WARN, NULL,
				    "pve-kernel patch 0004");
		if (rel && strstr(rel, "-pve")) {
			pt_finding_message(
				out, f,
				"%s: this Proxmox kernel (%s) honours it and splits IOMMU "
				"groups the hardware does not isolate: peer-to-peer DMA "
				"between the split devices stays possible",
				p->raw, rel);
			pt_finding_hint(out, f,
					"use it only if you accept that a VM may reach the other "
					"devices; a slot below a root port with ACS isolates for "
					"real (acs.*)");
		} else if (rel) {
			pt_finding_message(
				out, f,
				"%s is ignored by this kernel (%s): only kernels carrying "
				"the ACS override patch (Proxmox VE -pve kernels) honour it",
				p->raw, rel);
			pt_finding_hint(out, f,
					"remove it: the IOMMU groups are the hardware's; on a "
					"patched kernel it would only pretend isolation");
		} else {
			pt_finding_message(
				out, f,
				"%s: only patched kernels honour it, and then the split "
				"groups are not isolated (peer-to-peer DMA stays possible)",
				p->raw);
		}
		pt_finding_evidence(out, f, CMDLINE, p->raw);
		if (rel)
			pt_finding_evidence(out, f, "/proc/sys/kernel/osrelease", rel);
	}
	p = NULL;
	while ((p = pt_cmdline_next(&h->cmdline, "video", p))) {
		if (!p->value ||
		    (strcmp(p->value, "efifb:off") != 0 && strcmp(p->value, "vesafb:off") != 0))
			continue;
		if (!h->kconfig_known ||
		    pt_kconfig_tristate(&h->kconfig, "SYSFB_SIMPLEFB") != PT_KCONFIG_Y)
			continue;
		f = pt_findings_add(out, PT_AREA_CMDLINE, "cmdline.efifb-off-ineffective",
				    PT_SEV_INFO, NULL, "linux drivers/firmware/sysfb.c");
		pt_finding_message(out, f,
				   "%s does nothing on this kernel: it is built with "
				   "CONFIG_SYSFB_SIMPLEFB=y, so simpledrm/simplefb, not efifb or "
				   "vesafb, holds the boot framebuffer",
				   p->raw);
		pt_finding_hint(out, f,
				"remove it; only if the boot framebuffer blocks a GPU's BAR "
				"(fb.bootfb-over-bar) use initcall_blacklist=sysfb_init");
		pt_finding_evidence(out, f, CMDLINE, p->raw);
		kconfig_evidence(h, out, f, "SYSFB_SIMPLEFB");
	}
	return 0;
}

/* Parameters that are meant to repeat. */
static bool repeats_ok(const char *name)
{
	static const char *const ok[] = {"console",   "initrd", "initcall_blacklist", "hugepagesz",
					 "hugepages", "memmap", "earlycon",	      "BOOT_IMAGE"};

	for (size_t i = 0; i < ELEMENTSOF(ok); i++)
		if (pt_cmdline_name_eq(name, ok[i]))
			return true;
	return false;
}

static bool same_value(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int pt_check_cmdline_repeats(const struct pt_host *h, const struct pt_verdicts *vd,
			     const struct pt_check_opts *o, struct pt_findings *out)
{
	const char *fact = "linux kernel/params.c, lib/cmdline.c";

	(void)o;
	if (!h->cmdline_known)
		return 0;
	for (size_t i = 0; i < h->cmdline.n; i++) {
		const struct pt_cmdline_param *p = &h->cmdline.params[i], *q = NULL, *last = p;
		struct pt_strbuf all = {0};
		struct pt_finding *f;
		size_t n = 0;
		bool differ = false;

		if (p->after_dashes || i == h->cmdline.dashes || repeats_ok(p->name) ||
		    pt_cmdline_next(&h->cmdline, p->name, NULL) != p)
			continue; /* judged at its first occurrence */
		while ((q = pt_cmdline_next(&h->cmdline, p->name, q))) {
			n++;
			differ |= !same_value(q->value, p->value);
			pt_strbuf_printf(&all, "%s%s", n > 1 ? " " : "", q->raw);
			last = q;
		}
		if (n < 2) {
			pt_strbuf_done(&all);
			continue;
		}
		f = pt_findings_add(out, PT_AREA_CMDLINE,
				    differ ? "cmdline.conflict" : "cmdline.duplicate",
				    differ ? PT_SEV_WARN : PT_SEV_INFO, NULL, fact);
		if (differ && pt_cmdline_name_eq(p->name, "intel_iommu"))
			pt_finding_message(
				out, f,
				"%s is given %zu times with different values (%s): the "
				"kernel applies each in turn, so %s decides what the last "
				"one sets",
				p->name, n, all.buf, last->raw);
		else if (differ)
			pt_finding_message(out, f,
					   "%s is given %zu times with different values (%s): for "
					   "most parameters the last one (%s) wins",
					   p->name, n, all.buf, last->raw);
		else
			pt_finding_message(out, f, "%s is given %zu times", p->raw, n);
		pt_finding_hint(out, f,
				"keep one %s where the command line is configured (boot.path)",
				p->name);
		pt_finding_evidence(out, f, CMDLINE, all.buf);
		pt_strbuf_done(&all);
	}
	return 0;
}
