"""Packet builders for the pcap tests. Every expected packet is built from scratch
by scapy (checksums computed by scapy), never by editing what the gateway sent."""
from scapy.all import Ether, IP, IPv6, UDP, TCP, ICMP, ICMPv6EchoRequest, Raw


def _pad_to(pkt, size):
    """Append a Raw payload so the frame is exactly `size` bytes (pcap length)."""
    if size is None:
        return pkt
    cur = len(pkt)
    if size < cur:
        raise ValueError("frame size %d < headers %d" % (size, cur))
    return pkt / Raw(bytes((i * 7 + 3) & 0xFF for i in range(size - cur)))


def v4(smac, dmac, src, dst, ttl=64, l4="udp", size=60, tos=0, ipid=1, flags="DF"):
    ip = IP(src=src, dst=dst, ttl=ttl, tos=tos, id=ipid, flags=flags)
    if l4 == "udp":
        l = UDP(sport=1024 + ipid % 1000, dport=9)
    elif l4 == "tcp":
        l = TCP(sport=1024 + ipid % 1000, dport=80, flags="A", seq=ipid, ack=1)
    else:
        l = ICMP(type=8, id=ipid, seq=1)
    p = _pad_to(Ether(src=smac, dst=dmac) / ip / l, size)
    return Ether(bytes(p))  # freeze: lengths and checksums computed once


def v6(smac, dmac, src, dst, hlim=64, l4="udp", size=62, tc=0, fl=0, ident=1):
    ip = IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=fl)
    if l4 == "udp":
        l = UDP(sport=1024 + ident % 1000, dport=9)
    elif l4 == "tcp":
        l = TCP(sport=1024 + ident % 1000, dport=80, flags="A", seq=ident, ack=1)
    else:
        l = ICMPv6EchoRequest(id=ident, seq=1)
    p = _pad_to(Ether(src=smac, dst=dmac) / ip / l, size)
    return Ether(bytes(p))


def hexdiff(a, b):
    """First differing offset of two frames, for assertion messages."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "first difference at byte %d: got %02x expected %02x (len %d vs %d)" % (
                i, x, y, len(a), len(b))
    return "lengths differ: %d vs %d" % (len(a), len(b))
