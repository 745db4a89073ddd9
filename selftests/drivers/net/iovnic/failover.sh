#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The synthetic path and failover (synthetic_add): a "VM" namespace gets a
# synthetic NIC (iovnic0s0sby, host end iovnic0s0 bridged with the port
# netdev iovnic0w and a LAN host) under a net_failover master, which takes
# VF 0 as primary when the VF (same MAC) enters the namespace.  Traffic
# runs on the VF while it is there and up, on the synthetic NIC when it
# goes: sriov_numvfs 0, unbind, state disable, each during a 20 pps ping
# (few lost, no duplicates) and a TCP stream that survives; it comes back
# on a new VF.  Then a simulated live migration onto a VF of PF 1 (host
# B).  Errnos of the sysfs files and of a MAC change under failover.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 48
dmesg_mark
modprobe net_failover
iov_load num_pfs=2 total_vfs=2
pf0=$(pf_dev 0) pf1=$(pf_dev 1)
X=02:00:00:00:aa:01
VM=iovt-vm
vm() { ip netns exec $VM "$@"; }
master_of() { ip "${@:2}" -j link show "$1" | python3 -S -c '
import json, sys
print(json.load(sys.stdin)[0].get("master", "none"))'; }
st() { vm cat "/sys/class/net/$1/statistics/$2"; }
vf_attach() {	# vf_attach P: VF 0 of PF P, MAC X, into the VM
	ip link set "iovnic$1" vf 0 mac $X
	ip link set "iovnic$1v0" netns $VM
}
vf_is_primary() { [ "$(master_of "iovnic$1v0" -n $VM)" = "$M" ]; }

# the LAN: both PFs' port netdevs and a LAN host on one bridge
echo netdev > "$pf0/peer"
echo netdev > "$pf1/peer"
lan_add
for d in iovnic0 iovnic1 iovnic0w iovnic1w; do
	sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
done
ip link set iovt-l0 up
for d in iovnic0w iovnic1w; do ip link set $d master iovt-br up; done
ip link set iovt-br up
ip link set iovnic0 up
ip link set iovnic1 up
iov_set_vfs 2
iov_set_vfs 1 1
ip netns add $VM
vm sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n $VM link set lo up

check_eq "synthetic_add 0 without a MAC for VF 0: EADDRNOTAVAIL" \
	EADDRNOTAVAIL "$(errno_of_write "$pf0/synthetic_add" 0)"
ip link set iovnic0 vf 0 mac $X
check "synthetic_add 0 from the VM namespace" \
	vm sh -c "echo 0 > $pf0/synthetic_add"
check_eq "again: EEXIST" EEXIST "$(errno_of_write "$pf0/synthetic_add" 0)"
check_eq "VF 2 (total_vfs 2): EINVAL" EINVAL "$(errno_of_write "$pf0/synthetic_add" 2)"
check_eq "not a number: EINVAL" EINVAL "$(errno_of_write "$pf0/synthetic_add" x)"
check_eq "synthetic_del 1 (none): ENOENT" ENOENT "$(errno_of_write "$pf0/synthetic_del" 1)"
M=$(master_of iovnic0s0sby -n $VM)
check "the VM has iovnic0s0sby under a failover master ($M)" \
	vm test -d "/sys/class/net/$M"
check_eq "the standby has the VF's MAC, the master too" "$X $X" \
	"$(vm cat /sys/class/net/iovnic0s0sby/address) $(vm cat "/sys/class/net/$M/address")"
check_eq "the host end iovnic0s0 is in the host's namespace" 1 \
	"$(ls /sys/class/net | grep -c '^iovnic0s0$')"
check_eq "VF 0 in the host, MAC X: not paired (other namespace)" none \
	"$(master_of iovnic0v0)"
ip link set iovnic0s0 master iovt-br up
vm ip addr add 192.0.2.10/24 dev "$M"
vm ip link set "$M" up
ip addr add 192.0.2.50/24 dev iovnic0

check "no VF: the VM pings the LAN host over the synthetic path" \
	wait_until 20 ping_ok $VM 192.0.2.100
check "the standby carried it" test "$(st iovnic0s0sby tx_packets)" -ge 3

# counts VF_TX SBY_TX: the VF's and the standby's tx_packets
counts() { echo "$(st iovnic0v0 tx_packets 2>/dev/null || echo 0) $(st iovnic0s0sby tx_packets)"; }
# burst: 20 pings; VF and standby tx growth and the ping summary
burst() {
	local v0 s0 v1 s1 out
	read -r v0 s0 <<< "$(counts)"
	out=$(vm ping -c 20 -i 0.05 -W 2 192.0.2.100 | grep -E 'received|DUP')
	read -r v1 s1 <<< "$(counts)"
	echo "$((v1 - v0)) $((s1 - s0)) $(echo "$out" | grep -o '[0-9]* received' | cut -d' ' -f1)$(echo "$out" | grep -q DUP && echo ' DUP')"
}
on_vf() { read -r v s r d <<< "$(burst)"; log "VF +$v, standby +$s, $r/20 $d"; [ "$v" -ge 20 ] && [ "$s" -le 2 ] && [ "$r" = 20 ] && [ -z "$d" ]; }
on_sby() { read -r v s r d <<< "$(burst)"; log "VF +$v, standby +$s, $r/20 $d"; [ "$v" -le 2 ] && [ "$s" -ge 20 ] && [ "$r" = 20 ] && [ -z "$d" ]; }

vf_attach 0
check "VF 0 enters the VM: enslaved as primary" wait_until 10 vf_is_primary 0
check "traffic on the VF, not the standby, no duplicates" wait_until 20 on_vf
check_eq "the PF's MAC change of a paired VF: EBUSY" EBUSY \
	"$(errno_of ip link set iovnic0 vf 0 mac 02:00:00:00:aa:02)"
check_eq "the same MAC again: OK" OK "$(errno_of ip link set iovnic0 vf 0 mac $X)"

# switch_over NAME GREW CMD...: CMD during a 20 pps ping from the VM (60
# pings), once the ping shows on the active path (GREW: vf_grew, sby_grew)
switch_over() {
	local name=$1 grew=$2 c
	shift 2
	c=$(counts)
	vm ping -c 60 -i 0.05 -W 1 192.0.2.100 > /tmp/iovt-fo.ping 2>&1 &
	wait_until 10 "$grew" "$c"
	"$@"
	wait
	sent=$(grep -o '[0-9]* packets transmitted' /tmp/iovt-fo.ping | cut -d' ' -f1)
	rcvd=$(grep -o '[0-9]* received' /tmp/iovt-fo.ping | cut -d' ' -f1)
	log "$name: $rcvd of $sent answered, $((sent - rcvd)) lost$(grep -q DUP /tmp/iovt-fo.ping && echo ', duplicates')"
	check "$name: at most 5 of 60 pings lost, no duplicates" \
		test "$((sent - rcvd))" -le 5 -a "$sent" = 60 -a -z "$(grep DUP /tmp/iovt-fo.ping)"
}
# vf_grew / sby_grew "V S": the VF's / standby's tx_packets passed V+10 / S+10
vf_grew() { local v0 v; read -r v0 _ <<< "$1"; read -r v _ <<< "$(counts)"; [ "$v" -ge $((v0 + 10)) ]; }
sby_grew() { local s0 s; read -r _ s0 <<< "$1"; read -r _ s <<< "$(counts)"; [ "$s" -ge $((s0 + 10)) ]; }

# (1) the VF goes with SR-IOV
switch_over "sriov_numvfs 0" vf_grew sh -c "echo 0 > $pf0/sriov_numvfs"
check "the VF is gone: traffic on the standby" wait_until 20 on_sby
check "the switch claims X no more: the host (PF) pings the VM" \
	ping_ok - 192.0.2.10
iov_set_vfs 1
vf_attach 0
check "a new VF 0 with X enters the VM: primary again" wait_until 10 vf_is_primary 0
check "traffic back on the VF" wait_until 20 on_vf

# (2) hot removal: unbind the VF's driver; bound again it stays in the host
vfpci=$(basename "$(readlink -f "$pf0/virtfn0")")
switch_over "VF unbind" vf_grew sh -c "echo $vfpci > /sys/bus/pci/drivers/iovnicvf/unbind"
check "unbound: traffic on the standby" wait_until 20 on_sby
echo "$vfpci" > /sys/bus/pci/drivers/iovnicvf/bind
wait_for_dev iovnic0v0
check_eq "bound again (MAC X, host namespace): not paired" none "$(master_of iovnic0v0)"
ip link set iovnic0v0 netns $VM
check "moved into the VM: primary" wait_until 10 vf_is_primary 0
check "traffic back on the VF" wait_until 20 on_vf

# (3) link state disable: the VF stays enslaved, traffic moves both ways
switch_over "state disable" vf_grew ip link set iovnic0 vf 0 state disable
check "disabled: traffic on the standby" wait_until 20 on_sby
check "disabled: the switch gives X up, the host (PF) pings the VM" \
	ping_ok - 192.0.2.10
switch_over "state auto" sby_grew ip link set iovnic0 vf 0 state auto
check "enabled: traffic back on the VF" wait_until 20 on_vf

# (4) a TCP stream across a switch-over and back (long enough on a debug
# kernel to see both switches)
secs=6
[ -e /proc/lockdep ] && secs=60
ip netns exec iovt-lan iperf3 -s -1 > /dev/null 2>&1 &
wait_until 30 listening iovt-lan 5201
vm iperf3 -c 192.0.2.100 -t $secs > /tmp/iovt-fo.tcp 2>&1 &
client=$!
check "TCP: the stream runs on the VF" wait_until 20 vf_grew "$(counts)"
ip link set iovnic0 vf 0 state disable
check "TCP: VF disabled, the stream goes on over the standby" \
	wait_until 20 sby_grew "$(counts)"
ip link set iovnic0 vf 0 state auto
check "TCP: VF enabled, the stream is back on it" wait_until 20 vf_grew "$(counts)"
check "TCP (iperf3 $secs s) survives VF -> synthetic -> VF" wait $client
wait
check "iperf3 finished its stream" grep -q "receiver" /tmp/iovt-fo.tcp

# (5) live migration: host A's VF goes, host B (PF 1) gives one with X
switch_over "migration, leaving host A" vf_grew sh -c "echo 0 > $pf0/sriov_numvfs"
check "between hosts: the standby carries it" wait_until 20 on_sby
b0=$(cat /sys/class/net/iovnic1w/statistics/rx_packets)
vf_attach 1
check "host B's VF 0 enters the VM: primary" wait_until 10 vf_is_primary 1
counts() { echo "$(st iovnic1v0 tx_packets) $(st iovnic0s0sby tx_packets)"; }
check "on host B's VF: traffic there, not on the standby" wait_until 20 on_vf
check "it left through B's port (iovnic1w rx)" \
	test "$(cat /sys/class/net/iovnic1w/statistics/rx_packets)" -ge $((b0 + 20))

# teardown: the VM namespace goes with its master; del; rmmod
ip netns del $VM
check "VM deleted: the standby came home, no master left behind" \
	wait_until 10 test -e /sys/class/net/iovnic0s0sby
check_eq "synthetic_del 0: OK, host end and standby gone" "OK 0" \
	"$(errno_of_write "$pf0/synthetic_del" 0) $(ls /sys/class/net | grep -c '^iovnic0s0')"
ip netns add $VM
check "a new trio for PF 1's VF 0 (MAC X) in a new VM" \
	vm sh -c "echo 0 > $pf1/synthetic_add"
check_eq "its VF, back in the host, pairs with nothing" none "$(master_of iovnic1v0)"
check "rmmod with a trio in a VM namespace" rmmod iovnic
check_eq "its netdevs went with it" 0 "$(vm ls /sys/class/net | grep -c iovnic)"
ip link del iovt-br
ip link del iovt-l0 2>/dev/null
for ns in $VM iovt-lan; do ip netns del "$ns"; done
check "no kernel warnings" dmesg_clean
ktap_finished
