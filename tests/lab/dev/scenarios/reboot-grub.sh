# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Harness self-test (not a test of passthru): boot 1 edits GRUB and modprobe.d
# configuration like a passthrough setup would, adds initramfs-tools init-top
# scripts, and runs update-grub and update-initramfs; boot 2 must come up with
# the new command line, the modprobe.d change honoured through the rebuilt
# image, the init-top scripts run in initramfs-tools' order (prereqs after
# udev, non-executable left out), and /var/lib, /usr/local persisted.
description="self-test: two boots, GRUB host, update-grub ran"
iommu=intel
append=()
expect_iommu=on
boots=2

check_boot() { # BOOT DIR
	local f=$2/files
	case $1 in
	1)
		grep -qx 'update-grub' "$f/refresh.log" || problem "boot 1: update-grub not logged"
		grep -qx 'update-initramfs -u -k all' "$f/refresh.log" || problem "boot 1: update-initramfs not logged"
		grep -q '^== init-top/udev$' "$f/modprobe.log" || problem "boot 1: the installer's image has no udev coldplug"
		;;
	2)
		grep -q ' quiet lab_test=1$' <(sed 's/ console=.*//' "$f/cmdline") ||
			problem "boot 2: /proc/cmdline lacks lab_test=1 from grub.d: $(cat "$f/cmdline")"
		case $(cat "$f/cmdline") in BOOT_IMAGE=/boot/vmlinuz-*) ;; *) problem "boot 2: no BOOT_IMAGE= (GRUB)" ;; esac
		[ "$(jq -r '.[] | select(.slot == "0000:07:01.0") | .driver' "$f/kernel.json")" = vfio-pci ] ||
			problem "boot 2: 07:01.0 is not bound to vfio-pci (softdep/options not honoured)"
		[ "$(jq -r '.[] | select(.slot == "0000:07:02.0") | .driver' "$f/kernel.json")" = vfio-pci ] ||
			problem "boot 2: 07:02.0 is not bound to vfio-pci (init-top/lab-test did not run after udev)"
		[ "$(grep -E '^== init-top/' "$f/modprobe.log" | tr '\n' ' ')" = "== init-top/udev == init-top/lab-test " ] ||
			problem "boot 2: init-top order is not udev, lab-test (lab-noexec left out): $(grep -E '^== init-top/' "$f/modprobe.log" | tr '\n' ' ')"
		tar -t -f "$f/state.tar" | grep -qx 'var/lib/lab-test/stamp' || problem "boot 2: /var/lib did not persist"
		tar -t -f "$f/state.tar" | grep -qx 'usr/local/bin/lab-test' || problem "boot 2: /usr/local did not persist"
		[ ! -s "$f/refresh.log" ] || problem "boot 2: unexpected refresh log"
		;;
	esac
}
