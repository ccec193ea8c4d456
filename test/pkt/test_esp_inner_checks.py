"""Decrypted inner packets get the checks cleartext gets (RFC 1812 5.2.2 / 5.3.7,
RFC 4291 2.5), counted under their own names: a wrong IPv4 header checksum is
`inner-bad-ip-csum`; a source in 0/8, 127/8, 224/4, 240/4 (255.255.255.255 included), a
destination in 0/8, 127/8, 240/4, IPv6 multicast, unspecified or loopback sources,
unspecified or loopback destinations and IPv4-mapped addresses are `inner-bad-ip-addr`;
a link-local source or destination (169.254/16, fe80::/10) is `inner-link-local`; a
source that is one of the gateway's own addresses is `inner-own-src-addr`; a multicast or
broadcast destination, which the gateway hands to its kernel in clear and does not route,
is `inner-multicast`. Valid inner packets of the same SAs are delivered byte for byte
(TTL - 1).

The SAs have no selectors (any source, any destination), so nothing but these checks
stands between a peer holding the key and the forwarding table, and the gateway has
default routes, so a bad destination would leave by them. The peer is scapy
(esplib.esp_seal); the outer header is always valid: a group member builds it as it
likes, header preservation is the sender's habit, not something a receiver can rely on.
Tunnel SA (outer 198.51.100.2 -> 198.51.100.1, the gateway) with IPv4 and IPv6 inner,
group SA (outer: a valid remote host -> a host inside, routed through the gateway) with
IPv4 and IPv6 inner. One gateway run per layout.
"""
import collections

import pytest
from scapy.all import IP, IPv6, UDP, Raw, IPOption

from esplib import (SA, EspGw, ROUTES, INSIDE, OUTSIDE, POUT, PIN, REMOTE4, LOCAL4, inner,
                    ttl_minus_one, frame_in, frame_out, esp_seal, outer_ip, counters_msg)
from gwtest import assert_clean_exit

TUN = SA("tun", 0x6001, "inbound", "aes128gcm", local=LOCAL4, remote=REMOTE4,
         anti_replay=False)
GRP = SA("grp", 0x6003, "inbound", "aes256cbc-sha256", mode="group")

# Default routes out of the outside port: what nothing else matches would leave there.
DEFAULT_ROUTES = ROUTES + [("0.0.0.0/0", "198.51.100.2"), ("::/0", "2001:db8:2::2")]

GOOD4 = ("10.2.70.9", "10.1.70.5")
GOOD6 = ("2001:db8:a2:70::9", "2001:db8:a1:70::5")

# (name, inner src, inner dst, reason); None: delivered
ADDR_CASES = [
    ("v4-good", GOOD4[0], GOOD4[1], None),
    ("v4-src-multicast", "224.0.0.5", GOOD4[1], "inner-bad-ip-addr"),
    ("v4-src-class-e", "240.0.0.1", GOOD4[1], "inner-bad-ip-addr"),
    ("v4-src-loopback", "127.0.0.1", GOOD4[1], "inner-bad-ip-addr"),
    ("v4-src-zero", "0.0.0.0", GOOD4[1], "inner-bad-ip-addr"),
    ("v4-src-broadcast", "255.255.255.255", GOOD4[1], "inner-bad-ip-addr"),
    ("v4-dst-loopback", GOOD4[0], "127.0.0.1", "inner-bad-ip-addr"),
    ("v4-dst-zero-net", GOOD4[0], "0.1.2.3", "inner-bad-ip-addr"),
    ("v4-dst-class-e", GOOD4[0], "240.0.0.1", "inner-bad-ip-addr"),
    ("v4-dst-multicast", GOOD4[0], "239.1.2.3", "inner-multicast"),
    ("v4-dst-broadcast", GOOD4[0], "255.255.255.255", "inner-multicast"),
    ("v4-src-link-local", "169.254.1.1", GOOD4[1], "inner-link-local"),
    ("v4-dst-link-local", GOOD4[0], "169.254.7.7", "inner-link-local"),
    ("v4-src-own", "198.51.100.1", GOOD4[1], "inner-own-src-addr"),
    ("v4-src-own-inside", "192.0.2.1", GOOD4[1], "inner-own-src-addr"),
    ("v6-good", GOOD6[0], GOOD6[1], None),
    ("v6-src-multicast", "ff02::1", GOOD6[1], "inner-bad-ip-addr"),
    ("v6-src-global-multicast", "ff0e::1", GOOD6[1], "inner-bad-ip-addr"),
    ("v6-src-unspecified", "::", GOOD6[1], "inner-bad-ip-addr"),
    ("v6-src-loopback", "::1", GOOD6[1], "inner-bad-ip-addr"),
    ("v6-src-v4mapped", "::ffff:10.2.70.9", GOOD6[1], "inner-bad-ip-addr"),
    ("v6-dst-loopback", GOOD6[0], "::1", "inner-bad-ip-addr"),
    ("v6-dst-unspecified", GOOD6[0], "::", "inner-bad-ip-addr"),
    ("v6-dst-v4mapped", GOOD6[0], "::ffff:10.1.70.5", "inner-bad-ip-addr"),
    ("v6-dst-multicast", GOOD6[0], "ff0e::1:2", "inner-multicast"),
    ("v6-src-link-local", "fe80::9", GOOD6[1], "inner-link-local"),
    ("v6-dst-link-local", GOOD6[0], "fe80::5", "inner-link-local"),
    ("v6-src-own", "2001:db8:1::1", GOOD6[1], "inner-own-src-addr"),
]


