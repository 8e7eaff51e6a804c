# shellcheck shell=bash disable=SC2034,SC2154 # sourced by tests/lab/run (problems is its)
# Runtime binding on a real kernel: `passthru bind --yes` moves the root-bus e1000e
# 00:05.0 to vfio-pci (/dev/vfio/<group> appears, `passthru verify` passes); `unbind --yes`
# gives it back to e1000e with driver_override cleared. Without a terminal and without --yes
# nothing happens; a bind that fails half-way (test hook) leaves a state unbind repairs;
# `undo --yes` after a bind gives the NIC back from the writes the bind's journal recorded.
description="bind/unbind 00:05.0 (e1000e) at runtime"
iommu=intel
append=(intel_iommu=on)
expect_iommu=on

check_boot() { # BOOT DIR
	local f=$2/files out line before
	out=$f/steps-1.out
	before=$(wc -l <"$problems")
	if [ "$(cat "$f/steps-1.rc" 2>/dev/null)" != 0 ]; then
		problem "steps-1: exit status $(cat "$f/steps-1.rc" 2>/dev/null); stderr:"
		sed 's/^/    /' "$f/steps-1.err" >>"$problems" 2>/dev/null || true
	fi
	for line in \
		"before driver=e1000e override=(null) devvfio=no state=absent" \
		"refuse rc=2" \
		"after-refuse driver=e1000e override=(null) devvfio=no state=absent" \
		"bind rc=0" \
		"after-bind driver=vfio-pci override=vfio-pci devvfio=yes state=present" \
		"verify rc=0" \
		"bind-again rc=0" \
		"unbind rc=0" \
		"after-unbind driver=e1000e override=(null) devvfio=no state=absent" \
		"fault rc=1" \
		"after-fault driver=e1000e override=vfio-pci devvfio=no state=present" \
		"unbind-fault rc=0" \
		"after-fault-unbind driver=e1000e override=(null) devvfio=no state=absent" \
		"bind-undo rc=0" \
		"before-undo driver=vfio-pci override=vfio-pci devvfio=yes state=present" \
		"undo rc=0" \
		"after-undo driver=e1000e override=(null) devvfio=no state=absent"; do
		grep -qxF -- "$line" "$out" 2>/dev/null || problem "steps-1: no line '$line'"
	done
	grep -q 'not a terminal: nothing changed' "$out" 2>/dev/null ||
		problem "steps-1: bind without --yes and without a terminal did not say why it refused"
	grep -Eq '^  \| ok   /dev/vfio/[0-9]+ exists and the kernel calls the group viable$' "$out" 2>/dev/null ||
		problem "steps-1: bind did not report /dev/vfio/<group> as viable"
	grep -q '^  | FAIL 0000:00:05.0 is on e1000e, not vfio-pci$' "$out" 2>/dev/null ||
		problem "steps-1: the failed bind did not name the driver that holds the device"
	grep -q '^  | undone: journal 000005$' "$out" 2>/dev/null ||
		problem "steps-1: undo did not name the bind's journal (000005)"
	grep -q '^  | ok   0000:00:05.0 is on e1000e, driver_override unset$' "$out" 2>/dev/null ||
		problem "steps-1: undo did not report the NIC back on e1000e"
	# The ground truth recorded after the steps, independent of the steps' own reading.
	line=$(awk -F'\t' '$1 == "0000:00:05.0" { print $3, $4 }' "$f/groundtruth-after.out" 2>/dev/null)
	[ "$line" = "e1000e (null)" ] ||
		problem "groundtruth-after: 00:05.0 is '$line', not 'e1000e (null)'"
	if [ "$(wc -l <"$problems")" != "$before" ]; then
		echo "  steps-1 output:" >>"$problems"
		sed 's/^/    /' "$out" >>"$problems" 2>/dev/null || true
	fi
}
