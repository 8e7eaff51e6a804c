/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "model/sources.h"
#include "snapshot/capture.h"
#include "parse/snapshot-meta.h"
#include "util/lines.h"
#include "util/macro.h"
#include "util/path.h"
#include "util/strbuf.h"

/* Largest file captured: a pci.ids is 1.3 MiB, a modules.alias.bin a few MiB. */
#define FILE_MAX (64u << 20)

/*
 * The attributes of linux ABI sysfs-bus-pci passthru reads. Never rom, resource*, reset, remove,
 * rescan: they are not facts, or act.
 */
const char *const pt_snapshot_pci_attrs[] = {
	"vendor",
	"device",
	"subsystem_vendor",
	"subsystem_device",
	"class",
	"revision",
	"modalias",
	"driver",
	"driver_override",
	"iommu_group",
	"numa_node",
	"local_cpulist",
	"local_cpus",
	"boot_vga",
	"boot_display",
	"reset_method",
	"config",
	"enable",
	"current_link_speed",
	"current_link_width",
	"max_link_speed",
	"max_link_width",
	"secondary_bus_number",
	"subordinate_bus_number",
	"sriov_totalvfs",
	"sriov_numvfs",
	"sriov_offset",
	"sriov_stride",
	"sriov_vf_device",
	"physfn",
	"pci_bus",
	"d3cold_allowed",
	"label",
	"index",
	"acpi_index",
	NULL,
};

/* Files that are not text: never redacted (a MAC-like byte run in them is not a MAC). */
static const char *const binary_suffixes[] = {"/config", ".bin", "/DMAR", "/IVRS", NULL};

/* ---- a set of captured paths ---- */

struct pathset {
	char **slots;
	size_t cap, n;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* Adds path; returns 1 if new, 0 if present, -ENOMEM. */
static int pathset_add(struct pathset *ps, const char *path)
{
	if ((ps->n + 1) * 2 > ps->cap) {
		struct pathset bigger = {.cap = ps->cap ? ps->cap * 2 : 1024};

		bigger.slots = calloc(bigger.cap, sizeof(char *));
		if (!bigger.slots)
			return -ENOMEM;
		for (size_t i = 0; i < ps->cap; i++) {
			if (!ps->slots[i])
				continue;
			size_t j = hash(ps->slots[i]) & (bigger.cap - 1);
			while (bigger.slots[j])
				j = (j + 1) & (bigger.cap - 1);
			bigger.slots[j] = ps->slots[i];
		}
		free(ps->slots);
		ps->slots = bigger.slots;
		ps->cap = bigger.cap;
	}
	size_t j = hash(path) & (ps->cap - 1);
	while (ps->slots[j]) {
		if (streq(ps->slots[j], path))
			return 0;
		j = (j + 1) & (ps->cap - 1);
	}
	ps->slots[j] = strdup(path);
	if (!ps->slots[j])
		return -ENOMEM;
	ps->n++;
	return 1;
}

static void pathset_done(struct pathset *ps)
{
	for (size_t i = 0; i < ps->cap; i++)
		free(ps->slots[i]);
	free(ps->slots);
}

/* ---- redaction ---- */

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_word(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '-' || c == '_';
}

/*
 * Length of a run of two-digit hex groups with one separator (':' or '-') at i, when it has
 * at least six groups: a MAC address ("aa:bb:cc:dd:ee:ff"), or one with a prefix such as
 * PXELINUX's BOOTIF=01-aa-bb-cc-dd-ee-ff, or a longer hardware address. 0 otherwise.
 */
static size_t mac_run_at(const char *s, size_t len, size_t i)
{
	size_t groups = 0, j = i;
	char sep;

	if (i + 17 > len || (i > 0 && (is_hex(s[i - 1]) || s[i - 1] == ':' || s[i - 1] == '-')))
		return 0;
	sep = s[i + 2];
	if (sep != ':' && sep != '-')
		return 0;
	for (;;) {
		if (j + 2 > len || !is_hex(s[j]) || !is_hex(s[j + 1]))
			return 0;
		groups++;
		j += 2;
		if (j < len && s[j] == sep && j + 2 < len && is_hex(s[j + 1]) && is_hex(s[j + 2]))
			j++;
		else
			break;
	}
	if (groups < 6 || (j < len && (is_hex(s[j]) || s[j] == sep)))
		return 0;
	return j - i;
}

/*
 * systemd's MAC-based interface names: "enx" and the 12 hex digits of the address
 * (systemd.net-naming-scheme(7), NAMING_MAC). The name is the address.
 */
static bool mac_ifname_at(const char *s, size_t len, size_t i)
{
	if (i + 15 > len || memcmp(s + i, "enx", 3) != 0 || (i > 0 && is_word(s[i - 1])))
		return false;
	for (size_t k = 3; k < 15; k++)
		if (!is_hex(s[i + k]))
			return false;
	return i + 15 == len || !is_word(s[i + 15]);
}

static bool has_mac_ifname(const char *path)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < len; i++)
		if ((i == 0 || path[i - 1] == '/') && mac_ifname_at(path, len, i))
			return true;
	return false;
}

