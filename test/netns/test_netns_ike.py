"""IKEv2 against strongSwan 5.9.8: gdoigw as initiator and as responder, PSK, an AES-GCM
and an AES-CBC + HMAC-SHA-256 suite, through the real binary.

    h1 10.99.1.2 -- [gdoigw 10.99.1.1 | 10.99.2.1] -- h2 10.99.2.2 (charon) + 10.99.102.1 (lo)

charon (kernel-libipsec, test/netns/ikelib.py) protects 10.99.102.0/24 (an address on
h2's lo), gdoigw protects 10.99.1.0/24 (vpn "to-sw", bind-interface ge-0/0/0). charon
forces UDP encapsulation, so gdoigw must detect the "NAT", float IKE to 4500 and install
ESP-in-UDP SAs. For each case: the tunnel comes up (gdoigw's log and `swanctl
--list-sas`), h1 pings 10.99.102.1 and moves 10 MB over TCP to it intact (1 MB in the
cases other than initiator-gcm: the same SAs and path), the capture on
h2's wire holds no cleartext between the protected networks (only ESP in UDP 4500), and
tshark dissects every IKE message without a malformed or error mark, the SK payloads
decrypted with the IKE keys gdoigw logs at debug level (ikelib.tshark_ike_check), and
decrypts the ESP with the ESP keys it logs; the CLI shows
the IKE SA (detail: peer id, NAT-T), the tunnel and the counters; stopping gdoigw sends
the INFORMATIONAL delete charon reports. As initiator, `clear security ike
security-associations` deletes the SA (charon hears of it) and establish-tunnels
immediately brings the tunnel back, traffic passing again. Skipped when strongSwan (charon, swanctl, kernel-libipsec) is not installed.
"""
import os
import shutil
import subprocess
import time

import pytest

import clilib
from ikelib import Charon, charon_bed, have_strongswan, gdoigw_security, tshark_ike_check
# CLIENT, SERVER: imported from here by other files
from tcpcheck import CLIENT, SERVER, TCP_BYTES, tcp_transfer  # noqa: F401
from nslib import NetnsTopo, sh

pytestmark = [pytest.mark.netns,
              pytest.mark.skipif(not have_strongswan(), reason="strongSwan not installed")]

GW_WAN, SW = "10.99.2.1", "10.99.2.2"
SW_NET, SW_HOST = "10.99.102.0/24", "10.99.102.1"
H1_NET = "10.99.1.0/24"


def ping(ns, dst, count=3):
    r = sh("ping", "-c", str(count), "-i", "0.3", "-W", "2", dst, ns=ns, check=False,
           timeout=30)
    return r.stdout.count("bytes from"), r.stdout


def tcp_10mb(topo, host=SW_HOST, nbytes=TCP_BYTES):
    """`nbytes` (10 MB by default) from h1 to `host` on h2 (IPv4 or IPv6) arrive intact."""
    tcp_transfer(topo.h1, topo.h2, host, nbytes, topo.logtext)


