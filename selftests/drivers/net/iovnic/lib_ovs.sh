# SPDX-License-Identifier: GPL-2.0
# Debian's Open vSwitch for the iovnic selftests, without systemd: source it
# after lib.sh.  ovsdb-server and ovs-vswitchd run as daemons with every file
# (database, pid files, sockets, logs) under $OVS_DIR, since the guest's
# /etc, /var and /usr are read-only.  The OVS_* variables tell the daemons
# and ovs-vsctl, ovs-appctl, ovs-ofctl and ovs-dpctl where those files are.
#   ovs_start [KEY=VALUE...]	fresh database, hw-offload on, both daemons
#   ovs_stop			both daemons gone, no datapath, no $OVS_DIR
#   ovs_offloaded_flows, ovs_tc_flows, ovs_kernel_flows	datapath flows

OVS_DIR=${OVS_DIR:-/run/iovt-ovs}
export OVS_RUNDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR
export OVS_SYSCONFDIR=$OVS_DIR
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
# the daemons log to their files only, nothing on the test's KTAP output
# (before --log-file, which says that it opened the file)
OVS_VLOG=(-vconsole:off -vsyslog:off -vfile:info)

# ovs_pid NAME: the live pid of daemon NAME (ovsdb-server, ovs-vswitchd)
ovs_pid() {
	local pid

	pid=$(cat "$OVS_DIR/$1.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# ovs_configured: ovs-vswitchd has applied the database's latest contents
ovs_configured() {
	local cur next

	cur=$(ovs-vsctl --timeout=5 get Open_vSwitch . cur_cfg 2>/dev/null) &&
	next=$(ovs-vsctl --timeout=5 get Open_vSwitch . next_cfg 2>/dev/null) &&
	[ "$cur" != 0 ] && [ "$cur" = "$next" ]
}

# ovs_start [KEY=VALUE...]: a fresh Open vSwitch with other_config
# hw-offload=true, tc-policy=none and the KEY=VALUEs (read by ovs-vswitchd
# only when it starts: they are in the database before it does).  Returns
# non-zero, with a log line, if anything does not come up.
ovs_start() {
	local kv cfg=(other_config:hw-offload=true other_config:tc-policy=none)

	for kv; do
		cfg+=("other_config:$kv")
	done
	ovs_stop
	if ! modprobe openvswitch; then
		log "ovs: cannot load the openvswitch module"
		return 1
	fi
	if ! mkdir -p "$OVS_DIR"; then
		log "ovs: cannot make $OVS_DIR"
		return 1
	fi
	if ! ovsdb-tool create "$OVS_DIR/conf.db" "$OVS_SCHEMA"; then
		log "ovs: ovsdb-tool cannot create $OVS_DIR/conf.db"
		return 1
	fi
	# --detach returns once the daemon is up; wait_until is for the socket
	if ! ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovsdb-server.pid" \
		"${OVS_VLOG[@]}" --log-file="$OVS_DIR/ovsdb-server.log" \
		--detach --no-chdir ||
	   ! wait_until 30 ovs-vsctl --no-wait --timeout=5 show > /dev/null; then
		log "ovs: ovsdb-server did not start ($OVS_DIR/ovsdb-server.log):"
		sed 's/^/#   /' "$OVS_DIR/ovsdb-server.log" 2>/dev/null
		return 1
	fi
	# next_cfg 1: ovs-vswitchd sets cur_cfg to it once it has applied
	# the database (ovs_configured), as after an "ovs-vsctl" that waits
	if ! ovs-vsctl --no-wait init -- set Open_vSwitch . "${cfg[@]}" \
		next_cfg=1; then
		log "ovs: cannot initialise the database"
		return 1
	fi
	# (the default control socket, ovs-vswitchd.<pid>.ctl, is the one
	# "ovs-appctl -t ovs-vswitchd" finds through the pid file)
	if ! ovs-vswitchd "unix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" \
		"${OVS_VLOG[@]}" --log-file="$OVS_DIR/ovs-vswitchd.log" \
		--detach --no-chdir ||
	   ! wait_until 30 ovs_configured; then
		log "ovs: ovs-vswitchd did not start ($OVS_DIR/ovs-vswitchd.log):"
		sed 's/^/#   /' "$OVS_DIR/ovs-vswitchd.log" 2>/dev/null
		return 1
	fi
	if ! wait_until 30 grep -q "netdev: Flow API Enabled" \
		"$OVS_DIR/ovs-vswitchd.log"; then
		log "ovs: ovs-vswitchd did not enable hw-offload (the Flow API)"
		return 1
	fi
}

# ovs_gone NAME: daemon NAME has no live process left
ovs_gone() { ! ovs_pid "$1" > /dev/null; }

# ovs_stop: stop ovs-vswitchd (removing its datapath and ports) and
# ovsdb-server, whatever is left of them, delete the datapath if it is still
# there, take the ingress qdisc that hw-offload added off the bridges' ports
# and remove $OVS_DIR.  Safe when nothing runs.
ovs_stop() {
	local d pid br ports=()

	if ovs_pid ovsdb-server > /dev/null; then
		for br in $(ovs-vsctl --timeout=5 list-br 2>/dev/null); do
			# shellcheck disable=SC2207 # interface names have no blanks
			ports+=($(ovs-vsctl --timeout=5 list-ifaces "$br" 2>/dev/null))
		done
	fi
	if ovs_pid ovs-vswitchd > /dev/null; then
		ovs-appctl --timeout=10 -t ovs-vswitchd exit --cleanup \
			> /dev/null 2>&1
	fi
	if ovs_pid ovsdb-server > /dev/null; then
		ovs-appctl --timeout=10 -t ovsdb-server exit > /dev/null 2>&1
	fi
	for d in ovs-vswitchd ovsdb-server; do
		ovs_gone "$d" && continue
		wait_until 10 ovs_gone "$d" && continue
		pid=$(ovs_pid "$d") && kill -KILL "$pid" 2>/dev/null
		wait_until 10 ovs_gone "$d"
	done
	if [ -e /sys/class/net/ovs-system ]; then
		ovs-dpctl del-dp ovs-system ||
			log "ovs: cannot delete the datapath ovs-system"
	fi
	for d in "${ports[@]}"; do
		[ -e "/sys/class/net/$d" ] && tc qdisc del dev "$d" ingress 2>/dev/null
	done
	rm -rf "$OVS_DIR"
	return 0
}

# The datapath's flows: those in hardware, those in tc (software or
# hardware) and those in the kernel's openvswitch datapath.
ovs_offloaded_flows() { ovs-appctl dpctl/dump-flows type=offloaded; }
ovs_tc_flows() { ovs-appctl dpctl/dump-flows type=tc; }
ovs_kernel_flows() { ovs-appctl dpctl/dump-flows type=ovs; }
