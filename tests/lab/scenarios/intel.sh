# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Emulated Intel VT-d, turned on explicitly as Proxmox's guide says.
description="Intel VT-d, intel_iommu=on"
iommu=intel
append=(intel_iommu=on)
expect_iommu=on
# Live-only checks run for real in the guest: it has no KVM modules, so no /dev/kvm.
check_expect='[.findings[] | select(.id == "kvm.missing" and .severity == "fail")] | length == 1'
