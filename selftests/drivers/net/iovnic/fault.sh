#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failure-atomic ethtool -L and -G.  debugfs fail_queue_alloc makes the
# next N queue allocations fail; a growing "ethtool -L" and an "ethtool -G"
# on the PF and on a VF, up and down, with N = 1 and 2, must then return
# ENOMEM N times and leave the old configuration running: channel count,
# ring size, the same IRQ vectors, frames on every queue, and "ip link set
# down/up" (a failed change used to leave every NAPI disabled and the next
# down hung in napi_disable holding RTNL).  The same change without a fault
# then succeeds.  fail_queue_alloc_after makes a growth fail half-way (the
# unwind of the queues already set up).  On a debug kernel (failslab),
# failnth.py fails every allocation of -L and -G in turn: each try
# leaves the old configuration or the new one.  Commands
# that take RTNL are bounded: a hang fails the test instead of stalling it.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 77
dmesg_mark
iov_load total_vfs=2 num_queues=4
[ -d /sys/kernel/debug/iovnic ] ||
	mount -t debugfs none /sys/kernel/debug 2> /dev/null
FAULT=/sys/kernel/debug/iovnic/iovnic0/fail_queue_alloc
check_eq "debugfs fail_queue_alloc exists, nothing pending" 0 "$(cat "$FAULT" 2> /dev/null)"
[ -w "$FAULT" ] || ktap_exit_fail_msg "no $FAULT: iovnic without fault injection"

sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
ip addr add 192.0.2.254/24 dev iovnic0
ip link set iovnic0 up
iov_set_vfs 2
# VF 0 in a namespace is the far end of the traffic; VF 1, the VF under
# test, stays here, on a subnet of its own (no "ip netns exec" per command)
ns_add iovt-a iovnic0v0 192.0.2.1/24
ip -n iovt-a addr add 198.51.100.1/24 dev iovnic0v0
sysctl -qw net.ipv6.conf.iovnic0v1.disable_ipv6=1
# PF and VF 1 share this namespace: each answers ARP only for its own
# address, or VF 0 may learn VF 1's MAC for the PF's address (and send
# what the PF's queues should count to VF 1)
sysctl -qw net.ipv4.conf.iovnic0.arp_ignore=1
sysctl -qw net.ipv4.conf.iovnic0v1.arp_ignore=1
ip addr add 198.51.100.2/24 dev iovnic0v1
ip link set iovnic0v1 up

# bounded CMD...: run CMD (one that takes RTNL to change something), print
# its output and return its status, or give up after 60 s (status 124,
# and $HUNG exists).  Not timeout(1): a task stuck in napi_disable ignores
# even SIGKILL, and timeout would wait for it forever.
HUNG=/tmp/iovt-hung
rm -f "$HUNG" /tmp/iovt-never
mkfifo /tmp/iovt-never
exec 9<> /tmp/iovt-never	# nothing is ever written to it
bounded() {
	local out=/tmp/iovt-bounded.$BASHPID pid timer fin rc
	"$@" > "$out" 2>&1 &
	pid=$!
	(read -rt "${BOUND:-60}" -u 9) &	# sleeps without an exec
	timer=$!
	wait -n -p fin "$pid" "$timer"
	rc=$?
	if [ "$fin" = "$timer" ]; then
		echo "$*" >> "$HUNG"
		log "still running after ${BOUND:-60} s (hung, RTNL held?): $*"
		echo "hung: $*"
		return 124
	fi
	kill "$timer" 2> /dev/null
	wait "$timer" 2> /dev/null
	echo "$(< "$out")"
	return "$rc"
}
# after a hang RTNL stays taken: everything else would hang too
bail_if_hung() {
	[ ! -e "$HUNG" ] ||
		ktap_exit_fail_msg "hung: $(< "$HUNG") (RTNL held forever?); see dmesg"
}
# err_of CMD...: OK, ENOMEM, or what else CMD said (cheaper than errno_of)
err_of() {
	local out
	if out=$(bounded "$@"); then
		echo OK
	elif [[ $out == *"Cannot allocate memory"* ]]; then
		echo ENOMEM
	else
		echo "FAILED:${out//$'\n'/ | }"
	fi
}

