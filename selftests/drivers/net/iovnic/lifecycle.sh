#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A VF's life cycle: its ring, moderation, channels and RSS key are back at
# the defaults after a rebind and after sriov_numvfs 0 -> N; query_rss
# through ip and raw netlink; a MAC the PF sets is an assigned one
# (addr_assign_type 3, or 0 for a VF probed with it), which udev's
# MACAddressPolicy=persistent leaves alone while it replaces a random one;
# and races that used to be use-after-free or deadlocks: the PF's vf knobs
# and "ip link show" against sriov_numvfs and VF rebinds, a vf knob written
# during a disable (it must not survive into the next enable), and rmmod
# against sriov_numvfs=0.  Each race is bounded and checked for warnings.
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 25
dmesg_mark
iov_load total_vfs=4
pf=$(pf_dev 0)
VFDRV=/sys/bus/pci/drivers/iovnicvf
# Microsoft's RSS verification key
KEY=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa

vfpci() { basename "$(readlink -f "$pf/virtfn$1")"; }
# rebind N: unbind VF N from iovnicvf and bind it again
rebind() {
	local d
	d=$(vfpci "$1")
	echo "$d" > "$VFDRV/unbind" && echo "$d" > "$VFDRV/bind" &&
		wait_for_dev "iovnic0v$1"
}
# reenable N: sriov_numvfs 0, then N
reenable() { echo 0 > "$pf/sriov_numvfs" && iov_set_vfs "$1"; }
alive() { local p; for p; do kill -0 "$p" 2> /dev/null && return 0; done; return 1; }
mac_type() { echo "$(< "/sys/class/net/$1/address") $(< "/sys/class/net/$1/addr_assign_type")"; }

# --- a VF's queue settings and RSS key come back at the defaults
# vfq DEV: ring, rx-usecs/rx-frames, channels, the queues the indirection
# table uses, the RSS key
vfq() {
	echo "ring $(ethtool -g "$1" | awk '$1 == "RX:" { v = $2 } END { print v }')" \
		"usecs/frames $(ethtool -c "$1" | awk '$1 == "rx-usecs:" { u = $2 } $1 == "rx-frames:" { f = $2 } END { print u "/" f }')" \
		"combined $(ethtool -l "$1" | awk '$1 == "Combined:" { v = $2 } END { print v }')" \
		"$(ethtool -x "$1" | awk '$1 ~ /^[0-9]+:$/ { for (i = 2; i <= NF; i++) q[$i] = 1 }
			/^RSS hash key:/ { getline; k = $1 }
			END { printf "indir "; for (i = 0; i < 16; i++) if (i in q) printf "%d", i; print " key " k }')"
}
customize() {
	ip link set "$1" up &&
	ethtool -G "$1" rx 256 && ethtool -C "$1" rx-usecs 50 rx-frames 8 &&
	ethtool -L "$1" combined 3 && ethtool -X "$1" hkey "$KEY" equal 3
}
iov_set_vfs 2
key0=$(ethtool -x iovnic0v0 | awk '/^RSS hash key:/ { getline; print }')
DEFAULTS="ring 1024 usecs/frames 0/0 combined 1 indir 0 key $key0"
CUSTOM="ring 256 usecs/frames 50/8 combined 3 indir 012 key $KEY"
customize iovnic0v0
check_eq "VF takes ethtool -G rx 256, -C rx-usecs 50 rx-frames 8, -L 3, -X hkey" \
	"$CUSTOM" "$(vfq iovnic0v0)"
rebind 0
check_eq "after unbind/bind: ring 1024, rx-usecs 0, 1 channel, the default key" \
	"$DEFAULTS" "$(vfq iovnic0v0)"
customize iovnic0v0
customize iovnic0v1
reenable 4
check_eq "after sriov_numvfs 0 -> 4: VF 0 and VF 1 at the defaults" \
	"$DEFAULTS|$DEFAULTS" "$(vfq iovnic0v0)|$(vfq iovnic0v1)"

