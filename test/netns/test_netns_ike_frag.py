"""IKE fragmentation (RFC 7383) against strongSwan 5.9.8, through the real binary: gdoigw
as initiator and as responder, both authenticating with RSA 4096 certificates (so that
IKE_AUTH exceeds both sides' fragmentation size: gdoigw's default 576 octets, charon's
1280) and charon configured with `fragmentation = force`.

    h1 10.99.1.2 -- [gdoigw 10.99.1.1 | 10.99.2.1] -- h2 10.99.2.2 (charon) + 10.99.102.1 (lo)

The topology, charon and the certificate configuration are test_netns_ike_cert.py's; the
CA and the end entities here are RSA 4096, made by strongSwan's pki. Checked: both sides
announce IKEV2_FRAGMENTATION_SUPPORTED, gdoigw sends IKE_AUTH as SKF fragments (counter
frag_tx, charon logs the reassembly) and reassembles charon's (frag_reassembled, charon
logs that it fragmented), tshark sees Encrypted Fragment payloads (type 53) both ways on
the wire, and h1 pings 10.99.102.1 through the tunnel. Skipped without strongSwan, its pki,
tcpdump or tshark.

PMTU discovery (RFC 7383 2.5.2, lib/ike/ike_frag_pmtu.c): h2's eth0 stands for a hop of
small MTU that says nothing (nftables on its ingress drops the IPv4 packets from gdoigw
longer than 1000 octets, no ICMP goes back) and gdoigw has `fragmentation size 1300`: its
IKE_AUTH fragments (the request as initiator, the response charon asks for again as
responder) are lost, sent again smaller (counter frag_pmtu_shrinks) until they pass, and
the tunnel comes up; before, no SA came up. And with an ICMP fragmentation-needed (MTU
1000, sent by the test from h2 quoting an IKE datagram of gdoigw's) before charon
initiates: gdoigw's kernel learns the path MTU through the exception path, and gdoigw's
IKE_AUTH response goes in fragments of at most 1000 octets at once (none dropped, no
shrink, and no IP fragment on the wire: before, the kernel cut the 1300-octet ones).
"""
import re
import os
import shutil
import subprocess
import time

import pytest

from ikelib import charon_bed, have_strongswan
from nslib import sh
from test_netns_ike import IkeTopo, ping
from test_netns_ike_cert import CertCharon, counters, gdoigw_cert_security, logs, pki

pytestmark = [pytest.mark.netns,
              pytest.mark.skipif(not have_strongswan() or shutil.which("pki") is None or
                                 shutil.which("tshark") is None or
                                 shutil.which("tcpdump") is None,
                                 reason="strongSwan (charon, swanctl, pki), tcpdump or tshark "
                                        "not installed")]

GW_WAN, SW = "10.99.2.1", "10.99.2.2"
SW_NET, SW_HOST = "10.99.102.0/24", "10.99.102.1"
DN = "C=CH, O=gdoigw test, CN=%s"


@pytest.fixture(scope="module")
def certs4096(tmp_path_factory):
    """An RSA 4096 CA and end entities a.test / b.test, laid out as test_netns_ike_cert's
    `certs` (kind "rsa"; its ECDSA CA slot holds the same CA: charon loads both)."""
    d = tmp_path_factory.mktemp("pki4096")
    path = lambda name: str(d / name)

    def save(name, data):
        with open(path(name), "wb") as f:
            f.write(data)

    save("rsa-ca.key", pki("--gen", "--type", "rsa", "--size", "4096", "--outform", "pem"))
    save("rsa-ca.pem", pki("--self", "--ca", "--lifetime", "30", "--in", path("rsa-ca.key"),
                           "--dn", DN % "RSA4096 CA", "--outform", "pem"))
    for who in ("a", "b"):
        save("rsa-%s.key" % who, pki("--gen", "--type", "rsa", "--size", "4096",
                                     "--outform", "pem"))
        save("rsa-%s.pem" % who, pki("--issue", "--cacert", path("rsa-ca.pem"), "--cakey",
                                     path("rsa-ca.key"), "--type", "priv", "--in",
                                     path("rsa-%s.key" % who), "--dn", DN % (who + ".test"),
                                     "--san", who + ".test", "--lifetime", "30",
                                     "--outform", "pem"))
    shutil.copy(path("rsa-ca.pem"), path("ecdsa-ca.pem"))
    os.makedirs(path("gw-ca"))
    shutil.copy(path("rsa-ca.pem"), path("gw-ca"))
    return d


