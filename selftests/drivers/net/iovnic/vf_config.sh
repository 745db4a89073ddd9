#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every "ip link set <pf> vf N ..." knob: accepted values show in
# "ip link show", every invalid value gets its errno and changes nothing.
# Values ip refuses to send go through a raw netlink request (vfnl.py).
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 37
dmesg_mark
iov_load total_vfs=4
iov_set_vfs 2

# bad_ip WANT VF-ARGS...: "ip link set iovnic0 vf VF-ARGS" fails with WANT
# and leaves the vf 0 line as it was; bad_nl: the same as a raw RTM_SETLINK
bad_ip() { bad_via ip "$@"; }
bad_nl() { bad_via nl "$@"; }
bad_via() {
	local via=$1 want=$2 before after got desc
	shift 2
	before=$(vf_line iovnic0 0)
	if [ "$via" = ip ]; then
		got=$(errno_of ip link set iovnic0 vf "$@")
		desc="vf $* -> $want, unchanged"
	else
		got=$("$VFNL" iovnic0 "$@")
		desc="netlink vf $* -> $want, unchanged"
	fi
	after=$(vf_line iovnic0 0)
	if [ "$got" = "$want" ] && [ "$before" = "$after" ]; then
		ktap_test_pass "$desc"
	else
		log "got $got; before: $before"
		log "after: $after"
		ktap_test_fail "$desc"
	fi
}

# defaults, as a real NIC shows them
line=$(vf_line iovnic0 0)
check "default: spoof checking on" grep -q "spoof checking on" <<< "$line"
check "default: link-state auto" grep -q "link-state auto" <<< "$line"
check "default: trust off" grep -q "trust off" <<< "$line"

# accepted values
ip link set iovnic0 vf 0 mac 02:00:00:00:10:00
ip link set iovnic0 vf 0 vlan 10 qos 3
ip link set iovnic0 vf 0 max_tx_rate 100 min_tx_rate 10
ip link set iovnic0 vf 0 spoofchk off trust on state enable
line=$(vf_line iovnic0 0)
check "mac shown" grep -q "link/ether 02:00:00:00:10:00" <<< "$line"
check "vlan 10 qos 3 shown" grep -q "vlan 10, qos 3" <<< "$line"
check "tx rates shown" grep -q "max_tx_rate 100Mbps, min_tx_rate 10Mbps" <<< "$line"
check "spoofchk off shown" grep -q "spoof checking off" <<< "$line"
check "trust on shown" grep -q "trust on" <<< "$line"
check "state enable shown" grep -q "link-state enable" <<< "$line"
ip link set iovnic0 vf 0 vlan 20 proto 802.1ad
check "802.1ad port VLAN shown" grep -q "vlan 20, vlan protocol 802.1ad" <<< "$(vf_line iovnic0 0)"
ip link set iovnic0 vf 0 vlan 10 qos 3
check_eq "VF netdev took the MAC" 02:00:00:00:10:00 \
	"$(cat /sys/class/net/iovnic0v0/address)"

# invalid values through ip
bad_ip EINVAL 2 mac 02:00:00:00:10:02
bad_ip EINVAL 99 spoofchk on
bad_ip EINVAL 0 mac 01:00:5e:00:00:01
bad_ip EINVAL 0 mac ff:ff:ff:ff:ff:ff
bad_ip EINVAL 0 mac 00:00:00:00:00:00
bad_ip EINVAL 0 vlan 10 qos 8
bad_ip EINVAL 0 vlan 0 qos 1
bad_ip EINVAL 0 max_tx_rate 100001
ip link set iovnic0 vf 1 vlan 10
bad_ip EADDRINUSE 1 mac 02:00:00:00:10:00
ip link set iovnic0 vf 1 vlan 0

# invalid values ip will not send
bad_nl EINVAL -1 spoofchk 1
bad_nl EINVAL -1 mac 02:00:00:00:10:09
bad_nl EINVAL 0 state 3
bad_nl EINVAL 0 state -1
bad_nl EPROTONOSUPPORT 0 vlan 10 0 0x0800
bad_nl EINVAL 0 vlan 4096 0
bad_nl EINVAL 0 vlan 70000 0
bad_nl EINVAL 0 rate 20 10
bad_nl EINVAL 0 rate 0 -5

# an untrusted VF cannot override the MAC its PF set; a trusted one can
ip link set iovnic0 vf 0 trust off
check_eq "untrusted VF: MAC change EPERM" EPERM \
	"$(errno_of ip link set iovnic0v0 address 02:00:00:00:10:0f)"
check_eq "untrusted VF: MAC unchanged" 02:00:00:00:10:00 \
	"$(cat /sys/class/net/iovnic0v0/address)"
ip link set iovnic0 vf 0 trust on
check_eq "trusted VF: MAC change OK" OK \
	"$(errno_of ip link set iovnic0v0 address 02:00:00:00:10:0f)"
check "the PF sees the VF's new MAC" grep -q "link/ether 02:00:00:00:10:0f" \
	<<< "$(vf_line iovnic0 0)"

# sriov_numvfs 0 resets every VF's config
echo 0 > "$(pf_dev 0)/sriov_numvfs"
iov_set_vfs 2
line=$(vf_line iovnic0 0)
check "after re-enable: no vlan" not grep -q "vlan 10" <<< "$line"
check "after re-enable: spoof checking on" grep -q "spoof checking on" <<< "$line"
check "after re-enable: no rate" not grep -q "max_tx_rate" <<< "$line"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
