/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostpciN as qemu-server resolves it (derive/vm-hostpci.c), on a small made-up host: the
 * -device arguments of each form, the refusals with Proxmox's texts, the side effects; and the
 * two parsers under it (parse/hostpci.c, parse/pci-mapping.c). Proxmox's own expected command
 * lines are the oracle's (tests/oracle/oracle-hostpci.c); these cover what they do not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive/vm-hostpci.h"
#include "parse/hostpci.h"
#include "parse/pci-mapping.h"
#include "util/macro.h"

/* name, has_ids, vendor, device, has_subsys, subsystem, group, mdev, nvidia */
static const struct pt_vm_host_fn host[] = {
	{"0000:00:02.0", true, 0x8086, 0x3e92, false, 0, 0, 0, false, false},
	{"0000:01:00.0", true, 0x10de, 0x2204, true, 0x1462, 0x3880, 14, false, false},
	{"0000:01:00.1", true, 0x10de, 0x1aef, true, 0x1462, 0x3880, 14, false, false},
	{"0000:02:00.4", true, 0x10de, 0x2331, false, 0, 0, 20, false, true},
	{"0000:03:00.0", true, 0x8086, 0x1520, false, 0, 0, 21, true, false},
	{"0000:03:00.1", true, 0x8086, 0x1520, false, 0, 0, 22, false, false},
	{"0000:04:00.0", true, 0x8086, 0x10fb, false, 0, 0, 23, false, false},
	{"0000:04:00.1", true, 0x8086, 0x10fb, false, 0, 0, 24, false, false},
	{"0001:05:00.0", true, 0x1b36, 0x0001, false, 0, 0, 30, false, false},
};

static struct pt_hostpci_spec specs[PT_HOSTPCI_MAX];
static struct pt_pci_mappings maps;
static struct pt_vm_hostpci_request req;
static struct pt_vm_hostpci_result res;

static void start(void)
{
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		pt_hostpci_spec_done(&specs[i]);
	pt_pci_mappings_done(&maps);
	pt_vm_hostpci_result_done(&res);
	req = (struct pt_vm_hostpci_request){
		.vmid = 100,
		.fns = host,
		.nfns = ELEMENTSOF(host),
		.mappings = &maps,
		.node = "pve",
	};
}

static void hostpci(size_t i, const char *value)
{
	char *err = NULL;

	if (pt_hostpci_parse(value, &specs[i], &err) < 0)
		fail_msg("hostpci%zu: %s: %s", i, value, err);
	req.spec[i] = &specs[i];
}

static void mapping_cfg(const char *text)
{
	pt_pci_mappings_done(&maps);
	assert_int_equal(pt_pci_mappings_parse(text, strlen(text), &maps), 0);
}

static void run(void)
{
	pt_vm_hostpci_result_done(&res);
	assert_int_equal(pt_vm_hostpci_resolve(&req, &res), 0);
}

/* The -device arguments of hostpci<i>, one per line. */
static void expect_devices(size_t i, const char *want)
{
	char *got = pt_strv_join(&res.dev[i].devices, "\n");

	if (res.dev[i].error)
		fail_msg("hostpci%zu refused: %s", i, res.dev[i].error);
	assert_string_equal(got, want);
	free(got);
}

static void expect_functions(size_t i, const char *want)
{
	char *got = pt_strv_join(&res.dev[i].functions, " ");

	assert_string_equal(got, want);
	free(got);
}

static void expect_error(size_t i, const char *want)
{
	assert_non_null(res.dev[i].error);
	assert_string_equal(res.dev[i].error, want);
	assert_int_equal(res.dev[i].devices.n, 0);
}

/* Without a function: every present function, renumbered, fn 0 multifunction=on. */
static void test_all_functions(void **state)
{
	start();
	hostpci(0, "01:00");
	run();
	assert_null(res.start_error);
	expect_functions(0, "0000:01:00.0 0000:01:00.1");
	expect_devices(0, "vfio-pci,host=0000:01:00.0,id=hostpci0.0,bus=pci.0,addr=0x10.0,"
			  "multifunction=on\n"
			  "vfio-pci,host=0000:01:00.1,id=hostpci0.1,bus=pci.0,addr=0x10.1");
}

