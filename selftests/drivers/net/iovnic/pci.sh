#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PCI identity: the PF lives on iovnic's own host bridge in a domain from
# 0x10000 up, with the SR-IOV capability; VFs appear with virtfn/physfn
# links, lspci shows them, and a bus rescan adds no duplicates.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 17
dmesg_mark
iov_load total_vfs=8

pf=$(pf_dev 0)
addr=$(basename "$pf")
dom=$((16#${addr%%:*}))
check "PF domain >= 0x10000" test "$dom" -ge $((16#10000))
check_eq "PF is function 00.0 of bus 00" "00:00.0" "${addr#*:}"
check_eq "PF bound to driver iovnic" iovnic "$(basename "$(readlink "$pf/driver")")"
check_eq "PF class is Ethernet" 0x020000 "$(cat "$pf/class")"
# QEMU's experimental range of Red Hat's vendor ID (virtio-pci, which
# matches the vendor, must leave the function to iovnic)
check_eq "PF IDs 1af4:10f0, subsystem 1af4:10f0" "0x1af4 0x10f0 0x1af4 0x10f0" \
	"$(cat "$pf/vendor" "$pf/device" "$pf/subsystem_vendor" "$pf/subsystem_device" | xargs)"
check "lspci -D lists the PF" bash -c "lspci -D -s $addr | grep -qi ethernet"
check "lspci shows the SR-IOV capability with 8 VFs" \
	bash -c "lspci -vvv -s $addr | grep -q 'Total VFs: 8'"
check_eq "sriov_totalvfs" 8 "$(cat "$pf/sriov_totalvfs")"

iov_set_vfs 3
check_eq "three VFs in lspci" 3 "$(lspci -D -d ::0200 | grep -c "^${addr%%:*}:00:00\.[1-3] ")"
vf1=$(readlink -f "$pf/virtfn1")
check_eq "virtfn1 is devfn 00.2" "${addr%%:*}:00:00.2" "$(basename "$vf1")"
check_eq "VF physfn link points to the PF" "$pf" "$(readlink -f "$vf1/physfn")"
check_eq "VF bound to driver iovnicvf" iovnicvf "$(basename "$(readlink "$vf1/driver")")"
check_eq "VF IDs 1af4:10f1, lspci -d 1af4:10f1 lists the 3 VFs" "0x1af4 0x10f1 3" \
	"$(cat "$vf1/vendor" "$vf1/device" | xargs) $(lspci -D -d 1af4:10f1 | grep -c "^${addr%%:*}:")"

before=$(lspci -D | grep -c "^${addr%%:*}:")
echo 1 > /sys/bus/pci/rescan
after=$(lspci -D | grep -c "^${addr%%:*}:")
check_eq "rescan adds no duplicates" "$before" "$after"
check_eq "rescan keeps 3 VF netdevs" 3 "$(ls /sys/class/net | grep -c '^iovnic0v')"

iov_set_vfs 0
check_eq "VFs gone after sriov_numvfs=0" 0 "$(lspci -D | grep -c "^${addr%%:*}:00:00\.[1-9] ")"
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
