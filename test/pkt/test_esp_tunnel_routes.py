"""Tunnel SAs whose remote endpoints have different routes, their packets interleaved in
one burst: every ESP packet leaves by the route of its own SA's remote endpoint (the
route stage looks an ESP packet's destination up once per run of one destination,
lib/dp/README.md). One SA's endpoint is behind the outside port, the other's behind the
inside port (a static route), the third's in the outside subnet itself (direct route)."""
import collections

import pytest

from esplib import (SA, Term, Policy, EspGw, ROUTES, INSIDE, OUTSIDE, PIN, POUT, LOCAL4,
                    REMOTE4, inner, ttl_minus_one, frame_in, esp_open, parse_out, spi_of,
                    counters_msg)
from gwtest import assert_clean_exit

FAR = "203.0.113.7"     # routed out of the inside port, via 192.0.2.2

A = SA("a", 0x7101, "outbound", "aes128gcm", src="10.1.81.0/24", dst="10.2.81.0/24",
       local=LOCAL4, remote=REMOTE4)
B = SA("b", 0x7103, "outbound", "aes128gcm", src="10.1.82.0/24", dst="10.2.82.0/24",
       local=LOCAL4, remote=FAR)
C = SA("c", 0x7105, "outbound", "aes128cbc-sha1", src="10.1.83.0/24", dst="10.2.83.0/24",
       local=LOCAL4, remote=REMOTE4)
SAS = [A, B, C]
POLICY = Policy("inside", "ge-0/0/0", "input",
                [Term(s.name, "protect", src=s.src, dst=s.dst, sa=s.name) for s in SAS])
# A, B, A, A, C, B, B, A, ...: runs of one destination and changes between them
ORDER = [A, B, A, A, C, B, B, A, C, C, B, A] * 3


@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    inputs, sent = [], collections.defaultdict(list)
    for i, sa in enumerate(ORDER):
        n = int(sa.src.split(".")[2])
        cb = inner("10.1.%d.5" % n, "10.2.%d.9" % n, size=100 + i, ident=i + 1)
        inputs.append(frame_in(PIN, cb))
        sent[sa.spi].append(cb)
    gw = EspGw(tmp_path_factory.mktemp("esp-tunnel-routes"), SAS, [POLICY],
               routes=ROUTES + [("203.0.113.0/24", "192.0.2.2")])
    res = gw.run({INSIDE: inputs})
    return res, sent


def test_tunnel_routes_clean_exit(routes):
    assert_clean_exit(routes[0])


@pytest.mark.parametrize("sa,port,side", [(A, POUT, OUTSIDE), (B, PIN, INSIDE),
                                          (C, POUT, OUTSIDE)], ids=["a", "b", "c"])
def test_tunnel_routes_each_by_its_remote(routes, sa, port, side):
    res, sent = routes
    out = collections.defaultdict(list)
    for s, frames in res.outputs.items():
        for f in frames:
            espb = parse_out(f)[2]
            if espb is not None:
                out[spi_of(espb)].append((s, f))
    got = out[sa.spi]
    assert len(got) == len(sent[sa.spi]), counters_msg(res)
    for (s, f), cb in zip(got, sent[sa.spi]):
        eth, ip, espb, _udp = parse_out(f)
        assert s == side
        assert (eth.src, eth.dst) == (port["mac"], port["nbr_mac"])
        assert (ip.src, ip.dst) == (LOCAL4, sa.remote)
        assert esp_open(sa, espb) == (4, ttl_minus_one(cb))
