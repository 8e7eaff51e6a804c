# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Harness self-test (not a test of passthru): boot 1 edits GRUB configuration
# but runs no update-grub; boot 2 must keep boot 1's command line.
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
	fi
}