int pt_snapshot_redact(char **buf, size_t *len, const char *hostname)
{
	size_t hl = hostname ? strlen(hostname) : 0;
	struct pt_strbuf out = {0};
	const char *s = *buf;
	size_t i = 0, run;
	int e = 0;

	while (i < *len && e >= 0) {
		if (mac_ifname_at(s, *len, i)) {
			e = pt_strbuf_puts(&out, "enxXXXXXXXXXXXX");
			i += 15;
		} else if ((run = mac_run_at(s, *len, i)) > 0) {
			for (size_t k = 0; k < run && e >= 0; k++)
				e = pt_strbuf_putc(&out, k % 3 == 2 ? s[i + k] : 'X');
			i += run;
		} else if (hl && is_word(s[i]) && (i == 0 || !is_word(s[i - 1]))) {
			size_t w = i;

			while (w < *len && is_word(s[w]))
				w++;
			/* The host's name, or its FQDN: a word equal to it or starting "name.". */
			if ((w - i == hl || (w - i > hl && s[i + hl] == '.')) &&
			    memcmp(s + i, hostname, hl) == 0)
				e = pt_strbuf_puts(&out, "REDACTED-HOSTNAME");
			else
				e = pt_strbuf_append(&out, s + i, w - i);
			i = w;
		} else {
			e = pt_strbuf_putc(&out, s[i++]);
		}
	}
	if (e < 0) {
		pt_strbuf_done(&out);
		return e;
	}
	free(*buf);
	*len = out.len;
	*buf = pt_strbuf_steal(&out);
	return 0;
}

/* ---- the capture ---- */

struct capture {
	struct pt_root *r;
	struct archive *a;
	struct pathset seen;
	struct pt_strv *warnings;
	char *hostname; /* redacted from text files */
	int err;
};

static void warn(struct capture *c, const char *path, int e)
{
	struct pt_strbuf sb = {0};

	if (pt_strbuf_printf(&sb, "%s: %s", path, strerror(-e)) >= 0)
		pt_strv_consume(c->warnings, pt_strbuf_steal(&sb));
	else
		pt_strbuf_done(&sb);
}

static bool is_binary(const char *path)
{
	size_t pl = strlen(path);

	for (size_t i = 0; binary_suffixes[i]; i++) {
		size_t sl = strlen(binary_suffixes[i]);

		if (pl >= sl && streq(path + pl - sl, binary_suffixes[i]))
			return true;
	}
	return strstr(path, "/efivars/") != NULL;
}

static int write_entry(struct capture *c, const char *path, mode_t type, const char *data,
		       size_t len, const char *target)
{
	struct archive_entry *e = archive_entry_new();
	int r = 0;

	if (!e)
		return -ENOMEM;
	archive_entry_set_pathname(e, path + 1); /* archive paths are relative */
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : type == AE_IFLNK ? 0777 : 0644);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
	archive_entry_set_mtime(e, 0, 0);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, target);
	archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)len : 0);
	if (archive_write_header(c->a, e) != ARCHIVE_OK ||
	    (type == AE_IFREG && len && archive_write_data(c->a, data, len) != (la_ssize_t)len))
		r = -EIO;
	archive_entry_free(e);
	return r;
}

