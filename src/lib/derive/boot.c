/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which loader starts this host's kernel. The running command line says most: GRUB's linux
 * command prepends BOOT_IMAGE= (grub include/grub/lib/cmdline.h LINUX_IMAGE, used by
 * grub-core/loader/i386/linux.c and loader/efi/linux.c grub_cmd_linux); systemd-boot passes an
 * entry's initrd lines as initrd= tokens, and proxmox-boot-tool puts the kernels of the
 * entries it writes under \EFI\proxmox\ (proxmox-kernel-helper src/proxmox-boot/zz-proxmox-boot),
 * with the first line of /etc/kernel/cmdline as their options. Then the loader's own EFI
 * variable (systemd docs/BOOT_LOADER_INTERFACE.md: LoaderInfo), then what Proxmox and Debian
 * set up: GRUB on a legacy BIOS boot and with Secure Boot, systemd-boot on the ESPs
 * proxmox-boot-tool manages on UEFI without it (pve-docs system-booting.adoc).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "derive/boot.h"
#include "util/strbuf.h"

/* What /proc/cmdline and the EFI variables show. */
struct marks {
	bool image;	  /* starts with BOOT_IMAGE= */
	bool pbt_initrd;  /* an initrd= under \EFI\proxmox\ */
	bool loader_sd;	  /* LoaderInfo: systemd-boot */
	bool loader_grub; /* LoaderInfo: GRUB (its bli module sets it) */
};

/* The configured command lines, parsed. */
struct sources {
	struct pt_cmdline grub, kfile;
	bool grub_known, kfile_known;
};

static bool starts_with(const char *s, const char *p)
{
	return s && strncmp(s, p, strlen(p)) == 0;
}

