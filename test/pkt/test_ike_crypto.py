"""lib/ike's IKEv2 crypto recomputed by independent code.

ike_crypto_kat (test/unit/ike, built by meson) answers one command per line on stdin
(prf+, SKEYSEED and the seven keys, CHILD_SA KEYMAT, shared-key AUTH, SK payload seal
and open, Diffie-Hellman). Every answer is recomputed here from the RFC text, not from
the C code: HMAC with Python's hmac/hashlib (RFC 7296 2.13-2.15, 2.17), the SK payload
with `cryptography` (RFC 7296 3.14 for AES-CBC + HMAC, RFC 5282 for AES-GCM-16: nonce =
salt | IV, AAD = IKE header | SK payload header), MODP Diffie-Hellman with Python's pow
on RFC 3526's primes (scapy's table), ECP 256 / 384 (RFC 5903: x | y, shared = x) and
Curve25519 (RFC 8031) with `cryptography`. The open direction is fed messages built
here (with padding of our choosing), so the C side's reading is checked too.
"""
import hashlib
import hmac
import os
import struct
import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.layers.tls.crypto.groups import modp2048, modp3072

from gwtest import REPO, gw_bin

PRFS = {2: hashlib.sha1, 5: hashlib.sha256, 6: hashlib.sha384, 7: hashlib.sha512}
# integrity id: (hash, key length, ICV length)
INTEGS = {0: (None, 0, 0), 2: (hashlib.sha1, 20, 12), 12: (hashlib.sha256, 32, 16),
          13: (hashlib.sha384, 48, 24), 14: (hashlib.sha512, 64, 32)}
CBC, GCM = 12, 20


def kat_bin():
    env = os.environ.get("IKE_CRYPTO_KAT_BIN")
    if env:
        return env
    build = os.path.dirname(os.path.dirname(os.path.dirname(gw_bin())))
    for b in (build, os.path.join(REPO, "build")):
        p = os.path.join(b, "test", "unit", "ike", "ike_crypto_kat")
        if os.path.exists(p):
            return p
    return None


@pytest.fixture(scope="module")
def kat():
    exe = kat_bin()
    if exe is None:
        pytest.skip("ike_crypto_kat not built (ninja -C build)")
    p = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(*words):
        p.stdin.write(" ".join(str(w) for w in words) + "\n")
        p.stdin.flush()
        out = {}
        while True:
            line = p.stdout.readline()
            assert line, "ike_crypto_kat exited"
            line = line.strip()
            if line == "end":
                return out
            k, _, v = line.partition(" ")
            out[k] = v
    yield ask
    p.stdin.close()
    p.wait(timeout=10)


def prf(alg, key, data):
    return hmac.new(key, data, PRFS[alg]).digest()


