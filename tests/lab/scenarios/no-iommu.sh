# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# No IOMMU at all: no DMAR/IVRS table.
description="no IOMMU device"
iommu=none
append=()
expect_iommu=off
# check points at the firmware setting, where the IOMMU is turned on.
check_rc=1
check_expect='[.findings[] | select(.severity == "fail") | (.message + " " + (.hint // "")) | select(test("VT-d|AMD-Vi|firmware"))] | length > 0'
