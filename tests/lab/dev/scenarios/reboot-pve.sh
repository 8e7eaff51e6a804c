# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Harness self-test (not a test of passthru): a proxmox-boot-tool host with
# systemd-boot (/etc/kernel/proxmox-boot-uuids + /etc/kernel/cmdline), booted
# by OVMF and systemd-boot from an ESP. Boot 1 edits /etc/kernel/cmdline and
# runs update-initramfs, whose proxmox-boot hook refreshes the ESPs; boot 2
# must boot the new command line, through systemd-boot.
description="self-test: two boots, proxmox-boot-tool + systemd-boot"
iommu=amd
append=(root=ZFS=rpool/ROOT/pve-1 boot=zfs)
expect_iommu=on
boots=2
firmware=uefi-sdboot

check_boot() { # BOOT DIR
	local f=$2/files
	case $(cat "$f/firmware") in
	"uefi LoaderInfo=systemd-boot "*" LoaderEntrySelected=proxmox-"*.conf) ;;
	*) problem "boot $1: not booted by systemd-boot: $(cat "$f/firmware")" ;;
	esac
	case $1 in
	1)
		grep -qx 'update-initramfs -u -k all' "$f/refresh.log" || problem "boot 1: update-initramfs not logged"
		grep -q '^wrote systemd-boot entries: ' "$f/refresh.log" || problem "boot 1: no systemd-boot refresh"
		case $(cat "$f/cmdline") in
		"initrd=\\EFI\\proxmox\\"*" root=ZFS=rpool/ROOT/pve-1 boot=zfs console="*) ;;
		*) problem "boot 1: unexpected command line: $(cat "$f/cmdline")" ;;
		esac
		;;
	2)
		case $(cat "$f/cmdline") in
		"initrd=\\EFI\\proxmox\\"*" root=ZFS=rpool/ROOT/pve-1 boot=zfs iommu=pt console="*) ;;
		*) problem "boot 2: unexpected command line: $(cat "$f/cmdline")" ;;
		esac
		;;
	esac
}
