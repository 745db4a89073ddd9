#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real VM on a VF, the libvirt type='direct' mode='passthrough' way: the
# PF sets VF 0's MAC and port VLAN, a macvtap in passthru mode sits on it,
# and QEMU (inside this guest, TCG) boots this very kernel with a busybox
# initramfs and -netdev tap,fd=N on the macvtap.  The VM's virtio-net NIC
# gets the VF's MAC; it pings VF 1 (same VLAN, in a namespace) and VF 1
# pings it.  Nested TCG is slow: not in make check; make check-vm runs it.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 6
dmesg_mark
iov_load total_vfs=2
X=02:00:00:00:c0:00
tap=$(vf_for_vm $X)

# the VM's initramfs: busybox, virtio-net and what it needs, an init that
# brings the NIC up, answers pings for a while and pings VF 1
kver=$(uname -r)
d=$(mktemp -d /tmp/iovt-nvm.XXXXXX)
mkdir -p "$d"/{bin,dev,proc,sys,lib}
cp /bin/busybox "$d/bin/"
seen=" "
add_mod() {
	local m=${1//-/_} dep file

	[[ $seen == *" $m "* ]] && return
	seen+="$m "
	for dep in $(modinfo -F depends "$m" | tr , ' '); do
		add_mod "$dep"
	done
	file=$(modinfo -F filename "$m")
	[ "$file" = "(builtin)" ] && return
	m=$(basename "$file"); m=${m%.xz}; m=${m%.zst}
	case $file in
	*.xz)	xz -dc "$file" > "$d/lib/$m" ;;
	*.zst)	zstd -qdc "$file" > "$d/lib/$m" ;;
	*)	cp "$file" "$d/lib/$m" ;;
	esac
	echo "$m" >> "$d/modules.order"
}
: > "$d/modules.order"
add_mod virtio_pci
add_mod virtio_net
cat > "$d/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do insmod "/lib/$m"; done
i=0
until [ -e /sys/class/net/eth0 ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "VM-MAC $(cat /sys/class/net/eth0/address)"
ip link set lo up
ip link set eth0 up
ip addr add 192.0.2.1/24 dev eth0
echo VM-READY
if ping -c 3 -W 10 192.0.2.2 > /dev/null; then echo VM-PING-OK; else echo VM-PING-FAIL; fi
# stay up until the host has pinged us (it writes nothing to tell us:
# wait out its ping)
sleep 60
poweroff -f
EOF
chmod 755 "$d/init"
(cd "$d" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$d.cpio.gz"

log "booting $kver in QEMU (TCG inside TCG) on $tap"
timeout 1500 qemu-system-x86_64 -accel tcg -cpu max,la57=off,cx16=off -smp 1 -m 256 \
	-nographic -no-reboot -vga none -nic none -bios qboot.rom \
	-kernel "/boot/vmlinuz-$kver" -initrd "$d.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 mitigations=off" \
	-netdev tap,id=n0,fd=3 -device virtio-net-pci,netdev=n0,mac=$X \
	3<>"$tap" > /tmp/iovt-nvm.log 2>&1 &
qemu=$!
vm_said() { grep -q "$1" /tmp/iovt-nvm.log; }
check "the VM booted and brought its NIC up" wait_until 1200 vm_said VM-READY
check_eq "the VM's NIC has the VF's MAC" "VM-MAC $X" "$(grep -o 'VM-MAC .*' /tmp/iovt-nvm.log | tr -d '\r')"
check "the VM pings VF 1 through its VF" wait_until 300 vm_said 'VM-PING-'
vm_said VM-PING-OK || log "$(tail -n 20 /tmp/iovt-nvm.log)"
check "... and it answered" vm_said VM-PING-OK
check "VF 1 pings the VM" ip netns exec iovt-b ping -c 3 -W 10 -q 192.0.2.1 > /dev/null
kill "$qemu" 2>/dev/null
wait
ip link del iovt-mvt
ip netns del iovt-b
rm -rf "$d" "$d.cpio.gz"
check "no kernel warnings" dmesg_clean
ktap_finished
