"""GDOI over IPv6 (issue 14 item 7), gdoigw alone: one gdoigw key server and two gdoigw
members talk GDOI on UDP 848 over IPv6 on the wan, and the group's TEKs carry IPv6
selectors for the hosts (6in6 group SAs with header preservation).

  h1 2001:db8:99:1::2 -- [gw1] 2001:db8:99:3::1 --+-- 2001:db8:99:3::10 [key server]
  h2 2001:db8:99:2::2 -- [gw2] 2001:db8:99:3::2 --+                      (bridge, ns wan)

The wan ports are dual-stack (gdoilib.MemberPair's IPv4 stays, unused by GDOI). Both
members register over IPv6 (Main Mode IDii ID_IPV6_ADDR, GROUPKEY-PULL), install the two
IPv6 TEKs; h1 and h2 ping6 each other through them; a unicast PUSH rekey sent to the
members' IPv6 addresses is accepted and acknowledged (RFC 8263); on the wan GDOI is
IPv6 only and the hosts' traffic is ESP with the hosts' own IPv6 addresses outside.
"""
import os

import pytest

import clilib
import gdoilib
import gwtest
from gdoi_ks_lib import GROUP_ID, GdoigwKs, make_kek_key, start_group, wait_all_acked
from nslib import sh, stop_capture
from test_netns import ping
from test_netns_gdoi_pair import tek_spis

pytestmark = pytest.mark.netns

KS6 = "2001:db8:99:3::10"
H6 = ["2001:db8:99:1::2", "2001:db8:99:2::2"]
FWD = "2001:db8:99:1::/64 -> 2001:db8:99:2::/64"
# two more pairs whose selectors are too long for a term name and alike in their first
# 20 characters: each pair must get an outbound binding of its own (lib/gm bind_name)
LONG = ["2001:db8:99:%d:aaaa:bbbb:%s:0/112" % (n, w) for w in ("cccc", "dddd")
        for n in (1, 2)]


def v6_server_conf(key, psk, long_pairs=False):
    """A gdoigw key server listening on IPv6 with IPv6 TEK selectors (and the LONG
    pairs)."""
    return """
security = { group-vpn = { server = {
  listen-address = [ "%s" ];
  ike = { proposal = ( { name = "p"; encryption-algorithm = "aes-128-cbc";
                         authentication-algorithm = "sha1"; dh-group = "group2"; } ); };
  group = ( {
    name = "g1"; group-id = %d;
    member = ( { name = "members"; address = "2001:db8:99:3::/64"; pre-shared-key = "%s"; } );
    ipsec-sa = (
      { name = "fwd"; source-address = "2001:db8:99:1::/64";
        destination-address = "2001:db8:99:2::/64";
        encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "hmac-sha-256-128";
        lifetime-seconds = 900; },
      { name = "rev"; source-address = "2001:db8:99:2::/64";
        destination-address = "2001:db8:99:1::/64";
        encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "hmac-sha1-96";
        lifetime-seconds = 900; }%s
    );
    kek = { signing-key = "%s"; ack-requested = true; };
    server-member-communication = { communication-type = "unicast"; };
    deactivation-time-delay = 30;
  } );
}; }; };
""" % (KS6, GROUP_ID, psk, "".join(
        """,
      { name = "l%d"; source-address = "%s";
        destination-address = "%s";
        encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "hmac-sha1-96";
        lifetime-seconds = 900; }""" % (i, LONG[i], LONG[i ^ 1])
        for i in range(4) if long_pairs), key)


class V6Pair(gdoilib.MemberPair):
    """gdoilib's members and hosts with IPv6 added; the members register with KS6."""

    def create(self):
        super().create()
        for i in (0, 1):
            sh("ip", "-n", self.h[i], "-6", "addr", "add", H6[i] + "/64", "dev", "eth0",
               "nodad")
            sh("ip", "-n", self.h[i], "-6", "route", "add", "default", "via",
               "2001:db8:99:%d::1" % (i + 1))

    def config(self, i, extra_vpn=""):
        n, other = i + 1, 2 - i
        ports = [
            gwtest.port_conf("ge-0/0/0", "net_af_packet0,iface=in", self.mac(i, 0),
                             v4=["10.99.%d.1/24" % n], v6=["2001:db8:99:%d::1/64" % n],
                             exception="tap"),
            gwtest.port_conf("ge-0/0/1", "net_af_packet1,iface=out", self.mac(i, 1),
                             v4=["10.99.3.%d/24" % n], v6=["2001:db8:99:3::%d/64" % n],
                             exception="tap"),
        ]
        routes = [gwtest.route_conf("2001:db8:99:%d::/64" % other,
                                    "2001:db8:99:3::%d" % other)]
        text = gwtest.config_text(ports, routes, "rtc")
        text = text.replace("system = { ", 'system = { traceoptions = { level = "info"; '
                            'flag = [ "ike", "general" ]; }; ', 1)
        text += gdoilib.member_conf([KS6], "2001:db8:99:3::%d" % n, p1="aes128-sha1").replace(
            'tek-id-length = 1; kek-signature = "bare-digest";', "")
        return text


