# The guest's ground-truth table (tab-separated, "-" = absent) as JSON.
#   jq -R -n -f groundtruth.jq < groundtruth.out
def opt: if . == "-" then null else . end;
[inputs
 | select(length > 0 and (startswith("#") | not))
 | split("\t")
 | {slot: .[0],
    iommu_group: (.[1] | opt | if . == null then null else tonumber end),
    driver: (.[2] | opt),
    driver_override: (.[3] | opt),
    boot_vga: (.[4] | opt),
    reset_method: (.[5] | opt),
    vendor_id: (.[6] | opt | if . == null then null else ltrimstr("0x") end),
    device_id: (.[7] | opt | if . == null then null else ltrimstr("0x") end),
    class_id: (.[8] | opt | if . == null then null else ltrimstr("0x")[0:4] end),
    modalias: (.[9] | opt)}]
| sort_by(.slot)
