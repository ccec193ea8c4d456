"""IKEv2 X.509 authentication against strongSwan 5.9.8, through the real binary: gdoigw
as initiator and as responder, RSA and ECDSA certificates, identities
distinguished-name and hostname; a certificate from an unknown CA and a wrong identity
refused.

    h1 10.99.1.2 -- [gdoigw 10.99.1.1 | 10.99.2.1] -- h2 10.99.2.2 (charon) + 10.99.102.1 (lo)

The topology and charon (kernel-libipsec) are test_netns_ike.py's (test/netns/ikelib.py);
here charon authenticates with `auth = pubkey`. The certificates are made at test time
by strongSwan's own `pki`: an RSA CA (2048) and an ECDSA CA (P-384), for each an end
entity of gdoigw (CN=a.test, subjectAltName a.test) and of charon (CN=b.test, b.test),
RSA-2048 or ECDSA P-256 keys, and a third, unknown CA that signs a rogue b.test. Both
sides trust both CAs (gdoigw through a trusted-ca directory, charon its x509ca).

Good cases: the tunnel comes up, gdoigw signed its AUTH (log) and charon verified it
("authentication of '<gdoigw id>' with <scheme> successful"), charon's AUTH verified by
gdoigw (the SA is established with its identity), h1 pings 10.99.102.1 through the
tunnel; tshark, given the IKE and ESP keys gdoigw logs at debug level, dissects every
IKE message as well-formed, decrypts both IKE_AUTH messages (their CERT and AUTH
payloads) and the ESP. Refusals: charon presenting the rogue certificate to gdoigw as responder
(gdoigw logs "unknown CA", counts auth_certificate and auth_failed, answers
AUTHENTICATION_FAILED which charon logs); gdoigw as initiator expecting remote-identity
c.test from b.test (gdoigw logs the unexpected identity, counts auth_peer_id and
auth_failed, and tells charon with an INFORMATIONAL AUTHENTICATION_FAILED, RFC 7296
2.21.2, which charon logs). Skipped without strongSwan or its pki.
"""
import os
import shutil
import subprocess
import time

import pytest

import clilib
from ikelib import PSK, SUITES, Charon, charon_bed, have_strongswan, gdoigw_security, \
    tshark_ike_check
from nslib import sh
from test_netns_ike import IkeTopo, ping, tshark_decrypts

pytestmark = [pytest.mark.netns,
              pytest.mark.skipif(not have_strongswan() or shutil.which("pki") is None,
                                 reason="strongSwan (charon, swanctl, pki) not installed")]

GW_WAN, SW = "10.99.2.1", "10.99.2.2"
SW_NET, SW_HOST = "10.99.102.0/24", "10.99.102.1"
H1_NET = "10.99.1.0/24"
DN = "C=CH, O=gdoigw test, CN=%s"
# key kind -> (pki --type, EE key size, CA key size, gdoigw authentication-method)
KINDS = {"rsa": ("rsa", 2048, 2048, "rsa-signatures"),
         "ecdsa": ("ecdsa", 256, 384, "ecdsa-signatures-256")}


def pki(*args):
    r = subprocess.run(["pki", *args], capture_output=True, timeout=60)
    assert r.returncode == 0, "pki %s: %s" % (" ".join(args), r.stderr.decode())
    return r.stdout


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """The CAs and end entities, made by strongSwan's pki."""
    d = tmp_path_factory.mktemp("pki")
    path = lambda name: str(d / name)

    def save(name, data):
        with open(path(name), "wb") as f:
            f.write(data)

    for kind, (typ, ee_size, ca_size, _) in KINDS.items():
        save(kind + "-ca.key", pki("--gen", "--type", typ, "--size", str(ca_size),
                                   "--outform", "pem"))
        save(kind + "-ca.pem", pki("--self", "--ca", "--lifetime", "30", "--in",
                                   path(kind + "-ca.key"), "--dn",
                                   DN % (kind.upper() + " CA"), "--outform", "pem"))
        for who in ("a", "b"):
            name = "%s-%s" % (kind, who)
            save(name + ".key", pki("--gen", "--type", typ, "--size", str(ee_size),
                                    "--outform", "pem"))
            save(name + ".pem", pki("--issue", "--cacert", path(kind + "-ca.pem"), "--cakey",
                                    path(kind + "-ca.key"), "--type", "priv", "--in",
                                    path(name + ".key"), "--dn", DN % (who + ".test"),
                                    "--san", who + ".test", "--lifetime", "30",
                                    "--outform", "pem"))
    # an unknown CA (trusted by nobody) and charon's rogue certificate from it
    save("other-ca.key", pki("--gen", "--type", "rsa", "--size", "2048", "--outform", "pem"))
    save("other-ca.pem", pki("--self", "--ca", "--lifetime", "30", "--in",
                             path("other-ca.key"), "--dn", DN % "Other CA", "--outform", "pem"))
    save("rogue-b.pem", pki("--issue", "--cacert", path("other-ca.pem"), "--cakey",
                            path("other-ca.key"), "--type", "priv", "--in", path("rsa-b.key"),
                            "--dn", DN % "b.test", "--san", "b.test", "--lifetime", "30",
                            "--outform", "pem"))
    os.makedirs(path("gw-ca"))
    for kind in KINDS:
        shutil.copy(path(kind + "-ca.pem"), path("gw-ca"))
    return d


