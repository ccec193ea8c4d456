"""Tunnel MTU below 1280 + ESP overhead, per tunnel family, through the real binary.

IPv6 promises every link 1280 bytes (RFC 8200 5), and the gateway cannot fragment an
IPv6 packet it only forwards, so an inner IPv6 packet of at most 1280 bytes is tunnelled
whatever the tunnel MTU and the ESP packet is fragmented after encryption (the gateway
is its source). Each SA below has tunnel-mtu 1300, less than 1280 + overhead:

  6in6  IPv6 inner, IPv6 outer (unicast tunnel, NAT-T UDP, CBC, and a group SA)
  6in4  IPv6 inner, IPv4 outer: df-bit clear, set and copy, and passive mode with df-bit
        set; with DF the 1280-byte packet could never cross, so the gateway clears DF
        on exactly those ESP packets (RFC 4213 3.2) and fragments them
  4in6  IPv4 inner, IPv6 outer (and 4in4): DF clear is fragmented before encryption,
        DF set gets ICMP fragmentation needed with the next-hop MTU T - O, small DF
        packets pass

Checked with scapy: every ESP frame <= 1300 bytes of IP, the fragments reassembled by a
strict reassembly here (offsets contiguous, 8-aligned, M flags; the result compared with
scapy's defragment / defragment6), then decrypted with scapy's SecurityAssociation to
the exact inner packet (hop limit - 1). Larger inner IPv6 packets still get Packet Too
Big with MTU 1280. Then the gateway's own output is fed to a second gateway that owns
the peer's addresses and has the matching inbound SAs: it must reassemble the outer
fragments (IPv6 and IPv4 outer, ESP and UDP-encapsulated) and deliver each inner packet
(hop limit - 2). The outer IPv4 identifications of two SAs between the same endpoints
do not coincide (fragments of both would be mixed up at the peer). Both layouts.
"""
import collections
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from esplib import (EspGw, SA, Term, Policy, INSIDE, OUTSIDE, PIN, POUT,  # noqa: E402
                    LOCAL4, REMOTE4, LOCAL6, REMOTE6, inner, ttl_minus_one, frame_in,
                    frame_out, esp_open, parse_out, spi_of, counters_msg)
from gwtest import assert_clean_exit  # noqa: E402
from scapy.all import (Ether, IP, IPv6, ICMP, ICMPv6PacketTooBig, IPv6ExtHdrFragment,  # noqa: E402
                       defragment, defragment6)

T = 1300                # tunnel MTU of every SA here: below 1280 + any ESP overhead


def sel(n, side, v6):
    return "2001:db8:a%d:%x::/64" % (side, n) if v6 else "10.%d.%d.0/24" % (side, n)


def host(n, h, side, v6):
    return "2001:db8:a%d:%x::%x" % (side, n, h) if v6 else "10.%d.%d.%d" % (side, n, h)


TUN4 = dict(local=LOCAL4, remote=REMOTE4)
TUN6 = dict(local=LOCAL6, remote=REMOTE6)


class Case:
    """One outbound SA of a tunnel family, its traffic selector net, and its peer view."""

    def __init__(self, name, spi, net, iv6, ov6, alg="aes128gcm", mode="tunnel", udp=None,
                 df=None, passive=False):
        self.name, self.spi, self.net, self.iv6, self.ov6 = name, spi, net, iv6, ov6
        self.df, self.passive, self.mode, self.udp = df, passive, mode, udp
        extra = "tunnel-mtu = %d;" % T + (" passive-mode-tunneling = true;" if passive else "")
        tun = {} if mode == "group" else (TUN6 if ov6 else TUN4)
        self.sa = SA(name, spi, "outbound", alg, mode=mode, src=sel(net, 1, iv6),
                     dst=sel(net, 2, iv6), udp=udp, df=df, extra=extra, **tun)
        # the same keys at the receiving gateway (the test's second run)
        rtun = {} if mode == "group" else dict(local=tun["remote"], remote=tun["local"])
        self.sa_in = SA(name + "-in", spi, "inbound", alg, mode=mode, src=sel(net, 1, iv6),
                        dst=sel(net, 2, iv6), udp=udp, key_seed=spi, **rtun)
        self.term = Term(name, "protect", src=sel(net, 1, iv6), dst=sel(net, 2, iv6), sa=name)

    def pkt(self, size, ident, flags=0):
        return inner(host(self.net, 5, 1, self.iv6), host(self.net, 9, 2, self.iv6),
                     size=size, ident=ident, flags=flags)


