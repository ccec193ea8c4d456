"""establish-tunnels on-traffic through the binary, with a peer that never answers: the
vpn's trap term (lib/ike/ike_acquire.c) catches the traffic, the data plane posts an
acquire (lib/dp/dp_acquire.c) and gdoigw starts IKE_SA_INIT; meanwhile the packets are
held (run-to-completion: at most 4 per vpn, for 2 s from the first), then dropped as
acquire-timeout; what does not fit the hold queue is dropped at once as acquire-no-sa
(the pipeline layout holds nothing). Traffic outside the vpn's selectors is forwarded.
Every frame lands in one counter.

    h1 10.99.1.2 -- [gdoigw 10.99.1.1 | 10.99.2.1] -- h2 10.99.2.2
    vpn: 10.99.1.0/24 === 10.99.104.0/24, IKE peer 10.99.2.99 (nobody)
"""
import time

import pytest

from nslib import NetnsTopo, sh

pytestmark = pytest.mark.netns

IKE = """
routing-options = { static = { route = ( { name = "10.99.104.0/24"; next-hop = "10.99.2.2"; } ); }; };
security = {
  ike = {
    proposal = ( { name = "p1"; encryption-algorithm = "aes-128-gcm";
                   authentication-algorithm = "sha-256"; dh-group = "group19"; } );
    policy = ( { name = "pol1"; proposals = [ "p1" ]; pre-shared-key = { ascii-text = "k"; }; } );
    gateway = ( { name = "peer"; ike-policy = "pol1"; address = "10.99.2.99";
                  local-address = "10.99.2.1"; } );
  };
  ipsec = {
    proposal = ( { name = "e1"; encryption-algorithm = "aes-128-gcm"; } );
    ipsec-policy = ( { name = "ip1"; proposals = [ "e1" ]; } );
    vpn = ( { name = "v"; ike = { gateway = "peer"; ipsec-policy = "ip1"; };
              bind-interface = "ge-0/0/0"; establish-tunnels = "on-traffic";
              traffic-selector = ( { name = "t1"; local-ip = "10.99.1.0/24";
                                     remote-ip = "10.99.104.0/24"; } ); } );
  };
};
"""

# 8 datagrams into the vpn's selectors, 3 to h2 (outside them), back to back
SEND = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(8):
    s.sendto(b"x" * 32, ("10.99.104.%d" % (i + 1), 9))
for i in range(3):
    s.sendto(b"y" * 32, ("10.99.2.2", 9))
"""


@pytest.mark.parametrize("layout", ["rtc", "pipeline"])
def test_acquire_hold(tmp_path, layout):
    topo = NetnsTopo(tmp_path, layout, extra_conf=IKE)
    try:
        topo.create()
        topo.start()
        # h1 learns the gateway's MAC first: the datagrams then leave back to back
        sh("ping", "-c", "1", "-W", "2", "10.99.1.1", ns=topo.h1, check=False)
        assert "IKE configuration: 1 gateways, 1 vpns" in topo.logtext(), topo.logtext()
        sh("/usr/bin/python3", "-c", SEND, ns=topo.h1)
        time.sleep(3.5)     # past the 2 s hold
        drops = topo.telemetry("/gdoigw/drops")
        log = topo.logtext()
    finally:
        topo.destroy()
    assert "traffic without an SA (on-traffic): initiating" in log, log
    if layout == "rtc":
        assert drops.get("acquire_timeout") == 4 and drops.get("acquire_no_sa") == 4, drops
    else:
        assert drops.get("acquire_no_sa") == 8 and not drops.get("acquire_timeout"), drops
    st = topo.stats
    assert st is not None, log
    port0 = [p for p in st["ports"] if p["name"] == "ge-0/0/0"][0]
    port1 = [p for p in st["ports"] if p["name"] == "ge-0/0/1"][0]
    # the 3 datagrams for h2 went out of ge-0/0/1 (with whatever ARP and IKE it sent)
    assert port1["tx_packets"] >= 3, st
    assert sum(int(v) for v in port0["drops"].values()) >= 8, port0
