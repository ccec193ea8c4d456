"""Addresses a router must not forward, with the gateway's default routes present:
link-local sources and destinations (169.254/16, RFC 3927 7; fe80::/10, RFC 4291 2.5.6)
are dropped as `link-local` in clear, and inside ESP as `inner-link-local`; a group ESP
packet whose outer source is link-local is dropped before decryption (it would be
forwarded). Packets *for the gateway* with a link-local source (ND probes, ping from
fe80::) are not judged by the rule: they reach the exception path, here counted as
`no-exception-path` since the pcap ports have no TAP (test/netns shows the kernel
answering). IPv4-mapped IPv6 addresses are `bad-ip-addr` (RFC 4291 2.5.5.2, RFC 6890).
A source that is one of the gateway's own addresses is `own-src-addr` when the packet
would be forwarded. Valid packets of the same run are forwarded byte for byte, one of
them by the default route. Both layouts.
"""
import collections

import pytest
from scapy.all import Ether, IP, IPv6, UDP, Raw, ICMPv6ND_NS, ICMPv6EchoRequest

from esplib import (SA, EspGw, ROUTES, INSIDE, OUTSIDE, PIN, POUT, inner, ttl_minus_one,
                    frame_in, frame_out, esp_seal, outer_ip, counters_msg)
from gwtest import assert_clean_exit

DEFAULT_ROUTES = ROUTES + [("0.0.0.0/0", "198.51.100.2"), ("::/0", "2001:db8:2::2")]
GRP = SA("grp", 0x6101, "inbound", "aes128gcm", mode="group")

R4, R6 = "10.2.80.9", "2001:db8:a2:80::9"          # valid remote sources (outside)
I4, I6 = "10.1.80.5", "2001:db8:a1:80::5"          # valid destinations (inside)
GW4, GW6 = "198.51.100.1", "2001:db8:2::1"         # the gateway, outside port
GW4_IN, GW6_IN = "192.0.2.1", "2001:db8:1::1"      # the gateway, inside port

# (name, src, dst, outcome): outcome is a drop reason, "inside"/"outside" (forwarded
# there), or "gateway" (for the gateway itself: no-exception-path in these runs)
CLEAR = [
    ("v4-good", R4, I4, "inside"),
    ("v4-good-default-route", R4, "203.0.113.77", "outside"),
    ("v6-good", R6, I6, "inside"),
    ("v6-good-default-route", R6, "2001:db8:ffff::77", "outside"),
    ("v4-src-link-local", "169.254.1.1", I4, "link-local"),
    ("v4-dst-link-local", R4, "169.254.9.9", "link-local"),
    ("v4-both-link-local", "169.254.1.1", "169.254.9.9", "link-local"),
    ("v6-src-link-local", "fe80::2", I6, "link-local"),
    ("v6-src-link-local-edge", "febf:ffff::2", I6, "link-local"),
    ("v6-dst-link-local", R6, "fe80::99", "link-local"),
    ("v6-both-link-local", "fe80::2", "fe80::1", "link-local"),
    ("v6-not-link-local-fec0", "fec0::2", I6, "inside"),     # outside fe80::/10
    ("v4-link-local-src-to-gateway", "169.254.1.1", GW4, "gateway"),
    ("v6-link-local-src-to-gateway", "fe80::2", GW6, "gateway"),
    ("v6-src-v4mapped", "::ffff:10.2.80.9", I6, "bad-ip-addr"),
    ("v6-dst-v4mapped", R6, "::ffff:10.1.80.5", "bad-ip-addr"),
    ("v4-src-own-same-port", GW4, I4, "own-src-addr"),
    ("v4-src-own-other-port", GW4_IN, I4, "own-src-addr"),
    ("v6-src-own-same-port", GW6, I6, "own-src-addr"),
    ("v6-src-own-other-port", GW6_IN, I6, "own-src-addr"),
    ("v4-own-src-to-gateway", GW4_IN, GW4, "gateway"),
]


def nd_ns():
    """Neighbour solicitation for the gateway from a link-local source (multicast)."""
    ip = IPv6(src="fe80::2", dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt=GW6)
    return bytes(ip)


def echo_to_gateway_ll():
    """Ping from fe80::2 to a link-local address of the gateway: never forwarded."""
    return bytes(IPv6(src="fe80::2", dst="fe80::ff:fe00:101") / ICMPv6EchoRequest())


def build():
    frames = []
    exp = {INSIDE: collections.Counter(), OUTSIDE: collections.Counter()}
    drops = collections.Counter()
    for k, (name, src, dst, outcome) in enumerate(CLEAR):
        ib = inner(src, dst, size=80, ident=100 + k)
        frames.append(frame_in(POUT, ib))
        if outcome in ("inside", "outside"):
            port = INSIDE if outcome == "inside" else OUTSIDE
            exp[port][frame_out(PIN if port == INSIDE else POUT, ttl_minus_one(ib))] += 1
        else:
            drops["no-exception-path" if outcome == "gateway" else outcome] += 1
    frames.append(frame_in(POUT, nd_ns()))
    drops["no-exception-path"] += 1
    frames.append(frame_in(POUT, echo_to_gateway_ll()))
    drops["link-local"] += 1
    # group ESP (header preservation): outer = inner addresses, routed through the gateway
    for k, (src, dst, outcome) in enumerate([
            (R4, I4, "inside"), (R6, I6, "inside"),
            ("169.254.1.1", I4, "link-local"), ("fe80::2", I6, "link-local"),
            (R4, "169.254.9.9", "link-local"), (R6, "fe80::99", "link-local")]):
        ib = inner(src, dst, size=90, ident=200 + k)
        frames.append(frame_in(POUT, outer_ip(src, dst, esp_seal(GRP, ib, 41 if ":" in src
                                                                  else 4))))
        if outcome == "inside":
            exp[INSIDE][frame_out(PIN, ttl_minus_one(ib))] += 1
        else:
            drops[outcome] += 1
    # group ESP whose outer addresses are valid and whose inner ones are link-local
    for k, (src, dst, osrc, odst) in enumerate([
            ("169.254.1.1", I4, R4, I4), ("fe80::2", I6, R6, I6),
            (R4, "169.254.9.9", R4, I4), (R6, "fe80::99", R6, I6)]):
        ib = inner(src, dst, size=90, ident=300 + k)
        frames.append(frame_in(POUT, outer_ip(osrc, odst, esp_seal(GRP, ib, 41 if ":" in src
                                                                    else 4))))
        drops["inner-link-local"] += 1
    return frames, exp, drops


@pytest.fixture(scope="module", params=["rtc", "pipeline"])
def run(request, tmp_path_factory):
    frames, exp, drops = build()
    gw = EspGw(tmp_path_factory.mktemp("link-local-" + request.param), [GRP], [],
               layout=request.param, routes=DEFAULT_ROUTES)
    return dict(res=gw.run({OUTSIDE: frames}), exp=exp, drops=drops)


def test_link_local_clean_exit(run):
    assert_clean_exit(run["res"])


def test_link_local_drops_named(run):
    res = run["res"]
    assert collections.Counter(res.nonzero_drops()) == run["drops"], counters_msg(res)


def test_link_local_forwarded_exactly(run):
    """Only the valid packets leave, byte for byte; nothing took the default route
    but the one packet meant to."""
    res = run["res"]
    for port in (INSIDE, OUTSIDE):
        assert collections.Counter(res.outputs[port]) == run["exp"][port], (
            "port %d\n%s" % (port, counters_msg(res)))
