"""ESP helpers for the pcap tests (test_esp*.py): manual SAs and policies in the
gateway configuration, and an independent ESP peer built on scapy's
SecurityAssociation algorithms (scapy + python3-cryptography, nobody here wrote them).

Topology (the first two ports of pkttopo.PORTS):
  inside  ge-0/0/0 192.0.2.1    hosts 10.1.0.0/16, 2001:db8:a1::/48 behind 192.0.2.2
  outside ge-0/0/1 198.51.100.1 remote 10.2.0.0/16, 2001:db8:a2::/48 behind 198.51.100.2
"""
import os
import shutil
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import gwtest  # noqa: E402
from pkttopo import PORTS, Topo  # noqa: E402

from scapy.all import Ether, IP, IPv6, UDP, Raw  # noqa: E402
from scapy.layers.ipsec import (SecurityAssociation, ESP, _ESPPlain, CRYPT_ALGOS,  # noqa: E402
                                AUTH_ALGOS, IPSecIntegrityError)

INSIDE, OUTSIDE = 0, 1
PIN, POUT = PORTS[0], PORTS[1]
LOCAL4, REMOTE4 = "198.51.100.1", "198.51.100.2"
LOCAL6, REMOTE6 = "2001:db8:2::1", "2001:db8:2::2"

ROUTES = [
    ("10.1.0.0/16", "192.0.2.2"),
    ("10.2.0.0/16", "198.51.100.2"),
    ("2001:db8:a1::/48", "2001:db8:1::2"),
    ("2001:db8:a2::/48", "2001:db8:2::2"),
]

# ---------------------------------------------------------------------------------
# Algorithms: id -> (gw cipher, cipher key bytes incl. salt, gw auth, auth key bytes,
#                    scapy crypt name, scapy auth name)
_AUTHS = [("sha1", "hmac-sha1-96", 20, "HMAC-SHA1-96"),
          ("sha256", "hmac-sha-256-128", 32, "SHA2-256-128"),
          ("sha384", "hmac-sha-384-192", 48, "SHA2-384-192"),
          ("sha512", "hmac-sha-512-256", 64, "SHA2-512-256"),
          ("md5", "hmac-md5-96", 16, "HMAC-MD5-96")]

ALGS = {
    "aes128gcm": ("aes-128-gcm", 20, None, 0, "AES-GCM", None),
    "aes256gcm": ("aes-256-gcm", 36, None, 0, "AES-GCM", None),
}
for _bits in (128, 192, 256):
    for _a, _gwa, _alen, _sa in _AUTHS:
        ALGS["aes%dcbc-%s" % (_bits, _a)] = ("aes-%d-cbc" % _bits, _bits // 8, _gwa, _alen,
                                              "AES-CBC", _sa)
ALGS["3des-sha1"] = ("3des-cbc", 24, "hmac-sha1-96", 20, "3DES", "HMAC-SHA1-96")
ALGS["des-sha1"] = ("des-cbc", 8, "hmac-sha1-96", 20, "DES", "HMAC-SHA1-96")
ALGS["null-sha1"] = ("null", 0, "hmac-sha1-96", 20, "NULL", "HMAC-SHA1-96")
ALGS["chacha20poly1305"] = ("chacha20-poly1305", 36, None, 0, "CHACHA20-POLY1305", None)


def alg_supported(alg):
    """(True, "") or (False, reason) for the scapy side of an algorithm."""
    c, a = ALGS[alg][4], ALGS[alg][5]
    if c not in CRYPT_ALGOS:
        return False, "scapy has no %s (CRYPT_ALGOS: %s)" % (c, list(CRYPT_ALGOS))
    if a is not None and a not in AUTH_ALGOS:
        return False, "scapy has no %s" % a
    if CRYPT_ALGOS[c].cipher is None and c != "NULL":
        return False, "python3-cryptography lacks %s" % c
    return True, ""


def _key(seed, n):
    return bytes(((seed * 131 + i * 29 + 7) & 0xFF) for i in range(n))