CASES = [
    Case("6in6", 0x7001, 0x61, True, True),
    Case("6in6-udp", 0x7002, 0x62, True, True, udp=4500),
    Case("6in6-cbc", 0x7003, 0x63, True, True, alg="aes256cbc-sha256"),
    Case("6in6-group", 0x7004, 0x64, True, True, mode="group"),
    Case("6in4", 0x7005, 0x65, True, False),
    Case("6in4-df-set", 0x7006, 0x66, True, False, df="set"),
    Case("6in4-df-copy", 0x7007, 0x67, True, False, df="copy"),
    Case("6in4-passive-df", 0x7008, 0x68, True, False, df="set", passive=True),
    Case("4in6", 0x7009, 0x69, False, True),
    Case("4in4", 0x700a, 0x6a, False, False),
]
BY_NAME = {c.name: c for c in CASES}
BY_SPI = {c.spi: c for c in CASES}
POLICIES = [Policy("out", "ge-0/0/0", "input", [c.term for c in CASES])]

# The receiving gateway: the outside port takes the peer's addresses and MAC, the
# decrypted packets go out of the inside port.
PEER_OUT = dict(POUT, mac=POUT["nbr_mac"], nbr_mac=POUT["mac"], v4=REMOTE4 + "/24",
                v6=REMOTE6 + "/64", nbr4=LOCAL4, nbr6=LOCAL6)
PEER_ROUTES = [("10.2.0.0/16", PIN["nbr4"]), ("2001:db8:a2::/48", PIN["nbr6"])]


def inputs():
    """name -> {kind: inner bytes}; idents unique over the run."""
    pk = collections.OrderedDict()
    ident = 100
    for c in CASES:
        d = {}
        if c.iv6:
            d["min"] = c.pkt(1280, ident)           # must cross, fragmented outside
            d["small"] = c.pkt(200, ident + 1)      # fits: one ESP packet
            if not c.passive:
                d["over"] = c.pkt(1281, ident + 2)  # Packet Too Big, MTU 1280
        else:
            d["frag"] = c.pkt(1280, ident, flags=0)       # cut before encryption
            d["df"] = c.pkt(1280, ident + 1, flags="DF")  # ICMP fragmentation needed
            d["small"] = c.pkt(68, ident + 2, flags="DF")  # the IPv4 minimum: fits
        pk[c.name] = d
        ident += 10
    return pk


# ---------------------------------------------------------------------------------
# Strict reassembly of the gateway's outer fragments

def _reasm_check(frags, offset, more, payload):
    """Offsets contiguous from 0, every fragment but the last with M set and a length
    that is a multiple of 8 -> the reassembled payload bytes."""
    frags = sorted(frags, key=offset)
    data = b""
    for i, f in enumerate(frags):
        last = i == len(frags) - 1
        assert offset(f) == len(data), "hole or overlap at %d" % len(data)
        assert more(f) == (not last), "M flag of fragment %d of %d" % (i, len(frags))
        assert last or len(payload(f)) % 8 == 0
        data += payload(f)
    return data


def outer_packets(frames):
    """Output frames -> [(whole outer IP packet (scapy), number of fragments)]."""
    groups = collections.OrderedDict()
    whole = []
    for f in frames:
        ip = Ether(f).payload
        if isinstance(ip, IP) and (ip.flags.MF or ip.frag):
            groups.setdefault((4, ip.src, ip.dst, ip.id), []).append(ip)
        elif isinstance(ip, IPv6) and IPv6ExtHdrFragment in ip:
            fh = ip[IPv6ExtHdrFragment]
            groups.setdefault((6, ip.src, ip.dst, fh.id), []).append(ip)
        else:
            whole.append((ip, 1))
    for key, frs in groups.items():
        if key[0] == 4:
            data = _reasm_check(frs, lambda p: p.frag * 8, lambda p: bool(p.flags.MF),
                                lambda p: bytes(p.payload))
            assert all(not p.flags.DF for p in frs), "a fragment with DF set"
            first = min(frs, key=lambda p: p.frag)
            ours = IP(bytes(first)[:first.ihl * 4] + data)
            ours.flags, ours.frag, ours.len, ours.chksum = 0, 0, None, None
            ours = IP(bytes(ours))
            ref = defragment(frs)[0]
            assert bytes(ref.payload) == data, "scapy's defragment disagrees"
        else:
            data = _reasm_check(frs, lambda p: p[IPv6ExtHdrFragment].offset * 8,
                                lambda p: bool(p[IPv6ExtHdrFragment].m),
                                lambda p: bytes(p[IPv6ExtHdrFragment].payload))
            nh = {p[IPv6ExtHdrFragment].nh for p in frs}
            assert len(nh) == 1, "next headers differ between fragments"
            first = frs[0]
            ours = IPv6(src=first.src, dst=first.dst, tc=first.tc, fl=first.fl,
                        hlim=first.hlim, nh=nh.pop()) / data
            ours = IPv6(bytes(ours))
            ref = defragment6(sorted(frs, key=lambda p: p[IPv6ExtHdrFragment].offset))
            assert bytes(ref.payload) == data, "scapy's defragment6 disagrees"
        whole.append((ours, len(frs)))
    return whole