def bad_csum(ipb):
    b = bytearray(ipb)
    b[10] ^= 0x5a
    return bytes(b)


def with_options(ident):
    """A valid IPv4 packet with 4 bytes of options (NOP NOP NOP EOL): the checksum loop."""
    p = IP(src=GOOD4[0], dst=GOOD4[1], ttl=64, id=ident, flags="DF",
           options=[IPOption(b"\x01\x01\x01\x00")]) / UDP(sport=1000, dport=9) / Raw(b"o" * 40)
    return bytes(p)


def cases(ident0):
    """(name, inner bytes, reason or None) for one SA."""
    out = []
    ident = ident0
    for name, src, dst, reason in ADDR_CASES:
        ident += 1
        out.append((name, inner(src, dst, size=90, ident=ident), reason))
    ident += 1
    out.append(("v4-bad-csum", bad_csum(inner(*GOOD4, size=90, ident=ident)),
                "inner-bad-ip-csum"))
    ident += 1
    out.append(("v4-options-good", with_options(ident), None))
    ident += 1
    out.append(("v4-options-bad-csum", bad_csum(with_options(ident)), "inner-bad-ip-csum"))
    return out


def outer_for(sa, ib):
    """The outer packet a peer sends for inner packet ib on sa."""
    if sa is TUN:
        return outer_ip(REMOTE4, LOCAL4, esp_seal(sa, ib, 4 if ib[0] >> 4 == 4 else 41))
    v6 = ib[0] >> 4 == 6
    return outer_ip(GOOD6[0] if v6 else GOOD4[0], GOOD6[1] if v6 else GOOD4[1],
                    esp_seal(sa, ib, 41 if v6 else 4))


def build():
    frames, exp, drops = [], collections.defaultdict(list), collections.Counter()
    for k, sa in enumerate((TUN, GRP)):
        for name, ib, reason in cases(1000 * (k + 1)):
            frames.append(frame_in(POUT, outer_for(sa, ib)))
            if reason is None:
                exp[sa.name + ":" + name].append(frame_out(PIN, ttl_minus_one(ib)))
            else:
                drops[reason] += 1
                exp[sa.name + ":" + name]
    return frames, exp, drops


@pytest.fixture(scope="module", params=["rtc", "pipeline"])
def run(request, tmp_path_factory):
    frames, exp, drops = build()
    gw = EspGw(tmp_path_factory.mktemp("esp-inner-" + request.param), [TUN, GRP], [],
               layout=request.param, routes=DEFAULT_ROUTES)
    return dict(res=gw.run({OUTSIDE: frames}), exp=exp, drops=drops)


def test_inner_clean_exit(run):
    assert_clean_exit(run["res"])


def test_inner_drops_named(run):
    """Every bad inner packet is dropped under its inner reason, nothing else drops."""
    res = run["res"]
    assert collections.Counter(res.nonzero_drops()) == run["drops"], counters_msg(res)


def test_inner_valid_delivered_exactly(run):
    """Valid inner packets come out of the inside port byte for byte; nothing else
    leaves any port (a bad destination did not take the default route)."""
    res = run["res"]
    want = collections.Counter(f for lst in run["exp"].values() for f in lst)
    assert collections.Counter(res.outputs[INSIDE]) == want, counters_msg(res)
    assert res.outputs[OUTSIDE] == [], counters_msg(res)
