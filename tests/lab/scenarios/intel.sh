# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Emulated Intel VT-d, turned on explicitly as Proxmox's guide says.
description="Intel VT-d, intel_iommu=on"
iommu=intel
append=(intel_iommu=on)
expect_iommu=on
