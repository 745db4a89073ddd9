#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The attacker test: root inside an untrusted VF's namespace asks for 20000
# multicast groups, 5000 secondary MACs, every VLAN (1-4094) and toggles
# promisc.  The switch installs only the VF's quota (README "VF quotas":
# 8 uc, 32 mc, 8 VLANs, 48 entries in all), counts and logs (rate-limited)
# the rest, and every other vport keeps its filters and its traffic.
# Trusting the VF raises its quota, trust off brings it back.
. "$(dirname "$0")/lib.sh"

UNTRUSTED_MAX=48	# (MAC, VLAN) entries of an untrusted VF
TRUSTED_MAX=8192	# ... of a trusted one
N_MC=20000 N_UC=5000

ktap_print_header
ktap_set_plan 40
dmesg_mark
iov_load total_vfs=4
vf_nets 4
# VF1 and VF2 also meet in VLAN 100
for i in 1 2; do
	ip -n "iovt-$i" link add link "iovnic0v$i" name "v$i.100" type vlan id 100
	ip -n "iovt-$i" addr add "198.51.100.$((i + 1))/24" dev "v$i.100"
	ip -n "iovt-$i" link set "v$i.100" up
done
m2=$(mac_of iovt-2 iovnic0v2)

isnum() { [[ $1 =~ ^[0-9]+$ ]]; }
# le A B: A and B are numbers and A <= B
le() { isnum "$1" && isnum "$2" && (($1 <= $2)); }
vfst() { stat_of "iovnic0v$1" "$2" "iovt-$1"; }	# VF N's ethtool -S NAME
filters() { vfst "$1" vport_filters; }
over() { vfst "$1" vport_filters_over_quota; }
sw() { stat_of iovnic0 switch_filters; }
# every vport's entries, summed (empty if a counter is missing)
sum_filters() {
	local s i v
	s=$(stat_of iovnic0 vport_filters)
	isnum "$s" || return
	for i in 0 1 2 3; do
		v=$(filters "$i")
		isnum "$v" || return
		s=$((s + v))
	done
	echo "$s"
}
# held N: "vport_filters/vport_filters_over_quota" of VF N ("missing"
# without those counters)
held() {
	local f o
	f=$(filters "$1") o=$(over "$1")
	if isnum "$f" && isnum "$o"; then echo "$f/$o"; else echo missing; fi
}
# the other VFs': "f1/o1 f2/o2 f3/o3", with none refused
others() { echo "$(held 1) $(held 2) $(held 3)"; }
# others_kept: the other VFs hold what they held before, none refused
others_kept() {
	local now
	now=$(others)
	if [[ $now =~ ^[0-9]+/0\ [0-9]+/0\ [0-9]+/0$ ]] && same "$base_others" "$now"; then
		return 0
	fi
	log "VF1-3 before: $base_others, now: $now"
	return 1
}
# same WANT NOW: NOW is WANT, and WANT has the counters
same() {
	[[ $1 != *missing* && $1 = "$2" ]] || { log "expected '$1', got '$2'"; return 1; }
}
# asked: the (MAC, VLAN) entries VF0's owner asks for: its MAC, secondary
# unicast and multicast addresses (the netdev's lists, as "bridge fdb show"
# dumps them), in VLAN 0 and each VLAN it joined (its VLAN devices).
asked() {
	local nvlans
	nvlans=$(ip -n iovt-0 -o link show type vlan | wc -l)
	ip netns exec iovt-0 bridge fdb show dev iovnic0v0 | python3 -S -c '
import sys
addrs = {l.split()[0] for l in sys.stdin if l.strip()}
print((1 + int(sys.argv[1])) * (1 + len(addrs)))' "$nvlans"
}
# held + refused = asked: "vport_filters + vport_filters_over_quota"
accounted() {
	local f o
	f=$(filters 0) o=$(over 0)
	isnum "$f" && isnum "$o" && echo $((f + o))
}
# settle: $want = what VF0 asks for now; wait (30 s at most) until the
# switch accounts for all of it: its address lists reach the switch through
# a work item.  (Not at all if the counters are missing.)
settle() {
	local a end=$((SECONDS + 30))
	want=$(asked)
	while a=$(accounted) && [ "$a" != "$want" ]; do
		if ((SECONDS >= end)); then
			log "VF0: asked $want, held $(filters 0), refused $(over 0)"
			return 1
		fi
		sleep 0.2
	done
}

