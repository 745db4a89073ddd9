#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The port's netdev (peer "netdev"): iovnic0w is the far end of PF 0's
# cable.  Bridged to a veth, it makes a LAN: VFs reach a host there (ping,
# TCP both ways, jumbo frames), a port VLAN shows as a tag on the LAN,
# unknown unicast from the LAN is dropped and counted or reaches a
# promiscuous PF; carrier follows both ends; counters agree; it can be
# bonded; it works from another namespace; it conflicts with peer cabling (EBUSY) and goes with
# "none" and with rmmod.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 35
dmesg_mark
iov_load num_pfs=2 total_vfs=2
pf0=$(pf_dev 0) pf1=$(pf_dev 1)
a0=${pf0##*/} a1=${pf1##*/}
W=iovnic0w
carrier() { cat "/sys/class/net/$1/carrier" 2>/dev/null || echo none; }
vf_carrier() { ip netns exec "$1" cat "/sys/class/net/$2/carrier"; }
vf_carrier_is() { test "$(vf_carrier "$1" "$2")" = "$3"; }

check_eq "peer: none" none "$(cat "$pf0/peer")"
check_eq "peer netdev: OK" OK "$(errno_of_write "$pf0/peer" netdev)"
check "iovnic0w exists" test -e /sys/class/net/$W
check_eq "peer reads netdev" netdev "$(cat "$pf0/peer")"
check_eq "netdev again: OK, still one" "OK 1" \
	"$(errno_of_write "$pf0/peer" netdev) $(ls /sys/class/net | grep -c '^iovnic0w$')"
check_eq "cabling PF 0 to PF 1 now: EBUSY" EBUSY "$(errno_of_write "$pf0/peer" "$a1")"
check_eq "cabling PF 1 to PF 0 now: EBUSY" EBUSY "$(errno_of_write "$pf1/peer" "$a0")"
check_eq "PF 1's port netdev beside it: OK" OK "$(errno_of_write "$pf1/peer" netdev)"
echo none > "$pf1/peer"
check_eq "PF 1: none removes its port netdev" none "$(carrier iovnic1w)"

iov_set_vfs 2
sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1 net.ipv6.conf.$W.disable_ipv6=1
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24
ip link set iovnic0 up
check_eq "iovnic0w down: VF (state auto) has no carrier" 0 "$(vf_carrier iovt-a iovnic0v0)"
ip link set $W up
check "iovnic0w up: VF carrier on" wait_until 10 vf_carrier_is iovt-a iovnic0v0 1
check_eq "iovnic0w up: its carrier on (the PF is up)" 1 "$(carrier $W)"
ip link set iovnic0 down
check_eq "PF down: iovnic0w loses carrier" 0 "$(carrier $W)"
check "PF down: VF loses carrier" wait_until 10 vf_carrier_is iovt-a iovnic0v0 0
ip link set iovnic0 up

# a LAN: iovnic0w and a veth bridged, the LAN host in namespace iovt-lan
lan_add
ip link set iovt-l0 up
ip link set $W master iovt-br
ip link set iovt-br up
wstat() { cat "/sys/class/net/$W/statistics/$1"; }
# the baseline of both sides' counters, read when nothing is in flight
# (two reads in a row agree)
snap() {
	echo "$(stat_of iovnic0 port_tx_packets) $(stat_of iovnic0 port_rx_packets)" \
		"$(wstat tx_packets) $(wstat rx_packets) $(wstat rx_missed_errors)"
}
settled() { local a; a=$(snap); [ "$a" = "$(snap)" ] && echo "$a" > /tmp/iovt-snap; }
wait_until 10 settled
read -r tx0 rx0 wtx0 wrx0 miss0 < /tmp/iovt-snap
check "VF 0 pings the LAN host" wait_until 20 ping_ok iovt-a 192.0.2.100
check "the LAN host pings VF 1" ping_ok iovt-lan 192.0.2.2
ip netns exec iovt-lan iperf3 -s -1 > /dev/null 2>&1 &
wait_until 30 listening iovt-lan 5201
check "TCP VF 0 -> LAN (iperf3 2 s, TSO/GSO frames cross the port)" \
	ip netns exec iovt-a iperf3 -c 192.0.2.100 -t 2 > /dev/null
wait
ip netns exec iovt-a iperf3 -s -1 > /dev/null 2>&1 &
wait_until 30 listening iovt-a 5201
check "TCP LAN -> VF 0 (iperf3 2 s)" \
	ip netns exec iovt-lan iperf3 -c 192.0.2.1 -t 2 > /dev/null
wait
# the two sides' counters since the LAN was built (a frame may be on its
# way between the reads: wait until they settle)
out_agrees() {
	test $(($(stat_of iovnic0 port_tx_packets) - tx0)) = \
		$(($(wstat rx_packets) - wrx0 + $(wstat rx_missed_errors) - miss0))
}
in_agrees() {
	test $(($(wstat tx_packets) - wtx0)) = $(($(stat_of iovnic0 port_rx_packets) - rx0))
}
check "switch -> wire = iovnic0w received + missed" wait_until 10 out_agrees
check "iovnic0w sent = wire -> switch" wait_until 10 in_agrees
ip link set $W mtu 9000
ip link set iovt-l0 mtu 9000
ip link set iovt-br mtu 9000
ip -n iovt-lan link set iovt-l1 mtu 9000
ip -n iovt-a link set iovnic0v0 mtu 9000
check "jumbo: VF 0 pings the LAN host with 8000 bytes, DF set" \
	ip netns exec iovt-a ping -c 2 -W 2 -M do -s 8000 192.0.2.100

# a port VLAN appears as a tag on the LAN
ip link set iovnic0 vf 1 vlan 10
l1=$(mac_of iovt-lan iovt-l1)
cap lan iovt-lan iovt-l1 --vlan 10 --src "$(mac_of iovt-b iovnic0v1)"
cap_send iovt-b iovnic0v1 --dst "$l1" --count 20
check_eq "VF 1 in port VLAN 10: tagged 10 on the LAN" 20 "$(capn lan)"
ip link set iovnic0 vf 1 vlan 0

# unknown unicast from the LAN: dropped and counted, or to a promiscuous PF
drop0=$(stat_of iovnic0 port_rx_dropped)
cap a iovt-a iovnic0v0 --src "$l1"
cap_send iovt-lan iovt-l1 --dst 02:00:00:00:99:99 --count 20
check_eq "unknown unicast from the LAN: no VF gets it" 0 "$(capn a)"
check_eq "... counted in port_rx_dropped" $((drop0 + 20)) "$(stat_of iovnic0 port_rx_dropped)"
ip link set iovnic0 promisc on
cap pf - iovnic0 --src "$l1"
cap_send iovt-lan iovt-l1 --dst 02:00:00:00:99:99 --count 20
check_eq "PF promiscuous: it gets them" 20 "$(capn pf)"
ip link set iovnic0 promisc off

# iovnic0w bonded (active-backup), the bond in the LAN's bridge
ip link set $W nomaster
ip link set $W down
ip link add iovt-bond type bond mode active-backup miimon 100
sysctl -qw net.ipv6.conf.iovt-bond.disable_ipv6=1
ip link set $W master iovt-bond
ip link set iovt-bond master iovt-br up
check_eq "iovnic0w is the bond's active slave" $W \
	"$(cat /sys/class/net/iovt-bond/bonding/active_slave)"
check "VF 0 pings the LAN host through the bond" wait_until 20 ping_ok iovt-a 192.0.2.100
ip link set $W nomaster
ip link del iovt-bond
ip link set $W up

# iovnic0w in another namespace, as a host interface there
ip link set $W nomaster
ip netns add iovt-far
ip link set $W netns iovt-far
ip -n iovt-far addr add 192.0.2.200/24 dev $W
ip -n iovt-far link set $W up
check "iovnic0w in namespace iovt-far: VF 0 pings its address" \
	wait_until 20 ping_ok iovt-a 192.0.2.200
echo none > "$pf0/peer"
check_eq "none: iovnic0w gone from its namespace" 0 \
	"$(ip netns exec iovt-far ls /sys/class/net | grep -c iovnic0w)"
check_eq "peer: none again" none "$(cat "$pf0/peer")"
check_eq "uncabled: the VF's carrier is on" 1 "$(vf_carrier iovt-a iovnic0v0)"
check_eq "cabling to PF 1 works again" OK "$(errno_of_write "$pf0/peer" "$a1")"
echo none > "$pf0/peer"

# rmmod with the port netdev in a bridge and up
echo netdev > "$pf0/peer"
ip link set $W master iovt-br up
check "rmmod with iovnic0w bridged" rmmod iovnic
check_eq "iovnic0w gone" 0 "$(ls /sys/class/net | grep -c iovnic0w)"
ip link del iovt-br
ip link del iovt-l0
for ns in iovt-a iovt-b iovt-lan iovt-far; do ip netns del "$ns"; done
check "no kernel warnings" dmesg_clean
ktap_finished
