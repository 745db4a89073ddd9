#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Interrupt moderation: ethtool -C rx-usecs / rx-frames change how often a
# VF's vector fires for the same traffic; bad values are refused.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 11
dmesg_mark
iov_load total_vfs=2
iov_set_vfs 1
ns_add iovt-a iovnic0v0 192.0.2.1/24
ip link set iovnic0 up
ma=$(mac_of iovt-a iovnic0v0)
# interrupts the device signalled for the VF's queue: through the APIC, or
# straight to NAPI when the sender runs on the vector's CPU
irqs() { stat_of iovnic0v0 rx_queue_0_interrupts iovt-a; }
coal() { ip netns exec iovt-a ethtool -c iovnic0v0 | awk -v k="$1:" '$1 == k {print $2}'; }

# The sender runs on the vector's CPU: NAPI then polls right after each
# send and re-arms before the next, so every frame meets an armed vector
# and the count shows moderation alone.  (From another CPU a slow kernel's
# NAPI is still polling when frames arrive and hides them from it.)
irq_pin iovnic0v0 0

# interrupts the VF takes for N frames sent back to back by the PF
N=2000
fired() {
	local before
	before=$(irqs)
	taskset -c 0 "$PKT" send iovnic0 --dst "$ma" --count "$N" > /dev/null
	sleep 0.5
	echo $(($(irqs) - before))
}

check_eq "default rx-usecs 0" 0 "$(coal rx-usecs)"
plain=$(fired)
ip netns exec iovt-a ethtool -C iovnic0v0 rx-usecs 10000
check_eq "rx-usecs 10000 set" 10000 "$(coal rx-usecs)"
slow=$(fired)
log "$N frames: $plain interrupts unmoderated, $slow with rx-usecs 10000"
check "rx-usecs 10000: fewer than half the interrupts" test "$((slow * 2))" -lt "$plain"
ip netns exec iovt-a ethtool -C iovnic0v0 rx-frames 8
check_eq "rx-frames 8 set" 8 "$(coal rx-frames)"
frames8=$(fired)
log "rx-usecs 10000 rx-frames 8: $frames8 interrupts"
# once per 8 frames: told apart from the timer (10 ms, the longest) only
# where the sender puts 8 frames in before it runs out; a loaded debug
# kernel's may not (then rx-usecs alone fires N/8 times or more)
if [ "$slow" -lt "$((N / 8))" ]; then
	check "rx-frames 8 fires at least once per 8 frames" \
		test "$frames8" -ge "$((N / 8))"
else
	ktap_test_skip "rx-frames 8: sender too slow to tell it from rx-usecs ($slow)"
fi
ip netns exec iovt-a ethtool -C iovnic0v0 rx-usecs 0 rx-frames 0
check_eq "back to rx-usecs 0" 0 "$(coal rx-usecs)"
rx=$(ip netns exec iovt-a cat /sys/class/net/iovnic0v0/statistics/rx_packets)
check "no frame lost to moderation (rx_packets >= 3N)" test "$rx" -ge "$((3 * N))"

check_eq "rx-usecs 10001: EINVAL" EINVAL \
	"$(errno_of ip netns exec iovt-a ethtool -C iovnic0v0 rx-usecs 10001)"
check_eq "rx-frames 1025: EINVAL" EINVAL \
	"$(errno_of ip netns exec iovt-a ethtool -C iovnic0v0 rx-frames 1025)"
check_eq "unchanged after refusals" "0 0" "$(coal rx-usecs) $(coal rx-frames)"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
