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
"""
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
    """test_netns_ike_cert's charon with `fragmentation = force`."""

    def write(self):
        super().write()
        with open(self.swanctl) as f:
            text = f.read()
        assert "    version = 2\n" in text
        with open(self.swanctl, "w") as f:
            f.write(text.replace("    version = 2\n",
                                 "    version = 2\n    fragmentation = force\n", 1))


@pytest.fixture
def bed(tmp_path, certs4096, request):
    role = request.param
    est = "immediately" if role == "initiator" else "responder-only"
    route = ('routing-options = { static = { route = ( { name = "%s"; next-hop = "%s"; } ); '
             '}; };\n' % (SW_NET, SW))
    topo = IkeTopo(tmp_path, "rtc", extra_conf=route + gdoigw_cert_security(
        certs4096, "rsa", "hostname", est))
    charon = FragCharon(tmp_path, topo.h2, certs4096, "rsa", "hostname")
    pcap = os.path.join(str(tmp_path), "wire.pcap")
    with charon_bed(topo, charon, SW_HOST, pcap) as topo.capture:
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


@pytest.mark.parametrize("bed", ["initiator", "responder"], indirect=True)
def test_ike_fragmentation_strongswan(bed):
    topo, charon, role, pcap = bed
    if role == "responder":
        r = charon.initiate()
        assert r.returncode == 0, "swanctl --initiate: %s%s\n%s" % (r.stdout, r.stderr,
                                                                    logs(topo, charon))
    assert topo.wait_log("CHILD_SA to-sw up", 60), "no CHILD_SA\n" + logs(topo, charon)
    got, out = ping(topo.h1, SW_HOST, 5)
    assert got >= 4, "ping through the tunnel: %s\n%s" % (out, logs(topo, charon))
    c = counters(topo)
    assert c["frag_tx"] >= 2, c
    assert c["frag_rx"] >= 2 and c["frag_reassembled"] >= 1, c
    assert c["frag_drop_icv"] == 0 and c["frag_drop_num"] == 0, c
    clog = charon.logtext(1000000)
    assert "reassembled fragmented IKE message" in clog, clog
    assert "splitting IKE message" in clog, clog
    topo.capture.finish()
    senders = skf_senders(pcap)
    assert GW_WAN in senders and SW in senders, "SKF senders: %r" % senders