def ident(idkind, who):
    """(gdoigw identity statement, charon's id) of `who` (a / b)."""
    if idkind == "dn":
        dn = DN % (who + ".test")
        return 'distinguished-name = "%s";' % dn, '"%s"' % dn
    return 'hostname = "%s.test";' % who, "%s.test" % who


def gdoigw_cert_security(certs, kind, idkind, est, remote_id=None):
    """test_netns_ike.py's configuration (ikelib.gdoigw_security), authenticated by
    certificate instead of the pre-shared key."""
    conf = gdoigw_security("gcm", GW_WAN, SW, H1_NET, SW_NET, "ge-0/0/0", est)
    repl = [
        ('proposal = ( { name = "p1";',
         'proposal = ( { name = "p1"; authentication-method = "%s";' % KINDS[kind][3]),
        ('pre-shared-key = { ascii-text = "%s"; };' % PSK,
         'certificate = { local-certificate = "%s"; private-key = "%s"; trusted-ca = "%s"; };'
         % (certs / (kind + "-a.pem"), certs / (kind + "-a.key"), certs / "gw-ca")),
        ('local-identity = { hostname = "a.test"; };',
         'local-identity = { %s };' % ident(idkind, "a")[0]),
        ('remote-identity = { hostname = "b.test"; };',
         'remote-identity = { %s };' % (remote_id or ident(idkind, "b")[0])),
    ]
    for old, new in repl:
        assert old in conf, old
        conf = conf.replace(old, new)
    return conf