# --- query_rss
qrss() { vf_line iovnic0 "$1" | grep -o 'query_rss o[nf]*'; }
check_eq "ip link set vf 0 query_rss on" OK "$(errno_of ip link set iovnic0 vf 0 query_rss on)"
check_eq "ip link show: vf 0 query_rss on, vf 1 still off" \
	"query_rss on|query_rss off" "$(qrss 0)|$(qrss 1)"
check_eq "query_rss off again" "OK query_rss off" \
	"$(errno_of ip link set iovnic0 vf 0 query_rss off) $(qrss 0)"
check_eq "netlink IFLA_VF_RSS_QUERY_EN vf 1 on" "OK query_rss on" \
	"$("$VFNL" iovnic0 1 rss_query 1) $(qrss 1)"
check_eq "netlink IFLA_VF_RSS_QUERY_EN vf 1 off" "OK query_rss off" \
	"$("$VFNL" iovnic0 1 rss_query 0) $(qrss 1)"
before=$(ip -d link show iovnic0)
got="$(errno_of ip link set iovnic0 vf 4 query_rss on) $("$VFNL" iovnic0 4 rss_query 1)"
got+=" $("$VFNL" iovnic0 -1 rss_query 1)"
[ "$before" = "$(ip -d link show iovnic0)" ] || got+=" (changed)"
check_eq "query_rss on a bad VF index (4 of 4, -1): EINVAL, nothing changed" \
	"EINVAL EINVAL EINVAL" "$got"
ip link set iovnic0 vf 0 query_rss on
reenable 4
check_eq "after sriov_numvfs 0 -> 4: vf 0 query_rss off" "query_rss off" "$(qrss 0)"

# --- the MAC the PF sets is an assigned one
check_eq "a VF starts with a random MAC (addr_assign_type 1)" 1 \
	"$(< /sys/class/net/iovnic0v0/addr_assign_type)"
ip link set iovnic0 vf 0 mac 02:00:00:00:10:00
check_eq "the PF sets it: the VF has it, addr_assign_type 3 (set)" \
	"02:00:00:00:10:00 3" "$(mac_type iovnic0v0)"
rebind 0
check_eq "a VF probed with a MAC its PF set: that MAC, addr_assign_type 0 (permanent)" \
	"02:00:00:00:10:00 0" "$(mac_type iovnic0v0)"

# ... and udev's MACAddressPolicy=persistent (Debian's 99-default.link)
# leaves it, trusted or not, while it replaces VF 2's random MAC
ip link set iovnic0 vf 1 mac 02:00:00:00:10:01 trust on
ip link set iovnic0 vf 3 mac 02:00:00:00:10:03 trust off
UDEVD=/lib/systemd/systemd-udevd
if [ -x "$UDEVD" ] && command -v udevadm > /dev/null; then
	udevd=
	if ! udevadm control --ping > /dev/null 2>&1; then
		mkdir -p /run/udev
		"$UDEVD" --daemon > /dev/null 2>&1
		udevd=$(pgrep -nx systemd-udevd)
	fi
	m0=$(mac_type iovnic0v0) m1=$(mac_type iovnic0v1) m2=$(mac_type iovnic0v2)
	m3=$(mac_type iovnic0v3)
	log "before udev: $m0, $m1, $m2, $m3"
	udevadm trigger --action=add --subsystem-match=net --sysname-match='iovnic0*'
	udevadm settle --timeout=60
	log "after udev: $(mac_type iovnic0v0), $(mac_type iovnic0v1), $(mac_type iovnic0v2), $(mac_type iovnic0v3)"
	check_eq "udev leaves the MAC of a VF probed with the PF's MAC (trust off)" \
		"02:00:00:00:10:00" "$(< /sys/class/net/iovnic0v0/address)"
	check_eq "udev leaves the MAC the PF set on a bound VF, trust on" \
		"02:00:00:00:10:01" "$(< /sys/class/net/iovnic0v1/address)"
	check_eq "udev leaves the MAC the PF set on a bound VF, trust off" \
		"02:00:00:00:10:03" "$(< /sys/class/net/iovnic0v3/address)"
	check "udev gave VF 2 (random MAC) a persistent one: the policy was applied" \
		test "${m2% *}" != "$(< /sys/class/net/iovnic0v2/address)"
	if [ -n "$udevd" ]; then
		udevadm control --exit
		wait_until 10 not alive "$udevd"
	fi
