"""Several groups on one appliance (issue 14, item 4), gdoigw alone: one gdoigw key
server serves two groups, each gdoigw member is in both (two vpns, one gateway).

  h1 10.99.1.2 -- [gw1] 10.99.3.1 --+-- 10.99.3.10 [key server: g1 1234, g2 1235]
  h2 10.99.2.2 -- [gw2] 10.99.3.2 --+                              (bridge, ns wan)
     10.99.2.3

g1 protects h1 <-> 10.99.2.2, g2 h1 <-> 10.99.2.3 (host selectors). Each member registers
for both groups over one socket; traffic of each group leaves with its own group's SPI
(checked on the wan); a PUSH rekey of g2 moves only g2 to new SPIs; removing gw1 from g2
stops h1 <-> 10.99.2.3 while h1 <-> 10.99.2.2 (g1) keeps going.
"""
import os
import re
import time

import pytest

import gdoilib
from gdoi_ks_lib import WanGroup, make_kek_key
from nslib import sh
from test_netns import ping
from test_netns_gdoi_pair import tek_spis

pytestmark = pytest.mark.netns

H1, H2A, H2B = "10.99.1.2", "10.99.2.2", "10.99.2.3"
GROUPS = (("g1", 1234, H2A), ("g2", 1235, H2B))


def two_group_server(key, psk):
    groups = ",\n".join("""{
    name = "%s"; group-id = %d;
    member = ( { name = "members"; address = "10.99.3.0/24"; pre-shared-key = "%s"; } );
    ipsec-sa = (
      { name = "fwd"; source-address = "%s/32"; destination-address = "%s/32";
        encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "hmac-sha-256-128";
        lifetime-seconds = 900; },
      { name = "rev"; source-address = "%s/32"; destination-address = "%s/32";
        encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "hmac-sha1-96";
        lifetime-seconds = 900; }
    );
    kek = { signing-key = "%s"; ack-requested = true; };
    server-member-communication = { communication-type = "unicast"; };
    deactivation-time-delay = 30;
  }""" % (name, gid, psk, H1, dst, dst, H1, key) for name, gid, dst in GROUPS)
    return """
security = { group-vpn = { server = {
  listen-address = [ "10.99.3.10" ];
  ike = { proposal = ( { name = "p"; encryption-algorithm = "3des-cbc";
                         authentication-algorithm = "sha1"; dh-group = "group2"; } ); };
  group = ( %s );
}; }; };
""" % groups


class TwoGroupPair(gdoilib.MemberPair):
    """gdoilib's members with two vpns (g1, g2) on one ike gateway; h2 also holds H2B."""

    def create(self):
        super().create()
        sh("ip", "-n", self.h[1], "addr", "add", H2B + "/24", "dev", "eth0")

    def config(self, i, extra_vpn=""):
        text = super().config(i, extra_vpn)
        vpns = ", ".join('{ name = "gv%d"; ike-gateway = "ks"; group = %d; '
                         'interface = "ge-0/0/0"; }' % (n + 1, gid)
                         for n, (_name, gid, _dst) in enumerate(GROUPS))
        text, n = re.subn(r"vpn = \( \{.*?\} \);", "vpn = ( %s );" % vpns, text,
                          flags=re.S)
        assert n == 1, text
        return text


def group_spis(log):
    """{(group name, 'fwd'|'rev'): SPI} from the member's log (the newest of each)."""
    out = {}
    for sel, spi in tek_spis(log).items():
        src, dst = (s.strip().split("/")[0] for s in sel.split("->"))
        for name, _gid, peer in GROUPS:
            if (src, dst) == (H1, peer):
                out[(name, "fwd")] = spi
            elif (src, dst) == (peer, H1):
                out[(name, "rev")] = spi
    return out


