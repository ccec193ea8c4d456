"""Every malformed-input class is dropped with its own counter, and the gateway survives
1000 random frames. Classes get distinct packet counts so the per-reason totals show
which class was counted where."""
import random
import struct

import pytest
from scapy.all import Ether, IP, IPv6, UDP, Raw

from pkttopo import PORTS, Topo
from gwtest import assert_clean_exit
from pktlib import v4, v6

P0 = PORTS[0]
DST4 = "10.200.0.1"            # routed to port 1: a valid packet would be forwarded
DST6 = "2001:db8:100::1"


def good4(**kw):
    a = dict(src=P0["nbr4"], dst=DST4, size=60)
    a.update(kw)
    return bytes(v4(P0["nbr_mac"], P0["mac"], **a))


def good6(**kw):
    a = dict(src=P0["nbr6"], dst=DST6, size=62)
    a.update(kw)
    return bytes(v6(P0["nbr_mac"], P0["mac"], **a))


def eth(etype):
    return bytes(Ether(src=P0["nbr_mac"], dst=P0["mac"], type=etype))


def ip4_raw(**kw):
    """An IPv4 header (+UDP+payload) whose fields scapy writes as given (no fixing)."""
    ip = IP(src=kw.pop("src", P0["nbr4"]), dst=kw.pop("dst", DST4), ttl=64, **kw)
    return bytes(ip / UDP(sport=1, dport=9) / Raw(b"x" * 18))


def set_csum4(b):
    """Recompute the IPv4 header checksum over IHL*4 bytes of header b."""
    ihl = (b[0] & 0xF) * 4 or 20
    h = bytearray(b[:ihl])
    h[10:12] = b"\0\0"
    if len(h) % 2:
        h += b"\0"
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return b[:10] + struct.pack("!H", ~s & 0xFFFF) + b[12:]


def bad_version4():
    b = bytearray(good4())
    b[14] = 0x65                      # version 6, IHL 5, in an IPv4 EtherType
    return bytes(b[:14]) + set_csum4(bytes(b[14:]))


def bad_version6():
    b = bytearray(good6())
    b[14] = 0x40 | (b[14] & 0x0F)     # version 4 in an IPv6 EtherType
    return bytes(b)


def ihl4():
    b = bytearray(good4())
    b[14] = 0x44                      # IHL 4 (16 bytes) < 5
    return bytes(b[:14]) + set_csum4(bytes(b[14:]))


def totlen_over():
    b = bytearray(good4(size=60))
    struct.pack_into("!H", b, 16, 200)     # total length 200 in a 60-byte frame
    return bytes(b[:14]) + set_csum4(bytes(b[14:]))


def totlen_under_hdr():
    b = bytearray(good4(size=60))
    struct.pack_into("!H", b, 16, 12)      # total length < header length
    return bytes(b[:14]) + set_csum4(bytes(b[14:]))


def bad_csum():
    b = bytearray(good4())
    b[24] ^= 0x5A
    return bytes(b)


def plen6_over():
    b = bytearray(good6(size=62))
    struct.pack_into("!H", b, 18, 500)     # payload length 500, frame carries 8
    return bytes(b)


def dmac(mac, fam=4):
    """A valid packet in a frame not addressed to the gateway's MAC."""
    b = bytearray(good4() if fam == 4 else good6())
    b[0:6] = bytes.fromhex(mac.replace(":", ""))
    return bytes(b)


def src4(addr):
    b = good4(src=addr)
    return b


def src6(addr):
    return good6(src=addr)


# class name: (frame factory, count, expected reason). Counts are distinct.
CLASSES = {
    "eth-header-only": (lambda: eth(0x0800), 1, "truncated"),
    "partial-ipv4-header": (lambda: eth(0x0800) + good4()[14:24], 2, "truncated"),
    "partial-ipv6-header": (lambda: eth(0x86DD) + good6()[14:34], 3, "truncated"),
    "ipv4-version-6": (bad_version4, 4, "bad-ip-version"),
    "ipv6-version-4": (bad_version6, 5, "bad-ip-version"),
    "ipv4-ihl-4": (ihl4, 6, "bad-ip-hdr"),
    "ipv4-total-length-over-frame": (totlen_over, 7, "bad-ip-len"),
    "ipv4-total-length-under-header": (totlen_under_hdr, 8, "bad-ip-len"),
    "ipv4-bad-checksum": (bad_csum, 9, "bad-ip-csum"),
    "ipv6-payload-length-over-frame": (plen6_over, 10, "bad-ip-len"),
    "unsupported-ethertype": (lambda: eth(0x88B5) + b"\0" * 46, 11, "unsupported-ethertype"),
    "ipv4-src-multicast": (lambda: src4("224.0.0.5"), 12, "bad-ip-addr"),
    "ipv4-src-zero": (lambda: src4("0.0.0.0"), 13, "bad-ip-addr"),
    "ipv4-src-broadcast": (lambda: src4("255.255.255.255"), 14, "bad-ip-addr"),
    "ipv6-src-multicast": (lambda: src6("ff02::1"), 15, "bad-ip-addr"),
    "ipv6-src-unspecified": (lambda: src6("::"), 16, "bad-ip-addr"),
    # a router forwards only frames sent to its own MAC: frames for other hosts on a
    # shared segment must not be forwarded a second time, and RFC 1812 5.3.4: "A router
    # MUST NOT forward any packet that the router received as a Link Layer broadcast,
    # unless it is directed to an IP Multicast address" (same for L2 multicast).
    "dst-mac-other-unicast-v4": (lambda: dmac("02:00:00:00:00:99"), 17, "l2-not-for-us"),
    "dst-mac-other-unicast-v6": (lambda: dmac("02:00:00:00:00:99", 6), 18, "l2-not-for-us"),
    "dst-mac-broadcast-unicast-ip": (lambda: dmac("ff:ff:ff:ff:ff:ff"), 19, "l2-not-for-us"),
    "dst-mac-multicast-unicast-ip": (lambda: dmac("01:00:5e:00:00:05"), 20, "l2-not-for-us"),
    # RFC 1812 5.3.7: class E destinations (but the limited broadcast) are invalid
    "ipv4-dst-class-e": (lambda: good4(dst="240.0.0.1"), 21, "bad-ip-addr"),
    "ipv4-dst-class-e-top": (lambda: good4(dst="255.255.255.254"), 22, "bad-ip-addr"),
}

