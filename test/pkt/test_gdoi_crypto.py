"""lib/gdoi's IKEv1 / GDOI crypto layer recomputed by independent code.

gdoi_crypto_kat (test/unit/gdoi, built by meson) prints what the C layer
derives from fixed inputs, inputs included ("in.NAME hex" / "out.NAME hex").
Every output is recomputed here: HMAC with Python's hmac/hashlib; CBC with
`cryptography`; MODP Diffie-Hellman in pure Python (pow) on the primes of
scapy's RFC 2409 / RFC 3526 tables; ECP with `cryptography`; the GROUPKEY-PUSH
signature with `cryptography` (RSASSA-PKCS1-v1_5) and, for the GDOI reference
implementation's format (PKCS#1 type 1 padding of the bare digest), with
Python's own modular exponentiation. The formulas are written from RFC 2409
section 5 and Appendix B and RFC 6407 3.2 / 4, not from the C code.
A test also fails when an output is missing, so a silently skipped value
cannot pass.
"""
import hashlib
import hmac
import os
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from scapy.layers.tls.crypto.groups import modp768, modp1024, modp1536, modp2048

from gwtest import unit_bin


HASHES = {"MD5": hashlib.md5, "SHA1": hashlib.sha1, "SHA256": hashlib.sha256}
CRYPTO_HASH = {"SHA1": hashes.SHA1(), "SHA256": hashes.SHA256()}
# name: (key length, block length, cryptography algorithm class)
CIPHERS = {
    "DES-CBC": (8, 8, algorithms.TripleDES),      # one 8-octet key: K1=K2=K3, single DES
    "DES-EDE3-CBC": (24, 8, algorithms.TripleDES),
    "AES-128-CBC": (16, 16, algorithms.AES),
    "AES-192-CBC": (24, 16, algorithms.AES),
    "AES-256-CBC": (32, 16, algorithms.AES),
}
MODP = {1: modp768, 2: modp1024, 5: modp1536, 14: modp2048}
ECP = {19: (ec.SECP256R1(), 32), 20: (ec.SECP384R1(), 48)}


def kat_bin():
    return unit_bin("gdoi_crypto_kat", "GDOI_CRYPTO_KAT_BIN")


@pytest.fixture(scope="module")
def kat(tmp_path_factory):
    exe = kat_bin()
    if exe is None:
        pytest.skip("gdoi_crypto_kat not built (ninja -C build)")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path_factory.mktemp("kek") / "kek.pem"
    # PKCS#1 ("BEGIN RSA PRIVATE KEY"), the form the GDOI reference reads.
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.TraditionalOpenSSL,
                                      serialization.NoEncryption()))
    out = subprocess.run([exe, str(pem)], check=True, capture_output=True, text=True).stdout
    vals = {}
    for line in out.splitlines():
        name, value = line.split(" ", 1)
        vals[name] = value
    return vals, key


class Outputs:
    """The C outputs; each one compared is ticked off, the rest must be empty."""

    def __init__(self, vals, prefix):
        self.vals = vals
        self.left = {k for k in vals if k.startswith("out." + prefix)}

    def check(self, name, want):
        got = self.vals.get("out." + name)
        assert got is not None, "gdoi_crypto_kat printed no out.%s" % name
        assert got == want.hex(), "out.%s: C %s, Python %s" % (name, got, want.hex())
        self.left.discard("out." + name)

    def done(self):
        assert not self.left, "outputs not recomputed: %s" % sorted(self.left)


def hx(vals, name):
    return bytes.fromhex(vals["in." + name])


def prf(h, key, *data):
    return hmac.new(key, b"".join(data), HASHES[h]).digest()


def cbc(cipher, key, iv, data, encrypt=True):
    algo = CIPHERS[cipher][2](key)
    c = Cipher(algo, modes.CBC(iv))
    op = c.encryptor() if encrypt else c.decryptor()
    return op.update(data) + op.finalize()


def test_prf(kat):
    vals, _ = kat
    out = Outputs(vals, "prf.")
    key, data = hx(vals, "prf.key"), hx(vals, "prf.data")
    for h in HASHES:
        out.check("prf.%s.short" % h, prf(h, key[:16], data[:300]))
        out.check("prf.%s.long" % h, prf(h, key, data[:300]))   # 100 > 64: key hashed first
    out.done()


def enc_key(h, skeyid_e, key_len):
    """RFC 2409 Appendix B: SKEYID_e itself, or K1 | K2 | ... when it is too short."""
    if len(skeyid_e) >= key_len:
        return skeyid_e[:key_len]
    k = prf(h, skeyid_e, b"\x00")
    blocks = k
    while len(blocks) < key_len:
        k = prf(h, skeyid_e, k)
        blocks += k
    return blocks[:key_len]