def decrypt(ip):
    """A whole outer packet -> (case, inner bytes, udp)."""
    _e, _ip, espb, udp = parse_out(bytes(Ether(src=POUT["mac"], dst=POUT["nbr_mac"]) / ip))
    assert espb is not None, ip.summary()
    c = BY_SPI[spi_of(espb)]
    nh, payload = esp_open(c.sa, espb)
    assert nh == (41 if c.iv6 else 4)
    return c, payload, udp


@pytest.fixture(scope="module", params=["rtc", "pipeline"])
def run(request, tmp_path_factory):
    d = tmp_path_factory.mktemp("esp-mtu-outer-" + request.param)
    pk = inputs()
    gw = EspGw(d / "enc", [c.sa for c in CASES], POLICIES, layout=request.param)
    frames = [frame_in(PIN, p) for kinds in pk.values() for p in kinds.values()]
    res = gw.run({INSIDE: frames})
    # the second gateway decrypts what the first one sent
    peer = EspGw(d / "dec", [c.sa_in for c in CASES], [], layout=request.param,
                 routes=PEER_ROUTES, ports=[PIN, PEER_OUT])
    back = [frame_in(PEER_OUT, bytes(Ether(f).payload)) for f in res.outputs[OUTSIDE]]
    res2 = peer.run({OUTSIDE: back})
    sent = collections.defaultdict(list)    # name -> [(inner, fragments, udp, outer)]
    for ip, nfrag in outer_packets(res.outputs[OUTSIDE]):
        c, payload, udp = decrypt(ip)
        sent[c.name].append((payload, nfrag, udp, ip))
    return dict(res=res, res2=res2, pk=pk, sent=sent)


def test_clean_exit(run):
    assert_clean_exit(run["res"])
    assert_clean_exit(run["res2"])


def test_every_esp_frame_fits_the_tunnel_mtu(run):
    res = run["res"]
    assert res.outputs[OUTSIDE], counters_msg(res)
    for f in res.outputs[OUTSIDE]:
        ip = Ether(f).payload
        assert len(ip) <= T, "%d-byte ESP frame: %s\n%s" % (len(ip), ip.summary(),
                                                           counters_msg(res))


@pytest.mark.parametrize("name", [c.name for c in CASES if c.iv6])
def test_ipv6_1280_crosses_fragmented(run, name):
    """The 1280-byte IPv6 packet leaves as outer fragments that reassemble and decrypt
    to it exactly; the small one as one ESP packet."""
    c, pk, res = BY_NAME[name], run["pk"][name], run["res"]
    got = {p: (n, ip) for p, n, _u, ip in run["sent"][name]}
    want = ttl_minus_one(pk["min"])
    assert want in got, "1280-byte IPv6 packet not tunnelled\n%s" % counters_msg(res)
    nfrag, ip = got[want]
    assert nfrag >= 2, "the ESP packet of a 1280-byte inner left unfragmented"
    assert (ip.version == 6) == c.ov6
    assert got.get(ttl_minus_one(pk["small"]), (0,))[0] == 1
    assert len(run["sent"][name]) == 2, "unexpected ESP packets"


def test_ipv6_over_1280_gets_packet_too_big(run):
    res = run["res"]
    ptb = [Ether(f) for f in res.outputs[INSIDE] if ICMPv6PacketTooBig in Ether(f)]
    want = {IPv6(run["pk"][c.name]["over"]).dst for c in CASES if c.iv6 and not c.passive}
    got = {p[ICMPv6PacketTooBig].payload.dst for p in ptb}
    assert got == want, counters_msg(res)
    for p in ptb:
        assert p[ICMPv6PacketTooBig].mtu == 1280
        assert p[IPv6].src == PIN["v6"].split("/")[0]
    assert res.drop("frag-needed") == len(want) + 2, counters_msg(res)  # + 4in6, 4in4 DF


