"""Every IKEv2 algorithm of gdoigw against strongSwan 5.9.8, one tunnel per suite, through
the real binary: encryption AES-CBC 128/256 and AES-GCM-16 128/256 (IKE and ESP),
integrity HMAC-SHA1-96, HMAC-SHA-256-128, -384-192, -512-256 (IKE and ESP), PRF
HMAC-SHA1/SHA2-256/384/512, DH groups 14, 15, 19, 20, 31 (RFC 7296, RFC 4868, RFC 5282,
RFC 5903, RFC 8031). The suites (ikelib.SUITES; IKE enc-prf-dh ; ESP enc-integ):

    gcm            aes128gcm16-prfsha256-modp2048 ; aes128gcm16
    cbc            aes256-sha256-modp2048         ; aes256-sha256
    sha1-modp3072  aes128-sha1-modp3072           ; aes128-sha1
    gcm256-ecp384  aes256gcm16-prfsha384-ecp384   ; aes256gcm16
    sha384-x25519  aes128-sha384-x25519           ; aes128-sha384
    sha512-ecp256  aes256-sha512-ecp256           ; aes256-sha512

One topology (test_netns_ike.py's), one gdoigw, one charon for them all: for each suite
gdoigw gets the suite's configuration by SIGHUP (its only proposal), charon by `swanctl
--load-conns` (its only proposal too, so nothing else can be negotiated). Then twice,
charon initiating (gdoigw chooses) and gdoigw initiating (reload to establish-tunnels
immediately; charon chooses): gdoigw's `show security ike security-associations detail`
/ `show security ipsec security-associations` and charon's `--list-sas` name the suite's
algorithms, one ping from h1 crosses the tunnel, and the SA is deleted (gdoigw's `clear
security ike security-associations`, or the reload back to responder-only) -- charon
hears of it and holds no SA -- before the next. About 35 s. Skipped without strongSwan.
"""
import time

import pytest

import clilib
import ikelib
from ikelib import Charon, charon_bed, have_strongswan, gdoigw_security
from test_netns_ike import GW_WAN, SW, SW_NET, SW_HOST, H1_NET, IkeTopo, ping

pytestmark = [pytest.mark.netns,
              pytest.mark.skipif(not have_strongswan(), reason="strongSwan not installed")]

ROUTE = 'routing-options = { static = { route = ( { name = "%s"; next-hop = "%s"; } ); }; };\n' \
    % (SW_NET, SW)

# suite -> (gdoigw's IKE SA detail lines, its ESP algorithm, charon's IKE SA and CHILD_SA)
EXPECT = {
    "gcm": (("aes-gcm-128", "NONE", "PRF_HMAC_SHA2_256", "14 (MODP_2048)"),
            "ESP:aes-gcm-128/None",
            "AES_GCM_16-128/PRF_HMAC_SHA2_256/MODP_2048", "ESP:AES_GCM_16-128"),
    "cbc": (("aes-cbc-256", "HMAC_SHA2_256_128", "PRF_HMAC_SHA2_256", "14 (MODP_2048)"),
            "ESP:aes-cbc-256/HMAC_SHA2_256_128",
            "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
            "ESP:AES_CBC-256/HMAC_SHA2_256_128"),
    "sha1-modp3072": (("aes-cbc-128", "HMAC_SHA1_96", "PRF_HMAC_SHA1", "15 (MODP_3072)"),
                      "ESP:aes-cbc-128/HMAC_SHA1_96",
                      "AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_3072",
                      "ESP:AES_CBC-128/HMAC_SHA1_96"),
    "gcm256-ecp384": (("aes-gcm-256", "NONE", "PRF_HMAC_SHA2_384", "20 (ECP_384)"),
                      "ESP:aes-gcm-256/None",
                      "AES_GCM_16-256/PRF_HMAC_SHA2_384/ECP_384", "ESP:AES_GCM_16-256"),
    "sha384-x25519": (("aes-cbc-128", "HMAC_SHA2_384_192", "PRF_HMAC_SHA2_384",
                       "31 (CURVE_25519)"),
                      "ESP:aes-cbc-128/HMAC_SHA2_384_192",
                      "AES_CBC-128/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/CURVE_25519",
                      "ESP:AES_CBC-128/HMAC_SHA2_384_192"),
    "sha512-ecp256": (("aes-cbc-256", "HMAC_SHA2_512_256", "PRF_HMAC_SHA2_512", "19 (ECP_256)"),
                      "ESP:aes-cbc-256/HMAC_SHA2_512_256",
                      "AES_CBC-256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/ECP_256",
                      "ESP:AES_CBC-256/HMAC_SHA2_512_256"),
}