class FragCharon(CertCharon):
    """test_netns_ike_cert's charon with `fragmentation = force`; quick: its first
    retransmission after 1 s, not 4 (gdoigw as responder is asked again sooner)."""

    quick = False

    def write(self):
        super().write()
        if self.quick:
            with open(self.conf) as f:
                text = f.read()
            assert "  retransmit_tries = 3\n" in text
            with open(self.conf, "w") as f:
                f.write(text.replace("  retransmit_tries = 3\n", "  retransmit_tries = 4\n"
                                     "  retransmit_timeout = 1\n  retransmit_base = 1.5\n", 1))
        with open(self.swanctl) as f:
            text = f.read()
        assert "    version = 2\n" in text
        with open(self.swanctl, "w") as f:
            f.write(text.replace("    version = 2\n",
                                 "    version = 2\n    fragmentation = force\n", 1))


HOP_MTU = 1000      # the silent hop's: longer IP packets from gdoigw are dropped
HOP_TABLE = """table netdev gwt_hop {
  chain in {
    type filter hook ingress device "eth0" priority 0; policy accept;
    ip saddr %s ip length > %d counter drop
  }
}
"""


def hop_dropped(ns):
    """Packets the silent hop dropped (its nftables counter)."""
    out = sh("nft", "list", "table", "netdev", "gwt_hop", ns=ns).stdout
    return int(re.search(r"counter packets (\d+)", out).group(1))


@pytest.fixture
def bed(tmp_path, certs4096, request):
    """request.param: the role, or (role, "hop"): through the silent hop, gdoigw with
    `fragmentation size 1300`."""
    role, hop = (request.param, None) if isinstance(request.param, str) else request.param
    est = "immediately" if role == "initiator" else "responder-only"
    route = ('routing-options = { static = { route = ( { name = "%s"; next-hop = "%s"; } ); '
             '}; };\n' % (SW_NET, SW))
    security = gdoigw_cert_security(certs4096, "rsa", "hostname", est)
    if hop:
        assert "dead-peer-detection = {" in security
        security = security.replace("dead-peer-detection = {", "fragmentation = { size = 1300; };"
                                    " dead-peer-detection = {", 1)
    topo = IkeTopo(tmp_path, "rtc", extra_conf=route + security)
    charon = FragCharon(tmp_path, topo.h2, certs4096, "rsa", "hostname")
    charon.quick = hop is not None

    def silent_hop():
        table = os.path.join(str(tmp_path), "hop.nft")
        with open(table, "w") as f:
            f.write(HOP_TABLE % (GW_WAN, HOP_MTU))
        sh("nft", "-f", table, ns=topo.h2)

    pcap = os.path.join(str(tmp_path), "wire.pcap")
    with charon_bed(topo, charon, SW_HOST, pcap, setup=silent_hop if hop else None) \
            as topo.capture:
        yield topo, charon, role, pcap


