"""Packets the gateway must not forward: TTL expiry, no route, discard route.
Each class is sent a distinct number of times so the per-reason counters tell
which class went where. ICMP errors are optional; if sent, they must be valid."""
import pytest
from scapy.all import Ether, IP, IPv6, ICMP, ICMPv6TimeExceeded, ICMPv6DestUnreach

from pkttopo import PORTS, Topo, LAYOUT_PARAMS
from gwtest import assert_clean_exit
from pktlib import v4, v6

P0 = PORTS[0]


def in4(dst, ttl=64, ipid=1, size=60):
    return v4(P0["nbr_mac"], P0["mac"], P0["nbr4"], dst, ttl=ttl, ipid=ipid, size=size)


def in6(dst, hlim=64, ident=1, size=62):
    return v6(P0["nbr_mac"], P0["mac"], P0["nbr6"], dst, hlim=hlim, ident=ident, size=size)


# class: (builder, count, reason or tuple of acceptable reasons)
CLASSES = {
    "ttl1-v4": (lambda i: in4("10.200.0.1", ttl=1, ipid=i), 3, "ttl-expired"),
    "ttl0-v4": (lambda i: in4("10.200.0.1", ttl=0, ipid=i), 2, "ttl-expired"),
    "hlim1-v6": (lambda i: in6("2001:db8:100::1", hlim=1, ident=i), 4, "ttl-expired"),
    "noroute-v4": (lambda i: in4("172.16.1.1", ipid=i), 5, "no-route"),
    "noroute-v6": (lambda i: in6("2001:db8:ffff::1", ident=i), 6, "no-route"),
    # a static discard route has its own counter
    "discard-v4": (lambda i: in4("203.0.113.9", ipid=i), 7, ("route-discard",)),
    "discard-v6": (lambda i: in6("2001:db8:dead::1", ident=i), 8, ("route-discard",)),
}


@pytest.fixture(scope="module", params=LAYOUT_PARAMS)
def drops(request, tmp_path_factory):
    topo = Topo(tmp_path_factory.mktemp("drops-" + request.param), layout=request.param)
    frames = []
    for name, (mk, n, _r) in CLASSES.items():
        frames += [mk(1000 * len(frames) + i + 1) for i in range(n)]
    res = topo.run({0: frames})
    return dict(res=res, n=len(frames))


def test_drops_clean_exit(drops):
    assert_clean_exit(drops["res"])


def test_drops_nothing_forwarded(drops):
    res = drops["res"]
    assert res.outputs[1] == [] and res.outputs[2] == [], res.log()
    # back out of port 0 only ICMP errors may come (checked below)
    for f in res.outputs[0]:
        e = Ether(f)
        assert e.haslayer(ICMP) or e.haslayer(ICMPv6TimeExceeded) or \
            e.haslayer(ICMPv6DestUnreach), "unexpected frame on port 0: %r" % e


def test_drop_counters(drops):
    res = drops["res"]
    d = res.nonzero_drops()
    fixed = {"ttl-expired": 9, "no-route": 11}
    disc = 15
    assert d == {**fixed, "route-discard": disc}, "drop counters %s; expected ttl-expired=9 (3 ttl1 + 2 ttl0 + 4 hlim1), " \
        "no-route=11 (5 v4 + 6 v6) and 15 discard-route drops (7 v4 + 8 v6)" % d
    st = res.port(P0["name"])
    assert st["rx_packets"] == drops["n"], st
    assert res.port_drops_total(P0["name"]) == drops["n"], st


def test_icmp_errors_if_any_are_valid(drops):
    """ICMP time-exceeded / unreachable are optional; if sent they must be well formed:
    from the gateway's address on port 0, to the sender, checksums right, quoting it."""
    res = drops["res"]
    for f in res.outputs[0]:
        e = Ether(f)
        assert e.src == P0["mac"] and e.dst == P0["nbr_mac"], e.summary()
        if e.haslayer(IP):
            ip = e[IP]
            assert ip.src == P0["v4"].split("/")[0] and ip.dst == P0["nbr4"], e.summary()
            assert ip.ttl > 1
            p = IP(bytes(ip))
            chk = p.chksum
            del p.chksum
            assert IP(bytes(p)).chksum == chk, "bad IPv4 header checksum"
            ic = ICMP(bytes(ip[ICMP]))
            assert (ic.type, ic.code) in ((11, 0), (3, 0), (3, 1), (3, 13)), e.summary()
            c = ic.chksum
            del ic.chksum
            assert ICMP(bytes(ic)).chksum == c, "bad ICMP checksum"
            quoted = bytes(ic.payload)
            assert len(quoted) >= 28, "ICMP error quotes < 28 bytes"
            assert quoted[12:16] == bytes(map(int, P0["nbr4"].split("."))), "quote is not ours"
        else:
            ip6 = e[IPv6]
            assert ip6.src == P0["v6"].split("/")[0] and ip6.dst == P0["nbr6"], e.summary()
            assert len(f) <= 14 + 1280
            raw = bytes(ip6.payload)
            # recompute ICMPv6 checksum through scapy
            pkt = IPv6(bytes(ip6))
            c = pkt.payload.cksum
            pkt.payload.cksum = None
            assert IPv6(bytes(pkt)).payload.cksum == c, "bad ICMPv6 checksum"
            assert raw[0] in (1, 3), "ICMPv6 type %d" % raw[0]


def test_every_frame_counted(drops):
    """The ICMP errors the gateway builds count as originated on the port of the packet
    that caused them and as tx of the port they leave by, so the ledger adds up and
    tx_packets equals the frames in each output pcap (they were in no counter)."""
    res = drops["res"]
    fin, fout, parts = res.ledger()
    assert fin == fout, "in %d != out %d: %s" % (fin, fout, parts)
    assert parts["originated"] == len(res.outputs[0]) > 0, parts
    for i, p in enumerate(PORTS):
        assert res.port(p["name"])["tx_packets"] == len(res.outputs[i]), res.port(p["name"])