def test_6in4_df_only_cleared_where_needed(run):
    """df-bit set / copy: the small packet keeps DF (the operator's choice), the
    fragments of the 1280-byte one do not carry it (checked in outer_packets)."""
    for name, df in (("6in4", False), ("6in4-df-set", True), ("6in4-df-copy", True),
                     ("6in4-passive-df", True)):
        small = ttl_minus_one(run["pk"][name]["small"])
        ips = [ip for p, n, _u, ip in run["sent"][name] if p == small]
        assert len(ips) == 1 and bool(ips[0].flags.DF) == df, name


def test_udp_encapsulation_kept(run):
    assert all(u for _p, _n, u, _ip in run["sent"]["6in6-udp"])
    assert not any(u for _p, _n, u, _ip in run["sent"]["6in6"])


@pytest.mark.parametrize("name", ["4in6", "4in4"])
def test_ipv4_df_clear_fragmented_before_encryption(run, name):
    pk, res = run["pk"][name], run["res"]
    frags = [IP(p) for p, n, _u, _ip in run["sent"][name] if IP(p).id == IP(pk["frag"]).id]
    assert len(frags) >= 2, counters_msg(res)
    assert all(n == 1 for _p, n, _u, _ip in run["sent"][name]), "outer fragmented"
    assert bytes(defragment(frags)[0]) == ttl_minus_one(pk["frag"])
    assert ttl_minus_one(pk["small"]) in [p for p, _n, _u, _ip in run["sent"][name]]


@pytest.mark.parametrize("name", ["4in6", "4in4"])
def test_ipv4_df_set_gets_frag_needed(run, name):
    """DF set: ICMP type 3 code 4 with next-hop MTU T - O, which is far above the IPv4
    minimum of 68 (tunnel-mtu >= 256), so no DF packet needs outer fragmentation."""
    res, c = run["res"], BY_NAME[name]
    pk = run["pk"][name]
    fn = [Ether(f) for f in res.outputs[INSIDE] if ICMP in Ether(f) and
          Ether(f)[ICMP].type == 3 and Ether(f)[ICMP].code == 4 and
          Ether(f)[ICMP].payload.dst == IP(pk["df"]).dst]
    assert len(fn) == 1, counters_msg(res)
    # T - outer IP - ESP 8 - IV 8 - ICV 16 - trailer 2 - padding up to 3
    o = (40 if c.ov6 else 20) + 34
    assert T - o - 3 <= fn[0][ICMP].nexthopmtu <= T - o
    assert bytes(fn[0][ICMP].payload)[:20] in (pk["df"][:20], ttl_minus_one(pk["df"])[:20])


def test_outer_ipv4_ids_differ_between_sas(run):
    """6in4 and 4in4 share the endpoints; their DF-clear ESP packets may be fragmented
    on the path, so their identifications must not coincide (RFC 6864 4.2). Random
    starts per SA: a false failure has a chance of about 1 in 10,000."""
    ids = {}
    for name in ("6in4", "4in4"):
        ids[name] = {ip.id for _p, n, _u, ip in run["sent"][name] if n == 1}
        assert ids[name], name
    assert not ids["6in4"] & ids["4in4"], ids


def test_peer_gateway_reassembles_and_decrypts(run):
    """Our own fragments into a decrypting gateway: every inner packet delivered."""
    res2 = run["res2"]
    got = collections.Counter(res2.outputs[INSIDE])
    missing = []
    for name, kinds in run["pk"].items():
        for kind, p in kinds.items():
            if kind in ("over", "df"):
                continue
            want = ttl_minus_one(ttl_minus_one(p))
            if kind == "frag":      # IPv4 fragments forwarded as they are
                frs = [IP(bytes(Ether(f).payload)) for f in res2.outputs[INSIDE]
                       if IP in Ether(f) and Ether(f)[IP].id == IP(p).id]
                ok = frs and bytes(defragment(frs)[0]) == want
            else:
                ok = got[frame_out(PIN, want)] == 1
            if not ok:
                missing.append("%s/%s" % (name, kind))
    assert not missing, "not delivered: %s\n%s" % (missing, counters_msg(res2))
    assert res2.nonzero_drops() == {}, counters_msg(res2)
