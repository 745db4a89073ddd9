#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One MSI vector per queue: a real IRQ named after the netdev, default
# affinities spread over CPUs, and the receive work (interrupt and NAPI)
# runs on the CPU the vector's affinity names, following it when it moves;
# a sender on that very CPU schedules NAPI without a self-IPI.
. "$(dirname "$0")/lib.sh"

ktap_print_header
if [ "$(nproc)" -lt 2 ]; then
	ktap_skip_all "needs 2 CPUs"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 25
dmesg_mark
iov_load total_vfs=4
iov_set_vfs 2
sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
ip link set iovnic0 up
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24

# irq_count IRQ CPU: that IRQ's count in CPU's column
irq_count() {
	awk -v i="$1:" -v c="$2" '$1 == i { print $(c + 2) }' /proc/interrupts
}
# processed CPU: frames the CPU's softirqs took in (/proc/net/softnet_stat)
processed() { printf '%d' "0x$(sed -n "$(($1 + 1))p" /proc/net/softnet_stat | cut -d' ' -f1)"; }

for d in iovnic0 iovnic0v0 iovnic0v1; do
	check "$d has an IRQ named $d-TxRx-0" test -n "$(irq_of "$d")"
done
check "the IRQs are MSI vectors of iovnic's domain" \
	test "$(grep -c 'iovnic-MSI.*iovnic0' /proc/interrupts)" -eq 3
irq0=$(irq_of iovnic0v0)
irq1=$(irq_of iovnic0v1)
check "default affinities spread VF0 and VF1 over two CPUs" \
	test "$(cat "/proc/irq/$irq0/effective_affinity_list")" != \
	"$(cat "/proc/irq/$irq1/effective_affinity_list")"

# netdev netlink (6.8+): each queue names its NAPI instance and that the IRQ
nl=$(ip netns exec iovt-a "$NETDEVNL" iovnic0v0)
if [ $? -eq 4 ]; then
	ktap_test_skip "netdev netlink: queue 0 reports its NAPI and IRQ (no queue-get before 6.8)"
	ktap_test_skip "netdev netlink: rx and tx queue share the NAPI"
else
	log "$(echo $nl)"
	check_eq "netdev netlink: queue 0 reports its NAPI and IRQ" "$irq0" \
		"$(awk '$1 == "rx" {print $6}' <<< "$nl")"
	check "netdev netlink: rx and tx queue share the NAPI" test \
		"$(awk '$1 == "rx" {print $4}' <<< "$nl")" = "$(awk '$1 == "tx" {print $4}' <<< "$nl")" -a \
		"$(awk '$1 == "rx" {print $4}' <<< "$nl")" != -
fi

ma=$(mac_of iovt-a iovnic0v0)
mb=$(mac_of iovt-b iovnic0v1)

# send N frames from the PF (on CPU $3) to MAC $2; vector $1 should fire on
# CPU $4 only and that CPU should process them.  As on hardware, x86 moves
# a vector when it next fires: one frame first lets a new affinity settle.
N=300
burst() {
	local irq=$1 dst=$2 from=$3 to=$4 c0 c1 p
	"$PKT" send iovnic0 --dst "$dst" --count 1 > /dev/null
	sleep 0.3
	c0=$(irq_count "$irq" "$to")
	c1=$(irq_count "$irq" "$from")
	p=$(processed "$to")
	taskset -c "$from" "$PKT" send iovnic0 --dst "$dst" --count "$N" > /dev/null
	sleep 0.5
	FIRED=$(($(irq_count "$irq" "$to") - c0))
	STRAY=$(($(irq_count "$irq" "$from") - c1))
	PROC=$(($(processed "$to") - p))
}

echo 0 > "/proc/irq/$irq0/smp_affinity_list"
echo 1 > "/proc/irq/$irq1/smp_affinity_list"
check_eq "VF0 pinned to CPU0" 0 "$(cat "/proc/irq/$irq0/smp_affinity_list")"
check_eq "VF1 pinned to CPU1" 1 "$(cat "/proc/irq/$irq1/smp_affinity_list")"

burst "$irq0" "$ma" 1 0
log "VF0 on CPU0: fired $FIRED on CPU0, $STRAY on CPU1, CPU0 processed $PROC"
check "VF0's vector fired on CPU0" test "$FIRED" -ge 1
check_eq "VF0's vector did not fire on CPU1" 0 "$STRAY"
check "CPU0 ran VF0's NAPI (processed >= $N)" test "$PROC" -ge "$N"
check_eq "VF0's effective affinity is CPU0" 0 "$(cat "/proc/irq/$irq0/effective_affinity_list")"

burst "$irq1" "$mb" 0 1
log "VF1 on CPU1: fired $FIRED on CPU1, $STRAY on CPU0, CPU1 processed $PROC"
check "VF1's vector fired on CPU1" test "$FIRED" -ge 1
check_eq "VF1's vector did not fire on CPU0" 0 "$STRAY"
check "CPU1 ran VF1's NAPI (processed >= $N)" test "$PROC" -ge "$N"
check_eq "VF1's effective affinity is CPU1" 1 "$(cat "/proc/irq/$irq1/effective_affinity_list")"

# a sender on the vector's own CPU: the device schedules NAPI there
# directly, as veth would, instead of a self-IPI; it still counts the
# interrupt it signalled
i0=$(stat_of iovnic0v1 rx_queue_0_interrupts iovt-b)
c0=$(irq_count "$irq1" 1)
p=$(processed 1)
taskset -c 1 "$PKT" send iovnic0 --dst "$mb" --count "$N" > /dev/null
sleep 0.5
check_eq "sender on VF1's CPU: no APIC interrupt" 0 "$(($(irq_count "$irq1" 1) - c0))"
check "sender on VF1's CPU: signalled straight to NAPI (rx_queue_0_interrupts)" \
	test "$(stat_of iovnic0v1 rx_queue_0_interrupts iovt-b)" -gt "$i0"
check "sender on VF1's CPU: CPU1 processed the frames" \
	test "$(($(processed 1) - p))" -ge "$N"

# move VF0 to CPU1: its work follows from the next interrupt on
echo 1 > "/proc/irq/$irq0/smp_affinity_list"
burst "$irq0" "$ma" 0 1
log "VF0 moved to CPU1: fired $FIRED on CPU1, $STRAY on CPU0, CPU1 processed $PROC"
check "moved: VF0's vector fires on CPU1" test "$FIRED" -ge 1
check_eq "moved: no longer on CPU0" 0 "$STRAY"
check "moved: CPU1 runs VF0's NAPI" test "$PROC" -ge "$N"

check "all frames arrived at VF0 (rx_packets >= $((2 * N + 2)))" test \
	"$(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/statistics/rx_packets)" \
	-ge "$((2 * N + 2))"
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
