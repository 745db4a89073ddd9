#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Open vSwitch hardware offload, the real client: Debian's ovs-vswitchd
# with other_config:hw-offload=true, the uplink and the representors in
# one OVS bridge.  VFs in namespaces ping and stream TCP; OVS offloads its
# datapath flows as TC flower rules on the representors, the eswitch runs
# them: the representors stop seeing the traffic while the rules'
# hardware counters grow.  And a port netdev (another PF's, legacy) in an
# OVS bridge carries its VF to a LAN.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ovs.sh"

ktap_print_header
if ! command -v ovs-vswitchd > /dev/null; then
	ktap_skip_all "Open vSwitch is not installed (scripts/setup)"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 16
dmesg_mark
iov_load num_pfs=2 total_vfs=2
pf=$(pf_dev 0)
dl=pci/${pf##*/}
R0=iovnic0pf0vf0 R1=iovnic0pf0vf1
sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
ip link set iovnic0 up
iov_set_vfs 2
devlink dev eswitch set "$dl" mode switchdev
for r in $R0 $R1; do
	sysctl -qw "net.ipv6.conf.$r.disable_ipv6=1"
	ip link set "$r" up
done
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24

# max-idle 120 s: OVS removes a datapath flow (and so its flower rules,
# with their counters) after 10 s without a packet by default; on a slow
# kernel (the debug one, under TCG) the test's own steps between pings
# can take that long, and the counts below would start from a new rule.
check "ovs-vswitchd up with hw-offload=true" ovs_start max-idle=120000
ovs-vsctl --timeout=30 add-br iovt-br0 -- \
	add-port iovt-br0 iovnic0 -- add-port iovt-br0 $R0 -- \
	add-port iovt-br0 $R1
ip link set iovt-br0 up
check_eq "the uplink and both representors in the bridge" 3 \
	"$(ovs-vsctl --timeout=30 list-ports iovt-br0 | grep -c iovnic0)"
check "VF 0 pings VF 1 through OVS" wait_until 30 ping_ok iovt-a 192.0.2.2
# the flows are offloaded once OVS has seen the first packets
ping_ok iovt-a 192.0.2.2
# has_flows DEV: OVS lists an offloaded flow from DEV
has_flows() {
	ovs-appctl dpctl/dump-flows --names type=offloaded |
		grep -q "in_port($1)"
}
# in_hw DEV: DEV carries a flower rule in hardware
in_hw() { tc filter show dev "$1" ingress | grep -q 'in_hw in_hw_count 1'; }
check "OVS lists offloaded flows from VF 0's representor" \
	wait_until 30 has_flows $R0
check "... and from VF 1's" wait_until 30 has_flows $R1
check "the representors carry the flows as flower rules in hardware" \
	wait_until 30 in_hw $R0
ovs-appctl dpctl/dump-flows --names type=offloaded | sed 's/^/# /'

rx_of() { cat "/sys/class/net/$1/statistics/rx_packets"; }
# hw_pkts DEV: the packets all of DEV's ingress rules counted in hardware
hw_pkts() {
	tc -s filter show dev "$1" ingress |
		awk '/Sent hardware/ { n += $5 } END { print n + 0 }'
}
r0=$(rx_of $R0) r1=$(rx_of $R1) h0=$(hw_pkts $R0) h1=$(hw_pkts $R1)
ip netns exec iovt-a ping -q -c 100 -i 0.02 192.0.2.2 > /tmp/iovt-ovsping.out
check_eq "100 pings, 100 answers" 1 \
	"$(grep -c '100 packets transmitted, 100 received' /tmp/iovt-ovsping.out)"
d0=$(($(rx_of $R0) - r0)) d1=$(($(rx_of $R1) - r1))
log "representors received $d0 and $d1 of those; the rules counted $(($(hw_pkts $R0) - h0)) and $(($(hw_pkts $R1) - h1))"
check "VF 0's representor: (almost) none of them (<= 4)" test "$d0" -le 4
check "VF 1's representor: (almost) none of them (<= 4)" test "$d1" -le 4
check "the rules on VF 0's representor counted the 100 requests" \
	test $(($(hw_pkts $R0) - h0)) -ge 96
check "the rules on VF 1's representor counted the 100 replies" \
	test $(($(hw_pkts $R1) - h1)) -ge 96

# TCP: a new flow's first packets go up, the stream itself is offloaded
ip netns exec iovt-b iperf3 -s -1 > /dev/null 2>&1 &
wait_until 30 listening iovt-b 5201
r0=$(rx_of $R0)
t0=$(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/statistics/tx_packets)
check "TCP VF 0 -> VF 1 through offloaded OVS flows (iperf3 2 s)" \
	ip netns exec iovt-a iperf3 -c 192.0.2.2 -t 2 > /dev/null
wait
sent=$(($(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/statistics/tx_packets) - t0))
up=$(($(rx_of $R0) - r0))
log "TCP: VF 0 sent $sent frames, its representor received $up"
check "TCP: under 5% of the stream reached the representor" \
	test $((up * 20)) -lt "$sent"

# the port netdev of PF 1 (legacy) in an OVS bridge with a LAN: its VF
# reaches the LAN host through OVS
echo netdev > "$(pf_dev 1)/peer"
iov_set_vfs 1 1
lan_add nobridge
ovs-vsctl --timeout=30 add-br iovt-br1 -- add-port iovt-br1 iovnic1w -- \
	add-port iovt-br1 iovt-l0
sysctl -qw net.ipv6.conf.iovnic1.disable_ipv6=1 net.ipv6.conf.iovnic1w.disable_ipv6=1
for d in iovt-br1 iovnic1w iovt-l0 iovnic1; do ip link set "$d" up; done
ns_add iovt-c iovnic1v0 192.0.2.3/24
check "PF 1's port netdev in an OVS bridge: its VF pings a LAN host" \
	wait_until 30 ping_ok iovt-c 192.0.2.100

ovs_stop
check_eq "OVS gone, its rules with it: legacy mode again" OK \
	"$(errno_of devlink dev eswitch set "$dl" mode legacy)"
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
