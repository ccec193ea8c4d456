"""IKEv2 over IPv6 against strongSwan 5.9.8: the IKE SA's own addresses are IPv6, its
CHILD_SAs carry IPv4 (4in6) and IPv6 (6in6) inner traffic, through the real binary.

    h1 10.99.1.2, 2001:db8:99:1::2
      -- [gdoigw ge-0/0/0 | ge-0/0/1 2001:db8:99:2::1] --
    h2 2001:db8:99:2::2 (charon) + 10.99.102.1, 2001:db8:102::1 (lo)

The topology and charon (kernel-libipsec) are test_netns_ike.py's (test/netns/ikelib.py),
IKE between 2001:db8:99:2::1 and 2001:db8:99:2::2, PSK, AES-GCM. gdoigw's vpn "to-sw" has
two traffic-selectors (t1 10.99.1.0/24 === 10.99.102.0/24, t6 2001:db8:99:1::/64 ===
2001:db8:102::/64), charon one child for each (net, net6). One topology for the module:
gdoigw responder-only first (charon initiates both children), then reloaded to
establish-tunnels immediately (the reload deletes the SA; gdoigw initiates, t6 by
CREATE_CHILD_SA). In each role h1 pings both hosts through the tunnel and moves 10 MB over
TCP intact (IPv4 inner as responder, IPv6 inner as initiator); charon's NAT detection finds
gdoigw's IPv6 hashes right (RFC 7296 2.23: it finds neither side behind a NAT, only fakes
one for kernel-libipsec); gdoigw's show commands print the IPv6 peer. Then tshark dissects
every IKE message (SK payloads decrypted with the keys gdoigw logs) and decrypts the ESP
(IPv6 outer, UDP 4500) with the ESP keys it logs; nothing of the protected networks crosses
h2's wire in clear. Skipped without strongSwan, tcpdump or tshark.
"""
import os
import shutil
import subprocess
import time

import pytest

import clilib
from ikelib import Charon, charon_bed, have_strongswan, gdoigw_security, reload_gdoigw, \
    tshark_ike_check
from nslib import sh
from test_netns_ike import IkeTopo, ping, tcp_10mb, tshark_decrypts

pytestmark = [pytest.mark.netns,
              pytest.mark.skipif(not have_strongswan(), reason="strongSwan not installed")]

GW6, SW6 = "2001:db8:99:2::1", "2001:db8:99:2::2"
H1_NET, SW_NET, SW_HOST = "10.99.1.0/24", "10.99.102.0/24", "10.99.102.1"
H1_NET6, SW_NET6, SW_HOST6 = "2001:db8:99:1::/64", "2001:db8:102::/64", "2001:db8:102::1"


def security(establish):
    conf = gdoigw_security("gcm", GW6, SW6, H1_NET, SW_NET, "ge-0/0/0", establish)
    conf = conf.replace("} ); } );", '}, { name = "t6"; local-ip = "%s"; remote-ip = "%s"; '
                        '} ); } );' % (H1_NET6, SW_NET6), 1)
    routes = [(SW_NET, "10.99.2.2"), (SW_NET6, SW6)]
    return 'routing-options = { static = { route = ( %s ); }; };\n' % ", ".join(
        '{ name = "%s"; next-hop = "%s"; }' % r for r in routes) + conf


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, what()
        time.sleep(0.3)


@pytest.fixture(scope="module")
def bed(tmp_path_factory):
    if not shutil.which("tcpdump") or not shutil.which("tshark"):
        pytest.skip("needs tcpdump and tshark")
    tmp = tmp_path_factory.mktemp("ike_v6")
    topo = IkeTopo(tmp, "rtc", extra_conf=security("responder-only"))
    charon = Charon(tmp, topo.h2, SW6, GW6, SW_NET, H1_NET, "gcm",
                    children=[("net6", SW_NET6, H1_NET6)])
    pcap = os.path.join(str(tmp), "wire.pcap")

    def host6():
        sh("ip", "-n", topo.h2, "-6", "addr", "add", SW_HOST6 + "/128", "dev", "lo")

    with charon_bed(topo, charon, SW_HOST, pcap, "udp or icmp or icmp6 or tcp", host6):
        # the gateway's IPv6 address on its exception TAP, past duplicate address detection
        wait_for(lambda: "%s/" % GW6 in (a := sh("ip", "-n", topo.gw, "-6", "addr", "show",
                                                  check=False).stdout)
                 and "tentative" not in a.split(GW6)[1].split("\n")[0], 20,
                 lambda: "no %s on the TAP\n%s" % (GW6, topo.logtext()))
        yield topo, charon, pcap


