#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""ike-cert: lib/ike/cert against certificates, keys and signatures made at test time by
the openssl command line tool (independent of the code under test).

  run_ike_cert.py [--pki] TEST_IKE_CERT_BINARY

With --pki the certificates and keys come from strongSwan's own `pki` (Debian
strongswan-pki; GDOIGW_PKI=/path/pki overrides PATH), except the one whose keyUsage
forbids signatures (pki sets none); without pki on the machine the run is skipped
(exit 77). Without --pki everything comes from the openssl CLI.

1. Makes, in a temporary directory (openssl or pki): an RSA CA and an ECDSA (P-384) CA
   with an ECDSA intermediate, end-entity certificates with subjectAltNames (RSA "moon",
   P-256 "sun" under the intermediate, P-384 "carol", P-521 "dave"), an expired and a
   not yet valid certificate, one from another CA ("mars"), one whose keyUsage forbids
   signatures, a self-signed one and one with a 1024-bit RSA key.
2. Signs octets.bin with `openssl dgst` in each AUTH form (method 1, 9, 10, 11 and 14
   with sha256WithRSAEncryption, RSASSA-PSS and ecdsa-with-SHA256; the RFC 7427 A
   AlgorithmIdentifier octets written here from the RFC) for the C program to verify.
3. Runs the C program (test_ike_cert.c) on the directory: it checks the library and
   writes its own AUTH data, CERT and CERTREQ bodies and an encoded DN into out/.
4. Checks those with openssl: each signature with `openssl dgst -verify` (r|s turned
   into DER here), the DN with `openssl asn1parse`, the CERT body against `openssl x509
   -outform DER`, the CERTREQ hashes against SHA-1 of `openssl x509 -pubkey` SPKIs.
Exit status 0 only if every step passed.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

OPENSSL = "openssl"
PKI = None
FAILS = []

CNF = """
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[int_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[moon_ext]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
subjectAltName = DNS:moon.strongswan.org, IP:192.0.2.1, email:moon@strongswan.org
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[sun_ext]
basicConstraints = CA:FALSE
subjectAltName = DNS:sun.strongswan.org, IP:2001:db8::2
subjectKeyIdentifier = hash
[carol_ext]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, nonRepudiation
subjectAltName = email:carol@strongswan.org
[dave_ext]
basicConstraints = CA:FALSE
subjectAltName = DNS:dave.strongswan.org
[noku_ext]
basicConstraints = CA:FALSE
keyUsage = keyEncipherment
subjectAltName = DNS:moon.strongswan.org
[plain_ext]
basicConstraints = CA:FALSE
subjectAltName = DNS:moon.strongswan.org
[ca]
default_ca = ca_any
[ca_any]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = pol_any
preserve = yes
unique_subject = no
email_in_dn = no
[pol_any]
countryName = optional
organizationName = optional
commonName = supplied
"""


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, **kw).stdout


def check(cond, what):
    print("%s %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        FAILS.append(what)


def genkey(name, kind):
    if kind.startswith("rsa"):
        opts = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + kind[3:]]
    else:
        opts = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + kind]
    run(OPENSSL, "genpkey", *opts, "-out", name + ".key")
    run(OPENSSL, "pkey", "-in", name + ".key", "-pubout", "-out", name + ".pub")


def self_signed(name, subj, ext, key=None):
    run(OPENSSL, "req", "-config", "cnf", "-new", "-x509", "-key", (key or name) + ".key",
        "-subj", subj,
        "-days", "3650", "-sha256", "-extensions", ext, "-out", name + ".pem")


def issue(name, key, subj, ca, ext, serial, dates=None):
    run(OPENSSL, "req", "-config", "cnf", "-new", "-key", key + ".key", "-subj", subj,
        "-out", name + ".csr")
    if dates is None:
        run(OPENSSL, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem",
            "-CAkey", ca + ".key", "-set_serial", str(serial), "-days", "365", "-sha256",
            "-extfile", "cnf", "-extensions", ext, "-out", name + ".pem")
    else:   # `openssl ca` is the tool that sets explicit validity dates
        run(OPENSSL, "ca", "-batch", "-config", "cnf", "-notext", "-cert", ca + ".pem",
            "-keyfile", ca + ".key", "-in", name + ".csr", "-startdate", dates[0],
            "-enddate", dates[1], "-extfile", "cnf", "-extensions", ext,
            "-out", name + ".pem")


