#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# VF link state (ip link set <pf> vf N state auto|enable|disable) gates
# carrier and delivery; max_tx_rate polices the VF's transmit (iperf3).
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 12
dmesg_mark
iov_load total_vfs=2
iov_set_vfs 2
ip link set iovnic0 up
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24
carrier_b() { ip netns exec iovt-b cat /sys/class/net/iovnic0v1/carrier; }

check "baseline: VF0 pings VF1" ping_ok iovt-a 192.0.2.2
ip link set iovnic0 vf 1 state disable
check_eq "state disable: VF1 carrier off" 0 "$(carrier_b)"
check "state disable: VF1 unreachable" not ping_ok iovt-a 192.0.2.2
ip link set iovnic0 vf 1 state enable
check_eq "state enable: VF1 carrier on" 1 "$(carrier_b)"
check "state enable: VF1 reachable" ping_ok iovt-a 192.0.2.2
ip link set iovnic0 vf 1 state auto
check_eq "state auto: carrier follows the (uncabled, up) port" 1 "$(carrier_b)"

# max_tx_rate polices a UDP stream sent faster than the cap.  The cap is
# 10 Mbit/s, or a third of what the sender manages uncapped where that is
# less (a debug kernel under TCG sends a few Mbit/s).
udp_mbps() {	# RATE: received Mbit/s of a 4 s UDP stream offered at RATE
	ip netns exec iovt-b iperf3 -s -1 -J > /tmp/iovt-srv.json 2>/dev/null &
	wait_until 30 listening iovt-b 5201
	ip netns exec iovt-a iperf3 -c 192.0.2.2 -u -b "$1" -l 1400 -t 4 \
		> /dev/null 2>&1
	wait
	python3 -S -c '
import json, sys
r = json.load(open("/tmp/iovt-srv.json"))["end"]
s = r.get("sum_received") or r["sum"]
print("%.2f" % (s["bits_per_second"] / 1e6))'
}
free=$(udp_mbps 40M)
cap=$(python3 -S -c "print(max(1, min(10, int($free / 3))))")
log "uncapped: $free Mbit/s received; testing a cap of $cap Mbit/s"
if python3 -S -c "import sys; sys.exit(not $free >= 3)"; then
	ip link set iovnic0 vf 0 max_tx_rate "$cap"
	limited=$(stat_of iovnic0v0 vport_tx_rate_limited iovt-a)
	drops=$(vf_stat iovnic0 0 tx_dropped)
	mbps=$(udp_mbps 40M)
	want=$(python3 -S -c "print(round($cap * 1400 / 1442, 2))")
	log "max_tx_rate $cap: received $mbps Mbit/s of UDP payload"
	# payload is 1400 of the 1442 bytes per frame the policer counts
	check "max_tx_rate $cap: received within 10% of $want Mbit/s" \
		python3 -S -c "import sys; sys.exit(not abs($mbps - $want) <= $want / 10)"
	check "excess counted in vport_tx_rate_limited" \
		test "$(stat_of iovnic0v0 vport_tx_rate_limited iovt-a)" -gt "$limited"
	check "excess counted in the VF's tx dropped" \
		test "$(vf_stat iovnic0 0 tx_dropped)" -gt "$drops"
	ip link set iovnic0 vf 0 max_tx_rate 0
	mbps=$(udp_mbps 40M)
	log "max_tx_rate 0: received $mbps Mbit/s"
	check "max_tx_rate 0: no cap any more (> 1.3 x $cap Mbit/s)" \
		python3 -S -c "import sys; sys.exit(not $mbps > 1.3 * $cap)"
else
	for t in "max_tx_rate: received near the cap" \
		"excess counted in vport_tx_rate_limited" \
		"excess counted in the VF's tx dropped" \
		"max_tx_rate 0: no cap any more"; do
		ktap_test_skip "$t (the sender reaches only $free Mbit/s)"
	done
fi
ip link set iovnic0 vf 0 max_tx_rate 5
check_eq "rate shown in ip link" 1 "$(vf_line iovnic0 0 | grep -c 'max_tx_rate 5Mbps')"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