/* ';' joins functions into one guest device, in the order written. */
static void test_joined_functions(void **state)
{
	start();
	hostpci(1, "01:00.1;03:00.0");
	run();
	expect_devices(1, "vfio-pci,host=0000:01:00.1,id=hostpci1.0,bus=pci.0,addr=0x11.0,"
			  "multifunction=on\n"
			  "vfio-pci,host=0000:03:00.0,id=hostpci1.1,bus=pci.0,addr=0x11.1");
}

/* Without a domain an address means domain 0000; others must be written out. */
static void test_default_domain(void **state)
{
	start();
	hostpci(0, "05:00.0");
	hostpci(1, "0001:05:00.0");
	run();
	expect_error(0, "no PCI device found for '05:00.0'");
	assert_string_equal(res.start_error, "no PCI device found for '05:00.0'");
	expect_devices(1, "vfio-pci,host=0001:05:00.0,id=hostpci1,bus=pci.0,addr=0x11");
}

/* The PCI bus slots of get_pci_addr_map: pci.0 for 0-3, the bridge pci.2 from 4 on. */
static void test_pci_slots(void **state)
{
	static const char *const want[] = {
		"bus=pci.0,addr=0x10", "bus=pci.0,addr=0x11", "bus=pci.0,addr=0x1b",
		"bus=pci.0,addr=0x1c", "bus=pci.2,addr=0xd",  "bus=pci.2,addr=0x18",
	};
	static const size_t index[] = {0, 1, 2, 3, 4, 15};
	static const char *const fn[] = {"00:02.0", "01:00.0", "01:00.1",
					 "02:00.4", "03:00.0", "03:00.1"};

	start();
	for (size_t k = 0; k < ELEMENTSOF(index); k++)
		hostpci(index[k], fn[k]);
	run();
	for (size_t k = 0; k < ELEMENTSOF(index); k++)
		assert_non_null(strstr(res.dev[index[k]].devices.v[0], want[k]));
}

/* pcie=1: a root port of q35 (5 and up are added on the command line), or refused. */
static void test_pcie(void **state)
{
	start();
	req.q35 = true;
	hostpci(1, "01:00.0,pcie=1");
	hostpci(5, "03:00.0,pcie=1");
	run();
	expect_devices(1, "vfio-pci,host=0000:01:00.0,id=hostpci1,bus=ich9-pcie-port-2,addr=0x0");
	expect_devices(5, "pcie-root-port,id=ich9-pcie-port-6,addr=10.1,x-speed=16,x-width=32,"
			  "multifunction=on,bus=pcie.0,port=6,chassis=6\n"
			  "vfio-pci,host=0000:03:00.0,id=hostpci5,bus=ich9-pcie-port-6,addr=0x0");

	/* Windows 7 wants the devices on pcie.0 itself */
	req.ostype = "win7";
	run();
	expect_devices(1, "vfio-pci,host=0000:01:00.0,id=hostpci1,bus=pcie.0,addr=0x11");
	expect_devices(5, "vfio-pci,host=0000:03:00.0,id=hostpci5,bus=pcie.0,addr=0xa");

	req.q35 = false;
	run();
	expect_error(1, "q35 machine model is not enabled");
	expect_error(5, "q35 machine model is not enabled");
	assert_string_equal(res.start_error, "q35 machine model is not enabled");
}

/* The first function's options, in Proxmox's order, and x-vga's side effects. */
static void test_gpu_options(void **state)
{
	start();
	hostpci(0, "01:00,x-vga=1,romfile=gpu.rom,rombar=0,vendor-id=0x10de,"
		   "sub-device-id=0x1234");
	req.bootindex[0] = 101;
	run();
	expect_devices(0, "vfio-pci,host=0000:01:00.0,id=hostpci0.0,bus=pci.0,addr=0x10.0,"
			  "rombar=0,x-vga=on,multifunction=on,romfile=/usr/share/kvm/gpu.rom,"
			  "bootindex=101,x-pci-vendor-id=0x10de,x-pci-sub-device-id=0x1234\n"
			  "vfio-pci,host=0000:01:00.1,id=hostpci0.1,bus=pci.0,addr=0x10.1");
	assert_true(res.kvm_off);
	assert_true(res.gpu_passthrough);
	assert_true(res.vga_none);
	assert_false(res.legacy_igd);
}

