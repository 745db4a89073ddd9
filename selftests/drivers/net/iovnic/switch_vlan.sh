#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Port VLANs (ip link set <pf> vf N vlan V [qos Q] [proto 802.1Q|802.1ad])
# and VLANs a PF or VF joins itself, enforced on real traffic.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 19
dmesg_mark
iov_load total_vfs=6
iov_set_vfs 6
modprobe 8021q

sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
ip link set iovnic0 up
# VLAN 10: VF0, VF1 and the PF's iovnic0.10; VLAN 20: VF2, same subnet
ip link set iovnic0 vf 0 vlan 10 qos 5
ip link set iovnic0 vf 1 vlan 10
ip link set iovnic0 vf 2 vlan 20
ip link add link iovnic0 name iovnic0.10 type vlan id 10
ip addr add 198.51.100.254/24 dev iovnic0.10
ip link set iovnic0.10 up
ns_add iovt-a iovnic0v0 198.51.100.1/24
ns_add iovt-b iovnic0v1 198.51.100.2/24
ns_add iovt-c iovnic0v2 198.51.100.3/24

check "VLAN 10: VF0 pings VF1" ping_ok iovt-a 198.51.100.2
check "VLAN 10: VF0 pings the PF's iovnic0.10" ping_ok iovt-a 198.51.100.254
check "VLAN 10 -> 20: VF0 cannot reach VF2" not ping_ok iovt-a 198.51.100.3
check "VLAN 20 -> 10: VF2 cannot reach VF1" not ping_ok iovt-c 198.51.100.2

# what the PF and the VFs see of VF0's broadcasts
a_mac=$(cat /sys/class/net/iovnic0v0/address 2>/dev/null ||
	ip netns exec iovt-a cat /sys/class/net/iovnic0v0/address)
cap pf - iovnic0 --src "$a_mac" --vlan 10 --prio 5 --tpid 0x8100
cap b iovt-b iovnic0v1 --src "$a_mac" --untagged
cap c iovt-c iovnic0v2 --src "$a_mac"
cap_send iovt-a iovnic0v0 --dst ff:ff:ff:ff:ff:ff --count 5
check_eq "PF got VF0's broadcasts tagged VLAN 10, priority 5" 5 "$(capn pf)"
check_eq "VF1 got them untagged" 5 "$(capn b)"
check_eq "VF2 (VLAN 20) got none" 0 "$(capn c)"

# a VF in a port VLAN may not tag its own frames
before=$(stat_of iovnic0v0 vport_tx_vlan_refused iovt-a)
ip netns exec iovt-a "$PKT" send iovnic0v0 --dst ff:ff:ff:ff:ff:ff --vlan 7 --count 4 > /dev/null
after=$(stat_of iovnic0v0 vport_tx_vlan_refused iovt-a)
check_eq "self-tagged frames from a port-VLAN VF dropped, counted" 4 "$((after - before))"

# the port VLAN is removed with vlan 0: VF0 leaves VLAN 10
ip link set iovnic0 vf 0 vlan 0
check "vlan 0: VF0 no longer reaches VLAN 10" not ping_ok iovt-a 198.51.100.2
ip link set iovnic0 vf 0 vlan 10
check "vlan 10 again: VF0 reaches VF1" ping_ok iovt-a 198.51.100.2

# 802.1ad: an S-tag stacked on what the VF sends, C-tags included
ip link set iovnic0 vf 3 vlan 30 proto 802.1ad
ns_add iovt-d iovnic0v3 203.0.113.3/24
ip link add link iovnic0 name iovnic0.s30 type vlan proto 802.1ad id 30
ip addr add 203.0.113.254/24 dev iovnic0.s30
ip link set iovnic0.s30 up
check "802.1ad: VF3 pings the PF's S-VLAN 30" ping_ok iovt-d 203.0.113.254
ip -n iovt-d link add link iovnic0v3 name iovnic0v3.5 type vlan id 5
ip -n iovt-d addr add 192.0.2.3/26 dev iovnic0v3.5
ip -n iovt-d link set iovnic0v3.5 up
ip link add link iovnic0.s30 name iovnic0.s30.5 type vlan id 5
ip addr add 192.0.2.62/26 dev iovnic0.s30.5
ip link set iovnic0.s30.5 up
check "802.1ad: VF3's C-VLAN 5 inside S-VLAN 30 reaches the PF" ping_ok iovt-d 192.0.2.62
d_mac=$(ip netns exec iovt-d cat /sys/class/net/iovnic0v3/address)
cap pf - iovnic0 --src "$d_mac" --vlan 30 --tpid 0x88a8
cap_send iovt-d iovnic0v3 --dst ff:ff:ff:ff:ff:ff --count 3
check_eq "PF got VF3's frames with an 802.1ad tag 30" 3 "$(capn pf)"
ip -n iovt-a addr add 203.0.113.1/24 dev iovnic0v0
check "VLAN 10 does not reach S-VLAN 30 (same subnet)" not ping_ok iovt-a 203.0.113.254

# VLANs a VF joins itself (no port VLAN): filters per (MAC, VLAN)
ns_add iovt-e iovnic0v4 192.0.2.68/26
ns_add iovt-f iovnic0v5 192.0.2.133/26
ip -n iovt-e link add link iovnic0v4 name iovnic0v4.100 type vlan id 100
ip -n iovt-e addr add 192.0.2.132/26 dev iovnic0v4.100
ip -n iovt-e link set iovnic0v4.100 up
ip link add link iovnic0 name iovnic0.100 type vlan id 100
ip addr add 192.0.2.190/26 dev iovnic0.100
ip link set iovnic0.100 up
check "VF4's own VLAN 100 reaches the PF's VLAN 100" ping_ok iovt-e 192.0.2.190
check "untagged VF5 cannot reach VLAN 100" not ping_ok iovt-f 192.0.2.132
e_mac=$(ip netns exec iovt-e cat /sys/class/net/iovnic0v4/address)
vlan100_to_vf4() {
	cap e iovt-e iovnic0v4 --dst "$e_mac" --vlan 100
	cap_send - iovnic0 --dst "$e_mac" --vlan 100 --count 3
	capn e
}
check_eq "frames to (VF4, VLAN 100) reach VF4" 3 "$(vlan100_to_vf4)"
ip -n iovt-e link del iovnic0v4.100
check_eq "VF4 left VLAN 100: its (MAC, 100) filter is gone" 0 "$(vlan100_to_vf4)"

ip link del iovnic0.s30.5
ip link del iovnic0.s30
ip link del iovnic0.100
ip link del iovnic0.10
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
