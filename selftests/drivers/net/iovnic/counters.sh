#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Counters that add up.  For each reason the switch drops a frame, a known
# number of frames is sent and each one is either delivered or counted in
# that reason's counter, in both views: the VF netdev's statistics (read in
# its namespace) and the PF's vf line (ip -s link show iovnic0).  A VF's
# tx_packets counts only what the switch accepted; its tx_dropped what the
# switch refused (spoof check, max_tx_rate, a tag under a port VLAN, link
# state disable); the receiver's rx_dropped what the switch could not
# deliver to it (link down, a frame over its MTU) and rx_missed_errors what
# found its ring full.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 43
dmesg_mark
iov_load total_vfs=4
iov_set_vfs 4
sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1	# only the frames we send
ip link set iovnic0 up
for i in 0 1 2; do
	ns_add "iovt-$i" "iovnic0v$i" "192.0.2.$((i + 1))/24"
done
sysctl -qw net.ipv6.conf.iovnic0v3.disable_ipv6=1	# VF3 stays here, idle
m0=$(mac_of iovt-0 iovnic0v0)
m1=$(mac_of iovt-1 iovnic0v1)

# counters N: "name value" lines for VF N: its netdev's statistics (nd_*),
# its vf line in "ip -s link show iovnic0" (vf_*) and its ethtool -S vport_*
counters() {
	local i=$1
	ip netns exec "iovt-$i" sh -c 'cd "/sys/class/net/$1/statistics" || exit 1
		for f in tx_packets tx_dropped rx_packets rx_dropped rx_missed_errors; do
			echo "nd_$f $(cat "$f")"
		done
		ethtool -S "$1"' sh "iovnic0v$i" |
		awk '$1 ~ /^nd_/ { print; next }
			$1 ~ /^vport_/ { sub(":", "", $1); print $1, $2 }'
	ip -j -s link show iovnic0 | python3 -S -c '
import json, sys
for v in json.load(sys.stdin)[0]["vfinfo_list"]:
    if v["vf"] == int(sys.argv[1]):
        rx, tx = v["stats"]["rx"], v["stats"]["tx"]
        print("vf_tx_packets", tx.get("packets", tx.get("tx_packets")))
        print("vf_tx_dropped", tx["dropped"])
        print("vf_rx_packets", rx["packets"])
        print("vf_rx_dropped", rx["dropped"])' "$i"
}
declare -A S
# snap b|a N...: remember the counters of VFs N... as before (b) / after (a)
snap() {
	local tag=$1 i k v
	shift
	for i; do
		while read -r k v; do
			S["$tag:$i:$k"]=$v
		done < <(counters "$i")
	done
}
isnum() { [[ $1 =~ ^-?[0-9]+$ ]]; }
# d N NAME: how much NAME of VF N grew from "b" to "a" (? if unknown)
d() {
	local b=${S["b:$1:$2"]:-} a=${S["a:$1:$2"]:-}
	if isnum "$a" && isnum "$b"; then echo $((a - b)); else echo "?"; fi
}
# v N NAME: NAME of VF N in "a"
v() { echo "${S["a:$1:$2"]:-?}"; }
# add X...: the sum, ? if any is not a number
add() {
	local s=0 x
	for x; do
		isnum "$x" || { echo "?"; return; }
		s=$((s + x))
	done
	echo "$s"
}

TX_REASONS="vport_tx_spoofed vport_tx_rate_limited vport_tx_vlan_refused vport_tx_link_down"

# tx_account WHAT TX RX SENT GOT CAPTURED REASON: VF TX sent SENT frames to
# VF RX, GOT of them should arrive (CAPTURED did), the rest dropped by the
# switch for REASON.  Six points.
tx_account() {
	local what=$1 tx=$2 rx=$3 sent=$4 got=$5 captured=$6 reason=$7 r others
	local drop=$((sent - got))
	check_eq "$what: VF$rx received $got of $sent (capture, netdev, vf line)" \
		"$got $got $got" \
		"$captured $(d "$rx" nd_rx_packets) $(d "$rx" vf_rx_packets)"
	check_eq "$what: sent $sent = delivered + tx_dropped (VF$tx netdev)" \
		"$sent" "$(add "$got" "$(d "$tx" nd_tx_dropped)")"
	check_eq "$what: sent $sent = delivered + tx_dropped (PF's vf $tx line)" \
		"$sent" "$(add "$got" "$(d "$tx" vf_tx_dropped)")"
	others=()
	for r in $TX_REASONS; do
		[ "$r" = "$reason" ] || others+=("$(d "$tx" "$r")")
	done
	check_eq "$what: the $drop dropped are $reason, no other reason" \
		"$drop 0" "$(d "$tx" "$reason") $(add "${others[@]}")"
	check_eq "$what: tx_packets +$got, the accepted only (netdev, vf line, vport)" \
		"$got $got $got" \
		"$(d "$tx" nd_tx_packets) $(d "$tx" vf_tx_packets) $(d "$tx" vport_tx_packets)"
	check_eq "$what: VF$tx netdev tx_packets/tx_dropped = its vf line's" \
		"$(v "$tx" vf_tx_packets)/$(v "$tx" vf_tx_dropped)" \
		"$(v "$tx" nd_tx_packets)/$(v "$tx" nd_tx_dropped)"
}

