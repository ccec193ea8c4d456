#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Independent checks of lib/frag output with scapy (Debian's /usr/bin/python3).

  frag4 ORIG.pcap FRAGS.pcap MTU    every fragment <= MTU, checksum right, offsets
                                    8-aligned, non-first ones carry only copied
                                    options; scapy's defragment() == originals
  frag6 ORIG.pcap FRAGS.pcap MTU    same for IPv6 fragments (defragment6)
  icmp4 ORIG.pcap ICMP.pcap MTU SRC ICMP type 3 code 4, next-hop MTU, quote
  ptb6 ORIG.pcap ICMP.pcap MTU SRC  ICMPv6 Packet Too Big, MTU, quote, checksum
  gen4 DIR                          scapy fragment() of ESP packets for reassembly
  gen6 DIR                          scapy fragment6() of ESP packets
Exit status 0 when every check passes; messages on stderr otherwise.
"""
import sys
import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (IP, IPv6, IPv6ExtHdrFragment, ICMP, ICMPv6PacketTooBig, Raw,  # noqa: E402
                       Ether, rdpcap, wrpcap, fragment, fragment6, defragment, defragment6,
                       in6_chksum)

fails = []


def check(cond, msg):
    if not cond:
        fails.append(msg)


def inet_sum(raw):
    """One's complement sum (RFC 1071); 0xffff over a message with a right checksum."""
    if len(raw) % 2:
        raw += b"\0"
    s = 0
    for i in range(0, len(raw), 2):
        s += (raw[i] << 8) | raw[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def ip4_cksum_ok(ip):
    return inet_sum(bytes(ip)[:ip.ihl * 4]) == 0xffff


def copied_only(opts_bytes):
    i = 0
    while i < len(opts_bytes):
        t = opts_bytes[i]
        if t == 0:
            return all(b == 0 for b in opts_bytes[i:])
        if t == 1:
            return False
        if not t & 0x80:
            return False
        i += opts_bytes[i + 1]
    return True


def frag4(orig_path, frags_path, mtu):
    origs = [p[IP] for p in rdpcap(orig_path)]
    frags = [p[IP] for p in rdpcap(frags_path)]
    for f in frags:
        check(f.len <= mtu, "fragment id %d len %d > mtu %d" % (f.id, f.len, mtu))
        check(len(bytes(f)) == f.len, "fragment id %d wire length" % f.id)
        check(ip4_cksum_ok(f), "fragment id %d bad header checksum" % f.id)
        check(not f.flags.DF, "fragment id %d has DF" % f.id)
        if f.flags.MF:
            check((f.len - f.ihl * 4) % 8 == 0, "fragment id %d not 8-aligned" % f.id)
        if f.frag != 0 and f.ihl > 5:
            check(copied_only(bytes(f)[20:f.ihl * 4]),
                  "fragment id %d carries non-copied options" % f.id)
    pkts = defragment(frags)
    byid = {}
    for p in pkts:
        q = p[IP]
        check(not q.flags.MF and q.frag == 0, "id %d not reassembled" % q.id)
        byid[q.id] = bytes(IP(bytes(q)))
    for o in origs:
        got = byid.get(o.id)
        check(got is not None, "id %d missing after defragment" % o.id)
        if got is not None:
            exp = bytes(o)
            check(got == exp, "id %d differs after defragment (%d vs %d bytes)" %
                  (o.id, len(got), len(exp)))


def frag6(orig_path, frags_path, mtu):
    origs = [p[IPv6] for p in rdpcap(orig_path)]
    frags = [p[IPv6] for p in rdpcap(frags_path)]
    for f in frags:
        check(len(bytes(f)) <= mtu, "v6 fragment %d bytes > mtu %d" % (len(bytes(f)), mtu))
        fh = f[IPv6ExtHdrFragment]
        if fh.m:
            check(len(bytes(fh.payload)) % 8 == 0, "v6 fragment not 8-aligned")
    pkts = defragment6(frags)
    got = bytes(pkts)
    # defragment6 keeps neither the Fragment header nor its checksum-free fields.
    o = origs[0]
    check(bytes(got[40:]) == bytes(o)[40:], "v6 payload differs after defragment6")
    check(len(origs) == 1, "frag6 expects one original")


def icmp4(orig_path, icmp_path, mtu, src):
    origs = [p[IP] for p in rdpcap(orig_path)]
    errs = [p[IP] for p in rdpcap(icmp_path)]
    check(len(errs) == len(origs), "%d errors for %d packets" % (len(errs), len(origs)))
    for o, e in zip(origs, errs):
        check(e.src == src and e.dst == o.src, "icmp addresses %s -> %s" % (e.src, e.dst))
        check(ip4_cksum_ok(e), "icmp ip checksum")
        check(e.len <= 576 and e.len == len(bytes(e)), "icmp length %d" % e.len)
        ic = e[ICMP]
        check(ic.type == 3 and ic.code == 4, "icmp type %d code %d" % (ic.type, ic.code))
        check(ic.nexthopmtu == mtu, "nexthopmtu %d != %d" % (ic.nexthopmtu, mtu))
        body = bytes(e)[e.ihl * 4:e.len]
        check(inet_sum(body) == 0xffff, "icmp checksum")
        quoted = body[8:]
        check(quoted[:20] == bytes(o)[:20], "quoted header differs")
        check(quoted == bytes(o)[:len(quoted)], "quoted data differs")
        check(len(quoted) >= 28, "quote shorter than header + 8")


def ptb6(orig_path, icmp_path, mtu, src):
    origs = [p[IPv6] for p in rdpcap(orig_path)]
    errs = [p[IPv6] for p in rdpcap(icmp_path)]
    check(len(errs) == len(origs), "%d errors for %d packets" % (len(errs), len(origs)))
    for o, e in zip(origs, errs):
        check(e.src == src and e.dst == o.src, "ptb addresses")
        check(len(bytes(e)) <= 1280, "ptb longer than 1280")
        t = e[ICMPv6PacketTooBig]
        check(t.type == 2 and t.code == 0, "ptb type/code")
        check(t.mtu == mtu, "ptb mtu %d != %d" % (t.mtu, mtu))
        raw = bytes(e)[40:]
        zeroed = raw[:2] + b"\0\0" + raw[4:]
        ck = in6_chksum(58, e, zeroed)
        check(ck == t.cksum or (ck == 0 and t.cksum == 0xffff), "ptb checksum")
        quoted = raw[8:]
        check(quoted == bytes(o)[:len(quoted)], "ptb quote differs")


def gen4(d):
    origs, frags = [], []
    for i, (size, fsz) in enumerate([(1000, 400), (3000, 1000), (4000, 1480), (200, 64),
                                     (1473, 1472)]):
        p = IP(src="198.51.100.%d" % (i + 1), dst="203.0.113.9", proto=50, id=0x4000 + i) / \
            Raw(bytes((j * 7 + i) & 0xff for j in range(size)))
        p = IP(bytes(p))
        origs.append(Ether() / p)
        frags.append([Ether() / f for f in fragment(p, fragsize=fsz)])
    wrpcap(d + "/gen4_orig.pcap", origs)
    flat = []
    for fl in frags:
        flat.extend(fl)
    wrpcap(d + "/gen4_frags.pcap", flat)
    with open(d + "/gen4_counts.txt", "w") as f:
        f.write(" ".join(str(len(fl)) for fl in frags) + "\n")


def gen6(d):
    size = 3000
    payload = Raw(bytes((j * 13) & 0xff for j in range(size)))
    orig = IPv6(src="2001:db8::1", dst="2001:db8:1::9", nh=50) / payload
    fr = IPv6(src="2001:db8::1", dst="2001:db8:1::9") / IPv6ExtHdrFragment(nh=50, id=0x1234) / \
        payload
    frags = fragment6(fr, 1280)
    wrpcap(d + "/gen6_orig.pcap", [Ether() / orig])
    wrpcap(d + "/gen6_frags.pcap", [Ether() / f for f in frags])
    with open(d + "/gen6_counts.txt", "w") as f:
        f.write("%d\n" % len(frags))


def main():
    cmd = sys.argv[1]
    a = sys.argv[2:]
    if cmd == "frag4":
        frag4(a[0], a[1], int(a[2]))
    elif cmd == "frag6":
        frag6(a[0], a[1], int(a[2]))
    elif cmd == "icmp4":
        icmp4(a[0], a[1], int(a[2]), a[3])
    elif cmd == "ptb6":
        ptb6(a[0], a[1], int(a[2]), a[3])
    elif cmd == "gen4":
        gen4(a[0])
    elif cmd == "gen6":
        gen6(a[0])
    else:
        fails.append("unknown command " + cmd)
    for f in fails:
        print("frag_check:", f, file=sys.stderr)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
