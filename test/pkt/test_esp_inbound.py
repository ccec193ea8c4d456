"""Inbound ESP checks and policies: sequence-number anti-replay on unicast SAs, bad input
into the outside port (each class with its drop counter, distinct counts so a misfiled
class shows), inbound selector and cleartext checks, and the input policy's bypass,
discard and no-match paths. One gateway run per layout carries every case; the peer is
scapy. Every run must end cleanly (exit code 0, no sanitizer report).
"""
import collections

import pytest
from scapy.all import IP, TCP

from esplib import (SA, Term, Policy, EspGw, INSIDE, OUTSIDE, PIN, POUT, LOCAL4, REMOTE4,
                    LOCAL6, REMOTE6, inner, ttl_minus_one, frame_in, frame_out, d3p, esp_seal,
                    outer_ip, parse_out, spi_of, counters_msg)
from gwtest import assert_clean_exit


def sel(n, side, v6=False):
    return "2001:db8:a%d:%x::/64" % (side, n) if v6 else "10.%d.%d.0/24" % (side, n)


def h(n, host, side, v6=False):
    return "2001:db8:a%d:%x::%x" % (side, n, host) if v6 else "10.%d.%d.%d" % (side, n, host)


def tun(v6=False):
    return dict(local=LOCAL6, remote=REMOTE6) if v6 else dict(local=LOCAL4, remote=REMOTE4)


# Inbound SAs: name -> SA
R1 = SA("r1", 0x5001, "inbound", "aes128gcm", src=sel(50, 2), dst=sel(50, 1), **tun())
R2 = SA("r2", 0x5003, "inbound", "aes128cbc-sha1", src=sel(51, 2), dst=sel(51, 1),
        anti_replay=False, **tun())
B1 = SA("b1", 0x5101, "inbound", "aes256cbc-sha256", src=sel(52, 2), dst=sel(52, 1),
        anti_replay=False, **tun())
B2 = SA("b2", 0x5103, "inbound", "aes256gcm", src=sel(53, 2), dst=sel(53, 1),
        anti_replay=False, **tun())
B6 = SA("b6", 0x5105, "inbound", "aes128gcm", src=sel(54, 2, True), dst=sel(54, 1, True),
        anti_replay=False, **tun(True))
N1 = SA("n1", 0x5201, "inbound", "aes128gcm", src=sel(55, 2), dst=sel(55, 1), udp=4500,
        anti_replay=False, **tun())
OUT1 = SA("o1", 0x5301, "outbound", "aes128gcm", src=sel(56, 1), dst=sel(56, 2), **tun())
G1 = SA("g1", 0x5401, "outbound", "aes128gcm", mode="group", src=sel(57, 1), dst=sel(57, 2))
INBOUND = [R1, R2, B1, B2, B6, N1]

POLICIES = [
    Policy("inside", "ge-0/0/0", "input", [
        Term("protect", "protect", src=sel(56, 1), dst=sel(56, 2), sa="o1"),
        Term("bypass", "bypass", src=sel(60, 1), dst=sel(60, 2)),
        Term("discard", "discard", src=sel(61, 1), dst=sel(61, 2)),
        Term("discard6", "discard", src=sel(61, 1, True), dst=sel(61, 2, True)),
        # protect first; fail-open only matters while g1 is disabled
        Term("group", "protect", src=sel(57, 1), dst=sel(57, 2), sa="g1"),
        Term("fail-open", "fail-open", src="10.1.57.128/25", dst=sel(57, 2), sa="g1"),
    ]),
    # inbound check on the outside interface: cleartext that should have come encrypted
    Policy("outside-check", "ge-0/0/1", "output", [
        Term("b1", "protect", src=sel(52, 2), dst=sel(52, 1), sa="b1"),
        Term("b6", "protect", src=sel(54, 2, True), dst=sel(54, 1, True), sa="b6"),
        Term("no-telnet", "discard", src=sel(58, 2), dst=sel(58, 1), proto=6, dport="23"),
    ]),
]


