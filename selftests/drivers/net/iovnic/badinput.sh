#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bad-input matrix: every knob of the contract with each class of
# invalid value, through the tools users have (sysfs, ip, ethtool) and raw
# netlink for what ip will not send.  Each request must fail with its errno,
# and all state together (sysfs, the PF's vf lines, ethtool settings of PF
# and VF, the cable) must be exactly as before.  Driver-specific points are
# in the feature tests too; this one proves nothing leaks across knobs.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 9
dmesg_mark
iov_load num_pfs=2 total_vfs=4 num_queues=2
iov_set_vfs 2
ip link set iovnic0 up
ip link set iovnic0v0 up
ip link set dev iovnic0 vf 0 mac 02:00:00:00:20:00
ip link set dev iovnic0 vf 1 mac 02:00:00:00:20:01
ethtool -N iovnic0 flow-type ether dst 02:00:00:00:20:09 action 1 loc 0
pf=$(pf_dev 0)
pf1=$(pf_dev 1)
other=$(find /sys/bus/pci/devices/ -maxdepth 1 -name '0000:*' | head -n 1)

state() {
	cat "$pf/sriov_numvfs" "$pf/sriov_totalvfs" "$pf/peer" "$pf1/peer"
	ip -d link show iovnic0
	ethtool -l iovnic0; ethtool -g iovnic0; ethtool -x iovnic0
	ethtool -n iovnic0; ethtool -c iovnic0; ethtool -c iovnic0v0
	ethtool -l iovnic0v0; ethtool -g iovnic0v0
}
before=$(state)

# row CLASS: run each "WANT CMD..." line that follows on stdin; one KTAP
# point per class, listing every request that got another answer
row() {
	local desc=$1 want cmd got bad="" n=0
	while read -r want cmd; do
		[ -n "$want" ] || continue
		got=$(eval "$cmd")
		n=$((n + 1))
		[ "$got" = "$want" ] || bad+=" [$cmd: $got, not $want]"
	done
	check_eq "$desc ($n requests)" "" "$bad"
}

row "VF index out of range or negative" <<'EOF'
EINVAL errno_of ip link set dev iovnic0 vf 2 mac 02:00:00:00:20:05
EINVAL errno_of ip link set dev iovnic0 vf 4 spoofchk off
EINVAL errno_of ip link set dev iovnic0 vf 255 trust on
EINVAL "$VFNL" iovnic0 -1 mac 02:00:00:00:20:05
EINVAL "$VFNL" iovnic0 -1 state 1
EINVAL "$VFNL" iovnic0 2147483647 rate 0 10
EOF

row "MAC: multicast, broadcast, zero, another VF's" <<'EOF'
EINVAL errno_of ip link set dev iovnic0 vf 0 mac 01:00:5e:00:00:01
EINVAL errno_of ip link set dev iovnic0 vf 0 mac 33:33:00:00:00:01
EINVAL errno_of ip link set dev iovnic0 vf 0 mac ff:ff:ff:ff:ff:ff
EINVAL errno_of ip link set dev iovnic0 vf 0 mac 00:00:00:00:00:00
EADDRINUSE errno_of ip link set dev iovnic0 vf 0 mac 02:00:00:00:20:01
EADDRNOTAVAIL errno_of ip link set dev iovnic0v0 address 01:00:00:00:00:01
EOF

row "VLAN 4096+, qos 8+, qos without VLAN, unknown proto" <<'EOF'
EINVAL "$VFNL" iovnic0 0 vlan 4096 0
EINVAL "$VFNL" iovnic0 0 vlan 65535 0
EINVAL errno_of ip link set dev iovnic0 vf 0 vlan 10 qos 8
EINVAL errno_of ip link set dev iovnic0 vf 0 vlan 0 qos 3
EPROTONOSUPPORT "$VFNL" iovnic0 0 vlan 10 0 0x0800
EPROTONOSUPPORT "$VFNL" iovnic0 0 vlan 10 0 0x1234
EOF

row "rates: min > max, above the port, link state unknown" <<'EOF'
EINVAL "$VFNL" iovnic0 0 rate 20 10
EINVAL errno_of ip link set dev iovnic0 vf 0 max_tx_rate 100001
EINVAL "$VFNL" iovnic0 0 rate 0 -5
EINVAL "$VFNL" iovnic0 0 state 3
EINVAL "$VFNL" iovnic0 0 state -1
EOF

row "sriov_numvfs: above TotalVFs, garbage, N to M while enabled" <<'EOF'
ERANGE errno_of_write "$pf/sriov_numvfs" 5
EINVAL errno_of_write "$pf/sriov_numvfs" abc
EINVAL errno_of_write "$pf/sriov_numvfs" -1
EBUSY errno_of_write "$pf/sriov_numvfs" 1
EBUSY errno_of_write "$pf/sriov_numvfs" 3
EOF

row "peer: itself, a non-iovnic device, garbage" <<'EOF'
EINVAL errno_of_write "$pf/peer" "$(basename "$pf")"
EINVAL errno_of_write "$pf/peer" "$(basename "$other")"
ENODEV errno_of_write "$pf/peer" garbage
ENODEV errno_of_write "$pf/peer" 0000:ff:1f.7
EOF

row "ethtool: queues, rings, RSS table and hash, ntuple, coalescing" <<'EOF'
EINVAL errno_of ethtool -L iovnic0 combined 0
EINVAL errno_of ethtool -L iovnic0 combined 17
EINVAL errno_of ethtool -L iovnic0 combined 1
EINVAL errno_of ethtool -L iovnic0v0 combined 5
EINVAL errno_of ethtool -G iovnic0 rx 32
EINVAL errno_of ethtool -G iovnic0 rx 8192
EINVAL errno_of ethtool -G iovnic0v0 tx 64
EINVAL errno_of ethtool -X iovnic0 equal 3
EOPNOTSUPP errno_of ethtool -X iovnic0 hfunc xor
EINVAL errno_in ethtool -N iovnic0 flow-type ether dst 02:00:00:00:20:08 action 2
EINVAL errno_in ethtool -N iovnic0 flow-type ether dst 02:00:00:00:20:08 action 0 loc 99
EEXIST errno_in ethtool -N iovnic0 flow-type ether dst 02:00:00:00:20:09 action 0 loc 1
ENOENT errno_in ethtool -N iovnic0 delete 7
EOPNOTSUPP errno_in ethtool -N iovnic0v0 flow-type ether dst 02:00:00:00:20:08 action 0
EINVAL errno_of ethtool -C iovnic0 rx-usecs 10001
EINVAL errno_of ethtool -C iovnic0v0 rx-frames 1025
EOF

check_eq "all state unchanged after 48 refused requests" "$before" "$(state)"
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