# ---------------------------------------------------------------------------------
# Configuration objects

def _q(s):
    return '"%s"' % s


class SA:
    """One manual SA; conf() is its libconfig entry, peer() the scapy view of it.

    anti_replay: None (default), an int window, or False (no-anti-replay).
    tbar: None (no statement) or the window in ms. udp: None or the port.
    """

    def __init__(self, name, spi, direction, alg, mode="tunnel", local=None, remote=None,
                 src=None, dst=None, proto=None, tbar=None, d3p_proto=None, udp=None,
                 df=None, anti_replay=None, esn=False, key_seed=None, extra=""):
        self.name, self.spi, self.direction, self.alg, self.mode = name, spi, direction, alg, mode
        self.local, self.remote, self.src, self.dst, self.proto = local, remote, src, dst, proto
        self.tbar, self.d3p_proto, self.udp, self.df = tbar, d3p_proto, udp, df
        self.anti_replay, self.esn, self.extra = anti_replay, esn, extra
        seed = spi if key_seed is None else key_seed
        gc, klen, ga, alen, _sc, _sa = ALGS[alg]
        self.ekey = _key(seed, klen)
        self.akey = _key(seed + 1000, alen) if ga else b""

    def conf(self):
        gc, _klen, ga, _alen, _sc, _sa = ALGS[self.alg]
        s = ["name = %s;" % _q(self.name), "spi = %d;" % self.spi,
             "direction = %s;" % _q(self.direction), "mode = %s;" % _q(self.mode)]
        enc = "algorithm = %s;" % _q(gc)
        if self.ekey:
            enc += " key = %s;" % _q("0x" + self.ekey.hex())
        s.append("encryption = { %s };" % enc)
        if ga:
            s.append("authentication = { algorithm = %s; key = %s; };" % (
                _q(ga), _q("0x" + self.akey.hex())))
        if self.mode == "tunnel":
            s.append("tunnel = { local = %s; remote = %s; };" % (_q(self.local), _q(self.remote)))
        if self.tbar is not None:
            t = "window = %d;" % self.tbar
            if self.d3p_proto is not None:
                t += " protocol = %d;" % self.d3p_proto
            s.append("time-based-anti-replay = { %s };" % t)
        if self.udp is not None:
            s.append("udp-encapsulation = { port = %d; };" % self.udp)
        if self.df is not None:
            s.append("df-bit = %s;" % _q(self.df))
        if self.anti_replay is False:
            s.append("no-anti-replay = true;")
        elif self.anti_replay is not None:
            s.append("anti-replay = { window-size = %d; };" % self.anti_replay)
        if self.esn:
            s.append("extended-sequence-number = true;")
        sel = []
        if self.src:
            sel.append("source-address = %s;" % _q(self.src))
        if self.dst:
            sel.append("destination-address = %s;" % _q(self.dst))
        if self.proto is not None:
            sel.append("protocol = %d;" % self.proto)
        if sel:
            s.append("selector = { %s };" % " ".join(sel))
        if self.extra:
            s.append(self.extra)
        return "{ " + " ".join(s) + " }"

    def peer(self):
        """scapy SecurityAssociation with the same keys (no tunnel header)."""
        _gc, _kl, _ga, _al, sc, sa = ALGS[self.alg]
        return SecurityAssociation(ESP, spi=self.spi, crypt_algo=sc,
                                   crypt_key=self.ekey or None,
                                   auth_algo=sa, auth_key=self.akey or None)

    # tshark esp_sa UAT -------------------------------------------------------
    def tshark_uat(self, proto="IPv4"):
        names = {"aes-128-gcm": "AES-GCM with 16 octet ICV [RFC4106]",
                 "aes-256-gcm": "AES-GCM with 16 octet ICV [RFC4106]",
                 "aes-128-cbc": "AES-CBC [RFC3602]", "aes-192-cbc": "AES-CBC [RFC3602]",
                 "aes-256-cbc": "AES-CBC [RFC3602]", "3des-cbc": "TripleDES-CBC [RFC2451]",
                 "des-cbc": "DES-CBC [RFC2405]", "null": "NULL"}
        auths = {None: "NULL", "hmac-sha1-96": "HMAC-SHA-1-96 [RFC2404]",
                 "hmac-sha-256-128": "HMAC-SHA-256-128 [RFC4868]",
                 "hmac-sha-384-192": "HMAC-SHA-384-192 [RFC4868]",
                 "hmac-sha-512-256": "HMAC-SHA-512-256 [RFC4868]",
                 "hmac-md5-96": "HMAC-MD5-96 [RFC2403]"}
        gc, _kl, ga, _al, _sc, _sa = ALGS[self.alg]
        return 'uat:esp_sa:"%s","*","*","0x%08x","%s","0x%s","%s","%s"' % (
            proto, self.spi, names[gc], self.ekey.hex(), auths[ga],
            ("0x" + self.akey.hex()) if self.akey else "")


