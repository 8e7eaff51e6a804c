# shellcheck shell=bash disable=SC2034,SC2154 # sourced by tests/lab/run (scenario_dir, kver, lab_console, problems are its)
# Boot time on a GRUB host (legacy BIOS: no /sys/firmware/efi) with the
# identical-ID trap (identical-id.bash). The host's /etc/default/grub has
# intel_iommu=off (grub-identical.rootfs), so the plan must add intel_iommu=on
# through GRUB and boot 2 must come up with it.
# shellcheck source=identical-id.bash
. "$scenario_dir/identical-id.bash"
description="identical IDs on a GRUB host: apply, reboot, verify, undo"
append=(intel_iommu=off)

check_boot() { # BOOT DIR
	local f=$2/files cmdline
	check_identical_boot "$@"
	[ "$(cat "$f/firmware")" = bios ] || problem "boot $1: not a BIOS boot: $(cat "$f/firmware")"
	case $1 in
	1)
		grep -q '^wrote grub config: ' "$f/refresh.log" 2>/dev/null ||
			problem "boot 1: apply did not regenerate the GRUB configuration (refresh.log: $(tr '\n' '|' <"$f/refresh.log" 2>/dev/null))"
		;;
	2)
		cmdline=$(cat "$f/cmdline")
		case $cmdline in
		BOOT_IMAGE=/boot/vmlinuz-*" intel_iommu=off "*"intel_iommu=on "*) ;;
		*) problem "boot 2: the command line is not GRUB's with intel_iommu=on after intel_iommu=off: $cmdline" ;;
		esac
		;;
	esac
}