# send NS DEV pkt.py-send-args: prints how many frames were sent
send() {
	local ns=$1
	shift
	ip netns exec "$ns" "$PKT" send "$@"
}
# captures (lib.sh's cap), around several sends
caps_ready() {
	local c
	for c in "${CAPS[@]}"; do
		wait_until 120 test -e "/tmp/iovt-$c.rdy"
	done
}
caps_stop() {
	sleep 0.2
	touch /tmp/iovt-stop
	wait
	CAPS=()
}

# --- (a) spoof check: 30 frames with VF0's MAC, 50 with a forged one
snap b 0 1
cap v1 iovt-1 iovnic0v1 --dst "$m1"
caps_ready
good=$(send iovt-0 iovnic0v0 --dst "$m1" --count 30)
bad=$(send iovt-0 iovnic0v0 --dst "$m1" --src 02:00:00:00:66:66 --count 50)
caps_stop
snap a 0 1
tx_account "spoofchk" 0 1 $((good + bad)) "$good" "$(capn v1)" vport_tx_spoofed

# --- (b) max_tx_rate 1 Mbit/s: 500 frames of 1000 bytes, as fast as Python
# sends them (the bucket holds about 3 of them)
ip link set iovnic0 vf 0 max_tx_rate 1
snap b 0 1
cap v1 iovt-1 iovnic0v1 --dst "$m1"
caps_ready
sent=$(send iovt-0 iovnic0v0 --dst "$m1" --count 500 --size 1000)
caps_stop
snap a 0 1
got=$(capn v1)
log "max_tx_rate 1: $got of $sent frames passed"
check "max_tx_rate 1: the policer passed some ($got) and dropped the rest" \
	test "$got" -gt 0 -a "$got" -lt "$sent"
tx_account "max_tx_rate" 0 1 "$sent" "$got" "$got" vport_tx_rate_limited
ip link set iovnic0 vf 0 max_tx_rate 0

# --- (c) 802.1Q port VLAN 10 on VF0 and VF1: VF0's untagged frames pass,
# those it tagged itself (VLAN 10 or 20) are refused
ip link set iovnic0 vf 0 vlan 10
ip link set iovnic0 vf 1 vlan 10
snap b 0 1
cap v1 iovt-1 iovnic0v1 --dst "$m1"
caps_ready
good=$(send iovt-0 iovnic0v0 --dst "$m1" --count 30)
t10=$(send iovt-0 iovnic0v0 --dst "$m1" --vlan 10 --count 20)
t20=$(send iovt-0 iovnic0v0 --dst "$m1" --vlan 20 --count 20)
caps_stop
snap a 0 1
tx_account "port VLAN" 0 1 $((good + t10 + t20)) "$good" "$(capn v1)" \
	vport_tx_vlan_refused
ip link set iovnic0 vf 0 vlan 0
ip link set iovnic0 vf 1 vlan 0

# --- (d) frames longer than the receiver's MTU: the switch takes them from
# the sender, the receiver cannot, and each is one rx_dropped there
ip -n iovt-0 link set iovnic0v0 mtu 9000
snap b 0 1
cap v1 iovt-1 iovnic0v1 --dst "$m1"
caps_ready
fit=$(send iovt-0 iovnic0v0 --dst "$m1" --count 10)
big=$(send iovt-0 iovnic0v0 --dst "$m1" --count 10 --size 3000)
caps_stop
snap a 0 1
sent=$((fit + big))
check_eq "over VF1's MTU: VF1 got the $fit that fit (capture, netdev, vf line)" \
	"$fit $fit $fit" "$(capn v1) $(d 1 nd_rx_packets) $(d 1 vf_rx_packets)"
check_eq "over VF1's MTU: the switch took all $sent from VF0 (tx_packets netdev, vf line)" \
	"$sent $sent" "$(d 0 nd_tx_packets) $(d 0 vf_tx_packets)"
