/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which boot loader starts this host's kernel, so which file holds the command line its next
 * boot gets; what decided it; and whether the running command line came from that file. One
 * verdict, computed from the host model alone, for check, plan and verify.
 */
#pragma once

#include "model/host.h"
#include "util/strbuf.h"

/* Which boot path the host uses, so which file holds its command line. */
enum pt_boot_path {
	PT_BOOT_UNKNOWN,
	PT_BOOT_GRUB,
	PT_BOOT_SDBOOT_PBT, /* systemd-boot managed by proxmox-boot-tool: /etc/kernel/cmdline */
	PT_BOOT_SDBOOT,	    /* systemd-boot not managed by proxmox-boot-tool */
};

/* The evidence that decided the path, strongest first. */
enum pt_boot_basis {
	PT_BOOT_BY_NOTHING,	   /* the path is open */
	PT_BOOT_BY_BOOT_IMAGE,	   /* /proc/cmdline starts with BOOT_IMAGE= (GRUB) */
	PT_BOOT_BY_PBT_INITRD,	   /* initrd=\EFI\proxmox\...: an entry proxmox-boot-tool wrote */
	PT_BOOT_BY_LOADER_INFO,	   /* the LoaderInfo EFI variable */
	PT_BOOT_BY_KERNEL_CMDLINE, /* /proc/cmdline is (the head of) /etc/kernel/cmdline */
	PT_BOOT_BY_PBT_RULE,	   /* proxmox-boot-tool, UEFI, Secure Boot off: systemd-boot */
	PT_BOOT_BY_FIRMWARE,	   /* legacy BIOS or Secure Boot: GRUB; /proc/cmdline unknown */
};

/* The configured command lines /proc/cmdline is equal to (pt_boot_verdict.matches). */
enum {
	PT_BOOT_MATCH_GRUB = 1u << 0,		/* GRUB's normal entry, as 10_linux builds it */
	PT_BOOT_MATCH_KERNEL_CMDLINE = 1u << 1, /* the first line of /etc/kernel/cmdline */
	/* Its beginning, root= included: the file got parameters appended since the boot. */
	PT_BOOT_MATCH_KERNEL_CMDLINE_HEAD = 1u << 2,
};

struct pt_boot_verdict {
	enum pt_boot_path path; /* PT_BOOT_UNKNOWN: open, see question */
	enum pt_boot_basis basis;
	unsigned matches; /* PT_BOOT_MATCH_* */
	/*
	 * The running command line did not come from the configuration passthru sees: GRUB is
	 * the only loader this host's configuration has, yet /proc/cmdline lacks the BOOT_IMAGE=
	 * GRUB prepends. The path is then open.
	 */
	bool elsewhere;
	/* When open: the paths the user may answer with (1u << PT_BOOT_GRUB | ...). */
	unsigned candidates;
	const char *why;      /* one clause: how the path was decided, or why it is not */
	const char *conflict; /* evidence that disagrees with the verdict, or NULL */
	/*
	 * Passthrough parameters (pt_boot_param_relevant) of /proc/cmdline that the decided
	 * path's configuration does not hold (every configured file when open), space-separated;
	 * NULL when none or when that configuration cannot be read.
	 */
	char *stray;
};

/* Returns 0 or -ENOMEM. */
int pt_boot_judge(const struct pt_host *h, struct pt_boot_verdict *ret);
void pt_boot_verdict_done(struct pt_boot_verdict *v);
/*
 * The question that decides an open verdict, naming the --boot-path values that answer it, into
 * sb (one sentence). Returns 0 or -ENOMEM.
 */
int pt_boot_question(const struct pt_host *h, const struct pt_boot_verdict *v,
		     struct pt_strbuf *sb);
/* The decided path (PT_BOOT_UNKNOWN when open); *why a static summary, NULL when open. */
enum pt_boot_path pt_boot_path(const struct pt_host *h, const char **why);
/* "GRUB", "systemd-boot": the loader a path boots. */
const char *pt_boot_path_loader(enum pt_boot_path p);

/* Kernel parameters that matter for passthrough (IOMMU, VFIO, ACS, framebuffers, ...). */
bool pt_boot_param_relevant(const char *name);
/*
 * Where a parameter added to GRUB_CMDLINE_LINUX_DEFAULT takes effect: the file of its last
 * assignment, *line its line (0: no file assigns it, /etc/default/grub is named).
 */
const char *pt_grub_default_file(const struct pt_host *h, unsigned *line);

/* Whether the command line the boot path's configuration sets reached the running kernel. */
enum pt_boot_sync_state {
	PT_BOOT_SYNC_NOT_COMPARED,   /* no /proc/cmdline, or no configuration to compare */
	PT_BOOT_SYNC_IN_SYNC,	     /* /proc/cmdline has every configured parameter */
	PT_BOOT_SYNC_NOT_REFRESHED,  /* configured, yet not in /proc/cmdline: see missing */
	PT_BOOT_SYNC_CONFIG_UNKNOWN, /* GRUB's value cannot be evaluated ($(...), conditionals) */
};

struct pt_boot_sync {
	enum pt_boot_path path;
	enum pt_boot_sync_state state;
	const char *file;  /* the configuration compared: "/etc/kernel/cmdline", GRUB's files */
	const char *apply; /* the command that makes it the next boot's: "update-grub" */
	char *missing;	   /* NOT_REFRESHED: its parameters /proc/cmdline lacks, space-separated */
	/*
	 * Passthrough parameters of the configuration this path does not read (the other
	 * loader's file) that /proc/cmdline lacks: edited in the wrong file. NULL when none.
	 */
	char *other;
};

/* Compares the configuration of boot path bp with /proc/cmdline. 0 or -ENOMEM. */
int pt_boot_sync_judge(const struct pt_host *h, enum pt_boot_path bp, struct pt_boot_sync *ret);
void pt_boot_sync_done(struct pt_boot_sync *s);
