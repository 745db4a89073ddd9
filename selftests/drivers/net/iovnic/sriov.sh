#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sriov_numvfs with the PCI core's semantics, and sriov_drivers_autoprobe.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 17
dmesg_mark
iov_load total_vfs=8
pf=$(pf_dev 0)

check_eq "numvfs starts at 0" 0 "$(cat "$pf/sriov_numvfs")"
check "0 -> 4" iov_set_vfs 4
check_eq "numvfs reads 4" 4 "$(cat "$pf/sriov_numvfs")"
check_eq "4 VF netdevs" 4 "$(ls /sys/class/net | grep -c '^iovnic0v')"
check_eq "4 -> 2 fails with EBUSY" EBUSY "$(errno_of_write "$pf/sriov_numvfs" 2)"
check_eq "still 4 after EBUSY" 4 "$(cat "$pf/sriov_numvfs")"
check "4 -> 0" iov_set_vfs 0
check_eq "no VF netdevs left" 0 "$(ls /sys/class/net | grep -c '^iovnic0v')"
check_eq "9 > TotalVFs fails with ERANGE" ERANGE "$(errno_of_write "$pf/sriov_numvfs" 9)"
check_eq "non-numeric fails with EINVAL" EINVAL "$(errno_of_write "$pf/sriov_numvfs" abc)"
check_eq "still 0 after bad writes" 0 "$(cat "$pf/sriov_numvfs")"

# autoprobe off: VFs appear as PCI functions without netdevs, bind by hand
echo 0 > "$pf/sriov_drivers_autoprobe"
echo 2 > "$pf/sriov_numvfs"
vf0=$(readlink -f "$pf/virtfn0")
check "autoprobe=0: VF exists, unbound" \
	bash -c "[ -d '$vf0' ] && [ ! -e '$vf0/driver' ]"
check_eq "autoprobe=0: no VF netdevs" 0 "$(ls /sys/class/net | grep -c '^iovnic0v')"
# the PCI core refuses to probe a VF with autoprobe off unless the VF has
# a driver_override: that is the documented way to bind one by hand
check_eq "autoprobe=0: plain bind refused with ENODEV" ENODEV \
	"$(errno_of_write /sys/bus/pci/drivers/iovnicvf/bind "$(basename "$vf0")")"
echo iovnicvf > "$vf0/driver_override"
echo "$(basename "$vf0")" > /sys/bus/pci/drivers/iovnicvf/bind
check "manual bind creates iovnic0v0" wait_for_dev iovnic0v0
echo "$(basename "$vf0")" > /sys/bus/pci/drivers/iovnicvf/unbind
check "unbind removes iovnic0v0" bash -c '[ ! -e /sys/class/net/iovnic0v0 ]'
echo 0 > "$pf/sriov_numvfs"
echo 1 > "$pf/sriov_drivers_autoprobe"
iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