check_eq "over VF1's MTU: sent $sent = delivered + VF1's rx_dropped (netdev)" \
	"$sent" "$(add "$fit" "$(d 1 nd_rx_dropped)")"
check_eq "over VF1's MTU: sent $sent = delivered + VF1's rx_dropped (vf line)" \
	"$sent" "$(add "$fit" "$(d 1 vf_rx_dropped)")"
check_eq "over VF1's MTU: each counted once, as VF1's vport_rx_not_forwardable (no other rx reason)" \
	"$big 0 0" "$(d 1 vport_rx_not_forwardable) $(d 1 vport_rx_link_down) $(d 1 vport_rx_ring_full)"
ip -n iovt-0 link set iovnic0v0 mtu 1500

# --- (e) link state disable, sending.  The VF's carrier goes off with its
# link, and the kernel stops handing the VF frames once linkwatch has
# deactivated its qdisc; until then, what it sends meets the switch's
# link-down drop.  Linkwatch handles a non-urgent event at most once a
# second: right after it handled VF3's (VF3 stays in this namespace, so
# that its operstate is read without a fork), VF0's waits for the rest of
# that second.  One process (burst.py) does it all: it disables VF3's
# link, waits for VF3's operstate to change, disables VF0's link and sends
# 200 frames from VF0 at once.  The VF netdev's own count (tx_packets, what
# the switch took, + tx_dropped, what it refused: every frame the driver
# got; there is no qdisc) tells whether all of them reached the driver
# before linkwatch; if not, the burst is tried again.
ip link set iovnic0v3 up
cat > /tmp/iovt-burst.py <<'PY'
import ctypes, os, socket, struct, sys, time
testdir, ns, dev, src, dst, n = sys.argv[1:7]
sys.path.insert(0, testdir)
import vfnl	# the netlink request of "ip link set PF vf N state S"
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET, LINK_STATE_DISABLE = 0x40000000, 2
home = os.open("/proc/self/ns/net", os.O_RDONLY)
there = os.open("/run/netns/" + ns, os.O_RDONLY)
assert libc.setns(there, CLONE_NEWNET) == 0
pk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
pk.bind((dev, 0))	# VF0, in its namespace
assert libc.setns(home, CLONE_NEWNET) == 0
frame = (bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", ""))
         + b"\x88\xb5" + b"iovnic-selftest".ljust(46, b"."))
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
nl.bind((0, 0))
pf = socket.if_nametoindex("iovnic0")
def disable(vf):
    attrs = vfnl.nla(vfnl.IFLA_VFINFO_LIST | vfnl.NLA_F_NESTED,
                     vfnl.nla(vfnl.IFLA_VF_INFO | vfnl.NLA_F_NESTED,
                              vfnl.vf_attr("state", vf, [str(LINK_STATE_DISABLE)])))
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, pf, 0, 0) + attrs
    nl.send(struct.pack("=IHHII", 16 + len(body), vfnl.RTM_SETLINK,
                        vfnl.NLM_F_REQUEST | vfnl.NLM_F_ACK, 1, 0) + body)
    err = struct.unpack_from("=i", nl.recv(65536), 16)[0]
    assert err == 0, err
def operstate(d):
    with open("/sys/class/net/%s/operstate" % d) as f:
        return f.read().strip()
time.sleep(1.2)		# linkwatch idle for over a second
t0 = time.monotonic()
disable(3)
while operstate("iovnic0v3") == "up" and time.monotonic() < t0 + 10:
    time.sleep(0.0005)
t1 = time.monotonic()	# linkwatch ran: the next run waits until t1 + 1 s
disable(0)
t2 = time.monotonic()
sent = 0
for _ in range(int(n)):
    try:
        pk.send(frame)
        sent += 1
    except OSError:
        pass
t3 = time.monotonic()
print(sent, "VF3 handled after %.0f ms, VF0 disabled %.0f ms later, %d frames in %.0f ms"
      % ((t1 - t0) * 1e3, (t2 - t1) * 1e3, sent, (t3 - t2) * 1e3))
PY
# VF N (in its namespace) is up (as linkwatch last found it)
is_up() {
	[ "$(ip netns exec "iovt-$1" cat "/sys/class/net/iovnic0v$1/operstate")" = up ]
}
testdir=$(cd "$(dirname "$0")" && pwd)
for try in 1 2 3; do
	snap b 0 1
	cap v1 iovt-1 iovnic0v1 --dst "$m1"
	caps_ready
	read -r sent how < <(python3 /tmp/iovt-burst.py "$testdir" iovt-0 \
		iovnic0v0 "$m0" "$m1" 200)
	caps_stop
	snap a 0 1
	q=$(add "$(d 0 nd_tx_packets)" "$(d 0 nd_tx_dropped)")
	log "link down, try $try: $sent sent, $q reached the driver ($how)"
	[ "$q" = "$sent" ] && break
	if [ "$try" -lt 3 ]; then
		ip link set iovnic0 vf 0 state auto
		ip link set iovnic0 vf 3 state auto
		wait_until 10 is_up 0
	fi
