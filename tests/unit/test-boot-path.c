/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot-path verdict (checks/boot-path.c): each piece of evidence on its own and where two
 * disagree, on hand-built host models; the file a GRUB parameter takes effect in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "checks/host.h"

#define GRUB   (1u << PT_BOOT_GRUB)
#define SDBOOT (1u << PT_BOOT_SDBOOT)

struct bcase {
	const char *name;
	enum pt_tristate efi, sb, pbt;
	const char *loader, *proc, *kfile, *grub_default;
	enum pt_boot_path path;
	enum pt_boot_basis basis;
	bool elsewhere;
	unsigned candidates; /* checked when the path is open */
	const char *stray;
	bool conflict;
};

/* A host model with just the boot facts; GRUB_CMDLINE_LINUX is empty where GRUB is known. */
static void host(struct pt_host *h, const struct bcase *c)
{
	*h = (struct pt_host){0};
	h->boot.efi = c->efi;
	h->boot.secure_boot = c->sb;
	h->boot.proxmox_boot = c->pbt;
	h->boot.loader_info = (char *)c->loader;
	h->boot.kernel_cmdline_file = (char *)c->kfile;
	if (c->grub_default) {
		h->grub.known = true;
		h->grub.cmdline_linux_default =
			(struct pt_grub_var){.assigned = true,
					     .value = (char *)c->grub_default,
					     .file = "/etc/default/grub",
					     .line = 3};
	}
	if (c->proc) {
		assert_int_equal(pt_cmdline_parse(c->proc, strlen(c->proc), &h->cmdline), 0);
		h->cmdline_known = true;
		h->cmdline_raw = (char *)c->proc;
	}
}

#define UEFI	   PT_YES
#define BIOS	   PT_NO
#define NO_SB	   PT_NO
#define SB_ON	   PT_YES
#define SB_UNREAD  PT_UNKNOWN
#define PBT	   PT_YES
#define NO_PBT	   PT_NO
#define PVE_INITRD "initrd=\\EFI\\proxmox\\6.8.12-4-pve\\initrd.img-6.8.12-4-pve"
#define ZFS	   "root=ZFS=rpool/ROOT/pve-1 boot=zfs"

