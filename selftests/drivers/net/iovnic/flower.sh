#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TC flower offload in switchdev mode: each match and each action with
# real frames (delivered where the rule says, counted by the rule in
# hardware, nothing else delivered), priorities, rules on the uplink,
# refusals with EOPNOTSUPP (nothing installed), and 1000 rules.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 116
dmesg_mark
iov_load num_pfs=2 total_vfs=3
pf0=$(pf_dev 0) pf1=$(pf_dev 1)
dl=pci/${pf0##*/}
echo "${pf1##*/}" > "$pf0/peer"
for p in 0 1; do
	sysctl -qw "net.ipv6.conf.iovnic$p.disable_ipv6=1"
	ip link set "iovnic$p" up
done
iov_set_vfs 3 0
iov_set_vfs 1 1
devlink dev eswitch set "$dl" mode switchdev
R0=iovnic0pf0vf0 R1=iovnic0pf0vf1 R2=iovnic0pf0vf2
for r in $R0 $R1 $R2; do
	sysctl -qw "net.ipv6.conf.$r.disable_ipv6=1"
	ip link set "$r" up
	tc qdisc add dev "$r" ingress
done
tc qdisc add dev iovnic0 ingress
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24
ns_add iovt-c iovnic0v2 192.0.2.3/24
ns_add iovt-w iovnic1v0 192.0.2.9/24
mb=$(mac_of iovt-b iovnic0v1) mw=$(mac_of iovt-w iovnic1v0)
M=02:00:00:00:aa:01	# the destination most test frames go to

rule() { tc filter add dev "$@"; }
flush() { tc filter del dev "$1" ingress; }
# hw DEV PREF pkts|bytes: what the rule's hardware counters show
hw() {
	tc -s filter show dev "$1" ingress pref "$2" |
		awk -v w="$3" '/Sent hardware/ { print (w == "pkts" ? $5 : $3); exit }'
}
# a_counts: frames VF 1 (b), VF 2 (c) and VF 0's representor (r0, the
# slow path) received so far (only VF 0 sends: nothing else arrives there)
a_counts() {
	echo "$(ip netns exec iovt-b cat /sys/class/net/iovnic0v1/statistics/rx_packets)" \
		"$(ip netns exec iovt-c cat /sys/class/net/iovnic0v2/statistics/rx_packets)" \
		"$(cat /sys/class/net/$R0/statistics/rx_packets)"
}
a_delta() {	# BEFORE: what arrived since
	local b0 c0 r0 b c r
	read -r b0 c0 r0 <<< "$1"
	read -r b c r <<< "$(a_counts)"
	echo "$((b - b0)) $((c - c0)) $((r - r0))"
}
a_delta_is() { [ "$(a_delta "$1")" = "$2" ]; }
# send_a EXPECTED ARGS: 20 frames from VF 0 (pkt.py send ARGS, source
# $SRC if set); prints what VF 1, VF 2 and the slow path received, once
# that is EXPECTED or after 5 s
send_a() {
	local want=$1 before src=()
	shift
	[ -n "${SRC:-}" ] && src=(--src "$SRC")
	before=$(a_counts)
	ip netns exec iovt-a "$PKT" send iovnic0v0 --count 20 "${src[@]}" "$@" \
		> /dev/null
	wait_until 5 a_delta_is "$before" "$want" > /dev/null
	a_delta "$before"
}
# match DESC RULE... -- HIT_ARGS -- MISS_ARGS: a skip_sw rule on VF 0's
# representor redirecting to VF 1; frames of HIT_ARGS go to VF 1 only
# and count in the rule, frames of MISS_ARGS take the slow path
match() {
	local desc=$1 r=() hit=() miss=()
	shift
	while [ "$1" != -- ]; do r+=("$1"); shift; done
	shift
	while [ "$1" != -- ]; do hit+=("$1"); shift; done
	shift
	miss=("$@")
	check_eq "$desc: offloaded" OK "$(nl_errno tc filter add dev $R0 ingress \
		pref 10 "${r[@]}" skip_sw action mirred egress redirect dev $R1)"
	check_eq "$desc: matching frames at VF 1 only" "20 0 0" "$(send_a "20 0 0" "${hit[@]}")"
	check_eq "$desc: others take the slow path" "0 0 20" "$(send_a "0 0 20" "${miss[@]}")"
	check_eq "$desc: the rule counted 20" 20 "$(hw $R0 10 pkts)"
	flush $R0
}

check_eq "skip_sw rule: in_hw, in_hw_count 1" 1 \
	"$(rule $R0 ingress pref 10 protocol all flower skip_sw dst_mac $M \
		action mirred egress redirect dev $R1 &&
	   tc filter show dev $R0 ingress | grep -c 'in_hw in_hw_count 1')"