def stop_all(dump, ks, pair):
    if dump is not None:
        dump.terminate()
        dump.wait(timeout=10)
    ks.destroy()
    pair.destroy()


def test_gdoi_over_ipv6_two_members(tmp_path):
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.skip("netns tests need root and /dev/net/tun")
    from scapy.all import ESP, IPv6, UDP, ICMPv6EchoRequest, IP, rdpcap
    pair = V6Pair(tmp_path)
    key = make_kek_key(tmp_path)
    ks = GdoigwKs(tmp_path, pair.wan, pair.KS_IP, clilib.free_port(),
                  v6_server_conf(key, gdoilib.PSK), v6=KS6 + "/64")
    dump = None
    try:
        pcap = str(tmp_path / "wan.pcap")
        dump = start_group(pair, ks, pcap, "ip or ip6")
        for i in (0, 1):
            assert pair.wait_log(i, "registered with %s for group %d" % (KS6, GROUP_ID),
                                 40), pair.logtext(i)[-3000:] + ks.text()[-3000:]
        spis = [tek_spis(pair.logtext(i)) for i in (0, 1)]
        assert spis[0] == spis[1] and len(spis[0]) == 2 and FWD in spis[0], spis
        ping(pair.h[0], H6[1], 10, v6=True)     # neighbours resolved on the way
        got, out = ping(pair.h[0], H6[1], 5, v6=True)
        assert got == 5, out + pair.logtext(0)[-3000:]
        got, out = ping(pair.h[1], H6[0], 5, v6=True)
        assert got == 5, out + pair.logtext(1)[-3000:]

        # a PUSH to the members' IPv6 addresses: accepted, acknowledged, new SPIs used
        out = ks.cli("clear security group-vpn server rekey g1")[0]
        assert "rekeyed" in out, out
        for i in (0, 1):
            assert pair.wait_log(i, "SEQ 1", 15), pair.logtext(i)[-3000:]
        show = wait_all_acked(ks)
        assert "2001:db8:99:3::1 " in show and "2001:db8:99:3::2 " in show, show
        got, out = ping(pair.h[0], H6[1], 5, v6=True)
        assert got == 5, out

        stop_capture(dump, pcap)
        dump = None
        pkts = rdpcap(pcap)
        gdoi4 = [p for p in pkts if IP in p and UDP in p and 848 in (p[UDP].sport,
                                                                  p[UDP].dport)]
        gdoi6 = [p for p in pkts if IPv6 in p and UDP in p and 848 in (p[UDP].sport,
                                                                    p[UDP].dport)]
        assert not gdoi4 and len(gdoi6) >= 16, (len(gdoi4), len(gdoi6))
        clear = [p for p in pkts if ICMPv6EchoRequest in p]
        assert not clear, "hosts' traffic in clear on the wan: %r" % clear[:3]
        esp = [p for p in pkts if IPv6 in p and ESP in p]
        h1h2 = [p for p in esp if (p[IPv6].src, p[IPv6].dst) == tuple(H6)]
        h2h1 = [p for p in esp if (p[IPv6].src, p[IPv6].dst) == (H6[1], H6[0])]
        assert len(h1h2) >= 15 and len(h2h1) >= 15, (len(h1h2), len(h2h1))
        assert spis[0][FWD] in {p[ESP].spi for p in h1h2}, spis
    finally:
        stop_all(dump, ks, pair)


def test_gdoi_ipv6_long_selectors(tmp_path):
    """Selector pairs too long for a term name and alike in their first 20 characters
    each get an outbound binding of their own: every TEK encrypts at once (with one
    shared binding the second would wait for the first's expiry). Then a PUSH of the six
    TEKs, fragmented on the wan, is accepted (it was lost at the member's TAP)."""
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.skip("netns tests need root and /dev/net/tun")
    pair = V6Pair(tmp_path)
    key = make_kek_key(tmp_path)
    ks = GdoigwKs(tmp_path, pair.wan, pair.KS_IP, clilib.free_port(),
                  v6_server_conf(key, gdoilib.PSK, long_pairs=True), v6=KS6 + "/64")
    dump = None
    try:
        dump = start_group(pair, ks, str(tmp_path / "wan.pcap"), "ip6")
        assert pair.wait_log(0, "registered with %s" % KS6, 40), pair.logtext(0)[-3000:]
        spis = tek_spis(pair.logtext(0))
        assert len(spis) == 6 and "%s -> %s" % (LONG[2], LONG[3]) in spis, spis
        for spi in spis.values():
            assert pair.wait_log(0, "TEK %08x encrypts" % spi, 5), pair.logtext(0)[-3000:]
        # a PUSH of six IPv6 TEKs is larger than the link: it arrives in IPv6 fragments,
        # which the data plane reassembles and must cut again for the TAP (lib/dp)
        out = ks.cli("clear security group-vpn server rekey g1")[0]
        assert "rekeyed" in out, out
        assert pair.wait_log(0, "PUSH SEQ 1 accepted (6 TEKs", 15), pair.logtext(0)[-3000:]
    finally:
        stop_all(dump, ks, pair)
