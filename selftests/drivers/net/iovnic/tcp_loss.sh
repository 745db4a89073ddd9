#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TCP with loss across the switch: iperf3 streams VF <-> VF and VF <-> PF
# while frames are lost (the max_tx_rate policer, a 64-entry RX ring,
# netem), so that the sender retransmits and processes SACKs.  A frame the
# switch delivers must not share data with the sender's retransmit queue:
# when the receiver's GRO merged segments into it, SACK processing on the
# sender (skb_shift) hit "kernel BUG at net/core/skbuff.c" or corrupted a
# list.  Each stream must run, carry data and (where loss was induced)
# retransmit; the guest must survive and log no warning.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 40
dmesg_mark
iov_load total_vfs=2
iov_set_vfs 2
sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
ip addr add 192.0.2.254/24 dev iovnic0
ip link set iovnic0 up
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24
ina() { ip netns exec iovt-a "$@"; }
inb() { ip netns exec iovt-b "$@"; }

# listening_in NS PORT: as listening, "-" for the initial namespace
listening_in() {
	if [ "$1" = - ]; then
		ss -Hltn "sport = :$2" | grep -q .
	else
		listening "$1" "$2"
	fi
}

# tcpext NS NAME...: the sum of TcpExt counters NAME... in namespace NS
tcpext() {
	local ns=$1
	shift
	# shellcheck disable=SC2016 # awk's own variables
	ip netns exec "$ns" awk -v names=" $* " '/^TcpExt:/ {
		if (!h) { split($0, k); h = 1; next }
		for (i = 2; i <= NF; i++) if (index(names, " " k[i] " ")) s += $i
	} END { print s + 0 }' /proc/net/netstat
}

# sack_shifts NS: segments SACK processing shifted (skb_shift) or merged
sack_shifts() { tcpext "$1" TCPSackShifted TCPSackMerged; }

# netem_drops NS DEV: frames the netem qdisc on DEV dropped
netem_drops() {
	ip netns exec "$1" tc -s qdisc show dev "$2" |
		sed -n 's/.*(dropped \([0-9]*\),.*/\1/p' | head -n 1
}

# stream DESC SRV_NS CLI_NS DST LOSSY SECS [iperf3 client args]: one TCP
# stream from a fresh iperf3 server (-1) in SRV_NS to DST, the client in
# CLI_NS ("-": the initial namespace).  One KTAP point, passing when the
# client exited 0 with a JSON report in which the sender sent and the
# receiver received data and, if LOSSY is 1, the sender retransmitted.  A
# server that never listens or a client that never connects fails it.
stream() {
	local desc=$1 sns=$2 cns=$3 dst=$4 lossy=$5 secs=$6 spre=() cpre=()
	local srv rc res
	shift 6
	STREAM_MBPS=0
	[ "$sns" != - ] && spre=(ip netns exec "$sns")
	[ "$cns" != - ] && cpre=(ip netns exec "$cns")
	rm -f /tmp/iovt-tcp.json
	"${spre[@]}" timeout 120 iperf3 -s -1 -p 5201 > /dev/null 2>&1 &
	srv=$!
	if ! wait_until 60 listening_in "$sns" 5201; then
		kill "$srv" 2> /dev/null
		wait "$srv"
		ktap_test_fail "$desc (no iperf3 server)"
		return
	fi
	"${cpre[@]}" timeout 120 iperf3 -c "$dst" -p 5201 -J -t "$secs" "$@" \
		> /tmp/iovt-tcp.json 2> /dev/null
	rc=$?
	# the server ends with its one test; don't let a stuck one hold the port
	wait_until 30 not kill -0 "$srv" 2> /dev/null || kill "$srv" 2> /dev/null
	wait "$srv"
	res=$(python3 -S - "$rc" "$lossy" /tmp/iovt-tcp.json <<'PY'
import json, sys
rc, lossy = int(sys.argv[1]), sys.argv[2] == "1"
try:
    with open(sys.argv[3]) as f:
        d = json.load(f)
except (OSError, ValueError):
    print("FAIL iperf3 exit %d, no JSON report" % rc)
    sys.exit()
if "error" in d:
    print("FAIL iperf3 exit %d: %s" % (rc, d["error"]))
    sys.exit()
try:
    s, r = d["end"]["sum_sent"], d["end"]["sum_received"]
    sent, recv, retr = s["bytes"], r["bytes"], s.get("retransmits", -1)
    mbps = r["bits_per_second"] / 1e6
except (KeyError, TypeError):
    print("FAIL iperf3 exit %d, no totals in its report" % rc)
    sys.exit()
ok = rc == 0 and sent > 0 and recv > 0 and (retr > 0 or not lossy)
print("%s iperf3 exit %d: sent %d, received %d bytes (%.1f Mbit/s), %d retransmits"
      % ("OK" if ok else "FAIL", rc, sent, recv, mbps, retr))
PY
)
	log "$desc: ${res#* }"
	STREAM_MBPS=$(sed -n 's/.*(\([0-9.]*\) Mbit\/s).*/\1/p' <<< "$res")
	if [ "${res%% *}" = OK ]; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}