static int capture_file(struct capture *c, const char *path)
{
	char *buf = NULL;
	size_t len;
	int e = pt_root_read_file(c->r, path, FILE_MAX, &buf, &len);

	if (e < 0) {
		if (e != -ENOENT && e != -ENOTDIR)
			warn(c, path, e);
		return 0;
	}
	if (!is_binary(path) && strncmp(path, "/usr/share/", 11) != 0)
		e = pt_snapshot_redact(&buf, &len, c->hostname);
	if (e >= 0)
		e = write_entry(c, path, AE_IFREG, buf, len, NULL);
	free(buf);
	return e;
}

/* Captures path as what it is (a link stays a link, a directory has no contents). */
static int capture_entry(struct capture *c, const char *path, enum pt_ftype t)
{
	char *target = NULL;
	int e = pathset_add(&c->seen, path);

	if (e <= 0)
		return e;
	switch (t) {
	case PT_FTYPE_LNK:
		e = pt_root_readlink(c->r, path, &target);
		if (e >= 0)
			e = write_entry(c, path, AE_IFLNK, NULL, 0, target);
		free(target);
		return e;
	case PT_FTYPE_DIR:
		return write_entry(c, path, AE_IFDIR, NULL, 0, NULL);
	case PT_FTYPE_REG:
		return capture_file(c, path);
	default:
		return 0;
	}
}

/*
 * Captures path and every symlink met on the way to it, each at its real place, so the
 * archive resolves like the source: /etc/os-release keeps its link and gains the file it
 * names, /sys/bus/pci/devices/X its link and the device directory's attribute.
 * Returns -ENOENT quietly for paths that do not exist.
 */
static int capture(struct capture *c, const char *path)
{
	struct pt_strbuf cur = {0};
	char *todo;
	unsigned links = 0;
	int e;

	/* A path naming an interface after its MAC address would carry the address. */
	if (has_mac_ifname(path))
		return 0;
	todo = strdup(path);
	e = todo ? 0 : -ENOMEM;

	while (e >= 0) {
		const char *rest = todo + cur.len;
		size_t len;
		enum pt_ftype t;

		while (*rest == '/')
			rest++;
		len = strcspn(rest, "/");
		if (!len)
			break;
		e = pt_strbuf_putc(&cur, '/');
		if (e >= 0)
			e = pt_strbuf_append(&cur, rest, len);
		if (e >= 0)
			e = pt_root_stat(c->r, cur.buf, false, &t);
		if (e < 0)
			break;
		if (rest[len] && t != PT_FTYPE_LNK)
			continue; /* an intermediate directory: created implicitly */
		e = capture_entry(c, cur.buf, t);
		if (e >= 0 && rest[len] && t == PT_FTYPE_LNK) {
			char *target = NULL, *resolved, *next;

			if (++links > 40 || (e = pt_root_readlink(c->r, cur.buf, &target)) < 0) {
				e = e < 0 ? e : -ELOOP;
				break;
			}
			resolved = pt_path_resolve_link(cur.buf, target);
			free(target);
			next = NULL;
			if (!resolved || asprintf(&next, "%s%s", resolved, rest + len) < 0)
				next = NULL;
			free(resolved);
			if (!next) {
				e = -ENOMEM;
				break;
			}
			free(todo);
			todo = next;
			pt_strbuf_reset(&cur);
		}
	}
	free(todo);
	pt_strbuf_done(&cur);
	return e;
}

static int ok_if_missing(int e)
{
	return e == -ENOENT || e == -ENOTDIR ? 0 : e;
}

/* The entries of dir, one level: files, links, and empty directories. */
static int capture_listing(struct capture *c, const char *dir)
{
	struct pt_strv names = {0};
	char path[PATH_MAX];
	int e = pt_root_list(c->r, dir, &names);

	if (e < 0)
		return ok_if_missing(e);
	for (size_t i = 0; i < names.n && e >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names.v[i]);
		e = ok_if_missing(capture(c, path));
	}
	pt_strv_done(&names);
	return e;
}

static int capture_device(struct capture *c, const struct pt_pci_dev *d)
{
	const char *dir = pt_src_path(PT_SRC_PCI_DEVICES);
	char path[PATH_MAX];
	int e = 0;

	for (size_t i = 0; pt_snapshot_pci_attrs[i] && e >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, d->slot, pt_snapshot_pci_attrs[i]);
		e = ok_if_missing(capture(c, path));
	}
	/* SR-IOV: the virtfnN links of a physical function. */
	for (unsigned n = 0; n < d->sriov_numvfs && e >= 0; n++) {
		snprintf(path, sizeof(path), "%s/%s/virtfn%u", dir, d->slot, n);
		e = ok_if_missing(capture(c, path));
	}
	return e;
}

