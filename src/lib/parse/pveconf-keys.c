/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM options of qemu-server and the type its check_type() checks on reading a config.
 * Sources (proxmox/qemu-server): src/PVE/QemuServer.pm $confdesc, $confdesc_cloudinit, $MAX_NETS
 * (32), $MAX_SERIAL_PORTS (4), $MAX_PARALLEL_PORTS (3), $vga_fmt; QemuServer/Memory.pm $MAX_NUMA
 * (8), $memory_fmt; QemuServer/PCI.pm $MAX_HOSTPCI_DEVICES (16); QemuServer/Drive.pm ide 4, scsi
 * 31, virtio 16, sata 6, unused 256, efidisk0, tpmstate0; QemuServer/USB.pm $MAX_USB_DEVICES (14);
 * QemuServer/Virtiofs.pm $MAX_VIRTIOFS (10); QemuServer/Machine.pm $machine_fmt; the hostpciN
 * format is parse/hostpci.c's.
 */
#include <string.h>

#include "parse/hostpci.h"
#include "parse/pveconf-keys.h"
#include "util/macro.h"

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* \d+(\.\d+)+ from s[i]: the index after it, or 0 */
static size_t machine_version(const char *s, size_t i, size_t len)
{
	size_t groups = 0;

	if (i >= len || !digit(s[i]))
		return 0;
	while (i < len && digit(s[i]))
		i++;
	while (i + 1 < len && s[i] == '.' && digit(s[i + 1])) {
		i++;
		while (i < len && digit(s[i]))
			i++;
		groups++;
	}
	return groups ? i : 0;
}

/* (\+pve\d+)? from s[i] */
static size_t pve_suffix(const char *s, size_t i, size_t len)
{
	size_t j = i + 4;

	if (len - i < 5 || memcmp(s + i, "+pve", 4) != 0 || !digit(s[j]))
		return i;
	while (j < len && digit(s[j]))
		j++;
	return j;
}

/* pc-i440fx-X.Y, pc-X.Y, pc-q35-X.Y, each with optional +pveN and .pxe */
static bool versioned_pc(const char *s, size_t len, const char *prefix)
{
	size_t i = strlen(prefix);

	if (len < i || memcmp(s, prefix, i) != 0)
		return false;
	i = machine_version(s, i, len);
	if (!i)
		return false;
	i = pve_suffix(s, i, len);
	if (len - i == 4 && memcmp(s + i, ".pxe", 4) == 0)
		i += 4;
	return i == len;
}

/*
 * Machine.pm $machine_fmt->{type}->{pattern}:
 * (pc|pc(-i440fx)?-\d+(\.\d+)+(\+pve\d+)?(\.pxe)?|q35|pc-q35-\d+(\.\d+)+(\+pve\d+)?(\.pxe)?|
 *  virt(?:-\d+(\.\d+)+)?(\+pve\d+)?)
 */
static bool machine_type(const char *s, size_t len)
{
	size_t i;

	if ((len == 2 && memcmp(s, "pc", 2) == 0) || (len == 3 && memcmp(s, "q35", 3) == 0))
		return true;
	if (versioned_pc(s, len, "pc-") || versioned_pc(s, len, "pc-i440fx-") ||
	    versioned_pc(s, len, "pc-q35-"))
		return true;
	if (len < 4 || memcmp(s, "virt", 4) != 0)
		return false;
	i = 4;
	if (i < len && s[i] == '-') {
		i = machine_version(s, i + 1, len);
		if (!i)
			return false;
	}
	return pve_suffix(s, i, len) == len;
}

static const char *const vga_types[] = {
	"cirrus",  "qxl",     "qxl2", "qxl3",	"qxl4",	     "none",   "serial0", "serial1",
	"serial2", "serial3", "std",  "virtio", "virtio-gl", "vmware", NULL,
};
static const char *const vga_clipboards[] = {"vnc", NULL};
static const struct pt_propstr_key vga_keys[] = {
	{.name = "type",
	 .type = PT_PROPSTR_STRING,
	 .default_key = true,
	 .optional = true,
	 .enumeration = vga_types},
	{.name = "memory",
	 .type = PT_PROPSTR_INTEGER,
	 .optional = true,
	 .minimum = PT_PROPSTR_LIMIT(4),
	 .maximum = PT_PROPSTR_LIMIT(512)},
	{.name = "clipboard",
	 .type = PT_PROPSTR_STRING,
	 .optional = true,
	 .enumeration = vga_clipboards},
};
static const struct pt_propstr_schema vga_schema = PT_PROPSTR_SCHEMA(vga_keys);

static const struct pt_propstr_key memory_keys[] = {
	{.name = "current",
	 .type = PT_PROPSTR_INTEGER,
	 .default_key = true,
	 .minimum = PT_PROPSTR_LIMIT(16)},
};
static const struct pt_propstr_schema memory_schema = PT_PROPSTR_SCHEMA(memory_keys);