else
	for t in "probed with the PF's MAC" "PF-set, trust on" "PF-set, trust off" \
		"random MAC replaced"; do
		ktap_test_skip "udev: $t (no systemd-udevd here)"
	done
fi

# --- races.  A racer that does not stop within the bound is stuck in the
# kernel (RTNL or a device lock held forever): nothing after it could run.
# race_stop PIDS...: stop the racers, wait for them (120 s at most)
STOP=/tmp/iovt-race-stop
race_stop() {
	touch "$STOP"
	wait_until 120 not alive "$@" ||
		ktap_exit_fail_msg "racers still running after 120 s (hung in the kernel?)"
	wait "$@"
	rm -f "$STOP"
}

# vf_loop WHAT: until $STOP exists, as fast as one process can, send
# RTM_SETLINK VF requests to iovnic0 ("mac": vf 0 mac, a new one each time,
# each followed by an RTM_GETLINK of iovnic0 with its VF info, as "ip link
# show" does; "vlantrust": vf 1 vlan 5 trust on, in one request, as ip
# sends it); print how many requests the kernel accepted
vf_loop() {
	python3 -S - "$VFNL" "$STOP" "$1" <<'PY'
import os, socket, struct, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import vfnl	# noqa: E402
stop, what = sys.argv[2], sys.argv[3]
RTM_GETLINK, IFLA_EXT_MASK, RTEXT_FILTER_VF = 18, 29, 1
index = socket.if_nametoindex("iovnic0")
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, 0))
ifi = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, 0, 0)


def request(kind, flags, body):
    s.send(struct.pack("=IHHII", 16 + len(body), kind, flags, 1, 0) + body)
    data = s.recv(65536)
    kind = struct.unpack_from("=IH", data)[1]
    return kind != vfnl.NLMSG_ERROR or struct.unpack_from("=i", data, 16)[0] == 0


def setlink(attrs):
    info = vfnl.nla(vfnl.IFLA_VF_INFO | vfnl.NLA_F_NESTED, attrs)
    return request(vfnl.RTM_SETLINK, vfnl.NLM_F_REQUEST | vfnl.NLM_F_ACK,
                   ifi + vfnl.nla(vfnl.IFLA_VFINFO_LIST | vfnl.NLA_F_NESTED, info))


