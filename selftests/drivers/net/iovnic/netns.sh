#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# VFs move between namespaces, come home when theirs is deleted, and the PF
# configures them wherever they live.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 9
dmesg_mark
iov_load total_vfs=2
iov_set_vfs 2
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24

check "VF0 lives in namespace a" ip netns exec iovt-a test -e /sys/class/net/iovnic0v0
ip link set iovnic0 vf 0 mac 02:00:00:00:aa:01 vlan 10
check_eq "PF set VF0's MAC inside namespace a" 02:00:00:00:aa:01 \
	"$(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/address)"
ip link set iovnic0 vf 1 vlan 10
check "VF0 and VF1 talk in VLAN 10 from their namespaces" ping_ok iovt-a 192.0.2.2

ip -n iovt-a link set iovnic0v0 netns iovt-b
check "moved from a to b" ip netns exec iovt-b test -e /sys/class/net/iovnic0v0
ip netns del iovt-b
check "namespace deleted: VF0 came home" wait_for_dev iovnic0v0
check "namespace deleted: VF1 came home" wait_for_dev iovnic0v1
check_eq "VF0 kept the PF's MAC" 02:00:00:00:aa:01 "$(cat /sys/class/net/iovnic0v0/address)"
ip link set iovnic0 vf 0 mac 02:00:00:00:aa:02
check_eq "PF sets it again at home" 02:00:00:00:aa:02 "$(cat /sys/class/net/iovnic0v0/address)"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