# VF1 <-> VF2, untagged and in VLAN 100
vf12_ping() {
	ping_ok iovt-1 192.0.2.3 && ping_ok iovt-2 192.0.2.2 &&
		ping_ok iovt-1 198.51.100.3 && ping_ok iovt-2 198.51.100.2
}

check "baseline: VF1 and VF2 ping each other, untagged and in VLAN 100" vf12_ping
check "baseline: VF0 pings VF1" ping_ok iovt-0 192.0.2.2
pf_f=$(stat_of iovnic0 vport_filters)
base_others=$(others)
f0=$(filters 0)
sw0=$(sw)
log "before: switch_filters $sw0, PF $pf_f, VF0 $f0, VF1-3 (held/refused) $base_others"
check_eq "baseline: switch_filters = the sum of every vport's vport_filters" \
	"$sw0" "$(sum_filters)"
bound=$((pf_f + 4 * UNTRUSTED_MAX))	# what the quotas allow in all

# A sampler records the largest switch_filters seen during the attack.
rm -f /tmp/iovt-sample-stop
echo 0 > /tmp/iovt-sample-max
(
	m=0
	while [ ! -e /tmp/iovt-sample-stop ]; do
		v=$(stat_of iovnic0 switch_filters)
		isnum "$v" || v=999999	# no such counter: no bound either
		((v > m)) && m=$v && echo "$m" > /tmp/iovt-sample-max
		sleep 0.2
	done
) &
sampler=$!
t0=$(date +%s)
dm0=$(dmesg | wc -l)

# --- 1. multicast: SIOCADDMULTI as "ip maddr add" does (ip -b cannot
# batch maddr: iproute2 exits after the first one), 20000 groups
ip netns exec iovt-0 python3 -S - iovnic0v0 "$N_MC" <<'PY'
import fcntl, socket, struct, sys
SIOCADDMULTI = 0x8931
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ok = 0
for i in range(int(sys.argv[2])):
    mac = bytes([0x01, 0x00, 0x5e, 0x40 | (i >> 16), (i >> 8) & 255, i & 255])
    try:
        fcntl.ioctl(s, SIOCADDMULTI,
                    struct.pack("16sH14s8x", sys.argv[1].encode(), 0, mac))
        ok += 1
    except OSError as e:
        print("maddr add %d: %s" % (i, e), file=sys.stderr)
        break
print("# %d multicast addresses added" % ok)
PY
n=$(ip -n iovt-0 maddr show dev iovnic0v0 | grep -c $'^\tlink  01:00:5e:4')
check_eq "attacker: $N_MC multicast groups on VF0's netdev" "$N_MC" "$n"
settle
log "multicast flood: VF0 holds $(filters 0), refused $(over 0), switch_filters $(sw)"
# its own MAC (reserved) + 32 groups
check_eq "multicast flood: VF0 holds 1 + 32 entries" 33 "$(filters 0)"
check_eq "multicast flood: held + over quota = asked" "$want" "$(accounted)"

# --- 2. 5000 secondary unicast addresses in one "bridge -b"
python3 -S -c '
import sys
for i in range(int(sys.argv[1])):
    print("fdb add 02:aa:00:00:%02x:%02x dev iovnic0v0 self permanent" % (i >> 8, i & 255))
' "$N_UC" > /tmp/iovt-uc.batch
ip netns exec iovt-0 bridge -b /tmp/iovt-uc.batch 2>&1 | sort | uniq -c | head -3 |
	sed 's/^/# bridge -b: /'
