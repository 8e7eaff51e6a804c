# shellcheck shell=bash disable=SC2034,SC2054,SC2154 # sourced by grub-identical.sh and pve-identical.sh; commas are inside QEMU arguments
# The identical-ID trap, shared by the GRUB and the Proxmox
# systemd-boot scenario: the host console VGA and the display device to pass
# through are both 1234:1111 (QEMU `VGA` and `secondary-vga`), the target slot
# has an HD audio function, and the onboard HD audio also uses snd_hda_intel.
#
#   00:01.0 VGA 1234:1111 (boot VGA, host console)      bochs-drm, stays
#   00:02.0 root port -> 01:00.0 secondary-vga 1234:1111 (class 0380)  target
#                        01:00.1 intel-hda 8086:2668                    target
#   00:1b.0 ich9-intel-hda 8086:293e (onboard)          snd_hda_intel, stays
#   00:05.0 e1000e
#
# Boot 1 starts with the IOMMU off (intel_iommu=off in the host's own
# configuration), records /etc, runs `passthru plan` and `passthru apply --yes`
# for 01:00.0 (identical-id.steps-1). Boot 2, with the command line the boot
# configuration then gives, must have the IOMMU on, both target functions on
# vfio-pci and the host VGA and onboard audio on their drivers; `passthru
# verify 01:00.0` exits 0; `passthru undo --yes` restores /etc byte for byte
# (identical-id.steps-2; /usr/lib/lab/etc-manifest: type, mode, owner,
# SHA-256 of every path under /etc).
iommu=intel
boots=2
expect_iommu=off
topology=(
	-device VGA,bus=pcie.0,addr=01.0
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=02.0,chassis=1,slot=1
	-device secondary-vga,bus=rp1,addr=00.0,multifunction=on
	-device intel-hda,bus=rp1,addr=00.1
	-device ich9-intel-hda,bus=pcie.0,addr=1b.0
	-device e1000e,bus=pcie.0,addr=05.0
)
id_target=(0000:01:00.0 0000:01:00.1)
id_host_vga=0000:00:01.0
id_host_hda=0000:00:1b.0

# The exit status a steps script recorded for NAME ("@@rc NAME N"), or "none".
id_rc() { # FILE NAME
	local rc
	rc=$(sed -n "s/^@@rc $2 //p" "$1" 2>/dev/null)
	printf '%s\n' "${rc:-none}"
}

# Prints the part of a steps output between "@@run NAME" and "@@rc NAME".
id_output() { # FILE NAME
	sed -n "/^@@run $2: /,/^@@rc $2 /p" "$1" | sed 's/^/    /'
}

# A file from the state a boot left (/etc, /usr/local, /var/lib).
id_state_file() { # DIR PATH
	tar -x -O -f "$1/files/state.tar" "$2" 2>/dev/null
}

id_driver() { # DIR SLOT
	jq -r --arg s "$2" '.[] | select(.slot == $s) | .driver // "none"' "$1/files/kernel.json"
}

# Expects NAME's exit status in the steps output to be RC; shows its output otherwise.
id_expect_rc() { # BOOT FILE NAME RC
	local rc
	rc=$(id_rc "$2" "$3")
	if [ "$rc" != "$4" ]; then
		problem "boot $1: passthru $3 exit status $rc, expected $4; its output:"
		id_output "$2" "$3" >>"$problems"
	fi
}

check_identical_boot() { # BOOT DIR
	local n=$1 dir=$2 f=$2/files s drv diff
	if [ "$(cat "$f/steps-$n.rc" 2>/dev/null)" != 0 ]; then
		problem "boot $n: the steps script failed (exit $(cat "$f/steps-$n.rc" 2>/dev/null)); stderr:"
		sed 's/^/    /' "$f/steps-$n.err" >>"$problems" 2>/dev/null
	fi
	case $n in
	1)
		id_expect_rc 1 "$f/steps-1.out" plan 0
		id_expect_rc 1 "$f/steps-1.out" apply 0
		grep -qx 'update-initramfs -u -k all' "$f/refresh.log" 2>/dev/null ||
			problem "boot 1: apply did not run update-initramfs -u -k all"
		# The identical IDs need the per-slot override script, executable (initramfs-tools
		# runs nothing else), and it must be in the image the next boot runs from.
		if ! tar -t -v -f "$f/state.tar" etc/initramfs-tools/scripts/init-top/passthru 2>/dev/null | grep -q '^-rwx'; then
			problem "boot 1: no executable /etc/initramfs-tools/scripts/init-top/passthru after apply"
		fi
		grep -qx passthru <(id_state_file "$dir" var/lib/lab/initramfs/scripts/init-top/ORDER) ||
			problem "boot 1: the rebuilt initramfs image does not run init-top/passthru"
		;;
	2)
		# The IOMMU is on now (boot 1 had intel_iommu=off).
		[ "$(jq '[.[] | select(.iommu_group == null)] | length' "$f/kernel.json")" = 0 ] ||
			problem "boot 2: devices without an IOMMU group: the IOMMU is not on ($(cat "$f/cmdline"))"
		for s in "${id_target[@]}"; do
			drv=$(id_driver "$dir" "$s")
			[ "$drv" = vfio-pci ] || problem "boot 2: target $s is on $drv, not vfio-pci"
		done
		drv=$(id_driver "$dir" "$id_host_vga")
		[ "$drv" = bochs-drm ] || problem "boot 2: the host console VGA $id_host_vga is on $drv, not bochs-drm"
		drv=$(id_driver "$dir" "$id_host_hda")
		[ "$drv" = snd_hda_intel ] || problem "boot 2: the onboard audio $id_host_hda is on $drv, not snd_hda_intel"
		id_expect_rc 2 "$f/steps-2.out" verify 0
		id_expect_rc 2 "$f/steps-2.out" undo 0
		diff=$(diff -u <(id_state_file "$dir" var/lib/lab/etc-before) \
			<(id_state_file "$dir" var/lib/lab/etc-after)) || true
		if [ -z "$(id_state_file "$dir" var/lib/lab/etc-after)" ]; then
			problem "boot 2: no /etc manifest after undo"
		elif [ -n "$diff" ]; then
			problem "boot 2: /etc after undo differs from /etc before apply:"
			printf '%s\n' "$diff" | sed 's/^/    /' >>"$problems"
		fi
		;;
	esac
}