check_eq "dst_mac: at VF 1 only" "20 0 0" "$(send_a "20 0 0" --dst $M --size 100)"
check_eq "hardware packets 20" 20 "$(hw $R0 10 pkts)"
check_eq "hardware bytes 20 x 100" 2000 "$(hw $R0 10 bytes)"
check_eq "last use shown" 1 \
	"$(tc -s filter show dev $R0 ingress | grep -c 'used [0-9]* sec')"
check_eq "VF 0's representor saw none of them" 0 \
	"$(cat /sys/class/net/$R0/statistics/rx_packets)"
check_eq "VF 1's vport received them (switch counters)" 20 \
	"$(stat_of $R1 vport_rx_packets)"
flush $R0

match "dst_mac" protocol all flower dst_mac $M -- --dst $M -- --dst 02:00:00:00:aa:02
match "dst_mac masked" protocol all flower dst_mac 02:00:00:00:aa:00/ff:ff:ff:ff:ff:00 \
	-- --dst 02:00:00:00:aa:77 -- --dst 02:00:00:00:ab:77
SRC=02:00:00:00:5a:01
match "src_mac" protocol all flower src_mac $SRC -- --dst $M -- \
	--dst $M --src 02:00:00:00:5a:02
unset SRC
match "EtherType" protocol 0x88b5 flower -- --dst $M -- --dst $M --ip 203.0.113.1,203.0.113.2
match "vlan_id" protocol 802.1Q flower vlan_id 10 -- --dst $M --vlan 10 -- \
	--dst $M --vlan 11
match "vlan_prio" protocol 802.1Q flower vlan_prio 5 -- --dst $M --vlan 12 --prio 5 \
	-- --dst $M --vlan 12 --prio 4
match "ip_proto udp" protocol ip flower ip_proto udp -- --dst $M --ip 203.0.113.1,203.0.113.2 \
	-- --dst $M --ip 203.0.113.1,203.0.113.2 --proto tcp
match "dst_ip/24" protocol ip flower dst_ip 198.51.100.0/24 -- \
	--dst $M --ip 203.0.113.1,198.51.100.9 -- --dst $M --ip 203.0.113.1,203.0.113.9
match "src_ip/16" protocol ip flower src_ip 198.51.0.0/16 -- \
	--dst $M --ip 198.51.100.7,203.0.113.2 -- --dst $M --ip 203.0.113.7,203.0.113.2
match "tcp dst_port" protocol ip flower ip_proto tcp dst_port 80 -- \
	--dst $M --ip 203.0.113.1,203.0.113.2 --proto tcp --dport 80 -- \
	--dst $M --ip 203.0.113.1,203.0.113.2 --proto tcp --dport 81
match "udp src_port" protocol ip flower ip_proto udp src_port 5353 -- \
	--dst $M --ip 203.0.113.1,203.0.113.2 --sport 5353 -- \
	--dst $M --ip 203.0.113.1,203.0.113.2 --sport 5354
match "ip_flags frag" protocol ip flower ip_flags frag -- \
	--dst $M --ip 203.0.113.1,203.0.113.2 --frag -- --dst $M --ip 203.0.113.1,203.0.113.2
match "IPv6 dst_ip/64" protocol ipv6 flower dst_ip 2001:db8::/64 -- \
	--dst $M --ip 2001:db8:1::1,2001:db8::5 -- --dst $M --ip 2001:db8:1::1,2001:db9::5
match "IPv6 src_ip + udp dst_port" protocol ipv6 flower src_ip 2001:db8:1::1 \
	ip_proto udp dst_port 53 -- --dst $M --ip 2001:db8:1::1,2001:db8::5 --dport 53 \
	-- --dst $M --ip 2001:db8:1::2,2001:db8::5 --dport 53

# actions
rule $R0 ingress pref 10 protocol all flower skip_sw dst_mac $M action drop
check_eq "drop: delivered nowhere" "0 0 0" "$(send_a "0 0 0" --dst $M)"
check_eq "drop: counted by the rule" 20 "$(hw $R0 10 pkts)"
flush $R0
rule $R0 ingress pref 10 protocol all flower skip_sw dst_mac $M \
	action mirred egress mirror dev $R2
