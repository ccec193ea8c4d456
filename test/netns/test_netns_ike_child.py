"""IKEv2 against strongSwan 5.9.8: several CHILD_SAs per IKE SA (one per traffic-selector,
IPv4 and IPv6 inner traffic over the IPv4 IKE SA) and establish-tunnels on-traffic /
responder-only, through the real binary.

    h1 10.99.1.2, 10.99.3.1 (lo), 2001:db8:99:1::2
      -- [gdoigw 10.99.1.1 | 10.99.2.1] --
    h2 10.99.2.2 (charon) + 10.99.102.1, 10.99.103.1, 2001:db8:102::1 (lo)

The topology and charon (kernel-libipsec) are test_netns_ike.py's (test/netns/ikelib.py);
here charon has one child per selector pair (net, net2, net6) and gdoigw's vpn "to-sw"
as many traffic-selectors (t1 10.99.1.0/24 === 10.99.102.0/24, t2 10.99.3.0/24 ===
10.99.103.0/24, t6 2001:db8:99:1::/64 === 2001:db8:102::/64, 6in4).

* Several children: gdoigw (initiator) carries t1 in IKE_AUTH and asks for t2 and t6
  with CREATE_CHILD_SA; as responder it answers charon's CREATE_CHILD_SA for each,
  narrowing to the matching selector. Each pair of hosts pings through its own
  CHILD_SA, `show security ipsec security-associations` lists all three, and charon's
  delete of one child leaves the others carrying traffic.
* on-traffic: no IKE SA until h1 sends; the first packet hits the vpn's trap term, the
  data plane's acquire starts the IKE SA, and the packet, held meanwhile, goes out
  once the CHILD_SA is up: every echo is answered, the first one included, and
  nothing is counted as `acquire-no-sa` or `acquire-timeout`; cleared by the operator,
  the tunnel waits for traffic again, which is held and passes the same way. responder-only: traffic for the vpn never makes
  gdoigw initiate (no IKE message leaves it).
"""
import shutil
import time

import pytest

import clilib
from ikelib import Charon, have_strongswan, gdoigw_security, stop_bed
from nslib import sh
from tcpcheck import TCP_BYTES_SHORT
from test_netns_ike import IkeTopo, cli, ping, tcp_10mb

pytestmark = [pytest.mark.netns,
              pytest.mark.skipif(not have_strongswan(), reason="strongSwan not installed")]

GW_WAN, SW = "10.99.2.1", "10.99.2.2"
SW_NET, SW_HOST = "10.99.102.0/24", "10.99.102.1"
H1_NET = "10.99.1.0/24"
# the second IPv4 pair and the IPv6 pair (6in4)
H1_NET2, H1_HOST2, SW_NET2, SW_HOST2 = "10.99.3.0/24", "10.99.3.1", "10.99.103.0/24", \
    "10.99.103.1"
H1_NET6, SW_NET6, SW_HOST6 = "2001:db8:99:1::/64", "2001:db8:102::/64", "2001:db8:102::1"
SW6 = "2001:db8:99:2::2"


class MultiCharon(Charon):
    """charon with the children net2 (IPv4) and net6 (IPv6) beside ikelib's net."""

    def write(self):
        super().write()
        with open(self.swanctl) as f:
            text = f.read()
        extra = ""
        for name, lts, rts in (("net2", SW_NET2, H1_NET2), ("net6", SW_NET6, H1_NET6)):
            extra += """      %s {
        local_ts = %s
        remote_ts = %s
        esp_proposals = aes128gcm16
        mode = tunnel
        start_action = none
      }
""" % (name, lts, rts)
        text = text.replace("    children {\n", "    children {\n" + extra, 1)
        with open(self.swanctl, "w") as f:
            f.write(text)

    def initiate_child(self, child):
        return self.swanctl_cmd("--initiate", "--child", child, "--timeout", "20",
                                check=False, timeout=40)


