#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw Ethernet frames for the iovnic selftests (no scapy needed).

  pkt.py send IFACE --dst MAC [--src MAC] [--vlan V] [--count N] [--size B]
      send N raw frames (ethertype 0x88b5, local experimental) out of IFACE
  pkt.py count IFACE --secs S [--src MAC] [--dst MAC] [--type T]
      print how many frames IFACE received (not sent) in S seconds that
      match the given fields
"""
import argparse
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_EXP = 0x88B5
PACKET_OUTGOING = 4


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ifmac(ifname):
    with open(f"/sys/class/net/{ifname}/address") as f:
        return mac(f.read().strip())


def send(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    src = mac(a.src) if a.src else ifmac(a.iface)
    hdr = mac(a.dst) + src
    if a.vlan is not None:
        hdr += struct.pack("!HH", 0x8100, a.vlan)
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


def count(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    want_src = mac(a.src) if a.src else None
    want_dst = mac(a.dst) if a.dst else None
    end = time.monotonic() + a.secs
    n = 0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, addr = s.recvfrom(65536)
        except socket.timeout:
            break
        if addr[2] == PACKET_OUTGOING:
            continue
        if want_dst and data[0:6] != want_dst:
            continue
        if want_src and data[6:12] != want_src:
            continue
        if a.type is not None and addr[1] != a.type:
            continue
        n += 1
    print(n)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("iface")
    ps.add_argument("--dst", required=True)
    ps.add_argument("--src")
    ps.add_argument("--vlan", type=int)
    ps.add_argument("--count", type=int, default=1)
    ps.add_argument("--size", type=int, default=60)
    pc = sub.add_parser("count")
    pc.add_argument("iface")
    pc.add_argument("--secs", type=float, default=1.0)
    pc.add_argument("--src")
    pc.add_argument("--dst")
    pc.add_argument("--type", type=lambda x: int(x, 0))
    a = p.parse_args()
    {"send": send, "count": count}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
