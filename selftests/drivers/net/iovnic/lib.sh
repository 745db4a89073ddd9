# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the iovnic selftests.  Source it from a test script.

KSFT_DIR=${KSFT_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
if [ ! -r "$KSFT_DIR/kselftest/ktap_helpers.sh" ]; then
	KSFT_DIR=/var/cache/iovnic/linux-source-6.12/tools/testing/selftests
fi
# shellcheck source=/dev/null
. "$KSFT_DIR/kselftest/ktap_helpers.sh"

NS_PREFIX=iovt
PKT="$(cd "$(dirname "$0")" && pwd)/pkt.py"
VFNL="$(cd "$(dirname "$0")" && pwd)/vfnl.py"
NETDEVNL="$(cd "$(dirname "$0")" && pwd)/netdevnl.py"
RET=0

log() { ktap_print_msg "$@"; }

# check DESC CMD...: one KTAP test point, passing when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		log "FAILED: $*"
		ktap_test_fail "$desc"
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		log "expected '$2', got '$3'"
		ktap_test_fail "$1"
	fi
}

# errno_of_write PATH VALUE: write VALUE to PATH in one write(2) and print
# the errno name (OK on success).
errno_of_write() {
	python3 -S - "$1" "$2" <<'PY'
import errno, os, sys
try:
    fd = os.open(sys.argv[1], os.O_WRONLY)
    try:
        os.write(fd, sys.argv[2].encode())
    finally:
        os.close(fd)
    print("OK")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
PY
}

# errno_name MSG RC: the errno name whose strerror text ends a line of MSG;
# else OK if RC is 0, else FAILED:MSG.
errno_name() {
	python3 -S - "$1" "$2" <<'PY'
import errno, os, sys
msg, rc = sys.argv[1], int(sys.argv[2])
names = {os.strerror(e): n for e, n in errno.errorcode.items()}
names[os.strerror(errno.EOPNOTSUPP)] = "EOPNOTSUPP"	# not ENOTSUP
for line in msg.splitlines():
    for text, name in names.items():
        if line.rstrip().endswith(text):
            print(name)
            sys.exit(0)
print("OK" if rc == 0 else "FAILED:" + msg.replace("\n", " | "))
PY
}

# errno_of CMD...: run CMD (ip, ethtool, ...) and print OK, or the errno
# name matching the "...: <strerror>" message it failed with.
errno_of() {
	local out
	if out=$("$@" 2>&1); then
		echo OK
		return
	fi
	errno_name "$out" 1
}

# nl_errno CMD...: run a netlink client that prints only the kernel's
# message on a refusal (tc) and print the errno of its last error ack, as
# strace decodes it, or OK.  The output goes to /tmp/iovt-nl.out.
nl_errno() {
	local e
	strace -f -qq -e trace=recvmsg -e signal=none -o /tmp/iovt-nl.trace \
		"$@" > /tmp/iovt-nl.out 2>&1
	e=$(grep -o 'error=-E[A-Z0-9]*' /tmp/iovt-nl.trace | tail -n 1)
	echo "${e#error=-}" | sed 's/^$/OK/'
}

# errno_in CMD...: the same for commands that report a refusal but exit 0
# (ethtool -N): the errno name in the output, else OK.
errno_in() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	errno_name "$out" "$rc"
}

# vf_line PF N: the "vf N ..." line of "ip link show PF" (one line)
vf_line() {
	ip -d link show "$1" | awk -v n="$2" '$1 == "vf" && $2 == n {
		line = $0
		while ((getline nxt) > 0 && nxt !~ /^ *vf [0-9]/ && nxt ~ /^    /)
			line = line " " nxt
		print line
		exit
	}' | tr -s ' '
}

# stat_of DEV NAME [NS]: one "ethtool -S" counter
stat_of() {
	local ns=()
	[ -n "${3:-}" ] && ns=(ip netns exec "$3")
	"${ns[@]}" ethtool -S "$1" | awk -v k="$2:" '$1 == k {print $2}'
}

# vf_stat PF N FIELD: a VF counter from "ip -s link show PF" (json)
vf_stat() {
	ip -j -s link show "$1" | python3 -S -c '
import json, sys
vf, field = int(sys.argv[1]), sys.argv[2]
for v in json.load(sys.stdin)[0]["vfinfo_list"]:
    if v["vf"] == vf:
        s = v["stats"]
        rx, tx = s["rx"], s["tx"]
        d = {"rx_bytes": rx["bytes"], "rx_packets": rx["packets"],
             "multicast": rx["multicast"], "broadcast": rx["broadcast"],
             "rx_dropped": rx["dropped"],
             "tx_bytes": tx.get("bytes", tx.get("tx_bytes")),
             "tx_packets": tx.get("packets", tx.get("tx_packets")),
             "tx_dropped": tx["dropped"]}
        print(d[field])
' "$2" "$3"
}

