#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A VF for a VM without VFIO, as libvirt's <interface type='direct'> with
# mode='passthrough' does it: the PF sets the VF's MAC and port VLAN, a
# macvtap in passthru mode sits on the VF, and the VM's side is the
# macvtap's character device /dev/tapN.  Frames written there leave the VF
# (under the PF's VLAN and spoof check), frames for the VF's MAC are read
# there; the VF's counters count both.  (scripts/nested-vm boots a real
# VM on it.)
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 12
dmesg_mark
iov_load total_vfs=2
X=02:00:00:00:c0:00
tap=$(vf_for_vm $X)
m1=$(mac_of iovt-b iovnic0v1)
check "macvtap iovt-mvt in passthru mode on VF 0" \
	test "$(ip -d -j link show iovt-mvt | python3 -S -c 'import json, sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_data"]["mode"])')" = passthru
check "its character device $tap" test -c "$tap"
check_eq "passthru: the macvtap has the VF's MAC" $X \
	"$(cat /sys/class/net/iovt-mvt/address)"
vtx() { vf_stat iovnic0 0 tx_packets; }
vrx() { vf_stat iovnic0 0 rx_packets; }

# the VM sends: frames written to the tap leave the VF, in VLAN 10
t0=$(vtx)
cap v1 iovt-b iovnic0v1 --src $X --untagged
caps_ready() { wait_until 120 test -e /tmp/iovt-v1.rdy; }
caps_ready
"$PKT" tap "$tap" write --dst "$m1" --src $X --count 20 > /dev/null
sleep 0.2
touch /tmp/iovt-stop
wait
check_eq "20 frames written to $tap reach VF 1 (its VLAN, untagged)" 20 "$(capn v1)"
check_eq "the VF's vf line counts them sent" 20 $(($(vtx) - t0))

# ... and cannot forge its source: the PF's spoof check holds
s0=$(stat_of iovnic0v0 vport_tx_spoofed)
cap v1 iovt-b iovnic0v1
caps_ready
"$PKT" tap "$tap" write --dst "$m1" --src 02:00:00:00:66:66 --count 10 > /dev/null
sleep 0.2
touch /tmp/iovt-stop
wait
check_eq "10 frames with a forged source: none reach VF 1" 0 "$(capn v1)"
check_eq "... counted as spoofed" 10 $(($(stat_of iovnic0v0 vport_tx_spoofed) - s0))

# the VM receives: frames for the VF's MAC are read from the tap
r0=$(vrx)
rm -f /tmp/iovt-tap.rdy
"$PKT" tap "$tap" read --src "$m1" --want 20 --secs 30 --ready /tmp/iovt-tap.rdy \
	> /tmp/iovt-tap.cnt &
wait_until 120 test -e /tmp/iovt-tap.rdy
ip netns exec iovt-b "$PKT" send iovnic0v1 --dst $X --count 20 > /dev/null
wait
check_eq "20 frames VF 1 sent to $X are read from $tap" 20 "$(cat /tmp/iovt-tap.cnt)"
check_eq "the VF's vf line counts them received" 20 $(($(vrx) - r0))

# the PF moves the VM's VF to VLAN 20: VF 1 (VLAN 10) hears it no more
ip link set iovnic0 vf 0 vlan 20
cap v1 iovt-b iovnic0v1 --src $X
caps_ready
"$PKT" tap "$tap" write --dst "$m1" --src $X --count 10 > /dev/null
sleep 0.2
touch /tmp/iovt-stop
wait
check_eq "the PF moves VF 0 to VLAN 20: VF 1 in VLAN 10 gets none" 0 "$(capn v1)"

ip link del iovt-mvt
check_eq "macvtap gone, the VF keeps its MAC" $X "$(cat /sys/class/net/iovnic0v0/address)"
ip netns del iovt-b
check "no kernel warnings" dmesg_clean
ktap_finished
