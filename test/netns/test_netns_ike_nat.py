"""IKEv2 NAT traversal through a real NAT (nftables in a namespace) against strongSwan
5.9.8, through the real binary: NAT keepalives from gdoigw when it is behind the NAT, and
gdoigw following charon when charon's NAT mapping changes (RFC 7296 2.23).

    h1 10.99.1.2 -- [gdoigw 10.99.1.1 | 10.99.2.1] -- 10.99.2.2 h2 (NAT) 10.99.3.1
                                                        -- 10.99.3.2 h3 (charon) + 10.99.102.1

The topology is test_netns_ike.py's with charon moved one hop further, into a namespace
h3 of this test's own; h2 routes and translates with nftables (Debian's nftables and
conntrack packages):

* "gdoigw behind the NAT" (gdoigw initiates to 10.99.2.2, which h2 DNATs to charon and
  masquerades to 10.99.3.1): charon's NAT_DETECTION_DESTINATION_IP does not match gdoigw's
  address, so gdoigw sends NAT keepalives (one 0xFF octet, RFC 3948 4) every
  `nat-keepalive` seconds (2 here) on UDP 4500 while it sends nothing else; the capture on
  h3 sees them from 10.99.3.1, the counter nat_keepalives counts them, the tunnel pings.
* "charon behind the NAT" (charon initiates; h2 masquerades it to 10.99.2.2 with random
  ports): gdoigw's ESP goes from 4500 to the port charon's NAT gave it (not 4500); then
  h2's conntrack table is flushed, charon's next packets get a new port, and gdoigw
  follows on charon's next authenticated message (its DPD): IKE answers and, through a
  CHILD_SA rekey, ESP go to the new port (counter nat_peer_moved, log "peer moved"),
  and pings pass again.

Skipped without strongSwan, nft, conntrack or tcpdump.
"""
import os
import shutil
import subprocess
import time

import pytest

from ikelib import Capture, Charon, have_strongswan, gdoigw_security, stop_bed
from nslib import sh
from test_netns_ike import IkeTopo, ping
from test_netns_ike_cert import counters

pytestmark = [pytest.mark.netns,
              pytest.mark.skipif(not have_strongswan() or not shutil.which("nft") or
                                 not shutil.which("conntrack") or not shutil.which("tcpdump"),
                                 reason="strongSwan, nft, conntrack or tcpdump not installed")]

GW_WAN, NAT_OUT, NAT_IN, SW = "10.99.2.1", "10.99.2.2", "10.99.3.1", "10.99.3.2"
SW_NET, SW_HOST = "10.99.102.0/24", "10.99.102.1"
H1_NET = "10.99.1.0/24"

# h2's translations. gdoigw behind the NAT: IKE and ESP to 10.99.2.2 go to charon, from
# 10.99.3.1. charon behind the NAT: its traffic leaves as 10.99.2.2, random ports.
NFT = {
    "gdoigw": """table ip nat {
  chain pre { type nat hook prerouting priority dstnat;
    iif "eth0" ip daddr %(out)s udp dport { 500, 4500 } dnat to %(sw)s; }
  chain post { type nat hook postrouting priority srcnat;
    oif "eth1" ip saddr %(gw)s masquerade; }
}
""",
    "charon": """table ip nat {
  chain post { type nat hook postrouting priority srcnat;
    oif "eth0" ip saddr %(sw)s masquerade random; }
}
""",
}