n=$(ip netns exec iovt-0 bridge fdb show dev iovnic0v0 | grep -c '^02:aa:00:00:')
check_eq "attacker: $N_UC secondary MACs on VF0's netdev" "$N_UC" "$n"
settle
log "unicast flood: VF0 holds $(filters 0), refused $(over 0), switch_filters $(sw)"
check_eq "unicast flood: VF0 holds 1 + 8 + 32 entries" 41 "$(filters 0)"
check_eq "unicast flood: held + over quota = asked" "$want" "$(accounted)"

# --- 3. every VLAN: 4094 "ip link add ... type vlan" in one batch (-force: go
# on past errors), bounded in time
python3 -S -c '
for i in range(1, 4095):
    print("link add link iovnic0v0 name v0.%d type vlan id %d" % (i, i))
' > /tmp/iovt-vlan.batch
timeout 120 ip -n iovt-0 -force -b /tmp/iovt-vlan.batch > /tmp/iovt-vlan.out 2>&1
nvlan=$(ip -n iovt-0 -o link show type vlan | wc -l)
first=$(grep -m1 -o 'iovt-vlan.batch:[0-9]*' /tmp/iovt-vlan.out | cut -d: -f2)
err=$(grep -m1 '^RTNETLINK answers' /tmp/iovt-vlan.out)
enospc=$(grep -c 'No space left on device' /tmp/iovt-vlan.out)
log "VLAN flood: $nvlan VLAN devices, first refusal at line ${first:-none} ($err), $enospc ENOSPC"
check_eq "VLAN flood: 8 VLAN devices, the 9th and all later ones ENOSPC" \
	"8 9 $(errno_name "$err" 1) 4086" "$nvlan ${first:-none} ENOSPC $enospc"
settle
log "VLAN flood: VF0 holds $(filters 0), refused $(over 0), switch_filters $(sw)"
capped() { le "$(filters 0)" "$UNTRUSTED_MAX" && test "$(over 0)" -gt 0; }
check "VLAN flood: VF0 holds at most $UNTRUSTED_MAX entries, refuses the rest" capped
check_eq "VLAN flood: held + over quota = asked" "$want" "$(accounted)"

# --- 4. promisc on/off 50 times, and left on
held0=$(held 0)
python3 -S -c '
for i in range(50):
    print("link set iovnic0v0 promisc on")
    print("link set iovnic0v0 promisc off")
print("link set iovnic0v0 promisc on")
' > /tmp/iovt-promisc.batch
ip -n iovt-0 -b /tmp/iovt-promisc.batch
sleep 0.5
check "promisc toggled 50 times: VF0's entries unchanged" same "$held0" "$(held 0)"

touch /tmp/iovt-sample-stop
wait "$sampler"
elapsed=$(($(date +%s) - t0))
smax=$(cat /tmp/iovt-sample-max)
log "attack took ${elapsed}s; switch_filters peaked at $smax (bound $bound), now $(sw)"
check "switch_filters never above the PF's $pf_f + 4 x $UNTRUSTED_MAX during the attack" \
	le "$smax" "$bound"
check_eq "switch_filters = the sum of every vport's vport_filters" \
	"$(sw)" "$(sum_filters)"
check "VF1-3 keep their entries, none refused" others_kept
# pr_warn_ratelimited: 10 lines per 5 s at most
nlog=$(dmesg | tail -n +"$((dm0 + 1))" | grep -cE 'iovnic0: VF 0: [0-9]+ filters over quota refused')
log "'filters over quota refused' lines: $nlog in ${elapsed}s"
check "dmesg: 'iovnic0: VF 0: K filters over quota refused', rate-limited" \
	test "$nlog" -ge 1 -a "$nlog" -le $((10 * (elapsed / 5 + 2)))
check "after the attack: VF1 and VF2 ping each other, untagged and in VLAN 100" vf12_ping
check "after the attack: VF0 pings VF1 (its own MAC is installed)" ping_ok iovt-0 192.0.2.2

