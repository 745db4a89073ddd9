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
	python3 - "$1" "$2" <<'PY'
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

wait_for_dev() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -e "/sys/class/net/$1" ] && return 0
		sleep 0.1
	done
	log "netdev $1 did not appear"
	return 1
}

not() { ! "$@"; }

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