class Term:
    def __init__(self, name, then, src=None, dst=None, proto=None, sa=None, sport=None,
                 dport=None):
        self.name, self.then, self.src, self.dst, self.proto, self.sa = name, then, src, dst, proto, sa
        self.sport, self.dport = sport, dport

    def conf(self):
        fr = []
        if self.src:
            fr.append("source-address = %s;" % _q(self.src))
        if self.dst:
            fr.append("destination-address = %s;" % _q(self.dst))
        if self.proto is not None:
            fr.append("protocol = %d;" % self.proto)
        if self.sport is not None:
            fr.append("source-port = %s;" % _q(self.sport))
        if self.dport is not None:
            fr.append("destination-port = %s;" % _q(self.dport))
        s = "{ name = %s; " % _q(self.name)
        if fr:
            s += "from = { %s }; " % " ".join(fr)
        s += "then = %s;" % _q(self.then)
        if self.sa:
            s += " security-association = %s;" % _q(self.sa)
        return s + " }"


class Policy:
    def __init__(self, name, interface, direction, terms, extra=""):
        self.name, self.interface, self.direction, self.terms = name, interface, direction, terms
        self.extra = extra

    def conf(self):
        return "{ name = %s; interface = %s; match-direction = %s; %s term = (\n      %s\n    ); }" % (
            _q(self.name), _q(self.interface), _q(self.direction), self.extra,
            ",\n      ".join(t.conf() for t in self.terms))


def security_text(sas, policies):
    if not sas and not policies:
        return ""
    out = ["security = { ipsec = {"]
    if sas:
        out.append("  security-association = (\n    %s\n  );" % ",\n    ".join(s.conf() for s in sas))
    if policies:
        out.append("  policy = (\n    %s\n  );" % ",\n    ".join(p.conf() for p in policies))
    out.append("}; };")
    return "\n".join(out) + "\n"


ENGINES = ("ipsecmb", "openssl")


class EspGw(Topo):
    """inside + outside net_pcap ports, routes, SAs and policies: pkttopo.Topo with a
    security section and a crypto engine; run(inputs) as Topo.run."""

    def __init__(self, workdir, sas=(), policies=(), layout="rtc", engine="ipsecmb",
                 routes=ROUTES, ports=PORTS[:2]):
        super().__init__(workdir, layout=layout, routes=routes, ports=ports)
        self.sas, self.policies, self.engine = list(sas), list(policies), engine

    def config(self, d):
        dp = gwtest.LAYOUTS[self.layout][1]
        text = super().config(d)
        assert dp in text
        text = text.replace(dp, dp + ' crypto-engine = "%s";' % self.engine, 1)
        return text + security_text(self.sas, self.policies)


# ---------------------------------------------------------------------------------
# Packets

def _pad_payload(n):
    return bytes(((i * 7 + 3) & 0xFF) for i in range(n))