def gw_conf(suite, establish="responder-only"):
    return ROUTE + gdoigw_security(suite, GW_WAN, SW, H1_NET, SW_NET, "ge-0/0/0", establish)


def full_log(path):
    with open(path, errors="replace") as f:
        return f.read()


def reload_gdoigw(topo, suite, establish="responder-only"):
    """The suite's configuration, by SIGHUP (ikelib.reload_gdoigw)."""
    ikelib.reload_gdoigw(topo, gw_conf(suite, establish))


def reload_charon(charon, suite):
    charon.suite = suite
    charon.write()
    charon.swanctl_cmd("--load-conns", "--file", charon.swanctl)


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, what()
        time.sleep(0.2)


@pytest.fixture
def algbed(tmp_path):
    first = next(iter(EXPECT))
    topo = IkeTopo(tmp_path, "rtc", extra_conf=gw_conf(first))
    charon = Charon(tmp_path, topo.h2, SW, GW_WAN, SW_NET, H1_NET, first)
    with charon_bed(topo, charon, SW_HOST):
        yield topo, charon


def check_suite(topo, charon, suite, role):
    """A tunnel comes up with `suite` (charon initiates, or gdoigw by establish-tunnels
    immediately), both sides name its algorithms, it carries a ping, and it is deleted:
    by `clear security ike security-associations` (gdoigw responder) or by the reload to
    responder-only (gdoigw initiator, which clear would make come back)."""
    ike_lines, esp_alg, sw_ike, sw_esp = EXPECT[suite]
    ups = full_log(topo.log_path).count("CHILD_SA to-sw up")
    deletes = charon.logtext(10 ** 7).count("received DELETE for IKE_SA")
    if role == "responder":
        r = charon.initiate()
        assert r.returncode == 0, "%s: swanctl --initiate: %s%s\n--- charon\n%s\n--- gdoigw\n%s" \
            % (suite, r.stdout, r.stderr, charon.logtext(), topo.logtext())
    else:
        reload_gdoigw(topo, suite, "immediately")
    wait_for(lambda: full_log(topo.log_path).count("CHILD_SA to-sw up") > ups, 20,
             lambda: "%s %s: no CHILD_SA\n%s\n--- charon\n%s" % (
                 role, suite, topo.logtext(), charon.logtext()))
    wait_for(lambda: "INSTALLED" in charon.list_sas(), 10,
             lambda: "%s %s: charon installs no CHILD_SA\n%s" % (role, suite,
                                                                  charon.list_sas()))
    sas = charon.list_sas()
    assert sw_ike in sas and sw_esp in sas, "%s %s: charon\n%s" % (role, suite, sas)
    s = clilib.Session(topo.port, netns=topo.gw)
    try:
        out = s.cmd("show security ike security-associations detail")
        assert "Role: %s" % role.capitalize() in out, out
        for name, want in zip(("Encryption", "Integrity", "Pseudo random function",
                               "Diffie-Hellman group"), ike_lines):
            assert any(line.split(":")[0].strip() == name and
                       line.split(":", 1)[1].strip() == want for line in out.splitlines()), \
                "%s %s: %s is not %s\n%s" % (role, suite, name, want, out)
        out = s.cmd("show security ipsec security-associations")
        assert esp_alg in out, "%s %s: %s\n%s" % (role, suite, esp_alg, out)
        got, pout = ping(topo.h1, SW_HOST, 2)
        assert got >= 1, "%s %s: ping through the tunnel: %s\ndrops %s\n%s" % (
            role, suite, pout, topo.telemetry("/gdoigw/drops"), topo.logtext())
        if role == "responder":
            out = s.cmd("clear security ike security-associations")
            assert "1 IKE security association cleared" in out, "%s: %s" % (suite, out)
    finally:
        s.close()
    if role == "initiator":
        reload_gdoigw(topo, suite)
    wait_for(lambda: charon.logtext(10 ** 7).count("received DELETE for IKE_SA") > deletes, 10,
             lambda: "%s %s: charon heard no delete\n%s" % (role, suite, charon.logtext()))
    wait_for(lambda: "ESTABLISHED" not in charon.list_sas(), 10,
             lambda: "%s %s: charon keeps the SA\n%s" % (role, suite, charon.list_sas()))


def test_ike_every_algorithm(algbed):
    """Each suite twice: charon initiates (gdoigw chooses from its proposal), then gdoigw
    initiates (charon chooses from gdoigw's)."""
    topo, charon = algbed
    for n, suite in enumerate(EXPECT):
        if n:
            reload_charon(charon, suite)
            reload_gdoigw(topo, suite)
        for role in ("responder", "initiator"):
            check_suite(topo, charon, suite, role)
    assert "reload of" not in full_log(topo.log_path)
