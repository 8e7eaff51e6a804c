# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# No IOMMU at all: no DMAR/IVRS table.
description="no IOMMU device"
iommu=none
append=()
expect_iommu=off
