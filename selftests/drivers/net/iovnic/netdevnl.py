#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""What the netdev netlink family reports of a netdev's queue 0.

  netdevnl.py IFNAME
      prints "rx 0 napi <id> irq <irq>" and "tx 0 napi <id> irq <irq>"
      (id/irq "-" when absent); exits 4 if the kernel has no netdev family
      or no queue-get (before 6.8)
"""
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
NETDEV_CMD_QUEUE_GET = 10
NETDEV_CMD_NAPI_GET = 11
NETDEV_A_QUEUE_ID = 1
NETDEV_A_QUEUE_IFINDEX = 2
NETDEV_A_QUEUE_TYPE = 3
NETDEV_A_QUEUE_NAPI_ID = 4
NETDEV_A_NAPI_ID = 2
NETDEV_A_NAPI_IRQ = 3


def nla(kind, payload):
    pad = (4 - len(payload) % 4) % 4
    return struct.pack("=HH", 4 + len(payload), kind) + payload + b"\0" * pad


def parse(buf):
    attrs, off = {}, 0
    while off + 4 <= len(buf):
        length, kind = struct.unpack_from("=HH", buf, off)
        if length < 4:
            break
        attrs[kind & 0x3FFF] = buf[off + 4:off + length]
        off += (length + 3) & ~3
    return attrs


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.seq = 0

    def request(self, family, cmd, attrs):
        """One do-request; the reply's attributes, or -errno."""
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, 0) + attrs
        self.s.send(struct.pack("=IHHII", 16 + len(body), family,
                                NLM_F_REQUEST, self.seq, 0) + body)
        data = self.s.recv(65536)
        _, kind = struct.unpack_from("=IH", data)
        if kind == NLMSG_ERROR:
            return struct.unpack_from("=i", data, 16)[0]
        return parse(data[20:])


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ifindex = socket.if_nametoindex(sys.argv[1])
    g = Genl()
    fam = g.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                    nla(CTRL_ATTR_FAMILY_NAME, b"netdev\0"))
    if isinstance(fam, int):
        return 4
    netdev = struct.unpack("=H", fam[CTRL_ATTR_FAMILY_ID][:2])[0]
    for qtype, name in ((0, "rx"), (1, "tx")):
        q = g.request(netdev, NETDEV_CMD_QUEUE_GET,
                      nla(NETDEV_A_QUEUE_IFINDEX, struct.pack("=I", ifindex)) +
                      nla(NETDEV_A_QUEUE_TYPE, struct.pack("=I", qtype)) +
                      nla(NETDEV_A_QUEUE_ID, struct.pack("=I", 0)))
        if isinstance(q, int):
            if name == "rx":
                return 4	# no queue-get on this kernel
            print(f"{name} 0 error {q}")
            continue
        napi, irq = "-", "-"
        if NETDEV_A_QUEUE_NAPI_ID in q:
            napi = struct.unpack("=I", q[NETDEV_A_QUEUE_NAPI_ID][:4])[0]
            n = g.request(netdev, NETDEV_CMD_NAPI_GET,
                          nla(NETDEV_A_NAPI_ID, struct.pack("=I", napi)))
            if not isinstance(n, int) and NETDEV_A_NAPI_IRQ in n:
                irq = struct.unpack("=I", n[NETDEV_A_NAPI_IRQ][:4])[0]
        print(f"{name} 0 napi {napi} irq {irq}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
