"""Tunnel MTU through the real binary: inner packets larger than an SA's tunnel MTU
are fragmented before encryption (checked by decrypting with scapy and reassembling
with scapy's defragment), or answered with ICMP fragmentation needed / packet too big
when they may not be fragmented; passive mode tunnels them and fragments the ESP
packet; fragmented inbound ESP is reassembled before decryption."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from esplib import (EspGw, SA, Term, Policy, INSIDE, OUTSIDE, PIN, POUT, inner,  # noqa: E402
                    ttl_minus_one, frame_in, outer_ip, esp_seal, esp_open, parse_out,
                    counters_msg)
from gwtest import assert_clean_exit  # noqa: E402
from scapy.all import Ether, IP, IPv6, ICMP, ICMPv6PacketTooBig, defragment, fragment  # noqa: E402

MTU = 600
H1, H2 = "10.1.0.5", "10.2.0.9"          # inside host, remote host behind the mesh
H1_6, H2_6 = "2001:db8:a1::5", "2001:db8:a2::9"

SAS = [
    SA("g-out", 0x3001, "outbound", "aes128gcm", mode="group", src="10.1.0.0/16",
       dst="10.2.0.0/16", extra="tunnel-mtu = %d;" % MTU),
    SA("g-in", 0x3002, "inbound", "aes128gcm", mode="group", src="10.2.0.0/16",
       dst="10.1.0.0/16"),
    SA("g6-out", 0x3003, "outbound", "aes128gcm", mode="group", src="2001:db8:a1::/48",
       dst="2001:db8:a2::/48", extra="tunnel-mtu = %d;" % 1300),
    SA("p-out", 0x3004, "outbound", "aes128gcm", mode="group", src="10.1.9.0/24",
       dst="10.2.9.0/24", extra="tunnel-mtu = %d; passive-mode-tunneling = true;" % MTU),
]
POLICIES = [Policy("out", "ge-0/0/0", "input", [
    Term("passive", "protect", src="10.1.9.0/24", dst="10.2.9.0/24", sa="p-out"),
    Term("v4", "protect", src="10.1.0.0/16", dst="10.2.0.0/16", sa="g-out"),
    Term("v6", "protect", src="2001:db8:a1::/48", dst="2001:db8:a2::/48", sa="g6-out"),
])]


def decrypt_all(frames, sa):
    """ESP frames -> list of inner IP payload bytes (scapy decrypts), outer fragments
    reassembled first."""
    outer = [Ether(f).payload for f in frames]
    whole = list(defragment([p for p in outer if isinstance(p, IP)])) + \
        [p for p in outer if not isinstance(p, IP)]
    out = []
    for ip in whole:
        _e, _ip, espb, _udp = parse_out(bytes(Ether(src=PIN["mac"], dst=PIN["nbr_mac"]) / ip))
        assert espb is not None, ip.summary()
        _nh, payload = esp_open(sa, espb)
        out.append(payload)
    return out


@pytest.fixture(scope="module", params=["rtc", "pipeline"])
def mtu(request, tmp_path_factory):
    gw = EspGw(tmp_path_factory.mktemp("esp-mtu-" + request.param), SAS, POLICIES,
               layout=request.param)
    big = inner(H1, H2, size=1000, ident=11, flags=0)          # DF clear: fragment
    big_df = inner(H1, H2, size=1000, ident=12, flags="DF")    # DF: ICMP
    small = inner(H1, H2, size=200, ident=13, flags="DF")      # fits
    big6 = inner(H1_6, H2_6, size=1400, ident=14)              # IPv6 > 1280: PTB
    passive = inner("10.1.9.5", "10.2.9.9", size=1000, ident=15, flags="DF")
    # inbound: ESP of 1400 bytes fragmented by the sender (scapy) into 3 fragments
    in_inner = inner(H2, H1, size=1300, ident=16, flags=0)
    espb = esp_seal(SAS[1], in_inner, 4, seq=7)
    outer = IP(outer_ip(H2, H1, espb))
    frags = [frame_in(POUT, bytes(f)) for f in fragment(outer, fragsize=512)]
    res = gw.run({INSIDE: [frame_in(PIN, p) for p in (big, big_df, small, big6, passive)],
                  OUTSIDE: frags})
    return dict(res=res, big=big, big_df=big_df, small=small, big6=big6, passive=passive,
                in_inner=in_inner, nfrags=len(frags))


def test_mtu_clean_exit(mtu):
    assert_clean_exit(mtu["res"])


def test_fragmented_before_encryption(mtu):
    res = mtu["res"]
    out = res.outputs[OUTSIDE]
    g_out = [f for f in out if parse_out(f)[2] is not None and
             parse_out(f)[2][:4] == bytes.fromhex("%08x" % 0x3001)]
    for f in g_out:
        assert len(Ether(f).payload) <= MTU, "an ESP packet exceeds the tunnel MTU"
    inners = [IP(p) for p in decrypt_all(g_out, SAS[0])]
    # the small packet as it is, and the big one as fragments that reassemble exactly
    assert ttl_minus_one(mtu["small"]) in [bytes(p) for p in inners], counters_msg(res)
    frags = [p for p in inners if p.id == 11]
    assert len(frags) >= 2, counters_msg(res)
    assert bytes(defragment(frags)[0]) == ttl_minus_one(mtu["big"])


def test_df_set_gets_icmp_frag_needed(mtu):
    res = mtu["res"]
    assert res.drop("frag-needed") >= 2, counters_msg(res)      # big_df and big6
    icmps = [Ether(f) for f in res.outputs[INSIDE] if ICMP in Ether(f)]
    fn = [p for p in icmps if p[ICMP].type == 3 and p[ICMP].code == 4]
    assert len(fn) == 1, counters_msg(res)
    p = fn[0]
    assert p[IP].dst == H1 and p[IP].src == "192.0.2.1"
    assert 0 < p[ICMP].nexthopmtu < MTU
    assert bytes(p[ICMP].payload)[:20] == ttl_minus_one(mtu["big_df"])[:20] or \
        bytes(p[ICMP].payload)[:20] == mtu["big_df"][:20]


def test_ipv6_gets_packet_too_big(mtu):
    res = mtu["res"]
    ptb = [Ether(f) for f in res.outputs[INSIDE] if ICMPv6PacketTooBig in Ether(f)]
    assert len(ptb) == 1, counters_msg(res)
    assert ptb[0][ICMPv6PacketTooBig].mtu == 1280
    assert ptb[0][IPv6].dst == H1_6


def test_passive_mode_fragments_the_esp_packet(mtu):
    res = mtu["res"]
    out = [f for f in res.outputs[OUTSIDE] if IP in Ether(f) and
           Ether(f)[IP].dst == "10.2.9.9"]
    assert len(out) >= 2, counters_msg(res)     # outer fragments
    for f in out:
        assert len(Ether(f).payload) <= MTU
    inners = decrypt_all(out, SAS[3])
    assert len(inners) == 1
    # tunnelled whole, DF and all (no IP checks in passive mode)
    assert inners[0] == ttl_minus_one(mtu["passive"])


def test_inbound_esp_fragments_reassembled(mtu):
    res = mtu["res"]
    from esplib import frame_out
    assert frame_out(PIN, ttl_minus_one(mtu["in_inner"])) in res.outputs[INSIDE], \
        counters_msg(res)


def test_every_frame_counted(mtu):
    """Fragments made before or after encryption and ICMP errors count as originated,
    the inbound fragments merged by reassembly as reasm_consumed: the ledger adds up
    exactly, and tx_packets equals the frames in each output pcap."""
    res = mtu["res"]
    fin, fout, parts = res.ledger()
    assert fin == fout, "in %d != out %d: %s\n%s" % (fin, fout, parts, counters_msg(res))
    assert parts["reasm_consumed"] == mtu["nfrags"] - 1, parts
    assert parts["originated"] > 0, parts
    for i in (INSIDE, OUTSIDE):
        st = res.port(["ge-0/0/0", "ge-0/0/1"][i])
        assert st["tx_packets"] == len(res.outputs[i]), st