/* With OVMF x-vga=on is not passed, yet the CPU still gets kvm=off; vga: keeps the VGA. */
static void test_x_vga_ovmf(void **state)
{
	start();
	req.ovmf = true;
	req.vga = "std";
	hostpci(0, "01:00.0,x-vga=on,romfile=/root/gpu.rom");
	run();
	/* romfile is always taken under /usr/share/kvm/, an absolute path too */
	expect_devices(0, "vfio-pci,host=0000:01:00.0,id=hostpci0,bus=pci.0,addr=0x10,"
			  "romfile=/usr/share/kvm//root/gpu.rom");
	assert_true(res.kvm_off);
	assert_true(res.gpu_passthrough);
	assert_false(res.vga_none);

	start();
	hostpci(0, "01:00.0,x-vga=0,rombar=1");
	run();
	expect_devices(0, "vfio-pci,host=0000:01:00.0,id=hostpci0,bus=pci.0,addr=0x10");
	assert_false(res.kvm_off);
	assert_false(res.vga_none);
}

/* mdev: one sysfsdev device named by index and VM id; never with several functions. */
static void test_mdev(void **state)
{
	start();
	hostpci(2, "03:00.0,mdev=i915-GVTg_V5_4");
	hostpci(3, "03:00,mdev=i915-GVTg_V5_4");
	run();
	expect_devices(2, "vfio-pci,sysfsdev=/sys/bus/mdev/devices/"
			  "00000002-0000-0000-0000-000000000100,id=hostpci2,bus=pci.0,addr=0x1b");
	assert_true(res.dev[2].mdev_candidates);
	expect_error(3, "cannot use mediated device with multifunction device");
}

/* mdev=nvidia-<N> on a function with the kernel 6.8+ NVIDIA interface: plain host=. */
static void test_nvidia_vgpu(void **state)
{
	start();
	hostpci(0, "02:00.4,mdev=nvidia-63");
	hostpci(1, "03:00.0,mdev=nvidia-63");
	run();
	expect_devices(0, "vfio-pci,host=0000:02:00.4,id=hostpci0,bus=pci.0,addr=0x10");
	assert_true(res.dev[0].nvidia_vgpu);
	assert_null(res.dev[0].sysfsdev);
	/* not an NVIDIA function: an mdev type like any other */
	assert_non_null(strstr(res.dev[1].devices.v[0], "sysfsdev="));
}

static void test_host_refusals(void **state)
{
	start();
	hostpci(0, "host=01:00.0,mapping=gpu");
	hostpci(1, "pcie=0");
	hostpci(2, "01:00.0");
	hostpci(3, "01:00.0");
	hostpci(4, "0a:00");
	run();
	expect_error(0, "Cannot set both 'host' and 'mapping'.");
	expect_error(1, "Either 'host' or 'mapping' must be set.");
	expect_devices(2, "vfio-pci,host=0000:01:00.0,id=hostpci2,bus=pci.0,addr=0x1b");
	expect_error(3, "device '0000:01:00.0' assigned more than once");
	expect_error(4, "no PCI device found for '0a:00'");
	/* qm start dies at hostpci0's check, before any device is chosen */
	assert_string_equal(res.start_error, "Cannot set both 'host' and 'mapping'.");

	start();
	hostpci(2, "01:00.0");
	hostpci(3, "01:00");
	run();
	expect_error(3, "device '0000:01:00.0' assigned more than once");
	assert_string_equal(res.start_error, res.dev[3].error);
}