def pki(*args):
    """strongSwan's pki (its plugin warnings on stderr are dropped)."""
    return run(PKI, *args)


def pki_make_certs():
    """The same files as make_certs(), made by strongSwan's pki where it can: pki
    sets no keyUsage, so `noku` (keyUsage without digitalSignature) still comes from
    openssl, signed by the pki-made CA."""
    with open("cnf", "w") as f:
        f.write(CNF)
    for name, kind, size in (("ca-rsa", "rsa", 2048), ("ca-ec", "ecdsa", 384),
                             ("int-ec", "ecdsa", 384), ("other-ca", "rsa", 2048),
                             ("moon", "rsa", 2048), ("sun", "ecdsa", 256),
                             ("carol", "ecdsa", 384), ("dave", "ecdsa", 521),
                             ("small", "rsa", 1024)):
        with open(name + ".key", "wb") as f:
            f.write(pki("--gen", "--type", kind, "--size", str(size), "--outform", "pem"))
        run(OPENSSL, "pkey", "-in", name + ".key", "-pubout", "-out", name + ".pub")

    def save(name, data):
        with open(name + ".pem", "wb") as f:
            f.write(data)

    for name, dn in (("ca-rsa", "C=CH, O=strongSwan, CN=strongSwan RSA CA"),
                     ("ca-ec", "C=CH, O=strongSwan, CN=strongSwan ECDSA CA"),
                     ("other-ca", "C=US, O=Other, CN=Other CA")):
        save(name, pki("--self", "--ca", "--lifetime", "3650", "--in", name + ".key",
                       "--dn", dn, "--outform", "pem"))

    def issue_pki(name, key, dn, ca, *extra):
        life = [] if "--not-after" in extra else ["--lifetime", "365"]
        save(name, pki("--issue", "--cacert", ca + ".pem", "--cakey", ca + ".key",
                       "--type", "priv", "--in", key + ".key", "--dn", dn,
                       "--outform", "pem", *life, *extra))

    sans = lambda *names: [a for n in names for a in ("--san", n)]
    dates = lambda a, b: ["--dateform", "%Y%m%d%H%M%S", "--not-before", a, "--not-after", b]
    issue_pki("int-ec", "int-ec", "C=CH, O=strongSwan, CN=strongSwan ECDSA Intermediate",
              "ca-ec", "--ca", "--pathlen", "0")
    issue_pki("moon", "moon", "C=CH, O=strongSwan, CN=moon.strongswan.org", "ca-rsa",
              *sans("moon.strongswan.org", "192.0.2.1", "moon@strongswan.org"))
    issue_pki("sun", "sun", "C=CH, O=strongSwan, CN=sun.strongswan.org", "int-ec",
              *sans("sun.strongswan.org", "2001:db8::2"))
    issue_pki("carol", "carol", "C=CH, O=strongSwan, CN=carol@strongswan.org", "ca-ec",
              *sans("carol@strongswan.org"))
    issue_pki("dave", "dave", "C=CH, O=strongSwan, CN=dave.strongswan.org", "ca-ec",
              *sans("dave.strongswan.org"))
    issue_pki("mars", "moon", "C=US, O=Other, CN=moon.strongswan.org", "other-ca",
              *sans("moon.strongswan.org"))
    issue_pki("weak", "small", "C=CH, O=strongSwan, CN=weak.strongswan.org", "ca-rsa",
              *sans("weak.strongswan.org"))
    issue_pki("cn-only", "moon", "C=CH, O=strongSwan, CN=cn-only.strongswan.org", "ca-rsa")
    issue_pki("expired", "moon", "C=CH, O=strongSwan, CN=expired.strongswan.org", "ca-rsa",
              *dates("20200101000000", "20200201000000"))
    issue_pki("future", "moon", "C=CH, O=strongSwan, CN=future.strongswan.org", "ca-rsa",
              *dates("20990101000000", "20990201000000"))
    save("selfsigned", pki("--self", "--in", "moon.key", "--dn",
                           "C=CH, O=strongSwan, CN=moon.strongswan.org", "--outform", "pem"))
    issue("noku", "moon", "/C=CH/O=strongSwan/CN=noku.strongswan.org", "ca-rsa",
          "noku_ext", 8)
    with open("sun-chain.pem", "w") as f:
        f.write(open("sun.pem").read() + open("int-ec.pem").read())
    pki_dn_cases()


