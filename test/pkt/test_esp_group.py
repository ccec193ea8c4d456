"""Group SAs (mode "group"): header preservation, DSCP and DF on output, the IP-D3P
delay-detection header (draft-weis-delay-detection-01) on output, and time-based
anti-replay on input. One gateway run per (layout, engine) carries every case; the peer
is scapy.

Addresses: 10.1.N.0/24 (inside) <-> 10.2.N.0/24 (outside), one N per SA pair.
"""
import collections
import time

import pytest

from esplib import (SA, Term, Policy, EspGw, INSIDE, OUTSIDE, PIN, POUT, inner, ttl_minus_one,
                    frame_in, frame_out, d3p, esp_seal, esp_open, outer_ip, parse_out, spi_of,
                    counters_msg)
from gwtest import assert_clean_exit

W = 6000        # TBAR window, ms: +-3 s leaves room for the gateway start-up


def group_pair(n, alg, tbar=W, df=None, v6=False, d3p_proto=None, spi_base=0x4000):
    if v6:
        ins, outs = "2001:db8:a1:%x::/64" % n, "2001:db8:a2:%x::/64" % n
    else:
        ins, outs = "10.1.%d.0/24" % n, "10.2.%d.0/24" % n
    gin = SA("g%d-in" % n, spi_base + 2 * n, "inbound", alg, mode="group", src=outs, dst=ins,
             tbar=tbar, d3p_proto=d3p_proto)
    gout = SA("g%d-out" % n, spi_base + 2 * n + 1, "outbound", alg, mode="group", src=ins,
              dst=outs, tbar=tbar, df=df, d3p_proto=d3p_proto)
    return gin, gout


def h(n, host, side, v6=False):
    """Host address on the inside (side 1) or outside (side 2) net N."""
    return "2001:db8:a%d:%x::%x" % (side, n, host) if v6 else "10.%d.%d.%d" % (side, n, host)


# Output cases: N -> (alg, v6, df-bit, d3p protocol)
OUT_CASES = {
    1: ("aes128gcm", False, "copy", None),
    2: ("aes256cbc-sha1", False, "clear", None),
    3: ("aes128cbc-sha256", False, "set", None),
    4: ("aes256gcm", True, None, None),
    5: ("aes128cbc-sha1", True, None, 254),
    6: ("chacha20poly1305", False, None, None),
}
TBAR_N = 20        # inbound TBAR cases, window W
ZERO_N = 21        # window 0 (no D3P)
NOTBAR_N = 22      # no time-based-anti-replay statement
LOCAL_N = 23       # ESP to the gateway's own inside address (192.0.2.1)


@pytest.fixture(scope="module", params=[pytest.param(("rtc", "ipsecmb"), id="rtc-ipsecmb"),
                                        pytest.param(("pipeline", "openssl"), id="pipeline-openssl")])