in_ns() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then "$@"; else ip netns exec "$ns" "$@"; fi
}
# chan DEV NS, ring DEV NS: the channel count and ring size ethtool shows
chan() {
	local out
	out=$(in_ns "$2" ethtool -l "$1")
	out=${out##*Combined:}	# the last one: current settings
	out=${out#"${out%%[0-9]*}"}
	echo "${out%%[!0-9]*}"
}
ring() {
	local out
	out=$(in_ns "$2" ethtool -g "$1")
	out=${out##*RX:}
	out=${out#"${out%%[0-9]*}"}
	echo "${out%%[!0-9]*}"
}
# vecs DEV [names]: DEV's vectors in /proc/interrupts in queue order, as
# "irq:name", or only the names; names DEV N: the names of N queue pairs
vecs() {
	local irq rest name v=()
	while read -r irq rest; do
		name=${rest##* }
		[[ $name =~ ^$1-TxRx-[0-9]+$ ]] || continue
		if [ -n "${2:-}" ]; then
			v[${name##*-}]=$name
		else
			v[${name##*-}]=${irq%:}:$name
		fi
	done < /proc/interrupts
	echo "${v[*]}"
}
names() { local i s=; for ((i = 0; i < $2; i++)); do s+="$1-TxRx-$i "; done; echo "${s% }"; }
state() { echo "combined $(chan "$1" "$2") ring $(ring "$1" "$2") vectors $(vecs "$1" "${3:-}")"; }
link() { bounded in_ns "$2" ip link set "$1" "$3" > /dev/null; }
# qpk DEV NS: rx_queue_<q>_packets of DEV's queues in use
qpk() {
	local k v s=
	while read -r k v; do
		[[ $k =~ ^rx_queue_[0-9]+_packets:$ ]] && s+="$v "
	done < <(in_ns "$2" ethtool -S "$1")
	echo "${s% }"
}

declare -A DST=([iovnic0]=192.0.2.254 [iovnic0v1]=198.51.100.2)
# traffic_ok DEV NS: from VF 0, a ping through DEV (up) is answered, and
# UDP to 128 random ports of it (128 flows) reaches every queue DEV uses.
# Random, not consecutive: the Toeplitz hash is linear in its input bits,
# and the 7 low bits of 128 consecutive ports can span as few as 4 of 8
# queues under some keys (the key is random per boot).
traffic_ok() {
	local dev=$1 ns=$2 before after i k n out
	read -ra before <<< "$(qpk "$dev" "$ns")"
	# shellcheck disable=SC2016
	if ! out=$(ip netns exec iovt-a bash -c 'ping -c 1 -W 5 "$1" > /dev/null || exit 1
		for ((i = 0; i < 128; i++)); do
			echo > "/dev/udp/$1/$((10000 + RANDOM % 50000))"
		done
		' - "${DST[$dev]}" 2>&1); then
		log "$dev: no ping answer $out"
		return 1
	fi
	n=$(chan "$dev" "$ns")
	for ((t = 0; t < 50; t++)); do	# NAPI counts them when it polls
		read -ra after <<< "$(qpk "$dev" "$ns")"
		k=0
		for i in "${!after[@]}"; do
			[ "${after[i]}" -gt "${before[i]:-0}" ] && k=$((k + 1))
		done
		[ "$k" = "$n" ] && return 0
		sleep 0.1
	done
	log "$dev: 128 flows; per queue before: ${before[*]}, after: ${after[*]} $out"
	return 1
}

# fault_case DEV NS up|down L|G N: four points
CUR=up
fault_case() {
	local dev=$1 ns=$2 updown=$3 op=$4 n=$5 cmd undo new what s0 got want i
	local oldc oldr
	oldc=$(chan "$dev" "$ns") oldr=$(ring "$dev" "$ns")
	if [ "$op" = L ]; then
		cmd=(-L "$dev" combined "$GROW") undo=(-L "$dev" combined "$oldc")
		new="$GROW/$oldr"
	else
		cmd=(-G "$dev" rx 256) undo=(-G "$dev" rx "$oldr")
		new="$oldc/256"
	fi
	what="$dev $updown: ethtool ${cmd[*]} with fail_queue_alloc=$n"
	[ "$CUR" = "$updown" ] || link "$dev" "$ns" "$updown"
	CUR=$updown
	s0=$(state "$dev" "$ns")

	echo "$n" > "$FAULT"
	got="" want=""
	for ((i = 0; i < n; i++)); do
		got+="$(err_of in_ns "$ns" ethtool "${cmd[@]}") "
		want+="ENOMEM "
	done
	check_eq "$what: ENOMEM $n time(s), no fault left pending" \
		"${want}pending 0" "${got}pending $(< "$FAULT")"
	bail_if_hung

	# the old configuration keeps running: the same channels, ring and
	# IRQ vectors, and if up, frames on every queue
	got=$(state "$dev" "$ns") want=$s0
	if [ "$updown" = up ]; then
		traffic_ok "$dev" "$ns" && got+=" traffic ok"
		want+=" traffic ok"
	fi
	check_eq "$what: channels, ring size, IRQ vectors unchanged$([ "$updown" = up ] &&
		echo ", every queue receives, ping answered")" "$want" "$got"
	bail_if_hung

	# ... and goes down and up (the hang was here); if it was down, it
	# receives on every queue once up
	got="$(link "$dev" "$ns" down && echo down) $(link "$dev" "$ns" up && echo up)"
	bail_if_hung
	got+=" $(state "$dev" "$ns" names)"
	want="down up combined $oldc ring $oldr vectors $(names "$dev" "$oldc")"
	if [ "$updown" = down ]; then
		traffic_ok "$dev" "$ns" && got+=" traffic ok"
		want+=" traffic ok"
		link "$dev" "$ns" down
	fi
	check_eq "$what: then ip link set down and up work$([ "$updown" = down ] &&
		echo ", every queue receives, ping answered")" "$want" "$got"
	bail_if_hung

	# without a fault the same change works, and undoing it too
	got=$(err_of in_ns "$ns" ethtool "${cmd[@]}")
	got+=" $(chan "$dev" "$ns")/$(ring "$dev" "$ns")"
	want="OK $new"
	if [ "$updown" = up ] && [ "$op" = L ]; then
		traffic_ok "$dev" "$ns" && got+=" traffic ok"
		want+=" traffic ok"
	fi
	got+=" undo $(err_of in_ns "$ns" ethtool "${undo[@]}")"
	check_eq "$what: without a fault it succeeds (and is undone)" \
		"$want undo OK $s0" "$got $(state "$dev" "$ns")"
	bail_if_hung
}

for dev in iovnic0 iovnic0v1; do
	ns=-
	GROW=8			# the PF: 4 -> 8 queue pairs
	[ "$dev" = iovnic0v1 ] && GROW=4	# a VF: 1 -> 4
	for updown in up down; do
		for op in L G; do
			for n in 1 2; do
				fault_case "$dev" "$ns" "$updown" "$op" "$n"
			done
		done
	done
	link "$dev" "$ns" up
	CUR=up
done

# A failure half-way through a growth: fail_queue_alloc_after lets the
# first queue setups succeed, and the unwind must take them down again
AFTER=/sys/kernel/debug/iovnic/iovnic0/fail_queue_alloc_after
partial_case() {
	local dev=$1 updown=$2 after=$3 grow=$4 s0 got what
	what="$dev $updown: ethtool -L $dev combined $grow, queue setup $((after + 1)) fails"
	link "$dev" - "$updown"
	s0=$(state "$dev" -)
	echo "$after" > "$AFTER"
	echo 1 > "$FAULT"
	got="$(err_of ethtool -L "$dev" combined "$grow") pending $(< "$FAULT") $(< "$AFTER")"
	bail_if_hung
	got+=" $(state "$dev" -)"
	[ "$updown" = up ] || link "$dev" - up
	traffic_ok "$dev" - && got+=" traffic ok"
	check_eq "$what: ENOMEM, the $after set up are undone, the old queues receive" \
		"ENOMEM pending 0 0 $s0 traffic ok" "$got"
	bail_if_hung
}
partial_case iovnic0 up 2 8
partial_case iovnic0v1 down 1 4

# The kernel's own fault injection, on a debug kernel (failslab and the
# per-task /proc/<pid>/fail-nth): each change's 1st, 2nd, ... allocation
# fails in turn (failnth.py), and every try must leave the device in the
# old configuration with an errno, or in the new one; after all that the
# device still receives on every queue and goes down and up.  -L runs on
# a down device: up, it requests vectors, and request_irq() ignores a
# failed /proc/irq/<n> entry that freeing the vector then warns about
# (kernel/irq/proc.c, not iovnic); fail_queue_alloc covers -L up.
FAILNTH="$(cd "$(dirname "$0")" && pwd)/failnth.py"
FAILSLAB=/sys/kernel/debug/failslab
failnth_case() {
	local dev=$1 what=$2 out
	shift 2
	if [ ! -e /proc/self/fail-nth ] || [ ! -d "$FAILSLAB" ]; then
		ktap_test_skip "$dev: fail-nth sweep of $what (needs CONFIG_FAILSLAB: make check-debug)"
		return
	fi
	out=$(BOUND=1800 bounded python3 "$FAILNTH" "$dev" "$@")
	bail_if_hung
	log "$dev $what: $out"
	[[ $out =~ ^sites\ [1-9][0-9]*\ failed\ [1-9][0-9]*\ errnos\ ENOMEM\ bad\ 0$ ]]
	check_eq "$dev: fail-nth sweep of $what: every failure is ENOMEM and leaves the old configuration, every success the new one" \
		0 "$?"
}
if [ -d "$FAILSLAB" ]; then
	echo N > "$FAILSLAB/ignore-gfp-wait"	# GFP_KERNEL allocations too
	echo 0 > "$FAILSLAB/verbose"		# no stack dump per failure
fi
declare -A FN_GROW=([iovnic0]=8 [iovnic0v1]=4)
for dev in iovnic0 iovnic0v1; do
	s_fn0=$(state "$dev" - names)
	failnth_case "$dev" "ethtool -G rx 256 (up)" G 256
	link "$dev" - down
	failnth_case "$dev" "ethtool -L combined ${FN_GROW[$dev]} (down)" L "${FN_GROW[$dev]}"
	link "$dev" - up
	if [ -e /proc/self/fail-nth ] && [ -d "$FAILSLAB" ]; then
		got="$(state "$dev" - names)"
		traffic_ok "$dev" - && got+=" traffic ok"
		got+=" $(link "$dev" - down && echo down) $(link "$dev" - up && echo up)"
		bail_if_hung
		check_eq "$dev: after the sweeps: the old configuration receives on every queue, down and up work" \
			"$s_fn0 traffic ok down up" "$got"
	else
		ktap_test_skip "$dev: after the fail-nth sweeps (needs CONFIG_FAILSLAB)"
	fi
done

# shrinking allocates nothing: it succeeds with a fault pending, which the
# next growth then takes
echo 1 > "$FAULT"
got="$(err_of ethtool -L iovnic0 combined 2) pending $(< "$FAULT")"
got+=" $(err_of ethtool -L iovnic0 combined 4) pending $(< "$FAULT")"
got+=" $(chan iovnic0 -) $(err_of ethtool -L iovnic0 combined 4)"
check_eq "-L 4 -> 2 with a fault pending succeeds; the growth back takes the fault" \
	"OK pending 1 ENOMEM pending 0 2 OK" "$got"
bail_if_hung

# a VF probed while its first queue cannot be allocated: the bind fails,
# cleanly, and the next bind works
vfpci=$(basename "$(readlink -f "$(pf_dev 0)/virtfn1")")
echo "$vfpci" > /sys/bus/pci/drivers/iovnicvf/unbind
echo 1 > "$FAULT"
got="$(errno_of_write /sys/bus/pci/drivers/iovnicvf/bind "$vfpci")"
check_eq "VF probe with a fault pending fails, no netdev, nothing pending" \
	"ENOMEM absent 0" "$got $([ -e /sys/class/net/iovnic0v1 ] && echo present || echo absent) $(cat "$FAULT")"
echo "$vfpci" > /sys/bus/pci/drivers/iovnicvf/bind
check "the next bind works" wait_for_dev iovnic0v1

iov_unload
check "no kernel warnings" dmesg_clean
log "fault.sh took ${SECONDS}s"
ktap_finished
