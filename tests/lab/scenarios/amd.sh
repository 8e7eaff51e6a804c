# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Emulated AMD-Vi (on by default when the firmware has an IVRS table).
description="AMD-Vi"
iommu=amd
append=()
expect_iommu=on
# check never advises amd_iommu=on, which is not a valid value (linux
# Documentation/admin-guide/kernel-parameters.txt).
check_expect='[.. | strings | select(test("amd_iommu=on"))] | length == 0'