class CertCharon(Charon):
    """ikelib's charon with `auth = pubkey`: its certificate, key and CAs in a swanctl
    directory of its own (SWANCTL_DIR)."""

    def __init__(self, workdir, ns, certs, kind, idkind, rogue=False):
        super().__init__(workdir, ns, SW, GW_WAN, SW_NET, H1_NET, "gcm")
        self.certs, self.kind, self.idkind, self.rogue = certs, kind, idkind, rogue

    def env(self):
        return dict(super().env(), SWANCTL_DIR=self.dir)

    def write(self):
        super().write()
        with open(self.conf) as f:
            text = f.read()
        with open(self.conf, "w") as f:
            f.write(text.replace(" pkcs1 x509 ", " pkcs1 pkcs8 x509 constraints "))
        for sub in ("x509", "x509ca", "private"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        cert = "rogue-b.pem" if self.rogue else self.kind + "-b.pem"
        shutil.copy(self.certs / cert, os.path.join(self.dir, "x509", "b.pem"))
        shutil.copy(self.certs / (self.kind + "-b.key"),
                    os.path.join(self.dir, "private", "b.key"))
        for kind in KINDS:
            shutil.copy(self.certs / (kind + "-ca.pem"), os.path.join(self.dir, "x509ca"))
        _, _, ike_p, esp_p = SUITES["gcm"]
        with open(self.swanctl, "w") as f:
            f.write("""connections {
  gw {
    version = 2
    local_addrs = %(addr)s
    remote_addrs = %(peer)s
    proposals = %(ike)s
    dpd_delay = 5s
    local {
      auth = pubkey
      certs = b.pem
      id = %(lid)s
    }
    remote {
      auth = pubkey
      id = %(rid)s
    }
    children {
      net {
        local_ts = %(lts)s
        remote_ts = %(rts)s
        esp_proposals = %(esp)s
        mode = tunnel
        start_action = none
        dpd_action = clear
      }
    }
  }
}
""" % dict(addr=self.addr, peer=self.peer, ike=ike_p, esp=esp_p, lts=self.local_ts,
                rts=self.remote_ts, lid=ident(self.idkind, "b")[1],
                rid=ident(self.idkind, "a")[1]))


def counters(topo):
    s = clilib.Session(topo.port, netns=topo.gw)
    try:
        out = s.cmd("show security ike statistics")
    finally:
        s.close()
    return {ln.split()[0]: int(ln.split()[1]) for ln in out.splitlines()
            if len(ln.split()) >= 2 and ln.split()[1].isdigit()}


@pytest.fixture
def bed(tmp_path, certs, request):
    role, kind, idkind, bad = request.param
    est = "immediately" if role == "initiator" else "responder-only"
    route = ('routing-options = { static = { route = ( { name = "%s"; next-hop = "%s"; } ); '
             '}; };\n' % (SW_NET, SW))
    remote_id = 'hostname = "c.test";' if bad == "wrong-id" else None
    topo = IkeTopo(tmp_path, "rtc", extra_conf=route + gdoigw_cert_security(
        certs, kind, idkind, est, remote_id))
    charon = CertCharon(tmp_path, topo.h2, certs, kind, idkind, rogue=bad == "unknown-ca")
    pcap = os.path.join(str(tmp_path), "wire.pcap") \
        if shutil.which("tcpdump") and shutil.which("tshark") else None
    with charon_bed(topo, charon, SW_HOST, pcap, "udp or icmp or tcp") as topo.capture:
        yield topo, charon, role, kind, idkind


def logs(topo, charon):
    return "--- gdoigw\n%s\n--- charon\n%s" % (topo.logtext(), charon.logtext())


CASES = [pytest.param((r, k, i, None), id="%s-%s-%s" % (r, k, i))
         for r, k, i in (("initiator", "rsa", "dn"), ("responder", "rsa", "hostname"),
                         ("initiator", "ecdsa", "hostname"), ("responder", "ecdsa", "dn"))]


@pytest.mark.parametrize("bed", CASES, indirect=True)
def test_ike_cert_strongswan(bed):
    topo, charon, role, kind, idkind = bed
    if role == "responder":
        r = charon.initiate()
        assert r.returncode == 0, "swanctl --initiate: %s%s\n%s" % (r.stdout, r.stderr,
                                                                    logs(topo, charon))
    assert topo.wait_log("CHILD_SA to-sw up", 40), "no CHILD_SA\n" + logs(topo, charon)
    log, clog = topo.logtext(), charon.logtext(1000000)
    assert "AUTH by signature" in log, log
    a_id = DN % "a.test" if idkind == "dn" else "a.test"
    b_id = DN % "b.test" if idkind == "dn" else "b.test"
    assert "authentication of '%s' with" % a_id in clog and "successful" in clog, clog
    assert "(id %s)" % b_id in log, log
    assert "received end entity cert" in clog, clog
    got, out = ping(topo.h1, SW_HOST, 5)
    assert got >= 4, "ping through the tunnel: %s\n%s" % (out, logs(topo, charon))
    c = counters(topo)
    assert c["auth_failed"] == 0 and c["auth_certificate"] == 0, c
    if topo.capture is not None:
        # tshark: every IKE message well-formed, IKE_AUTH decrypted with the IKE keys
        # gdoigw logged: both CERT payloads (X.509 signature, encoding 4) and AUTHs;
        # the ESP decrypted with the ESP keys it logged
        topo.capture.finish()
        with open(topo.log_path, errors="replace") as f:
            log = f.read()
        ike = tshark_ike_check(topo.capture.path, log)
        auth = [x for x in ike.values() if x["exch"] == 35 and x["auth"]]
        assert len(auth) >= 2 and sum(x["cert"] == "4" for x in auth) >= 2, ike
        requests, replies = tshark_decrypts(topo.capture.path, log)
        assert len(requests) >= 4 and len(replies) >= 4, (requests, replies)


BAD = [pytest.param(("responder", "rsa", "dn", "unknown-ca"), id="unknown-ca"),
       pytest.param(("initiator", "rsa", "hostname", "wrong-id"), id="wrong-id")]


@pytest.mark.parametrize("bed", BAD, indirect=True)
def test_ike_cert_refused(bed, request):
    topo, charon, role, kind, idkind = bed
    bad = request.node.callspec.id
    if role == "responder":
        charon.initiate()
    want = "unknown CA" if bad == "unknown-ca" else "unexpected identity"
    assert topo.wait_log(want, 40), logs(topo, charon)
    # charon hears of it: in the IKE_AUTH response (gdoigw responder) or in an
    # INFORMATIONAL request (gdoigw initiator, RFC 7296 2.21.2)
    told = "received AUTHENTICATION_FAILED notify error" if role == "responder" else \
        "parsed INFORMATIONAL request 2 [ N(AUTH_FAILED) ]"
    deadline = time.monotonic() + 20
    while told not in charon.logtext(1000000) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert told in charon.logtext(1000000), logs(topo, charon)
    assert "CHILD_SA to-sw up" not in topo.logtext()
    assert "ESTABLISHED" not in charon.list_sas()
    c = counters(topo)
    assert c["auth_failed"] >= 1, c
    assert c["auth_certificate" if bad == "unknown-ca" else "auth_peer_id"] >= 1, c