# --- VF2 takes a new MAC and still receives
new2=02:00:00:00:22:22
check "VF2 changes its MAC" ip -n iovt-2 link set iovnic0v2 address "$new2"
ip -n iovt-1 neigh flush all
check "VF2's new MAC: VF1 and VF2 ping each other, untagged and in VLAN 100" vf12_ping
cap v2 iovt-2 iovnic0v2 --dst "$new2"
cap v0 iovt-0 iovnic0v0 --dst "$new2"
cap_send iovt-1 iovnic0v1 --dst "$new2" --count 20
check_eq "VF2's new MAC: 20 unicast frames from VF1 delivered" 20 "$(capn v2)"
promisc0() { ip -n iovt-0 link show iovnic0v0 | grep -c PROMISC; }
check_eq "untrusted promiscuous VF0 gets none of VF1 -> VF2 unicast" \
	"promisc 1, got 0" "promisc $(promisc0), got $(capn v0)"
# VF1 still sends to VF2's old MAC (a stale neighbour): unknown unicast
cap v0 iovt-0 iovnic0v0 --dst "$m2"
cap_send iovt-1 iovnic0v1 --dst "$m2" --count 20
check_eq "untrusted promiscuous VF0 gets none of VF1's frames to VF2's old MAC" \
	0 "$(capn v0)"

# --- trust: the bigger quota at once, and back
ip link set iovnic0 vf 0 trust on
settle
log "trusted: VF0 holds $(filters 0), refused $(over 0), switch_filters $(sw)"
grown() { le $((UNTRUSTED_MAX + 1)) "$(filters 0)" && le "$(filters 0)" "$TRUSTED_MAX"; }
check "trust on: VF0's entries grow above $UNTRUSTED_MAX, to at most $TRUSTED_MAX" grown
check_eq "trust on: held + over quota = asked (fewer refused)" "$want" "$(accounted)"
check_eq "trust on: switch_filters = the sum of every vport's vport_filters" \
	"$(sw)" "$(sum_filters)"
check "trust on: VF1-3 keep their entries, none refused" others_kept
cap v0 iovt-0 iovnic0v0 --dst "$m2"
cap_send iovt-1 iovnic0v1 --dst "$m2" --count 20
check_eq "trust on (control): promiscuous VF0 now gets the frames to VF2's old MAC" \
	20 "$(capn v0)"
check_eq "trust on: a 9th VLAN device (VLAN 100) joins" OK \
	"$(errno_of ip -n iovt-0 link add link iovnic0v0 name v0.100 type vlan id 100)"
ip -n iovt-0 addr add 198.51.100.1/24 dev v0.100
ip -n iovt-0 link set v0.100 up
settle
vf0_ping2() { ping_ok iovt-0 192.0.2.2 && ping_ok iovt-0 198.51.100.2; }
check "trust on: VF0 pings VF1, untagged and in VLAN 100" vf0_ping2

ip link set iovnic0 vf 0 trust off
want=$(asked)
log "trust off: VF0 holds $(filters 0), refused $(over 0), asked $want, switch_filters $(sw)"
check "trust off: VF0 back to at most $UNTRUSTED_MAX entries" le "$(filters 0)" "$UNTRUSTED_MAX"
# 9 VLANs now: the 9th is over quota, and so is every entry in it
check_eq "trust off: held + over quota = asked (the 9th VLAN's entries refused too)" \
	"$want" "$(accounted)"
check "trust off: VF1-3 keep their entries, none refused" others_kept
check "trust off: VF0 pings VF1" ping_ok iovt-0 192.0.2.2
cap v0 iovt-0 iovnic0v0 --dst "$m2"
cap_send iovt-1 iovnic0v1 --dst "$m2" --count 20
check_eq "trust off: promiscuous VF0 no longer gets VF2's old-MAC frames" 0 "$(capn v0)"
ip -n iovt-0 link del v0.100
settle
check "9th VLAN removed: VF0 back to its entries before trust" \
	same "$held0" "$(held 0)"
check "end: VF1 and VF2 ping each other, untagged and in VLAN 100" vf12_ping

check "rmmod iovnic with the attacker's addresses and VLANs in place" iov_unload
check "no kernel warnings" dmesg_clean
ktap_finished
