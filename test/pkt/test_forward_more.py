"""Forwarding corner cases a router must get right: Ethernet padding, IPv4 options,
fragments (forwarded as they are), order within a flow, and a volume run without loss."""
import pytest
from scapy.all import Ether, IP, UDP, Raw, IPOption_NOP, IPOption_RR

from pkttopo import PORTS, Topo, LAYOUT_PARAMS
from gwtest import assert_clean_exit
from pktlib import hexdiff

P0, P1 = PORTS[0], PORTS[1]
DST = "10.200.7.7"        # 10/8 -> port 1


def frame4(smac, dmac, ttl, **ip):
    ip.setdefault("src", P0["nbr4"])
    ip.setdefault("dst", DST)
    payload = ip.pop("payload", UDP(sport=7, dport=7) / Raw(b"corner"))
    return bytes(Ether(src=smac, dst=dmac) / IP(ttl=ttl, **ip) / payload)


def pair(ttl=64, **ip):
    """(input frame on port 0, expected frame on port 1), both built from scratch."""
    return (frame4(P0["nbr_mac"], P0["mac"], ttl, **dict(ip)),
            frame4(P1["mac"], P1["nbr_mac"], ttl - 1, **dict(ip)))


@pytest.fixture(params=LAYOUT_PARAMS)
def topo(request, tmp_path):
    return Topo(tmp_path, layout=request.param)


def one_through(topo, frame_in):
    res = topo.run({0: [frame_in]})
    assert_clean_exit(res)
    assert len(res.outputs[1]) == 1, "expected one frame on port 1, got %d; drops %s\n%s" % (
        len(res.outputs[1]), res.nonzero_drops(), res.log())
    return res.outputs[1][0]


def test_ethernet_padding(topo):
    """A 28-byte IPv4 packet padded to a 60-byte frame is forwarded; the padding is not
    part of the IP packet (dropped or re-padded, never counted as bad-ip-len)."""
    fin, fexp = pair(payload=UDP(sport=7, dport=7))       # 14 + 28 = 42 bytes
    fin = fin + b"\xee" * (60 - len(fin))
    got = one_through(topo, fin)
    assert got[:len(fexp)] == fexp, hexdiff(got, fexp)
    assert len(got) in (len(fexp), 60), "frame length %d" % len(got)


def test_ipv4_options(topo):
    """Valid options (NOP, record route) are forwarded; checksum over IHL*4 bytes."""
    opts = [IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()]
    fin, fexp = pair(options=opts)
    assert fin[14] == 0x46
    got = one_through(topo, fin)
    assert got == fexp, hexdiff(got, fexp)


def test_ipv4_record_route_option(topo):
    """Record route may be filled in by the router (RFC 791), or left alone: accept
    either, but TTL, checksum and the rest must be right."""
    fin, fexp = pair(options=[IPOption_RR(routers=["0.0.0.0"] * 3)])
    got = one_through(topo, fin)
    g = Ether(got)
    assert g[IP].ttl == 63 and g.src == P1["mac"] and g.dst == P1["nbr_mac"], g.summary()
    c = g[IP].chksum
    del g[IP].chksum
    assert IP(bytes(g[IP]))[IP].chksum == c, "bad IPv4 checksum"
    assert bytes(g[IP].payload) == bytes(Ether(fexp)[IP].payload)


def test_ipv4_fragments_forwarded(topo):
    """A router forwards fragments as they are (first, middle, last)."""
    frags = [dict(flags="MF", frag=0, id=77, payload=Raw(b"A" * 40)),
             dict(flags="MF", frag=5, id=77, proto=17, payload=Raw(b"B" * 40)),
             dict(flags=0, frag=10, id=77, proto=17, payload=Raw(b"C" * 16))]
    ins, exps = zip(*[pair(**f) for f in frags])
    res = topo.run({0: list(ins)})
    assert_clean_exit(res)
    assert res.outputs[1] == list(exps), "fragments: got %d frames, drops %s\n%s" % (
        len(res.outputs[1]), res.nonzero_drops(), res.log())


def test_order_and_volume(topo):
    """20000 packets of one flow: all forwarded, in order, no ring/TX drops."""
    n = 20000
    # templates built by scapy (UDP checksum 0: allowed in IPv4); a sequence number in
    # the payload, outside the IP checksum, tells the packets apart
    tin = frame4(P0["nbr_mac"], P0["mac"], 64, payload=UDP(sport=7, dport=7, chksum=0) /
                 Raw(b"\0" * 14))
    tout = frame4(P1["mac"], P1["nbr_mac"], 63, payload=UDP(sport=7, dport=7, chksum=0) /
                  Raw(b"\0" * 14))
    assert len(tin) == 56
    ins = [tin[:42] + i.to_bytes(4, "big") + tin[46:] for i in range(n)]
    exps = [tout[:42] + i.to_bytes(4, "big") + tout[46:] for i in range(n)]
    res = topo.run({0: ins}, timeout=180)
    assert_clean_exit(res)
    got = res.outputs[1]
    drops = res.nonzero_drops()
    # every layout is lossless: pipeline stages apply back-pressure (a stage takes a
    # burst only when the next ring has room) instead of dropping between stages
    assert drops == {}, drops
    assert len(got) == n, "%d of %d forwarded" % (len(got), n)
    if got != exps:
        first = next(i for i, (g, e) in enumerate(zip(got, exps)) if g != e)
        pytest.fail("order or content differs from packet %d: %s" % (
            first, hexdiff(got[first], exps[first])))


def test_two_ports_at_once(topo):
    """5000 packets on each of two ports, both ports receiving at once: all forwarded,
    in order per flow, no drop at all (the hardening issue, item 2: the pipeline's RX
    stage checked ring room for one burst, then polled every port and dropped the
    second port's burst as ring-full)."""
    n = 5000
    flows = {}
    # port 0 -> 10.200.7.7 (10/8, port 1); port 1 -> 10.1.9.9 (10.1/16, port 2)
    for src_port, out_port, dst in ((0, 1, "10.200.7.7"), (1, 2, "10.1.9.9")):
        pin, pout = PORTS[src_port], PORTS[out_port]
        udp = UDP(sport=7, dport=7, chksum=0) / Raw(b"\0" * 14)
        tin = bytes(Ether(src=pin["nbr_mac"], dst=pin["mac"]) /
                    IP(src=pin["nbr4"], dst=dst, ttl=64) / udp)
        tout = bytes(Ether(src=pout["mac"], dst=pout["nbr_mac"]) /
                     IP(src=pin["nbr4"], dst=dst, ttl=63) / udp)
        flows[src_port] = (out_port,
                           [tin[:42] + i.to_bytes(4, "big") + tin[46:] for i in range(n)],
                           [tout[:42] + i.to_bytes(4, "big") + tout[46:] for i in range(n)])
    res = topo.run({p: f[1] for p, f in flows.items()}, timeout=180)
    assert_clean_exit(res)
    assert res.nonzero_drops() == {}, res.nonzero_drops()
    for p, (out_port, _ins, exps) in flows.items():
        got = res.outputs[out_port]
        assert len(got) == n, "port %d: %d of %d forwarded" % (p, len(got), n)
        assert got == exps, "port %d: order or content differs" % p
    assert sum(res.port(q["name"])["rx_packets"] for q in PORTS) == 2 * n
