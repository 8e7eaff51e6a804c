/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-wide checks, areas boot and modules (docs/checks.md): which boot path is in use and
 * whether its configured command line reached the running kernel (docs/facts.md, "Which
 * loader boots the host"); the vfio modules, vfio_virqfd, and modprobe.d lines kmod ignores
 * (docs/facts.md, "modprobe.d precedence", "Binding a device to vfio-pci").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/host.h"
#include "util/strbuf.h"

static void grub_var_evidence(struct pt_findings *out, struct pt_finding *f, const char *name,
			      const struct pt_grub_var *v)
{
	struct pt_strbuf path = {0}, val = {0};

	if (!v->assigned)
		return;
	pt_strbuf_printf(&path, "%s:%u", v->file, v->line);
	pt_strbuf_printf(&val, "%s=\"%s\"", name, v->value ? v->value : "(unknown)");
	if (path.buf && val.buf)
		pt_finding_evidence(out, f, path.buf, val.buf);
	pt_strbuf_done(&path);
	pt_strbuf_done(&val);
}

static void grub_evidence(const struct pt_host *h, struct pt_findings *out, struct pt_finding *f)
{
	grub_var_evidence(out, f, "GRUB_CMDLINE_LINUX", &h->grub.cmdline_linux);
	grub_var_evidence(out, f, "GRUB_CMDLINE_LINUX_DEFAULT", &h->grub.cmdline_linux_default);
}

/*
 * "FILE" or "FILE (line N, the assignment GRUB uses)": where a parameter added to
 * GRUB_CMDLINE_LINUX_DEFAULT takes effect, which is not /etc/default/grub when a grub.d snippet
 * assigns it after (grub-mkconfig sources grub.d/\*.cfg after it; the last assignment wins).
 */
static int grub_target(const struct pt_host *h, struct pt_strbuf *sb)
{
	unsigned line;
	const char *file = pt_grub_default_file(h, &line);

	if (!line)
		return pt_strbuf_puts(sb, file);
	return pt_strbuf_printf(sb, "%s (line %u, the assignment GRUB uses)", file, line);
}

static void grub_overrides(const struct pt_host *h, struct pt_findings *out)
{
	static const char *const names[] = {"GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT"};
	const struct pt_grub_var *vars[] = {&h->grub.cmdline_linux, &h->grub.cmdline_linux_default};

	for (size_t i = 0; i < 2; i++) {
		const struct pt_grub_var *v = vars[i];
		struct pt_finding *f;

		/* passthru's drop-in keeps the earlier value and adds to it: no override. */
		if (!v->overridden_file || streq(v->file, PT_PLAN_GRUB_DROPIN))
			continue;
		f = pt_findings_add(out, PT_AREA_BOOT, "boot.grub-override", PT_SEV_INFO, NULL,
				    "Debian grub2 grub-mkconfig");
		pt_finding_message(out, f,
				   "%s set in %s line %u is overridden by %s line %u: GRUB uses "
				   "\"%s\"",
				   names[i], v->overridden_file, v->overridden_line, v->file,
				   v->line, v->value ? v->value : "(unknown)");
		pt_finding_hint(out, f,
				"edit %s (grub-mkconfig reads /etc/default/grub.d/*.cfg after "
				"/etc/default/grub; the last assignment wins), then update-grub",
				v->file);
		grub_var_evidence(out, f, names[i], v);
	}
}

static const char *const boot_fact = "pve-docs system-booting.adoc; "
				     "proxmox-kernel-helper zz-proxmox-boot";
/* Where BOOT_IMAGE= and the initrd= of proxmox-boot-tool's entries come from. */
static const char *const cmdline_fact = "grub include/grub/lib/cmdline.h LINUX_IMAGE, "
					"util/grub.d/10_linux.in; proxmox-kernel-helper "
					"zz-proxmox-boot";

/* Whether the verdict rests on the running command line, which is then evidence. */
static bool cmdline_decides(const struct pt_boot_verdict *v)
{
	return v->basis == PT_BOOT_BY_BOOT_IMAGE || v->basis == PT_BOOT_BY_PBT_INITRD ||
	       v->basis == PT_BOOT_BY_KERNEL_CMDLINE || v->path == PT_BOOT_UNKNOWN;
}

static void path_message(const struct pt_boot_verdict *v, struct pt_strbuf *sb)
{
	switch (v->path) {
	case PT_BOOT_GRUB:
		pt_strbuf_printf(sb,
				 "this host boots with GRUB (%s): its command line comes from "
				 "GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT in "
				 "/etc/default/grub and /etc/default/grub.d/*.cfg",
				 v->why);
		break;
	case PT_BOOT_SDBOOT_PBT:
		pt_strbuf_printf(sb,
				 "this host boots with systemd-boot through proxmox-boot-tool "
				 "(%s): its command line is the first line of /etc/kernel/cmdline",
				 v->why);
		break;
	case PT_BOOT_SDBOOT:
		pt_strbuf_printf(sb,
				 "this host boots with systemd-boot (%s) without "
				 "proxmox-boot-tool: its command line is in the loader entries on "
				 "the ESP",
				 v->why);
		break;
	case PT_BOOT_UNKNOWN:
		pt_strbuf_printf(sb, "which boot loader starts this host's kernel is not known: %s",
				 v->why);
		break;
	}
	if (v->conflict)
		pt_strbuf_printf(sb, "; evidence that disagrees: %s", v->conflict);
}

/* boot.path or boot.unknown: the verdict, how it was reached, the question when open. */
static int path_finding(const struct pt_host *h, const struct pt_boot_verdict *v,
			struct pt_findings *out)
{
	struct pt_strbuf msg = {0}, q = {0};
	struct pt_finding *f;
	bool open = v->path == PT_BOOT_UNKNOWN;
	int e;

	f = pt_findings_add(out, PT_AREA_BOOT, open ? "boot.unknown" : "boot.path", PT_SEV_INFO,
			    NULL, boot_fact);
	path_message(v, &msg);
	e = open ? pt_boot_question(h, v, &q) : 0;
	if (!msg.buf || e < 0) {
		e = -ENOMEM;
		goto out;
	}
	pt_finding_message(out, f, "%s", msg.buf);
	if (open)
		pt_finding_hint(out, f, "%s", q.buf);
	pt_finding_evidence(out, f, "/sys/firmware/efi",
			    h->boot.efi == PT_YES  ? "present"
			    : h->boot.efi == PT_NO ? "absent"
						   : NULL);
	if (h->boot.loader_info)
		pt_finding_evidence(out, f,
				    "/sys/firmware/efi/efivars/LoaderInfo-"
				    "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f",
				    h->boot.loader_info);
	if (h->boot.secure_boot != PT_UNKNOWN)
		pt_finding_evidence(out, f,
				    "/sys/firmware/efi/efivars/SecureBoot-"
				    "8be4df61-93ca-11d2-aa0d-00e098032b8c",
				    h->boot.secure_boot == PT_YES ? "1" : "0");
	if (h->boot.proxmox_boot == PT_YES)
		pt_finding_evidence(out, f, "/etc/kernel/proxmox-boot-uuids", "present");
	if (h->cmdline_known && cmdline_decides(v))
		pt_finding_evidence(out, f, "/proc/cmdline", h->cmdline_raw);
	if (h->boot.kernel_cmdline_file &&
	    (v->basis == PT_BOOT_BY_KERNEL_CMDLINE || (open && h->cmdline_known)))
		pt_finding_evidence(out, f, "/etc/kernel/cmdline", h->boot.kernel_cmdline_file);
out:
	pt_strbuf_done(&msg);
	pt_strbuf_done(&q);
	return e;
}

/*
 * GRUB is this host's loader, yet GRUB did not start this kernel: comparing GRUB's files with
 * /proc/cmdline says nothing, so neither boot.in-sync nor boot.not-refreshed.
 */
static void elsewhere_finding(const struct pt_host *h, const struct pt_boot_verdict *v,
			      struct pt_findings *out)
{
	struct pt_finding *f = pt_findings_add(out, PT_AREA_BOOT, "boot.cmdline-elsewhere",
					       PT_SEV_WARN, NULL, cmdline_fact);

	pt_finding_message(
		out, f,
		"the running command line did not come from the boot configuration passthru "
		"sees: GRUB prepends BOOT_IMAGE= and /proc/cmdline lacks it%s%s%s; it may come "
		"from a direct kernel boot (a hypervisor's -kernel and -append, a firmware boot "
		"entry that starts the kernel itself), kexec, another boot loader, or the "
		"command line built into the kernel (CONFIG_CMDLINE)",
		v->stray ? ", and it has " : "", v->stray ? v->stray : "",
		v->stray ? ", which no configured file holds" : "");
	pt_finding_hint(out, f,
			"change passthrough parameters where this kernel's command line is set; "
			"if the next boot does go through GRUB's menu, `passthru plan "
			"--boot-path grub` plans the edit there");
	pt_finding_evidence(out, f, "/proc/cmdline", h->cmdline_raw);
	if (h->grub.known)
		grub_evidence(h, out, f);
	if (h->boot.kernel_cmdline_file)
		pt_finding_evidence(out, f, "/etc/kernel/cmdline", h->boot.kernel_cmdline_file);
}

/*
 * The loader that boots this host started the kernel with passthrough parameters its
 * configuration does not set: the next refresh regenerates the entries without them.
 */
static int stray_finding(const struct pt_host *h, const struct pt_boot_verdict *v,
			 struct pt_findings *out)
{
	struct pt_strbuf target = {0};
	struct pt_finding *f;
	int e = 0;

	f = pt_findings_add(out, PT_AREA_BOOT, "boot.stray-params", PT_SEV_WARN, NULL,
			    cmdline_fact);
	if (v->path == PT_BOOT_GRUB) {
		pt_finding_message(
			out, f,
			"/proc/cmdline has %s, which GRUB's configuration does not set: the GRUB "
			"entry that started this kernel was not generated from it as it is now "
			"(update-grub not run since it changed, an entry written by hand in "
			"/etc/grub.d/40_custom or grub.cfg, or edited at the GRUB menu)",
			v->stray);
		e = grub_target(h, &target);
		if (e >= 0)
			pt_finding_hint(
				out, f,
				"the entries %s writes from the configuration (passthru "
				"apply runs it for a command-line change) will not have "
				"them; to keep one, add it to GRUB_CMDLINE_LINUX_DEFAULT in "
				"%s",
				h->boot.proxmox_boot == PT_YES ? "proxmox-boot-tool refresh"
							       : "update-grub",
				target.buf);
		grub_evidence(h, out, f);
	} else {
		pt_finding_message(out, f,
				   "/proc/cmdline has %s, which the first line of "
				   "/etc/kernel/cmdline does not: the systemd-boot entry that "
				   "started this kernel was written from an earlier "
				   "/etc/kernel/cmdline, or edited by hand",
				   v->stray);
		pt_finding_hint(out, f,
				"the entries proxmox-boot-tool refresh writes (update-initramfs, "
				"so also passthru apply, runs it) will not have them; to keep one, "
				"add it to the first line of /etc/kernel/cmdline");
		pt_finding_evidence(out, f, "/etc/kernel/cmdline", h->boot.kernel_cmdline_file);
	}
	pt_finding_evidence(out, f, "/proc/cmdline", h->cmdline_raw);
	pt_strbuf_done(&target);
	return e < 0 ? -ENOMEM : 0;
}

/* The configured file the host boots from, compared with /proc/cmdline both ways. */
static int config_findings(const struct pt_host *h, const struct pt_boot_sync *sync,
			   struct pt_findings *out)
{
	enum pt_boot_path bp = sync->path;
	struct pt_finding *f = NULL;
	int e = 0;

	if (bp == PT_BOOT_GRUB && h->grub.known)
		grub_overrides(h, out);
	if (sync->state == PT_BOOT_SYNC_NOT_REFRESHED) {
		f = pt_findings_add(out, PT_AREA_BOOT, "boot.not-refreshed", PT_SEV_WARN, NULL,
				    boot_fact);
		pt_boot_sync_message(sync, out, f);
	} else if (sync->state == PT_BOOT_SYNC_IN_SYNC) {
		f = pt_findings_add(out, PT_AREA_BOOT, "boot.in-sync", PT_SEV_PASS, NULL,
				    boot_fact);
		pt_boot_sync_message(sync, out, f);
	} else if (sync->state == PT_BOOT_SYNC_CONFIG_UNKNOWN) {
		f = pt_findings_add(out, PT_AREA_BOOT, "boot.config-unknown", PT_SEV_INFO, NULL,
				    boot_fact);
		pt_boot_sync_message(sync, out, f);
	}
	if (f && bp == PT_BOOT_GRUB)
		grub_evidence(h, out, f);
	else if (f)
		pt_finding_evidence(out, f, "/etc/kernel/cmdline", h->boot.kernel_cmdline_file);
	if (f)
		pt_finding_evidence(out, f, "/proc/cmdline", h->cmdline_raw);
	if (sync->other) {
		f = pt_findings_add(out, PT_AREA_BOOT, "boot.wrong-file", PT_SEV_WARN, NULL,
				    boot_fact);
		if ((e = pt_boot_wrong_file_message(h, sync, out, f)) < 0)
			goto out;
		if (bp == PT_BOOT_GRUB)
			pt_finding_evidence(out, f, "/etc/kernel/cmdline",
					    h->boot.kernel_cmdline_file);
		else
			grub_evidence(h, out, f);
		pt_finding_evidence(out, f, "/proc/cmdline", h->cmdline_raw);
	}
out:
	return e < 0 ? e : 0;
}

/* The sentences of the sync verdict, for check's findings and verify's items alike. */
void pt_boot_sync_message(const struct pt_boot_sync *s, struct pt_findings *out,
			  struct pt_finding *f)
{
	switch (s->state) {
	case PT_BOOT_SYNC_NOT_REFRESHED:
		pt_finding_message(out, f,
				   "%s configures %s, but the running kernel did not get it "
				   "(/proc/cmdline): edited but not applied, or not rebooted since",
				   s->file, s->missing);
		pt_finding_hint(out, f, "run %s, then reboot", s->apply);
		break;
	case PT_BOOT_SYNC_IN_SYNC:
		pt_finding_message(out, f, "the running kernel got every parameter %s configures",
				   s->file);
		break;
	case PT_BOOT_SYNC_CONFIG_UNKNOWN:
		pt_finding_message(out, f,
				   "the GRUB command line cannot be evaluated without running "
				   "the file (command substitution, conditionals)");
		break;
	case PT_BOOT_SYNC_NOT_COMPARED:
		pt_finding_message(out, f,
				   "the configured kernel command line cannot be compared with "
				   "/proc/cmdline here (boot path or files unknown)");
		break;
	}
}

int pt_boot_wrong_file_message(const struct pt_host *h, const struct pt_boot_sync *s,
			       struct pt_findings *out, struct pt_finding *f)
{
	struct pt_strbuf target = {0};

	if (s->path == PT_BOOT_GRUB) {
		pt_finding_message(out, f,
				   "/etc/kernel/cmdline has %s, which the running kernel "
				   "did not get: this host boots with GRUB, which does not "
				   "read that file",
				   s->other);
		if (grub_target(h, &target) < 0)
			return -ENOMEM;
		pt_finding_hint(out, f,
				"put them in GRUB_CMDLINE_LINUX_DEFAULT in %s, run %s, reboot",
				target.buf, s->apply);
		pt_strbuf_done(&target);
	} else {
		pt_finding_message(out, f,
				   "the GRUB configuration has %s, which the running kernel "
				   "did not get: this host boots with systemd-boot, which "
				   "reads /etc/kernel/cmdline instead",
				   s->other);
		pt_finding_hint(out, f,
				"put them in /etc/kernel/cmdline (first line), run "
				"proxmox-boot-tool refresh, reboot");
	}
	return 0;
}

int pt_check_boot_path(const struct pt_host *h, const struct pt_verdicts *vd,
		       const struct pt_check_opts *o, struct pt_findings *out)
{
	const struct pt_boot_verdict *v = &vd->boot;
	int e;

	(void)o;
	e = path_finding(h, v, out);
	if (e >= 0 && h->cmdline_known && v->elsewhere)
		elsewhere_finding(h, v, out);
	else if (e >= 0 && h->cmdline_known)
		e = config_findings(h, &vd->sync, out);
	if (e >= 0 && h->cmdline_known && v->stray && v->path != PT_BOOT_UNKNOWN)
		e = stray_finding(h, v, out);
	return e < 0 ? e : 0;
}

/* ---- modules ---- */

int pt_check_vfio_modules(const struct pt_host *h, const struct pt_verdicts *vd,
			  const struct pt_check_opts *o, struct pt_findings *out)
{
	static const char *const mods[] = {"vfio", "vfio_iommu_type1", "vfio_pci"};
	const char *fact = "pve-common SysFSTools.pm";
	struct pt_strbuf have = {0}, missing = {0}, unknown = {0};
	struct pt_finding *f;

	(void)o;
	for (size_t i = 0; i < ELEMENTSOF(mods); i++) {
		bool loaded = h->loaded_known && pt_strv_contains(&h->loaded_modules, mods[i]);
		bool builtin = h->builtin_known && pt_modbuiltin_has(&h->builtin, mods[i]);

		if (loaded || builtin)
			pt_strbuf_printf(&have, "%s%s%s", have.len ? ", " : "", mods[i],
					 builtin ? " (built in)" : "");
		else if (h->loaded_known && h->builtin_known)
			pt_strbuf_printf(&missing, "%s%s", missing.len ? ", " : "", mods[i]);
		else
			pt_strbuf_printf(&unknown, "%s%s", unknown.len ? ", " : "", mods[i]);
	}
	if (missing.len) {
		f = pt_findings_add(out, PT_AREA_MODULES, "modules.vfio-not-loaded", PT_SEV_INFO,
				    NULL, fact);
		pt_finding_message(out, f, "not loaded and not built in: %s", missing.buf);
		pt_finding_hint(out, f,
				"Proxmox loads vfio-pci when a VM with a hostpci device starts; to "
				"claim devices at boot, load it early (vfio-pci options in "
				"/etc/modprobe.d with a softdep, or /etc/initramfs-tools/modules) "
				"and run update-initramfs -u -k all");
	} else if (unknown.len) {
		f = pt_findings_add(out, PT_AREA_MODULES, "modules.vfio-unknown", PT_SEV_INFO, NULL,
				    fact);
		pt_finding_message(out, f, "whether %s are loaded or built in is unknown",
				   unknown.buf);
	} else {
		f = pt_findings_add(out, PT_AREA_MODULES, "modules.vfio", PT_SEV_PASS, NULL, fact);
		pt_finding_message(out, f, "loaded or built in: %s", have.buf);
	}
	pt_finding_evidence(out, f, "/proc/modules",
			    !h->loaded_known ? NULL
			    : have.len	     ? have.buf
					     : "(no vfio module)");
	if (h->builtin_known && h->kernel_release) {
		struct pt_strbuf p = {0};

		pt_strbuf_printf(&p, "/lib/modules/%s/modules.builtin", h->kernel_release);
		if (p.buf)
			pt_finding_evidence(out, f, p.buf, "read");
		pt_strbuf_done(&p);
	}
	pt_strbuf_done(&have);
	pt_strbuf_done(&missing);
	pt_strbuf_done(&unknown);
	return 0;
}

/* Linux release major.minor >= 6.2, or -1 when it does not parse. */
static int release_has_no_virqfd(const char *rel)
{
	unsigned maj, min;

	if (!rel || sscanf(rel, "%u.%u", &maj, &min) != 2)
		return -1;
	return maj > 6 || (maj == 6 && min >= 2);
}

int pt_check_virqfd(const struct pt_host *h, const struct pt_verdicts *vd,
		    const struct pt_check_opts *o, struct pt_findings *out)
{
	const char *fact = "linux e2d55709398e";
	int gone = h->virqfd_indexed == PT_NO	 ? 1
		   : h->virqfd_indexed == PT_YES ? 0
						 : release_has_no_virqfd(h->kernel_release);

	(void)o;
	if (gone != 1)
		return 0;
	for (size_t i = 0; i < h->nmodule_lists; i++) {
		const struct pt_modlist_entry *en =
			pt_modlist_find(&h->module_lists[i].list, "vfio_virqfd");
		struct pt_strbuf path = {0};
		struct pt_finding *f;

		if (!en)
			continue;
		f = pt_findings_add(out, PT_AREA_MODULES, "modules.virqfd-gone", PT_SEV_WARN, NULL,
				    fact);
		pt_finding_message(out, f,
				   "%s line %u loads vfio_virqfd, which this kernel (%s) does not "
				   "have: it was merged into vfio in Linux 6.2 (%s), so loading it "
				   "fails with \"module not found\"",
				   h->module_lists[i].path, en->line,
				   h->kernel_release ? h->kernel_release : "?",
				   h->virqfd_indexed == PT_NO
					   ? "the module index has no vfio_virqfd"
					   : "decided from the release number: "
					     "no module index in this root");
		pt_finding_hint(out, f, "remove the line; vfio provides what vfio_virqfd did");
		pt_strbuf_printf(&path, "%s:%u", h->module_lists[i].path, en->line);
		if (path.buf)
			pt_finding_evidence(out, f, path.buf, en->raw);
		pt_strbuf_done(&path);
	}
	for (size_t c = 0; c < h->modprobe.n_confs; c++) {
		const struct pt_modprobe_conf *conf = &h->modprobe.confs[c];

		for (size_t k = 0; k < conf->n_cmds; k++) {
			const struct pt_modprobe_cmd *cmd = &conf->cmds[k];
			struct pt_strbuf path = {0};
			struct pt_finding *f;

			if (!(cmd->module && pt_modprobe_name_eq(cmd->module, "vfio_virqfd")) &&
			    !(cmd->raw && strstr(cmd->raw, "vfio_virqfd")) &&
			    !(cmd->raw && strstr(cmd->raw, "vfio-virqfd")))
				continue;
			f = pt_findings_add(out, PT_AREA_MODULES, "modules.virqfd-gone",
					    PT_SEV_WARN, NULL, fact);
			pt_finding_message(
				out, f,
				"%s line %u names vfio_virqfd, which this kernel (%s) "
				"does not have: it was merged into vfio in Linux 6.2 (%s)",
				conf->file, cmd->line, h->kernel_release ? h->kernel_release : "?",
				h->virqfd_indexed == PT_NO
					? "the module index has no vfio_virqfd"
					: "decided from the release number: no module "
					  "index in this root");
			pt_finding_hint(out, f, "remove vfio_virqfd from the line");
			pt_strbuf_printf(&path, "%s:%u", conf->file, cmd->line);
			if (path.buf)
				pt_finding_evidence(out, f, path.buf, cmd->raw);
			pt_strbuf_done(&path);
		}
	}
	return 0;
}

int pt_check_modprobe_lines(const struct pt_host *h, const struct pt_verdicts *vd,
			    const struct pt_check_opts *o, struct pt_findings *out)
{
	(void)o;
	for (size_t c = 0; c < h->modprobe.n_confs; c++) {
		const struct pt_modprobe_conf *conf = &h->modprobe.confs[c];

		for (size_t w = 0; w < conf->n_warnings; w++) {
			const struct pt_modprobe_warning *wn = &conf->warnings[w];
			struct pt_strbuf msg = {0}, path = {0};
			struct pt_finding *f;

			if (!wn->kmod_logs)
				continue;
			if (pt_modprobe_kmod_message(conf, wn, &msg) < 0) {
				pt_strbuf_done(&msg);
				continue;
			}
			f = pt_findings_add(out, PT_AREA_MODULES, "modules.modprobe-bad-line",
					    PT_SEV_WARN, NULL, "kmod libkmod/libkmod-config.c");
			pt_finding_message(out, f, "kmod ignores a line: %s", msg.buf);
			pt_finding_hint(out, f,
					"fix or remove the line (modprobe -c shows what kmod "
					"uses), then update-initramfs -u -k all");
			pt_strbuf_printf(&path, "%s:%u", conf->file, wn->line);
			if (path.buf)
				pt_finding_evidence(out, f, path.buf, wn->raw);
			pt_strbuf_done(&path);
			pt_strbuf_done(&msg);
		}
	}
	return 0;
}

/*
 * A blacklisted module that a host device still needs: the guide's `blacklist snd_hda_intel`
 * also silences the onboard audio, which the same module drives (docs/facts.md, "Binding a
 * device to vfio-pci"; kmod modprobe.d(5)). A device already on vfio-pci needs nothing from it.
 */
int pt_check_blacklist_shared(const struct pt_host *h, const struct pt_verdicts *vd,
			      const struct pt_check_opts *o, struct pt_findings *out)
{
	(void)o;
	for (size_t i = 0; i < h->ndevs; i++) {
		const struct pt_pci_dev *d = &h->devs[i];

		if (d->driver && streq(d->driver, "vfio-pci"))
			continue;
		for (size_t m = 0; m < d->nmodules; m++) {
			struct pt_modprobe_ref ref;
			struct pt_strbuf path = {0};
			struct pt_finding *f;

			if (!pt_modprobe_set_blacklisted(&h->modprobe, d->modules[m].name, &ref))
				continue;
			f = pt_findings_add(out, PT_AREA_MODULES, "modules.blacklist-host-device",
					    PT_SEV_WARN, d, "kmod modprobe.d(5)");
			pt_finding_message(
				out, f,
				"%s is blacklisted, yet %s (%s) would be driven by it: the "
				"host loses that device",
				d->modules[m].name, d->slot,
				d->class_name ? d->class_name : "a host device");
			pt_finding_hint(
				out, f,
				"remove the blacklist line and give only the passed-through "
				"functions to vfio-pci (ids= or driver_override), then "
				"update-initramfs -u -k all");
			pt_strbuf_printf(&path, "%s:%u", ref.conf->file, ref.cmd->line);
			if (path.buf)
				pt_finding_evidence(out, f, path.buf, ref.cmd->raw);
			pt_strbuf_done(&path);
		}
	}
	return 0;
}
