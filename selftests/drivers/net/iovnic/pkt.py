#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Raw Ethernet frames for the iovnic selftests (no scapy needed).

  pkt.py send IFACE --dst MAC [--src MAC] [--vlan V [--prio P]] [--count N] [--size B]
               [--ip SRC,DST [--proto udp|tcp|icmp] [--sport P] [--dport P]
                [--frag]]
      send N raw frames (ethertype 0x88b5, local experimental) out of IFACE;
      with --ip, IPv4 or IPv6 packets of that protocol instead (--frag: an
      IPv4 first fragment)
  pkt.py count IFACE --secs S [--src MAC] [--dst MAC] [--type T|any]
               [--vlan V [--prio P] [--tpid T]] [--untagged] [--ready F] [--stop F]
      print how many frames IFACE received (not sent) in S seconds that
      match the given fields, or until file F of --stop appears (by default only frames "send" makes, with
      ethertype 0x88b5); the VLAN tag is read from PACKET_AUXDATA
  pkt.py flows IFACE --dst MAC --flows K [--per-flow N] [--weighted]
               [--rate PPS]
      send N UDP/IPv4 frames of each of K flows 198.51.100.1:(10000+i) ->
      198.51.100.2:9 (i = 0..K-1; --weighted: i+1 frames of flow i),
      optionally paced at PPS frames/s
  pkt.py tap /dev/tapN write --dst MAC --src MAC [--count N]
  pkt.py tap /dev/tapN read [--secs S] [--src MAC] [--want N] [--ready F]
      a VM's side of a macvtap: write N test frames into its character
      device, or print how many test frames (from --src) can be read from
      it within S seconds (sooner once N arrived); no virtio-net header
  pkt.py rss --key HEX --indir "Q0 Q1 ..." --flows K [--weighted]
      print, for each queue, how many frames of those flows the Toeplitz
      hash with KEY and that indirection table sends to it
"""
import fcntl
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_EXP = 0x88B5
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_AUXDATA = 8
SO_RCVBUFFORCE = 33
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ifmac(ifname):
    with open(f"/sys/class/net/{ifname}/address") as f:
        return mac(f.read().strip())


def l3_packet(a):
    """(ethertype, bytes) of an IPv4/IPv6 packet as --ip/--proto say."""
    sip, dip = a.ip.split(",")
    v6 = ":" in sip
    payload = b"iovnic-flower".ljust(24, b".")
    if a.proto == "udp":
        nh, l4 = 17, struct.pack("!HHHH", a.sport, a.dport, 8 + len(payload), 0)
    elif a.proto == "tcp":
        nh, l4 = 6, struct.pack("!HHIIBBHHH", a.sport, a.dport, 0, 0, 5 << 4,
                                0x02, 65535, 0, 0)
    else:
        nh, l4 = (58, struct.pack("!BBHHH", 128, 0, 0, 0, 0)) if v6 else \
                 (1, struct.pack("!BBHHH", 8, 0, 0, 0, 0))
    l4 += payload
    if v6:
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(l4), nh, 64,
                         socket.inet_pton(socket.AF_INET6, sip),
                         socket.inet_pton(socket.AF_INET6, dip))
        return 0x86DD, ip + l4
    frag = 0x2000 if a.frag else 0
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, frag, 64, nh, 0,
                     socket.inet_aton(sip), socket.inet_aton(dip))
    ip = ip[:10] + struct.pack("!H", ip_csum(ip)) + ip[12:]
    return 0x0800, ip + l4


def send(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    src = mac(a.src) if a.src else ifmac(a.iface)
    hdr = mac(a.dst) + src
    if a.vlan is not None:
        hdr += struct.pack("!HH", a.tpid, a.prio << 13 | a.vlan)
    if a.ip:
        etype, body = l3_packet(a)
        frame = hdr + struct.pack("!H", etype) + body
    else:
        hdr += struct.pack("!H", ETH_P_EXP)
        frame = hdr + b"iovnic-selftest".ljust(max(a.size - len(hdr), 0), b".")
    sent = 0
    for _ in range(a.count):
        try:
            s.send(frame)
            sent += 1
        except OSError:
            pass
    print(sent)


FLOW_SIP, FLOW_DIP, FLOW_SPORT, FLOW_DPORT = "198.51.100.1", "198.51.100.2", 10000, 9


def ip_csum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def flow_frame(dst, src, i):
    payload = b"iovnic-rss".ljust(18, b".")
    udp = struct.pack("!HHHH", FLOW_SPORT + i, FLOW_DPORT, 8 + len(payload), 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp) + len(payload),
                     i & 0xFFFF, 0, 64, 17, 0, socket.inet_aton(FLOW_SIP),
                     socket.inet_aton(FLOW_DIP))
    ip = ip[:10] + struct.pack("!H", ip_csum(ip)) + ip[12:]
    return dst + src + struct.pack("!H", 0x0800) + ip + udp + payload


def flows(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    frames = [flow_frame(mac(a.dst), ifmac(a.iface), i) for i in range(a.flows)]
    if a.weighted:
        frames = [f for i, f in enumerate(frames) for _ in range(i + 1)]
    gap = 1.0 / a.rate if a.rate else 0
    sent = 0
    t = time.monotonic()
    for _ in range(a.per_flow):
        for f in frames:
            try:
                s.send(f)
                sent += 1
            except OSError:
                pass
            if gap:
                t += gap
                time.sleep(max(t - time.monotonic(), 0))
    print(sent)


def toeplitz(key, data):
    """Microsoft's RSS hash of DATA with KEY (len(KEY) >= len(DATA) + 4)."""
    k = int.from_bytes(key, "big")
    kbits = len(key) * 8
    h = 0
    for i, byte in enumerate(data):
        for b in range(8):
            if byte & (0x80 >> b):
                h ^= (k >> (kbits - 32 - (i * 8 + b))) & 0xFFFFFFFF
    return h