static const struct bcase cases[] = {
	{"BOOT_IMAGE= decides GRUB", UEFI, SB_UNREAD, PBT, NULL,
	 "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet", ZFS, "quiet", PT_BOOT_GRUB,
	 PT_BOOT_BY_BOOT_IMAGE},
	{"BOOT_IMAGE= outranks LoaderInfo, which is said", UEFI, NO_SB, PBT, "systemd-boot 252",
	 "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet", NULL, "quiet", PT_BOOT_GRUB,
	 PT_BOOT_BY_BOOT_IMAGE, .conflict = true},
	{"initrd under \\EFI\\proxmox\\: proxmox-boot-tool's systemd-boot", UEFI, SB_UNREAD, PBT,
	 NULL, PVE_INITRD " " ZFS, ZFS " quiet", NULL, PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_PBT_INITRD},
	{"the ESP path in another case and slash", UEFI, SB_UNREAD, PBT, NULL,
	 "initrd=/efi/PROXMOX/6.8/initrd.img " ZFS, NULL, NULL, PT_BOOT_SDBOOT_PBT,
	 PT_BOOT_BY_PBT_INITRD},
	{"an initrd elsewhere says nothing", UEFI, SB_UNREAD, NO_PBT, NULL,
	 "initrd=\\EFI\\debian\\initrd.img " ZFS, NULL, NULL, PT_BOOT_UNKNOWN, PT_BOOT_BY_NOTHING,
	 .candidates = GRUB | SDBOOT},
	{"pbt entry without proxmox-boot-uuids: systemd-boot alone", UEFI, SB_UNREAD, NO_PBT, NULL,
	 PVE_INITRD " " ZFS, NULL, NULL, PT_BOOT_SDBOOT, PT_BOOT_BY_PBT_INITRD},
	{"LoaderInfo with proxmox-boot-tool", UEFI, NO_SB, PBT, "systemd-boot 252", NULL, ZFS, NULL,
	 PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_LOADER_INFO},
	{"LoaderInfo GRUB (bli), /proc/cmdline unknown", UEFI, SB_UNREAD, NO_PBT, "GRUB 2.12", NULL,
	 NULL, "quiet", PT_BOOT_GRUB, PT_BOOT_BY_LOADER_INFO},
	{"/proc/cmdline is /etc/kernel/cmdline", UEFI, SB_UNREAD, PBT, NULL, ZFS " quiet",
	 ZFS " quiet", "quiet", PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_KERNEL_CMDLINE},
	{"/proc/cmdline is its head: parameters appended since", UEFI, SB_UNREAD, PBT, NULL, ZFS,
	 ZFS " intel_iommu=on", NULL, PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_KERNEL_CMDLINE},
	{"a head without root= is a coincidence", UEFI, SB_UNREAD, PBT, NULL, "quiet", "quiet " ZFS,
	 NULL, PT_BOOT_UNKNOWN, PT_BOOT_BY_NOTHING, .candidates = GRUB | SDBOOT},
	{"the same match with Secure Boot on is said", UEFI, SB_ON, PBT, NULL, ZFS, ZFS, NULL,
	 PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_KERNEL_CMDLINE, .conflict = true},
	{"legacy BIOS without BOOT_IMAGE=: not from GRUB", BIOS, PT_UNKNOWN, NO_PBT, NULL,
	 "root=/dev/vda1 ro intel_iommu=off console=ttyS0", NULL, "quiet", PT_BOOT_UNKNOWN,
	 PT_BOOT_BY_NOTHING, true, GRUB, "intel_iommu=off"},
	{"legacy BIOS: /etc/kernel/cmdline is not read there", BIOS, PT_UNKNOWN, PBT, NULL, ZFS,
	 ZFS, "quiet", PT_BOOT_UNKNOWN, PT_BOOT_BY_NOTHING, true, GRUB},
	{"legacy BIOS, /proc/cmdline unknown: GRUB", BIOS, PT_UNKNOWN, NO_PBT, NULL, NULL, NULL,
	 "quiet", PT_BOOT_GRUB, PT_BOOT_BY_FIRMWARE},
	{"Secure Boot without BOOT_IMAGE=: not from GRUB", UEFI, SB_ON, PBT, NULL, ZFS " iommu=pt",
	 "root=ZFS=other", NULL, PT_BOOT_UNKNOWN, PT_BOOT_BY_NOTHING, true, GRUB | SDBOOT,
	 "iommu=pt"},
	{"Proxmox's rule: proxmox-boot-tool, UEFI, Secure Boot off", UEFI, NO_SB, PBT, NULL, NULL,
	 ZFS, NULL, PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_PBT_RULE},
	{"nothing decides", UEFI, SB_UNREAD, PBT, NULL, ZFS " quiet nomodeset", ZFS " quiet",
	 "quiet", PT_BOOT_UNKNOWN, PT_BOOT_BY_NOTHING, .candidates = GRUB | SDBOOT},
	{"GRUB's line without BOOT_IMAGE= is said", UEFI, SB_UNREAD, NO_PBT, NULL,
	 "root=/dev/sda1 ro quiet", NULL, "quiet", PT_BOOT_UNKNOWN, PT_BOOT_BY_NOTHING,
	 .candidates = GRUB | SDBOOT, .conflict = true},
	{"stray: passthrough parameters GRUB's configuration lacks", BIOS, PT_UNKNOWN, NO_PBT, NULL,
	 "BOOT_IMAGE=/boot/vmlinuz ro intel_iommu=on quiet console=ttyS0 iommu=pt", NULL,
	 "quiet iommu=pt", PT_BOOT_GRUB, PT_BOOT_BY_BOOT_IMAGE, .stray = "intel_iommu=on"},
	{"stray: against /etc/kernel/cmdline on systemd-boot", UEFI, SB_UNREAD, PBT, NULL,
	 PVE_INITRD " " ZFS " vfio-pci.ids=10de:1b80", ZFS, NULL, PT_BOOT_SDBOOT_PBT,
	 PT_BOOT_BY_PBT_INITRD, .stray = "vfio-pci.ids=10de:1b80"},
};