static const char *const gpu_cfg =
	"gpu\n"
	"\tmap node=pve,path=0000:01:00,id=10de:2204,iommugroup=14,subsystem-id=1462:3880\n"
	"\tmap node=other,path=0000:09:00.0,id=10de:2204\n"
	"\tdescription the card\n"
	"\n"
	"nics\n"
	"\tmap node=pve,path=0000:04:00.0;0000:04:00.1,id=8086:10fb,iommugroup=23\n"
	"\tlive-migration-capable 1\n"
	"\n"
	"vfs\n"
	"\tmap node=pve,path=0000:03:00.1,id=8086:1520,iommugroup=22\n"
	"\tmap node=pve,path=0000:04:00.0,id=8086:10fb,iommugroup=23\n"
	"\n"
	"gvt\n"
	"\tmap node=pve,path=0000:03:00.0,id=8086:1520,iommugroup=21\n"
	"\tmdev 1\n";

/* A mapping: this node's entries, checked against the device, are the alternatives. */
static void test_mapping(void **state)
{
	start();
	mapping_cfg(gpu_cfg);
	hostpci(0, "mapping=gpu,pcie=1,x-vga=1");
	hostpci(1, "mapping=nics");
	hostpci(2, "mapping=gvt,mdev=i915-GVTg_V5_4");
	req.q35 = true;
	run();
	assert_null(res.start_error);
	expect_devices(0,
		       "vfio-pci,host=0000:01:00.0,id=hostpci0.0,bus=ich9-pcie-port-1,"
		       "addr=0x0.0,x-vga=on,multifunction=on\n"
		       "vfio-pci,host=0000:01:00.1,id=hostpci0.1,bus=ich9-pcie-port-1,addr=0x0.1");
	/* the IOMMU group is checked on an entry's first path only */
	expect_devices(1, "vfio-pci,host=0000:04:00.0,enable-migration=on,id=hostpci1.0,"
			  "bus=pci.0,addr=0x11.0,multifunction=on\n"
			  "vfio-pci,host=0000:04:00.1,enable-migration=on,id=hostpci1.1,bus=pci.0,"
			  "addr=0x11.1");
	assert_non_null(strstr(res.dev[2].devices.v[0], "sysfsdev="));
}

/* Alternatives: the first one not used by an earlier hostpci nor reserved by another VM. */
static void test_alternatives(void **state)
{
	static const char *const reserved[] = {"0000:04:00.0"};

	start();
	mapping_cfg(gpu_cfg);
	hostpci(0, "mapping=vfs");
	hostpci(1, "mapping=vfs");
	hostpci(2, "mapping=vfs");
	run();
	expect_functions(0, "0000:03:00.1");
	expect_functions(1, "0000:04:00.0");
	expect_error(2, "could not find a free device for 'hostpci2'");
	assert_string_equal(res.start_error, "could not find a free device for 'hostpci2'");

	req.reserved = reserved;
	req.nreserved = 1;
	req.spec[2] = NULL;
	run();
	expect_functions(0, "0000:03:00.1");
	expect_error(1, "could not find a free device for 'hostpci1'");
}

static void expect_mapping_error(const char *cfg, const char *value, const char *want)
{
	start();
	mapping_cfg(cfg);
	hostpci(0, value);
	run();
	expect_error(0, want);
	assert_string_equal(res.start_error, want);
}