def grp(request, tmp_path_factory):
    layout, engine = request.param
    sas, terms = [], []
    for n, (alg, v6, df, proto) in OUT_CASES.items():
        gin, gout = group_pair(n, alg, df=df, v6=v6, d3p_proto=proto)
        sas += [gin, gout]
        terms.append(Term("t%d" % n, "protect", src=gout.src, dst=gout.dst, sa=gout.name))
    for n, tb in ((TBAR_N, W), (ZERO_N, 0), (NOTBAR_N, None)):
        gin, gout = group_pair(n, "aes256cbc-sha256", tbar=tb)
        sas += [gin, gout]
        terms.append(Term("t%d" % n, "protect", src=gout.src, dst=gout.dst, sa=gout.name))
    glocal = SA("g%d-in" % LOCAL_N, 0x4000 + 2 * LOCAL_N, "inbound", "aes128gcm", mode="group",
                src="10.2.%d.0/24" % LOCAL_N, dst="192.0.2.1/32", tbar=W)
    sas.append(glocal)
    pol = [Policy("enc", "ge-0/0/0", "input", terms)]
    gw = EspGw(tmp_path_factory.mktemp("esp-group-%s-%s" % (layout, engine)), sas, pol,
               layout=layout, engine=engine)
    byname = {s.name: s for s in sas}

    inputs = collections.defaultdict(list)
    exp = {}            # case -> expected inside frames
    sent_out = {}       # n -> [(inner bytes sent in clear, tos, df)]
    ident = 0
    # encrypt direction: cleartext into the inside port
    for n, (alg, v6, df, proto) in OUT_CASES.items():
        lst = []
        for tos, dfin, size in ((0, True, 80), (0xb8, False, 333), (0x28, True, 1200)):
            ident += 1
            ib = inner(h(n, 5, 1, v6), h(n, 9, 2, v6), ttl=64, size=size, ident=ident, tos=tos,
                       flags="DF" if dfin else 0)
            inputs[INSIDE].append(frame_in(PIN, ib))
            lst.append((ib, tos, dfin))
        sent_out[n] = lst
    for n in (TBAR_N, ZERO_N, NOTBAR_N):
        ident += 1
        ib = inner(h(n, 5, 1), h(n, 9, 2), size=100, ident=ident)
        inputs[INSIDE].append(frame_in(PIN, ib))
        sent_out[n] = [(ib, 0, True)]

    # decrypt direction: ESP (header preserved) into the outside port
    def esp_in(n, payload, nh, case, seq, deliver, v6=False):
        sa = byname["g%d-in" % n]
        src, dst = h(n, 9, 2, v6), h(n, 5, 1, v6)
        inputs[OUTSIDE].append(frame_in(POUT, outer_ip(src, dst, esp_seal(sa, payload, nh, seq=seq))))
        exp.setdefault(case, [])

    now = int(time.time())
    expected_in = collections.defaultdict(list)
    for n, (alg, v6, df, proto) in OUT_CASES.items():      # round trip for every out case
        ident += 1
        ib = inner(h(n, 9, 2, v6), h(n, 5, 1, v6), size=150, ident=ident)
        nh = 41 if v6 else 4
        esp_in(n, d3p(nh) + ib, 253 if proto is None else proto, "in%d" % n, ident, True, v6)
        expected_in["in%d" % n].append(frame_out(PIN, ttl_minus_one(ib)))
    # A sender without header preservation: the ESP packet's destination (10.2.1.77)
    # leads back out of the outside port; the inner packet is routed by its own.
    ident += 1
    ib = inner(h(1, 9, 2), h(1, 5, 1), size=120, ident=ident)
    inputs[OUTSIDE].append(frame_in(POUT, outer_ip(h(1, 9, 2), h(1, 77, 2),
                                                   esp_seal(byname["g1-in"], d3p(4) + ib, 253,
                                                            seq=ident))))
    expected_in["in-moved-dst"].append(frame_out(PIN, ttl_minus_one(ib)))
    # ESP whose inner (and outer) destination is the gateway itself: decrypted, then for
    # the appliance (no exception path in these runs: dropped as such), never forwarded on
    # the route classify found for the ESP packet, in either layout.
    ident += 1
    ib = inner(h(LOCAL_N, 9, 2), "192.0.2.1", size=90, ident=ident)
    inputs[OUTSIDE].append(frame_in(POUT, outer_ip(h(LOCAL_N, 9, 2), "192.0.2.1",
                                                   esp_seal(glocal, d3p(4) + ib, 253, seq=ident))))
    # TBAR inbound on TBAR_N
    tb_cases = [("tbar-now", lambda nh: d3p(nh), 253, 3, True),
                ("tbar-now-whole-sec", lambda nh: d3p(nh, sec=now, usec=0), 253, 1, True),
                ("tbar-too-old", lambda nh: d3p(nh, sec=now - 10), 253, 2, False),
                ("tbar-too-new", lambda nh: d3p(nh, sec=now + 10), 253, 3, False),
                ("tbar-missing", lambda nh: b"", 4, 2, False),
                ("tbar-bad-type", lambda nh: d3p(nh, typ=2), 253, 1, False),
                ("tbar-bad-len", lambda nh: d3p(nh, length=16), 253, 1, False)]
    for case, hdr, nh, count, deliver in tb_cases:
        for _ in range(count):
            ident += 1
            ib = inner(h(TBAR_N, 9, 2), h(TBAR_N, 5, 1), size=90, ident=ident)
            esp_in(TBAR_N, hdr(4) + ib, nh, case, ident, deliver)
            if deliver:
                expected_in[case].append(frame_out(PIN, ttl_minus_one(ib)))
    # window 0 and no statement: no D3P expected; a D3P header (any age) is unexpected
    for n in (ZERO_N, NOTBAR_N):
        for case, hdr, nh, deliver in (("plain", b"", 4, True),
                                       ("old-d3p", d3p(4, sec=now - 100), 253, False)):
            ident += 1
            ib = inner(h(n, 9, 2), h(n, 5, 1), size=90, ident=ident)
            esp_in(n, hdr + ib, nh, "n%d-%s" % (n, case), ident, deliver)
            if deliver:
                expected_in["n%d-%s" % (n, case)].append(frame_out(PIN, ttl_minus_one(ib)))
    t0 = time.time()
    res = gw.run(dict(inputs))
    t1 = time.time()
    return dict(res=res, byname=byname, sent_out=sent_out, exp_in=expected_in, t=(t0, t1))


def test_group_clean_exit(grp):
    assert_clean_exit(grp["res"])


