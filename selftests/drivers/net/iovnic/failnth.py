#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail the Nth fault site (an allocation: failslab) of one reconfiguration,
for N = 1, 2, ... until the reconfiguration runs through without reaching
an Nth site: the kernel's per-task fail-nth
(Documentation/fault-injection/fault-injection.rst), the way syzkaller
injects faults.  After every try the device must be in its old
configuration (the change failed with an errno) or in the new one (it
succeeded: what failed was something it can do without, a notification
say), never in between; a success is undone, without faults, before the
next try.

  failnth.py DEV L N     ethtool -L DEV combined N     (SIOCETHTOOL)
  failnth.py DEV G N     ethtool -G DEV rx N
  failnth.py DEV up      ip link set DEV up            (DEV is down)

Prints "sites S failed F errnos E bad B": S tries reached a fault site,
F of them failed, E the errno names they failed with (sorted, unique),
B tries that left something else (each one logged on stderr).
"""

import array
import errno
import fcntl
import os
import re
import socket
import struct
import sys

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
SIOCETHTOOL = 0x8946
IFF_UP = 0x1
ETHTOOL_GRINGPARAM = 0x10
ETHTOOL_SRINGPARAM = 0x11
ETHTOOL_GCHANNELS = 0x3C
ETHTOOL_SCHANNELS = 0x3D
RING_RX = 5		# struct ethtool_ringparam: rx_pending
CHAN_COMBINED = 8	# struct ethtool_channels: combined_count
IFREQ = 40		# sizeof(struct ifreq) on 64-bit

SOCK = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def ethtool(dev, words):
    """One SIOCETHTOOL on a struct of u32 words; returns the words after."""
    buf = array.array("I", words)
    ifr = struct.pack("16sP", dev.encode(), buf.buffer_info()[0])
    fcntl.ioctl(SOCK, SIOCETHTOOL, ifr.ljust(IFREQ, b"\0"))
    return list(buf)


def flags(dev, new=None):
    if new is None:
        ifr = struct.pack("16sH", dev.encode(), 0).ljust(IFREQ, b"\0")
        return struct.unpack_from("H", fcntl.ioctl(SOCK, SIOCGIFFLAGS, ifr), 16)[0]
    ifr = struct.pack("16sH", dev.encode(), new).ljust(IFREQ, b"\0")
    fcntl.ioctl(SOCK, SIOCSIFFLAGS, ifr)
    return new


def state(dev):
    """What a half-done change would show: channels, ring size, the stack's
    queue objects, the queue vectors, up or not."""
    chan = ethtool(dev, [ETHTOOL_GCHANNELS] + [0] * 8)[CHAN_COMBINED]
    ring = ethtool(dev, [ETHTOOL_GRINGPARAM] + [0] * 8)[RING_RX]
    queues = os.listdir(f"/sys/class/net/{dev}/queues")
    rx = sum(q.startswith("rx-") for q in queues)
    tx = sum(q.startswith("tx-") for q in queues)
    pat = re.compile(r"\s" + re.escape(dev) + r"-TxRx-(\d+)$")
    with open("/proc/interrupts") as f:
        vecs = sorted(int(m.group(1)) for m in map(pat.search, f) if m)
    up = bool(flags(dev) & IFF_UP)
    return {"combined": chan, "ring": ring, "rx_queues": rx,
            "tx_queues": tx, "vectors": vecs, "up": up}


def expect(old, op, arg):
    """The state after op succeeded on a device in state old."""
    new = dict(old)
    if op == "L":
        new.update(combined=arg, rx_queues=arg, tx_queues=arg)
    elif op == "G":
        new.update(ring=arg)
    else:
        new.update(up=True)
    new["vectors"] = list(range(new["combined"])) if new["up"] else []
    return new


def main():
    dev, op = sys.argv[1], sys.argv[2]
    old = state(dev)
    # ethtool -L / -G: (get command, set command, the word to change)
    cmds = {"L": (ETHTOOL_GCHANNELS, ETHTOOL_SCHANNELS, CHAN_COMBINED),
            "G": (ETHTOOL_GRINGPARAM, ETHTOOL_SRINGPARAM, RING_RX)}
    if op in cmds:
        get, set_, word = cmds[op]
        arg = int(sys.argv[3])
        cur = ethtool(dev, [get] + [0] * 8)
        cur[0] = set_
        undo = array.array("I", cur)
        cur[word] = arg
        do = array.array("I", cur)
    else:
        arg = None
        if old["up"]:
            sys.exit(f"{dev} is up")
    # everything the try needs is built before the fault is armed: the
    # task's allocations between the two writes are the change's own
    name = dev.encode()
    if op in "LG":
        ifr = struct.pack("16sP", name, do.buffer_info()[0]).ljust(IFREQ, b"\0")
        req = SIOCETHTOOL
    else:
        old_flags = flags(dev)
        ifr = struct.pack("16sH", name, old_flags | IFF_UP).ljust(IFREQ, b"\0")
        req = SIOCSIFFLAGS
    want_ok = expect(old, op, arg)
    arm = [str(n).encode() for n in range(2000)]
    sites = failed = bad = 0
    errnos = set()
    for n in range(1, 2000):
        # as syzkaller does: a fresh descriptor (the file cannot seek),
        # opened before the fault is armed
        nth = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
        os.write(nth, arm[n])
        err = 0
        try:
            fcntl.ioctl(SOCK, req, ifr)
        except OSError as e:
            err = e.errno
        left = int(os.read(nth, 32))
        os.write(nth, arm[0])
        os.close(nth)
        injected = left == 0
        now = state(dev)
        if err:
            failed += 1
            errnos.add(errno.errorcode.get(err, str(err)))
            if now != old or not injected:
                bad += 1
                print(f"try {n}: {os.strerror(err)} (fault injected: "
                      f"{injected}), left {now}, was {old}",
                      file=sys.stderr)
        else:
            if now != want_ok:
                bad += 1
                print(f"try {n}: succeeded, left {now}, want {want_ok}",
                      file=sys.stderr)
            try:
                if op in "LG":
                    ethtool(dev, list(undo))
                else:
                    flags(dev, old_flags)
            except OSError as e:
                sys.exit(f"try {n}: undo failed: {os.strerror(e.errno)}")
            if state(dev) != old:
                sys.exit(f"try {n}: undo left {state(dev)}, was {old}")
        if not injected:
            break
        sites += 1
    else:
        sys.exit("more than 2000 fault sites")
    print(f"sites {sites} failed {failed} errnos {','.join(sorted(errnos))} bad {bad}")


if __name__ == "__main__":
    main()
