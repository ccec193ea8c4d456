"""Every received frame lands in exactly one counter, fragments included (the hardening
issue, item 5: k fragments reassembled into one packet left k - 1 frames in no counter,
and fragments still held at exit in none either).

The ledger, summed over the ports (lib/stats/README.md; nothing comes from a kernel or
is originated here):
    rx_packets = tx_packets + to_kernel + drops + reasm_consumed + reasm_held
where reasm_consumed counts the fragments merged into a packet that another fragment
(the first) carries on, and reasm_held the fragments reassembly still holds (at exit:
held at exit). One gateway run per layout carries, on the outside port:
  * IPv4 ESP datagrams cut by scapy into 4 fragments each, and IPv6 ESP into 3;
  * incomplete IPv4 and IPv6 ESP datagrams (held at exit, or timed out when the run
    lasts longer than the 2 s reassembly timeout);
  * a datagram with a duplicated first fragment (rte_ip_frag kills the datagram);
  * cleartext UDP fragments to the gateway's own address (the reassembly path is
    shared: whole, they are for the appliance, dropped as no-exception-path here);
  * transit cleartext fragments (not reassembled: forwarded as they are).
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from esplib import (EspGw, SA, INSIDE, OUTSIDE, PIN, POUT, inner, ttl_minus_one,  # noqa: E402
                    frame_in, frame_out, outer_ip, esp_seal, counters_msg)
from gwtest import assert_clean_exit  # noqa: E402
from scapy.all import IP, IPv6, UDP, Raw, IPv6ExtHdrFragment, fragment, fragment6  # noqa: E402

H1, H2 = "10.1.0.5", "10.2.0.9"
H1_6, H2_6 = "2001:db8:a1::5", "2001:db8:a2::9"

SAS = [
    SA("g-in", 0x3102, "inbound", "aes128gcm", mode="group", src="10.2.0.0/16",
       dst="10.1.0.0/16"),
    SA("g6-in", 0x3106, "inbound", "aes128gcm", mode="group", src="2001:db8:a2::/48",
       dst="2001:db8:a1::/48"),
]

N4, N6 = 12, 8              # complete datagrams
K4, K6 = 4, 3               # fragments each
PART4, PART6 = 5, 3         # incomplete datagrams: 2 of 4 / 1 of 3 fragments sent


def esp4(ident, seq):
    pin = inner(H2, H1, size=1300, ident=ident, flags=0)
    return pin, IP(outer_ip(H2, H1, esp_seal(SAS[0], pin, 4, seq=seq)), id=ident)


def esp6(ident, seq):
    pin = inner(H2_6, H1_6, size=1300, ident=ident)
    return pin, IPv6(src=H2_6, dst=H1_6, hlim=64) / \
        IPv6ExtHdrFragment(nh=50, id=ident) / Raw(esp_seal(SAS[1], pin, 41, seq=seq))


def frags4(outer):
    fr = [bytes(f) for f in fragment(outer, fragsize=344)]
    assert len(fr) == K4
    return fr


def frags6(outer, ident):
    fr = [bytes(f) for f in fragment6(outer, 600)]
    assert len(fr) == K6
    return fr


def build():
    """(input frames on the outside port, inner packets expected inside, expected counts)"""
    ins, want = [], []
    seq = 1
    for i in range(N4):
        pin, outer = esp4(100 + i, seq)
        seq += 1
        ins += [frame_in(POUT, f) for f in frags4(outer)]
        want.append(frame_out(PIN, ttl_minus_one(pin)))
    for i in range(N6):
        pin, outer = esp6(200 + i, seq)
        seq += 1
        ins += [frame_in(POUT, f) for f in frags6(outer, 200 + i)]
        want.append(frame_out(PIN, ttl_minus_one(pin)))
    for i in range(PART4):
        _pin, outer = esp4(300 + i, seq)
        seq += 1
        ins += [frame_in(POUT, f) for f in frags4(outer)[:2]]
    for i in range(PART6):
        _pin, outer = esp6(400 + i, seq)
        seq += 1
        ins += [frame_in(POUT, f) for f in frags6(outer, 400 + i)[:1]]
    # a duplicated first fragment kills the datagram; the rest make a new, incomplete one
    _pin, outer = esp4(500, seq)
    f = frags4(outer)
    ins += [frame_in(POUT, x) for x in (f[0], f[0], f[1], f[2], f[3])]
    # cleartext UDP to the gateway itself, in 3 fragments: reassembled (shared path)
    udp_local = IP(src=H2, dst=POUT["v4"].split("/")[0], id=600) / UDP(sport=9, dport=9999) \
        / Raw(b"L" * 1000)
    ins += [frame_in(POUT, bytes(x)) for x in fragment(udp_local, fragsize=400)]
    # transit cleartext fragments: forwarded one by one
    transit = IP(src=H2, dst="10.1.0.77", id=700) / UDP(sport=9, dport=9) / Raw(b"T" * 1000)
    tr = [bytes(x) for x in fragment(transit, fragsize=400)]
    ins += [frame_in(POUT, x) for x in tr]
    want += [frame_out(PIN, ttl_minus_one(x)) for x in tr]
    return ins, want


@pytest.fixture(scope="module", params=["rtc", "pipeline"])
def run(request, tmp_path_factory):
    gw = EspGw(tmp_path_factory.mktemp("esp-reasm-ctr-" + request.param), SAS, [],
               layout=request.param)
    ins, want = build()
    return gw, ins, want


def test_every_frame_counted_held_at_exit(run):
    """Exit (500 ms idle) before the 2 s reassembly timeout: the incomplete datagrams'
    fragments are held at exit and counted as such."""
    gw, ins, want = run
    res = gw.run({OUTSIDE: ins})
    assert_clean_exit(res)
    assert sorted(res.outputs[INSIDE]) == sorted(want), counters_msg(res)
    rx, out, parts = res.ledger()
    assert parts["rx_packets"] == len(ins) and parts["originated"] == 0, parts
    assert rx == out, "rx %d != %d: %s\n%s" % (rx, out, parts, counters_msg(res))
    # merged: every fragment of a complete datagram but its first
    assert parts["reasm_consumed"] == N4 * (K4 - 1) + N6 * (K6 - 1) + 2, parts
    # held at exit: the incomplete ones, and the 3 after the duplicate
    assert parts["reasm_held"] == PART4 * 2 + PART6 + 3, parts
    assert res.drop("esp-frag-reassembly") == 2, counters_msg(res)   # f0 and its copy
    assert res.drop("no-exception-path") == 1, counters_msg(res)     # the local UDP


def test_every_frame_counted_after_timeout(run):
    """A run longer than the reassembly timeout: the incomplete datagrams time out, and
    their fragments move from held to esp-frag-reassembly."""
    gw, ins, want = run
    res = gw.run({OUTSIDE: ins}, idle_ms=3000)
    assert_clean_exit(res)
    rx, out, parts = res.ledger()
    assert parts["rx_packets"] == len(ins) and rx == out, "rx %d != %d: %s\n%s" % (
        rx, out, parts, counters_msg(res))
    assert parts["reasm_held"] == 0, parts
    assert res.drop("esp-frag-reassembly") == 2 + PART4 * 2 + PART6 + 3, counters_msg(res)