/* assert_valid's texts, in its order of properties: id, iommugroup, mdev, subsystem-id. */
static void test_mapping_refusals(void **state)
{
	const char *invalid = "PCI device mapping invalid (hardware probably changed): ";
	char want[256];

	expect_mapping_error(gpu_cfg, "mapping=none", "PCI device mapping not found for 'none'");
	expect_mapping_error("gpu\n\tmap node=other,path=0000:01:00,id=10de:2204\n", "mapping=gpu",
			     "PCI device mapping not found for 'gpu'");
	snprintf(want, sizeof(want), "%spci device '0000:09:00.0' not found", invalid);
	expect_mapping_error("m1\n\tmap node=pve,path=0000:09:00,id=10de:2204\n", "mapping=m1",
			     want);
	snprintf(want, sizeof(want), "%s'id' does not match for 'm1' (10de:2204 != 10DE:2204)",
		 invalid);
	expect_mapping_error("m1\n\tmap node=pve,path=0000:01:00,id=10DE:2204\n", "mapping=m1",
			     want);
	snprintf(want, sizeof(want),
		 "%smissing expected property 'iommugroup' for device '0000:01:00.0'", invalid);
	expect_mapping_error("m1\n\tmap node=pve,path=0000:01:00,id=10de:2204\n", "mapping=m1",
			     want);
	snprintf(want, sizeof(want), "%s'iommugroup' does not match for 'm1' (14 != 15)", invalid);
	expect_mapping_error("m1\n\tmap node=pve,path=0000:01:00.0,id=10de:2204,iommugroup=15\n",
			     "mapping=m1", want);
	snprintf(want, sizeof(want), "%s'mdev' does not match for 'm1' (1 != 0)", invalid);
	expect_mapping_error("m1\n\tmap node=pve,path=0000:03:00.0,id=8086:1520,iommugroup=21\n",
			     "mapping=m1", want);
	snprintf(want, sizeof(want),
		 "%smissing expected property 'subsystem-id' for device '0000:01:00.0'", invalid);
	expect_mapping_error("m1\n\tmap node=pve,path=0000:01:00.0,id=10de:2204,iommugroup=14\n",
			     "mapping=m1", want);
	snprintf(want, sizeof(want),
		 "%sunexpected property 'subsystem-id' configured for device '0000:03:00.1'",
		 invalid);
	expect_mapping_error("m1\n\tmap node=pve,path=0000:03:00.1,id=8086:1520,iommugroup=22,"
			     "subsystem-id=1462:3880\n",
			     "mapping=m1", want);
	/* a mapping whose devices provide mdev cannot give several functions as one */
	expect_mapping_error(
		"m1\n\tmap node=pve,path=0000:03:00,id=8086:1520,iommugroup=21\n\tmdev 1\n",
		"mapping=m1,mdev=foo", "cannot use mediated device with multifunction device");
}

static void expect_legacy_igd_error(const char *value, const char *vga, bool q35, const char *want)
{
	start();
	req.vga = vga;
	req.q35 = q35;
	hostpci(0, value);
	run();
	expect_error(0, want);
}

/* legacy-igd: i440fx, vga: none, 00:02.0 at guest 00:02.0, and parse_hostpci_devices' texts. */
static void test_legacy_igd(void **state)
{
	start();
	req.vga = "none";
	hostpci(0, "00:02.0,legacy-igd=1");
	run();
	expect_devices(0, "vfio-pci,host=0000:00:02.0,id=hostpci0,bus=pci.0,addr=0x2");
	assert_true(res.legacy_igd);

	hostpci(1, "01:00.0,legacy-igd=1");
	run();
	expect_error(1, "only one device can be assigned in legacy-igd mode");

	expect_legacy_igd_error("00:02.0,legacy-igd=1", NULL, false,
				"legacy IGD assignment requires VGA mode to be 'none'");
	expect_legacy_igd_error("00:02.0,legacy-igd=1", "type=none", false,
				"legacy IGD assignment requires VGA mode to be 'none'");
	expect_legacy_igd_error("00:02.0,legacy-igd=1,rombar=0", "none", false,
				"legacy IGD assignment requires rombar to be enabled");
	expect_legacy_igd_error("00:02.0,legacy-igd=1,x-vga=1", "none", false,
				"legacy IGD assignment is not compatible with x-vga");
	expect_legacy_igd_error("00:02.0,legacy-igd=1,mdev=i915-GVTg_V5_4", "none", false,
				"legacy IGD assignment is not compatible with mdev");
	expect_legacy_igd_error("00:02.0,legacy-igd=1", "none", true,
				"legacy IGD assignment is not compatible with q35");
	expect_legacy_igd_error(
		"01:00,legacy-igd=1", "none", false,
		"legacy IGD assignment is not compatible with multifunction devices");
	expect_legacy_igd_error("01:00.0,legacy-igd=1", "none", false,
				"legacy IGD assignment only works for devices on host bus 00:02.0");
}

/* A template starts from a minimal config: no hostpci at all, nothing refused. */
static void test_template(void **state)
{
	start();
	req.is_template = true;
	hostpci(0, "0a:00,pcie=1");
	run();
	assert_true(res.template_skipped);
	assert_true(res.dev[0].present);
	assert_null(res.dev[0].error);
	assert_null(res.start_error);
	assert_int_equal(res.dev[0].devices.n, 0);
}

