# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Harness self-test (not a test of passthru): boot 1 edits GRUB and modprobe.d
# configuration like a passthrough setup would and runs update-grub; boot 2
# must come up with the new command line, the modprobe.d change honoured and
# /var/lib, /usr/local persisted.
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
		;;
	2)
		grep -q ' quiet lab_test=1$' <(sed 's/ console=.*//' "$f/cmdline") ||
			problem "boot 2: /proc/cmdline lacks lab_test=1 from grub.d: $(cat "$f/cmdline")"
		case $(cat "$f/cmdline") in BOOT_IMAGE=/boot/vmlinuz-*) ;; *) problem "boot 2: no BOOT_IMAGE= (GRUB)" ;; esac
		[ "$(jq -r '.[] | select(.slot == "0000:07:01.0") | .driver' "$f/kernel.json")" = vfio-pci ] ||
			problem "boot 2: 07:01.0 is not bound to vfio-pci (softdep/options not honoured)"
		tar -t -f "$f/state.tar" | grep -qx 'var/lib/lab-test/stamp' || problem "boot 2: /var/lib did not persist"
		tar -t -f "$f/state.tar" | grep -qx 'usr/local/bin/lab-test' || problem "boot 2: /usr/local did not persist"
		[ ! -s "$f/refresh.log" ] || problem "boot 2: unexpected refresh log"
		;;
	esac
}