MALFORMED_LAYOUTS = [pytest.param("rtc", id="rtc"), pytest.param("pipeline", id="pipeline")]


@pytest.fixture(scope="module", params=MALFORMED_LAYOUTS)
def malformed(request, tmp_path_factory):
    topo = Topo(tmp_path_factory.mktemp("malformed-" + request.param), layout=request.param)
    frames = []
    for _name, (mk, n, _reason) in CLASSES.items():
        frames += [mk() for _ in range(n)]
    random.Random(1).shuffle(frames)
    return dict(res=topo.run({0: frames}), n=len(frames))


def test_malformed_clean_exit(malformed):
    assert_clean_exit(malformed["res"])


def test_malformed_nothing_forwarded(malformed):
    res = malformed["res"]
    n = {p: len(f) for p, f in res.outputs.items()}
    assert sum(n.values()) == 0, "frames came out: %s\n%s" % (n, res.log())


@pytest.mark.parametrize("reason", sorted({c[2] for c in CLASSES.values()}))
def test_malformed_counter(malformed, reason):
    res = malformed["res"]
    want = sum(n for (_mk, n, r) in CLASSES.values() if r == reason)
    got = res.port_drop(P0["name"], reason)
    classes = ["%s=%d" % (k, v[1]) for k, v in CLASSES.items() if v[2] == reason]
    assert got == want, "%s: %d counted, %d sent (%s); all drops on %s: %s" % (
        reason, got, want, ", ".join(classes), P0["name"], res.port(P0["name"]).get("drops"))


def test_malformed_counters_sum(malformed):
    res = malformed["res"]
    st = res.port(P0["name"])
    assert st["rx_packets"] == malformed["n"], st
    assert res.port_drops_total(P0["name"]) == malformed["n"], st


# ---------------------------------------------------------------------------------
# random frames

def garbage(n=1000, seed=12345):
    """A third pure noise, a third noise behind a valid Ethernet header with an IP
    EtherType, a third valid packets with a few bytes flipped."""
    r = random.Random(seed)
    out = []
    for i in range(n):
        k = i % 3
        if k == 0:
            out.append(bytes(r.getrandbits(8) for _ in range(r.randint(1, 1514))))
        elif k == 1:
            et = r.choice((0x0800, 0x86DD))
            body = bytearray(r.getrandbits(8) for _ in range(r.randint(0, 1500)))
            if body:
                body[0] = (body[0] & 0x0F) | (0x40 if et == 0x0800 else 0x60)
            out.append(eth(et) + bytes(body))
        else:
            base = bytearray(r.choice((good4(size=r.randint(60, 1514)),
                                       good6(size=r.randint(62, 1514)))))
            for _ in range(r.randint(1, 4)):
                pos = r.randrange(14, min(len(base), 60))
                base[pos] = r.getrandbits(8)
            out.append(bytes(base))
    return out


@pytest.mark.parametrize("layout", MALFORMED_LAYOUTS)
def test_random_frames(tmp_path, layout):
    from pkttopo import PORTS as PS
    topo = Topo(tmp_path, layout=layout)
    frames = garbage()
    res = topo.run({0: frames}, timeout=180)
    assert_clean_exit(res)
    st = res.port(P0["name"])
    assert st["rx_packets"] == len(frames), st
    # every frame either dropped (with a reason), forwarded, or handed to the exception path
    generated = 0
    forwarded = 0
    for p, outs in res.outputs.items():
        for f in outs:
            e = Ether(f)
            gw_addrs = {PS[p]["v4"].split("/")[0], PS[p]["v6"].split("/")[0]}
            src = e[IP].src if e.haslayer(IP) else (e[IPv6].src if e.haslayer(IPv6) else None)
            if src in gw_addrs:
                generated += 1      # an ICMP error the gateway originated
            else:
                forwarded += 1
    dropped = res.port_drops_total(P0["name"])
    to_kernel = int(st.get("to_kernel", 0))
    assert dropped + forwarded + to_kernel == len(frames), \
        "rx %d != dropped %d + forwarded %d + to_kernel %d (generated %d); drops %s" % (
            len(frames), dropped, forwarded, to_kernel, generated, st.get("drops"))
    assert dropped > len(frames) // 2, "most random frames should be dropped: %s" % st
