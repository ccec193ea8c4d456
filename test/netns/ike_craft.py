"""Hand-made IKEv2 messages (RFC 7296 section 3) for abuse tests of gdoigw's IKE daemon
(test/netns/test_netns_ike_resist.py): built with struct, independent of gdoigw's codec.

Run in a namespace: `python3 ike_craft.py GATEWAY_ADDRESS` sends each case to UDP 500 of
the gateway and prints one JSON object {case: answer as hex or null}.
"""
import hashlib
import hmac
import json
import os
import socket
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# RFC 3526 group 14 (2048-bit MODP)
MODP2048 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)

PL_SA, PL_KE, PL_NONCE, PL_NOTIFY, PL_SK = 33, 34, 40, 41, 46
EXCH_SA_INIT, EXCH_AUTH = 34, 35
FLAG_INITIATOR = 0x08


def header(spi_i, spi_r, first, exch, flags, msgid, length, version=0x20):
    return struct.pack("!QQBBBBII", spi_i, spi_r, first, version, exch, flags, msgid, length)


def chain(payloads):
    """[(type, body, critical)] -> (first type, octets) with next-payload fields."""
    out = b""
    for i, (ptype, body, crit) in enumerate(payloads):
        nxt = payloads[i + 1][0] if i + 1 < len(payloads) else 0
        out += struct.pack("!BBH", nxt, 0x80 if crit else 0, 4 + len(body)) + body
    return (payloads[0][0] if payloads else 0), out


def message(spi_i, spi_r, exch, flags, msgid, payloads, version=0x20):
    first, body = chain(payloads)
    return header(spi_i, spi_r, first, exch, flags, msgid, 28 + len(body), version) + body


def sa_body():
    """One IKE proposal: AES-GCM-16 128, PRF HMAC-SHA2-256, MODP-2048 (gdoigw's "gcm")."""
    xfs = [(1, 20, struct.pack("!HH", 0x800e, 128)), (2, 5, b""), (4, 14, b"")]
    t = b""
    for i, (ttype, tid, attrs) in enumerate(xfs):
        t += struct.pack("!BBHBBH", 3 if i + 1 < len(xfs) else 0, 0, 8 + len(attrs), ttype,
                         0, tid) + attrs
    return struct.pack("!BBHBBBB", 0, 0, 8 + len(t), 1, 1, 0, len(xfs)) + t


def ke_body(x=None):
    x = x if x is not None else int.from_bytes(os.urandom(32), "big")
    return struct.pack("!HH", 14, 0) + pow(2, x, MODP2048).to_bytes(256, "big")


def sa_init(spi_i, version=0x20, x=None, ni=None):
    return message(spi_i, 0, EXCH_SA_INIT, FLAG_INITIATOR, 0,
                   [(PL_SA, sa_body(), False), (PL_KE, ke_body(x), False),
                    (PL_NONCE, ni or os.urandom(32), False)], version)


def payloads(msg):
    """[(type, body)] of the outer chain."""
    nxt, off, out = msg[16], 28, []
    while nxt != 0 and off + 4 <= len(msg):
        n2, _, plen = struct.unpack("!BBH", msg[off:off + 4])
        out.append((nxt, msg[off + 4:off + plen]))
        nxt, off = n2, off + plen
    return out


def prf(k, m):
    return hmac.new(k, m, hashlib.sha256).digest()