# the switch and the kernel still work: a few pings across it
alive() { check "$1: the guest survived, VF0 pings VF1 and the PF" \
	eval 'ping_ok iovt-a 192.0.2.2 && ping_ok iovt-a 192.0.2.254'; }

check "baseline: VF0 pings VF1" ping_ok iovt-a 192.0.2.2
check "baseline: VF0 pings the PF" ping_ok iovt-a 192.0.2.254

# a stream without loss; the policer's cap is 10 Mbit/s, or a third of what
# this one reached where that is less (a debug kernel under TCG sends a few
# Mbit/s), so that it always drops
stream "no loss: VF0 -> VF1" iovt-b iovt-a 192.0.2.2 0 2
free=${STREAM_MBPS:-0}
cap=$(python3 -S -c "print(max(1, min(10, int(${STREAM_MBPS:-0} / 3))))")
log "policer cap: $cap Mbit/s"

# --- 1: the policer on VF0 drops what exceeds the cap; GRO on at VF1
ip link set iovnic0 vf 0 max_tx_rate "$cap"
check_eq "receiver GRO on" on \
	"$(inb ethtool -k iovnic0v1 | awk '$1 == "generic-receive-offload:" { print $2 }')"
lim0=$(stat_of iovnic0v0 vport_tx_rate_limited iovt-a)
sh0=$(sack_shifts iovt-a)
for i in 1 2 3 4; do
	stream "policer, GRO on: stream $i/4 VF0 -> VF1 retransmits" \
		iovt-b iovt-a 192.0.2.2 1 3
done
lim=$(($(stat_of iovnic0v0 vport_tx_rate_limited iovt-a) - lim0))
sh=$(($(sack_shifts iovt-a) - sh0))
log "policer dropped $lim frames; sender's SACK shifted/merged $sh segments"
check "policer: frames dropped (vport_tx_rate_limited)" test "$lim" -gt 0
check "policer: the sender's SACK processing shifted segments (TCPSackShifted/Merged)" \
	test "$sh" -gt 0
alive "policer, GRO on"

# --- 2: the same with GRO off at the receiver, then TSO/GSO off at the sender
inb ethtool -K iovnic0v1 gro off
check_eq "receiver GRO off" off \
	"$(inb ethtool -k iovnic0v1 | awk '$1 == "generic-receive-offload:" { print $2 }')"
for i in 1 2; do
	stream "policer, GRO off: stream $i/2 VF0 -> VF1 retransmits" \
		iovt-b iovt-a 192.0.2.2 1 3
done
inb ethtool -K iovnic0v1 gro on
ina ethtool -K iovnic0v0 tso off gso off
check_eq "sender TSO and GSO off" "off off" \
	"$(ina ethtool -k iovnic0v0 | awk '$1 == "tcp-segmentation-offload:" { t = $2 }
		$1 == "generic-segmentation-offload:" { g = $2 } END { print t, g }')"
for i in 1 2; do
	stream "policer, TSO/GSO off: stream $i/2 VF0 -> VF1 retransmits" \
		iovt-b iovt-a 192.0.2.2 1 3
done
ina ethtool -K iovnic0v0 tso on gso on
alive "policer, GRO off / TSO off"

# --- 3: SACK off at the sender: recovery without SACK processing
ina sysctl -qw net.ipv4.tcp_sack=0
sh0=$(sack_shifts iovt-a)
for i in 1 2; do
	stream "policer, SACK off: stream $i/2 VF0 -> VF1 retransmits" \
		iovt-b iovt-a 192.0.2.2 1 3