def wait_spis(pair, want, timeout=20):
    """Both members' group_spis once they agree and satisfy want(spis)."""
    deadline = time.monotonic() + timeout
    while True:
        spis = [group_spis(pair.logtext(i)) for i in (0, 1)]
        if spis[0] == spis[1] and want(spis[0]):
            return spis[0]
        assert time.monotonic() < deadline, (spis, pair.logtext(0)[-3000:])
        time.sleep(0.5)


def test_member_in_two_groups(tmp_path):
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.skip("netns tests need root and /dev/net/tun")
    from scapy.all import ESP, IP, ICMP, rdpcap
    pair = TwoGroupPair(tmp_path)
    pcap = str(tmp_path / "wan.pcap")
    with WanGroup(tmp_path, pair, two_group_server(make_kek_key(tmp_path), gdoilib.PSK), pcap,
                  gids=[gid for _n, gid, _d in GROUPS]) as g:
        ks = g.ks
        spis = wait_spis(pair, lambda s: len(s) == 4)
        assert len(set(spis.values())) == 4, spis
        for dst in (H2A, H2B):
            ping(pair.h[0], dst, 5)             # neighbours resolved on the way
            got, out = ping(pair.h[0], dst, 5)
            assert got == 5, out + pair.logtext(0)[-3000:]

        # a rekey of g2 alone: g2 moves to new SPIs, g1 keeps its own
        out = ks.cli("clear security group-vpn server rekey g2")[0]
        assert "rekeyed" in out, out
        spis2 = wait_spis(pair, lambda s: s[("g2", "fwd")] != spis[("g2", "fwd")])
        assert spis2[("g1", "fwd")] == spis[("g1", "fwd")], (spis, spis2)
        assert spis2[("g1", "rev")] == spis[("g1", "rev")], (spis, spis2)
        assert spis2[("g2", "rev")] != spis[("g2", "rev")], (spis, spis2)
        for dst in (H2A, H2B):
            got, out = ping(pair.h[0], dst, 5)
            assert got == 5, out + pair.logtext(0)[-3000:]
        g1 = [l for l in pair.logtext(0).splitlines() if "member gv1:" in l and "PUSH" in l]
        assert not g1, g1

        # gw1 removed from g2: h1 <-> 10.99.2.3 stops, g1 goes on
        out = ks.cli("clear security group-vpn server member g2 10.99.3.1")[0]
        assert "removed" in out, out
        time.sleep(2)
        got, out = ping(pair.h[0], H2B, 3)
        assert got == 0, "removed from g2, still exchanging its traffic: " + out
        got, out = ping(pair.h[0], H2A, 5)
        assert got == 5, "g1 lost with g2: " + out + pair.logtext(0)[-3000:]

        g.stop_capture()
    pkts = [p for p in rdpcap(pcap) if IP in p]
    # (after its removal from g2, gw1 sends h1 -> 10.99.2.3 in clear: nothing protects it)
    clear = [p for p in pkts if ICMP in p and {p[IP].src, p[IP].dst} == {H1, H2A}]
    assert not clear, "g1's traffic in clear on the wan: %r" % clear[:3]
    # each group's traffic under its own group's SPIs (header preservation: the hosts'
    # addresses outside)
    seen = {dst: {p[ESP].spi for p in pkts if ESP in p and (p[IP].src, p[IP].dst) == (H1, dst)}
            for dst in (H2A, H2B)}
    assert seen[H2A] == {spis[("g1", "fwd")]}, (seen, spis, spis2)
    assert seen[H2B] == {spis[("g2", "fwd")], spis2[("g2", "fwd")]}, (seen, spis, spis2)
    back = {src: {p[ESP].spi for p in pkts if ESP in p and (p[IP].src, p[IP].dst) == (src, H1)}
            for src in (H2A, H2B)}
    assert back[H2A] == {spis[("g1", "rev")]}, (back, spis, spis2)
    assert back[H2B] <= {spis[("g2", "rev")], spis2[("g2", "rev")]} and back[H2B], back
