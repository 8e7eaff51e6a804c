# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Emulated Intel VT-d present (DMAR table), turned off on the command line.
description="Intel VT-d, intel_iommu=off"
iommu=intel
append=(intel_iommu=off)
expect_iommu=off
# check names the parameter as the cause, not only that the IOMMU is off.
check_rc=1
check_expect='[.findings[] | select(.severity == "fail" and (.message | test("intel_iommu=off")))] | length > 0'
