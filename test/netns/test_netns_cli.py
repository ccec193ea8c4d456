"""`ping` from the appliance reaches h1; a CLI commit reaches the data plane: a static route set in the telnet CLI forwards
h1's pings to an address behind h2 after `commit`, and stops after `rollback 1` +
`commit` (h1 -- gdoigw -- h2 in namespaces; telnet runs in the gateway's namespace)."""
import os
import sys

import pytest

from nslib import NetnsTopo, sh

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pkt"))
import clilib  # noqa: E402

pytestmark = pytest.mark.netns

BEHIND_H2 = "10.99.3.2"     # on h2's loopback; reachable only through a static route


class CliTopo(NetnsTopo):
    def __init__(self, workdir, port):
        super().__init__(workdir, "rtc")
        self.port = port

    def config(self):
        return clilib.with_cli(super().config(), self.port)


def ping(net):
    r = sh("ping", "-c", "2", "-i", "0.3", "-W", "1", BEHIND_H2, ns=net.h1, check=False)
    return r.returncode == 0


def test_static_route_commit_and_rollback(tmp_path):
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.skip("netns tests need root and /dev/net/tun")
    port = clilib.free_port()
    net = CliTopo(tmp_path, port)
    try:
        net.create()
        sh("ip", "-n", net.h2, "addr", "add", BEHIND_H2 + "/32", "dev", "lo")
        net.start()
        assert not ping(net), "no route yet, yet the ping went through"
        s = clilib.Session(port, netns=net.gw)
        # ping from the appliance (the kernel's, over the exception TAPs)
        assert "64 bytes from 10.99.1.2" in s.cmd("ping 10.99.1.2 count 2")
        assert "error: ping ADDRESS" in s.cmd("ping ;reboot")
        s.cmd("configure")
        s.cmd("set routing-options static route 10.99.3.0/24 next-hop 10.99.2.2")
        assert "commit complete" in s.cmd("commit")
        assert ping(net), net.logtext()
        assert "load complete" in s.cmd("rollback 1")
        assert "commit complete" in s.cmd("commit")
        assert not ping(net), "the route outlived its rollback"
        s.close()
    finally:
        net.destroy()
    assert net.rc == 0, net.logtext()