# DN texts for strongSwan's own encoder and printer (pki --issue --dn, pki --dn, pki --print).
DN_CASES = [
    "C=CH, O=strongSwan, CN=moon.strongswan.org",
    "/C=CH/O=strongSwan/CN=slash.strongswan.org",
    "C=CH, ST=Zurich, L=Zurich, O=strongSwan, OU=Test (IKE), CN=carol",
    "C=CH, O=Z\u00fcrich B\u00fcro, OU=a_b, CN=utf8",
    "C=CH, E=carol@strongswan.org, DC=org, DC=strongswan, CN=carol",
    "C=CH, O=strongSwan, SN=Smith, serialNumber=1234, T=Dr, G=Carol, CN=y",
    "C=CH, O=strongSwan, UID=carol, CN=carol@strongswan.org",
]


def pki_dn_cases():
    """dn-cases.txt: TEXT, the DER strongSwan encodes it to (hex), strongSwan's print."""
    lines = []
    for i, text in enumerate(DN_CASES):
        text = text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        name = "dn-%d" % i
        with open(name + ".pem", "wb") as f:
            f.write(pki("--issue", "--cacert", "ca-rsa.pem", "--cakey", "ca-rsa.key",
                        "--type", "priv", "--in", "moon.key", "--dn", text,
                        "--outform", "pem"))
        der = pki("--dn", "--in", name + ".pem", "--format", "hex").decode().strip()
        shown = [ln.split('"', 1)[1].rsplit('"', 1)[0]
                 for ln in pki("--print", "--in", name + ".pem").decode("utf-8", "replace")
                 .splitlines() if ln.strip().startswith("subject:")]
        lines.append("%s\t%s\t%s\n" % (text, der, shown[0]))
    with open("dn-cases.txt", "w") as f:
        f.writelines(lines)


def der_elements(der):
    """The TLVs (whole encodings) inside the outer SEQUENCE of der."""
    n, i = der_len(der, 1)
    out = []
    while i < len(der):
        start = i
        m, j = der_len(der, i + 1)
        out.append(der[start:j + m])
        i = j + m
    return out


def pki_signatures():
    """strongSwan's own signatures in the form of RFC 7427 AUTH data (in/ss-*): pki
    signs a PKCS#10 request with the signature scheme and AlgorithmIdentifier encoder
    that charon uses for AUTH method 14; the request's CertificationRequestInfo is the
    signed octets, its signatureAlgorithm and signature make the AUTH data."""
    listing = []
    for name, key, digest, padding in (("rsa256", "moon", "sha256", "pkcs1"),
                                       ("pss256", "moon", "sha256", "pss"),
                                       ("pss512", "moon", "sha512", "pss"),
                                       ("ecdsa256", "sun", "sha256", None),
                                       ("ecdsa384", "carol", "sha384", None),
                                       ("ecdsa512", "dave", "sha512", None)):
        opts = ["--rsa-padding", padding] if padding else []
        req = pki("--req", "--in", key + ".key", "--type", "priv", "--dn", "CN=" + name,
                  "--digest", digest, *opts, "--outform", "der")
        tbs, algid, bits = der_elements(req)
        _, k = der_len(bits, 1)
        with open("in/ss-%s.tbs" % name, "wb") as f:
            f.write(tbs)
        with open("in/ss-%s.auth" % name, "wb") as f:
            f.write(bytes([len(algid)]) + algid + bits[k + 1:])    # skip unused-bits octet
        listing.append("%s %s.pub\n" % (name, key))
    with open("in/ss-list.txt", "w") as f:
        f.writelines(listing)


