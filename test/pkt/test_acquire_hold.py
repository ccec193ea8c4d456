"""establish-tunnels on-traffic through the binary, with a peer that never answers: the
vpn's trap term (lib/ike/ike_acquire.c) catches the traffic, the data plane posts one
acquire (lib/dp/dp_acquire.c) and gdoigw starts IKE_SA_INIT; meanwhile the packets are
held (run-to-completion: at most 4 per vpn, for 2 s), then dropped as acquire-timeout;
what does not fit the hold queue is dropped at once as acquire-no-sa (the pipeline
layout holds nothing). Traffic outside the vpn's selectors is forwarded in clear. Every
frame lands in one counter. The gateway runs in a namespace of its own (its IKE
sockets bind UDP 500 and 4500 there).
"""
import os
import subprocess

import pytest

from gwtest import assert_clean_exit
from pkttopo import PORTS, Topo
from pktlib import v4

pytestmark = pytest.mark.netns
P0 = PORTS[0]

IKE = """
security = {
  ike = {
    proposal = ( { name = "p1"; encryption-algorithm = "aes-128-gcm";
                   authentication-algorithm = "sha-256"; dh-group = "group19"; } );
    policy = ( { name = "pol1"; proposals = [ "p1" ]; pre-shared-key = { ascii-text = "k"; }; } );
    gateway = ( { name = "peer"; ike-policy = "pol1"; address = "198.51.100.2";
                  local-address = "198.51.100.1"; } );
  };
  ipsec = {
    proposal = ( { name = "e1"; encryption-algorithm = "aes-128-gcm"; } );
    ipsec-policy = ( { name = "ip1"; proposals = [ "e1" ]; } );
    vpn = ( { name = "v"; ike = { gateway = "peer"; ipsec-policy = "ip1"; };
              bind-interface = "ge-0/0/0"; establish-tunnels = "on-traffic";
              traffic-selector = ( { name = "t1"; local-ip = "192.0.2.0/24";
                                     remote-ip = "10.1.2.0/24"; } ); } );
  };
};
"""


class IkeTopo(Topo):
    def config(self, d):
        return super().config(d) + IKE


@pytest.fixture
def netns():
    name = "gwt-acq-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", name], check=True)
    subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
    yield name
    subprocess.run(["ip", "netns", "del", name], check=False)


@pytest.mark.parametrize("layout", ["rtc", "pipeline"])
def test_acquire_hold(tmp_path, netns, layout):
    trapped = [v4(P0["nbr_mac"], P0["mac"], P0["nbr4"], "10.1.2.%d" % (i + 1), ipid=i + 1)
               for i in range(8)]
    clear = [v4(P0["nbr_mac"], P0["mac"], P0["nbr4"], "10.1.3.1", ipid=100 + i)
             for i in range(3)]
    res = IkeTopo(tmp_path, layout=layout).run({0: trapped + clear}, idle_ms=4000,
                                               netns=netns)
    assert_clean_exit(res)
    log = res.stdout + res.stderr
    assert "traffic without an SA (on-traffic): initiating" in log, res.log()
    # one acquire per second at most (the held packets go round every 10 ms)
    assert log.count("traffic without an SA (on-traffic): initiating") <= 4, res.log()
    d = res.nonzero_drops()
    if layout == "rtc":
        assert d.get("acquire-timeout") == 4 and d.get("acquire-no-sa") == 4, d
    else:
        assert d.get("acquire-no-sa") == 8 and "acquire-timeout" not in d, d
    assert len(res.outputs[1]) == 3, "the clear traffic is forwarded: %s" % res.log()
    fin, fout, parts = res.ledger()
    assert fin == fout, parts
