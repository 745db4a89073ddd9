#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Send one raw RTM_SETLINK VF request, for values `ip` refuses to send.

  vfnl.py IFNAME VF mac MAC
  vfnl.py IFNAME VF vlan VLAN QOS [PROTO]     (PROTO numeric, e.g. 0x8100)
  vfnl.py IFNAME VF rate MIN MAX
  vfnl.py IFNAME VF spoofchk 0|1
  vfnl.py IFNAME VF trust 0|1
  vfnl.py IFNAME VF state N
  vfnl.py IFNAME VF rss_query 0|1             (IFLA_VF_RSS_QUERY_EN)

VF is taken as a signed number and sent as u32, so -1 reaches the kernel.
Prints OK or the errno name the kernel answered with.
"""
import errno
import os
import socket
import struct
import sys

RTM_SETLINK = 19
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
IFLA_VFINFO_LIST = 22
IFLA_VF_INFO = 1
NLA_F_NESTED = 0x8000
VF_ATTR = {"mac": 1, "vlan": 12, "spoofchk": 4, "state": 5, "rate": 6,
           "rss_query": 7, "trust": 9}
IFLA_VF_VLAN_INFO = 1


def nla(kind, payload):
    hdr = struct.pack("=HH", 4 + len(payload), kind)
    pad = (4 - len(payload) % 4) % 4
    return hdr + payload + b"\0" * pad


def u32(v):
    return int(v, 0) & 0xFFFFFFFF


def vf_attr(what, vf, args):
    if what == "mac":
        mac = bytes.fromhex(args[0].replace(":", ""))
        return nla(VF_ATTR[what], struct.pack("=I32s", vf, mac))
    if what == "vlan":
        proto = int(args[2], 0) if len(args) > 2 else 0x8100
        info = struct.pack("=IIIH2x", vf, u32(args[0]), u32(args[1]),
                           socket.htons(proto))
        return nla(VF_ATTR[what] | NLA_F_NESTED,
                   nla(IFLA_VF_VLAN_INFO, info))
    if what == "rate":
        return nla(VF_ATTR[what], struct.pack("=III", vf, u32(args[0]),
                                              u32(args[1])))
    return nla(VF_ATTR[what], struct.pack("=II", vf, u32(args[0])))


def main():
    if len(sys.argv) < 4 or sys.argv[3] not in VF_ATTR:
        print(__doc__, file=sys.stderr)
        return 2
    ifname, vf, what, args = sys.argv[1], u32(sys.argv[2]), sys.argv[3], \
        sys.argv[4:]
    index = socket.if_nametoindex(ifname)
    attrs = nla(IFLA_VFINFO_LIST | NLA_F_NESTED,
                nla(IFLA_VF_INFO | NLA_F_NESTED, vf_attr(what, vf, args)))
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, 0, 0) + attrs
    msg = struct.pack("=IHHII", 16 + len(body), RTM_SETLINK,
                      NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, 0))
    s.send(msg)
    data = s.recv(65536)
    _, kind = struct.unpack_from("=IH", data)
    if kind != NLMSG_ERROR:
        print("no ack", file=sys.stderr)
        return 1
    err = -struct.unpack_from("=i", data, 16)[0]
    print("OK" if err == 0 else errno.errorcode.get(err, str(err)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