static int capture_groups(struct capture *c)
{
	static const char *const parts[] = {"type", "reserved_regions", NULL};
	const char *dir = pt_src_path(PT_SRC_IOMMU_GROUPS);
	struct pt_strv groups = {0};
	char path[PATH_MAX];
	int e = pt_root_list(c->r, dir, &groups);

	if (e < 0)
		return ok_if_missing(e);
	for (size_t i = 0; i < groups.n && e >= 0; i++) {
		for (size_t k = 0; parts[k] && e >= 0; k++) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, groups.v[i], parts[k]);
			e = ok_if_missing(capture(c, path));
		}
		snprintf(path, sizeof(path), "%s/%s/devices", dir, groups.v[i]);
		if (e >= 0)
			e = capture_listing(c, path);
	}
	pt_strv_done(&groups);
	return e;
}

/*
 * /sys/class/iommu/<unit> and the capability registers behind it (linux ABI sysfs-class-iommu,
 * drivers/iommu/intel/iommu.h).
 */
static int capture_iommu_units(struct capture *c, const struct pt_host *h)
{
	static const char *const regs[] = {"intel-iommu/cap",	  "intel-iommu/ecap",
					   "intel-iommu/version", "amd-iommu/cap",
					   "amd-iommu/features",  NULL};
	const char *dir = pt_src_path(PT_SRC_IOMMU_UNITS);
	char path[PATH_MAX];
	int e = 0;

	for (size_t i = 0; i < h->iommu_units.n && e >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, h->iommu_units.v[i]);
		e = ok_if_missing(capture(c, path));
		for (size_t k = 0; regs[k] && e >= 0; k++) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, h->iommu_units.v[i], regs[k]);
			e = ok_if_missing(capture(c, path));
		}
	}
	return e;
}

static int capture_firmware(struct capture *c)
{
	static const char *const efivars[] = {"LoaderInfo-", "LoaderEntrySelected-", "SecureBoot-",
					      NULL};
	const char *dir = pt_src_path(PT_SRC_EFIVARS);
	struct pt_strv names = {0};
	char path[PATH_MAX];
	int e = ok_if_missing(capture(c, pt_src_path(PT_SRC_EFI)));

	/*
	 * Which loader booted (systemd docs/BOOT_LOADER_INTERFACE.md) and Secure Boot: a few small
	 * EFI variables.
	 */
	if (e < 0 || pt_root_list(c->r, dir, &names) < 0)
		return e;
	for (size_t i = 0; i < names.n && e >= 0; i++)
		for (size_t k = 0; efivars[k]; k++)
			if (startswith(names.v[i], efivars[k])) {
				snprintf(path, sizeof(path), "%s/%s", dir, names.v[i]);
				e = ok_if_missing(capture(c, path));
			}
	pt_strv_done(&names);
	return e;
}

/* CPU and NUMA topology, for pinning (linux ABI stable/sysfs-devices-system-cpu). */
static int capture_topology(struct capture *c)
{
	static const char *const cpu_files[] = {"online",
						"topology/physical_package_id",
						"topology/die_id",
						"topology/core_id",
						"topology/cluster_id",
						"topology/core_cpus_list",
						"topology/thread_siblings_list",
						"topology/package_cpus_list",
						"topology/core_siblings_list",
						NULL};
	const char *cpu_dir = pt_src_path(PT_SRC_CPUS), *node_dir = pt_src_path(PT_SRC_NODES);
	struct pt_strv cpus = {0}, nodes = {0};
	char path[PATH_MAX];
	int e = 0;

	if (pt_root_list(c->r, cpu_dir, &cpus) == 0)
		for (size_t i = 0; i < cpus.n && e >= 0; i++) {
			if (!startswith(cpus.v[i], "cpu") || cpus.v[i][3] < '0' ||
			    cpus.v[i][3] > '9')
				continue;
			for (size_t k = 0; cpu_files[k] && e >= 0; k++) {
				snprintf(path, sizeof(path), "%s/%s/%s", cpu_dir, cpus.v[i],
					 cpu_files[k]);
				e = ok_if_missing(capture(c, path));
			}
		}
	if (e >= 0 && pt_root_list(c->r, node_dir, &nodes) == 0)
		for (size_t i = 0; i < nodes.n && e >= 0; i++) {
			if (!startswith(nodes.v[i], "node"))
				continue;
			snprintf(path, sizeof(path), "%s/%s/cpulist", node_dir, nodes.v[i]);
			e = ok_if_missing(capture(c, path));
		}
	pt_strv_done(&cpus);
	pt_strv_done(&nodes);
	return e;
}