# Count test frames on several receivers while one sender sends them:
#   cap NAME NS DEV [pkt.py count args]   (NS "-": initial namespace)
CAPS=()
#   cap_send NS DEV [pkt.py send args]    sends, waits for every cap
#   capn NAME                             what NAME counted
cap() {
	local name=$1 ns=$2 dev=$3 pre=()
	shift 3
	[ "$ns" != - ] && pre=(ip netns exec "$ns")
	rm -f "/tmp/iovt-$name.rdy" /tmp/iovt-stop
	"${pre[@]}" "$PKT" count "$dev" --secs 600 --ready "/tmp/iovt-$name.rdy" \
		--stop /tmp/iovt-stop "$@" > "/tmp/iovt-$name.cnt" &
	CAPS+=("$name")
}
cap_send() {
	local ns=$1 dev=$2 pre=() c
	shift 2
	[ "$ns" != - ] && pre=(ip netns exec "$ns")
	for c in "${CAPS[@]}"; do	# every counter listens before we send
		wait_until 120 test -e "/tmp/iovt-$c.rdy"	# a debug kernel is slow
	done
	CAPS=()
	"${pre[@]}" "$PKT" send "$dev" "$@" > /dev/null
	sleep 0.2
	touch /tmp/iovt-stop
	wait
}
capn() { cat "/tmp/iovt-$1.cnt"; }

# mac_of NS DEV
mac_of() {
	if [ "$1" = - ]; then
		cat "/sys/class/net/$2/address"
	else
		ip netns exec "$1" cat "/sys/class/net/$2/address"
	fi
}

iov_unload() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NS_PREFIX"); do
		ip netns del "$ns"
	done
	if [ -d /sys/module/iovnic ]; then
		rmmod iovnic
	fi
}

iov_load() {
	iov_unload
	modprobe iovnic "$@"
}

# PCI device directory of PF P
pf_dev() { readlink -f "/sys/class/net/iovnic${1:-0}/device"; }

# iov_set_vfs N [P]: set sriov_numvfs of PF P and wait for the VF netdevs
iov_set_vfs() {
	local n=$1 p=${2:-0} i
	echo "$n" > "$(pf_dev "$p")/sriov_numvfs" || return 1
	for ((i = 0; i < n; i++)); do
		wait_for_dev "iovnic${p}v$i" || return 1
	done
}

wait_for_dev() { wait_until 10 test -e "/sys/class/net/$1"; }

not() { ! "$@"; }

# wait_until SECS CMD...: poll CMD every 0.1 s until it succeeds or SECS
# pass (a debug kernel under TCG takes seconds to start a listener)
wait_until() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	log "gave up waiting for: $*"
	return 1
}

# listening NS PORT: a TCP socket listens on PORT in namespace NS
listening() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .; }

# irq_of DEV: the IRQ of DEV's queue 0 vector; irq_pin DEV CPU: move it
irq_of() { awk -v n="$1-TxRx-0" '$NF == n { sub(":", "", $1); print $1 }' /proc/interrupts; }
irq_pin() { echo "$2" > "/proc/irq/$(irq_of "$1")/smp_affinity_list"; }

# ns_add NAME DEV ADDR/PREFIX: move DEV into a new namespace NAME, up, with
# ADDR; IPv6 off so that only the traffic a test sends is counted.
ns_add() {
	ip netns add "$1" || return 1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set lo up
	ip link set "$2" netns "$1" || return 1
	ip -n "$1" addr add "$3" dev "$2" || return 1
	ip -n "$1" link set "$2" up
}

# vf_nets N: N VFs of iovnic0, VF i in namespace iovt-i as 192.0.2.(i+1)/24,
# the PF up without IPv6 (no chatter of its own in the counts)
vf_nets() {
	local i
	iov_set_vfs "$1"
	sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
	ip link set iovnic0 up
	for ((i = 0; i < $1; i++)); do
		ns_add "iovt-$i" "iovnic0v$i" "192.0.2.$((i + 1))/24"
	done
}

# lan_add [nobridge]: a LAN, namespace iovt-lan with a host 192.0.2.100/24
# on iovt-l1, whose peer iovt-l0 is in a new bridge iovt-br (both down;
# nobridge: no bridge)
lan_add() {
	ip netns add iovt-lan || return 1
	ip link add iovt-l0 type veth peer name iovt-l1 netns iovt-lan
	ip -n iovt-lan link set lo up
	ip netns exec iovt-lan sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n iovt-lan addr add 192.0.2.100/24 dev iovt-l1
	ip -n iovt-lan link set iovt-l1 up
	sysctl -qw net.ipv6.conf.iovt-l0.disable_ipv6=1
	[ "${1:-}" = nobridge ] && return 0
	ip link add iovt-br type bridge
	sysctl -qw net.ipv6.conf.iovt-br.disable_ipv6=1
	ip link set iovt-l0 master iovt-br
}