def prf_plus(k, s, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = prf(k, t + s + bytes([i]))
        out += t
        i += 1
    return out[:n]


def keys(x, ni, nr, resp_ke, spi_i, spi_r):
    """RFC 7296 2.14 for AES-GCM-16-128 / PRF-HMAC-SHA256 / MODP-2048: SK_ei, SK_er
    (16-octet key | 4-octet salt, RFC 5282 7.1)."""
    gir = pow(int.from_bytes(resp_ke, "big"), x, MODP2048).to_bytes(256, "big")
    seed = prf(ni + nr, gir)
    km = prf_plus(seed, ni + nr + struct.pack("!QQ", spi_i, spi_r), 32 + 20 + 20)
    return km[32:52], km[52:72]


def sk_message(sk_e, spi_i, spi_r, exch, flags, msgid, inner):
    """An SK message (RFC 5282): IV | AES-GCM(inner | pad length 0) | ICV, AAD = header |
    SK generic header."""
    first, body = chain(inner)
    plain = body + b"\x00"
    iv = os.urandom(8)
    sk_len = 4 + 8 + len(plain) + 16
    hdr = header(spi_i, spi_r, PL_SK, exch, flags, msgid, 28 + sk_len)
    skh = struct.pack("!BBH", first, 0, sk_len)
    ct = AESGCM(sk_e[:16]).encrypt(sk_e[16:] + iv, plain, hdr + skh)
    return hdr + skh + iv + ct


def sk_open(sk_e, msg):
    """The inner payloads [(type, body)] of an SK message of the responder."""
    first, _, sk_len = struct.unpack("!BBH", msg[28:32])
    iv, ct = msg[32:40], msg[40:28 + sk_len]
    plain = AESGCM(sk_e[:16]).decrypt(sk_e[16:] + iv, ct, msg[:32])
    plain = plain[:len(plain) - 1 - plain[-1]]
    return payloads(header(0, 0, first, 0, 0, 0, 0) + plain)


def parse(msg):
    """An answer -> dict(spi_i, spi_r, exch, payload types, notify types and data)."""
    spi_i, spi_r, nxt, _, exch, flags, msgid, length = struct.unpack("!QQBBBBII", msg[:28])
    off, types, notifies = 28, [], []
    while nxt != 0 and off + 4 <= len(msg):
        n2, _, plen = struct.unpack("!BBH", msg[off:off + 4])
        types.append(nxt)
        if nxt == PL_NOTIFY:
            _, spi_size, ntype = struct.unpack("!BBH", msg[off + 4:off + 8])
            notifies.append((ntype, msg[off + 8 + spi_size:off + plen].hex()))
        nxt, off = n2, off + plen
    return dict(spi_i=spi_i, spi_r=spi_r, exch=exch, flags=flags, msgid=msgid,
                length=length, types=types, notifies=notifies)


def run(gw):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2.0)
    out = {}

    def ask(name, msg, wait=2.0):
        s.settimeout(wait)
        s.sendto(msg, (gw, 500))
        try:
            ans = s.recv(65535)
        except socket.timeout:
            out[name] = None
            return None
        out[name] = dict(hex=ans.hex(), len=len(ans), req_len=len(msg), **parse(ans))
        return ans

    rnd = lambda: int.from_bytes(os.urandom(8), "big")  # noqa: E731
    # a payload length below the generic header (RFC 7296 3.2): INVALID_SYNTAX
    bad = bytearray(sa_init(rnd()))
    struct.pack_into("!H", bad, 28 + 2, 3)
    ask("bad_length", bytes(bad))
    # a payload length beyond the message: INVALID_SYNTAX
    bad = bytearray(sa_init(rnd()))
    struct.pack_into("!H", bad, 28 + 2, 4000)
    ask("long_length", bytes(bad))
    # an unknown payload (type 200) with the critical bit: UNSUPPORTED_CRITICAL_PAYLOAD
    spi = rnd()
    ask("critical", message(spi, 0, EXCH_SA_INIT, FLAG_INITIATOR, 0,
                            [(200, b"\x00" * 8, True), (PL_SA, sa_body(), False),
                             (PL_KE, ke_body(), False), (PL_NONCE, os.urandom(32), False)]))
    # major version 3: INVALID_MAJOR_VERSION (RFC 7296 1.5, 2.5)
    ask("bad_version", sa_init(rnd(), version=0x30))
    # a good IKE_SA_INIT, then the same bytes again: the same answer (2.1)
    spi = rnd()
    req = sa_init(spi)
    first = ask("init", req)
    ask("init_again", req)
    spi_r = parse(first)["spi_r"] if first else 0
    sk = struct.pack("!BBH", 0, 0, 4 + 8 + 48 + 16) + os.urandom(8 + 48 + 16)
    # IKE_AUTH for SPIs nobody has: dropped, counted (drop_unknown_spi)
    ask("wrong_spi", header(rnd(), rnd(), PL_SK, EXCH_AUTH, FLAG_INITIATOR, 1, 28 + len(sk))
        + sk, wait=1.0)
    # IKE_AUTH of the half-open SA with message ID 0, already used: drop_msgid
    ask("old_msgid", header(spi, spi_r, PL_SK, EXCH_AUTH, FLAG_INITIATOR, 0, 28 + len(sk))
        + sk, wait=1.0)
    # IKE_AUTH with the right message ID and a forged SK payload: drop_icv, no answer
    ask("bad_icv", header(spi, spi_r, PL_SK, EXCH_AUTH, FLAG_INITIATOR, 1, 28 + len(sk))
        + sk, wait=1.0)
    # an IKE_AUTH the daemon can open, whose inner chain starts with an unknown critical
    # payload: UNSUPPORTED_CRITICAL_PAYLOAD carrying its type, in an encrypted answer
    x, ni, spi = int.from_bytes(os.urandom(32), "big"), os.urandom(32), rnd()
    ans = ask("init2", sa_init(spi, x=x, ni=ni))
    if ans:
        pl = dict(payloads(ans))
        spi_r = parse(ans)["spi_r"]
        sk_ei, sk_er = keys(x, ni, pl[PL_NONCE], pl[PL_KE][4:], spi, spi_r)
        auth = sk_message(sk_ei, spi, spi_r, EXCH_AUTH, FLAG_INITIATOR, 1,
                          [(200, b"\x00" * 4, True)])
        ans = ask("auth_critical", auth)
        # the same request replayed: the cached answer again (RFC 7296 2.1)
        ask("auth_replay", auth)
        if ans:
            inner = sk_open(sk_er, ans)
            out["auth_critical"]["inner"] = [
                [t, struct.unpack("!H", b[2:4])[0], b[4:].hex()] for t, b in inner
                if t == PL_NOTIFY]
    print(json.dumps(out))


if __name__ == "__main__":
    run(sys.argv[1])