static void expect_spec_error(const char *value, const char *want)
{
	struct pt_hostpci_spec s = {0};
	char *err = NULL;

	assert_int_equal(pt_hostpci_parse(value, &s, &err), -EINVAL);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
}

/* The texts of pve-common's parse_property_string() for a value $hostpci_fmt refuses. */
#define BAD_VALUE(key, why) "format error\n" key ": " why "\n"
#define BAD_PATTERN(key)    BAD_VALUE(key, "value does not match the regex pattern")

/* What the schema accepts, and what it refuses (Proxmox drops such a key when reading). */
static void test_spec(void **state)
{
	struct pt_hostpci_spec s = {0};
	char *err = NULL;

	assert_int_equal(pt_hostpci_parse("0000:01:00;02:00.1,pcie=yes,rombar=OFF,driver=keep,"
					  "romfile=vbios.rom, x-vga=true",
					  &s, &err),
			 -EINVAL);
	/* parse_property_string trims nothing: " x-vga" is an unknown key */
	assert_string_equal(err, "invalid key in comma-separated list property:  x-vga\n");
	free(err);
	assert_int_equal(pt_hostpci_parse("0000:01:00;02:00.1,pcie=yes,rombar=OFF,driver=keep,"
					  "romfile=vbios.rom",
					  &s, &err),
			 0);
	assert_null(err);
	assert_string_equal(s.host, "0000:01:00;02:00.1");
	assert_true(s.pcie);
	assert_true(s.rombar_set);
	assert_false(s.rombar);
	assert_false(s.x_vga);
	assert_string_equal(s.driver, "keep");
	assert_string_equal(s.romfile, "vbios.rom");
	assert_null(s.mapping);
	pt_hostpci_spec_done(&s);
	assert_int_equal(pt_hostpci_parse("mapping=gpu0,mdev=nvidia-63,legacy-igd=on,x-vga=1,"
					  "vendor-id=0x10DE,sub-device-id=0x0000",
					  &s, &err),
			 0);
	assert_null(s.host);
	assert_string_equal(s.mapping, "gpu0");
	assert_string_equal(s.mdev, "nvidia-63");
	assert_true(s.legacy_igd && s.x_vga);
	assert_false(s.rombar_set);
	assert_string_equal(s.vendor_id, "0x10DE");
	assert_string_equal(s.sub_device_id, "0x0000");
	pt_hostpci_spec_done(&s);

	/* duplicate keys, the default key bare or by name */
	expect_spec_error("01:00,host=02:00",
			  "duplicate key in comma-separated list property: host\n");
	expect_spec_error("01:00,02:00", "duplicate key in comma-separated list property: host\n");
	expect_spec_error("01:00,pcie=1,pcie=0",
			  "duplicate key in comma-separated list property: pcie\n");
	/* unknown keys: the name as written, in any case */
	expect_spec_error("01:00,foo=1", "invalid key in comma-separated list property: foo\n");
	expect_spec_error("01:00,PCIE=1", "invalid key in comma-separated list property: PCIE\n");
	/* bad host patterns: lower-case hex only, a domain of 4 digits or more, no empty item */
	expect_spec_error("01:00.A", BAD_PATTERN("host"));
	expect_spec_error("1:00.0", BAD_PATTERN("host"));
	expect_spec_error("001:01:00.0", BAD_PATTERN("host"));
	expect_spec_error("01:00;", BAD_PATTERN("host"));
	expect_spec_error("0000:01:00.0.1", BAD_PATTERN("host"));
	/* bad booleans: parse_boolean() knows 1|on|yes|true, 0|off|no|false */
	expect_spec_error("01:00,pcie=maybe",
			  BAD_VALUE("pcie", "type check ('boolean') failed - got 'maybe'"));
	expect_spec_error("01:00,rombar=2",
			  BAD_VALUE("rombar", "type check ('boolean') failed - got '2'"));
	expect_spec_error("01:00,vendor-id=10de", BAD_PATTERN("vendor-id"));
	expect_spec_error("01:00,vendor-id=0X10de", BAD_PATTERN("vendor-id"));
	expect_spec_error("01:00,driver=vfio-pci",
			  BAD_VALUE("driver", "value 'vfio-pci' does not have a value in the "
					      "enumeration 'vfio, keep'"));
	expect_spec_error("01:00,mdev=a.b", BAD_PATTERN("mdev"));
	expect_spec_error("01:00,romfile=a;b", BAD_PATTERN("romfile"));
	/* pve-configid's message ends in a newline of its own: an empty line follows */
	expect_spec_error(
		"mapping=g",
		"format error\nmapping: invalid format - invalid configuration ID 'g'\n\n");
	/* several errors, one line each, in the schema's order (Proxmox: hash order) */
	expect_spec_error("01:0A,x-vga=2",
			  "format error\nhost: value does not match the regex pattern\n"
			  "x-vga: type check ('boolean') failed - got '2'\n");
	expect_spec_error("01:00,pcie=", "missing key in comma-separated list property\n");
}

