#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Frames cross the internal switch: VF <-> VF and VF <-> PF across network
# namespaces, unicast by destination MAC and broadcast (ARP) to all others.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 13
dmesg_mark
iov_load total_vfs=4
iov_set_vfs 4

sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
ip addr add 192.0.2.254/24 dev iovnic0
ip link set iovnic0 up
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24
ip link set iovnic0 vf 1 mac 02:00:00:00:00:b1
check_eq "VF MAC set by the PF inside a namespace" 02:00:00:00:00:b1 \
	"$(ip netns exec iovt-b cat /sys/class/net/iovnic0v1/address)"

rx_before=$(ip netns exec iovt-b cat /sys/class/net/iovnic0v1/statistics/rx_packets)
check "VF0 (ns a) pings VF1 (ns b)" ping_ok iovt-a 192.0.2.2
check "VF1 (ns b) pings VF0 (ns a)" ping_ok iovt-b 192.0.2.1
check "VF0 pings the PF" ping_ok iovt-a 192.0.2.254
check "PF pings VF1" ping_ok - 192.0.2.2
rx_after=$(ip netns exec iovt-b cat /sys/class/net/iovnic0v1/statistics/rx_packets)
check "VF1 rx_packets counted" test "$((rx_after - rx_before))" -ge 6

check_eq "ARP resolved VF1's new MAC on VF0" 02:00:00:00:00:b1 \
	"$(ip -n iovt-a neigh show 192.0.2.2 |
	  awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}')"

# a broadcast from VF0 reaches every other vport that is up, not itself
ns_add iovt-c iovnic0v2 192.0.2.3/24
a_mac=$(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/address)
cap a iovt-a iovnic0v0 --src "$a_mac"
cap c iovt-c iovnic0v2 --src "$a_mac" --dst ff:ff:ff:ff:ff:ff
cap_send iovt-a iovnic0v0 --dst ff:ff:ff:ff:ff:ff --count 5
check_eq "broadcast reached VF2 (5 frames)" 5 "$(capn c)"
check_eq "broadcast did not return to the sender" 0 "$(capn a)"

# unicast to a MAC nobody owns goes to the wire, not to other vports
cap c iovt-c iovnic0v2 --dst 02:00:00:00:00:77
cap_send iovt-a iovnic0v0 --dst 02:00:00:00:00:77 --count 5
check_eq "unknown unicast not flooded to VF2" 0 "$(capn c)"

# a VF that is down receives nothing (and nothing breaks)
ip -n iovt-b link set iovnic0v1 down
check "ping to a downed VF fails" not ping_ok iovt-a 192.0.2.2
ip -n iovt-b link set iovnic0v1 up
check "ping works again once it is up" ping_ok iovt-a 192.0.2.2

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
