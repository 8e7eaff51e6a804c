# shellcheck shell=bash disable=SC2034 # sourced by tests/lab/run
# Emulated Intel VT-d with nothing on the command line: Debian 12's 6.1 kernel
# is built with CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y, so the IOMMU is on.
description="Intel VT-d, no intel_iommu= (Debian default)"
iommu=intel
append=()
expect_iommu=on
# Debian's 6.1 enables the Intel IOMMU by default: check does not ask for intel_iommu=on.
check_expect='[.findings[] | select(.id == "cmdline.intel-iommu-needed" or (.severity == "fail" and ((.hint // "") | test("intel_iommu=on"))))] | length == 0'
