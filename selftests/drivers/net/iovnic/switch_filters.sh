#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The switch's filters on real traffic: spoof check, multicast lists,
# broadcast replication and its counters, allmulti/promisc and trust.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 30
dmesg_mark
iov_load total_vfs=4
vf_nets 4
m0=$(mac_of iovt-0 iovnic0v0)
m1=$(mac_of iovt-1 iovnic0v1)

# spoof check (on by default): a forged source MAC is dropped and counted
drops=$(vf_stat iovnic0 0 tx_dropped)
spoofed=$(stat_of iovnic0v0 vport_tx_spoofed iovt-0)
cap v1 iovt-1 iovnic0v1 --dst "$m1"
cap_send iovt-0 iovnic0v0 --dst "$m1" --src 02:00:00:00:66:66 --count 5
check_eq "spoofchk on: forged frames do not arrive" 0 "$(capn v1)"
check_eq "spoofchk on: VF 0 tx dropped +5 (ip -s link)" 5 \
	"$(($(vf_stat iovnic0 0 tx_dropped) - drops))"
check_eq "spoofchk on: vport_tx_spoofed +5 (ethtool -S)" 5 \
	"$(($(stat_of iovnic0v0 vport_tx_spoofed iovt-0) - spoofed))"
rxp=$(vf_stat iovnic0 1 rx_packets) rxb=$(vf_stat iovnic0 1 rx_bytes)
txp=$(vf_stat iovnic0 0 tx_packets)
cap v1 iovt-1 iovnic0v1 --dst "$m1"
cap_send iovt-0 iovnic0v0 --dst "$m1" --count 5
check_eq "spoofchk on: its own MAC passes" 5 "$(capn v1)"
check_eq "VF 1 rx packets +5, bytes +300 (ip -s link)" "5 300" \
	"$(($(vf_stat iovnic0 1 rx_packets) - rxp)) $(($(vf_stat iovnic0 1 rx_bytes) - rxb))"
check "VF 0 tx packets +5 or more" test "$(($(vf_stat iovnic0 0 tx_packets) - txp))" -ge 5
ip link set iovnic0 vf 0 spoofchk off
cap v1 iovt-1 iovnic0v1 --dst "$m1"
cap_send iovt-0 iovnic0v0 --dst "$m1" --src 02:00:00:00:66:66 --count 5
check_eq "spoofchk off: forged frames arrive" 5 "$(capn v1)"
ip link set iovnic0 vf 0 spoofchk on

# broadcast: every other vport gets one copy and counts it
for i in 1 2 3; do
	eval "b$i=\$(vf_stat iovnic0 $i broadcast)"
	cap "v$i" "iovt-$i" "iovnic0v$i" --src "$m0"
done
b0=$(vf_stat iovnic0 0 broadcast)
cap pf - iovnic0 --src "$m0"
cap v0 iovt-0 iovnic0v0 --src "$m0"
cap_send iovt-0 iovnic0v0 --dst ff:ff:ff:ff:ff:ff --count 5
for i in 1 2 3; do
	check_eq "broadcast: VF$i got 5" 5 "$(capn "v$i")"
	eval "before=\$b$i"
	check_eq "broadcast: VF$i broadcast counter +5" 5 \
		"$(($(vf_stat iovnic0 "$i" broadcast) - before))"
done
check_eq "broadcast: the PF got 5" 5 "$(capn pf)"
check_eq "broadcast: the sender got none back" 0 "$(capn v0)"
check_eq "broadcast: sender's rx broadcast counter unchanged" "$b0" \
	"$(vf_stat iovnic0 0 broadcast)"

# multicast goes only to the vports that joined the group
grp=01:00:5e:01:02:03
ip -n iovt-1 maddr add "$grp" dev iovnic0v1
ip -n iovt-2 maddr add "$grp" dev iovnic0v2
sleep 0.3
mc1=$(vf_stat iovnic0 1 multicast)
for i in 1 2 3; do cap "v$i" "iovt-$i" "iovnic0v$i" --dst "$grp"; done
cap_send iovt-0 iovnic0v0 --dst "$grp" --count 5
check_eq "multicast: VF1 (joined) got 5" 5 "$(capn v1)"
check_eq "multicast: VF2 (joined) got 5" 5 "$(capn v2)"
check_eq "multicast: VF3 (not joined) got none" 0 "$(capn v3)"
check_eq "multicast: VF1 multicast counter +5" 5 \
	"$(($(vf_stat iovnic0 1 multicast) - mc1))"

# a secondary unicast address (bridge fdb ... self) becomes a filter
extra=02:00:00:00:88:88
ip netns exec iovt-1 bridge fdb add "$extra" dev iovnic0v1 self permanent
sleep 0.3
cap v1 iovt-1 iovnic0v1 --dst "$extra"
cap_send iovt-0 iovnic0v0 --dst "$extra" --count 5
check_eq "secondary unicast address: frames delivered" 5 "$(capn v1)"
ip netns exec iovt-1 bridge fdb del "$extra" dev iovnic0v1 self
sleep 0.3
cap v1 iovt-1 iovnic0v1 --dst "$extra"
cap_send iovt-0 iovnic0v0 --dst "$extra" --count 5
check_eq "address removed: no longer delivered" 0 "$(capn v1)"

# allmulti and promisc of an untrusted VF are not honoured; trusted, they are
ip -n iovt-3 link set iovnic0v3 allmulticast on promisc on
sleep 0.3
other=01:00:5e:09:09:09
cap v3 iovt-3 iovnic0v3 --dst "$other"
cap_send iovt-0 iovnic0v0 --dst "$other" --count 5
check_eq "untrusted allmulti: other groups not received" 0 "$(capn v3)"
cap v3 iovt-3 iovnic0v3 --dst 02:00:00:00:77:77
cap_send iovt-0 iovnic0v0 --dst 02:00:00:00:77:77 --count 5
check_eq "untrusted promisc: unknown unicast not received" 0 "$(capn v3)"
ip link set iovnic0 vf 3 trust on
cap v3 iovt-3 iovnic0v3 --dst "$other"
cap_send iovt-0 iovnic0v0 --dst "$other" --count 5
check_eq "trusted allmulti: other groups received" 5 "$(capn v3)"
cap v3 iovt-3 iovnic0v3 --dst 02:00:00:00:77:77
cap_send iovt-0 iovnic0v0 --dst 02:00:00:00:77:77 --count 5
check_eq "trusted promisc: unknown unicast received" 5 "$(capn v3)"
cap v3 iovt-3 iovnic0v3 --dst "$m1"
cap v1 iovt-1 iovnic0v1 --dst "$m1"
cap_send iovt-0 iovnic0v0 --dst "$m1" --count 5
check_eq "trusted promisc: another VF's unicast not stolen" 0 "$(capn v3)"
check_eq "... and still delivered to its owner" 5 "$(capn v1)"
ip link set iovnic0 vf 3 trust off
cap v3 iovt-3 iovnic0v3 --dst "$other"
cap_send iovt-0 iovnic0v0 --dst "$other" --count 5
check_eq "trust off again: not received" 0 "$(capn v3)"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