def ups(topo):
    return topo.logtext().count("CHILD_SA to-sw")


def full_log(topo):
    with open(topo.log_path, errors="replace") as f:
        return f.read()


def check_tunnel(topo, charon, role, tcp_host):
    """Both children carry pings; 10 MB to tcp_host; charon saw no NAT on its side."""
    got, out = ping(topo.h1, SW_HOST, 3)
    assert got >= 2, "%s: IPv4 ping (4in6): %s\ndrops %s\n%s\n--- charon\n%s" % (
        role, out, topo.telemetry("/gdoigw/drops"), topo.logtext(), charon.logtext())
    got, out = ping(topo.h1, SW_HOST6, 3)
    assert got >= 2, "%s: IPv6 ping (6in6): %s\ndrops %s\n%s" % (
        role, out, topo.telemetry("/gdoigw/drops"), topo.logtext())
    tcp_10mb(topo, tcp_host)
    # RFC 7296 2.23: charon checks our NAT_DETECTION_DESTINATION_IP against its own IPv6
    # address and port, our NAT_DETECTION_SOURCE_IP against ours (a wrong hash would
    # say "local host is behind NAT" / "remote host is behind NAT"; it only fakes one)
    log = charon.logtext(10 ** 7)
    assert "faking NAT situation" in log, log
    assert "local host is behind NAT" not in log and "remote host is behind NAT" not in log, log
    s = clilib.Session(topo.port, netns=topo.gw)
    try:
        out = s.cmd("show security ike security-associations")
        assert "UP" in out and SW6 in out, out
        out = s.cmd("show security ike security-associations detail")
        assert "IKE peer %s," % SW6 in out and "Role: %s" % role.capitalize() in out, out
        assert "Local: %s:4500" % GW6 in out and "Remote: %s:4500" % SW6 in out, out
        assert "Peer ike-id: b.test" in out, out
        out = s.cmd("show security ipsec security-associations")
        assert out.count(SW6) >= 4, out		# two children, both directions
    finally:
        s.close()


def test_ike_v6_responder(bed):
    """charon initiates over IPv6 (net in IKE_AUTH, net6 by CREATE_CHILD_SA)."""
    topo, charon, pcap = bed
    for child in ("net", "net6"):
        r = charon.initiate(child)
        assert r.returncode == 0, "swanctl --initiate %s: %s%s\n--- charon\n%s\n--- gdoigw" \
            "\n%s" % (child, r.stdout, r.stderr, charon.logtext(), topo.logtext())
    wait_for(lambda: ups(topo) >= 2, 30, lambda: "no CHILD_SAs\n" + topo.logtext())
    check_tunnel(topo, charon, "responder", SW_HOST)


def test_ike_v6_initiator(bed):
    """gdoigw initiates over IPv6 (establish-tunnels immediately): t1 in IKE_AUTH, t6 by
    CREATE_CHILD_SA. Then the capture of both roles: tshark dissects and decrypts."""
    topo, charon, pcap = bed
    before = ups(topo)
    reload_gdoigw(topo, security("immediately"))
    wait_for(lambda: ups(topo) >= before + 2, 40,
             lambda: "no CHILD_SAs as initiator\n%s\n--- charon\n%s" % (topo.logtext(),
                                                                         charon.logtext()))
    assert "initiating to %s" % SW6 in topo.logtext()
    check_tunnel(topo, charon, "initiator", SW_HOST6)
    time.sleep(1)
    log = full_log(topo)
    ike = tshark_ike_check(pcap, log)
    assert sum(x["exch"] == 34 for x in ike.values()) >= 4, ike	# IKE_SA_INIT, both roles
    assert len([x for x in ike.values() if x["exch"] == 35 and x["auth"] and x["id"]]) >= 4, ike
    requests, replies = tshark_decrypts(pcap, log, outer="IPv6")
    assert len(requests) >= 4 and len(replies) >= 4, (requests, replies)
    r = subprocess.run(["tshark", "-r", pcap, "-Y", "ip.addr==10.99.1.0/24 || "
                        "ipv6.addr==2001:db8:99:1::/64", "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.split() == [], "cleartext of the protected nets on h2's wire"
