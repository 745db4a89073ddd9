#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# devlink: the PF's instance (info, the physical port), the eswitch mode
# with and without VFs, VF ports and representors in switchdev mode, port
# function hw_addr, rate leaves (tx_max is the VF's policer), the legacy
# settings kept across modes, their refusals, and rmmod in switchdev mode.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 64
dmesg_mark
iov_load total_vfs=4
pf=$(pf_dev 0) a=${pf##*/}
dl=pci/$a

# port_field PORT KEY: a value of "devlink port show PORT" (json)
port_field() {
	devlink -j port show "$1" 2>/dev/null | python3 -S -c '
import json, sys
d = json.load(sys.stdin)["port"]
v = next(iter(d.values()))
k = sys.argv[1]
print(v["function"][k] if k == "hw_addr" else v.get(k, ""))' "$2"
}
nports() { devlink -j port show 2>/dev/null | python3 -S -c '
import json, sys; print(len(json.load(sys.stdin)["port"]))'; }
mode() { devlink -j dev eswitch show "$dl" | python3 -S -c '
import json, sys; print(next(iter(json.load(sys.stdin)["dev"].values()))["mode"])'; }
reps() { ls /sys/class/net | grep -c '^iovnic0pf0vf'; }
# rate_field PORT KEY: tx_max/tx_share of a rate leaf in bytes/s (json)
rate_field() {
	devlink -j port function rate show "$1" | python3 -S -c '
import json, sys
v = next(iter(json.load(sys.stdin)["rate"].values()))
print(v.get(sys.argv[1], 0))' "$2"
}

check "devlink dev show lists $dl" devlink dev show "$dl"
info=$(devlink dev info "$dl")
check_eq "info: driver" iovnic "$(echo "$info" | awk '$1 == "driver" {print $2}')"
check_eq "info: serial number is the switch id" \
	"$(cat /sys/class/net/iovnic0/phys_switch_id)" \
	"$(echo "$info" | awk '$1 == "serial_number" {print $2}')"
check_eq "info: fixed asic.id" 1af4:10f0 \
	"$(echo "$info" | awk '$1 == "asic.id" {print $2}')"
check_eq "info: running fw version" 1 "$(echo "$info" | grep -c '^ *fw [0-9.]*$')"
check_eq "port 0: flavour physical" physical "$(port_field "$dl/0" flavour)"
check_eq "port 0: netdev iovnic0" iovnic0 "$(port_field "$dl/0" netdev)"
check_eq "iovnic0 phys_port_name p0" p0 "$(cat /sys/class/net/iovnic0/phys_port_name)"
check_eq "eswitch mode: legacy" legacy "$(mode)"
check_eq "inline-mode: EOPNOTSUPP" EOPNOTSUPP \
	"$(errno_of devlink dev eswitch set "$dl" inline-mode none)"

# legacy settings of VF 2 that switchdev mode keeps and does not apply
iov_set_vfs 3
check_eq "legacy with 3 VFs: the physical port only" 1 "$(nports)"
ip link set iovnic0 vf 2 vlan 5 qos 2
ip link set iovnic0 vf 2 spoofchk off
ip link set iovnic0 vf 2 max_tx_rate 50
before=$(vf_line iovnic0 2)

check_eq "legacy -> switchdev with 3 VFs" OK \
	"$(errno_of devlink dev eswitch set "$dl" mode switchdev)"
check_eq "eswitch mode: switchdev" switchdev "$(mode)"
check_eq "4 ports: p0 and one per VF" 4 "$(nports)"
check_eq "3 representors" 3 "$(reps)"
check_eq "port 1: flavour pcivf" pcivf "$(port_field "$dl/1" flavour)"
check_eq "port 2: pfnum 0" 0 "$(port_field "$dl/2" pfnum)"
check_eq "port 2: vfnum 1" 1 "$(port_field "$dl/2" vfnum)"
check_eq "port 2: netdev iovnic0pf0vf1" iovnic0pf0vf1 "$(port_field "$dl/2" netdev)"
check_eq "representor phys_port_name pf0vf1" pf0vf1 \
	"$(cat /sys/class/net/iovnic0pf0vf1/phys_port_name)"
check_eq "representor phys_switch_id is the PF's" \
	"$(cat /sys/class/net/iovnic0/phys_switch_id)" \
	"$(cat /sys/class/net/iovnic0pf0vf1/phys_switch_id)"
check_eq "ethtool -i: driver iovnic, the PF's bus" "iovnic $a" \
	"$(ethtool -i iovnic0pf0vf1 | awk '$1 == "driver:" {d = $2} $1 == "bus-info:" {b = $2} END {print d, b}')"

# port function hw_addr: the VF's MAC
check_eq "hw_addr of port 1 is VF 0's MAC" "$(mac_of - iovnic0v0)" \
	"$(port_field "$dl/1" hw_addr)"
check_eq "set hw_addr of port 1" OK \
	"$(errno_of devlink port function set "$dl/1" hw_addr 02:00:00:00:10:01)"
check_eq "the VF netdev took it" 02:00:00:00:10:01 "$(mac_of - iovnic0v0)"
check_eq "ip link shows it" 1 \
	"$(vf_line iovnic0 0 | grep -c 'link/ether 02:00:00:00:10:01')"
check_eq "devlink shows it" 02:00:00:00:10:01 "$(port_field "$dl/1" hw_addr)"
check_eq "hw_addr multicast: EINVAL" EINVAL \
	"$(errno_of devlink port function set "$dl/1" hw_addr 01:00:5e:00:00:01)"
# msg_of CMD...: the driver's message (extack) of a refusal
msg_of() { "$@" 2>&1 | sed -n 's/^Error: iovnic: //p'; }
check_eq "hw_addr zero: the driver's message" "the address must be unicast and not zero." \
	"$(msg_of devlink port function set "$dl/1" hw_addr 00:00:00:00:00:00)"
check_eq "hw_addr zero: EINVAL" EINVAL \
	"$(errno_of devlink port function set "$dl/1" hw_addr 00:00:00:00:00:00)"
check_eq "hw_addr of the physical port: EOPNOTSUPP" EOPNOTSUPP \
	"$(errno_of devlink port function set "$dl/0" hw_addr 02:00:00:00:10:09)"
check_eq "refusals changed nothing" 02:00:00:00:10:01 "$(mac_of - iovnic0v0)"

# rate leaves: tx_max is max_tx_rate, tx_share min_tx_rate (bytes/s)
check_eq "VF 2's leaf shows its max_tx_rate 50" 6250000 "$(rate_field "$dl/3" tx_max)"
check_eq "tx_max 20mbit on port 1" OK \
	"$(errno_of devlink port function rate set "$dl/1" tx_max 20mbit)"
check_eq "ip link shows max_tx_rate 20" 1 \
	"$(vf_line iovnic0 0 | grep -c 'max_tx_rate 20Mbps')"
check_eq "tx_share 10mbit" OK \
	"$(errno_of devlink port function rate set "$dl/1" tx_share 10mbit)"
check_eq "ip link shows min_tx_rate 10" 1 \
	"$(vf_line iovnic0 0 | grep -c 'min_tx_rate 10Mbps')"
check_eq "tx_max not a whole Mbit/s: EINVAL" EINVAL \
	"$(errno_of devlink port function rate set "$dl/1" tx_max 20500kbit)"
check_eq "... with the driver's message" "the rate must be a whole number of Mbit/s." \
	"$(msg_of devlink port function rate set "$dl/1" tx_max 20500kbit)"
check_eq "tx_max above 100 Gbit/s: EINVAL" EINVAL \
	"$(errno_of devlink port function rate set "$dl/1" tx_max 200gbit)"
check_eq "refusals changed nothing" 2500000 "$(rate_field "$dl/1" tx_max)"

# tx_max polices: a burst from VF 0 to its representor (the slow path)
ns_add iovt-0 iovnic0v0 192.0.2.1/24
ip link set iovnic0pf0vf0 up
rep_rx() { cat /sys/class/net/iovnic0pf0vf0/statistics/rx_packets; }
policed() { stat_of iovnic0v0 vport_tx_rate_limited iovt-0; }
# burst_done RX0 POLICED0: all 400 frames were received or policed
burst_done() { test $(($(rep_rx) - $1 + $(policed) - $2)) -ge 400; }
burst() {	# frames of a burst of 400 that reached the representor
	local n l
	n=$(rep_rx) l=$(policed)
	ip netns exec iovt-0 "$PKT" send iovnic0v0 --dst 02:00:00:00:99:99 \
		--count 400 --size 1000 > /dev/null
	wait_until 10 burst_done "$n" "$l"
	echo $(($(rep_rx) - n))
}
devlink port function rate set "$dl/1" tx_share 0 tx_max 1mbit
lim0=$(policed)
got=$(burst)
lim=$(($(policed) - lim0))
log "tx_max 1mbit: $got of 400 passed, $lim policed"
check "tx_max 1mbit: most of a burst policed" test "$lim" -ge 200
check_eq "policed + received = sent" 400 "$((lim + got))"
devlink port function rate set "$dl/1" tx_max 0
lim0=$(policed)
check_eq "tx_max 0: the whole burst passes" 400 "$(burst)"
check_eq "tx_max 0: nothing policed" "$lim0" "$(policed)"

# legacy ndo_set_vf_* in switchdev mode: the eswitch's rules and the
# devlink rate stand for a port VLAN, spoof checking and the rate
check_eq "switchdev: ip link vf vlan: EOPNOTSUPP" EOPNOTSUPP \
	"$(errno_of ip link set iovnic0 vf 1 vlan 7)"
check_eq "switchdev: ip link vf spoofchk: EOPNOTSUPP" EOPNOTSUPP \
	"$(errno_of ip link set iovnic0 vf 1 spoofchk off)"
check_eq "switchdev: ip link vf max_tx_rate: EOPNOTSUPP" EOPNOTSUPP \
	"$(errno_of ip link set iovnic0 vf 1 max_tx_rate 30)"
check_eq "switchdev: ip link vf mac works" OK \
	"$(errno_of ip link set iovnic0 vf 1 mac 02:00:00:00:10:02)"
check_eq "devlink shows that MAC" 02:00:00:00:10:02 "$(port_field "$dl/2" hw_addr)"

check_eq "switchdev -> legacy with VFs" OK \
	"$(errno_of devlink dev eswitch set "$dl" mode legacy)"
check_eq "legacy: representors gone" 0 "$(reps)"
check_eq "legacy: the physical port only" 1 "$(nports)"
check_eq "VF 2's vlan, qos, spoofchk and rate as before" "$before" \
	"$(vf_line iovnic0 2)"
ns_add iovt-1 iovnic0v1 192.0.2.2/24
check "legacy VEB forwards VF 0 -> VF 1 again" ping_ok iovt-0 192.0.2.2
ns_add iovt-2 iovnic0v2 192.0.2.3/24
check "VF 2's port VLAN 5 isolates it from VF 0 again" not ping_ok iovt-2 192.0.2.1

# representors follow sriov_numvfs; switchdev without VFs
echo 0 > "$pf/sriov_numvfs"
check_eq "switchdev with no VFs" OK \
	"$(errno_of devlink dev eswitch set "$dl" mode switchdev)"
check_eq "no VFs: the physical port only" 1 "$(nports)"
iov_set_vfs 2
check_eq "2 VFs: 2 representors" 2 "$(reps)"
check_eq "2 VFs: 3 ports" 3 "$(nports)"
echo 0 > "$pf/sriov_numvfs"
check_eq "0 VFs: representors gone" 0 "$(reps)"

# rmmod in switchdev mode: VFs in namespaces, representors in a bridge
iov_set_vfs 2
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24
ip link add iovt-br type bridge
for r in iovnic0pf0vf0 iovnic0pf0vf1; do
	ip link set "$r" master iovt-br up
done
ip link set iovt-br up
ping_ok iovt-a 192.0.2.2
check "rmmod in switchdev mode with VFs up" rmmod iovnic
check_eq "no iovnic netdev left" 0 "$(ls /sys/class/net | grep -c iovnic)"
ip link del iovt-br
for ns in iovt-0 iovt-1 iovt-2 iovt-a iovt-b; do ip netns del "$ns"; done
check "no kernel warnings" dmesg_clean
ktap_finished