@pytest.fixture
def bed(tmp_path, request):
    behind = request.param
    est = "immediately" if behind == "gdoigw" else "responder-only"
    route = ('routing-options = { static = { route = ( { name = "%s"; next-hop = "%s"; } ); '
             '}; };\n' % (SW_NET, NAT_OUT))
    conf = gdoigw_security("gcm", GW_WAN, NAT_OUT, H1_NET, SW_NET, "ge-0/0/0", est)
    conf = conf.replace("dead-peer-detection = {", "nat-keepalive = 2; dead-peer-detection = {")
    topo = IkeTopo(tmp_path, "rtc", extra_conf=route + conf)
    h3 = topo.h2.replace("gwt-h2-", "gwt-h3-")
    # charon's peer: as it sees gdoigw (behind the NAT: the NAT's inside address)
    charon = Charon(tmp_path, h3, SW, NAT_IN if behind == "gdoigw" else GW_WAN, SW_NET,
                    H1_NET, "gcm")
    cap = None
    made = False
    try:
        topo.create()
        sh("ip", "netns", "add", h3)
        made = True
        sh("ip", "-n", h3, "link", "set", "lo", "up")
        sh("ip", "link", "add", "eth1", "netns", topo.h2, "type", "veth", "peer", "name",
           "eth0", "netns", h3)
        sh("ip", "-n", topo.h2, "addr", "add", NAT_IN + "/24", "dev", "eth1")
        sh("ip", "-n", topo.h2, "link", "set", "eth1", "up")
        sh("ip", "-n", h3, "addr", "add", SW + "/24", "dev", "eth0")
        sh("ip", "-n", h3, "link", "set", "eth0", "up")
        sh("ip", "-n", h3, "route", "add", "default", "via", NAT_IN)
        sh("ip", "-n", h3, "addr", "add", SW_HOST + "/32", "dev", "lo")
        sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=topo.h2)
        sh("ethtool", "-K", "eth0", "tx", "off", ns=h3)
        nft = os.path.join(str(tmp_path), "nat.nft")
        with open(nft, "w") as f:
            f.write(NFT[behind] % dict(out=NAT_OUT, sw=SW, gw=GW_WAN))
        sh("nft", "-f", nft, ns=topo.h2)
        pcap = os.path.join(str(tmp_path), "inside.pcap")
        cap = Capture(h3, "eth0", pcap, "udp")
        charon.start()
        topo.start()
        yield topo, charon, h3, pcap
    finally:
        if cap is not None:
            cap.stop()
        stop_bed(topo, charon)
        if made:
            sh("ip", "netns", "del", h3, check=False)


def logs(topo, charon):
    return "--- gdoigw\n%s\n--- charon\n%s" % (topo.logtext(), charon.logtext())


def keepalives(pcap, src):
    """NAT keepalives on the capture: UDP 4500 from src with the one octet 0xff."""
    r = subprocess.run(["tcpdump", "-r", pcap, "-n", "-x",
                        "src host %s and udp dst port 4500 and udp[4:2] = 9 and "
                        "udp[8] = 0xff" % src], capture_output=True, text=True, timeout=60)
    return [ln for ln in r.stdout.splitlines() if " IP " in ln]


@pytest.mark.parametrize("bed", ["gdoigw"], indirect=True)
def test_ike_nat_keepalives(bed):
    topo, charon, h3, pcap = bed
    assert topo.wait_log("CHILD_SA to-sw up", 40), "no CHILD_SA\n" + logs(topo, charon)
    assert "NAT detected (local)" in topo.logtext(), topo.logtext()
    got, out = ping(topo.h1, SW_HOST, 5)
    assert got >= 4, "ping through the tunnel: %s\n%s" % (out, logs(topo, charon))
    # every 2 s: two counted and on the capture, within 7 s
    deadline = time.monotonic() + 7
    while time.monotonic() < deadline and (counters(topo)["nat_keepalives"] < 2 or
                                           len(keepalives(pcap, NAT_IN)) < 2):
        time.sleep(0.5)
    c = counters(topo)
    assert c["nat_keepalives"] >= 2, c
    seen = keepalives(pcap, NAT_IN)
    assert len(seen) >= 2, "keepalives on the wire: %r" % seen


@pytest.mark.parametrize("bed", ["charon"], indirect=True)
def test_ike_nat_mapping_changes(bed):
    topo, charon, h3, pcap = bed
    r = charon.initiate()
    assert r.returncode == 0, "swanctl --initiate: %s%s\n%s" % (r.stdout, r.stderr,
                                                                logs(topo, charon))
    assert topo.wait_log("CHILD_SA to-sw up", 40), "no CHILD_SA\n" + logs(topo, charon)
    got, out = ping(topo.h1, SW_HOST, 5)
    assert got >= 4, "ping through the NAT (ESP to the NAT's port): %s\n%s" % (
        out, logs(topo, charon))
    # the NAT forgets its mappings: charon's next packets leave from new ports
    sh("conntrack", "-F", ns=topo.h2, check=False)
    assert topo.wait_log("peer moved", 30), "gdoigw did not follow\n" + logs(topo, charon)
    deadline = time.monotonic() + 30
    got = 0
    while time.monotonic() < deadline and got < 3:
        got, out = ping(topo.h1, SW_HOST, 4)
    assert got >= 3, "ping after the NAT mapping changed: %s\n%s" % (out, logs(topo, charon))
    c = counters(topo)
    assert c["nat_peer_moved"] >= 1, c
