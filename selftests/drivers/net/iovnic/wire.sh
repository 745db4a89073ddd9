#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The physical port: /sys/bus/pci/devices/<pf>/peer cables two PFs back to
# back; frames cross, VLAN and spoof rules apply on both sides, carrier
# follows both ends, bad writes are refused.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 29
dmesg_mark
iov_load num_pfs=3 total_vfs=2
pf0=$(pf_dev 0) pf1=$(pf_dev 1) pf2=$(pf_dev 2)
a0=${pf0##*/} a1=${pf1##*/} a2=${pf2##*/}
other=$(ls /sys/bus/pci/devices | grep -v '^1' | head -n 1)

check_eq "uncabled: peer reads none" none "$(cat "$pf0/peer")"
check_eq "peer itself: EINVAL" EINVAL "$(errno_of_write "$pf0/peer" "$a0")"
check_eq "peer garbage: ENODEV" ENODEV "$(errno_of_write "$pf0/peer" garbage)"
check_eq "peer non-iovnic device $other: EINVAL" EINVAL \
	"$(errno_of_write "$pf0/peer" "$other")"
check_eq "after bad writes: still none" none "$(cat "$pf0/peer")"
check_eq "cable PF0 - PF1" OK "$(errno_of_write "$pf0/peer" "$a1")"
check_eq "PF0 reads PF1" "$a1" "$(cat "$pf0/peer")"
check_eq "PF1 reads PF0 (both ends change)" "$a0" "$(cat "$pf1/peer")"
check_eq "same cable again: OK" OK "$(errno_of_write "$pf1/peer" "$a0")"
check_eq "PF0 to PF2 while cabled: EBUSY" EBUSY "$(errno_of_write "$pf0/peer" "$a2")"
check_eq "PF2 to PF0 while PF0 cabled: EBUSY" EBUSY "$(errno_of_write "$pf2/peer" "$a0")"
check_eq "PF2 still uncabled" none "$(cat "$pf2/peer")"

iov_set_vfs 2 0
iov_set_vfs 2 1
for p in 0 1; do
	sysctl -qw "net.ipv6.conf.iovnic$p.disable_ipv6=1"
	ip link set "iovnic$p" up
done
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic1v0 192.0.2.2/24
tx=$(stat_of iovnic0 port_tx_packets)
rx=$(stat_of iovnic1 port_rx_packets)
check "VF of PF0 pings VF of PF1 across the cable" ping_ok iovt-a 192.0.2.2
check "PF0 port counted frames out" test "$(stat_of iovnic0 port_tx_packets)" -gt "$tx"
check "PF1 port counted frames in" test "$(stat_of iovnic1 port_rx_packets)" -gt "$rx"

# VLANs hold across the cable
ip link set iovnic0 vf 1 vlan 10
ip link set iovnic1 vf 1 vlan 10
ns_add iovt-c iovnic0v1 198.51.100.1/24
ns_add iovt-d iovnic1v1 198.51.100.2/24
check "VLAN 10 on both sides: ping crosses" ping_ok iovt-c 198.51.100.2
ip link set iovnic1 vf 1 vlan 20
check "VLAN 10 vs 20 across the cable: no ping" not ping_ok iovt-c 198.51.100.2

# spoof check on the far side
ma=$(mac_of iovt-a iovnic0v0)
cap a iovt-a iovnic0v0 --dst "$ma"
cap_send iovt-b iovnic1v0 --dst "$ma" --src 02:00:00:00:66:66 --count 5
check_eq "PF1 VF spoofing toward PF0: dropped" 0 "$(capn a)"
ip link set iovnic1 vf 0 spoofchk off
cap a iovt-a iovnic0v0 --dst "$ma"
cap_send iovt-b iovnic1v0 --dst "$ma" --src 02:00:00:00:66:66 --count 5
check_eq "spoofchk off on PF1: crosses" 5 "$(capn a)"

# unicast from the wire nobody owns: dropped and counted, or a promisc PF's
drop=$(stat_of iovnic1 port_rx_dropped)
cap_send iovt-a iovnic0v0 --dst 02:00:00:00:77:77 --count 5
check_eq "unknown unicast from the wire dropped, counted" 5 \
	"$(($(stat_of iovnic1 port_rx_dropped) - drop))"
ip link set iovnic1 promisc on
cap pf1 - iovnic1 --dst 02:00:00:00:77:77
cap_send iovt-a iovnic0v0 --dst 02:00:00:00:77:77 --count 5
check_eq "... delivered to PF1 when promiscuous" 5 "$(capn pf1)"
ip link set iovnic1 promisc off

# carrier follows both ends; a VF in state auto follows the port
ip link set iovnic0 vf 1 state enable
ip link set iovnic1 down
check_eq "PF1 down: PF0 carrier off" 0 "$(cat /sys/class/net/iovnic0/carrier)"
check_eq "PF1 down: PF0's auto VF carrier off" 0 \
	"$(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/carrier)"
check_eq "PF1 down: PF0's enabled VF keeps carrier" 1 \
	"$(ip netns exec iovt-c cat /sys/class/net/iovnic0v1/carrier)"
ip link set iovnic1 up
check_eq "PF1 up: PF0 carrier on" 1 "$(cat /sys/class/net/iovnic0/carrier)"
check "PF1 up: ping crosses again" ping_ok iovt-a 192.0.2.2

echo none > "$pf1/peer"
check_eq "none unplugs both ends" "none none" "$(cat "$pf0/peer") $(cat "$pf1/peer")"
check "unplugged: no ping across" not ping_ok iovt-a 192.0.2.2

echo "$a1" > "$pf0/peer"
iov_unload
check "unload while cabled: no kernel warnings" dmesg_clean
ktap_finished