def test_phase1_and_pull(kat):
    vals, _ = kat
    out = Outputs(vals, "p1.")
    v = {n: hx(vals, "p1." + n) for n in ("psk", "ni", "nr", "gxi", "gxr", "gxy", "cky_i",
                                          "cky_r", "sai", "idi", "idr", "mid", "rest",
                                          "msg5")}
    combos = {tuple(k.split(".")[2:4]) for k in vals if k.startswith("out.p1.")}
    assert len(combos) == 8
    for h, cipher in sorted(combos):
        key_len, bl, _ = CIPHERS[cipher]
        p = "p1.%s.%s." % (h, cipher)
        ck = v["cky_i"] + v["cky_r"]
        # RFC 2409 5: pre-shared key authentication
        skeyid = prf(h, v["psk"], v["ni"], v["nr"])
        d = prf(h, skeyid, v["gxy"], ck, b"\x00")
        a = prf(h, skeyid, d, v["gxy"], ck, b"\x01")
        e = prf(h, skeyid, a, v["gxy"], ck, b"\x02")
        key = enc_key(h, e, key_len)
        iv = HASHES[h](v["gxi"] + v["gxr"]).digest()[:bl]
        out.check(p + "skeyid", skeyid)
        out.check(p + "skeyid_d", d)
        out.check(p + "skeyid_a", a)
        out.check(p + "skeyid_e", e)
        out.check(p + "enc_key", key)
        out.check(p + "iv", iv)
        out.check(p + "hash_i", prf(h, skeyid, v["gxi"], v["gxr"], v["cky_i"], v["cky_r"],
                                    v["sai"], v["idi"]))
        out.check(p + "hash_r", prf(h, skeyid, v["gxr"], v["gxi"], v["cky_r"], v["cky_i"],
                                    v["sai"], v["idr"]))
        # RFC 6407 3.2 (as the GDOI reference computes them)
        out.check(p + "pull_hash1", prf(h, a, v["mid"], v["rest"]))
        out.check(p + "pull_hash2", prf(h, a, v["mid"], v["ni"], v["rest"]))
        out.check(p + "pull_hash34", prf(h, a, v["mid"], v["ni"], v["nr"], v["rest"]))
        # RFC 2409 App. B: zero padding to the block, Length counts it, E flag set
        body = v["msg5"][28:]
        body += b"\x00" * (-len(body) % bl)
        hdr = bytearray(v["msg5"][:28])
        hdr[19] |= 1
        hdr[24:28] = (28 + len(body)).to_bytes(4, "big")
        ct = cbc(cipher, key, iv, body)
        out.check(p + "msg5", bytes(hdr) + ct)
        out.check(p + "iv_after", ct[-bl:])
        out.check(p + "p2iv", HASHES[h](ct[-bl:] + v["mid"]).digest()[:bl])
        assert cbc(cipher, key, iv, ct, encrypt=False) == body
    out.done()


def test_cbc(kat):
    vals, _ = kat
    out = Outputs(vals, "cbc.")
    for cipher, (_, bl, _) in CIPHERS.items():
        p = "cbc.%s." % cipher
        ct = cbc(cipher, hx(vals, p + "key"), hx(vals, p + "iv"), hx(vals, p + "plain"))
        out.check(p + "ct", ct)
        out.check(p + "next_iv", ct[-bl:])
    out.done()


def test_dh(kat):
    vals, _ = kat
    out = Outputs(vals, "dh.")
    for group, params in MODP.items():
        p, n = params.m, params.mLen // 8
        xi = int.from_bytes(hx(vals, "dh.%d.xi" % group), "big")
        xr = int.from_bytes(hx(vals, "dh.%d.xr" % group), "big")
        assert params.g == 2
        gxi, gxr = pow(2, xi, p), pow(2, xr, p)
        out.check("dh.%d.gxi" % group, gxi.to_bytes(n, "big"))
        out.check("dh.%d.gxr" % group, gxr.to_bytes(n, "big"))
        out.check("dh.%d.gxy" % group, pow(gxr, xi, p).to_bytes(n, "big"))
        assert pow(gxi, xr, p) == pow(gxr, xi, p)
    for group, (curve, n) in ECP.items():
        ki = ec.derive_private_key(int.from_bytes(hx(vals, "dh.%d.xi" % group), "big"), curve)
        kr = ec.derive_private_key(int.from_bytes(hx(vals, "dh.%d.xr" % group), "big"), curve)
        for name, k in (("gxi", ki), ("gxr", kr)):
            pn = k.public_key().public_numbers()
            # RFC 5903 7: x | y, no point-format octet
            out.check("dh.%d.%s" % (group, name), pn.x.to_bytes(n, "big") + pn.y.to_bytes(n, "big"))
        out.check("dh.%d.gxy" % group, ki.exchange(ec.ECDH(), kr.public_key()))
    out.done()


def test_push_signature(kat):
    vals, key = kat
    out = Outputs(vals, "sig.")
    pub = key.public_key()
    msg = hx(vals, "sig.msg")
    msg_len = int(vals["in.sig.msg_len"])
    out.check("sig.pub_der", pub.public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))
    assert int(vals["out.sig.bits"]) == key.key_size
    out.left.discard("out.sig.bits")
    # RFC 6407 4: hash("rekey" | HDR | payloads before SIG); HDR with the E flag
    # and the unpadded length of the whole message, as the GDOI reference signs.
    hdr = bytearray(msg[:28])
    hdr[19] |= 1
    hdr[24:28] = msg_len.to_bytes(4, "big")
    priv = key.private_numbers()
    nlen = (key.key_size + 7) // 8
    for h in ("SHA1", "SHA256"):
        digest = HASHES[h](b"rekey" + bytes(hdr) + msg[28:]).digest()
        out.check("sig.%s.digest" % h, digest)
        di = bytes.fromhex(vals["out.sig.%s.digestinfo" % h])
        pub.verify(di, digest, padding.PKCS1v15(), utils.Prehashed(CRYPTO_HASH[h]))
        # PKCS#1 v1.5 signatures are deterministic: equal to cryptography's own.
        out.check("sig.%s.digestinfo" % h,
                  key.sign(digest, padding.PKCS1v15(), utils.Prehashed(CRYPTO_HASH[h])))
        # Bare digest in type 1 padding (RFC 8017 9.2 without the DigestInfo).
        em = b"\x00\x01" + b"\xff" * (nlen - 3 - len(digest)) + b"\x00" + digest
        raw = pow(int.from_bytes(em, "big"), priv.d, priv.public_numbers.n)
        out.check("sig.%s.raw" % h, raw.to_bytes(nlen, "big"))
        assert pub.recover_data_from_signature(raw.to_bytes(nlen, "big"),
                                               padding.PKCS1v15(), None) == digest
    out.done()
