#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Switchdev mode's slow path: what a VF sends arrives on its representor,
# what a representor sends arrives at its VF, the wire comes and goes by
# the uplink (the PF netdev).  A Linux bridge over representors and the
# uplink connects VFs to each other and to the LAN (another PF's VF across
# the cable); taking a representor out of it cuts its VF off.  Counters
# add up; the mode changes under traffic.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 28
dmesg_mark
iov_load num_pfs=2 total_vfs=2
pf0=$(pf_dev 0) pf1=$(pf_dev 1)
dl=pci/${pf0##*/}
echo "${pf1##*/}" > "$pf0/peer"
for p in 0 1; do
	sysctl -qw "net.ipv6.conf.iovnic$p.disable_ipv6=1"
	ip link set "iovnic$p" up
done
iov_set_vfs 2 0
iov_set_vfs 1 1
check_eq "switchdev with 2 VFs" OK \
	"$(errno_of devlink dev eswitch set "$dl" mode switchdev)"
for r in iovnic0pf0vf0 iovnic0pf0vf1; do
	sysctl -qw "net.ipv6.conf.$r.disable_ipv6=1"
done
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24
ns_add iovt-c iovnic1v0 192.0.2.3/24
ma=$(mac_of iovt-a iovnic0v0) mb=$(mac_of iovt-b iovnic0v1)
mc=$(mac_of iovt-c iovnic1v0)
rx_of() { cat "/sys/class/net/$1/statistics/rx_packets"; }
tx_of() { cat "/sys/class/net/$1/statistics/tx_packets"; }

check "representors down, no bridge: VF 0 cannot reach VF 1" \
	not ping_ok iovt-a 192.0.2.2
ip link set iovnic0pf0vf0 up
ip link set iovnic0pf0vf1 up
r0=$(rx_of iovnic0pf0vf0)
cap r0 - iovnic0pf0vf0 --src "$ma"
cap b iovt-b iovnic0v1 --src "$ma"
cap_send iovt-a iovnic0v0 --dst "$mb" --count 50
check_eq "VF 0 -> VF 1's MAC: on VF 0's representor" 50 "$(capn r0)"
check_eq "... and not at VF 1 (no rule, no bridge)" 0 "$(capn b)"
check_eq "representor rx_packets counted them" $((r0 + 50)) "$(rx_of iovnic0pf0vf0)"
t1=$(tx_of iovnic0pf0vf1)
cap b iovt-b iovnic0v1 --src 02:00:00:00:77:01
cap a iovt-a iovnic0v0 --src 02:00:00:00:77:01
cap_send - iovnic0pf0vf1 --src 02:00:00:00:77:01 --dst 02:00:00:00:77:02 --count 40
check_eq "sent on VF 1's representor: at VF 1, any MAC" 40 "$(capn b)"
check_eq "... and nowhere else" 0 "$(capn a)"
check_eq "representor tx_packets counted them" $((t1 + 40)) "$(tx_of iovnic0pf0vf1)"

# the slow path through a Linux bridge
ip link add iovt-br type bridge
sysctl -qw net.ipv6.conf.iovt-br.disable_ipv6=1
ip link set iovt-br up
ip link set iovnic0pf0vf0 master iovt-br
ip link set iovnic0pf0vf1 master iovt-br
check "bridge over the representors: VF 0 pings VF 1" \
	wait_until 20 ping_ok iovt-a 192.0.2.2
ip netns exec iovt-b iperf3 -s -1 > /dev/null 2>&1 &
wait_until 30 listening iovt-b 5201
check "TCP VF 0 -> VF 1 through the bridge (iperf3 2 s)" \
	ip netns exec iovt-a iperf3 -c 192.0.2.2 -t 2 > /dev/null
wait
ip link set iovnic0pf0vf1 nomaster
check "VF 1's representor out of the bridge: VF 1 cut off" \
	not ping_ok iovt-a 192.0.2.2
ip link set iovnic0pf0vf1 master iovt-br
check "back in the bridge: VF 1 reachable" wait_until 20 ping_ok iovt-a 192.0.2.2

# counters: the representor's slow path, its CPU hits, the VF's vport
cpu_hit() {	# DEV RX|TX: packets of the CPU-hit offload statistics
	ip stats show dev "$1" group offload subgroup cpu_hit |
		awk -v d="$2:" '$1 == d { getline; print $2; exit }'
}
check_eq "cpu_hit rx = representor rx" "$(rx_of iovnic0pf0vf0)" \
	"$(cpu_hit iovnic0pf0vf0 RX)"
check_eq "cpu_hit tx = representor tx" "$(tx_of iovnic0pf0vf0)" \
	"$(cpu_hit iovnic0pf0vf0 TX)"
vf_tx=$(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/statistics/tx_packets)
vf_rx=$(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/statistics/rx_packets)
check_eq "ethtool -S rep: vport_tx_packets = the VF's tx_packets" "$vf_tx" \
	"$(stat_of iovnic0pf0vf0 vport_tx_packets)"
check_eq "ethtool -S rep: vport_rx_packets = the VF's rx_packets" "$vf_rx" \
	"$(stat_of iovnic0pf0vf0 vport_rx_packets)"

# the uplink: the wire's frames arrive on the PF, the PF's leave on it
cap up - iovnic0 --src "$mc"
cap a iovt-a iovnic0v0 --src "$mc"
cap_send iovt-c iovnic1v0 --dst "$ma" --count 30
check_eq "from the wire to VF 0's MAC: on the uplink" 30 "$(capn up)"
check_eq "... not at VF 0 (the uplink is not in the bridge)" 0 "$(capn a)"
cap c iovt-c iovnic1v0 --src 02:00:00:00:77:03
cap_send - iovnic0 --src 02:00:00:00:77:03 --dst "$mc" --count 30
check_eq "sent on the uplink: out on the wire (the peer's VF)" 30 "$(capn c)"
ip link set iovnic0 master iovt-br
check "uplink in the bridge: VF 0 reaches the LAN (PF 1's VF)" \
	wait_until 20 ping_ok iovt-a 192.0.2.3
check "... and VF 1 too" ping_ok iovt-b 192.0.2.3

# the mode changes under traffic (a ping stream VF 0 -> VF 1)
ip netns exec iovt-a ping -q -i 0.02 -c 400 192.0.2.2 > /tmp/iovt-ping.out 2>&1 &
ok=0
for i in 1 2 3; do
	devlink dev eswitch set "$dl" mode legacy &&
		devlink dev eswitch set "$dl" mode switchdev && ok=$((ok + 1))
done
check_eq "3 round trips legacy <-> switchdev under traffic" 3 "$ok"
wait
check_eq "the ping stream went on (legacy forwarded some)" 1 \
	"$(grep -c ' [1-9][0-9]* received' /tmp/iovt-ping.out)"
check_eq "new representors after the last switch" 2 \
	"$(ls /sys/class/net | grep -c '^iovnic0pf0vf')"
for r in iovnic0pf0vf0 iovnic0pf0vf1; do
	ip link set "$r" master iovt-br up
done
check "switchdev again, representors back in the bridge: VF 0 pings VF 1" \
	wait_until 20 ping_ok iovt-a 192.0.2.2
devlink dev eswitch set "$dl" mode legacy
check "legacy: the VEB forwards VF 0 -> VF 1" ping_ok iovt-a 192.0.2.2
check "legacy: the wire reaches VF 0 by its MAC again" ping_ok iovt-c 192.0.2.1

ip link del iovt-br
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
