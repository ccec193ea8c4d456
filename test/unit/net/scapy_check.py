#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Verify frames built by lib/net (ND, ARP, ICMP errors) with scapy as an
independent implementation: checksums recomputed by scapy must match, and
the fields must say what the builders promise. Usage: scapy_check.py TEST_ICMP_EXE"""

import subprocess
import sys

import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (ARP, Ether, ICMP, ICMPv6DestUnreach, ICMPv6ND_NS,  # noqa: E402
                       ICMPv6NDOptSrcLLAddr, ICMPv6PacketTooBig, ICMPv6TimeExceeded, IP,
                       IPerror, IPv6, in6_getnsma, in6_getnsmac, inet_pton, socket)

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL", what)
    else:
        print("ok  ", what)


def chksum_ok(pkt, layer):
    """scapy recomputes the checksum when the field is deleted. The field is
    looked up in the layer's own fields (getattr would fall through to a
    quoted packet's)."""
    name = "chksum" if any(f.name == "chksum" for f in layer.fields_desc) else "cksum"
    mine = pkt[layer].getfieldval(name)
    fresh = Ether(bytes(pkt))
    delattr(fresh[layer], name)
    return Ether(bytes(fresh))[layer].getfieldval(name) == mine


out = subprocess.run([sys.argv[1], "dump"], check=True, capture_output=True, text=True).stdout
frames = {name: Ether(bytes.fromhex(hexs)) for name, hexs in
          (line.split() for line in out.splitlines() if line.strip())}

tgt = "2001:db8::1234:5678"
ns = frames["ns_mcast"]
check(ICMPv6ND_NS in ns and ns[ICMPv6ND_NS].tgt == tgt, "ns_mcast: NS for the target")
check(ns[IPv6].dst == socket.inet_ntop(socket.AF_INET6,
                                       in6_getnsma(inet_pton(socket.AF_INET6, tgt))),
      "ns_mcast: solicited-node destination")
check(ns.dst == in6_getnsmac(in6_getnsma(inet_pton(socket.AF_INET6, tgt))),
      "ns_mcast: 33:33:ff MAC")
check(ns[IPv6].hlim == 255, "ns_mcast: hop limit 255")
check(ns[ICMPv6NDOptSrcLLAddr].lladdr == "02:00:00:00:00:01", "ns_mcast: SLLA option")
check(chksum_ok(ns, ICMPv6ND_NS), "ns_mcast: ICMPv6 checksum")
ns = frames["ns_ucast"]
check(ns[IPv6].dst == tgt and ns.dst == "02:00:00:00:00:09", "ns_ucast: unicast to target")
check(chksum_ok(ns, ICMPv6ND_NS), "ns_ucast: ICMPv6 checksum")

arp = frames["arp_req"]
check(arp.dst == "ff:ff:ff:ff:ff:ff" and arp[ARP].op == 1, "arp_req: broadcast who-has")
check(arp[ARP].psrc == "192.0.2.1" and arp[ARP].pdst == "192.0.2.10", "arp_req: addresses")
check(len(arp) == 60, "arp_req: padded to 60")

te = frames["icmp4_te"]
check(te[ICMP].type == 11 and te[ICMP].code == 0, "icmp4_te: time exceeded")
check(te[IP].src == "192.0.2.1" and te[IP].dst == "198.51.100.7", "icmp4_te: addresses")
check(chksum_ok(te, IP) and chksum_ok(te, ICMP), "icmp4_te: IP and ICMP checksums")
check(IPerror in te and te[IPerror].dst == "203.0.113.9", "icmp4_te: quotes the packet")
fn = frames["icmp4_fn"]
check(fn[ICMP].type == 3 and fn[ICMP].code == 4 and fn[ICMP].nexthopmtu == 1400,
      "icmp4_fn: frag needed, next-hop MTU 1400 (RFC 1191)")
check(len(fn[IP]) == 576, "icmp4_fn: 576 bytes")
check(chksum_ok(fn, IP) and chksum_ok(fn, ICMP), "icmp4_fn: checksums")

te6 = frames["icmp6_te"]
check(ICMPv6TimeExceeded in te6 and te6[ICMPv6TimeExceeded].code == 0, "icmp6_te: type 3")
check(te6[IPv6].dst == "2001:db8:7::7", "icmp6_te: back to the source")
check(chksum_ok(te6, ICMPv6TimeExceeded), "icmp6_te: checksum")
ptb = frames["icmp6_ptb"]
check(ICMPv6PacketTooBig in ptb and ptb[ICMPv6PacketTooBig].mtu == 1400, "icmp6_ptb: MTU")
check(len(ptb[IPv6]) == 1280, "icmp6_ptb: 1280 bytes")
check(chksum_ok(ptb, ICMPv6PacketTooBig), "icmp6_ptb: checksum")
check(ICMPv6DestUnreach not in ptb, "icmp6_ptb: not a dest-unreach")

print("%d failures" % failures)
sys.exit(1 if failures else 0)