def make_certs():
    with open("cnf", "w") as f:
        f.write(CNF)
    open("index.txt", "w").close()
    with open("serial", "w") as f:
        f.write("1000\n")
    for name, kind in (("ca-rsa", "rsa2048"), ("ca-ec", "P-384"), ("int-ec", "P-384"),
                       ("other-ca", "rsa2048"), ("moon", "rsa2048"), ("sun", "P-256"),
                       ("carol", "P-384"), ("dave", "P-521"), ("small", "rsa1024")):
        genkey(name, kind)
    self_signed("ca-rsa", "/C=CH/O=strongSwan/CN=strongSwan RSA CA", "ca_ext")
    self_signed("ca-ec", "/C=CH/O=strongSwan/CN=strongSwan ECDSA CA", "ca_ext")
    self_signed("other-ca", "/C=US/O=Other/CN=Other CA", "ca_ext")
    issue("int-ec", "int-ec", "/C=CH/O=strongSwan/CN=strongSwan ECDSA Intermediate", "ca-ec",
          "int_ext", 2)
    issue("moon", "moon", "/C=CH/O=strongSwan/CN=moon.strongswan.org", "ca-rsa", "moon_ext", 3)
    issue("sun", "sun", "/C=CH/O=strongSwan/CN=sun.strongswan.org", "int-ec", "sun_ext", 4)
    issue("carol", "carol", "/C=CH/O=strongSwan/CN=carol@strongswan.org", "ca-ec",
          "carol_ext", 5)
    issue("dave", "dave", "/C=CH/O=strongSwan/CN=dave.strongswan.org", "ca-ec", "dave_ext", 6)
    issue("mars", "moon", "/C=US/O=Other/CN=moon.strongswan.org", "other-ca", "plain_ext", 7)
    issue("noku", "moon", "/C=CH/O=strongSwan/CN=noku.strongswan.org", "ca-rsa",
          "noku_ext", 8)
    issue("weak", "small", "/C=CH/O=strongSwan/CN=weak.strongswan.org", "ca-rsa",
          "plain_ext", 10)
    issue("cn-only", "moon", "/C=CH/O=strongSwan/CN=cn-only.strongswan.org", "ca-rsa",
          "carol_ext", 9)
    issue("expired", "moon", "/C=CH/O=strongSwan/CN=expired.strongswan.org", "ca-rsa",
          "plain_ext", None, ("20200101000000Z", "20200201000000Z"))
    issue("future", "moon", "/C=CH/O=strongSwan/CN=future.strongswan.org", "ca-rsa",
          "plain_ext", None, ("20990101000000Z", "20990201000000Z"))
    self_signed("selfsigned", "/C=CH/O=strongSwan/CN=moon.strongswan.org", "plain_ext", "moon")
    # sun's file carries its intermediate after it (chain in one PEM file).
    with open("sun-chain.pem", "w") as f:
        f.write(open("sun.pem").read() + open("int-ec.pem").read())


# RFC 7427 Appendix A: AlgorithmIdentifier octets (A.1 RSA, A.3 ECDSA, A.4.3 PSS).
ALGID = {
    "rsa256": "300d06092a864886f70d01010b0500",
    "ecdsa256": "300a06082a8648ce3d040302",
    "pss256": "304106092a864886f70d01010a3034a00f300d0609608648016503040201"
              "0500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120",
}


def der_len(b, i):
    n = b[i]
    if n < 0x80:
        return n, i + 1
    k = n & 0x7f
    return int.from_bytes(b[i + 1:i + 1 + k], "big"), i + 1 + k


def ecdsa_der_to_raw(der, size):
    """SEQUENCE { INTEGER r, INTEGER s } -> r | s, each `size` octets (RFC 4754 7)."""
    assert der[0] == 0x30
    _, i = der_len(der, 1)
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        n, i = der_len(der, i + 1)
        out += int.from_bytes(der[i:i + n], "big").to_bytes(size, "big")
        i += n
    return out


