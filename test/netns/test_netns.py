"""Real hosts through the gateway: ARP/ND learned dynamically, the kernel TAP answers
for the gateway's own addresses, TCP end to end."""
import re
import time

import pytest

from nslib import sh, GW_MAC, H1, H2
# CLIENT, SERVER: imported from here by other files
from tcpcheck import CLIENT, SERVER, TCP_BYTES, tcp_transfer  # noqa: F401

pytestmark = pytest.mark.netns


def ping(ns, dst, count=5, v6=False):
    r = sh("ping", "-6" if v6 else "-4", "-c", str(count), "-i", "0.2", "-W", "2", dst,
           ns=ns, check=False, timeout=30)
    m = re.search(r"(\d+) received", r.stdout)
    return (int(m.group(1)) if m else 0), r.stdout + r.stderr


def test_ping_gateway(net):
    got, out = ping(net.h1, H1["gw"], 3)
    assert got == 3, "h1 -> gateway %s\n%s\n%s" % (H1["gw"], out, net.logtext())
    got, out = ping(net.h2, H2["gw"], 3)
    assert got == 3, "h2 -> gateway %s\n%s\n%s" % (H2["gw"], out, net.logtext())


def ping_through(net, dst, v6=False):
    """Echoes may be dropped while the gateway resolves h2 (neigh-unresolved): the
    first reply must come within 2 s (10 echoes at 0.2 s); once resolved, 5 of 5."""
    got, out = ping(net.h1, dst, 10, v6=v6)
    seqs = [int(x) for x in re.findall(r"icmp_seq=(\d+)", out)]
    assert seqs, "h1 -> h2: no reply within 2 s (resolving)\n%s\n%s" % (out, net.logtext())
    got, out = ping(net.h1, dst, 5, v6=v6)
    assert got == 5, "h1 -> h2 (resolved)\n%s\n%s" % (out, net.logtext())


def test_ping_h1_h2(net):
    ping_through(net, H2["addr"].split("/")[0])
    # h2 learned the gateway's MAC by ARP, and the replies came back to h1
    neigh = sh("ip", "-n", net.h2, "neigh", "show", H2["gw"]).stdout.lower()
    assert GW_MAC[1] in neigh, "h2 neighbour entry for the gateway: %r" % neigh


def test_tcp_10mb(net):
    tcp_transfer(net.h1, net.h2, H2["addr"].split("/")[0], TCP_BYTES, net.logtext)


def test_ipv6_ping_gateway(net):
    got, out = ping(net.h1, H1["gw6"], 3, v6=True)
    assert got == 3, "h1 -> gateway %s\n%s\n%s" % (H1["gw6"], out, net.logtext())


def test_ipv6_ping_h1_h2(net):
    ping_through(net, H2["addr6"].split("/")[0], v6=True)


def gateway_link_local(net, global6, timeout=10):
    """The kernel's fe80:: address on the TAP that carries global6, once DAD is done."""
    import json
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        links = json.loads(sh("ip", "-j", "-n", net.gw, "-6", "addr", "show").stdout)
        for link in links:
            infos = link.get("addr_info", [])
            if any(a.get("local") == global6 for a in infos):
                for a in infos:
                    if (a.get("scope") == "link" and a.get("local", "").startswith("fe80:")
                            and not a.get("tentative")):
                        return a["local"]
        time.sleep(0.25)
    return None


def test_ipv6_ping_gateway_link_local(net):
    """Link-local destinations are never forwarded, but the gateway's own are the
    kernel's: h1 pings the fe80:: address the kernel formed on the TAP, through gdoigw's
    exception path (ND with fe80:: sources and destinations both ways)."""
    ll = gateway_link_local(net, H1["gw6"])
    assert ll, "no link-local address on the gateway's TAP\n%s" % sh(
        "ip", "-n", net.gw, "-6", "addr", "show").stdout
    # The veth under the af_packet port has no IPv6 (nslib.py), so only the path
    # through gdoigw and its TAP can answer.
    got, out = ping(net.h1, ll + "%eth0", 3, v6=True)
    assert got == 3, "h1 -> gateway %s\n%s\n%s" % (ll, out, net.logtext())


def test_stop_cleanly(net):
    """Last: SIGTERM -> exit 0, counters in the stats file show traffic both ways."""
    net.stop()
    assert net.rc == 0, "gdoigw exit status %s\n%s" % (net.rc, net.logtext())
    assert net.stats, "no --stats-file written\n" + net.logtext()
    ports = {p["name"]: p for p in net.stats["ports"]}
    for name in ("ge-0/0/0", "ge-0/0/1"):
        p = ports[name]
        assert p["rx_packets"] > 0 and p["tx_packets"] > 0, p
        assert p.get("to_kernel", 0) > 0 and p.get("from_kernel", 0) > 0, p