done
check_eq "SACK off: no SACK processing on the sender" 0 \
	"$(($(sack_shifts iovt-a) - sh0))"
ina sysctl -qw net.ipv4.tcp_sack=1
ip link set iovnic0 vf 0 max_tx_rate 0
alive "policer, SACK off"

# --- 4: no policer; VF1's 64-entry RX ring overflows under 4 streams.  The
# sender segments itself (MTU frames, not 64 KB ones) and VF1's interrupt
# moderation lets the frames gather in the ring between polls.
inb ethtool -G iovnic0v1 rx 64
inb ethtool -C iovnic0v1 rx-usecs 2000
ina ethtool -K iovnic0v0 tso off gso off
check_eq "receiver RX ring 64" 64 \
	"$(inb ethtool -g iovnic0v1 | awk '$1 == "RX:" { v = $2 } END { print v }')"
# A sender that manages less than 250 Mbit/s unhindered cannot be relied
# on to fill the ring: the debug kernel under TCG (144-168 Mbit/s
# unhindered, 10-20 with TSO off) overflowed it in one run and not in
# the next; the stock kernels (310-1690 Mbit/s) always did, by 1200-2600
# frames.  There the streams must still run, and the overflow points
# skip, saying so (unless frames were dropped after all).
slow=$(python3 -S -c "print(int($free < 250))")
miss0=$(inb cat /sys/class/net/iovnic0v1/statistics/rx_missed_errors)
for i in 1 2; do
	stream "ring 64, -P 4: stream $i/2 VF0 -> VF1 retransmits" \
		iovt-b iovt-a 192.0.2.2 $((!slow)) 3 -P 4
done
miss=$(($(inb cat /sys/class/net/iovnic0v1/statistics/rx_missed_errors) - miss0))
log "ring of 64: $miss frames dropped"
if [ "$slow" = 1 ] && [ "$miss" = 0 ]; then
	ktap_test_skip "ring 64: overflow drops counted (the sender manages only $free Mbit/s)"
else
	check "ring 64: overflow drops counted (rx_missed_errors)" test "$miss" -gt 0
fi
inb ethtool -G iovnic0v1 rx 1024
inb ethtool -C iovnic0v1 rx-usecs 0
ina ethtool -K iovnic0v0 tso on gso on
alive "ring 64"

# --- 5: netem loss 2% on VF0's egress (data forward, ACKs reverse), then on
# VF1's (ACKs forward, data reverse)
# netem_case VF NS DEV FWD REV: streams VF0 -> VF1 and back (-R) with netem
# on DEV in NS; FWD and REV: 1 where that direction loses data
netem_case() {
	local vf=$1 ns=$2 dev=$3 fwd=$4 rev=$5 d
	local what=("ACKs lost, data arrives" "data lost, retransmits")
	ip netns exec "$ns" tc qdisc add dev "$dev" root netem loss 2%
	stream "netem on $vf: VF0 -> VF1 ${what[fwd]}" \
		iovt-b iovt-a 192.0.2.2 "$fwd" 2
	stream "netem on $vf: VF1 -> VF0 (-R) ${what[rev]}" \
		iovt-b iovt-a 192.0.2.2 "$rev" 2 -R
	d=$(netem_drops "$ns" "$dev")
	log "netem on $vf dropped $d frames"
	check "netem on $vf: frames dropped" test "${d:-0}" -gt 0
	ip netns exec "$ns" tc qdisc del dev "$dev" root
}
netem_case VF0 iovt-a iovnic0v0 1 0
netem_case VF1 iovt-b iovnic0v1 0 1
alive "netem"

# --- 6: VF0 <-> the PF (initial namespace), the policer on VF0; the PF's
# data is lost to netem on the PF
ip link set iovnic0 vf 0 max_tx_rate "$cap"
for i in 1 2; do
	stream "policer: stream $i/2 VF0 -> PF retransmits" \
		- iovt-a 192.0.2.254 1 3
done
tc qdisc add dev iovnic0 root netem loss 2%
for i in 1 2; do
	stream "policer, netem on the PF: stream $i/2 PF -> VF0 (-R) retransmits" \
		- iovt-a 192.0.2.254 1 3 -R
done
tc qdisc del dev iovnic0 root
ip link set iovnic0 vf 0 max_tx_rate 0
alive "VF <-> PF"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
