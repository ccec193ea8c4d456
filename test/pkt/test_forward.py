"""IPv4/IPv6 forwarding through net_pcap ports, compared byte for byte with packets
built independently by scapy (egress MAC, next-hop MAC, TTL/hop limit - 1, checksum
recomputed). One gateway run per layout carries every case."""
import collections

import pytest

from pkttopo import PORTS, Topo, LAYOUT_PARAMS
from pktlib import v4, v6, hexdiff

# name, ingress port, destination, egress port (whose neighbour is the next hop)
CASES4 = [
    ("connected", 0, "198.51.100.2", 1),
    ("connected-reverse", 1, "192.0.2.2", 0),
    ("connected-port2", 0, "100.64.0.2", 2),
    ("static-8", 0, "10.200.1.1", 1),
    ("lpm-16", 0, "10.1.200.1", 2),
    ("lpm-24", 0, "10.1.2.3", 1),
    ("lpm-16-from-port1", 1, "10.1.3.4", 2),
]
CASES6 = [
    ("connected", 0, "2001:db8:2::2", 1),
    ("connected-reverse", 1, "2001:db8:1::2", 0),
    ("static-48", 0, "2001:db8:100:5::1", 1),
    ("lpm-64", 0, "2001:db8:100:1::9", 2),
    ("lpm-80", 0, "2001:db8:100:1:2::9", 1),
    ("lpm-64-from-port1", 1, "2001:db8:100:1:3::1", 2),
]

# packet variants per case: (l4, frame size, ttl, tos)
VARIANTS4 = [("udp", 60, 64, 0), ("tcp", 1514, 64, 0xb8), ("icmp", 98, 2, 0x01),
             ("udp", 333, 255, 0x20)]
VARIANTS6 = [("udp", 62, 64, 0), ("tcp", 1514, 64, 0xb8), ("icmp", 118, 2, 0x01),
             ("udp", 333, 255, 0x20)]


def src_of(port, fam):
    return PORTS[port]["nbr4"] if fam == 4 else PORTS[port]["nbr6"]


def build(fam, cases, variants):
    """-> inputs {port: [frames]}, expected {case: [(egress port, bytes)]}"""
    inputs = collections.defaultdict(list)
    expected = {}
    ident = 100 if fam == 4 else 5000
    for name, pin, dst, pout in cases:
        exp = []
        for l4, size, ttl, tos in variants:
            ident += 1
            ip_in, ip_out = PORTS[pin], PORTS[pout]
            if fam == 4:
                args = dict(src=src_of(pin, 4), dst=dst, l4=l4, size=size, tos=tos, ipid=ident)
                pin_pkt = v4(ip_in["nbr_mac"], ip_in["mac"], ttl=ttl, **args)
                out_pkt = v4(ip_out["mac"], ip_out["nbr_mac"], ttl=ttl - 1, **args)
            else:
                args = dict(src=src_of(pin, 6), dst=dst, l4=l4, size=size, tc=tos,
                            fl=ident, ident=ident)
                pin_pkt = v6(ip_in["nbr_mac"], ip_in["mac"], hlim=ttl, **args)
                out_pkt = v6(ip_out["mac"], ip_out["nbr_mac"], hlim=ttl - 1, **args)
            inputs[pin].append(pin_pkt)
            exp.append((pout, bytes(out_pkt)))
        expected[name] = exp
    return inputs, expected


@pytest.fixture(scope="module", params=LAYOUT_PARAMS)
def fwd(request, tmp_path_factory):
    layout = request.param
    topo = Topo(tmp_path_factory.mktemp("fwd-" + layout), layout=layout)
    in4, exp4 = build(4, CASES4, VARIANTS4)
    in6, exp6 = build(6, CASES6, VARIANTS6)
    inputs = {p: in4.get(p, []) + in6.get(p, []) for p in range(len(PORTS))}
    res = topo.run(inputs)
    return dict(res=res, inputs=inputs, exp4=exp4, exp6=exp6)


def check_case(fwd, expected):
    res = fwd["res"]
    assert res.rc == 0, res.log()
    for pout, frame in expected:
        got = res.outputs[pout]
        if frame in got:
            continue
        others = [p for p in res.outputs if frame in res.outputs[p]]
        msg = "expected frame not on port %d" % pout
        if others:
            msg += " (it came out of port(s) %s)" % others
        elif got:
            # closest frame of the same length, to show the difference
            same = [g for g in got if len(g) == len(frame)] or got
            msg += "; vs. an output frame: " + hexdiff(same[0], frame)
        else:
            msg += "; port %d sent nothing" % pout
        pytest.fail(msg + "\n" + res.log())


@pytest.mark.parametrize("case", [c[0] for c in CASES4])
def test_ipv4_forward(fwd, case):
    check_case(fwd, fwd["exp4"][case])


@pytest.mark.parametrize("case", [c[0] for c in CASES6])
def test_ipv6_forward(fwd, case):
    check_case(fwd, fwd["exp6"][case])


def test_forward_nothing_else(fwd):
    """Clean exit; every input forwarded exactly once, nothing extra, no drops;
    port counters agree with the pcaps."""
    from gwtest import assert_clean_exit
    res = fwd["res"]
    assert_clean_exit(res)
    want = collections.Counter()
    for exp in list(fwd["exp4"].values()) + list(fwd["exp6"].values()):
        for pout, frame in exp:
            want[(pout, frame)] += 1
    got = collections.Counter((p, f) for p, frames in res.outputs.items() for f in frames)
    extra = got - want
    missing = want - got
    assert not extra and not missing, "%d unexpected, %d missing output frames\n%s" % (
        sum(extra.values()), sum(missing.values()), res.log())
    assert res.nonzero_drops() == {}, res.nonzero_drops()
    for i, p in enumerate(PORTS):
        st = res.port(p["name"])
        nin = len(fwd["inputs"].get(i, []))
        nout = len(res.outputs[i])
        assert st["rx_packets"] == nin, (p["name"], st)
        assert st["tx_packets"] == nout, (p["name"], st)
        assert st["rx_bytes"] == sum(len(bytes(f)) for f in fwd["inputs"].get(i, [])), st
        assert st["tx_bytes"] == sum(len(f) for f in res.outputs[i]), st
