#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Receive offloads of the NAPI path: GRO merges a TCP stream into frames
# larger than the MTU (and not with gro off), threaded NAPI polls in a
# kthread of its own, and busy polling drains a queue from the socket.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 9
dmesg_mark
iov_load total_vfs=2
iov_set_vfs 2
ip link set iovnic0 up
ns_add iovt-a iovnic0v0 192.0.2.1/24
ns_add iovt-b iovnic0v1 192.0.2.2/24
inb() { ip netns exec iovt-b "$@"; }
# the sender segments itself: frames on the wire are MTU-sized
ip netns exec iovt-a ethtool -K iovnic0v0 tso off gso off
ping_ok iovt-a 192.0.2.2

# "BIG RC": frames above the MTU (1514 bytes) the receiver's tap saw in a 2 s
# TCP stream, and the stream's exit status (so a stream that never ran
# fails the test rather than showing no big frames)
big_frames() {
	local td srv rc
	rm -f /tmp/iovt-tcpdump /tmp/iovt-tcpdump.err
	inb timeout 300 tcpdump -l -i iovnic0v1 -nn -c 20 'tcp and greater 1515' \
		> /tmp/iovt-tcpdump 2> /tmp/iovt-tcpdump.err &
	td=$!
	wait_until 120 grep -q "listening on" /tmp/iovt-tcpdump.err
	inb timeout 300 iperf3 -s -1 > /dev/null 2>&1 &
	srv=$!
	wait_until 120 listening iovt-b 5201
	ip netns exec iovt-a timeout 120 iperf3 -c 192.0.2.2 -t 2 > /dev/null 2>&1
	rc=$?
	sleep 0.5
	kill "$td" "$srv" 2> /dev/null
	wait
	echo "$(grep -c ' > 192.0.2.2\.' /tmp/iovt-tcpdump) $rc"
}

# moderation lets segments gather in the ring, so one poll sees several
# of a flow whatever CPUs sender and receiver run on (as on hardware);
# 4 ms, for a debug kernel's sender manages only a segment or two a ms
inb ethtool -C iovnic0v1 rx-usecs 4000
read -r n rc <<< "$(big_frames)"
log "GRO on: $n merged frames above the MTU seen (iperf3 exit $rc)"
check "GRO on: a TCP stream arrives merged above the MTU" \
	test "$((n >= 1 && rc == 0))" = 1
inb ethtool -K iovnic0v1 gro off
check_eq "GRO off: the stream runs, no frame above the MTU" "0 0" "$(big_frames)"
inb ethtool -K iovnic0v1 gro on
inb ethtool -C iovnic0v1 rx-usecs 0

# threaded NAPI: a napi/<dev>-<id> kthread polls; traffic still flows
inb sh -c 'echo 1 > /sys/class/net/iovnic0v1/threaded'
check_eq "threaded NAPI on" 1 "$(inb cat /sys/class/net/iovnic0v1/threaded)"
pid=$(pgrep '^napi/iovnic0v1' | head -n 1)
check "a napi/iovnic0v1-* kthread exists" test -n "$pid"
# its run time in ns (schedstat: exact, where utime/stime are sampled per tick)
t0=$(awk '{ print $1 }' "/proc/$pid/schedstat")
rx0=$(inb cat /sys/class/net/iovnic0v1/statistics/rx_packets)
ma=$(mac_of iovt-b iovnic0v1)
"$PKT" send iovnic0 --dst "$ma" --count 2000 > /dev/null
sleep 0.5
check_eq "threaded: all 2000 frames received" 2000 \
	"$(($(inb cat /sys/class/net/iovnic0v1/statistics/rx_packets) - rx0))"
check "threaded: the kthread did the polling (its CPU time grew)" \
	test "$(awk '{ print $1 }' "/proc/$pid/schedstat")" -gt "$t0"
inb sh -c 'echo 0 > /sys/class/net/iovnic0v1/threaded'

# busy polling: a UDP socket with SO_BUSY_POLL polls the queue itself
busy() { inb awk '/^TcpExt:/ { if (!h) { split($0, k); h = 1 } else for (i = 2; i <= NF; i++) if (k[i] == "BusyPollRxPackets") print $i }' /proc/net/netstat; }
b0=$(busy)
got=$(inb python3 -S - <<'PY'
import socket, struct, subprocess
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 46, 20000)	# SO_BUSY_POLL: 20 ms
# a blocking socket (busy polling is for blocking reads) with a time limit
# that allows for a debug kernel starting the sender's python
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 120, 0))
s.bind(("192.0.2.2", 7000))
snd = subprocess.Popen(["ip", "netns", "exec", "iovt-a", "python3", "-c",
    "import socket, time\n"
    "c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "for i in range(200):\n"
    "    c.sendto(b'x' * 64, ('192.0.2.2', 7000)); time.sleep(0.005)\n"])
n = 0
try:
    while n < 200:
        s.recv(2048)
        n += 1
except OSError:
    pass
snd.wait()
print(n)
PY
)
b1=$(busy)
log "busy poll: $got datagrams read, BusyPollRxPackets $b0 -> $b1"
check_eq "busy poll: every datagram read" 200 "$got"
check "busy poll: the socket polled frames off the queue (BusyPollRxPackets)" \
	test "$b1" -gt "$b0"

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