check_eq "mirror: a copy at VF 2, the frame on to the slow path" "0 20 20" \
	"$(send_a "0 20 20" --dst $M)"
flush $R0
rule $R0 ingress pref 10 protocol all flower skip_sw dst_mac $M \
	action mirred egress mirror dev $R2 action mirred egress redirect dev $R1
check_eq "mirror + redirect: VF 2 and VF 1" "20 20 0" "$(send_a "20 20 0" --dst $M)"
flush $R0
vlan_at_b() {	# RULE... -- SEND...: how many of 20 VF 1 got as COUNT says
	local r=() c=()
	while [ "$1" != -- ]; do r+=("$1"); shift; done
	shift
	while [ "$1" != -- ]; do c+=("$1"); shift; done
	shift
	rule $R0 ingress pref 10 "${r[@]}" skip_sw action "${ACT[@]}" \
		action mirred egress redirect dev $R1
	cap b iovt-b iovnic0v1 --type 0x88b5 "${c[@]}"
	cap_send iovt-a iovnic0v0 --count 20 "$@"
	capn b
	flush $R0
}
ACT=(vlan push id 100 priority 3)
check_eq "vlan push: VF 1 gets VLAN 100 priority 3" 20 \
	"$(vlan_at_b protocol all flower dst_mac $M -- --vlan 100 --prio 3 -- --dst $M)"
ACT=(vlan push id 200)
check_eq "vlan push onto a tagged frame: VLAN 200 outside" 20 \
	"$(vlan_at_b protocol all flower dst_mac $M -- --vlan 200 --type any -- \
		--dst $M --vlan 20)"
ACT=(vlan pop)
check_eq "vlan pop: VF 1 gets it untagged" 20 \
	"$(vlan_at_b protocol 802.1Q flower vlan_id 20 -- --untagged -- --dst $M --vlan 20)"
ACT=(vlan modify id 31 priority 6)
check_eq "vlan modify: VLAN 30 becomes 31 priority 6" 20 \
	"$(vlan_at_b protocol 802.1Q flower vlan_id 30 -- --vlan 31 --prio 6 -- --dst $M --vlan 30)"

# to and from the wire
rule $R0 ingress pref 10 protocol all flower skip_sw dst_mac $mw \
	action mirred egress redirect dev iovnic0
cap w iovt-w iovnic1v0 --src "$(mac_of iovt-a iovnic0v0)"
cap r0 - $R0 --src "$(mac_of iovt-a iovnic0v0)"
cap_send iovt-a iovnic0v0 --dst "$mw" --count 20
check_eq "redirect to the uplink: out on the wire (PF 1's VF)" "20 0" \
	"$(capn w) $(capn r0)"
flush $R0
check_eq "uplink ingress rule: offloaded" OK \
	"$(nl_errno tc filter add dev iovnic0 ingress pref 10 protocol all flower \
		skip_sw dst_mac 02:00:00:00:bb:01 action mirred egress redirect dev $R1)"
cap b iovt-b iovnic0v1 --src "$mw"
cap up - iovnic0 --src "$mw"
cap_send iovt-w iovnic1v0 --dst 02:00:00:00:bb:01 --count 20
check_eq "from the wire by the uplink's rule: at VF 1, not the uplink" "20 0" \
	"$(capn b) $(capn up)"
flush iovnic0

# priorities: the lowest pref that matches wins
SRC=02:00:00:00:5a:09
rule $R0 ingress pref 10 protocol all flower skip_sw dst_mac $M \
	action mirred egress redirect dev $R1
rule $R0 ingress pref 5 protocol all flower skip_sw dst_mac $M src_mac $SRC \
	action mirred egress redirect dev $R2
check_eq "pref 5 (dst and src) over pref 10 (dst): VF 2" "0 20 0" \
	"$(send_a "0 20 0" --dst $M --src $SRC)"
unset SRC
check_eq "other sources: pref 10, VF 1" "20 0 0" "$(send_a "20 0 0" --dst $M)"
rule $R0 ingress pref 1 protocol all flower skip_sw dst_mac $M action drop
SRC=02:00:00:00:5a:09
check_eq "pref 1 drop over both" "0 0 0" "$(send_a "0 0 0" --dst $M --src $SRC)"
unset SRC
check_eq "switchdev -> legacy with rules: EBUSY" EBUSY \
	"$(errno_of devlink dev eswitch set "$dl" mode legacy)"
