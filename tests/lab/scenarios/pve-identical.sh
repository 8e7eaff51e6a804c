# shellcheck shell=bash disable=SC2034,SC2154 # sourced by tests/lab/run (scenario_dir, kver, lab_console, problems are its)
# Boot time on a Proxmox host that boots systemd-boot through
# proxmox-boot-tool (UEFI, /etc/kernel/proxmox-boot-uuids, /etc/kernel/cmdline;
# pve-identical.rootfs), with the identical-ID trap (identical-id.bash). Editing
# GRUB would change nothing here: /etc/kernel/cmdline has intel_iommu=off, so
# the plan must add intel_iommu=on there and refresh the ESPs, and boot 2 must
# come up with systemd-boot's entry built from that file.
# shellcheck source=identical-id.bash
. "$scenario_dir/identical-id.bash"
description="identical IDs on a Proxmox systemd-boot host: apply, reboot, verify, undo"
firmware=uefi-sdboot
append=(root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=off)

check_boot() { # BOOT DIR
	local f=$2/files want grub_before grub_applied
	check_identical_boot "$@"
	case $(cat "$f/firmware") in
	"uefi LoaderInfo=systemd-boot "*" LoaderEntrySelected=proxmox-$kver.conf") ;;
	*) problem "boot $1: not booted by systemd-boot: $(cat "$f/firmware")" ;;
	esac
	case $1 in
	1)
		grep -q '^wrote systemd-boot entries: ' "$f/refresh.log" 2>/dev/null ||
			problem "boot 1: apply did not refresh the systemd-boot entries (refresh.log: $(tr '\n' '|' <"$f/refresh.log" 2>/dev/null))"
		# GRUB's files are not what this host boots: apply leaves them alone.
		grub_before=$(id_state_file "$2" var/lib/lab/etc-before | grep ' /etc/default/grub')
		grub_applied=$(id_state_file "$2" var/lib/lab/etc-applied | grep ' /etc/default/grub')
		[ "$grub_before" = "$grub_applied" ] ||
			problem "boot 1: apply changed GRUB's configuration on a systemd-boot host: $(diff <(printf '%s\n' "$grub_before") <(printf '%s\n' "$grub_applied") | tr '\n' '|')"
		;;
	2)
		# systemd-boot's entry, from the first line of /etc/kernel/cmdline as apply left it.
		want="initrd=\\EFI\\proxmox\\$kver\\initrd.img-$kver $(id_state_file "$2/../boot1" etc/kernel/cmdline | head -n 1) $lab_console"
		[ "$(cat "$f/cmdline")" = "$want" ] ||
			problem "boot 2: the command line is not the systemd-boot entry from /etc/kernel/cmdline: got '$(cat "$f/cmdline")', want '$want'"
		case $(cat "$f/cmdline") in
		*" intel_iommu=off "*"intel_iommu=on "*) ;;
		*) problem "boot 2: no intel_iommu=on after intel_iommu=off: $(cat "$f/cmdline")" ;;
		esac
		;;
	esac
}
