#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The receive path at full rate, as the benchmark drives it: pktgen on CPU 0
# sends VF0 -> VF1 while VF1's vector (its NAPI) runs on CPU 1, so sending
# and receiving pipeline; then with the vector on the sender's CPU (NAPI
# scheduled directly); then two senders on two CPUs to two VFs, crossed;
# then the port netdev's own vector.
# Every frame is delivered or counted as dropped, and the work ran where
# the vector points.
. "$(dirname "$0")/lib.sh"

N=${IOVNIC_PIPELINE_FRAMES:-20000}
ktap_print_header
if [ "$(nproc)" -lt 2 ]; then
	ktap_set_plan 1
	ktap_test_skip "needs 2 CPUs"
	ktap_finished
fi
ktap_set_plan 16
dmesg_mark
iov_load total_vfs=4
iov_set_vfs 4
for d in iovnic0 iovnic0v0 iovnic0v2; do	# only pktgen's frames
	sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
done
ip link set iovnic0 up
ip link set iovnic0v0 up
ip link set iovnic0v2 up
ip netns add iovt-p
ip netns exec iovt-p sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec iovt-p sysctl -qw net.ipv6.conf.default.disable_ipv6=1
for v in 1 3; do	# sinks: tc drops what arrives
	ip link set "iovnic0v$v" netns iovt-p
	ip -n iovt-p link set "iovnic0v$v" up
	tc -n iovt-p qdisc add dev "iovnic0v$v" clsact
	tc -n iovt-p filter add dev "iovnic0v$v" ingress matchall action drop
done
m1=$(mac_of iovt-p iovnic0v1) m3=$(mac_of iovt-p iovnic0v3)

# CPU0 CPU1 interrupt counts of a vector
irq_cpus() { awk -v n="$1-TxRx-0" '$NF == n { print $2, $3 }' /proc/interrupts; }
nsstat() { ip netns exec iovt-p cat "/sys/class/net/$1/statistics/$2"; }
# frames VF dropped: left in a ring (rx_dropped) or no room in it (missed)
nsdrop() { echo $(($(nsstat "$1" rx_dropped) + $(nsstat "$1" rx_missed_errors))); }
tx() { cat "/sys/class/net/$1/statistics/tx_packets"; }

# took VF R0 D0: frames VF received and dropped since it had R0 and D0;
# took_all: all N are in (wait for it up to a minute: a debug kernel
# drains slowly)
took() { echo $(($(nsstat "$1" rx_packets) - $2 + $(nsdrop "$1") - $3)); }
took_all() { (($(took "$@") >= N)); }

# run VF SENDERS...: frames VF received ($rx) and dropped ($drop)
run() {
	local vf=$1 r0 d0
	shift
	r0=$(nsstat "$vf" rx_packets) d0=$(nsdrop "$vf")
	pktgen_run - "$N" "$@"
	wait_until 60 took_all "$vf" "$r0" "$d0"
	rx=$(($(nsstat "$vf" rx_packets) - r0))
	drop=$(($(nsdrop "$vf") - d0))
	log "$vf: $N sent, $rx received, $drop dropped"
}

# 1. pipelined: the sink's vector on CPU 1, pktgen (kpktgend_0) on CPU 0
irq_pin iovnic0v1 1
pktgen_run - 10 "0:iovnic0v0:$m1"	# the move happens at the next interrupt
read -r c0 c1 <<< "$(irq_cpus iovnic0v1)"
t0=$(tx iovnic0v0)
run iovnic0v1 "0:iovnic0v0:$m1"
check_eq "pipelined: VF0 sent $N" "$N" "$(($(tx iovnic0v0) - t0))"
check_eq "pipelined: received + dropped = sent" "$N" "$((rx + drop))"
check "pipelined: most frames received" test "$((rx * 2))" -gt "$N"
read -r e0 e1 <<< "$(irq_cpus iovnic0v1)"
log "vector interrupts: CPU0 +$((e0 - c0)), CPU1 +$((e1 - c1))"
check "pipelined: the vector fired on CPU 1 only" \
	test "$((e1 - c1))" -gt 0 -a "$e0" = "$c0"

