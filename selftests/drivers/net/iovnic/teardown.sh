#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Teardown with VFs up, carrying traffic and living in other namespaces:
# sriov_numvfs=0, namespace deletion (the VF comes home) and rmmod.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 11
dmesg_mark

# flood DST NS...: background pings between namespaces until killed
start_traffic() {
	ip netns exec iovt-a ping -f -W 1 192.0.2.2 > /dev/null 2>&1 &
	PIDS="$!"
	ip netns exec iovt-b ping -f -W 1 192.0.2.1 > /dev/null 2>&1 &
	PIDS="$PIDS $!"
	ping -f -W 1 192.0.2.1 > /dev/null 2>&1 &
	PIDS="$PIDS $!"
	sleep 1
}
stop_traffic() {
	kill $PIDS 2> /dev/null
	wait $PIDS 2> /dev/null
	PIDS=
}
setup() {
	iov_load total_vfs=4
	iov_set_vfs 4 || return 1
	sysctl -qw net.ipv6.conf.iovnic0.disable_ipv6=1
	ip addr add 192.0.2.254/24 dev iovnic0
	ip link set iovnic0 up
	ns_add iovt-a iovnic0v0 192.0.2.1/24 &&
	ns_add iovt-b iovnic0v1 192.0.2.2/24
}

# 1. sriov_numvfs=0 while VFs in namespaces carry traffic
check "setup" setup
start_traffic
rx=$(ip netns exec iovt-b cat /sys/class/net/iovnic0v1/statistics/rx_packets)
check "traffic flows before teardown" test "$rx" -gt 10
check "sriov_numvfs=0 under traffic" bash -c "echo 0 > $(pf_dev 0)/sriov_numvfs"
stop_traffic
check_eq "VF netdevs gone from the namespaces" "" \
	"$(ip -n iovt-a -o link show | grep iovnic; ip -n iovt-b -o link show | grep iovnic)"
check "PF still usable: VFs come back" iov_set_vfs 2

# 2. deleting a namespace returns its VF to the initial namespace
ip netns add iovt-c
ip link set iovnic0v1 netns iovt-c
ip -n iovt-c link set iovnic0v1 up
ip netns del iovt-c
ok=1
for i in $(seq 50); do
	[ -e /sys/class/net/iovnic0v1 ] && ok=0 && break
	sleep 0.1
done
check_eq "VF returned to init_net after its namespace was deleted" 0 "$ok"

# 3. rmmod while VFs in namespaces carry traffic
iov_unload
check "setup again" setup
start_traffic
check "rmmod iovnic under traffic, VFs in namespaces" rmmod iovnic
stop_traffic
check "module gone" test ! -d /sys/module/iovnic
check "namespaces still deletable" bash -c 'ip netns del iovt-a && ip netns del iovt-b'

iov_unload
check "no kernel warnings or leaked references" dmesg_clean
ktap_finished
