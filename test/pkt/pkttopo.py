"""The 3-port net_pcap test topology (shared by the test/pkt modules)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import gwtest  # noqa: E402


# The test topology. Port i is net_pcap<i>; each has one directly connected neighbour
# with a static ARP/NDP entry ("nbr"), so no address resolution happens in pcap tests.
PORTS = [
    dict(name="ge-0/0/0", mac="02:00:00:00:00:01", v4="192.0.2.1/24", v6="2001:db8:1::1/64",
         nbr_mac="02:00:00:00:00:02", nbr4="192.0.2.2", nbr6="2001:db8:1::2"),
    dict(name="ge-0/0/1", mac="02:00:00:00:01:01", v4="198.51.100.1/24", v6="2001:db8:2::1/64",
         nbr_mac="02:00:00:00:01:02", nbr4="198.51.100.2", nbr6="2001:db8:2::2"),
    dict(name="ge-0/0/2", mac="02:00:00:00:02:01", v4="100.64.0.1/24", v6="2001:db8:3::1/64",
         nbr_mac="02:00:00:00:02:02", nbr4="100.64.0.2", nbr6="2001:db8:3::2"),
]

ROUTES = [
    ("10.0.0.0/8", "198.51.100.2"),          # -> port 1
    ("10.1.0.0/16", "100.64.0.2"),           # longer: -> port 2
    ("10.1.2.0/24", "198.51.100.2"),         # longer still: -> port 1
    ("203.0.113.0/24", None),                # discard
    ("2001:db8:100::/48", "2001:db8:2::2"),  # -> port 1
    ("2001:db8:100:1::/64", "2001:db8:3::2"),  # -> port 2
    ("2001:db8:100:1:2::/80", "2001:db8:2::2"),  # -> port 1
    ("2001:db8:dead::/48", None),            # discard
]


class Topo:
    """A 3-port gateway; run(inputs) replays one pcap per port and captures every port."""

    def __init__(self, workdir, layout="rtc", routes=ROUTES, ports=PORTS):
        self.workdir = str(workdir)
        self.layout = layout
        self.routes = routes
        self.ports = ports
        self.runs = 0

    def config(self, d):
        pc = []
        for i, p in enumerate(self.ports):
            dev = "net_pcap%d,rx_pcap=%s/in%d.pcap,tx_pcap=%s/out%d.pcap" % (i, d, i, d, i)
            pc.append(gwtest.port_conf(p["name"], dev, p["mac"], v4=[p["v4"]], v6=[p["v6"]],
                                       arp=[(p["nbr4"], p["nbr_mac"])],
                                       ndp=[(p["nbr6"], p["nbr_mac"])], mtu=p.get("mtu")))
        rc = [gwtest.route_conf(pfx, nh, discard=nh is None) for pfx, nh in self.routes]
        return gwtest.config_text(pc, rc, self.layout)

    def run(self, inputs, **kw):
        """inputs: {port index: [frames]} -> GwResult with outputs[port index]."""
        self.runs += 1
        d = os.path.join(self.workdir, "run%d" % self.runs)
        os.makedirs(d, exist_ok=True)
        for i in range(len(self.ports)):
            gwtest.write_pcap(os.path.join(d, "in%d.pcap" % i), inputs.get(i, []))
        outs = {i: os.path.join(d, "out%d.pcap" % i) for i in range(len(self.ports))}
        res = gwtest.run_gw(d, self.config(d), lcores=gwtest.LAYOUTS[self.layout][0],
                            outputs=outs, **kw)
        res.workdir = d
        return res


LAYOUT_PARAMS = [
    pytest.param("rtc", id="rtc"),
    pytest.param("pipeline", id="pipeline"),
    pytest.param("pipeline2", id="pipeline2", marks=pytest.mark.slow),
]