def skf_senders(pcap):
    """Source addresses of the IKE messages whose first payload is SKF (53), per tshark."""
    r = subprocess.run(["tshark", "-r", pcap, "-o", "udp.try_heuristic_first:TRUE",
                        "-Y", "isakmp.nextpayload == 53", "-T", "fields", "-e", "ip.src",
                        "-e", "_ws.malformed"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    rows = [x.split("\t") for x in r.stdout.splitlines() if x.strip()]
    assert not [row for row in rows if len(row) > 1 and row[1]], "malformed SKF: %r" % rows
    return [row[0] for row in rows]


def tunnel_up(topo, charon, role):
    """charon initiates if gdoigw is the responder; the tunnel comes up and pings: the
    gateway's IKE counters."""
    if role == "responder":
        r = charon.initiate()
        assert r.returncode == 0, "swanctl --initiate: %s%s\n%s" % (r.stdout, r.stderr,
                                                                    logs(topo, charon))
    assert topo.wait_log("CHILD_SA to-sw up", 60), "no CHILD_SA\n" + logs(topo, charon)
    got, out = ping(topo.h1, SW_HOST, 5)
    assert got >= 4, "ping through the tunnel: %s\n%s" % (out, logs(topo, charon))
    c = counters(topo)
    return c


@pytest.mark.parametrize("bed", ["initiator", "responder"], indirect=True)
def test_ike_fragmentation_strongswan(bed):
    topo, charon, role, pcap = bed
    c = tunnel_up(topo, charon, role)
    assert c["frag_tx"] >= 2, c
    assert c["frag_rx"] >= 2 and c["frag_reassembled"] >= 1, c
    assert c["frag_drop_icv"] == 0 and c["frag_drop_num"] == 0, c
    clog = charon.logtext(1000000)
    assert "reassembled fragmented IKE message" in clog, clog
    assert "splitting IKE message" in clog, clog
    topo.capture.finish()
    senders = skf_senders(pcap)
    assert GW_WAN in senders and SW in senders, "SKF senders: %r" % senders


@pytest.mark.parametrize("bed", [("initiator", "hop"), ("responder", "hop")], indirect=True)
def test_ike_fragmentation_silent_hop(bed):
    """RSA 4096 IKE_AUTH through a hop that drops IP packets over 1000 octets without
    ICMP: gdoigw's fragments of 1300 octets are lost, those sent again smaller pass."""
    topo, charon, role, pcap = bed
    c = tunnel_up(topo, charon, role)
    assert c["frag_pmtu_shrinks"] >= 1, c
    assert c["frag_drop_icv"] == 0 and c["frag_drop_num"] == 0, c
    assert hop_dropped(topo.h2) >= 1
    assert topo.wait_log("fragments of at most 576 octets", 1), topo.logtext()


ICMP_FRAG_NEEDED = """
from scapy.all import ICMP, IP, UDP, Raw, send
quoted = IP(src="%(gw)s", dst="%(sw)s", flags="DF", len=1300) / UDP(sport=500, dport=500)
send(IP(src="%(sw)s", dst="%(gw)s") / ICMP(type=3, code=4, nexthopmtu=%(mtu)d) /
     Raw(bytes(quoted)[:28]), verbose=False)
"""


@pytest.mark.parametrize("bed", [("responder", "hop")], indirect=True)
def test_ike_fragmentation_icmp_path_mtu(bed):
    """The hop says so (ICMP fragmentation-needed, MTU 1000) before charon initiates:
    gdoigw's IKE_AUTH response leaves in fragments that fit, nothing is lost."""
    topo, charon, role, pcap = bed
    code = ICMP_FRAG_NEEDED % dict(gw=GW_WAN, sw=SW, mtu=HOP_MTU)
    deadline = time.monotonic() + 10
    route = ""
    while "mtu %d" % HOP_MTU not in route and time.monotonic() < deadline:
        sh("/usr/bin/python3", "-c", code, ns=topo.h2)
        time.sleep(0.3)
        route = sh("ip", "-n", topo.gw, "route", "get", SW).stdout
    assert "mtu %d" % HOP_MTU in route, "the gateway's kernel did not learn it: " + route
    c = tunnel_up(topo, charon, role)
    assert c["frag_tx"] >= 2 and c["frag_pmtu_shrinks"] == 0, c
    assert hop_dropped(topo.h2) == 0
    topo.capture.finish()
    r = subprocess.run(["tshark", "-r", pcap, "-Y", "ip.src == %s && (ip.flags.mf == 1 || "
                        "ip.frag_offset > 0)" % GW_WAN, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [], "IP fragments from gdoigw: frames %s" % r.stdout.split()