class Plan:
    """Frames for the input ports, what must come out, and the expected drop counts."""

    def __init__(self):
        self.inputs = collections.defaultdict(list)
        self.exp = collections.defaultdict(list)       # case -> [(port, frame)]
        self.drops = collections.Counter()
        self.any_drop = 0                              # dropped, reason not pinned down
        self.ident = 0

    def ib(self, sa, size=100, src_host=9, dst_host=5, v6=None, src=None, **kw):
        """Inner packet for an inbound SA (from its selector)."""
        self.ident += 1
        v6 = ":" in sa.src if v6 is None else v6
        n = int(sa.src.split(".")[2]) if ":" not in sa.src else int(sa.src.split(":")[3], 16)
        return inner(src or h(n, src_host, 2, v6), h(n, dst_host, 1, v6), size=size,
                     ident=self.ident, **kw)

    def esp(self, case, sa, espb, deliver=None, drop=None, udp=None, proto=None, dst=None):
        v6 = ":" in (sa.local or "")
        src, d = (REMOTE6, LOCAL6) if v6 else (REMOTE4, LOCAL4)
        self.inputs[OUTSIDE].append(frame_in(POUT, outer_ip(src, dst or d, espb, udp=udp,
                                                            proto=proto)))
        self.expect(case, deliver, drop, INSIDE)

    def expect(self, case, deliver, drop, port):
        self.exp.setdefault(case, [])
        if deliver is not None:
            self.exp[case].append((port, frame_out(PIN if port == INSIDE else POUT,
                                                   ttl_minus_one(deliver))))
        if drop == "any":
            self.any_drop += 1
        elif drop:
            self.drops[drop] += 1