done
check_eq "link down: VF0's carrier is off, all $sent frames reached its driver" \
	"0 $sent" "$(ip netns exec iovt-0 cat /sys/class/net/iovnic0v0/carrier) $q"
tx_account "link down (sending)" 0 1 "$sent" 0 "$(capn v1)" vport_tx_link_down

# ... and receiving: VF1 sends to VF0, whose link is down
snap b 0 1
cap v0 iovt-0 iovnic0v0 --dst "$m0"
caps_ready
sent=$(send iovt-1 iovnic0v1 --dst "$m0" --count 100)
caps_stop
snap a 0 1
check_eq "link down (receiving): VF0 got none of $sent (capture, netdev, vf line)" \
	"0 0 0" "$(capn v0) $(d 0 nd_rx_packets) $(d 0 vf_rx_packets)"
check_eq "link down (receiving): the switch took all $sent from VF1 (tx_packets netdev, vf line)" \
	"$sent $sent" "$(d 1 nd_tx_packets) $(d 1 vf_tx_packets)"
check_eq "link down (receiving): sent $sent = delivered + VF0's rx_dropped (netdev, vf line)" \
	"$sent $sent" "$(d 0 nd_rx_dropped) $(d 0 vf_rx_dropped)"
check_eq "link down (receiving): all $sent are vport_rx_link_down" \
	"$sent" "$(d 0 vport_rx_link_down)"
ip link set iovnic0 vf 0 state auto
ip link set iovnic0 vf 3 state auto
check "link back: VF0 carrier on" wait_until 10 is_up 0

# --- (f) VF1's ring full: 64 entries and a 10 ms interrupt delay, while
# pktgen sends 2000 frames from VF0 as fast as it can
N=2000
ip netns exec iovt-1 ethtool -G iovnic0v1 rx 64
ip netns exec iovt-1 ethtool -C iovnic0v1 rx-usecs 10000
snap b 0 1
pktgen_run iovt-0 "$N" "0:iovnic0v0:$m1"
# all N received or dropped, as the netdev counts them
took_all() {
	snap a 1
	[ "$(add "$(d 1 nd_rx_packets)" "$(d 1 nd_rx_missed_errors)" \
		"$(d 1 nd_rx_dropped)")" = "$N" ]
}
end=$((SECONDS + 60))	# (each look takes a while under TCG)
until took_all || ((SECONDS >= end)); do
	sleep 0.2
done
snap a 0 1
log "ring full: VF1 received $(d 1 nd_rx_packets), missed $(d 1 nd_rx_missed_errors), dropped $(d 1 nd_rx_dropped) of $N"
check_eq "ring full: VF0 sent $N, all taken (tx_packets netdev, vf line; tx_dropped)" \
	"$N $N 0" "$(d 0 nd_tx_packets) $(d 0 vf_tx_packets) $(d 0 nd_tx_dropped)"
check_eq "ring full: sent $N = rx_packets + rx_missed_errors + rx_dropped (VF1 netdev)" \
	"$N" "$(add "$(d 1 nd_rx_packets)" "$(d 1 nd_rx_missed_errors)" "$(d 1 nd_rx_dropped)")"
check "ring full: the ring overflowed, rx_missed_errors = vport_rx_ring_full > 0" \
	test "$(d 1 nd_rx_missed_errors)" -gt 0 -a \
	"$(d 1 nd_rx_missed_errors)" = "$(d 1 vport_rx_ring_full)"
check_eq "ring full: vf line rx_packets = netdev's, rx_dropped = netdev rx_dropped + rx_missed_errors" \
	"$(d 1 nd_rx_packets) $(add "$(d 1 nd_rx_dropped)" "$(d 1 nd_rx_missed_errors)")" \
	"$(d 1 vf_rx_packets) $(d 1 vf_rx_dropped)"
check_eq "ring full: VF0 netdev tx_packets = its vf line's" \
	"$(v 0 vf_tx_packets)" "$(v 0 nd_tx_packets)"
ip netns exec iovt-1 ethtool -C iovnic0v1 rx-usecs 0
ip netns exec iovt-1 ethtool -G iovnic0v1 rx 1024

check "rmmod iovnic" iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
