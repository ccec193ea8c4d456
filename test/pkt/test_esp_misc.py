"""ESP options through the binary: extended sequence numbers (RFC 4303 2.2.1, AEAD AAD and
HMAC ICV input), the multipath UDP encapsulation port, SA selector protocol, and TTL on the
protect path. One gateway run carries every case; the peer is scapy."""
import collections

import pytest
from scapy.all import IP, fragment

from esplib import (SA, Term, Policy, EspGw, INSIDE, OUTSIDE, PIN, POUT, LOCAL4, REMOTE4,
                    inner, ttl_minus_one, frame_in, frame_out, esp_seal, esp_open, outer_ip,
                    parse_out, spi_of, counters_msg)
from gwtest import assert_clean_exit

TUN = dict(local=LOCAL4, remote=REMOTE4)
MP = 5555       # multipath UDP encapsulation port


def sel(n, side):
    return "10.%d.%d.0/24" % (side, n)


def h(n, host, side):
    return "10.%d.%d.%d" % (side, n, host)


E1 = SA("e1", 0x6001, "inbound", "aes128gcm", src=sel(70, 2), dst=sel(70, 1), esn=True, **TUN)
E2 = SA("e2", 0x6003, "inbound", "aes128cbc-sha256", src=sel(71, 2), dst=sel(71, 1), esn=True,
        **TUN)
E3 = SA("e3", 0x6005, "outbound", "aes256gcm", src=sel(72, 1), dst=sel(72, 2), esn=True, **TUN)
E4 = SA("e4", 0x6007, "outbound", "aes256cbc-sha1", src=sel(73, 1), dst=sel(73, 2), esn=True,
        **TUN)
M1 = SA("m1", 0x6101, "inbound", "aes128gcm", src=sel(74, 2), dst=sel(74, 1), udp=MP, **TUN)
M2 = SA("m2", 0x6103, "outbound", "aes128gcm", src=sel(75, 1), dst=sel(75, 2), udp=MP, **TUN)
P1 = SA("p1", 0x6201, "inbound", "aes128gcm", src=sel(76, 2), dst=sel(76, 1), proto=17,
        anti_replay=False, **TUN)
T1 = SA("t1", 0x6301, "outbound", "aes128gcm", src=sel(77, 1), dst=sel(77, 2), **TUN)
F1 = SA("f1", 0x6401, "outbound", "aes128gcm", src=sel(78, 1), dst=sel(78, 2), **TUN)
SAS = [E1, E2, E3, E4, M1, M2, P1, T1, F1]
OUT_SAS = [E3, E4, M2, T1, F1]
POLICY = Policy("inside", "ge-0/0/0", "input",
                [Term(s.name, "protect", src=s.src, dst=s.dst, sa=s.name) for s in OUT_SAS])


@pytest.fixture(scope="module")
def misc(tmp_path_factory):
    inputs = collections.defaultdict(list)
    exp_in = collections.defaultdict(list)     # case -> inside frames
    sent = collections.defaultdict(list)       # SA name -> inner packets sent in clear
    ident = [0]

    def ib(n, **kw):
        ident[0] += 1
        return inner(h(n, 9, 2), h(n, 5, 1), size=120, ident=ident[0], **kw)

    def esp_in(case, sa, n, deliver=True, udp=None, **kw):
        pkt = ib(n, l4=kw.pop("l4", "udp"))
        inputs[OUTSIDE].append(frame_in(POUT, outer_ip(REMOTE4, LOCAL4,
                                                       esp_seal(sa, pkt, 4, **kw), udp=udp)))
        if deliver:
            exp_in[case].append(frame_out(PIN, ttl_minus_one(pkt)))

    for seq in (1, 2, 3):
        esp_in("esn-gcm", E1, 70, seq=seq, esn_hi=0)
        esp_in("esn-hmac", E2, 71, seq=seq, esn_hi=0)
    esp_in("esn-hmac-without-hi", E2, 71, deliver=False, seq=4)      # ICV lacks ESN hi
    for seq in (1, 2):
        esp_in("multipath", M1, 74, udp=MP, seq=seq)
    esp_in("selector-proto", P1, 76, seq=1)
    esp_in("selector-proto-mismatch", P1, 76, deliver=False, seq=2, l4="tcp")
    # Fragments of protected traffic (UDP and TCP, first and later ones) are cleartext
    # to the policy like whole packets: each is encrypted, none leaves in clear.
    for l4 in ("udp", "tcp"):
        ident[0] += 1
        whole = IP(inner(h(78, 5, 1), h(78, 9, 2), size=900, ident=ident[0], flags=0, l4=l4))
        for frag in fragment(whole, fragsize=400):
            fb = bytes(frag)
            inputs[INSIDE].append(frame_in(PIN, fb))
            sent[F1.name].append(fb)
    for sa in OUT_SAS:
        if sa is F1:
            continue
        n = int(sa.src.split(".")[2])
        for i in range(3 if sa is not T1 else 1):
            ident[0] += 1
            cb = inner(h(n, 5, 1), h(n, 9, 2), size=200 + i, ident=ident[0],
                       ttl=1 if sa is T1 else 64)
            inputs[INSIDE].append(frame_in(PIN, cb))
            sent[sa.name].append(cb)
    gw = EspGw(tmp_path_factory.mktemp("esp-misc"), SAS, [POLICY])
    res = gw.run(dict(inputs))
    by_spi = collections.defaultdict(list)
    for f in res.outputs[OUTSIDE]:
        e = parse_out(f)[2]
        if e is not None:
            by_spi[spi_of(e)].append(f)
    return dict(res=res, exp_in=exp_in, sent=sent, by_spi=by_spi)