def inner(src, dst, ttl=64, size=100, ident=1, tos=0, flags="DF", l4="udp"):
    """An inner IP packet (bytes) of `size` bytes; IPv6 if ':' in src."""
    from scapy.all import TCP, ICMP, ICMPv6EchoRequest
    if ":" in src:
        ip = IPv6(src=src, dst=dst, hlim=ttl, tc=tos, fl=ident & 0xFFFFF)
        l = (UDP(sport=1024 + ident % 1000, dport=9) if l4 == "udp" else
             TCP(sport=1024 + ident % 1000, dport=80, flags="A", seq=ident) if l4 == "tcp" else
             ICMPv6EchoRequest(id=ident & 0xFFFF, seq=1))
    else:
        ip = IP(src=src, dst=dst, ttl=ttl, tos=tos, id=ident & 0xFFFF, flags=flags)
        l = (UDP(sport=1024 + ident % 1000, dport=9) if l4 == "udp" else
             TCP(sport=1024 + ident % 1000, dport=80, flags="A", seq=ident) if l4 == "tcp" else
             ICMP(type=8, id=ident & 0xFFFF, seq=1))
    p = ip / l
    if size > len(p):
        p = p / Raw(_pad_payload(size - len(p)))
    return bytes(p)


def ttl_minus_one(ipb):
    """The same IP packet with TTL / hop limit - 1 and the checksum recomputed by scapy."""
    if ipb[0] >> 4 == 4:
        p = IP(ipb)
        p.ttl -= 1
        del p.chksum
        return bytes(p)
    p = IPv6(ipb)
    p.hlim -= 1
    return bytes(p)


def frame_in(port, ipb):
    """An Ethernet frame from port's neighbour to the gateway."""
    et = 0x0800 if ipb[0] >> 4 == 4 else 0x86DD
    return bytes(Ether(src=port["nbr_mac"], dst=port["mac"], type=et)) + ipb


def frame_out(port, ipb):
    """An Ethernet frame from the gateway to port's neighbour (what it must emit)."""
    et = 0x0800 if ipb[0] >> 4 == 4 else 0x86DD
    return bytes(Ether(src=port["mac"], dst=port["nbr_mac"], type=et)) + ipb


def d3p(next_hdr, sec=None, usec=0, typ=1, length=12):
    """IP-D3P POSIX-TIME header (draft-weis-delay-detection-01 2.1)."""
    if sec is None:
        t = time.time()
        sec, usec = int(t), int((t % 1) * 1e6)
    return struct.pack("!BBHII", next_hdr, typ, length, sec & 0xFFFFFFFF, usec)


def _esn_icv(peer, espb_noicv, esn_hi):
    """RFC 4303 2.2.1: with ESN the ICV covers the ESP packet followed by the high 32
    bits of the sequence number (scapy 2.5 leaves them out for ESP)."""
    mac = peer.auth_algo.new_mac(peer.auth_key)
    mac.update(espb_noicv + struct.pack("!I", esn_hi))
    return mac.finalize()[:peer.auth_algo.icv_size]


def esp_seal(sa, payload, nh, seq=1, padding=None, padlen=None, iv=None, spi=None, esn_hi=None):
    """ESP header .. ICV (bytes) with scapy's algorithms. padding/padlen override RFC
    4303 default padding (the result may then be misaligned for a block cipher).
    esn_hi: high 32 bits of an extended sequence number (AAD or ICV input)."""
    peer = sa.peer()
    algo = peer.crypt_algo
    if iv is None:
        iv = algo.generate_iv()
    esp = _ESPPlain(spi=sa.spi if spi is None else spi, seq=seq, iv=iv, data=Raw(payload), nh=nh)
    if padding is None:
        esp = algo.pad(esp)
    else:
        esp.padding = padding
        esp.padlen = len(padding) if padlen is None else padlen
    esn = esn_hi is not None
    e = algo.encrypt(peer, esp, peer.crypt_key, peer.crypt_icv_size, esn_en=esn,
                     esn=esn_hi or 0)
    if esn and peer.auth_algo.mac:
        return bytes(e) + _esn_icv(peer, bytes(e), esn_hi)
    peer.auth_algo.sign(e, peer.auth_key)
    return bytes(e)


