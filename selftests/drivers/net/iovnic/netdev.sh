#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PF and VF netdevs: names, ethtool -i, phys_switch_id, random locally
# administered MACs, ip link set <pf> vf N mac, and the vf lines of ip link.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 22
dmesg_mark
iov_load num_pfs=2 total_vfs=4
iov_set_vfs 2 0

check "PF netdevs iovnic0, iovnic1" test -e /sys/class/net/iovnic0 -a -e /sys/class/net/iovnic1
check "VF netdevs iovnic0v0, iovnic0v1" test -e /sys/class/net/iovnic0v0 -a -e /sys/class/net/iovnic0v1
check_eq "ethtool -i PF driver" "driver: iovnic" "$(ethtool -i iovnic0 | grep '^driver:')"
check_eq "ethtool -i PF bus-info" "bus-info: $(basename "$(pf_dev 0)")" \
	"$(ethtool -i iovnic0 | grep '^bus-info:')"
check_eq "ethtool -i VF driver" "driver: iovnicvf" "$(ethtool -i iovnic0v1 | grep '^driver:')"
check_eq "ethtool -i VF bus-info" \
	"bus-info: $(basename "$(readlink -f "$(pf_dev 0)/virtfn1")")" \
	"$(ethtool -i iovnic0v1 | grep '^bus-info:')"

sw0=$(cat /sys/class/net/iovnic0/phys_switch_id)
check "PF has a phys_switch_id" test -n "$sw0"
check_eq "VF shares the PF's phys_switch_id" "$sw0" "$(cat /sys/class/net/iovnic0v0/phys_switch_id)"
check "the second PF is another switch" test "$sw0" != "$(cat /sys/class/net/iovnic1/phys_switch_id)"

# The switch never pushes back: no qdisc by default (as veth), and one can
# still be added
qdisc_of() { ip -j link show "$1" | python3 -S -c 'import json, sys; print(json.load(sys.stdin)[0]["qdisc"])'; }
ip link set iovnic0 up
ip link set iovnic0v0 up
check_eq "PF and VF come up without a qdisc (noqueue)" "noqueue noqueue" \
	"$(qdisc_of iovnic0) $(qdisc_of iovnic0v0)"
tc qdisc add dev iovnic0v0 root fq_codel
check_eq "a root qdisc can be added" fq_codel "$(qdisc_of iovnic0v0)"
tc qdisc del dev iovnic0v0 root
ip link set iovnic0v0 down
ip link set iovnic0 down

laa_ok() {
	local dev mac first
	for dev in iovnic0 iovnic1 iovnic0v0 iovnic0v1; do
		mac=$(cat /sys/class/net/$dev/address)
		first=$((16#${mac%%:*}))
		# locally administered, unicast, random
		[ $((first & 2)) = 2 ] && [ $((first & 1)) = 0 ] || return 1
		[ "$(cat /sys/class/net/$dev/addr_assign_type)" = 1 ] || return 1
	done
}
check "MACs are random locally administered unicast" laa_ok
check_eq "MACs are distinct" 4 "$(cat /sys/class/net/iovnic{0,1,0v0,0v1}/address | sort -u | wc -l)"

check "ip link set iovnic0 vf 1 mac" ip link set iovnic0 vf 1 mac 02:00:00:00:01:01
check_eq "VF netdev took the MAC" 02:00:00:00:01:01 "$(cat /sys/class/net/iovnic0v1/address)"
check "ip link show lists vf 1 with the MAC" \
	bash -c "ip link show iovnic0 | grep -q 'vf 1 .*link/ether 02:00:00:00:01:01'"
check_eq "ip link show lists 2 vf lines" 2 "$(ip link show iovnic0 | grep -c '    vf ')"

out=$(ip link set iovnic0 vf 1 mac 01:00:00:00:00:01 2>&1)
check "multicast VF MAC refused with EINVAL" bash -c "echo '$out' | grep -q 'Invalid argument'"
out=$(ip link set iovnic0 vf 1 mac 00:00:00:00:00:00 2>&1)
check "zero VF MAC refused with EINVAL" bash -c "echo '$out' | grep -q 'Invalid argument'"
out=$(ip link set iovnic0 vf 2 mac 02:00:00:00:01:02 2>&1)
check "VF index out of range refused with EINVAL" bash -c "echo '$out' | grep -q 'Invalid argument'"
check_eq "MAC unchanged after refusals" 02:00:00:00:01:01 "$(cat /sys/class/net/iovnic0v1/address)"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