# vf_for_vm MAC: iovnic0's VF 0 for a VM the libvirt direct/passthrough
# way: the PF sets its MAC and port VLAN 10, a macvtap iovt-mvt in passthru
# mode sits on it (no IPv6 chatter of the host's own on either); VF 1, in
# VLAN 10 too, in namespace iovt-b as 192.0.2.2/24.  Prints /dev/tapN.
vf_for_vm() {
	iov_set_vfs 2 || return 1
	ip link set iovnic0 vf 0 mac "$1" vlan 10
	ip link set iovnic0 vf 1 vlan 10
	ip link set iovnic0 up
	ns_add iovt-b iovnic0v1 192.0.2.2/24
	sysctl -qw net.ipv6.conf.iovnic0v0.disable_ipv6=1
	ip link set iovnic0v0 up
	ip link add link iovnic0v0 name iovt-mvt type macvtap mode passthru ||
		return 1
	sysctl -qw net.ipv6.conf.iovt-mvt.disable_ipv6=1
	ip link set iovt-mvt up
	echo "/dev/tap$(cat /sys/class/net/iovt-mvt/ifindex)"
}

# ping_ok NS DST: a few pings from NS (or the initial ns if NS is "-")
ping_ok() {
	if [ "$1" = "-" ]; then
		ping -c 3 -i 0.2 -W 2 "$2" > /dev/null
	else
		ip netns exec "$1" ping -c 3 -i 0.2 -W 2 "$2" > /dev/null
	fi
}

# Fail the test if the kernel complained since the test started.
dmesg_mark() { dmesg | wc -l > /tmp/iovnic-dmesg-mark; }
dmesg_clean() {
	local from bad
	from=$(cat /tmp/iovnic-dmesg-mark 2>/dev/null || echo 0)
	bad=$(dmesg | tail -n +"$((from + 1))" |
	      grep -E 'WARNING:|BUG:|Oops|Call Trace|unregister_netdevice: waiting|KASAN|kmemleak|possible .*locking' || true)
	if [ -n "$bad" ]; then
		log "kernel complained:"
		echo "$bad" | sed 's/^/#   /'
		return 1
	fi
}

if [ "$(id -u)" != 0 ]; then
	ktap_print_header
	ktap_skip_all "must run as root"
	exit "$KSFT_SKIP"
fi
if ! modinfo iovnic > /dev/null 2>&1; then
	ktap_print_header
	ktap_exit_fail_msg "iovnic module not installed (modinfo iovnic failed)"
fi

# pktgen_run NS COUNT THREAD:DEV:DST_MAC...: the kernel's packet generator
# sends COUNT 60-byte UDP frames of one flow from each DEV (in NS, "-" for
# this namespace) on kthread kpktgend_THREAD (bound to CPU THREAD), all at
# once and as fast as they go: faster than a receiver polls, even on a slow
# debug kernel.  Returns when all are sent: "start" alone does not promise
# that (it waits 125 ms for the threads to pick the run up, which a slow
# kernel's threads may not do in time, and then only while they run), so
# it also waits for each DEV's pkts-sofar to reach COUNT (up to 10 min).
pktgen_run() {
	local ns=$1 n=$2 pre=()
	shift 2
	[ "$ns" != - ] && pre=(ip netns exec "$ns")
	modprobe pktgen 2>/dev/null
	"${pre[@]}" sh -ec '
		pg=/proc/net/pktgen n=$1
		shift
		for t in /proc/net/pktgen/kpktgend_*; do
			echo rem_device_all > "$t"
		done
		for s; do
			t=${s%%:*} dev=${s#*:}
			mac=${dev#*:} dev=${dev%%:*}
			echo "add_device $dev" > $pg/kpktgend_$t
			for c in "count $n" "clone_skb 0" "pkt_size 60" "delay 0" \
				"dst 198.51.100.254" "dst_mac $mac" "flag NO_TIMESTAMP"; do
				echo "$c" > $pg/$dev
			done
		done
		echo start > $pg/pgctrl
		for s; do
			dev=${s#*:} dev=${dev%%:*} i=0
			until [ "$(sed -n "s/.*pkts-sofar: *\([0-9]*\).*/\1/p" \
				$pg/$dev)" -ge "$n" ]; do
				i=$((i + 1))
				[ $i -le 6000 ] || exit 1
				sleep 0.1
			done
		done
		for t in /proc/net/pktgen/kpktgend_*; do
			echo rem_device_all > "$t"
		done' sh "$n" "$@"
}
