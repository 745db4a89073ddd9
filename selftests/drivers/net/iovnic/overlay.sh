#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two "machines" joined by an underlay (a veth pair between namespaces
# iovt-hA and iovt-hB): each has a PF (PF 0, PF 1) whose port netdev is
# bridged to a VXLAN device, then (second run) a Geneve device.  A VF on
# machine A pings and streams TCP to a VF on machine B; the underlay
# carries the VF's frames in UDP 4789 (6081), with the inner VLAN tag of
# a port VLAN.  Everything but the underlay has MTU 1500: a packet over
# the path MTU (1500 - 50) is answered with ICMP "fragmentation needed"
# (the tunnel's PMTU discovery for bridged traffic), not dropped silently;
# TCP adapts to it.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 13
dmesg_mark
iov_load num_pfs=2 total_vfs=1
pf0=$(pf_dev 0) pf1=$(pf_dev 1)
for p in 0 1; do
	sysctl -qw "net.ipv6.conf.iovnic$p.disable_ipv6=1"
	ip link set "iovnic$p" up
	echo netdev > "$(pf_dev $p)/peer"
	iov_set_vfs 1 "$p"
done
ns_add iovt-vA iovnic0v0 192.0.2.1/24
ns_add iovt-vB iovnic1v0 192.0.2.2/24
# the underlay: 198.51.100.1 (A) - 198.51.100.2 (B), MTU 1500
for h in A B; do
	ip netns add "iovt-h$h"
	ip netns exec "iovt-h$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "iovt-h$h" link set lo up
done
ip link add iovt-u0 netns iovt-hA type veth peer name iovt-u1 netns iovt-hB
ip -n iovt-hA addr add 198.51.100.1/24 dev iovt-u0
ip -n iovt-hB addr add 198.51.100.2/24 dev iovt-u1
ip -n iovt-hA link set iovt-u0 up
ip -n iovt-hB link set iovt-u1 up
ip link set iovnic0w netns iovt-hA
ip link set iovnic1w netns iovt-hB

# overlay KIND: on each machine a bridge of its port netdev and a tunnel
# device of KIND to the other machine
overlay() {
	local kind=$1 h w local remote opts

	for h in A B; do
		if [ $h = A ]; then w=iovnic0w local=198.51.100.1 remote=198.51.100.2
		else w=iovnic1w local=198.51.100.2 remote=198.51.100.1; fi
		if [ "$kind" = vxlan ]; then
			opts=(id 42 local $local remote $remote dstport 4789)
		else
			opts=(id 42 remote $remote)
		fi
		ip -n "iovt-h$h" link del iovt-t 2>/dev/null
		ip -n "iovt-h$h" link add iovt-t type "$kind" "${opts[@]}"
		ip -n "iovt-h$h" link set iovt-t mtu 1500 up
		ip -n "iovt-h$h" link add iovt-br type bridge 2>/dev/null
		ip -n "iovt-h$h" link set iovt-t master iovt-br
		ip -n "iovt-h$h" link set $w master iovt-br up
		ip -n "iovt-h$h" link set iovt-br up
	done
}
# underlay_count PORT [FILTER]: frames of UDP PORT seen on A's underlay
# while VF A pings VF B 5 times (tcpdump's decode of them in /tmp)
underlay_count() {
	local port=$1
	shift
	rm -f /tmp/iovt-ul.txt /tmp/iovt-ul.err
	ip netns exec iovt-hA timeout 30 tcpdump -nn -e -l -i iovt-u0 \
		"udp port $port" > /tmp/iovt-ul.txt 2> /tmp/iovt-ul.err &
	# it says so on stderr once it captures
	wait_until 20 grep -q 'listening on' /tmp/iovt-ul.err
	ip netns exec iovt-vA ping -c 5 -i 0.2 -W 2 192.0.2.2 > /dev/null
	wait_until 10 grep -q 'seq 5,' /tmp/iovt-ul.txt
	kill %% 2>/dev/null
	wait
	grep -c "$@" /tmp/iovt-ul.txt
}

for kind in vxlan geneve; do
	port=4789
	[ $kind = geneve ] && port=6081
	overlay $kind
	ip netns exec iovt-vA ip route flush cache
	check "$kind: VF on A pings VF on B" wait_until 30 ping_ok iovt-vA 192.0.2.2
	ip netns exec iovt-vB iperf3 -s -1 > /dev/null 2>&1 &
	wait_until 30 listening iovt-vB 5201
	check "$kind: TCP VF A -> VF B (iperf3 2 s)" \
		ip netns exec iovt-vA iperf3 -c 192.0.2.2 -t 2 > /dev/null
	wait
	check "$kind: the underlay carries the VF's frames in UDP $port" \
		test "$(underlay_count $port "192.0.2.1 > 192.0.2.2: ICMP echo request")" -ge 5
	ip link set iovnic0 vf 0 vlan 10
	ip link set iovnic1 vf 0 vlan 10
	check "$kind: a port VLAN travels as the inner tag (vlan 10)" \
		test "$(underlay_count $port "vlan 10, .*192.0.2.1 > 192.0.2.2: ICMP echo request")" -ge 5
	ip link set iovnic0 vf 0 vlan 0
	ip link set iovnic1 vf 0 vlan 0
	check "$kind: 1450-byte packets (underlay MTU minus 50) pass with DF" \
		ip netns exec iovt-vA ping -c 2 -W 2 -M do -s 1422 192.0.2.2
	out=$(ip netns exec iovt-vA ping -c 3 -i 0.5 -W 2 -M do -s 1472 192.0.2.2 2>&1)
	check_eq "$kind: 1500 bytes with DF: ICMP fragmentation needed (mtu 1450), not silence" 1 \
		"$(echo "$out" | grep -ci -m 1 'frag needed.*mtu = 1450\|message too long')"
done

iov_unload
for ns in iovt-hA iovt-hB; do ip netns del "$ns" 2>/dev/null; done
check "no kernel warnings" dmesg_clean
ktap_finished
