# Compare passthru's device list with the kernel's ground truth.
#   jq -n -r --slurpfile kernel KERNEL.json --slurpfile pt LIST.json -f compare.jq
# KERNEL.json: array of {slot, iommu_group, driver, vendor_id, device_id, class_id}
# LIST.json: any passthru JSON document; its devices are the objects with "slot".
# Prints one line per difference; prints nothing when they agree.
def devices: [.. | objects | select(has("slot"))];
def fields: ["iommu_group", "driver", "vendor_id", "device_id", "class_id"];

($kernel[0]) as $k
| ($pt[0] | devices) as $p
| ($k | map({key: .slot, value: .}) | from_entries) as $K
| ($p | map({key: (.slot | tostring), value: .}) | from_entries) as $P
| ([$p[] | .slot | tostring] | group_by(.) | map(select(length > 1) | "\(.[0]): listed \(length) times by passthru"))
  + [$K | keys[] | select($P[.] == null) | "\(.): in the kernel, missing from passthru"]
  + [$P | keys[] | select($K[.] == null) | "\(.): listed by passthru, not in the kernel"]
  + [$K | keys[] as $s | select($P[$s] != null) | fields[] as $f
     | select(($P[$s] | has($f)) | not)
     | "\($s): passthru has no \"\($f)\" key"]
  + [$K | keys[] as $s | select($P[$s] != null) | fields[] as $f
     | select(($P[$s] | has($f)) and $K[$s][$f] != $P[$s][$f])
     | "\($s): \($f): kernel \($K[$s][$f] | tojson), passthru \($P[$s][$f] | tojson)"]
| .[]
