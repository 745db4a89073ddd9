#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Module load and unload: parameters, validation, PFs created, clean unload.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 11
dmesg_mark
iov_unload

check "modinfo lists num_pfs and total_vfs" \
	bash -c 'modinfo -F parm iovnic | grep -q "^num_pfs:" &&
		 modinfo -F parm iovnic | grep -q "^total_vfs:"'

out=$(modprobe iovnic num_pfs=0 2>&1)
check "num_pfs=0 refused" bash -c "[ ! -d /sys/module/iovnic ] && echo '$out' | grep -q 'Invalid argument'"
out=$(modprobe iovnic num_pfs=9 2>&1)
check "num_pfs=9 refused" bash -c "[ ! -d /sys/module/iovnic ] && echo '$out' | grep -q 'Invalid argument'"
out=$(modprobe iovnic total_vfs=256 2>&1)
check "total_vfs=256 refused" bash -c "[ ! -d /sys/module/iovnic ] && echo '$out' | grep -q 'Invalid argument'"

check "modprobe iovnic" modprobe iovnic
check_eq "default: one PF netdev" "iovnic0" \
	"$(ls /sys/class/net | grep '^iovnic' | tr '\n' ' ' | sed 's/ $//')"
check_eq "default total_vfs is 64" 64 "$(cat "$(pf_dev 0)/sriov_totalvfs")"
check "parameters are read-only" \
	bash -c '[ "$(stat -c %a /sys/module/iovnic/parameters/num_pfs)" = 444 ]'
check "rmmod iovnic" rmmod iovnic

iov_load num_pfs=3 total_vfs=7
check_eq "num_pfs=3 creates iovnic0..2" "iovnic0 iovnic1 iovnic2" \
	"$(ls /sys/class/net | grep '^iovnic' | tr '\n' ' ' | sed 's/ $//')"
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