/*
 * A /proc file kept as a regular file at its own path, whatever links lead there
 * (/proc/mounts -> self/mounts, /proc/net -> self/net: the capturing process's PID has no
 * place in a snapshot), with only the lines keep() accepts: the facts' lines, not the
 * host's other mounts or routes.
 */
static int capture_filtered(struct capture *c, const char *path,
			    bool (*keep)(const char *line, size_t len, size_t lineno, char *out))
{
	struct pt_strbuf out = {0};
	struct pt_lines it;
	const char *l;
	char *buf = NULL;
	size_t len, n;
	int e = pathset_add(&c->seen, path);

	if (e <= 0)
		return e;
	e = pt_root_read_file(c->r, path, FILE_MAX, &buf, &len);
	if (e < 0) {
		if (e != -ENOENT && e != -ENOTDIR)
			warn(c, path, e);
		return 0;
	}
	it = PT_LINES_INIT(buf, len);
	while (e >= 0 && pt_lines_next(&it, &l, &n)) {
		char *line = strndup(l, n);

		if (!line)
			e = -ENOMEM;
		else if (keep(l, n, it.no - 1, line))
			e = pt_strbuf_printf(&out, "%s\n", line);
		free(line);
	}
	if (e >= 0) {
		char *text = pt_strbuf_steal(&out);
		size_t tlen = text ? strlen(text) : 0;

		if (!text)
			text = strdup("");
		e = text ? pt_snapshot_redact(&text, &tlen, c->hostname) : -ENOMEM;
		if (e >= 0)
			e = write_entry(c, path, AE_IFREG, text, tlen, NULL);
		free(text);
	}
	pt_strbuf_done(&out);
	free(buf);
	return e;
}

/* The n-th white-space separated field of line (NUL-terminated copy), its length in *flen. */
static const char *field(const char *line, unsigned n, size_t *flen)
{
	const char *p = line;

	for (unsigned k = 0;; k++) {
		p += strspn(p, " \t");
		*flen = strcspn(p, " \t");
		if (k == n || !*flen)
			return p;
		p += *flen;
	}
}

/* /proc/mounts: the mounts of /, /boot and /boot/efi (the boot-disk facts). */
static bool keep_boot_mount(const char *line, size_t len, size_t lineno, char *out)
{
	size_t n;
	const char *t = field(out, 1, &n);

	return (n == 1 && t[0] == '/') || (n == 5 && !strncmp(t, "/boot", 5)) ||
	       (n == 9 && !strncmp(t, "/boot/efi", 9));
}

/* /proc/net/route: the header and the default routes, their gateway zeroed. */
static bool keep_default_route(const char *line, size_t len, size_t lineno, char *out)
{
	size_t n;
	const char *d = field(out, 1, &n);
	char *g;

	if (lineno == 0)
		return true;
	if (n != 8 || strncmp(d, "00000000", 8) != 0)
		return false;
	g = (char *)field(out, 2, &n);
	memset(g, '0', n);
	return true;
}

/* A link's target directory as an (empty) directory, so the root and the archive list alike. */
static int capture_link_target(struct capture *c, const char *path)
{
	char *target = NULL, *resolved;
	int e = ok_if_missing(capture(c, path));

	if (e < 0 || pt_root_readlink(c->r, path, &target) < 0)
		return e;
	resolved = pt_path_resolve_link(path, target);
	free(target);
	if (!resolved)
		return -ENOMEM;
	e = ok_if_missing(capture(c, resolved));
	free(resolved);
	return e;
}