static const char *const viommus[] = {"intel", "virtio", NULL};
static const struct pt_propstr_key machine_keys[] = {
	{.name = "type",
	 .type = PT_PROPSTR_STRING,
	 .default_key = true,
	 .optional = true,
	 .pattern = machine_type,
	 .max_length = 40},
	{.name = "viommu", .type = PT_PROPSTR_STRING, .optional = true, .enumeration = viommus},
	{.name = "aw-bits",
	 .type = PT_PROPSTR_NUMBER,
	 .optional = true,
	 .minimum = PT_PROPSTR_LIMIT(32),
	 .maximum = PT_PROPSTR_LIMIT(64)},
	{.name = "enable-s3", .type = PT_PROPSTR_BOOLEAN, .optional = true},
	{.name = "enable-s4", .type = PT_PROPSTR_BOOLEAN, .optional = true},
};
static const struct pt_propstr_schema machine_schema = PT_PROPSTR_SCHEMA(machine_keys);

static const char *const bioses[] = {"seabios", "ovmf", NULL};
static const char *const ostypes[] = {"other", "wxp",	"w2k",	 "w2k3", "w2k8", "wvista",  "win7",
				      "win8",  "win10", "win11", "l24",	 "l26",	 "solaris", NULL};
static const char *const hugepage_sizes[] = {"any", "2", "1024", NULL};

struct fixed_key {
	const char *name;
	struct pveconf_keytype type;
};

#define B                               \
	{                               \
		.type = PVECONF_BOOLEAN \
	}
#define I                               \
	{                               \
		.type = PVECONF_INTEGER \
	}
#define N                              \
	{                              \
		.type = PVECONF_NUMBER \
	}
#define S                              \
	{                              \
		.type = PVECONF_STRING \
	}
#define F                              \
	{                              \
		.type = PVECONF_FORMAT \
	}

static const struct fixed_key fixed_keys[] = {
	{"acpi", B},
	{"affinity", F},
	{"agent", F},
	{"amd-sev", F},
	{"arch", S},
	{"args", S},
	{"audio0", F},
	{"autostart", B},
	{"balloon", I},
	{"bios", {.type = PVECONF_STRING, .enumeration = bioses}},
	{"boot", F},
	{"bootdisk", F},
	{"cdrom", F},
	{"cicustom", F},
	{"cipassword", S},
	{"citype", S},
	{"ciupgrade", B},
	{"ciuser", S},
	{"cores", I},
	{"cpu", F},
	{"cpulimit", N},
	{"cpuunits", I},
	{"description", S},
	{"efidisk0", F},
	{"freeze", B},
	{"hookscript", F},
	{"hotplug", F},
	{"hugepages", {.type = PVECONF_STRING, .enumeration = hugepage_sizes}},
	{"ivshmem", F},
	{"keephugepages", B},
	{"keyboard", S},
	{"kvm", B},
	{"localtime", B},
	{"lock", S},
	{"machine", {.type = PVECONF_SCHEMA, .schema = &machine_schema}},
	{"memory", {.type = PVECONF_SCHEMA, .schema = &memory_schema}},
	{"meta", F},
	{"migrate_downtime", N},
	{"migrate_speed", I},
	{"name", F},
	{"nameserver", F},
	{"numa", B},
	{"onboot", B},
	{"ostype", {.type = PVECONF_STRING, .enumeration = ostypes}},
	{"parent", F},
	{"protection", B},
	{"reboot", B},
	{"rng0", F},
	{"runningcpu", S},
	{"runningmachine", {.type = PVECONF_SCHEMA, .schema = &machine_schema}},
	{"running-nets-host-mtu", S},
	{"scsihw", S},
	{"searchdomain", S},
	{"shares", I},
	{"smbios1", F},
	{"smp", I},
	{"snaptime", I},
	{"sockets", I},
	{"spice_enhancements", F},
	{"sshkeys", F},
	{"startdate", S},
	{"startup", F},
	{"tablet", B},
	{"tags", F},
	{"tdf", B},
	{"template", B},
	{"tpmstate0", F},
	{"vcpus", I},
	{"vga", {.type = PVECONF_SCHEMA, .schema = &vga_schema}},
	{"vmgenid", S},
	{"vmstate", F},
	{"vmstatestorage", F},
	{"watchdog", F},
};

#undef B
#undef I
#undef N

/* Families: prefix + an index below count, written as Perl prints it (no leading zero). */
static const struct {
	const char *prefix;
	unsigned count;
	struct pveconf_keytype type;
} families[] = {
	{"hostpci", 16, {.type = PVECONF_SCHEMA, .schema = &pt_hostpci_schema}},
	{"ide", 4, F},
	{"ipconfig", 32, F},
	{"net", 32, F},
	{"numa", 8, F},
	{"parallel", 3, S},
	{"sata", 6, F},
	{"scsi", 31, F},
	{"serial", 4, S},
	{"unused", 256, F},
	{"usb", 14, F},
	{"virtio", 16, F},
	{"virtiofs", 10, F},
};

#undef S
#undef F

static bool family_index(const char *s, unsigned count)
{
	unsigned v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (!digit(*s) || v >= count)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	return v < count;
}

bool pveconf_confdesc(const char *name, struct pveconf_keytype *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(fixed_keys); i++)
		if (streq(fixed_keys[i].name, name)) {
			*ret = fixed_keys[i].type;
			return true;
		}
	for (size_t i = 0; i < ELEMENTSOF(families); i++) {
		const char *rest = skip_prefix(name, families[i].prefix);

		if (rest && family_index(rest, families[i].count)) {
			*ret = families[i].type;
			return true;
		}
	}
	return false;
}
