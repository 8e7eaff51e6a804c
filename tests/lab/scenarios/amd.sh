# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Emulated AMD-Vi (on by default when the firmware has an IVRS table).
description="AMD-Vi"
iommu=amd
append=()
expect_iommu=on