@pytest.mark.parametrize("n", list(OUT_CASES))
def test_group_output(grp, n):
    """Header preservation, DSCP copy, DF per df-bit, D3P header, inner = TTL-1."""
    res = grp["res"]
    alg, v6, df, proto = OUT_CASES[n]
    sa = grp["byname"]["g%d-out" % n]
    mine = [f for f in res.outputs[OUTSIDE] if parse_out(f)[2] is not None
            and spi_of(parse_out(f)[2]) == sa.spi]
    sent = grp["sent_out"][n]
    assert len(mine) == len(sent), "%d ESP packets for SPI %#x, sent %d\n%s" % (
        len(mine), sa.spi, len(sent), counters_msg(res))
    t0, t1 = grp["t"]
    for f, (ib, tos, dfin) in zip(mine, sent):
        eth, ip, espb, udp = parse_out(f)
        assert (eth.src, eth.dst) == (POUT["mac"], POUT["nbr_mac"])
        want = ttl_minus_one(ib)
        if v6:
            assert ip.version == 6 and ip.nh == 50
            assert (ip.src, ip.dst) == (h(n, 5, 1, True), h(n, 9, 2, True))
            assert ip.tc == tos
        else:
            assert ip.version == 4 and ip.proto == 50
            assert (ip.src, ip.dst) == (h(n, 5, 1), h(n, 9, 2)), "header preservation"
            assert ip.tos == tos, "DSCP/TOS copied"
            want_df = {"set": True, "clear": False, "copy": dfin, None: False}[df]
            assert bool(ip.flags.DF) == want_df, "df-bit %s, inner DF %s" % (df, dfin)
            assert not ip.flags.MF and ip.frag == 0
            assert IP_cksum_ok(ip)
        nh, pl = esp_open(sa, espb)
        assert nh == (253 if proto is None else proto), "ESP next header = D3P protocol"
        assert len(pl) >= 12
        d_nh, d_type, d_len = pl[0], pl[1], int.from_bytes(pl[2:4], "big")
        sec, usec = int.from_bytes(pl[4:8], "big"), int.from_bytes(pl[8:12], "big")
        assert (d_nh, d_type, d_len) == ((41 if v6 else 4), 1, 12), pl[:12].hex()
        assert int(t0) - 2 <= sec <= int(t1) + 2, "D3P seconds %d not within run %s" % (sec, grp["t"])
        assert usec <= 999999
        assert pl[12:] == want, "inner packet differs"


def IP_cksum_ok(ip):
    from scapy.all import IP
    raw = bytes(ip)[:ip.ihl * 4]
    p = IP(raw)
    c = p.chksum
    del p.chksum
    return IP(bytes(p)).chksum == c


@pytest.mark.parametrize("n", [ZERO_N, NOTBAR_N])
def test_group_output_no_d3p(grp, n):
    """Window 0 / no TBAR: no D3P header, ESP next header 4, same inner packet."""
    res = grp["res"]
    sa = grp["byname"]["g%d-out" % n]
    mine = [f for f in res.outputs[OUTSIDE] if parse_out(f)[2] is not None
            and spi_of(parse_out(f)[2]) == sa.spi]
    assert len(mine) == 1, counters_msg(res)
    nh, pl = esp_open(sa, parse_out(mine[0])[2])
    assert nh == 4
    assert pl == ttl_minus_one(grp["sent_out"][n][0][0])


def _delivered(res, frames):
    got = collections.Counter(res.outputs[INSIDE])
    return all(got[f] >= 1 for f in frames)


@pytest.mark.parametrize("case", ["in%d" % n for n in OUT_CASES] + ["in-moved-dst",
    "tbar-now", "tbar-now-whole-sec", "n%d-plain" % ZERO_N, "n%d-plain" % NOTBAR_N])
def test_group_input_delivered(grp, case):
    res = grp["res"]
    frames = grp["exp_in"][case]
    assert frames
    missing = [f for f in frames if f not in res.outputs[INSIDE]]
    assert not missing, "%d of %d not delivered\n%s" % (len(missing), len(frames), counters_msg(res))


def test_group_input_drop_counters(grp):
    """Each TBAR class with its own counter (distinct counts so a misfiled class shows),
    and nothing else dropped; the inside port carries exactly the delivered packets."""
    res = grp["res"]
    d = res.nonzero_drops()
    want = {"tbar-too-old": 2, "tbar-too-new": 3, "tbar-missing": 2 + 1 + 1,
            # window 0 and no TBAR: an unexpected D3P header in tunnel mode MUST be
            # discarded (draft-weis-delay-detection-01 3)
            "esp-bad-next-hdr": 2,
            "no-exception-path": 1}     # LOCAL_N: decrypted, for the gateway itself
    assert d == want, counters_msg(res)
    delivered = sum(len(v) for v in grp["exp_in"].values())
    assert len(res.outputs[INSIDE]) == delivered
    assert sorted(res.outputs[INSIDE]) == sorted(f for v in grp["exp_in"].values() for f in v)
