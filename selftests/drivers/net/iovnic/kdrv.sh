#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own driver tests, tools/testing/selftests/drivers/net/
# ping.py, stats.py and queues.py of linux-source-6.12, run in place against
# an iovnic PF and against an iovnic VF, the remote end another VF in a
# network namespace (NETIF=..., REMOTE_TYPE=netns, see that directory's
# README.rst).  Each case of each python test is one point here, e.g.
# "PF ping.test_v4".  A case the python test skips is a failure here unless
# the kernel lacks the feature (kdrv.py: "kernel lacks ..."): a feature the
# kernel has and iovnic does not implement is not a reason to skip.
. "$(dirname "$0")/lib.sh"

KDRV_DIR=${KDRV_DIR:-/var/cache/iovnic/linux-source-6.12/tools/testing/selftests/drivers/net}
KDRV="$(cd "$(dirname "$0")" && pwd)/kdrv.py"
TESTS="ping.py stats.py queues.py"
# The cases of each test in 6.12: one that dies early still gets its points.
declare -A CASES=(
	[ping.py]="test_v4 test_v6 test_tcp"
	[stats.py]="check_pause check_fec pkt_byte_sum qstat_by_ifindex check_down"
	[queues.py]="get_queues addremove_queues"
)

ktap_print_header
for t in $TESTS; do
	[ -r "$KDRV_DIR/$t" ] ||
		ktap_exit_fail_msg "$KDRV_DIR/$t missing (run scripts/setup)"
done
ncases=0
for t in $TESTS; do
	read -ra c <<< "${CASES[$t]}"
	ncases=$((ncases + ${#c[@]}))
done
ktap_set_plan $((2 * (1 + ncases) + 1))

# point RESULT DESC [DIRECTIVE]: one KTAP point (XFAIL counts as a pass)
point() {
	__ktap_test "$1" "$2" "${3:-}"
	case $1:${3:-} in
	ok:SKIP*)	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1)) ;;
	ok:*)		KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1)) ;;
	*)		KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1)) ;;
	esac
}

# run_kdrv LABEL TEST VAR=VALUE...: run TEST.py with the env and turn each
# of its result lines into a point "LABEL <test>.<case>".
run_kdrv() {
	local label=$1 t=$2 out rc line res name dir reason c seen=" " bad=0
	shift 2
	log "$label $t: $*"
	SECONDS=0
	out=$(env "$@" PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
		timeout 300 python3 "$KDRV" "$KDRV_DIR/$t" 2>&1)
	rc=$?
	log "$label $t: exit status $rc after $SECONDS s"
	# a stuck test leaves its commands behind: end those in the remote ns
	[ "$rc" = 124 ] && ip netns pids "$NS" | xargs -r kill
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+\ ([^ ]+)(\ #\ (.*))?$ ]]; then
			res=${BASH_REMATCH[1]:+not }ok
			name=${BASH_REMATCH[2]}
			dir=${BASH_REMATCH[4]}
			seen+="${name#*.} "
			if [ "$res" != ok ]; then
				point "not ok" "$label $name"
				bad=1
			elif [ -z "$dir" ]; then
				point ok "$label $name"
			elif [[ $dir == XFAIL* ]]; then
				point ok "$label $name" "$dir"
			elif [[ $dir == SKIP\ kernel\ lacks\ * ]]; then
				point ok "$label $name" "$dir"
			else
				reason=${dir#SKIP}
				log "$label $name: skipped by the test (${reason# })," \
					"but this kernel has the feature: a failure"
				point "not ok" "$label $name"
				bad=1
			fi
		else
			printf '# %s\n' "$line"
		fi
	done <<< "$out"
	for c in ${CASES[$t]}; do
		if [[ $seen != *" $c "* ]]; then
			log "$label ${t%.py}.$c: no result (exit status $rc)"
			point "not ok" "$label ${t%.py}.$c"
			bad=1
		fi
	done
	if [ "$rc" -ne 0 ] && [ "$bad" = 0 ]; then
		log "$label $t: exit status $rc although no case failed"
		point "not ok" "$label $t exit status"
	fi
}

# kdrv_setup LABEL DEV NS RDEV P4 P6: DEV here with P4.1/24 and P6 1/64,
# RDEV moved into namespace NS with P4.2 and P6 2, both up; one point.
kdrv_setup() {
	local label=$1 dev=$2 ns=$3 rdev=$4 p4=$5 p6=$6
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip link set "$rdev" netns "$ns"
	ip addr add "$p4.1/24" dev "$dev"
	ip addr add "${p6}1/64" dev "$dev" nodad
	ip link set "$dev" up
	ip -n "$ns" addr add "$p4.2/24" dev "$rdev"
	ip -n "$ns" addr add "${p6}2/64" dev "$rdev" nodad
	ip -n "$ns" link set "$rdev" up
	check "$label setup: $dev reaches $rdev in $ns (IPv4, IPv6)" \
		eval "ping_ok - $p4.2 && ping -6 -c 3 -i 0.2 -W 2 ${p6}2 > /dev/null"
	NS=$ns
	ENV=(NETIF="$dev" LOCAL_V4="$p4.1" REMOTE_V4="$p4.2"
	     LOCAL_V6="${p6}1" REMOTE_V6="${p6}2"
	     REMOTE_TYPE=netns REMOTE_ARGS="$ns")
}

dmesg_mark
# two queue pairs on PF and VF whatever the CPU count: queues.py takes one
# away and gives it back
iov_load total_vfs=4 num_queues=2
iov_set_vfs 3

# The PF, the remote end VF0 in a namespace.
kdrv_setup PF iovnic0 iovt-kdrv0 iovnic0v0 192.0.2 2001:db8::
for t in $TESTS; do
	run_kdrv PF "$t" "${ENV[@]}"
done

# VF1, the remote end VF2 in a namespace.  The PF keeps no address and,
# with arp_ignore, does not answer ARP for VF1's address in its place.
ip netns del iovt-kdrv0
ip addr flush dev iovnic0
sysctl -qw net.ipv4.conf.iovnic0.arp_ignore=1
kdrv_setup VF iovnic0v1 iovt-kdrv1 iovnic0v2 198.51.100 2001:db8:1::
ethtool -L iovnic0v1 combined 2
for t in $TESTS; do
	run_kdrv VF "$t" "${ENV[@]}"
done

iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