/*
 * What the boot-disk and default-route facts read: /proc/mounts, /proc/net/route, and for
 * each block device and interface they looked at its /sys/class link, slaves/, dm/name,
 * brif/, bonding/slaves and lower_* links. Never address or other attributes (MACs).
 */
static int capture_host_links(struct capture *c, const struct pt_host *h)
{
	const char *block = pt_src_path(PT_SRC_CLASS_BLOCK), *net = pt_src_path(PT_SRC_CLASS_NET);
	char path[PATH_MAX];
	struct pt_strv names = {0};
	int e = capture_filtered(c, pt_src_path(PT_SRC_MOUNTS), keep_boot_mount);

	if (e >= 0)
		e = capture_filtered(c, pt_src_path(PT_SRC_ROUTES), keep_default_route);
	if (e >= 0 && h->mounts_known)
		e = ok_if_missing(capture(c, block));
	for (size_t i = 0; i < h->blocks_read.n && e >= 0; i++) {
		const char *n = h->blocks_read.v[i];

		snprintf(path, sizeof(path), "%s/%s", block, n);
		e = capture_link_target(c, path);
		snprintf(path, sizeof(path), "%s/%s/slaves", block, n);
		if (e >= 0)
			e = ok_if_missing(capture(c, path));
		if (e >= 0)
			e = capture_listing(c, path);
		snprintf(path, sizeof(path), "%s/%s/dm/name", block, n);
		if (e >= 0)
			e = ok_if_missing(capture(c, path));
	}
	for (size_t i = 0; i < h->nets_read.n && e >= 0; i++) {
		const char *n = h->nets_read.v[i];

		snprintf(path, sizeof(path), "%s/%s", net, n);
		e = capture_link_target(c, path);
		if (e >= 0 && pt_root_list(c->r, path, &names) == 0)
			for (size_t k = 0; k < names.n && e >= 0; k++)
				if (startswith(names.v[k], "lower_")) {
					snprintf(path, sizeof(path), "%s/%s/%s", net, n,
						 names.v[k]);
					e = ok_if_missing(capture(c, path));
				}
		pt_strv_done(&names);
		snprintf(path, sizeof(path), "%s/%s/brif", net, n);
		if (e >= 0)
			e = ok_if_missing(capture(c, path));
		if (e >= 0)
			e = capture_listing(c, path);
		snprintf(path, sizeof(path), "%s/%s/bonding/slaves", net, n);
		if (e >= 0)
			e = ok_if_missing(capture(c, path));
	}
	return e;
}

static int capture_module_file(struct capture *c, const struct pt_host *h, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", pt_src_path(PT_SRC_MODULES), h->kernel_release,
		 name);
	return ok_if_missing(capture(c, path));
}

static int capture_kernel(struct capture *c, const struct pt_host *h)
{
	char path[PATH_MAX];
	int e = 0;

	if (!h->kernel_release)
		return 0;
	snprintf(path, sizeof(path), "%s%s", pt_src_path(PT_SRC_KCONFIG), h->kernel_release);
	e = ok_if_missing(capture(c, path));
	for (size_t i = 0; pt_src_module_index[i] && e >= 0; i++)
		e = capture_module_file(c, h, pt_src_module_index[i]);
	for (size_t i = 0; pt_src_module_other[i] && e >= 0; i++)
		e = capture_module_file(c, h, pt_src_module_other[i]);
	return e;
}