def security(establish, several):
    conf = gdoigw_security("gcm", GW_WAN, SW, H1_NET, SW_NET, "ge-0/0/0", establish)
    if several:
        more = ('}, { name = "t2"; local-ip = "%s"; remote-ip = "%s"; '
                '}, { name = "t6"; local-ip = "%s"; remote-ip = "%s"; } ); } );'
                % (H1_NET2, SW_NET2, H1_NET6, SW_NET6))
        conf = conf.replace("} ); } );", more, 1)
    routes = [(SW_NET, SW), (SW_NET2, SW), (H1_NET2, "10.99.1.2"), (SW_NET6, SW6)]
    return 'routing-options = { static = { route = ( %s ); }; };\n' % ", ".join(
        '{ name = "%s"; next-hop = "%s"; }' % r for r in routes) + conf


@pytest.fixture
def bed(tmp_path, request):
    establish, several = request.param
    if not shutil.which("tcpdump"):
        pytest.skip("needs tcpdump")
    topo = IkeTopo(tmp_path, "rtc", extra_conf=security(establish, several))
    charon = (MultiCharon if several else Charon)(tmp_path, topo.h2, SW, GW_WAN, SW_NET,
                                                  H1_NET, "gcm")
    try:
        topo.create()
        for a in (SW_HOST + "/32", SW_HOST2 + "/32"):
            sh("ip", "-n", topo.h2, "addr", "add", a, "dev", "lo")
        sh("ip", "-n", topo.h2, "-6", "addr", "add", SW_HOST6 + "/128", "dev", "lo")
        sh("ip", "-n", topo.h1, "addr", "add", H1_HOST2 + "/32", "dev", "lo")
        charon.start()
        topo.start()
        yield topo, charon
    finally:
        stop_bed(topo, charon)


def wait_children(topo, n, timeout=40):
    deadline = time.monotonic() + timeout
    while topo.logtext().count("CHILD_SA to-sw up") < n and time.monotonic() < deadline:
        time.sleep(0.3)
    return topo.logtext().count("CHILD_SA to-sw up") >= n


def ping_all(topo):
    """(replies of the t1 pair, of the t2 pair, of the IPv6 pair), 3 echoes each."""
    got1, _ = ping(topo.h1, SW_HOST)
    r = sh("ping", "-c", "3", "-i", "0.3", "-W", "2", "-I", H1_HOST2, SW_HOST2, ns=topo.h1,
           check=False, timeout=30)
    r6 = sh("ping", "-6", "-c", "3", "-i", "0.3", "-W", "2", SW_HOST6, ns=topo.h1,
            check=False, timeout=30)
    return got1, r.stdout.count("bytes from"), r6.stdout.count("bytes from")


@pytest.mark.parametrize("bed", [pytest.param(("immediately", True), id="initiator"),
                                 pytest.param(("responder-only", True), id="responder")],
                         indirect=True)
def test_ike_several_children(bed):
    topo, charon = bed
    if "responder-only" in topo.extra_conf:
        for child in ("net", "net2", "net6"):
            r = charon.initiate_child(child)
            assert r.returncode == 0, "swanctl --initiate %s: %s%s\n%s\n%s" % (
                child, r.stdout, r.stderr, charon.logtext(), topo.logtext())
    assert wait_children(topo, 3), "three CHILD_SAs\n--- gdoigw\n%s\n--- charon\n%s" % (
        topo.logtext(), charon.logtext())
    log = topo.logtext()
    for sel in ("10.99.1.0/24 === 10.99.102.0/24", "10.99.3.0/24 === 10.99.103.0/24",
                "2001:db8:99:1::/64 === 2001:db8:102::/64"):
        assert sel in log, log
    deadline = time.monotonic() + 20
    while charon.list_sas().count("INSTALLED") < 3 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert charon.list_sas().count("INSTALLED") == 3, charon.list_sas()
    got = ping_all(topo)
    assert min(got) >= 2, "pings (t1, t2, t6): %s\ndrops %s\n%s\n%s" % (
        got, topo.telemetry("/gdoigw/drops"), topo.logtext(), charon.logtext()[-3000:])
    out, = cli(topo, "show security ipsec security-associations")
    assert "Total active tunnels: 3" in out.split("IKE-negotiated")[1], out
    # charon deletes net2: the others go on carrying traffic
    charon.swanctl_cmd("--terminate", "--child", "net2", "--timeout", "10", check=False)
    assert topo.wait_log("peer deleted CHILD_SA", 20), topo.logtext()
    got1, _ = ping(topo.h1, SW_HOST)
    r6 = sh("ping", "-6", "-c", "3", "-i", "0.3", "-W", "2", SW_HOST6, ns=topo.h1,
            check=False, timeout=30)
    assert got1 >= 2 and r6.stdout.count("bytes from") >= 2, topo.logtext()


