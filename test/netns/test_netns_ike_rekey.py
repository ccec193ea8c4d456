"""IKEv2 rekeys against strongSwan 5.9.8 under traffic, through the real binary: no
packet of a ping flood is lost across them. The topology, charon and the gdoigw
configuration are those of test_netns_ike.py (ikelib.py):

    h1 10.99.1.2 -- [gdoigw 10.99.1.1 | 10.99.2.1] -- h2 10.99.2.2 (charon) + 10.99.102.1

* gdoigw initiator, 30 s lifetimes on both sides (gdoigw's IKE SA and CHILD_SA, charon's
  rekey_time), PFS group 19: gdoigw rekeys its IKE SA (new SPIs, KE, the old SA deleted)
  and its CHILD_SAs with a KE (charon's ESP proposal names ecp256, so it insists on
  one); charon may rekey too (collisions are resolved by the lowest nonce).
* gdoigw responder, PFS group 31 (Curve25519): charon rekeys the IKE SA (~25 s) and the
  CHILD_SA (~12 s, with a KE) and gdoigw follows (its own lifetimes are longer).
* gdoigw initiator, PFS group 14, `lifetime-kilobytes 500` and no short lifetime in
  seconds: 1,200-octet pings 50 ms apart (~24 KB/s each way) make gdoigw rekey by
  traffic; the hard limit is never reached (nothing expires).
Each case is over a minute: marked slow. Skipped without strongSwan.
"""
import os
import shutil
import subprocess
import time

import pytest

import clilib
from ikelib import Charon, charon_bed, have_strongswan, gdoigw_security
from nslib import sh
from test_netns_ike import GW_WAN, SW, SW_NET, SW_HOST, H1_NET, IkeTopo

pytestmark = [pytest.mark.netns, pytest.mark.slow,
              pytest.mark.skipif(not have_strongswan(), reason="strongSwan not installed")]


@pytest.fixture
def rbed(tmp_path, request):
    """request.param: dict(role, gdoigw=dict of gdoigw_security's lifetimes / pfs,
    rekey=charon's (IKE, CHILD) rekey_time, esp_dh=charon's PFS group)."""
    p = request.param
    if not shutil.which("tcpdump"):
        pytest.skip("needs tcpdump")
    est = "immediately" if p["role"] == "initiator" else "responder-only"
    route = 'routing-options = { static = { route = ( { name = "%s"; next-hop = "%s"; } ); }; };\n' \
        % (SW_NET, SW)
    topo = IkeTopo(tmp_path, "rtc", extra_conf=route + gdoigw_security(
        "gcm", GW_WAN, SW, H1_NET, SW_NET, "ge-0/0/0", est, **p["gdoigw"]))
    charon = Charon(tmp_path, topo.h2, SW, GW_WAN, SW_NET, H1_NET, "gcm", p.get("rekey"),
                    p["esp_dh"])
    with charon_bed(topo, charon, SW_HOST):
        if p["role"] == "responder":
            r = charon.initiate()
            assert r.returncode == 0, r.stdout + r.stderr + charon.logtext()
        assert topo.wait_log("CHILD_SA to-sw up", 40), \
            "no CHILD_SA\n--- gdoigw\n%s\n--- charon\n%s" % (topo.logtext(), charon.logtext())
        yield topo, charon


def full_log(topo):
    with open(topo.log_path, errors="replace") as f:
        return f.read()


def ping_all(topo, count, interval, size=56):
    """count pings `interval` apart: the sequence numbers that got no reply."""
    r = sh("ping", "-c", str(count), "-i", str(interval), "-s", str(size), "-W", "2",
           SW_HOST, ns=topo.h1, check=False, timeout=count * interval + 60)
    seqs = {int(w.split("=")[1]) for w in r.stdout.split() if w.startswith("icmp_seq=")}
    return sorted(set(range(1, count + 1)) - seqs)