def tshark_check(pcap):
    """Every IKE message dissects (isakmp) without malformed / error expert marks."""
    r = subprocess.run(["tshark", "-r", pcap, "-o", "udp.try_heuristic_first:TRUE",
                        "-Y", "isakmp", "-T", "fields", "-e", "frame.number",
                        "-e", "isakmp.exchangetype", "-e", "_ws.malformed",
                        "-e", "_ws.expert.severity"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines() if line.strip()]
    assert len(rows) >= 4, "IKE messages seen by tshark: %r" % r.stdout
    bad = [row for row in rows if (len(row) > 2 and row[2]) or
           (len(row) > 3 and row[3] and int(row[3].split(",")[0]) >= 0x00800000)]
    assert not bad, "tshark marks IKE messages malformed: %r" % bad
    return rows


TSHARK_ENC = {"aes-128-gcm": "AES-GCM with 16 octet ICV [RFC4106]",
              "aes-256-cbc": "AES-CBC [RFC3602]"}
TSHARK_AUTH = {"none": "NULL", "hmac-sha-256-128": "HMAC-SHA-256-128 [RFC4868]"}


def tshark_decrypts(pcap, log, outer="IPv4"):
    """tshark decrypts the tunnel's ESP (both directions, `outer` IPv4 or IPv6) with the
    keys gdoigw logged at debug level; returns the decrypted ICMP echo requests and
    replies."""
    args = ["-o", "esp.enable_encryption_decode:TRUE",
            "-o", "esp.enable_authentication_check:TRUE"]
    for line in log.splitlines():
        if "ESP key: spi" not in line:
            continue
        w = line.split("ESP key: ")[1].split()
        spi, cipher, ekey, auth, akey = w[1], w[4], w[6], w[8], w[10]
        args += ["-o", 'uat:esp_sa:"%s","*","*","%s","%s","%s","%s","%s"' % (
            outer, spi, TSHARK_ENC[cipher], ekey, TSHARK_AUTH[auth], "" if akey == "0x-" else akey)]
    assert len(args) > 4, "no ESP keys in the log"
    r = subprocess.run(["tshark", "-r", pcap, *args, "-Y", "esp && icmp", "-T", "fields",
                        "-e", "icmp.type", "-e", "esp.icv_good"],
                       capture_output=True, text=True, timeout=120)
    rows = [x.split("\t") for x in r.stdout.splitlines() if x.strip()]
    return [row[0] for row in rows if row[0] == "8"], [row[0] for row in rows if row[0] == "0"]


def cleartext_between(pcap):
    r = subprocess.run(["tshark", "-r", pcap, "-Y",
                        "ip.src==10.99.1.0/24 || ip.dst==10.99.1.0/24", "-T", "fields",
                        "-e", "frame.number"], capture_output=True, text=True, timeout=60)
    return [x for x in r.stdout.split() if x]


class IkeTopo(NetnsTopo):
    """The namespace topology with the CLI on a port of its own."""

    def __init__(self, workdir, layout, extra_conf):
        super().__init__(workdir, layout, extra_conf)
        self.port = clilib.free_port()

    service_set = False

    def config(self):
        # ike at debug level: the ESP keys for tshark (lib/ike/ike_child.c log_keys)
        text = clilib.with_cli(super().config(), self.port).replace(
            "system = {", 'system = {\n  traceoptions = { level = "all"; flag = [ "ike" ]; };', 1)
        if self.service_set:
            # the vpn bound the Junos way: a service set applied to ge-0/0/0's input
            text = text.replace('address = [ "10.99.1.1/24" ];', 'address = [ "10.99.1.1/24" ]; '
                                'service = { input = { service-set = "ss-sw"; }; };', 1)
            text = text.replace('bind-interface = "ge-0/0/0";', "", 1)
            text += 'services = { service-set = ( { name = "ss-sw"; ' \
                    'ipsec-vpn-rules = [ "to-sw" ]; } ); };\n'
        return text


def check_cli(topo, suite):
    """show/clear through the real CLI (telnet in the gateway's namespace)."""
    s = clilib.Session(topo.port, netns=topo.gw)
    try:
        out = s.cmd("show security ike security-associations")
        assert "UP" in out and SW in out, out
        out = s.cmd("show security ike security-associations detail")
        assert "Peer ike-id: b.test" in out and "NAT traversal: yes" in out, out
        out = s.cmd("show security ipsec security-associations")
        assert "ESP:aes-%s" % ("gcm-128" if suite == "gcm" else "cbc-256") in out, out
        out = s.cmd("show security ike statistics")
        assert "child_up" in out and "drop_icv" in out, out
    finally:
        s.close()


def cli(topo, *lines):
    """The CLI's answers to `lines`, one session."""
    s = clilib.Session(topo.port, netns=topo.gw)
    try:
        return [s.cmd(line) for line in lines]
    finally:
        s.close()


def clear_and_back(topo, charon):
    """clear deletes the IKE SA (the peer hears of it); establish-tunnels immediately
    brings the tunnel back."""
    s = clilib.Session(topo.port, netns=topo.gw)
    try:
        out = s.cmd("clear security ike security-associations")
        assert "1 IKE security association cleared" in out, out
    finally:
        s.close()
    deadline = time.monotonic() + 40
    while topo.logtext().count("CHILD_SA to-sw up") < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert topo.logtext().count("CHILD_SA to-sw up") >= 2, topo.logtext()
    assert "received DELETE for IKE_SA" in charon.logtext(1000000), charon.logtext()


@pytest.fixture
def bed(tmp_path, request):
    role, suite = request.param[:2]
    rekey = request.param[2] if len(request.param) > 2 else None
    child_life = request.param[3] if len(request.param) > 3 else None
    service_set = len(request.param) > 4 and request.param[4] == "service-set"
    if not shutil.which("tcpdump") or not shutil.which("tshark"):
        pytest.skip("needs tcpdump and tshark")
    est = "immediately" if role == "initiator" else "responder-only"
    # the protected remote net needs a route (the protect term is matched after routing)
    route = 'routing-options = { static = { route = ( { name = "%s"; next-hop = "%s"; } ); }; };\n' \
        % (SW_NET, SW)
    topo = IkeTopo(tmp_path, "rtc", extra_conf=route + gdoigw_security(
        suite, GW_WAN, SW, H1_NET, SW_NET, "ge-0/0/0", est, child_life))
    topo.service_set = service_set
    charon = Charon(tmp_path, topo.h2, SW, GW_WAN, SW_NET, H1_NET, suite, rekey)
    pcap = os.path.join(str(tmp_path), "wire.pcap")
    with charon_bed(topo, charon, SW_HOST, pcap, "udp or icmp or tcp") as topo.capture:
        yield topo, charon, role, suite, pcap


CASES = [pytest.param((r, s), id="%s-%s" % (r, s))
         for r in ("initiator", "responder") for s in ("gcm", "cbc")]


@pytest.mark.parametrize("bed", CASES, indirect=True)
def test_ike_strongswan(bed):
    topo, charon, role, suite, pcap = bed
    if role == "responder":
        r = charon.initiate()
        assert r.returncode == 0, "swanctl --initiate: %s%s\n%s\n%s" % (
            r.stdout, r.stderr, charon.logtext(), topo.logtext())
    assert topo.wait_log("CHILD_SA to-sw up", 40), \
        "no CHILD_SA\n--- gdoigw\n%s\n--- charon\n%s" % (topo.logtext(), charon.logtext())
    deadline = time.monotonic() + 20
    while "INSTALLED" not in charon.list_sas() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "INSTALLED" in charon.list_sas(), charon.logtext()
    got, out = ping(topo.h1, SW_HOST, 5)
    assert got >= 4, "ping through the tunnel: %s\ndrops %s\n--- gdoigw\n%s\n--- charon\n%s" \
        % (out, topo.telemetry("/gdoigw/drops"), topo.logtext(), charon.logtext()[-3000:])
    # 10 MB in each role and suite: the proof against strongSwan
    tcp_10mb(topo)
    topo.capture.finish()
    rows = tshark_check(pcap)
    assert any(row[1] == "34" for row in rows) and any(row[1] == "35" for row in rows)
    assert cleartext_between(pcap) == [], "cleartext of the protected nets on the wire"
    with open(topo.log_path, errors="replace") as f:
        log = f.read()
    # the SK payloads too, with the IKE keys gdoigw logged: IDs and AUTH both ways
    ike = tshark_ike_check(pcap, log)
    assert len([x for x in ike.values() if x["exch"] == 35 and x["auth"] and x["id"]]) >= 2, ike
    requests, replies = tshark_decrypts(pcap, log)
    assert len(requests) >= 4 and len(replies) >= 4, (requests, replies)
    check_cli(topo, suite)
    if role == "initiator":
        clear_and_back(topo, charon)
        got, out = ping(topo.h1, SW_HOST, 3)
        assert got >= 2, "ping after the tunnel came back: %s\n%s" % (out, topo.logtext())
    # RFC 7296 1.4.1: a stopping gateway deletes its IKE SA; the peer hears of it
    topo.stop()
    deadline = time.monotonic() + 10
    while "received DELETE for IKE_SA" not in charon.logtext(100000) and \
            time.monotonic() < deadline:
        time.sleep(0.3)
    assert "received DELETE for IKE_SA" in charon.logtext(100000), charon.logtext()


@pytest.mark.parametrize("bed", [pytest.param(("initiator", "gcm"), id="initiator-gcm")],
                         indirect=True)
def test_ike_dpd_dead_peer(bed):
    """charon killed (SIGKILL: no delete) while h1 keeps pinging through the tunnel:
    optimized DPD (the default; interval 5 s, threshold 3) sees ESP going out and nothing
    coming back, probes, declares the peer dead, the SAs and terms go away; charon
    restarted: the tunnel comes back (establish-tunnels immediately) and carries
    traffic."""
    topo, charon, role, suite, pcap = bed
    assert topo.wait_log("CHILD_SA to-sw up", 40), topo.logtext()
    got, out = ping(topo.h1, SW_HOST, 3)
    assert got >= 2, out
    out, = cli(topo, "show security ike security-associations detail")
    assert "DPD: mode optimized, interval 5 s, threshold 3" in out, out
    charon.kill()
    # optimized: an idle tunnel is never probed, one with traffic out and nothing back is
    flow = subprocess.Popen(["ip", "netns", "exec", topo.h1, "ping", "-i", "0.5", "-W", "1",
                             "-w", "60", SW_HOST], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert topo.wait_log("dead (DPD)", 60), topo.logtext()
    finally:
        flow.kill()
        flow.wait()
    out, sas = cli(topo, "show security ike statistics",
                   "show security ipsec security-associations")
    assert any(line.split()[:2] == ["dpd_dead", "1"] for line in out.splitlines()), out
    probes = [w for w in map(str.split, out.splitlines()) if w[:1] == ["dpd_probes"]]
    assert probes and int(probes[0][1]) >= 1, out
    assert "Total active tunnels: 0" in sas.split("IKE-negotiated")[1], sas
    # nothing protected any more: pings do not reach (no SA, no term, route in clear
    # to a host that no longer has charon's reply path) -- then charon comes back
    charon.start()
    deadline = time.monotonic() + 90
    while topo.logtext().count("CHILD_SA to-sw up") < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert topo.logtext().count("CHILD_SA to-sw up") >= 2, topo.logtext()
    got, out = ping(topo.h1, SW_HOST, 3)
    assert got >= 2, "after charon's restart: %s" % out


@pytest.mark.parametrize("bed", [pytest.param(("initiator", "gcm", (26, 12)), id="rekeys")],
                         indirect=True)
def test_ike_rekeys_by_peer(bed):
    """charon rekeys the CHILD_SA (every ~12 s) and the IKE SA (~26 s) under a ping
    flood of 10 per second: gdoigw answers CREATE_CHILD_SA (new pair next to the old,
    make-before-break, old pair removed on charon's delete) and the IKE rekey (new SPIs
    and keys, children kept, the old SA's delete answered under its old keys). No
    packet is lost across the rekeys. tshark decrypts every IKE message, before and after
    the IKE rekey (the new SPIs' keys are logged too)."""
    topo, charon, role, suite, pcap = bed
    assert topo.wait_log("CHILD_SA to-sw up", 40), topo.logtext()
    r = sh("ping", "-c", "350", "-i", "0.1", "-W", "2", SW_HOST, ns=topo.h1, check=False,
           timeout=90)
    got = r.stdout.count("bytes from")
    log = topo.logtext()
    assert log.count("rekeyed by the peer: new") >= 2, log
    assert "IKE SA rekeyed by the peer" in log, log + charon.logtext()
    assert "removed (rekeyed and deleted by the peer)" in log, log
    seqs = {int(w.split("=")[1]) for w in r.stdout.split() if w.startswith("icmp_seq=")}
    lost = sorted(set(range(1, 351)) - seqs)
    assert got == 350, "%d of 350 echoes across the rekeys; lost %s\n%s" % (got, lost, log)
    # tshark decrypts every IKE message, the rekeyed IKE SA's too (its new keys logged)
    topo.capture.finish()
    with open(topo.log_path, errors="replace") as f:
        ike = tshark_ike_check(pcap, f.read())
    assert sum(x["exch"] == 36 for x in ike.values()) >= 4, ike
    # the tunnel still works on the rekeyed IKE SA: a DPD exchange and the CLI
    s = clilib.Session(topo.port, netns=topo.gw)
    try:
        out = s.cmd("show security ipsec security-associations")
        assert "Total active tunnels: 1" in out.split("IKE-negotiated")[1], out
    finally:
        s.close()


@pytest.mark.slow	# long mode: test_netns_ike_rekey.py and the ike-rekey unit test cover it too
@pytest.mark.parametrize("bed", [pytest.param(("responder", "cbc", None, 30), id="own-rekey")],
                         indirect=True)
def test_ike_rekeys_by_gdoigw(bed):
    """gdoigw's CHILD_SA lifetime is 30 s: at its soft lifetime (80-90 %, jittered) gdoigw
    rekeys (CREATE_CHILD_SA with REKEY_SA), installs the new pair, deletes the old one
    with an INFORMATIONAL; charon follows. 450 pings 0.1 s apart: none is lost."""
    topo, charon, role, suite, pcap = bed
    r = charon.initiate()
    assert r.returncode == 0, r.stdout + r.stderr
    assert topo.wait_log("CHILD_SA to-sw up", 40), topo.logtext()
    r = sh("ping", "-c", "450", "-i", "0.1", "-W", "2", SW_HOST, ns=topo.h1, check=False,
           timeout=120)
    got = r.stdout.count("bytes from")
    log = topo.logtext()
    assert "rekeyed: new" in log, log
    assert "received DELETE for ESP CHILD_SA" in charon.logtext(1000000), charon.logtext()
    seqs = {int(w.split("=")[1]) for w in r.stdout.split() if w.startswith("icmp_seq=")}
    lost = sorted(set(range(1, 451)) - seqs)
    assert got == 450, "%d of 450 echoes across gdoigw's rekey; lost %s\n%s" % (got, lost, log)


@pytest.mark.parametrize("bed", [pytest.param(("responder", "gcm", None, None, "service-set"),
                                              id="service-set")], indirect=True)
def test_ike_service_set(bed):
    """The vpn has no bind-interface: `services service-set ss-sw ipsec-vpn-rules to-sw`
    applied by ge-0/0/0's `family inet service input service-set` binds it there. charon
    initiates, the tunnel comes up and h1's pings go through it, none in clear on h2's
    wire."""
    topo, charon, role, suite, pcap = bed
    with open(os.path.join(topo.workdir, "gw.conf")) as f:
        conf = f.read()
    assert "bind-interface" not in conf and "ss-sw" in conf, conf
    r = charon.initiate()
    assert r.returncode == 0, "swanctl --initiate: %s%s\n%s" % (r.stdout, r.stderr,
                                                                topo.logtext())
    assert topo.wait_log("CHILD_SA to-sw up", 40), topo.logtext()
    got, out = ping(topo.h1, SW_HOST, 5)
    assert got >= 4, "ping through the service-set-bound tunnel: %s\n%s" % (out,
                                                                           topo.logtext())
    topo.capture.finish()
    assert cleartext_between(pcap) == [], "the pings went in clear: the vpn is not bound"