@pytest.mark.parametrize("bed", [pytest.param(("immediately", True), id="initiator")],
                         indirect=True)
def test_ike_children_tcp(bed):
    """10 MB over TCP through the IPv6 child (6in4) and 1 MB through the first (IPv4)
    one (test_netns_ike.py moves 10 MB through an IPv4 child), the three children up,
    arrive intact."""
    topo, charon = bed
    assert wait_children(topo, 3), topo.logtext()
    tcp_10mb(topo, SW_HOST6)
    tcp_10mb(topo, nbytes=TCP_BYTES_SHORT)


@pytest.mark.parametrize("bed", [pytest.param(("on-traffic", False), id="on-traffic")],
                         indirect=True)
def test_ike_on_traffic(bed):
    topo, charon = bed
    time.sleep(3)
    assert "initiating" not in topo.logtext(), topo.logtext()
    assert charon.list_sas().strip() == "", charon.list_sas()
    r = sh("ping", "-c", "8", "-i", "0.5", "-W", "2", SW_HOST, ns=topo.h1, check=False,
           timeout=40)
    got = r.stdout.count("bytes from")
    log = topo.logtext()
    assert "traffic without an SA (on-traffic): initiating" in log, log
    assert "CHILD_SA to-sw up" in log, log + charon.logtext()
    drops = topo.telemetry("/gdoigw/drops")
    # the echoes sent before the CHILD_SA was up were held (not dropped), then sent
    seqs = {int(w.split("=")[1]) for w in r.stdout.split() if w.startswith("icmp_seq=")}
    assert 1 in seqs and got == 8, "%d of 8 echoes, seqs %s, drops %s\n%s" % (
        got, sorted(seqs), drops, log)
    assert drops.get("acquire_no_sa", 0) == 0 and drops.get("acquire_timeout", 0) == 0, drops
    # cleared: nothing until traffic again, which is held once more (a new hold for the
    # vpn's slot, long after the first one's time ran out) and passes
    out, = cli(topo, "clear security ike security-associations")
    assert "1 IKE security association cleared" in out, out
    time.sleep(2)
    assert topo.logtext().count("CHILD_SA to-sw up") == 1, topo.logtext()
    r = sh("ping", "-c", "4", "-i", "0.5", "-W", "2", SW_HOST, ns=topo.h1, check=False,
           timeout=40)
    log = topo.logtext()
    assert log.count("traffic without an SA (on-traffic): initiating") >= 2, log
    assert log.count("CHILD_SA to-sw up") == 2, log
    drops = topo.telemetry("/gdoigw/drops")
    assert r.stdout.count("bytes from") == 4, "%s\ndrops %s\n%s" % (r.stdout, drops, log)
    assert drops.get("acquire_no_sa", 0) == 0 and drops.get("acquire_timeout", 0) == 0, drops
    out, = cli(topo, "show security ike statistics")
    assert any(line.split()[:1] == ["acquires"] and int(line.split()[1]) >= 2
               for line in out.splitlines()), out


@pytest.mark.parametrize("bed", [pytest.param(("responder-only", False), id="responder-only")],
                         indirect=True)
def test_ike_responder_only_never_initiates(bed):
    topo, charon = bed
    sh("ping", "-c", "4", "-i", "0.5", "-W", "1", SW_HOST, ns=topo.h1, check=False, timeout=30)
    time.sleep(2)
    assert "initiating" not in topo.logtext(), topo.logtext()
    out, = cli(topo, "show security ike statistics")
    assert any(line.split()[:2] == ["tx_msgs", "0"] for line in out.splitlines()), out
    assert "IKE_SA_INIT" not in charon.logtext(1000000), charon.logtext()