static void test_machine_type(void **state)
{
	const char *q35[] = {"q35", "pc-q35-8.1", "type=pc-q35-9.2+pve1,viommu=intel"};
	const char *pc[] = {"pc", "pc-i440fx-8.1", "viommu=virtio"};
	char *type, *err;

	for (size_t k = 0; k < 3; k++) {
		assert_int_equal(pt_machine_parse_type(q35[k], &type, &err), 0);
		assert_true(pt_vm_machine_is_q35(type));
		free(type);
		assert_int_equal(pt_machine_parse_type(pc[k], &type, &err), 0);
		assert_false(pt_vm_machine_is_q35(type));
		free(type);
	}
	assert_false(pt_vm_machine_is_q35(NULL));
}

/* pci.cfg the way SectionConfig reads it, and what it skips with a warning. */
static void test_mapping_file(void **state)
{
	static const char cfg[] = "# comment\n"
				  "a1\r\n"
				  "\tmap node=pve,path=0000:01:00,id=10de:2204\r\n"
				  "  # a comment does not end the section\n"
				  "\tmdev\n"
				  "\tfoo bar\n"
				  "\tmap node=pve,path=01:00,id=10de:2204\n"
				  "0\n"
				  "\tmap node=pve,path=0000:02:00,id=10de:2204\n"
				  "\n"
				  "b!\n"
				  "\tmap node=pve,path=0000:01:00,id=10de:2204\n"
				  "\n"
				  "nomap\n"
				  "\tdescription nothing valid\n"
				  "\tmap bogus\n"
				  "\n"
				  "a1\n"
				  "\tmap node=pve,path=0000:03:00.0,id=8086:1520\n"
				  "\tlive-migration-capable 1\n";
	const struct pt_pci_mapping *m;

	mapping_cfg(cfg);
	assert_int_equal(maps.n, 1);
	m = pt_pci_mappings_find(&maps, "a1");
	/* the later section of the same id replaces the first */
	assert_non_null(m);
	assert_int_equal(m->nmap, 1);
	assert_string_equal(m->map[0].path, "0000:03:00.0");
	assert_true(m->live_migration_capable);
	assert_false(m->mdev);
	assert_int_equal(maps.warnings.n, 6);
	assert_string_equal(maps.warnings.v[0], "line 6: (section 'a1') - unable to parse value "
						"of 'foo': unexpected property 'foo'");
	assert_string_equal(
		maps.warnings.v[1],
		"line 7: (section 'a1') - unable to parse value of 'map': invalid format "
		"- format error; path: value does not match the regex pattern");
	/* "0" ends the section like an empty line; the next line belongs to none */
	assert_string_equal(
		maps.warnings.v[2],
		"line 9: ignore config line: \tmap node=pve,path=0000:02:00,id=10de:2204");
	assert_string_equal(maps.warnings.v[3],
			    "line 11: (skip section 'b!'): invalid configuration ID 'b!'");
	assert_string_equal(maps.warnings.v[4],
			    "line 16: (section 'nomap') - unable to parse value of 'map': invalid "
			    "format - value without key, but schema does not define a default key");
	assert_string_equal(maps.warnings.v[5],
			    "line 14: (skip section 'nomap'): missing value for required option "
			    "'map'");

	mapping_cfg("m1\n\tmap node=pve,path=0000:01:00,id=10de:2204\n\tmdev\n\tmdev 0\n");
	assert_true(maps.v[0].mdev);
	assert_int_equal(maps.warnings.n, 1);

	/* $map_fmt's node is a pve-node; every missing required key is named */
	mapping_cfg("m2\n\tmap node=pve_1,path=0000:01:00,iommugroup=x\n"
		    "\tmap node=pve-1,path=0000:01:00.0;0001:02:00,id=10DE:2204,iommugroup=-1,"
		    "description=GPU\n");
	assert_int_equal(maps.n, 1);
	assert_int_equal(maps.v[0].nmap, 1);
	assert_string_equal(maps.v[0].map[0].node, "pve-1");
	assert_string_equal(maps.v[0].map[0].path, "0000:01:00.0;0001:02:00");
	assert_string_equal(maps.v[0].map[0].id, "10DE:2204");
	assert_string_equal(maps.v[0].map[0].iommugroup, "-1");
	assert_string_equal(maps.v[0].map[0].description, "GPU");
	assert_null(maps.v[0].map[0].subsystem_id);
	assert_int_equal(maps.warnings.n, 1);
	assert_string_equal(
		maps.warnings.v[0],
		"line 2: (section 'm2') - unable to parse value of 'map': invalid format "
		"- format error; node: invalid format - value does not look like a valid "
		"node name; id: property is missing and it is not optional; iommugroup: "
		"type check ('integer') failed - got 'x'");
}

