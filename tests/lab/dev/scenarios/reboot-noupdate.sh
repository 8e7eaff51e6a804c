# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Harness self-test (not a test of passthru): boot 1 edits GRUB configuration
# and modprobe.d but runs neither update-grub nor update-initramfs; boot 2
# must keep boot 1's command line and the old initramfs image: e1000, loaded
# in the initramfs phase, keeps 07:01.0 although /etc/modprobe.d now gives it
# to vfio-pci.
description="self-test: two boots, GRUB host, no update-grub"
iommu=intel
append=(intel_iommu=on)
expect_iommu=on
boots=2

check_boot() { # BOOT DIR
	local f=$2/files
	if [ "$1" = 2 ]; then
		[ "$(cat "$f/cmdline")" = "$(cat "$2/../boot1/files/cmdline")" ] ||
			problem "boot 2: command line changed without update-grub: $(cat "$f/cmdline")"
		if ! tar -t -f "$f/state.tar" 2>/dev/null | grep -qx 'etc/default/grub.d/lab-test.cfg'; then
			problem "boot 2: /etc/default/grub.d/lab-test.cfg did not persist"
		fi
		[ "$(jq -r '.[] | select(.slot == "0000:07:01.0") | .driver' "$f/kernel.json")" = e1000 ] ||
			problem "boot 2: 07:01.0 is not on e1000: the modprobe.d change took effect without update-initramfs"
	fi
}