check_eq "... with the driver's message" 1 \
	"$(devlink dev eswitch set "$dl" mode legacy 2>&1 | grep -c '^Error: iovnic: flow rules are offloaded')"
flush $R0

# refusals: EOPNOTSUPP, nothing installed
refused() {	# DESC TC-ARGS...: refused with a message, no rule left on R0
	local desc=$1
	shift
	check_eq "$desc: EOPNOTSUPP" EOPNOTSUPP "$(nl_errno tc filter add "$@")"
	check_eq "$desc: the driver says why" 1 \
		"$(grep -c '^Error: iovnic: ' /tmp/iovt-nl.out)"
	check_eq "$desc: nothing installed" 0 \
		"$(tc filter show dev $R0 ingress | grep -c flower)"
}
refused "ip_tos match" dev $R0 ingress protocol ip flower skip_sw ip_tos 4 \
	action drop
refused "skbedit action" dev $R0 ingress protocol all flower skip_sw \
	dst_mac $M action skbedit mark 5
refused "goto chain" dev $R0 ingress protocol all flower skip_sw \
	dst_mac $M action goto chain 1
refused "chain 1" dev $R0 ingress chain 1 protocol all flower skip_sw \
	dst_mac $M action drop
ip link add iovt-v0 type veth peer name iovt-v1
refused "mirred to a veth" dev $R0 ingress protocol all flower skip_sw \
	dst_mac $M action mirred egress redirect dev iovt-v0
ip link del iovt-v0
refused "mirred to another switch's uplink" dev $R0 ingress protocol all \
	flower skip_sw dst_mac $M action mirred egress redirect dev iovnic1
refused "an action after redirect" dev $R0 ingress protocol all flower \
	skip_sw dst_mac $M action mirred egress redirect dev $R1 action drop
refused "9 actions" dev $R0 ingress protocol all flower skip_sw dst_mac $M \
	action vlan push id 1 action vlan push id 2 action vlan push id 3 \
	action vlan push id 4 action vlan push id 5 action vlan push id 6 \
	action vlan push id 7 action vlan push id 8 action drop
tc qdisc add dev iovnic1 ingress
check_eq "a PF in legacy mode: EOPNOTSUPP" EOPNOTSUPP \
	"$(nl_errno tc filter add dev iovnic1 ingress protocol all flower skip_sw \
		dst_mac $M action drop)"
check_eq "... the driver says: legacy mode" 1 \
	"$(grep -c 'legacy mode' /tmp/iovt-nl.out)"
ethtool -K $R0 hw-tc-offload off
refused "hw-tc-offload off" dev $R0 ingress protocol all flower skip_sw \
	dst_mac $M action drop
ethtool -K $R0 hw-tc-offload on
check_eq "a rule without skip_sw: in hardware too" 1 \
	"$(rule $R0 ingress pref 10 protocol all flower dst_mac $M action drop &&
	   tc filter show dev $R0 ingress | grep -c 'in_hw in_hw_count 1')"
check_eq "... and the eswitch drops (nothing reaches the representor)" "0 0 0" \
	"$(send_a "0 0 0" --dst $M)"
flush $R0

# 1000 rules: one mask, a hash table; each rule still counts its own
for i in $(seq 0 999); do
	printf 'filter add dev %s ingress pref 10 protocol all flower skip_sw dst_mac 02:00:00:01:%02x:%02x action mirred egress redirect dev %s\n' \
		$R0 $((i / 256)) $((i % 256)) $R1
done > /tmp/iovt-1000.tc
check "1000 rules installed (tc -batch)" tc -batch /tmp/iovt-1000.tc
check_eq "1000 in hardware" 1000 \
	"$(tc filter show dev $R0 ingress | grep -c 'in_hw in_hw_count 1')"
check_eq "rule 0x3e7's MAC: at VF 1" "20 0 0" "$(send_a "20 0 0" --dst 02:00:00:01:03:e7)"
check_eq "an address of no rule: slow path" "0 0 20" "$(send_a "0 0 20" --dst 02:00:00:01:04:00)"
tc qdisc del dev $R0 ingress
check_eq "qdisc gone: rules gone, legacy allowed" OK \
	"$(errno_of devlink dev eswitch set "$dl" mode legacy)"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