def statistics(topo):
    s = clilib.Session(topo.port, netns=topo.gw)
    try:
        detail = s.cmd("show security ike security-associations detail")
        stats = s.cmd("show security ike statistics")
        tunnels = s.cmd("show security ipsec security-associations")
    finally:
        s.close()
    counters = {}
    for line in stats.splitlines():
        w = line.split()
        if len(w) >= 2 and w[1].isdigit():
            counters[w[0]] = int(w[1])
    return detail, counters, tunnels


def check_after(topo, charon, log):
    """The tunnel still up on one CHILD_SA, nothing refused by mistake or expired."""
    detail, ctr, tunnels = statistics(topo)
    assert "Rekeys:" in detail, detail
    assert "Total active tunnels: 1" in tunnels.split("IKE-negotiated")[1], tunnels
    for name in ("drop_icv", "install_errors", "give_up", "no_proposal"):
        assert ctr.get(name, 0) == 0, "%s: %s\n%s" % (name, ctr, log[-6000:])
    assert " expired" not in log, log[-6000:]
    assert "INSTALLED" in charon.list_sas(), charon.logtext()
    return detail, ctr


GDOIGW_30S = dict(role="initiator", gdoigw=dict(ike_life=30, child_life=30, pfs="group19"),
                  rekey=(30, 30), esp_dh="ecp256")


@pytest.mark.parametrize("rbed", [pytest.param(GDOIGW_30S, id="gdoigw-30s-pfs19")],
                         indirect=True)
def test_rekeys_by_gdoigw(rbed):
    topo, charon = rbed
    lost = ping_all(topo, 700, 0.1)
    log = full_log(topo)
    assert "rekeying the IKE SA" in log and "IKE SA rekeyed: " in log, log[-8000:]
    assert log.count("rekeyed: new") + log.count("rekeyed by the peer: new") >= 2, log[-8000:]
    assert "(PFS)" in log, log[-8000:]
    assert lost == [], "%d of 700 echoes lost across the rekeys: %s\n%s" % (
        len(lost), lost, log[-8000:])
    # the old IKE SA was deleted by gdoigw under its old keys: charon heard it
    assert "received DELETE for IKE_SA" in charon.logtext(10000000), charon.logtext()
    detail, ctr = check_after(topo, charon, log)
    assert ctr["ike_rekeys"] >= 2 and ctr["child_rekeys"] >= 2, ctr


STRONGSWAN_REKEYS = dict(role="responder",
                         gdoigw=dict(ike_life=120, child_life=120, pfs="group31"),
                         rekey=(25, 12), esp_dh="curve25519")


@pytest.mark.parametrize("rbed", [pytest.param(STRONGSWAN_REKEYS, id="strongswan-pfs31")],
                         indirect=True)
def test_rekeys_by_strongswan(rbed):
    topo, charon = rbed
    lost = ping_all(topo, 550, 0.1)
    log = full_log(topo)
    assert "IKE SA rekeyed by the peer" in log, log[-8000:] + charon.logtext()
    assert "removed (rekeyed and deleted by the peer)" in log, log[-8000:]
    assert log.count("rekeyed by the peer: new") >= 3, log[-8000:]
    assert "(PFS)" in log, log[-8000:]
    assert lost == [], "%d of 550 echoes lost across the rekeys: %s\n%s" % (
        len(lost), lost, log[-8000:])
    check_after(topo, charon, log)


KILOBYTES = dict(role="initiator", gdoigw=dict(child_kb=500, pfs="group14"),
                 esp_dh="modp2048")


@pytest.mark.parametrize("rbed", [pytest.param(KILOBYTES, id="kilobytes-pfs14")],
                         indirect=True)
def test_rekey_by_kilobytes(rbed):
    topo, charon = rbed
    lost = ping_all(topo, 800, 0.05, size=1200)
    log = full_log(topo)
    # lifetimes in seconds are an hour: every rekey here came from the kilobytes
    assert log.count("rekeyed: new") >= 1, \
        log[-8000:]
    assert lost == [], "%d of 800 echoes lost across the rekeys: %s\n%s" % (
        len(lost), lost, log[-8000:])
    check_after(topo, charon, log)
    # the Life column counts the kilobytes left
    tunnels = statistics(topo)[2].split("IKE-negotiated")[1]
    assert "unlim" not in tunnels, tunnels