bool pt_boot_param_relevant(const char *name)
{
	static const char *const prefixes[] = {
		"intel_iommu",	      "amd_iommu", "iommu",    "intremap",
		"pcie_acs_override",  "vfio",	   "video",    "initcall_blacklist",
		"modprobe.blacklist", "kvm",	   "hugepage", "default_hugepagesz",
		"rd.driver",	      "pci=",
	};

	for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

const char *pt_boot_path_loader(enum pt_boot_path p)
{
	return p == PT_BOOT_GRUB      ? "GRUB"
	       : p == PT_BOOT_UNKNOWN ? "an unknown loader"
				      : "systemd-boot";
}

const char *pt_grub_default_file(const struct pt_host *h, unsigned *line)
{
	const struct pt_grub_var *v = &h->grub.cmdline_linux_default;

	/* passthru's own drop-in extends the value before it ("$GRUB_CMDLINE_LINUX_DEFAULT ...",
	 * plan-cmdline.c) and undo restores it byte for byte: the user's file is the one it
	 * extends. */
	if (v->file && streq(v->file, PT_PLAN_GRUB_DROPIN)) {
		*line = v->overridden_file ? v->overridden_line : 0;
		return v->overridden_file ? v->overridden_file : "/etc/default/grub";
	}
	*line = v->file ? v->line : 0;
	return v->file ? v->file : "/etc/default/grub";
}

/* "\EFI\proxmox\..." with either slash, in any case (the ESP is FAT). */
static bool under_pbt_dir(const char *path)
{
	static const char dir[] = "/efi/proxmox/";

	for (size_t i = 0; i < sizeof(dir) - 1; i++) {
		char c = path[i] == '\\' ? '/' : path[i];

		if (!c || (c | 0x20) != (dir[i] | 0x20))
			return false;
	}
	return true;
}

static struct marks read_marks(const struct pt_host *h)
{
	struct marks m = {
		.loader_sd = starts_with(h->boot.loader_info, "systemd-boot"),
		.loader_grub = starts_with(h->boot.loader_info, "GRUB"),
	};
	const struct pt_cmdline_param *p = NULL;

	if (!h->cmdline_known)
		return m;
	m.image = starts_with(h->cmdline_raw, "BOOT_IMAGE=");
	while ((p = pt_cmdline_next(&h->cmdline, "initrd", p)))
		m.pbt_initrd |= p->value && under_pbt_dir(p->value);
	return m;
}

/* GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, as 10_linux joins them for normal entries. */
static int parse_sources(const struct pt_host *h, struct sources *s)
{
	const struct pt_grub_var *a = &h->grub.cmdline_linux, *b = &h->grub.cmdline_linux_default;
	const char *k = h->boot.kernel_cmdline_file;
	int e = 0;

	if (h->grub.known && !(a->assigned && !a->value) && !(b->assigned && !b->value)) {
		struct pt_strbuf sb = {0};

		e = pt_strbuf_printf(&sb, "%s %s", a->value ? a->value : "",
				     b->value ? b->value : "");
		if (e >= 0)
			e = pt_cmdline_parse(sb.buf, sb.len, &s->grub);
		s->grub_known = e == 0;
		pt_strbuf_done(&sb);
	}
	if (e != -ENOMEM && k) {
		e = pt_cmdline_parse(k, strlen(k), &s->kfile);
		s->kfile_known = e == 0;
	}
	return e == -ENOMEM ? e : 0;
}

static bool is_initrd(const struct pt_cmdline_param *p)
{
	return streq(p->name, "initrd");
}

enum token_match { DIFFERENT, SAME, HEAD };

/*
 * a's tokens from index i on (initrd= dropped when asked) against b's: the same, token for
 * token; or the first b tokens (HEAD: b has more after them); or not.
 */
static enum token_match compare_tokens(const struct pt_cmdline *a, size_t i, bool drop_initrd,
				       const struct pt_cmdline *b)
{
	size_t k = 0;

	for (; i < a->n; i++) {
		if (drop_initrd && is_initrd(&a->params[i]))
			continue;
		if (k == b->n || !streq(a->params[i].raw, b->params[k].raw))
			return DIFFERENT;
		k++;
	}
	return k == b->n ? SAME : HEAD;
}

/*
 * GRUB's normal entry: "linux <kernel> root=<device> ro $GRUB_CMDLINE_LINUX
 * $GRUB_CMDLINE_LINUX_DEFAULT" (grub util/grub.d/10_linux.in linux_entry), after the BOOT_IMAGE=
 * GRUB prepends. root='s value is grub-probe's, not the configuration's: it is not compared.
 */
static bool grub_match(const struct pt_host *h, const struct sources *s)
{
	const struct pt_cmdline *c = &h->cmdline;
	size_t i = 0;

	if (i < c->n && streq(c->params[i].name, "BOOT_IMAGE"))
		i++;
	if (i < c->n && streq(c->params[i].name, "root"))
		i++;
	if (i == c->n || !streq(c->params[i].raw, "ro"))
		return false;
	return compare_tokens(c, i + 1, false, &s->grub) == SAME;
}

/* Whether /proc/cmdline names the root device (so a head match is more than a coincidence). */
static bool has_root(const struct pt_host *h)
{
	return pt_cmdline_find_last(&h->cmdline, "root") != NULL;
}

static unsigned matches(const struct pt_host *h, const struct sources *s)
{
	unsigned m = 0;

	if (!h->cmdline_known)
		return 0;
	if (s->grub_known && grub_match(h, s))
		m |= PT_BOOT_MATCH_GRUB;
	/* systemd-boot adds initrd= itself; the entry's options are the file's first line. */
	if (s->kfile_known && s->kfile.n) {
		enum token_match k = compare_tokens(&h->cmdline, 0, true, &s->kfile);

		if (k == SAME)
			m |= PT_BOOT_MATCH_KERNEL_CMDLINE;
		else if (k == HEAD && has_root(h))
			m |= PT_BOOT_MATCH_KERNEL_CMDLINE_HEAD;
	}
	return m;
}

static void decided(struct pt_boot_verdict *v, enum pt_boot_path p, enum pt_boot_basis b,
		    const char *why)
{
	v->path = p;
	v->basis = b;
	v->why = why;
}

/* systemd-boot: on the ESPs proxmox-boot-tool manages, or not. */
static enum pt_boot_path sdboot(const struct pt_host *h)
{
	return h->boot.proxmox_boot == PT_YES ? PT_BOOT_SDBOOT_PBT : PT_BOOT_SDBOOT;
}

/* GRUB is what the firmware state or the loader points to; NULL when nothing does. */
static const char *grub_pointer(const struct pt_host *h, const struct marks *m)
{
	if (h->boot.efi == PT_NO)
		return "legacy BIOS boot (no /sys/firmware/efi)";
	if (h->boot.efi == PT_YES && h->boot.secure_boot == PT_YES)
		return "UEFI with Secure Boot: Proxmox boots GRUB (shim) then";
	if (m->loader_grub)
		return "the loader says GRUB";
	return NULL;
}

/* GRUB is indicated but did not start this kernel: the command line came from elsewhere. */
static void not_from_grub(const struct pt_host *h, const struct marks *m, struct pt_boot_verdict *v)
{
	v->elsewhere = true;
	v->candidates = 1u << PT_BOOT_GRUB;
	if (h->boot.efi == PT_NO)
		v->why = "legacy BIOS boot (no /sys/firmware/efi), where GRUB is the loader Debian "
			 "and Proxmox install, but /proc/cmdline lacks the BOOT_IMAGE= GRUB "
			 "prepends: this kernel was not started by a GRUB menu entry";
	else {
		v->candidates |= 1u << PT_BOOT_SDBOOT;
		v->why = m->loader_grub ? "the loader says GRUB, but /proc/cmdline lacks the "
					  "BOOT_IMAGE= GRUB prepends: this kernel was not "
					  "started by a GRUB menu entry"
					: "UEFI with Secure Boot, where Proxmox boots GRUB (shim), "
					  "but /proc/cmdline lacks the BOOT_IMAGE= GRUB "
					  "prepends: this kernel was not started by a GRUB menu "
					  "entry";
	}
}

static void open_path(const struct pt_host *h, struct pt_boot_verdict *v)
{
	bool sb_unknown = h->boot.proxmox_boot == PT_YES && h->boot.secure_boot == PT_UNKNOWN;

	v->candidates = 1u << PT_BOOT_GRUB;
	if (h->boot.efi != PT_NO)
		v->candidates |= 1u << PT_BOOT_SDBOOT;
	if (!h->cmdline_known)
		v->why = sb_unknown ? "/proc/cmdline is not in this root, and no EFI variable "
				      "names the loader or says whether Secure Boot is on"
				    : "/proc/cmdline is not in this root and no EFI variable "
				      "names the loader";
	else
		v->why = sb_unknown ? "/proc/cmdline has neither the BOOT_IMAGE= GRUB prepends nor "
				      "an initrd under \\EFI\\proxmox\\ and matches no configured "
				      "command line, and no EFI variable names the loader or says "
				      "whether Secure Boot is on"
				    : "/proc/cmdline has neither the BOOT_IMAGE= GRUB prepends nor "
				      "an initrd under \\EFI\\proxmox\\ and matches no configured "
				      "command line, and no EFI variable names the loader";
}

/* Strongest evidence first; each step is exact about what it proves. */
static void decide(const struct pt_host *h, const struct marks *m, struct pt_boot_verdict *v)
{
	const bool pbt = h->boot.proxmox_boot == PT_YES;
	const char *grub = grub_pointer(h, m);

	if (m->image)
		decided(v, PT_BOOT_GRUB, PT_BOOT_BY_BOOT_IMAGE,
			"/proc/cmdline starts with BOOT_IMAGE=, which GRUB prepends");
	else if (m->pbt_initrd)
		decided(v, sdboot(h), PT_BOOT_BY_PBT_INITRD,
			"/proc/cmdline names an initrd under \\EFI\\proxmox\\, where "
			"proxmox-boot-tool puts the kernels of the systemd-boot entries it writes");
	else if (m->loader_sd && pbt && h->boot.efi == PT_YES && h->boot.secure_boot != PT_YES)
		decided(v, PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_LOADER_INFO,
			"proxmox-boot-tool manages the ESPs, UEFI without Secure Boot, and the "
			"loader says systemd-boot");
	else if (m->loader_sd)
		decided(v, PT_BOOT_SDBOOT, PT_BOOT_BY_LOADER_INFO, "the loader says systemd-boot");
	else if ((v->matches & PT_BOOT_MATCH_KERNEL_CMDLINE) && pbt && h->boot.efi != PT_NO)
		decided(v, PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_KERNEL_CMDLINE,
			"/proc/cmdline is, initrd= aside, the first line of /etc/kernel/cmdline, "
			"which proxmox-boot-tool writes into its systemd-boot entries, and lacks "
			"the BOOT_IMAGE= GRUB would have prepended");
	else if ((v->matches & PT_BOOT_MATCH_KERNEL_CMDLINE_HEAD) && pbt && h->boot.efi != PT_NO)
		decided(v, PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_KERNEL_CMDLINE,
			"/proc/cmdline is, initrd= aside, the beginning of the first line of "
			"/etc/kernel/cmdline (parameters were added to it since this boot), which "
			"proxmox-boot-tool writes into its systemd-boot entries, and lacks the "
			"BOOT_IMAGE= GRUB would have prepended");
	else if (grub && h->cmdline_known)
		not_from_grub(h, m, v);
	else if (grub)
		decided(v, PT_BOOT_GRUB,
			m->loader_grub ? PT_BOOT_BY_LOADER_INFO : PT_BOOT_BY_FIRMWARE, grub);
	else if (pbt && h->boot.efi == PT_YES && h->boot.secure_boot == PT_NO)
		decided(v, PT_BOOT_SDBOOT_PBT, PT_BOOT_BY_PBT_RULE,
			"proxmox-boot-tool manages the ESPs and this UEFI boot has Secure Boot "
			"off, where proxmox-boot-tool sets them up with systemd-boot");
	else
		open_path(h, v);
}

/* Two pieces of evidence that disagree: said, not hidden. */
static const char *conflict(const struct pt_host *h, const struct marks *m,
			    const struct pt_boot_verdict *v)
{
	if (m->image && m->loader_sd)
		return "the LoaderInfo EFI variable says systemd-boot: it started GRUB "
		       "(a chainload), whose configuration reached the kernel";
	if (v->basis == PT_BOOT_BY_PBT_INITRD && m->loader_grub)
		return "the LoaderInfo EFI variable says GRUB, yet the kernel came from a "
		       "systemd-boot entry";
	if (v->basis == PT_BOOT_BY_KERNEL_CMDLINE && h->boot.secure_boot == PT_YES)
		return "Secure Boot is on, where Proxmox sets up GRUB, not systemd-boot";
	if (!m->image && (v->matches & PT_BOOT_MATCH_GRUB))
		return "/proc/cmdline equals GRUB's normal entry, yet lacks the BOOT_IMAGE= GRUB "
		       "prepends";
	return NULL;
}

static bool held_by(const struct pt_cmdline *src, const struct pt_cmdline_param *p)
{
	const struct pt_cmdline_param *q = NULL;

	while ((q = pt_cmdline_next(src, p->name, q)))
		if ((!q->value && !p->value) || (q->value && p->value && streq(q->value, p->value)))
			return true;
	return false;
}

/* The relevant parameters of /proc/cmdline that none of srcs holds (see pt_boot_verdict). */
static int stray_params(const struct pt_host *h, const struct pt_cmdline *const *srcs, size_t n,
			char **ret)
{
	struct pt_strbuf sb = {0};
	int e = 0;

	for (size_t i = 0; i < h->cmdline.n && e >= 0; i++) {
		const struct pt_cmdline_param *p = &h->cmdline.params[i];
		bool held = false;

		if (p->after_dashes || i == h->cmdline.dashes || !pt_boot_param_relevant(p->name))
			continue;
		for (size_t k = 0; k < n && !held; k++)
			held = held_by(srcs[k], p);
		if (!held)
			e = pt_strbuf_printf(&sb, "%s%s", sb.len ? " " : "", p->raw);
	}
	if (e >= 0 && sb.len)
		*ret = pt_strbuf_steal(&sb);
	pt_strbuf_done(&sb);
	return e < 0 ? -ENOMEM : 0;
}

/* Which configuration the running line is compared with: the decided path's, or all of them. */
static int stray(const struct pt_host *h, const struct sources *s, struct pt_boot_verdict *v)
{
	const struct pt_cmdline *srcs[2];
	size_t n = 0;

	if (!h->cmdline_known)
		return 0;
	switch (v->path) {
	case PT_BOOT_GRUB:
		if (!s->grub_known)
			return 0;
		srcs[n++] = &s->grub;
		break;
	case PT_BOOT_SDBOOT_PBT:
		if (!s->kfile_known)
			return 0;
		srcs[n++] = &s->kfile;
		break;
	case PT_BOOT_SDBOOT: /* its loader entries are not read */
		return 0;
	case PT_BOOT_UNKNOWN:
		if (s->grub_known)
			srcs[n++] = &s->grub;
		if (s->kfile_known)
			srcs[n++] = &s->kfile;
		break;
	}
	return stray_params(h, srcs, n, &v->stray);
}

int pt_boot_judge(const struct pt_host *h, struct pt_boot_verdict *ret)
{
	struct sources s = {0};
	struct marks m = read_marks(h);
	int e = parse_sources(h, &s);

	*ret = (struct pt_boot_verdict){0};
	if (e >= 0) {
		ret->matches = matches(h, &s);
		decide(h, &m, ret);
		ret->conflict = conflict(h, &m, ret);
		e = stray(h, &s, ret);
	}
	pt_cmdline_done(&s.grub);
	pt_cmdline_done(&s.kfile);
	if (e < 0)
		pt_boot_verdict_done(ret);
	return e;
}

void pt_boot_verdict_done(struct pt_boot_verdict *v)
{
	free(v->stray);
	v->stray = NULL;
}

int pt_boot_question(const struct pt_host *h, const struct pt_boot_verdict *v, struct pt_strbuf *sb)
{
	if (v->candidates == 1u << PT_BOOT_GRUB)
		return pt_strbuf_puts(sb, "does this host's next boot go through GRUB's menu? "
					  "If it does, say so to `passthru plan` and `apply` with "
					  "--boot-path grub; if the kernel is started some other "
					  "way, set the parameters there");
	if (h->boot.proxmox_boot == PT_YES)
		/* proxmox-kernel-helper src/bin/proxmox-boot-tool, status. */
		return pt_strbuf_puts(sb,
				      "which loader boots this host, GRUB or systemd-boot? "
				      "`proxmox-boot-tool status` says it per ESP (\"configured "
				      "with: uefi\" is systemd-boot, \"grub\" is GRUB); "
				      "`passthru plan` and `apply` take the answer as "
				      "--boot-path grub or --boot-path systemd-boot");
	return pt_strbuf_puts(sb, "which loader boots this host, GRUB or systemd-boot? "
				  "`efibootmgr -v` names the one the firmware starts (grubx64.efi "
				  "or shimx64.efi: GRUB; systemd-bootx64.efi: systemd-boot); "
				  "`passthru plan` and `apply` take the answer as --boot-path "
				  "grub or --boot-path systemd-boot");
}

enum pt_boot_path pt_boot_path(const struct pt_host *h, const char **why)
{
	struct pt_boot_verdict v;

	if (pt_boot_judge(h, &v) < 0) {
		*why = NULL;
		return PT_BOOT_UNKNOWN;
	}
	*why = v.path == PT_BOOT_UNKNOWN ? NULL : v.why;
	pt_boot_verdict_done(&v);
	return v.path;
}

static bool in_proc_cmdline(const struct pt_host *h, const struct pt_cmdline_param *p)
{
	const struct pt_cmdline_param *q = NULL;

	while ((q = pt_cmdline_next(&h->cmdline, p->name, q)))
		if ((!q->value && !p->value) ||
		    (q->value && p->value && !strcmp(q->value, p->value)))
			return true;
	return false;
}

/*
 * The tokens of text the running kernel did not get, space-separated into *ret (NULL when
 * none). only_relevant: passthrough-related parameters only.
 */
static int missing_tokens(const struct pt_host *h, const char *text, bool only_relevant, char **ret)
{
	struct pt_cmdline cl = {0};
	struct pt_strbuf sb = {0};
	int e = pt_cmdline_parse(text, strlen(text), &cl);

	*ret = NULL;
	if (e < 0)
		return e == -ENOMEM ? e : 0;
	for (size_t i = 0; i < cl.n; i++) {
		const struct pt_cmdline_param *p = &cl.params[i];

		if (p->after_dashes || i == cl.dashes || in_proc_cmdline(h, p) ||
		    (only_relevant && !pt_boot_param_relevant(p->name)))
			continue;
		if (pt_strbuf_printf(&sb, "%s%s", sb.len ? " " : "", p->raw) < 0)
			e = -ENOMEM;
	}
	pt_cmdline_done(&cl);
	if (sb.len)
		*ret = pt_strbuf_steal(&sb);
	pt_strbuf_done(&sb);
	return e;
}

/* GRUB_CMDLINE_LINUX + " " + GRUB_CMDLINE_LINUX_DEFAULT; NULL when either is unknown. */
static char *grub_cmdline(const struct pt_host *h, bool *unknown)
{
	const struct pt_grub_var *a = &h->grub.cmdline_linux, *b = &h->grub.cmdline_linux_default;
	struct pt_strbuf sb = {0};

	*unknown = (a->assigned && !a->value) || (b->assigned && !b->value);
	if (*unknown)
		return NULL;
	pt_strbuf_printf(&sb, "%s %s", a->value ? a->value : "", b->value ? b->value : "");
	return pt_strbuf_steal(&sb);
}

int pt_boot_sync_judge(const struct pt_host *h, enum pt_boot_path bp, struct pt_boot_sync *ret)
{
	struct pt_boot_sync s = {.path = bp, .state = PT_BOOT_SYNC_NOT_COMPARED};
	char *grub = NULL;
	bool unknown = false;
	int e = 0;

	if (!h->cmdline_known) {
		*ret = s;
		return 0;
	}
	if (bp == PT_BOOT_GRUB && h->grub.known) {
		grub = grub_cmdline(h, &unknown);
		if (grub)
			e = missing_tokens(h, grub, false, &s.missing);
		s.file = "/etc/default/grub (+ grub.d)";
		/* proxmox-kernel-helper: on a proxmox-boot-tool host GRUB lives on the ESPs. */
		s.apply = h->boot.proxmox_boot == PT_YES ? "proxmox-boot-tool refresh"
							 : "update-grub";
		if (e >= 0 && h->boot.kernel_cmdline_file)
			e = missing_tokens(h, h->boot.kernel_cmdline_file, true, &s.other);
	} else if (bp == PT_BOOT_SDBOOT_PBT && h->boot.kernel_cmdline_file) {
		e = missing_tokens(h, h->boot.kernel_cmdline_file, false, &s.missing);
		s.file = "/etc/kernel/cmdline";
		s.apply = "proxmox-boot-tool refresh";
		if (e >= 0 && h->grub.known) {
			bool u;
			char *g = grub_cmdline(h, &u);

			if (g)
				e = missing_tokens(h, g, true, &s.other);
			free(g);
		}
	}
	if (s.file && s.missing)
		s.state = PT_BOOT_SYNC_NOT_REFRESHED;
	else if (s.file && !unknown && (grub || bp == PT_BOOT_SDBOOT_PBT))
		s.state = PT_BOOT_SYNC_IN_SYNC;
	else if (unknown)
		s.state = PT_BOOT_SYNC_CONFIG_UNKNOWN;
	free(grub);
	if (e < 0) {
		pt_boot_sync_done(&s);
		return e;
	}
	*ret = s;
	return 0;
}

void pt_boot_sync_done(struct pt_boot_sync *s)
{
	free(s->missing);
	free(s->other);
	s->missing = s->other = NULL;
}