def test_misc_clean_exit(misc):
    assert_clean_exit(misc["res"])


def _check_in(misc, case):
    res = misc["res"]
    missing = [i for i, f in enumerate(misc["exp_in"][case]) if f not in res.outputs[INSIDE]]
    assert not missing, "%s: %s not delivered\n%s" % (case, missing, counters_msg(res))


@pytest.mark.parametrize("case", ["esn-gcm", "esn-hmac", "selector-proto"])
def test_misc_decrypt(misc, case):
    _check_in(misc, case)


def test_misc_decrypt_multipath_port(misc):
    _check_in(misc, "multipath")


def test_misc_drops(misc):
    res = misc["res"]
    d = res.nonzero_drops()
    assert d.get("esp-icv", 0) == 1, counters_msg(res)          # ESN hi left out of the ICV
    assert d.get("policy-inbound-mismatch", 0) == 1, counters_msg(res)   # TCP vs protocol 17
    assert d.get("ttl-expired", 0) == 1, counters_msg(res)      # inner TTL 1 on protect
    assert not misc["by_spi"].get(T1.spi), "a TTL-1 packet was encrypted"


@pytest.mark.parametrize("sa", [E3, E4], ids=["esn-gcm", "esn-hmac"])
def test_misc_encrypt_esn(misc, sa):
    frames = misc["by_spi"].get(sa.spi, [])
    sent = misc["sent"][sa.name]
    assert len(frames) == len(sent), counters_msg(misc["res"])
    for i, (f, cb) in enumerate(zip(frames, sent)):
        espb = parse_out(f)[2]
        assert int.from_bytes(espb[4:8], "big") == i + 1
        nh, pl = esp_open(sa, espb, esn_hi=0)
        assert (nh, pl) == (4, ttl_minus_one(cb))


def test_misc_encrypt_multipath(misc):
    """UDP destination = the multipath port, source port 49152..65535 from the flow hash
    (same flow, same port), IPv4 UDP checksum 0."""
    frames = misc["by_spi"].get(M2.spi, [])
    sent = misc["sent"][M2.name]
    assert len(frames) == len(sent), counters_msg(misc["res"])
    for f, cb in zip(frames, sent):
        eth, ip, espb, udp = parse_out(f)
        assert udp
        u = bytes(ip.payload)
        sport, dport = int.from_bytes(u[0:2], "big"), int.from_bytes(u[2:4], "big")
        assert dport == MP and 49152 <= sport <= 65535, (sport, dport)
        assert int.from_bytes(u[4:6], "big") == len(u)
        nh, pl = esp_open(M2, espb)
        assert (nh, pl) == (4, ttl_minus_one(cb))


def test_misc_encrypt_fragments(misc):
    """IPv4 fragments matching a protect term: every fragment encrypted as an inner packet
    (scapy decrypts each to the fragment sent, TTL - 1), none forwarded in clear."""
    frames = misc["by_spi"].get(F1.spi, [])
    sent = misc["sent"][F1.name]
    assert len(sent) == 6
    assert len(frames) == len(sent), counters_msg(misc["res"])
    got = sorted(esp_open(F1, parse_out(f)[2]) for f in frames)
    assert got == sorted((4, ttl_minus_one(cb)) for cb in sent)
    clear = [f for f in misc["res"].outputs[OUTSIDE] if parse_out(f)[2] is None]
    assert not clear, "%d packets left in clear" % len(clear)