def rss(a):
    key = bytes.fromhex(a.key.replace(":", ""))
    indir = [int(x) for x in a.indir.split()]
    n = max(indir) + 1
    hist = [0] * n
    for i in range(a.flows):
        data = (socket.inet_aton(FLOW_SIP) + socket.inet_aton(FLOW_DIP) +
                struct.pack("!HH", FLOW_SPORT + i, FLOW_DPORT))
        hist[indir[toeplitz(key, data) % len(indir)]] += i + 1 if a.weighted else 1
    print(" ".join(map(str, hist)))


def vlan_of(ancdata):
    """(tci, tpid) of the frame's out-of-band tag, or None."""
    for level, kind, data in ancdata:
        if level == SOL_PACKET and kind == PACKET_AUXDATA:
            status, _, _, _, _, tci, tpid = struct.unpack_from("=IIIHHHH", data)
            if status & TP_STATUS_VLAN_VALID or tci:
                if not status & TP_STATUS_VLAN_TPID_VALID:
                    tpid = ETH_P_8021Q
                return tci, tpid
    return None


def matches(a, data, addr, tag):
    if addr[2] == PACKET_OUTGOING:
        return False
    if a.dst and data[0:6] != mac(a.dst):
        return False
    if a.src and data[6:12] != mac(a.src):
        return False
    if a.type is not None and addr[1] != a.type:
        return False
    if a.untagged and tag:
        return False
    if a.vlan is not None:
        if not tag or tag[0] & 0xFFF != a.vlan:
            return False
        if a.prio is not None and tag[0] >> 13 != a.prio:
            return False
        if a.tpid is not None and tag[1] != a.tpid:
            return False
    return True


