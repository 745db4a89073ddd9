#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PF multiqueue: a vector per queue pair, RSS (Toeplitz hash, ethtool -x/-X)
# checked flow by flow against the hash computed here, VMQ filters
# (ethtool -N ... action Q / drop), ethtool -L and -G live under traffic
# with every frame either received or counted as dropped, and bad values.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 34
dmesg_mark
iov_load total_vfs=2 num_queues=4
sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
ip link set iovnic0 up
iov_set_vfs 2
ns_add iovt-a iovnic0v0 192.0.2.1/24
pfmac=$(mac_of - iovnic0)
MVMAC=02:11:22:33:44:55
# Microsoft's RSS verification key
KEY=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
FLOWS=256
WFLOWS=40	# flow i sends i + 1 frames: the per-queue sums pin down each flow

chan() { ethtool -l iovnic0 | awk -v k="$1:" '$1 == k { v = $2 } END { print v }'; }
ring() { ethtool -g iovnic0 | awk '$1 == "RX:" { v = $2 } END { print v }'; }
vectors() { awk '$NF ~ /^iovnic0-TxRx-/ { print $NF }' /proc/interrupts | sort | xargs; }
indir() { ethtool -x iovnic0 | awk '$1 ~ /^[0-9]+:$/ { for (i = 2; i <= NF; i++) printf "%s ", $i }'; }
# per-queue counter COUNTER ("packets", "drops", ...) of the queues in use
qstat() { ethtool -S iovnic0 | awk -v c="$1" '$1 ~ "^rx_queue_[0-9]+_" c ":$" { printf "%s ", $2 }' | xargs; }
# minus A B: element-wise B - A of two count lists
minus() { paste -d' ' <(tr ' ' '\n' <<< "$1") <(tr ' ' '\n' <<< "$2") | awk '{ printf "%s ", $2 - $1 }' | xargs; }
# sendq MAC [pkt.py flows args]: send flows from the VF to MAC (default
# FLOWS frames, one per flow); print the packets each PF queue took
sendq() {
	local before mac=$1
	shift
	[ $# -gt 0 ] || set -- --flows "$FLOWS"
	before=$(qstat packets)
	ip netns exec iovt-a "$PKT" flows iovnic0v0 --dst "$mac" "$@" > /dev/null
	sleep 0.5
	minus "$before" "$(qstat packets)"
}
# the same flows' per-queue counts as the Toeplitz hash predicts them
predict() { "$PKT" rss --key "$KEY" --indir "$(indir)" --flows "$WFLOWS" --weighted; }
sendw() { sendq "$1" --flows "$WFLOWS" --weighted; }
nstat() { cat "/sys/class/net/iovnic0/statistics/$1"; }

# --- queues and vectors
check_eq "num_queues=4: 4 combined channels" 4 "$(chan Combined)"
check_eq "up to 16 channels" 16 "$(ethtool -l iovnic0 | awk '$1 == "Combined:" { print $2; exit }')"
check_eq "a named vector per queue pair" \
	"iovnic0-TxRx-0 iovnic0-TxRx-1 iovnic0-TxRx-2 iovnic0-TxRx-3" "$(vectors)"
check_eq "the PF's queue vectors come from its queue irq domain" 3 \
	"$(grep -c 'iovnic-queue.*iovnic0-TxRx-[123]$' /proc/interrupts)"
check_eq "VF: one channel of up to 4" "4 1" \
	"$(ip netns exec iovt-a ethtool -l iovnic0v0 | awk '$1 == "Combined:" { printf "%s ", $2 }' | xargs)"

# --- RSS: the Toeplitz hash of each flow picks its queue
ethtool -X iovnic0 hkey "$KEY" equal 4
check_eq "ethtool -X hkey sets the key" "$KEY" \
	"$(ethtool -x iovnic0 | awk '/^RSS hash key:/ { getline; print }')"
want=$(predict)
got=$(sendw "$pfmac")
log "$WFLOWS flows (flow i: i + 1 frames) over 4 queues: predicted $want, got $got"
check_eq "RSS: each flow on the queue its Toeplitz hash selects" "$want" "$got"
check "RSS: every queue takes frames" \
	awk -v l="$got" 'BEGIN { n = split(l, a, " "); for (i = 1; i <= n; i++) if (a[i] == 0) exit 1; exit n != 4 }'
irq1=$(qstat interrupts)
ethtool -X iovnic0 weight 0 1 0 0
check_eq "weight 0 1 0 0: every flow on queue 1" "0 $FLOWS 0 0" "$(sendq "$pfmac")"
irqd=$(minus "$irq1" "$(qstat interrupts)")
check "only queue 1's vector fired" \
	awk -v l="$irqd" 'BEGIN { split(l, a, " "); exit !(a[1] == 0 && a[2] > 0 && a[3] == 0 && a[4] == 0) }'
ethtool -X iovnic0 default
check_eq "ethtool -X default: equal spread" "$(for ((i = 0; i < 128; i++)); do printf '%s ' $((i % 4)); done)" "$(indir)"

# --- VMQ filters: one MAC's traffic to one queue
ip link add link iovnic0 name iovt-mv address "$MVMAC" type macvlan
ip link set iovt-mv up
check_eq "ethtool -N ... action 2" OK \
	"$(errno_in ethtool -N iovnic0 flow-type ether dst "$MVMAC" action 2 loc 5)"
check_eq "ethtool -n lists the filter" "1 5 2" \
	"$(ethtool -n iovnic0 | awk '/^Total/ { t = $2 } /^Filter:/ { l = $2 } /Direct to queue/ { q = $NF } END { print t, l, q }')"
check_eq "that MAC's flows all on queue 2" "0 0 $FLOWS 0" "$(sendq "$MVMAC")"
want=$(predict)
check_eq "the PF's own MAC still spread by RSS" "$want" "$(sendw "$pfmac")"
drop0=$(stat_of iovnic0 vport_rx_dropped)
ethtool -N iovnic0 flow-type ether dst "$MVMAC" action -1 loc 5
check_eq "action -1 (drop) replaces it: no queue takes the MAC's frames" "0 0 0 0" "$(sendq "$MVMAC")"
check_eq "dropped frames counted" "$FLOWS" "$(($(stat_of iovnic0 vport_rx_dropped) - drop0))"
ethtool -N iovnic0 delete 5
check_eq "deleted: the MAC's flows spread by RSS again" "$want" "$(sendw "$MVMAC")"

# --- bad input changes nothing (EINVAL/EOPNOTSUPP/EEXIST/ENOENT)
ethtool -N iovnic0 flow-type ether dst "$MVMAC" action 3 loc 1
state() { echo "$(chan Combined) $(ring) $(indir) $(ethtool -n iovnic0 | md5sum)"; }
s0=$(state)
bad=""
t() { local want=$1 got; shift; got=$(errno_in "$@"); [ "$got" = "$want" ] || bad+=" [$*: $got, not $want]"; }
t EINVAL ethtool -L iovnic0 combined 0
t EINVAL ethtool -L iovnic0 combined 17
t EINVAL ethtool -L iovnic0 rx 1
t EINVAL ethtool -L iovnic0 combined 3	# the filter at loc 1 targets queue 3
t EINVAL ip netns exec iovt-a ethtool -L iovnic0v0 combined 5
t EINVAL ethtool -G iovnic0 rx 63
t EINVAL ethtool -G iovnic0 rx 4097
t EINVAL ethtool -G iovnic0 tx 128
t EINVAL ethtool -X iovnic0 equal 5
t EINVAL ethtool -X iovnic0 weight 1 1 1 1 1
t EOPNOTSUPP ethtool -X iovnic0 hfunc xor
t EINVAL ethtool -N iovnic0 flow-type ether dst 02:00:00:00:00:09 action 4
t EINVAL ethtool -N iovnic0 flow-type ether dst 02:00:00:00:00:09 action 1 loc 64
t EINVAL ethtool -N iovnic0 flow-type ether dst 00:00:00:00:00:00 action 1
t EOPNOTSUPP ethtool -N iovnic0 flow-type tcp4 dst-ip 192.0.2.1 action 1
t EOPNOTSUPP ethtool -N iovnic0 flow-type ether src 02:00:00:00:00:09 action 1
t EEXIST ethtool -N iovnic0 flow-type ether dst "$MVMAC" action 2 loc 9
t ENOENT ethtool -N iovnic0 delete 9
t EOPNOTSUPP ip netns exec iovt-a ethtool -N iovnic0v0 flow-type ether dst "$MVMAC" action 0
t EINVAL ip netns exec iovt-a ethtool -X iovnic0v0 equal 2
check_eq "20 bad -L/-G/-X/-N requests refused with the right errno" "" "$bad"
check_eq "and nothing changed" "$s0" "$(state)"
ethtool -N iovnic0 delete 1

# --- ethtool -L under traffic: every frame received or counted dropped
rx0=$(nstat rx_packets) nd0=$(nstat rx_dropped) vd0=$(stat_of iovnic0 vport_rx_dropped)
ip netns exec iovt-a "$PKT" flows iovnic0v0 --dst "$pfmac" --flows 64 \
	--per-flow 50 --rate 2000 > /tmp/iovt-sent &
sender=$!
changes=0
while kill -0 "$sender" 2> /dev/null; do	# reshape until the sender is done
	for n in 1 3 2 4; do
		ethtool -L iovnic0 combined "$n" || log "ethtool -L $n failed"
		changes=$((changes + 1))
	done
done
wait
sleep 0.5
sent=$(cat /tmp/iovt-sent)
rx=$(($(nstat rx_packets) - rx0)) nd=$(($(nstat rx_dropped) - nd0))
vd=$(($(stat_of iovnic0 vport_rx_dropped) - vd0))
# the netdev's rx_dropped holds both the frames its rings held when they
# stopped and those the switch could not deliver (the vport's)
log "$changes -L changes under traffic: sent $sent = $rx received + $nd dropped ($vd of them by the switch)"
check_eq "-L under traffic: sent = received + the netdev's rx_dropped" "$sent" "$((rx + nd))"
check "-L under traffic: most frames got through" test "$((rx * 2))" -gt "$sent"
check_eq "back at 4 queues, 4 vectors" \
	"iovnic0-TxRx-0 iovnic0-TxRx-1 iovnic0-TxRx-2 iovnic0-TxRx-3" "$(vectors)"
want=$(predict)
check_eq "RSS after -L: default table, flows as predicted" "$want" "$(sendw "$pfmac")"
ip link set iovnic0 down
ethtool -L iovnic0 combined 2
ip link set iovnic0 up
check_eq "-L while down: 2 vectors once up" "iovnic0-TxRx-0 iovnic0-TxRx-1" "$(vectors)"

# --- ethtool -G: a small ring overflows and counts what it drops
ethtool -G iovnic0 rx 64
check_eq "ethtool -G rx 64" 64 "$(ring)"
ethtool -C iovnic0 rx-usecs 10000
p0=$(qstat packets) d0=$(qstat drops) rf0=$(stat_of iovnic0 vport_rx_ring_full)
mi0=$(cat /sys/class/net/iovnic0/statistics/rx_missed_errors)
pktgen_run iovt-a 1000 "0:iovnic0v0:$pfmac"
sleep 0.5
p=$(minus "$p0" "$(qstat packets)") d=$(minus "$d0" "$(qstat drops)")
rf=$(($(stat_of iovnic0 vport_rx_ring_full) - rf0))
log "1000 frames into a 64-entry ring: packets $p, drops $d, ring_full $rf"
sum=$(awk -v p="$p" -v d="$d" 'BEGIN { n = split(p, a, " "); split(d, b, " "); for (i = 1; i <= n; i++) s += a[i] + b[i]; print s }')
check_eq "ring of 64: received + dropped = 1000" 1000 "$sum"
check "ring of 64: drops counted per queue and as ring_full" \
	test "$rf" -gt 0 -a "$rf" = "$(awk -v d="$d" 'BEGIN { n = split(d, b, " "); for (i = 1; i <= n; i++) s += b[i]; print s }')"
check_eq "ring of 64: the drops are the netdev's rx_missed_errors" "$rf" \
	"$(($(cat /sys/class/net/iovnic0/statistics/rx_missed_errors) - mi0))"
ethtool -C iovnic0 rx-usecs 0
ethtool -G iovnic0 rx 1024
check_eq "ring back to 1024, traffic flows" "1024 $FLOWS" \
	"$(ring) $(sendq "$pfmac" | awk '{ for (i = 1; i <= NF; i++) s += $i; print s }')"

# --- a VF with two queue pairs: two vectors, RSS over them
ip netns exec iovt-a ethtool -L iovnic0v0 combined 2
check_eq "VF -L 2: two vectors" "iovnic0v0-TxRx-0 iovnic0v0-TxRx-1" \
	"$(awk '$NF ~ /^iovnic0v0-TxRx-/ { print $NF }' /proc/interrupts | sort | xargs)"
vfx() { ip netns exec iovt-a ethtool "$@"; }
vkey=$(vfx -x iovnic0v0 | awk '/^RSS hash key:/ { getline; print }')
vind=$(vfx -x iovnic0v0 | awk '$1 ~ /^[0-9]+:$/ { for (i = 2; i <= NF; i++) printf "%s ", $i }')
vq() { vfx -S iovnic0v0 | awk '$1 ~ /^rx_queue_[0-9]+_packets:$/ { printf "%s ", $2 }' | xargs; }
v0=$(vq)
"$PKT" flows iovnic0 --dst "$(mac_of iovt-a iovnic0v0)" --flows "$WFLOWS" --weighted > /dev/null
sleep 0.5
want=$("$PKT" rss --key "$vkey" --indir "$vind" --flows "$WFLOWS" --weighted)
check_eq "VF RSS: flows on the queues its own key predicts" "$want" "$(minus "$v0" "$(vq)")"

# --- unload with queues up, a macvlan on top and a VF in a namespace
ip link del iovt-mv
iov_unload
check "unloaded" test ! -d /sys/module/iovnic
check "no kernel warnings" dmesg_clean
ktap_finished