def build():
    p = Plan()
    # --- 1. sequence-number anti-replay (R1, window 64): in-window reordering accepted,
    # duplicates and left-of-window dropped; the window moves only after the ICV verified.
    for seq, ok in ((1, True), (2, True), (3, True), (3, False), (5, True), (4, True),
                    (2, False), (200, True), (100, False), (150, True)):
        ib = p.ib(R1)
        p.esp("replay-seq", R1, esp_seal(R1, ib, 4, seq=seq), deliver=ib if ok else None,
              drop=None if ok else "esp-replay")
    ib = p.ib(R1)
    bad = bytearray(esp_seal(R1, ib, 4, seq=1000))
    bad[-1] ^= 0x01
    p.esp("replay-forged-high", R1, bytes(bad), drop="esp-icv")
    ib = p.ib(R1)      # 1000 - 64 > 500: dropped if the forged packet moved the window
    p.esp("replay-after-forged", R1, esp_seal(R1, ib, 4, seq=500), deliver=ib)
    # no-anti-replay: duplicates accepted
    for seq in (1, 1, 1, 2):
        ib = p.ib(R2)
        p.esp("no-anti-replay", R2, esp_seal(R2, ib, 4, seq=seq), deliver=ib)

    # --- 2. bad input into the outside port
    ib = p.ib(B1)
    good = esp_seal(B1, ib, 4, seq=1)
    p.esp("truncated", B1, good[:8 + 16 + 4], drop="esp-truncated")
    for _ in range(2):         # 4 bytes cut before the ICV: not whole CBC blocks
        ib = p.ib(B1)
        e = esp_seal(B1, ib, 4, seq=1)
        p.esp("bad-block", B1, e[:-20] + e[-16:], drop="esp-bad-block")
    for sa, off in ((B1, -1), (B1, 30), (B2, 20)):     # ICV byte, ciphertext bytes
        ib = p.ib(sa)
        e = bytearray(esp_seal(sa, ib, 4, seq=1))
        e[off] ^= 0x80
        p.esp("bad-icv", sa, bytes(e), drop="esp-icv")
    ib6 = p.ib(B6)
    e = bytearray(esp_seal(B6, ib6, 41, seq=1))
    e[-3] ^= 0x10
    p.esp("bad-icv-v6", B6, bytes(e), drop="esp-icv")
    # padding (RFC 4303 2.4: 1, 2, 3, ...): wrong contents, pad length beyond the data
    for kind in ("contents", "contents-last", "padlen-huge", "gcm-contents", "padlen-all"):
        sa = B2 if kind == "gcm-contents" else B1
        ib = p.ib(sa, size=101)
        align = 4 if sa is B2 else 16
        n = (-(len(ib) + 2)) % align or align
        pad = bytes(range(1, n + 1))
        padlen = n
        if kind in ("contents", "gcm-contents"):
            pad = bytes([9] * n)
        elif kind == "contents-last":
            pad = pad[:-1] + b"\x00"
        elif kind == "padlen-huge":
            padlen = 250
        else:
            padlen = len(ib) + n + 1       # pad + 2 > plaintext
        p.esp("bad-pad-" + kind, sa, esp_seal(sa, ib, 4, seq=1, padding=pad, padlen=padlen),
              drop="esp-bad-pad")
    # unknown SPI to a local address (v4, v6), and to a group-like inner address
    for i in range(4):
        ib = p.ib(B1)
        p.esp("unknown-spi", B1, esp_seal(B1, ib, 4, seq=1, spi=0x7770 + i), drop="esp-unknown-spi")
    ib6 = p.ib(B6)
    p.esp("unknown-spi-v6", B6, esp_seal(B6, ib6, 41, seq=1, spi=0x7779), drop="esp-unknown-spi")
    ib = p.ib(B1)
    p.esp("unknown-spi-transit", B1, esp_seal(B1, ib, 4, seq=1, spi=0x777f),
          drop="esp-unknown-spi", dst="10.1.52.5")
    # next header not allowed (UDP, "no next header", D3P on a unicast SA, 0)
    for nh, pl in ((17, None), (59, b""), (253, "d3p"), (0, None), (6, None), (50, None)):
        ib = p.ib(B1)
        payload = ib if pl is None else (d3p(4) + ib if pl == "d3p" else pl)
        p.esp("bad-next-hdr", B1, esp_seal(B1, payload, nh, seq=1), drop="esp-bad-next-hdr")
    # UDP encapsulation: plain ESP to a NAT-T SA, ESP-in-UDP to a plain SA, wrong port
    for _ in range(2):
        ib = p.ib(N1)
        p.esp("natt-without-udp", N1, esp_seal(N1, ib, 4, seq=1), drop="udp-encap-mismatch")
    ib = p.ib(B1)
    p.esp("udp-on-plain-sa", B1, esp_seal(B1, ib, 4, seq=1), udp=4500, drop="udp-encap-mismatch")
    ib = p.ib(N1)
    p.esp("natt-ok", N1, esp_seal(N1, ib, 4, seq=1), udp=4500, deliver=ib)
    # short UDP 4500 datagrams (shorter than SPI + sequence): dropped, never forwarded
    for body in (b"\x00\x00\x51", b"\x00\x00\x52\x01\x00\x00\x00", b""):
        p.inputs[OUTSIDE].append(frame_in(POUT, outer_ip(REMOTE4, LOCAL4, body, udp=4500)))
        p.expect("short-udp", None, "any", INSIDE)
    # a UDP length that disagrees with the IP length
    f = bytearray(frame_in(POUT, outer_ip(REMOTE4, LOCAL4, esp_seal(N1, p.ib(N1), 4, seq=2),
                                          udp=4500)))
    f[14 + 20 + 4:14 + 20 + 6] = (0xFFFF).to_bytes(2, "big")
    p.inputs[OUTSIDE].append(bytes(f))
    p.expect("udp-len", None, "any", INSIDE)
    # decrypted packet outside the SA's selectors: other source, other family
    for _ in range(3):
        ib = p.ib(B1, src="10.2.99.1")
        p.esp("inbound-mismatch", B1, esp_seal(B1, ib, 4, seq=1), drop="policy-inbound-mismatch")
    ib = p.ib(B1, src="10.1.52.7")
    p.esp("inbound-mismatch", B1, esp_seal(B1, ib, 4, seq=1), drop="policy-inbound-mismatch")
    ib6 = inner(h(52, 9, 2, True), h(52, 5, 1, True), size=80)
    p.esp("inbound-mismatch-family", B1, esp_seal(B1, ib6, 41, seq=1),
          drop="policy-inbound-mismatch")

    # --- 3. cleartext on the outside interface vs its inbound-check (output) policy
    for v6, count in ((False, 5), (True, 2)):
        n = 54 if v6 else 52
        for i in range(count):
            p.ident += 1
            cb = inner(h(n, 9, 2, v6), h(n, 5, 1, v6), size=70, ident=p.ident)
            p.inputs[OUTSIDE].append(frame_in(POUT, cb))
            p.expect("cleartext-protected", None, "policy-cleartext-protected", INSIDE)
    p.ident += 1
    cb = inner(h(58, 9, 2), h(58, 5, 1), size=70, ident=p.ident, l4="tcp")   # dport 80
    p.inputs[OUTSIDE].append(frame_in(POUT, cb))
    p.expect("outside-other-port", cb, None, INSIDE)
    cb = bytes(IP(src=h(58, 9, 2), dst=h(58, 5, 1), ttl=64) / TCP(sport=1000, dport=23))
    p.inputs[OUTSIDE].append(frame_in(POUT, cb))
    p.expect("outside-discard", None, "policy-discard", INSIDE)
    p.ident += 1
    cb = inner(h(59, 9, 2), h(59, 5, 1), size=70, ident=p.ident)      # no term: clear
    p.inputs[OUTSIDE].append(frame_in(POUT, cb))
    p.expect("outside-no-term", cb, None, INSIDE)

    # --- 4. input policy on the inside interface
    for case, n, v6, count, action in (("bypass", 60, False, 2, "clear"),
                                       ("discard", 61, False, 3, "policy-discard"),
                                       ("discard-v6", 61, True, 1, "policy-discard"),
                                       ("no-term", 62, False, 2, "clear"),
                                       ("no-term-v6", 62, True, 1, "clear"),
                                       ("protect", 56, False, 2, "esp"),
                                       ("fail-open-range-protected", 57, False, 2, "esp")):
        for i in range(count):
            p.ident += 1
            cb = inner(h(n, 200 if n == 57 else 5, 1, v6), h(n, 9, 2, v6), size=90,
                       ident=p.ident)
            p.inputs[INSIDE].append(frame_in(PIN, cb))
            if action == "clear":
                p.expect(case, cb, None, OUTSIDE)
            elif action == "esp":
                p.exp.setdefault(case, []).append((OUTSIDE, ("esp", cb)))
            else:
                p.expect(case, None, action, OUTSIDE)
    return p


