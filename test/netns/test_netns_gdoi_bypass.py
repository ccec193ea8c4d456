"""A group that protects everything ("permit ip any any", the usual GET VPN policy) and
what must still bypass it (issue 14, "bypass of routing protocols").

The gdoigw-only group of test_netns_gks_e2e.py with one TEK 0.0.0.0/0 <-> 0.0.0.0/0.
The hosts' traffic is ESP on the wan; traffic to and from the gateways themselves is
not: a routing-protocol-like TCP session (port 179) from h1 to gw1's LAN address, a ping
from h1 to gw1, and a TCP session between the members' wan addresses (gw1 -> gw2, as
BGP between two members would run) all work in clear (their packets are for the
appliance, or sent by its kernel: the SPD is never asked), and the GDOI exchanges with
the key server go on (a PUSH rekey is accepted).
"""
import subprocess

import gdoilib
from gdoi_ks_lib import WanGroup, make_kek_key, pair_server_conf
from nslib import sh
from test_netns import ping
from test_netns_gdoi_e2e_more import need_root
from test_netns_gks_e2e import RfcPair

import pytest

pytestmark = pytest.mark.netns

LISTEN = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 179))
s.listen(1)
print("listening", flush=True)
c, a = s.accept()
c.sendall(b"open " + c.recv(100))
c.close()
"""

CONNECT = r"""
import socket, sys
c = socket.create_connection((sys.argv[1], 179), timeout=10)
c.sendall(b"hello")
print(c.recv(100).decode())
"""


def tcp_179(listen_ns, addr, connect_ns):
    """A TCP session to addr:179 in listen_ns from connect_ns: what the client read."""
    srv = subprocess.Popen(["ip", "netns", "exec", listen_ns, "/usr/bin/python3", "-c", LISTEN,
                            addr], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().strip() == "listening", srv.stderr.read()
        out = sh("/usr/bin/python3", "-c", CONNECT, addr, ns=connect_ns, check=False,
                 timeout=30)
        srv.wait(timeout=15)
        return out.stdout.strip() + out.stderr
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()


def test_any_any_group_bypasses_the_gateways_own_traffic(tmp_path):
    need_root()
    from scapy.all import ESP, ICMP, IP, TCP, rdpcap
    pair = RfcPair(tmp_path)
    server = pair_server_conf(make_kek_key(tmp_path), gdoilib.PSK)
    tek = server[server.index("    ipsec-sa = ("):server.index("    kek = {")]
    server = server.replace(tek, """    ipsec-sa = (
      { name = "any"; source-address = "0.0.0.0/0"; destination-address = "0.0.0.0/0";
        encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "hmac-sha-256-128";
        lifetime-seconds = 900; }
    );
""")
    pcap = str(tmp_path / "wan.pcap")
    with WanGroup(tmp_path, pair, server, pcap, "ip") as g:
        ping(pair.h[0], "10.99.2.2", 10)               # neighbours resolved on the way
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        assert got == 5, out + pair.logtext(0)[-3000:]
        got, out = ping(pair.h[0], "10.99.1.1", 3)       # h1 -> gw1 itself
        assert got == 3, out + pair.logtext(0)[-3000:]
        assert tcp_179(pair.g[0], "10.99.1.1", pair.h[0]) == "open hello"
        assert tcp_179(pair.g[1], "10.99.3.2", pair.g[0]) == "open hello"
        out = g.ks.cli("clear security group-vpn server rekey g1")[0]
        assert "rekeyed" in out, out
        for i in (0, 1):
            assert pair.wait_log(i, "PUSH SEQ 1 accepted", 15), pair.logtext(i)[-3000:]
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        assert got == 5, out + pair.logtext(0)[-3000:]
        g.stop_capture()
    pkts = [p for p in rdpcap(pcap) if IP in p]
    hosts = {"10.99.1.2", "10.99.2.2"}
    clear = [p for p in pkts if ICMP in p and {p[IP].src, p[IP].dst} == hosts]
    assert not clear, "hosts' traffic in clear on the wan: %r" % clear[:3]
    assert [p for p in pkts if ESP in p and {p[IP].src, p[IP].dst} == hosts]
    bgp = [p for p in pkts if TCP in p and 179 in (p[TCP].sport, p[TCP].dport)]
    assert bgp and all({p[IP].src, p[IP].dst} == {"10.99.3.1", "10.99.3.2"} for p in bgp), \
        bgp[:3]