static int write_meta(struct capture *c, const struct pt_host *h, const struct pt_capture_opts *o)
{
	struct pt_strbuf sb = {0};
	char date[32];
	struct tm tm;
	int e;

	gmtime_r(&o->date, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	pt_strbuf_printf(&sb, "format=%d\ntool=passthru %s\ndate=%s\n", PT_SNAPSHOT_FORMAT,
			 PT_VERSION, date);
	if (h->kernel_release)
		pt_strbuf_printf(&sb, "kernel_release=%s\n", h->kernel_release);
	if (h->meta.machine)
		pt_strbuf_printf(&sb, "machine=%s\n", h->meta.machine);
	if (h->meta.page_size > 0)
		pt_strbuf_printf(&sb, "page_size=%ld\n", h->meta.page_size);
	if (h->meta.euid >= 0)
		pt_strbuf_printf(&sb, "euid=%ld\n", h->meta.euid);
	e = write_entry(c, pt_src_path(PT_SRC_SNAPSHOT_META), AE_IFREG, pt_strbuf_str(&sb), sb.len,
			NULL);
	pt_strbuf_done(&sb);
	return e;
}

/* Captures one path of a source the table says is captured as how. */
static int capture_one(struct capture *c, const char *path, enum pt_capture how)
{
	switch (how) {
	case PT_CAPTURE_AS_IS:
	case PT_CAPTURE_FIRST:
		return ok_if_missing(capture(c, path));
	case PT_CAPTURE_LISTING:
		return capture_listing(c, path);
	default:
		return 0;
	}
}

/* Every source of the table captured as how, in the table's order. */
static int capture_sources(struct capture *c, enum pt_capture how)
{
	int e = 0;

	for (size_t id = 0; id < PT_SRC_COUNT && e >= 0; id++) {
		const struct pt_source *s = &pt_sources[id];

		if (s->capture != how)
			continue;
		if (s->path)
			e = capture_one(c, s->path, how);
		for (size_t i = 0; s->list && s->list[i] && e >= 0; i++) {
			e = capture_one(c, s->list[i], how);
			/* FIRST: the first that exists is the one read. */
			if (e >= 0 && how == PT_CAPTURE_FIRST && pt_root_exists(c->r, s->list[i]))
				break;
		}
	}
	return e;
}

static int capture_all(struct capture *c, const struct pt_host *h, const struct pt_capture_opts *o)
{
	int e = write_meta(c, h, o);

	if (e >= 0)
		e = capture_sources(c, PT_CAPTURE_AS_IS);
	if (e >= 0)
		e = capture_sources(c, PT_CAPTURE_LISTING);
	for (size_t i = 0; i < h->ndevs && e >= 0; i++)
		e = capture_device(c, &h->devs[i]);
	if (e >= 0)
		e = capture_groups(c);
	if (e >= 0)
		e = capture_iommu_units(c, h);
	if (e >= 0)
		e = capture_firmware(c);
	if (e >= 0)
		e = capture_topology(c);
	if (e >= 0)
		e = capture_kernel(c, h);
	if (e >= 0)
		e = capture_host_links(c, h);
	/* The host's own pci.ids, so names print as they did there. */
	if (e >= 0)
		e = capture_sources(c, PT_CAPTURE_FIRST);
	return e;
}

static la_ssize_t write_cb(struct archive *a, void *ctx, const void *buf, size_t n)
{
	return pt_strbuf_append(ctx, buf, n) < 0 ? -1 : (la_ssize_t)n;
}

static char *read_hostname(struct pt_root *r)
{
	char *name = NULL;

	if (pt_root_read_attr(r, pt_src_path(PT_SRC_HOSTNAME), &name) < 0)
		return NULL;
	/* Nothing to hide in the kernel's placeholders. */
	if (!name[0] || streq(name, "(none)") || streq(name, "localhost"))
		name = pt_free(name);
	return name;
}

int pt_snapshot_capture(struct pt_root *r, const struct pt_host *h, const struct pt_capture_opts *o,
			char **ret_buf, size_t *ret_len, struct pt_strv *warnings)
{
	struct pt_strbuf out = {0};
	struct capture c = {.r = r, .warnings = warnings, .hostname = read_hostname(r)};
	int e = 0;

	c.a = archive_write_new();
	if (!c.a) {
		free(c.hostname);
		return -ENOMEM;
	}
	/* Reproducible bytes: pax without timestamps of its own, gzip without a date. */
	if (archive_write_set_format_pax_restricted(c.a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(c.a) != ARCHIVE_OK ||
	    archive_write_set_options(c.a, "gzip:!timestamp") != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(c.a, 1) != ARCHIVE_OK ||
	    archive_write_open(c.a, &out, NULL, write_cb, NULL) != ARCHIVE_OK)
		e = -EIO;
	if (e >= 0)
		e = capture_all(&c, h, o);
	if (archive_write_close(c.a) != ARCHIVE_OK && e >= 0)
		e = -EIO;
	archive_write_free(c.a);
	pathset_done(&c.seen);
	free(c.hostname);
	if (e < 0) {
		pt_strbuf_done(&out);
		return e;
	}
	*ret_len = out.len;
	*ret_buf = pt_strbuf_steal(&out);
	return 0;
}