LAYOUTS = [pytest.param("rtc", id="rtc"), pytest.param("pipeline", id="pipeline")]


@pytest.fixture(scope="module", params=LAYOUTS)
def inb(request, tmp_path_factory):
    plan = build()
    gw = EspGw(tmp_path_factory.mktemp("esp-inbound-" + request.param),
               INBOUND + [OUT1, G1], POLICIES, layout=request.param)
    res = gw.run(dict(plan.inputs))
    return dict(res=res, plan=plan)


def test_inbound_clean_exit(inb):
    assert_clean_exit(inb["res"])


CASES = ["replay-seq", "replay-forged-high", "replay-after-forged", "no-anti-replay",
         "truncated", "bad-block", "bad-icv", "bad-icv-v6", "bad-pad-contents",
         "bad-pad-contents-last", "bad-pad-padlen-huge", "bad-pad-gcm-contents",
         "bad-pad-padlen-all", "unknown-spi", "unknown-spi-v6", "unknown-spi-transit",
         "bad-next-hdr", "natt-without-udp", "udp-on-plain-sa", "natt-ok", "short-udp",
         "udp-len", "inbound-mismatch", "inbound-mismatch-family", "cleartext-protected",
         "outside-other-port", "outside-discard", "outside-no-term", "bypass", "discard",
         "discard-v6", "no-term", "no-term-v6"]


@pytest.mark.parametrize("case", CASES)
def test_inbound_delivery(inb, case):
    """What the case must deliver is on the right port, exactly (TTL - 1)."""
    res, plan = inb["res"], inb["plan"]
    assert case in plan.exp, case
    missing = [i for i, (port, f) in enumerate(plan.exp[case]) if f not in res.outputs[port]]
    assert not missing, "%s: frames %s not delivered\n%s" % (case, missing, counters_msg(res))