def count(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    try:	# room for a burst (root may exceed rmem_max)
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    except OSError:
        pass
    s.bind((a.iface, 0))
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("ready\n")
    end = time.monotonic() + a.secs
    n = 0
    draining = False
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if a.stop and os.path.exists(a.stop):
            end = min(end, now + 0.3)	# drain what is in flight
            a.stop = None
            draining = True
        s.settimeout(min(end - now, 0.1))
        try:
            data, anc, _, addr = s.recvmsg(65536, socket.CMSG_SPACE(64))
        except socket.timeout:
            continue
        if matches(a, data, addr, vlan_of(anc)):
            n += 1
            if draining:	# still arriving (a slow kernel): keep on
                end = max(end, time.monotonic() + 0.3)
    print(n)


TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def tap(a):
    fd = os.open(a.path, os.O_RDWR)
    # plain frames: no virtio-net header in front (macvtap's default)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", b"", IFF_TAP | IFF_NO_PI))
    if a.op == "write":
        frame = (mac(a.dst) + mac(a.src) + struct.pack("!H", ETH_P_EXP) +
                 b"iovnic-tap".ljust(46, b"."))
        for _ in range(a.count):
            os.write(fd, frame)
        print(a.count)
        return
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("ready\n")
    src = mac(a.src) if a.src else None
    end = time.monotonic() + a.secs
    n = 0
    while n < a.want and (left := end - time.monotonic()) > 0:
        if not select.select([fd], [], [], left)[0]:
            break
        data = os.read(fd, 65536)
        if (len(data) >= 14 and data[12:14] == struct.pack("!H", ETH_P_EXP)
                and (src is None or data[6:12] == src)):
            n += 1
    print(n)


def int0(x):
    return int(x, 0)


def ethertype(x):
    return None if x == "any" else int(x, 0)


def one_of(*choices):
    def conv(x):
        if x not in choices:
            raise ValueError(x)
        return x
    return conv


FLAG = object()         # an option without a value: True when given
NEEDED = object()       # an option that must be given

# Each command: its function, its positional arguments (name, type) and its
# options (name: (type, default)).  Parsed by hand: argparse costs a second
# of startup per run in a TCG guest, and the tests run this hundreds of times.
COMMANDS = {
    "send": (send, [("iface", str)], {
        "dst": (str, NEEDED), "src": (str, None), "vlan": (int, None),
        "tpid": (int0, 0x8100), "prio": (int, 0), "count": (int, 1),
        "size": (int, 60), "ip": (str, None),
        "proto": (one_of("udp", "tcp", "icmp"), "udp"),
        "sport": (int, 1000), "dport": (int, 2000), "frag": (FLAG, False)}),
    "count": (count, [("iface", str)], {
        "secs": (float, 1.0), "src": (str, None), "dst": (str, None),
        "type": (ethertype, ETH_P_EXP), "vlan": (int, None),
        "prio": (int, None), "tpid": (int0, None), "untagged": (FLAG, False),
        "ready": (str, None), "stop": (str, None)}),
    "flows": (flows, [("iface", str)], {
        "dst": (str, NEEDED), "flows": (int, 64), "per-flow": (int, 1),
        "weighted": (FLAG, False), "rate": (float, 0)}),
    "tap": (tap, [("path", str), ("op", one_of("write", "read"))], {
        "dst": (str, None), "src": (str, None), "count": (int, 1),
        "secs": (float, 5.0), "want": (int, 1 << 30), "ready": (str, None)}),
    "rss": (rss, [], {
        "key": (str, NEEDED), "indir": (str, NEEDED), "flows": (int, 64),
        "weighted": (FLAG, False)}),
}


class Args:
    pass


def usage(msg):
    sys.stderr.write(f"pkt.py: {msg} (pkt.py --help tells more)\n")
    sys.exit(2)


def parse(argv):
    """The command's function and its arguments, from @argv."""
    if not argv or argv[0] in ("-h", "--help"):
        if argv:
            sys.stdout.write(__doc__)
            sys.exit(0)
        usage("a command is needed")
    if argv[0] not in COMMANDS:
        usage(f"unknown command {argv[0]!r}")
    fn, positional, options = COMMANDS[argv[0]]
    a = Args()
    for name, (conv, default) in options.items():
        setattr(a, name.replace("-", "_"), default)
    args = list(argv[1:])
    pos = []
    while args:
        arg = args.pop(0)
        if not arg.startswith("--"):
            pos.append(arg)
            continue
        name, eq, val = arg[2:].partition("=")
        if name not in options:
            usage(f"{argv[0]}: unknown option --{name}")
        conv = options[name][0]
        if conv is FLAG:
            setattr(a, name.replace("-", "_"), True)
            continue
        if not eq:
            if not args:
                usage(f"{argv[0]}: --{name} needs a value")
            val = args.pop(0)
        try:
            setattr(a, name.replace("-", "_"), conv(val))
        except ValueError:
            usage(f"{argv[0]}: --{name}: bad value {val!r}")
    if len(pos) != len(positional):
        usage(f"{argv[0]}: wants {len(positional)} positional arguments")
    for (name, conv), val in zip(positional, pos):
        try:
            setattr(a, name, conv(val))
        except ValueError:
            usage(f"{argv[0]}: {name}: bad value {val!r}")
    for name, (conv, default) in options.items():
        if getattr(a, name.replace("-", "_")) is NEEDED:
            usage(f"{argv[0]}: --{name} is required")
    return fn, a


def main():
    fn, a = parse(sys.argv[1:])
    fn(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