def prf_plus(alg, key, seed, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = prf(alg, key, t + seed + bytes([i]))
        out += t
        i += 1
    return out[:n]


def rnd(n):
    return os.urandom(n)


@pytest.mark.parametrize("alg", [2, 5, 6, 7])
def test_prf_plus(kat, alg):
    key, seed = rnd(37), rnd(100)
    for n in (1, 20, 64, 200, 1000):
        got = kat("prfplus", alg, key.hex(), seed.hex(), n)
        assert bytes.fromhex(got["out"]) == prf_plus(alg, key, seed, n)


@pytest.mark.parametrize("encr,bits,prf_alg,integ", [
    (GCM, 128, 5, 0), (GCM, 256, 7, 0), (CBC, 128, 2, 2), (CBC, 256, 5, 12),
    (CBC, 256, 6, 13), (CBC, 128, 7, 14)])
def test_keys(kat, encr, bits, prf_alg, integ):
    ni, nr, gir = rnd(32), rnd(48), rnd(256)
    spi_i, spi_r = rnd(8), rnd(8)
    got = kat("keys", encr, bits, prf_alg, integ, ni.hex(), nr.hex(), gir.hex(), spi_i.hex(),
              spi_r.hex())
    # RFC 7296 2.14
    skeyseed = prf(prf_alg, ni + nr, gir)
    assert bytes.fromhex(got["skeyseed"]) == skeyseed
    plen = PRFS[prf_alg]().digest_size
    alen = INTEGS[integ][1]
    elen = bits // 8 + (4 if encr == GCM else 0)       # RFC 5282 7.1: salt after the key
    km = prf_plus(prf_alg, skeyseed, ni + nr + spi_i + spi_r, 3 * plen + 2 * alen + 2 * elen)
    want, pos = {}, 0
    for name, n in (("sk_d", plen), ("sk_ai", alen), ("sk_ar", alen), ("sk_ei", elen),
                    ("sk_er", elen), ("sk_pi", plen), ("sk_pr", plen)):
        want[name] = km[pos:pos + n]
        pos += n
    for name, v in want.items():
        assert bytes.fromhex(got.get(name, "")) == v, name


def test_child_keymat(kat):
    skd, ni, nr = rnd(32), rnd(32), rnd(32)
    got = kat("childkm", 5, skd.hex(), ni.hex(), nr.hex(), 72)
    assert bytes.fromhex(got["out"]) == prf_plus(5, skd, ni + nr, 72)    # RFC 7296 2.17


@pytest.mark.parametrize("alg", [2, 5, 6, 7])
def test_psk_auth(kat, alg):
    psk, msg, nonce, skp = b"a shared secret", rnd(400), rnd(32), rnd(64)
    idb = b"\x02\x00\x00\x00a.test"
    got = kat("psk", alg, psk.hex(), msg.hex(), nonce.hex(), skp.hex(), idb.hex())
    # RFC 7296 2.15
    want = prf(alg, prf(alg, psk, b"Key Pad for IKEv2"), msg + nonce + prf(alg, skp, idb))
    assert bytes.fromhex(got["out"]) == want


def hdr(spi_i, spi_r, exch, flags, msgid, length, first=46):
    return spi_i + spi_r + bytes([first, 0x20, exch, flags]) + struct.pack("!II", msgid, length)


def seal_ref(encr, bits, integ, ekey, akey, iv, spi_i, spi_r, exch, flags, msgid, first,
             plain, pad_len=None):
    """RFC 7296 3.14 / RFC 5282: the message a correct sender produces."""
    block = 16 if encr == CBC else 1
    if pad_len is None:     # the least padding, zero octets (what gdoigw sends)
        pad_len = (-(len(plain) + 1)) % block
    padded = plain + bytes(pad_len) + bytes([pad_len])
    icv_len = 16 if encr == GCM else INTEGS[integ][2]
    sk_len = 4 + len(iv) + len(padded) + icv_len
    h = hdr(spi_i, spi_r, exch, flags, msgid, 28 + sk_len)
    skh = struct.pack("!BBH", first, 0, sk_len)
    if encr == GCM:
        k = ekey[:bits // 8]
        salt = ekey[bits // 8:]
        ct = AESGCM(k).encrypt(salt + iv, padded, h + skh)
        return h + skh + iv + ct
    enc = Cipher(algorithms.AES(ekey), modes.CBC(iv)).encryptor()
    ct = enc.update(padded) + enc.finalize()
    body = h + skh + iv + ct
    mac = hmac.new(akey, body, INTEGS[integ][0]).digest()[:icv_len]
    return body + mac


SUITES = [(GCM, 128, 0), (GCM, 256, 0), (CBC, 128, 12), (CBC, 256, 2), (CBC, 256, 14)]


@pytest.mark.parametrize("encr,bits,integ", SUITES)
def test_sk_seal(kat, encr, bits, integ):
    ekey = rnd(bits // 8 + (4 if encr == GCM else 0))
    akey = rnd(INTEGS[integ][1]) if integ else b""
    iv = rnd(8 if encr == GCM else 16)
    spi_i, spi_r = rnd(8), rnd(8)
    for plain in (rnd(1), rnd(15), rnd(16), rnd(100)):
        got = kat("seal", encr, bits, integ, ekey.hex(), akey.hex() or "-", iv.hex(),
                  spi_i.hex(), spi_r.hex(), 35, 0x08, 1, 35, plain.hex())
        want = seal_ref(encr, bits, integ, ekey, akey, iv, spi_i, spi_r, 35, 0x08, 1, 35,
                        plain)
        assert bytes.fromhex(got["out"]) == want


@pytest.mark.parametrize("encr,bits,integ", SUITES)
def test_sk_open(kat, encr, bits, integ):
    ekey = rnd(bits // 8 + (4 if encr == GCM else 0))
    akey = rnd(INTEGS[integ][1]) if integ else b""
    iv = rnd(8 if encr == GCM else 16)
    # an inner chain: one Notify payload (next 0), any padding a sender may choose
    inner = struct.pack("!BBHBBH", 0, 0, 8, 0, 0, 16384)
    block = 16 if encr == CBC else 1
    for extra in (0, 1, 3):
        pad = (-(len(inner) + 1)) % block + extra * block
        msg = seal_ref(encr, bits, integ, ekey, akey, iv, rnd(8), rnd(8), 37, 0x20, 5, 41,
                       inner, pad_len=pad)
        got = kat("open", encr, bits, integ, ekey.hex(), akey.hex() or "-", msg.hex())
        assert got.get("first") == "41", got
        assert bytes.fromhex(got["out"]) == inner
        bad = bytearray(msg)
        bad[-1] ^= 1        # the ICV
        assert "error" in kat("open", encr, bits, integ, ekey.hex(), akey.hex() or "-",
                              bytes(bad).hex())


@pytest.mark.parametrize("group,prime", [(14, modp2048), (15, modp3072)])
def test_dh_modp(kat, group, prime):
    p = prime.m
    x = int.from_bytes(rnd(32), "big")
    gx = pow(2, x, p)
    n = (p.bit_length() + 7) // 8
    got = kat("dh", group, gx.to_bytes(n, "big").hex())
    theirs = int(got["pub"], 16)
    assert len(bytes.fromhex(got["pub"])) == n and 1 < theirs < p - 1
    assert bytes.fromhex(got["shared"]) == pow(theirs, x, p).to_bytes(n, "big")


@pytest.mark.parametrize("group,curve,n", [(19, ec.SECP256R1(), 32), (20, ec.SECP384R1(), 48)])
def test_dh_ecp(kat, group, curve, n):
    priv = ec.generate_private_key(curve)
    nums = priv.public_key().public_numbers()
    got = kat("dh", group, (nums.x.to_bytes(n, "big") + nums.y.to_bytes(n, "big")).hex())
    pub = bytes.fromhex(got["pub"])
    assert len(pub) == 2 * n        # RFC 5903 7: x | y, no 0x04
    peer = ec.EllipticCurvePublicNumbers(int.from_bytes(pub[:n], "big"),
                                         int.from_bytes(pub[n:], "big"), curve).public_key()
    assert bytes.fromhex(got["shared"]) == priv.exchange(ec.ECDH(), peer)


def test_dh_curve25519(kat):
    priv = x25519.X25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization
    raw = priv.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)
    got = kat("dh", 31, raw.hex())
    peer = x25519.X25519PublicKey.from_public_bytes(bytes.fromhex(got["pub"]))
    assert bytes.fromhex(got["shared"]) == priv.exchange(peer)