static void test_from_host(void **state)
{
	struct pt_pci_dev devs[2] = {0};
	struct pt_host h = {.devs = devs, .ndevs = 2};
	struct pt_vm_host_fn *fns;
	size_t n;

	snprintf(devs[0].slot, sizeof(devs[0].slot), "0000:01:00.0");
	devs[0].have = PT_PCI_HAVE_VENDOR | PT_PCI_HAVE_DEVICE | PT_PCI_HAVE_GROUP;
	devs[0].vendor = 0x10de;
	devs[0].device = 0x2204;
	devs[0].iommu_group = 14;
	snprintf(devs[1].slot, sizeof(devs[1].slot), "0000:01:00.1");
	devs[1].have = PT_PCI_HAVE_VENDOR;
	devs[1].iommu_group = 3;
	assert_int_equal(pt_vm_host_fns_from_host(&h, &fns, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(fns[0].name, "0000:01:00.0");
	assert_true(fns[0].has_ids);
	assert_int_equal(fns[0].iommu_group, 14);
	assert_false(fns[1].has_ids);
	assert_int_equal(fns[1].iommu_group, -1);
	free(fns);
}

static int teardown(void **state)
{
	for (size_t i = 0; i < PT_HOSTPCI_MAX; i++)
		pt_hostpci_spec_done(&specs[i]);
	pt_pci_mappings_done(&maps);
	pt_vm_hostpci_result_done(&res);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_all_functions, teardown),
		cmocka_unit_test_teardown(test_joined_functions, teardown),
		cmocka_unit_test_teardown(test_default_domain, teardown),
		cmocka_unit_test_teardown(test_pci_slots, teardown),
		cmocka_unit_test_teardown(test_pcie, teardown),
		cmocka_unit_test_teardown(test_gpu_options, teardown),
		cmocka_unit_test_teardown(test_x_vga_ovmf, teardown),
		cmocka_unit_test_teardown(test_mdev, teardown),
		cmocka_unit_test_teardown(test_nvidia_vgpu, teardown),
		cmocka_unit_test_teardown(test_host_refusals, teardown),
		cmocka_unit_test_teardown(test_mapping, teardown),
		cmocka_unit_test_teardown(test_alternatives, teardown),
		cmocka_unit_test_teardown(test_mapping_refusals, teardown),
		cmocka_unit_test_teardown(test_legacy_igd, teardown),
		cmocka_unit_test_teardown(test_template, teardown),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_machine_type),
		cmocka_unit_test_teardown(test_mapping_file, teardown),
		cmocka_unit_test(test_from_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