def esp_open(sa, espb, esn_hi=None):
    """Verify and decrypt ESP bytes (header .. ICV) -> (next header, payload bytes).
    Raises IPSecIntegrityError."""
    peer = sa.peer()
    e = ESP(espb)
    esn = esn_hi is not None
    if esn and peer.auth_algo.mac:
        n = peer.auth_algo.icv_size
        if _esn_icv(peer, espb[:-n], esn_hi) != espb[-n:]:
            raise IPSecIntegrityError("ICV (ESN) mismatch")
    else:
        peer.auth_algo.verify(e, peer.auth_key)
    icv = peer.crypt_icv_size or peer.crypt_algo.icv_size or peer.auth_algo.icv_size
    pl = peer.crypt_algo.decrypt(peer, e, peer.crypt_key, icv, esn_en=esn, esn=esn_hi or 0)
    return pl.nh, bytes(pl.data) if not isinstance(pl.data, bytes) else pl.data


def outer_ip(src, dst, espb, udp=None, sport=4500, tos=0, ttl=64, proto=None):
    """An outer IP packet (bytes) carrying ESP bytes, optionally in UDP `udp` (RFC 3948,
    built by hand: scapy 2.5's nat_t_header writes UDP len=8)."""
    if udp is not None:
        l4 = UDP(sport=sport, dport=udp, chksum=0) / Raw(espb)
        p = (IPv6(src=src, dst=dst, hlim=ttl, tc=tos) if ":" in src else
             IP(src=src, dst=dst, ttl=ttl, tos=tos)) / l4
        if ":" in src:     # IPv6 UDP needs a checksum
            p[UDP].chksum = None
        return bytes(p)
    if ":" in src:
        return bytes(IPv6(src=src, dst=dst, hlim=ttl, tc=tos, nh=50 if proto is None else proto)
                     / Raw(espb))
    return bytes(IP(src=src, dst=dst, ttl=ttl, tos=tos, proto=50 if proto is None else proto)
                 / Raw(espb))


ENCAP_PORTS = {4500, 5555}      # NAT-T, and the multipath port the tests configure


def parse_out(frame):
    """Output frame -> (Ether, IP/IPv6 scapy packet, ESP bytes or None, udp bool)."""
    eth = Ether(frame)
    ip = eth.payload
    raw = bytes(ip.payload)
    proto = ip.proto if isinstance(ip, IP) else ip.nh
    if proto == 50:
        return eth, ip, raw, False
    if proto == 17 and len(raw) >= 8 and struct.unpack("!H", raw[2:4])[0] in ENCAP_PORTS:
        return eth, ip, raw[8:], True
    return eth, ip, None, False


def spi_of(espb):
    return struct.unpack("!I", espb[:4])[0]


# ---------------------------------------------------------------------------------
# tshark

def tshark_decode(pcap, sas, fields=("esp.spi", "esp.sequence", "esp.icv_good", "esp.icv_bad")):
    """Run tshark with ESP decryption; -> list of field tuples per frame, or None if
    tshark is missing."""
    exe = shutil.which("tshark")
    if exe is None:
        return None
    cmd = [exe, "-n", "-r", pcap, "-o", "esp.enable_encryption_decode:TRUE",
           "-o", "esp.enable_authentication_check:TRUE"]
    for sa in sas:
        for fam in ("IPv4", "IPv6"):
            cmd += ["-o", sa.tshark_uat(fam)]
    cmd += ["-T", "fields", "-E", "separator=|"]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, "tshark failed: %s\n%s" % (" ".join(cmd), r.stderr)
    return [tuple(line.split("|")) for line in r.stdout.splitlines()]


def counters_msg(res):
    return "drops: %s\n%s" % (res.nonzero_drops(), res.log())