# 2. the vector on the sender's CPU: NAPI is scheduled directly, no IPI
irq_pin iovnic0v1 0
pktgen_run - 10 "0:iovnic0v0:$m1"
read -r c0 c1 <<< "$(irq_cpus iovnic0v1)"
f0=$(stat_of iovnic0v1 rx_queue_0_interrupts iovt-p)
run iovnic0v1 "0:iovnic0v0:$m1"
check_eq "same CPU: received + dropped = sent" "$N" "$((rx + drop))"
check "same CPU: most frames received" test "$((rx * 2))" -gt "$N"
read -r e0 e1 <<< "$(irq_cpus iovnic0v1)"
f1=$(stat_of iovnic0v1 rx_queue_0_interrupts iovt-p)
log "vector interrupts: CPU0 +$((e0 - c0)), CPU1 +$((e1 - c1)), signalled +$((f1 - f0))"
check "same CPU: signalled without an interrupt" \
	test "$((f1 - f0))" -gt 0 -a "$e0 $e1" = "$c0 $c1"

# 3. two senders on two CPUs, each sink's vector on the other CPU
irq_pin iovnic0v1 1
irq_pin iovnic0v3 0
pktgen_run - 10 "0:iovnic0v0:$m1" "1:iovnic0v2:$m3"
r1=$(nsstat iovnic0v1 rx_packets) d1=$(nsdrop iovnic0v1)
r3=$(nsstat iovnic0v3 rx_packets) d3=$(nsdrop iovnic0v3)
t0=$(tx iovnic0v0) t2=$(tx iovnic0v2)
pktgen_run - "$N" "0:iovnic0v0:$m1" "1:iovnic0v2:$m3"
wait_until 60 took_all iovnic0v1 "$r1" "$d1"
wait_until 60 took_all iovnic0v3 "$r3" "$d3"
a=$(took iovnic0v1 "$r1" "$d1") b=$(took iovnic0v3 "$r3" "$d3")
log "two senders: VF1 took $a, VF3 took $b (received + dropped)"
check_eq "two senders: both sent $N" "$N $N" \
	"$(($(tx iovnic0v0) - t0)) $(($(tx iovnic0v2) - t2))"
check_eq "two senders: VF1 received + dropped = sent" "$N" "$a"
check_eq "two senders: VF3 received + dropped = sent" "$N" "$b"

# 4. the port netdev (the PF's cable to a netdev) has a vector of its own:
# frames VF0 sends to the wire from CPU 0 are received on iovnic0w where
# its vector points (CPU 1), as a VF's are
echo netdev > "$(pf_dev 0)/peer"
wait_until 30 test -e /sys/class/net/iovnic0w
sysctl -qw net.ipv6.conf.iovnic0w.disable_ipv6=1
ip link set iovnic0w up
tc qdisc add dev iovnic0w clsact
tc filter add dev iovnic0w ingress matchall action drop
check "port netdev up: its vector iovnic0w-TxRx-0 is in /proc/interrupts" \
	test -n "$(irq_of iovnic0w)"
mw=$(mac_of - iovnic0w)
irq_pin iovnic0w 1
pktgen_run - 10 "0:iovnic0v0:$mw"
pstat() { cat "/sys/class/net/iovnic0w/statistics/$1"; }
ptook() {
	echo $(($(pstat rx_packets) + $(pstat rx_dropped) + \
		$(pstat rx_missed_errors) - $1))
}
ptook_all() { (($(ptook "$1") >= N)); }
p0=$(ptook 0)
r0=$(pstat rx_packets)
read -r c0 c1 <<< "$(irq_cpus iovnic0w)"
pktgen_run - "$N" "0:iovnic0v0:$mw"
wait_until 60 ptook_all "$p0"
read -r e0 e1 <<< "$(irq_cpus iovnic0w)"
log "port: $N sent, $(($(pstat rx_packets) - r0)) received; vector CPU0 +$((e0 - c0)), CPU1 +$((e1 - c1))"
check_eq "port: received + dropped = sent" "$N" "$(ptook "$p0")"
check "port: most frames received" \
	test "$((($(pstat rx_packets) - r0) * 2))" -gt "$N"
check "port: its vector fired on CPU 1 only" \
	test "$((e1 - c1))" -gt 0 -a "$e0" = "$c0"
ip link set iovnic0w down
check "port netdev down: its vector is released" test -z "$(irq_of iovnic0w)"
echo none > "$(pf_dev 0)/peer"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