static void test_verdicts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bcase *c = &cases[i];
		struct pt_boot_verdict v;
		struct pt_host h;

		print_message("# case: %s\n", c->name);
		host(&h, c);
		assert_int_equal(pt_boot_judge(&h, &v), 0);
		assert_int_equal(v.path, c->path);
		assert_int_equal(v.basis, c->basis);
		assert_int_equal(v.elsewhere, c->elsewhere);
		assert_non_null(v.why);
		if (c->path == PT_BOOT_UNKNOWN)
			assert_int_equal(v.candidates, c->candidates);
		if (c->stray)
			assert_string_equal(v.stray ? v.stray : "(none)", c->stray);
		else
			assert_null(v.stray);
		assert_int_equal(v.conflict != NULL, c->conflict);
		pt_boot_verdict_done(&v);
		pt_cmdline_done(&h.cmdline);
	}
}

/* The question names the option's values and, with proxmox-boot-tool, its status command. */
static void test_question(void **state)
{
	const struct bcase *open = &cases[17], *bios = &cases[12];
	struct pt_strbuf sb = {0};
	struct pt_boot_verdict v;
	struct pt_host h;

	(void)state;
	host(&h, open);
	assert_int_equal(pt_boot_judge(&h, &v), 0);
	assert_int_equal(pt_boot_question(&h, &v, &sb), 0);
	assert_non_null(strstr(sb.buf, "proxmox-boot-tool status"));
	assert_non_null(strstr(sb.buf, "--boot-path grub or --boot-path systemd-boot"));
	pt_strbuf_done(&sb);
	pt_boot_verdict_done(&v);
	pt_cmdline_done(&h.cmdline);

	host(&h, bios);
	assert_int_equal(pt_boot_judge(&h, &v), 0);
	assert_int_equal(pt_boot_question(&h, &v, &sb), 0);
	assert_non_null(strstr(sb.buf, "--boot-path grub"));
	assert_null(strstr(sb.buf, "systemd-boot"));
	pt_strbuf_done(&sb);
	pt_boot_verdict_done(&v);
	pt_cmdline_done(&h.cmdline);
}

/* Item 4: the file that decides GRUB_CMDLINE_LINUX_DEFAULT, not /etc/default/grub by habit. */
static void test_grub_default_file(void **state)
{
	struct pt_host h = {0};
	unsigned line = 99;

	(void)state;
	assert_string_equal(pt_grub_default_file(&h, &line), "/etc/default/grub");
	assert_int_equal(line, 0);
	h.grub.cmdline_linux_default = (struct pt_grub_var){
		.assigned = true,
		.value = "console=ttyS0",
		.file = "/etc/default/grub.d/50-cloudimg-settings.cfg",
		.line = 2,
		.overridden_file = "/etc/default/grub",
		.overridden_line = 3,
	};
	assert_string_equal(pt_grub_default_file(&h, &line),
			    "/etc/default/grub.d/50-cloudimg-settings.cfg");
	assert_int_equal(line, 2);
	/* passthru's drop-in extends the value before it: the user's file is that one. */
	h.grub.cmdline_linux_default.file = PT_PLAN_GRUB_DROPIN;
	assert_string_equal(pt_grub_default_file(&h, &line), "/etc/default/grub");
	assert_int_equal(line, 3);
}

/* passthru's own drop-in is no boot.grub-override: its hint would say to edit passthru's file. */
static void test_no_override_by_passthru(void **state)
{
	const char *proc = "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet intel_iommu=on";
	struct pt_check_opts o = {0};
	struct pt_verdicts vd;
	struct pt_findings fl = {0};
	struct pt_host h = {.boot = {.efi = PT_NO}};

	(void)state;
	h.grub.known = true;
	h.grub.cmdline_linux_default = (struct pt_grub_var){
		.assigned = true,
		.value = "quiet intel_iommu=on",
		.file = PT_PLAN_GRUB_DROPIN,
		.line = 4,
		.overridden_file = "/etc/default/grub",
		.overridden_line = 3,
	};
	assert_int_equal(pt_cmdline_parse(proc, strlen(proc), &h.cmdline), 0);
	h.cmdline_known = true;
	h.cmdline_raw = (char *)proc;
	assert_int_equal(pt_derive(&h, &vd), 0);
	assert_int_equal(pt_check_boot_path(&h, &vd, &o, &fl), 0);
	pt_verdicts_done(&vd);
	for (size_t i = 0; i < fl.n; i++)
		assert_string_not_equal(fl.v[i].id, "boot.grub-override");
	assert_true(fl.n > 0);
	pt_findings_done(&fl);
	pt_cmdline_done(&h.cmdline);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_question),
		cmocka_unit_test(test_grub_default_file),
		cmocka_unit_test(test_no_override_by_passthru),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