def int_der(v):
    b = v.to_bytes((v.bit_length() + 8) // 8, "big")
    return bytes([0x02]) + enc_len(len(b)) + b


def enc_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def ecdsa_raw_to_der(raw):
    h = len(raw) // 2
    body = int_der(int.from_bytes(raw[:h], "big")) + int_der(int.from_bytes(raw[h:], "big"))
    return bytes([0x30]) + enc_len(len(body)) + body


PSS_OPTS = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
            "-sigopt", "rsa_mgf1_md:sha256"]


def openssl_sign(key, md, opts=()):
    return run(OPENSSL, "dgst", "-" + md, *opts, "-sign", key + ".key", "octets.bin")


def make_peer_auth():
    """AUTH data as a peer would send it, signed by openssl (in/)."""
    os.mkdir("in")
    with open("octets.bin", "wb") as f:
        f.write(os.urandom(333))
    made = {
        "m1-moon": openssl_sign("moon", "sha1"),
        "m14-rsa256-moon": bytes([15]) + bytes.fromhex(ALGID["rsa256"])
        + openssl_sign("moon", "sha256"),
        "m14-pss256-moon": bytes([67]) + bytes.fromhex(ALGID["pss256"])
        + openssl_sign("moon", "sha256", PSS_OPTS),
        "m14-ecdsa256-sun": bytes([12]) + bytes.fromhex(ALGID["ecdsa256"])
        + openssl_sign("sun", "sha256"),
        "m9-sun": ecdsa_der_to_raw(openssl_sign("sun", "sha256"), 32),
        "m10-carol": ecdsa_der_to_raw(openssl_sign("carol", "sha384"), 48),
        "m11-dave": ecdsa_der_to_raw(openssl_sign("dave", "sha512"), 66),
    }
    for name, data in made.items():
        with open(os.path.join("in", name + ".bin"), "wb") as f:
            f.write(data)


def openssl_verify(pub, md, sig, opts=()):
    with open("sig.tmp", "wb") as f:
        f.write(sig)
    r = subprocess.run([OPENSSL, "dgst", "-" + md, *opts, "-verify", pub + ".pub",
                        "-signature", "sig.tmp", "octets.bin"], capture_output=True, text=True)
    return r.returncode == 0 and "Verified OK" in r.stdout


def out(name):
    with open(os.path.join("out", name), "rb") as f:
        return f.read()