getlink = ifi + vfnl.nla(IFLA_EXT_MASK, struct.pack("=I", RTEXT_FILTER_VF))
vlantrust = vfnl.vf_attr("vlan", 1, ["5", "0"]) + vfnl.vf_attr("trust", 1, ["1"])
ok = i = 0
while not os.path.exists(stop):
    i += 1
    if what == "mac":
        ok += setlink(vfnl.vf_attr("mac", 0, ["02:00:00:00:%02x:%02x" % (0x20 + i // 256 % 16, i % 256)]))
        request(RTM_GETLINK, vfnl.NLM_F_REQUEST, getlink)
    else:
        ok += setlink(vlantrust)
print(ok)
PY
}

# 1. the PF's vf mac and ip link show against sriov_numvfs 0/2 and VF 0's
# unbind/bind, 20 s
reenable 2
vf0=$(vfpci 0)
rm -f "$STOP"
R=()
vf_loop mac > /tmp/iovt-race-mac 2> /dev/null &
R+=($!)
(
	i=0
	while [ ! -e "$STOP" ]; do
		echo 0 > "$pf/sriov_numvfs"
		echo 2 > "$pf/sriov_numvfs"
		i=$((i + 1))
	done
	echo "$i" > /tmp/iovt-race-numvfs
) > /dev/null 2>&1 &
R+=($!)
(
	i=0
	while [ ! -e "$STOP" ]; do
		echo "$vf0" > "$VFDRV/unbind" && echo "$vf0" > "$VFDRV/bind" &&
			i=$((i + 1))
	done
	echo "$i" > /tmp/iovt-race-bind
) > /dev/null 2>&1 &
R+=($!)
sleep 20
race_stop "${R[@]}"
log "race 1: $(< /tmp/iovt-race-mac) vf 0 macs set (each with a show)," \
	"$(< /tmp/iovt-race-numvfs) numvfs 0/2, $(< /tmp/iovt-race-bind) unbind+bind"
check "20 s of vf mac + show vs sriov_numvfs 0/2 and VF unbind/bind: all stopped" true
ok=1
reenable 2 && ip link set iovnic0 vf 0 mac 02:00:00:00:10:00 || ok=0
check_eq "afterwards sriov_numvfs 0 -> 2 and vf 0 mac work" \
	"1 02:00:00:00:10:00" "$ok $(< /sys/class/net/iovnic0v0/address)"
check "race 1: no kernel warnings" dmesg_clean
dmesg_mark

# 2. vf 1 vlan 5 trust on, over and over while sriov_numvfs=0 runs: a
# write the disable let through must not survive into the next enable
ROUNDS=8
bad=0 writes=0
for ((r = 0; r < ROUNDS; r++)); do
	reenable 2
	vf_loop vlantrust > /tmp/iovt-writes 2> /dev/null &
	w=$!
	sleep 0.$((RANDOM % 5))
	echo 0 > "$pf/sriov_numvfs"
	race_stop "$w"
	writes=$((writes + $(< /tmp/iovt-writes)))
	iov_set_vfs 2
	line=$(vf_line iovnic0 1)
	if [[ $line == *"vlan 5"* || $line != *"trust off"* ]]; then
		log "round $r, after re-enable: $line"
		bad=$((bad + 1))
	fi
done
log "race 2: $writes vf 1 writes accepted in $ROUNDS rounds"
check_eq "vf 1 vlan 5 trust on racing sriov_numvfs=0 ($ROUNDS rounds): defaults after each re-enable" \
	0 "$bad"
check "race 2: no kernel warnings" dmesg_clean
dmesg_mark

# 3. rmmod against sriov_numvfs=0, 6 times: started together, or the
# write a little after rmmod (while it tears the VFs down)
iov_unload
rmok=0 loadok=0
for delay in 0 0 0.1 0.2 0.3 0.5; do
	modprobe iovnic total_vfs=4 && iov_set_vfs 4 && loadok=$((loadok + 1))
	pf=$(pf_dev 0)
	rmmod iovnic > /tmp/iovt-rmmod 2>&1 &
	rm=$!
	(sleep "$delay"; echo 0 > "$pf/sriov_numvfs") > /dev/null 2>&1 &
	wr=$!
	wait_until 120 not alive "$rm" "$wr" ||
		ktap_exit_fail_msg "rmmod and sriov_numvfs=0 (written $delay s after it) still running after 120 s: deadlock?"
	if wait "$rm" && [ ! -d /sys/module/iovnic ]; then
		rmok=$((rmok + 1))
	else
		log "write $delay s after rmmod: rmmod: $(< /tmp/iovt-rmmod)"
	fi
	wait "$wr"
done
check_eq "rmmod racing sriov_numvfs=0: done within 120 s and unloaded, 6 of 6" 6 "$rmok"
modprobe iovnic total_vfs=4 && iov_set_vfs 2 && loadok=$((loadok + 1))
check_eq "the module loads again each time and enables VFs, 7 of 7" 7 "$loadok"
iov_unload
check "race 3: no kernel warnings" dmesg_clean
log "lifecycle.sh took ${SECONDS}s"
ktap_finished
