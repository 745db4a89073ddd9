#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# total_vfs=255: all 255 VFs enabled (one root bus holds them), then torn down.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 7
dmesg_mark
iov_load total_vfs=255
pf=$(pf_dev 0)
dom=$(basename "$pf" | cut -d: -f1)

check_eq "sriov_totalvfs is 255" 255 "$(cat "$pf/sriov_totalvfs")"
check "enable 255 VFs" bash -c "echo 255 > $pf/sriov_numvfs"
check_eq "255 VF PCI functions" 255 "$(ls -d /sys/bus/pci/devices/$dom:00:* | grep -vc ':00:00.0$')"
vf_netdevs() { [ "$(ls /sys/class/net | grep -c '^iovnic0v')" = "$1" ]; }
check "255 VF netdevs" wait_until 60 vf_netdevs 255
check_eq "last VF is devfn 1f.7" "$dom:00:1f.7" "$(basename "$(readlink -f "$pf/virtfn254")")"
check "disable 255 VFs" bash -c "echo 0 > $pf/sriov_numvfs && [ \$(ls /sys/class/net | grep -c '^iovnic0v') = 0 ]"
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