def check_our_output():
    pre = {k: bytes.fromhex(v) for k, v in ALGID.items()}
    sig = out("m1-moon.bin")
    check(openssl_verify("moon", "sha1", sig), "method 1 (RSA SHA-1) by us, openssl dgst -verify")
    check(len(sig) == 256, "method 1: signature is the modulus length")
    for name, key, md, algid, opts in (
            ("m14-rsa256-moon", "moon", "sha256", "rsa256", ()),
            ("m14-pss256-moon", "moon", "sha256", "pss256", PSS_OPTS),
            ("m14-ecdsa256-sun", "sun", "sha256", "ecdsa256", ())):
        data = out(name + ".bin")
        a = pre[algid]
        check(data[0] == len(a) and data[1:1 + len(a)] == a,
              "%s: ASN.1 length and AlgorithmIdentifier as RFC 7427 A" % name)
        check(openssl_verify(key, md, data[1 + len(a):], opts),
              "%s by us, openssl dgst -verify" % name)
    for name, key, md, size in (("m9-sun", "sun", "sha256", 32),
                                ("m10-carol", "carol", "sha384", 48),
                                ("m11-dave", "dave", "sha512", 66)):
        raw = out(name + ".bin")
        check(len(raw) == 2 * size, "%s: r|s is 2 x %d octets" % (name, size))
        check(openssl_verify(key, md, ecdsa_raw_to_der(raw)), "%s by us, openssl dgst -verify"
              % name)
    for m in ("sha384", "sha512"):
        data = out("m14-pss-%s-moon.bin" % m)
        n = data[0]
        salt = 48 if m == "sha384" else 64
        opts = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:%d" % salt,
                "-sigopt", "rsa_mgf1_md:" + m]
        check(openssl_verify("moon", m, data[1 + n:], opts), "PSS %s by us, openssl -verify" % m)
        asn = run(OPENSSL, "asn1parse", "-inform", "DER", "-in", "/dev/stdin",
                  input=data[1:1 + n]).decode()
        check("rsassaPss" in asn and m in asn and "mgf1" in asn,
              "PSS %s AlgorithmIdentifier parses (openssl asn1parse)" % m)

    # The DN of ike_dn_from_text, read by openssl asn1parse.
    asn = run(OPENSSL, "asn1parse", "-inform", "DER", "-in", "out/dn.der").decode()
    fields = [ln.split(":", 3)[-1].strip() for ln in asn.splitlines()
              if "PRINTABLESTRING" in ln or "UTF8STRING" in ln or "OBJECT" in ln]
    check(fields == ["countryName", "CH", "organizationName", "strongSwan", "commonName",
                     "moon.strongswan.org"], "DN C, O, CN in text order: %s" % fields)
    check(asn.count("PRINTABLESTRING") == 3, "DN values are PrintableStrings")
    asn = run(OPENSSL, "asn1parse", "-inform", "DER", "-in", "out/dn-utf8.der").decode()
    check("UTF8STRING" in asn and "PRINTABLESTRING" in asn,
          "DN: a non-printable value is a UTF8String, C stays PrintableString")

    # CERT body 0 = encoding 4 + DER of moon; body 1 of sun = its intermediate.
    for body, pem in (("cert-moon-0.bin", "moon.pem"), ("cert-sun-1.bin", "int-ec.pem")):
        der = run(OPENSSL, "x509", "-in", pem, "-outform", "DER")
        check(out(body) == bytes([4]) + der, "%s = 4 | DER of %s" % (body, pem))

    # CERTREQ = 4 + SHA-1(SubjectPublicKeyInfo) of ca-rsa then ca-ec.
    want = bytes([4])
    for ca in ("ca-rsa.pem", "ca-ec.pem"):
        pub = run(OPENSSL, "x509", "-in", ca, "-noout", "-pubkey")
        spki = run(OPENSSL, "pkey", "-pubin", "-outform", "DER", input=pub)
        want += hashlib.sha1(spki).digest()
    check(out("certreq.bin") == want, "CERTREQ = 4 | SHA-1 of each CA's SPKI")
    if PKI is not None:     # strongSwan's own key id: what its CERTREQ handling looks up
        ids = b"".join(bytes.fromhex(pki("--keyid", "--in", ca, "--type", "x509", "--id", "spki",
                                         "--format", "hex").decode().strip())
                       for ca in ("ca-rsa.pem", "ca-ec.pem"))
        check(out("certreq.bin")[1:] == ids, "CERTREQ hashes = pki --keyid (SHA-1 of SPKI)")


def main():
    global PKI
    args = sys.argv[1:]
    if args and args[0] == "--pki":
        PKI = os.environ.get("GDOIGW_PKI") or shutil.which("pki")
        if PKI is None:
            print("SKIP: strongSwan's pki not found (Debian strongswan-pki, or GDOIGW_PKI)")
            return 77
        args = args[1:]
    prog = os.path.abspath(args[0])
    with tempfile.TemporaryDirectory(prefix="ike_cert_") as d:
        os.chdir(d)
        if PKI is not None:
            pki_make_certs()
        else:
            make_certs()
        make_peer_auth()
        if PKI is not None:
            pki_signatures()
        os.mkdir("out")
        r = subprocess.run([prog, d])
        check(r.returncode == 0, "test_ike_cert (C checks, exit %d)" % r.returncode)
        try:
            check_our_output()
        except (OSError, subprocess.CalledProcessError) as e:
            check(False, "output of test_ike_cert: %s" % e)
        os.chdir("/")
    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
