"""The egress port's MTU, through the real binary (port `mtu` below the packets).

Forwarded packets (port ge-0/0/1 with MTU 1280): an IPv4 packet with DF clear larger
than the egress MTU is fragmented by the gateway, as a router must (RFC 791, RFC 1812
5.2.6 / 4.2.2.7): every fragment <= 1280 bytes of IP, framed to the next hop, and
scapy's defragment() rebuilds exactly the forwarded packet (TTL - 1, checksum right).
With DF set: ICMP fragmentation needed with next-hop MTU 1280 (RFC 1191); IPv6: Packet
Too Big with MTU 1280 (RFC 8200 5, RFC 4443).

ESP packets the gateway sends (outside port MTU 1400, default tunnel-mtu 1500): the
effective tunnel MTU is the smaller of the two, so a 1380-byte inner packet is handled
as for a 1400-byte tunnel: IPv4 without DF cut before encryption (each ESP packet
<= 1400, scapy decrypts and reassembles the exact inner packet), IPv4 with DF and IPv6
answered with ICMP fragmentation needed / Packet Too Big carrying 1400 - overhead,
and nothing dropped silently as `mtu-exceeded`.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from pkttopo import Topo, PORTS  # noqa: E402
from esplib import (EspGw, SA, Term, Policy, INSIDE, OUTSIDE, PIN, POUT, LOCAL4,  # noqa: E402
                    REMOTE4, inner, ttl_minus_one, frame_in, esp_open, parse_out,
                    spi_of, counters_msg)
from gwtest import assert_clean_exit  # noqa: E402
from scapy.all import (Ether, IP, IPv6, UDP, Raw, ICMP, ICMPv6PacketTooBig,  # noqa: E402
                       defragment)

# ---------------------------------------------------------------------------------
# Forwarded packets

FWD_MTU = 1280
FWD_PORTS = [PORTS[0], dict(PORTS[1], mtu=FWD_MTU), PORTS[2]]
SRC4, DST4 = "192.0.2.77", "10.0.0.5"              # port 0 -> port 1
SRC6, DST6 = "2001:db8:1::77", "2001:db8:100::5"


def ip4(size, ident, flags):
    p = IP(src=SRC4, dst=DST4, ttl=64, id=ident, flags=flags) / UDP(sport=1000, dport=9)
    return bytes(p / Raw(bytes(i & 0xFF for i in range(size - len(p)))))


def ip6(size):
    p = IPv6(src=SRC6, dst=DST6, hlim=64) / UDP(sport=1000, dport=9)
    return bytes(p / Raw(bytes(i & 0xFF for i in range(size - len(p)))))


@pytest.fixture(scope="module", params=["rtc", "pipeline"])
def fwd(request, tmp_path_factory):
    topo = Topo(tmp_path_factory.mktemp("route-mtu-" + request.param), layout=request.param,
                ports=FWD_PORTS)
    pk = dict(small=ip4(200, 0x1230, 0), big=ip4(1400, 0x1234, 0),
              big_df=ip4(1400, 0x1235, "DF"), exact=ip4(FWD_MTU, 0x1236, 0),
              big6=ip6(1400))
    order = ["small", "big", "big_df", "exact", "big6"]
    res = topo.run({0: [frame_in(PORTS[0], pk[k]) for k in order]})
    return dict(res=res, **pk)


def test_fwd_clean_exit(fwd):
    assert_clean_exit(fwd["res"])
    assert fwd["res"].drop("mtu-exceeded") == 2, counters_msg(fwd["res"])  # DF and IPv6


def test_fwd_ipv4_df_clear_is_fragmented(fwd):
    res = fwd["res"]
    out = [Ether(f) for f in res.outputs[1]]
    for e in out:
        assert e.src == PORTS[1]["mac"] and e.dst == PORTS[1]["nbr_mac"] and e.type == 0x0800
        assert len(e.payload) <= FWD_MTU, "a frame exceeds the egress MTU"
    frags = [e[IP] for e in out if e[IP].id == 0x1234]
    assert len(frags) >= 2, counters_msg(res)
    for f in frags:
        g = IP(bytes(f))
        c = g.chksum
        del g.chksum
        assert IP(bytes(g)).chksum == c, "fragment header checksum"
        assert g.ttl == 63 and not (g.flags & 2)
    whole = defragment(frags)
    assert len(whole) == 1
    assert bytes(whole[0]) == ttl_minus_one(fwd["big"])
    # order kept: the small packet sent before it leaves before its fragments
    ids = [e[IP].id for e in out]
    assert ids.index(0x1230) < ids.index(0x1234)
    # a packet of exactly the MTU is not cut
    assert [bytes(e[IP]) for e in out if e[IP].id == 0x1236] == [ttl_minus_one(fwd["exact"])]


def test_fwd_ipv4_df_set_gets_frag_needed(fwd):
    res = fwd["res"]
    fn = [Ether(f) for f in res.outputs[0] if ICMP in Ether(f)]
    fn = [p for p in fn if p[ICMP].type == 3 and p[ICMP].code == 4]
    assert len(fn) == 1, counters_msg(res)
    assert fn[0][IP].dst == SRC4 and fn[0][ICMP].nexthopmtu == FWD_MTU
    assert not [f for f in res.outputs[1] if Ether(f)[IP].id == 0x1235]


def test_fwd_ipv6_gets_packet_too_big(fwd):
    res = fwd["res"]
    ptb = [Ether(f) for f in res.outputs[0] if ICMPv6PacketTooBig in Ether(f)]
    assert len(ptb) == 1, counters_msg(res)
    assert ptb[0][IPv6].dst == SRC6 and ptb[0][ICMPv6PacketTooBig].mtu == FWD_MTU


# ---------------------------------------------------------------------------------
# ESP packets larger than the egress port's MTU (tunnel-mtu above it)

PORT_MTU = 1400
ESP_PORTS = [PIN, dict(POUT, mtu=PORT_MTU)]
SAS = [
    SA("t4", 0x5101, "outbound", "aes128gcm", local=LOCAL4, remote=REMOTE4,
       src="10.1.0.0/16", dst="10.2.0.0/16"),
    SA("t6", 0x5102, "outbound", "aes128gcm", local=LOCAL4, remote=REMOTE4,
       src="2001:db8:a1::/48", dst="2001:db8:a2::/48"),
]
POLICIES = [Policy("out", "ge-0/0/0", "input", [
    Term("v4", "protect", src="10.1.0.0/16", dst="10.2.0.0/16", sa="t4"),
    Term("v6", "protect", src="2001:db8:a1::/48", dst="2001:db8:a2::/48", sa="t6"),
])]
# IPv4 outer, GCM: 20 + 8 (ESP) + 8 (IV) + 2 + 16 (ICV) + padding 0..3
O_MIN, O_MAX = 54, 57


@pytest.fixture(scope="module", params=["rtc", "pipeline"])
def esp(request, tmp_path_factory):
    gw = EspGw(tmp_path_factory.mktemp("route-esp-mtu-" + request.param), SAS, POLICIES,
               layout=request.param, ports=ESP_PORTS)
    pk = dict(small=inner("10.1.0.5", "10.2.0.9", size=200, ident=20, flags="DF"),
              nodf=inner("10.1.0.5", "10.2.0.9", size=1380, ident=21, flags=0),
              df=inner("10.1.0.5", "10.2.0.9", size=1380, ident=22, flags="DF"),
              v6=inner("2001:db8:a1::5", "2001:db8:a2::9", size=1380, ident=23))
    res = gw.run({INSIDE: [frame_in(PIN, pk[k]) for k in ("small", "nodf", "df", "v6")]})
    return dict(res=res, **pk)


def test_esp_clean_exit_no_silent_drop(esp):
    res = esp["res"]
    assert_clean_exit(res)
    assert res.drop("mtu-exceeded") == 0, counters_msg(res)


def test_esp_inner_ipv4_df_clear_cut_before_encryption(esp):
    res = esp["res"]
    inners = []
    for f in res.outputs[OUTSIDE]:
        _e, ip, espb, _udp = parse_out(f)
        assert espb is not None and len(ip) <= PORT_MTU, "an ESP packet exceeds the port MTU"
        assert spi_of(espb) == 0x5101
        _nh, payload = esp_open(SAS[0], espb)
        inners.append(IP(payload))
    assert ttl_minus_one(esp["small"]) in [bytes(p) for p in inners], counters_msg(res)
    frags = [p for p in inners if p.id == 21]
    assert len(frags) >= 2, counters_msg(res)
    assert bytes(defragment(frags)[0]) == ttl_minus_one(esp["nodf"])


def test_esp_inner_ipv4_df_gets_frag_needed(esp):
    res = esp["res"]
    fn = [Ether(f) for f in res.outputs[INSIDE] if ICMP in Ether(f)]
    fn = [p for p in fn if p[ICMP].type == 3 and p[ICMP].code == 4]
    assert len(fn) == 1, counters_msg(res)
    assert fn[0][IP].dst == "10.1.0.5"
    # the largest inner packet whose ESP packet fits the port
    assert PORT_MTU - O_MAX <= fn[0][ICMP].nexthopmtu <= PORT_MTU - O_MIN


def test_esp_inner_ipv6_gets_packet_too_big(esp):
    res = esp["res"]
    ptb = [Ether(f) for f in res.outputs[INSIDE] if ICMPv6PacketTooBig in Ether(f)]
    assert len(ptb) == 1, counters_msg(res)
    assert ptb[0][IPv6].dst == "2001:db8:a1::5"
    assert PORT_MTU - O_MAX <= ptb[0][ICMPv6PacketTooBig].mtu <= PORT_MTU - O_MIN