def test_inbound_drop_counters(inb):
    res, plan = inb["res"], inb["plan"]
    d = collections.Counter(res.nonzero_drops())
    pinned = {k: d[k] for k in plan.drops}
    assert pinned == dict(plan.drops), counters_msg(res)
    rest = sum(v for k, v in d.items() if k not in plan.drops)
    assert rest == plan.any_drop, "unpinned drops %s, expected %d\n%s" % (
        {k: v for k, v in d.items() if k not in plan.drops}, plan.any_drop, counters_msg(res))


def test_inbound_nothing_else(inb):
    """Exactly the expected frames leave each port."""
    res, plan = inb["res"], inb["plan"]
    want = {INSIDE: collections.Counter(), OUTSIDE: collections.Counter()}
    nesp = 0
    for lst in plan.exp.values():
        for port, f in lst:
            if isinstance(f, tuple):
                nesp += 1
            else:
                want[port][f] += 1
    got_in = collections.Counter(res.outputs[INSIDE])
    assert got_in == want[INSIDE], counters_msg(res)
    clear_out = collections.Counter(f for f in res.outputs[OUTSIDE] if parse_out(f)[2] is None)
    assert clear_out == want[OUTSIDE], counters_msg(res)
    assert len(res.outputs[OUTSIDE]) - sum(clear_out.values()) == nesp


@pytest.mark.parametrize("case,sa", [("protect", OUT1), ("fail-open-range-protected", G1)])
def test_inbound_policy_protect(inb, case, sa):
    """Protect terms encrypt; a fail-open term does not apply while its SA is usable."""
    from esplib import esp_open
    res, plan = inb["res"], inb["plan"]
    frames = [f for f in res.outputs[OUTSIDE] if parse_out(f)[2] is not None
              and spi_of(parse_out(f)[2]) == sa.spi]
    sent = [f[1] for _p, f in plan.exp[case]]
    assert len(frames) == len(sent), counters_msg(res)
    for f, cb in zip(frames, sent):
        nh, pl = esp_open(sa, parse_out(f)[2])
        assert pl == ttl_minus_one(cb)


def test_fail_open_while_disabled():
    pytest.skip("no way to disable a group SA from outside the binary in a pcap run "
                "(gw_samgr_set_disabled is reached only through the GDOI member / CLI)")


# An inbound-check fail-open term must not open while its (inbound) group SA is usable.
GI = SA("gi", 0x5501, "inbound", "aes128gcm", mode="group", src=sel(63, 2), dst=sel(63, 1))
GI_POLICY = Policy("outside-check", "ge-0/0/1", "output", [
    Term("gi", "protect", src=sel(63, 2), dst=sel(63, 1), sa="gi"),
    Term("gi-fail-open", "fail-open", src="10.2.63.128/25", dst=sel(63, 1), sa="gi"),
])


@pytest.fixture(scope="module")
def check_fo(tmp_path_factory):
    frames = []
    for host in (9, 200, 201):
        frames.append(frame_in(POUT, inner(h(63, host, 2), h(63, 5, 1), size=80, ident=host)))
    ib = inner(h(63, 9, 2), h(63, 5, 1), size=90, ident=7)
    frames.append(frame_in(POUT, outer_ip(h(63, 9, 2), h(63, 5, 1), esp_seal(GI, ib, 4))))
    gw = EspGw(tmp_path_factory.mktemp("esp-check-fo"), [GI], [GI_POLICY])
    res = gw.run({OUTSIDE: frames})
    return dict(res=res, esp_inner=frame_out(PIN, ttl_minus_one(ib)))


def test_check_group_esp_accepted(check_fo):
    res = check_fo["res"]
    assert_clean_exit(res)
    assert check_fo["esp_inner"] in res.outputs[INSIDE], counters_msg(res)


def test_check_fail_open_closed_while_sa_up(check_fo):
    res = check_fo["res"]
    assert res.drop("policy-cleartext-protected") == 3, counters_msg(res)
    assert res.outputs[INSIDE] == [check_fo["esp_inner"]], counters_msg(res)
