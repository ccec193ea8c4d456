"""A group run by gdoigw alone: one gdoigw key server, two gdoigw members, a host behind
each (no third-party peer needed).

  h1 10.99.1.2 -- [gw1] 10.99.3.1 --+-- 10.99.3.10 [gdoigw key server]   (bridge, ns wan)
  h2 10.99.2.2 -- [gw2] 10.99.3.2 --+

Both members register (Main Mode 3DES/SHA-1, GROUPKEY-PULL with RFC 6407 wire layouts,
PKCS#1 DigestInfo signatures) and get the same two TEKs; the hosts ping and move 10 MB of
TCP through them (on the wan: ESP with the hosts' addresses, never clear text). A PUSH
rekey (TEKs and KEK, unicast) while h1 pings h2 every 50 ms loses no ping, the members
move to the new SPIs and acknowledge it (RFC 8263: the server shows both holding the
current policy). A removed member gets deletes and its traffic stops; the other keeps
the group.
"""
import os
import subprocess
import time

import pytest

import clilib
import gdoilib
from gdoi_ks_lib import GdoigwKs, make_kek_key, pair_server_conf, start_group, wait_all_acked
from nslib import stop_capture
from tcpcheck import tcp_transfer
from test_netns import ping
from test_netns_gdoi_pair import tek_spis

pytestmark = pytest.mark.netns


class RfcPair(gdoilib.MemberPair):
    """gdoilib's members, with the RFC 6407 layouts a gdoigw key server sends."""

    def config(self, i, extra_vpn=""):
        return super().config(i, extra_vpn).replace(
            'tek-id-length = 1; kek-signature = "bare-digest";', "")


def start_members(pair, ks):
    """Start both members; once both registered with the same two TEKs, return
    {selectors: SPI}."""
    pair.start(0)
    pair.start(1)
    for i in (0, 1):
        assert pair.wait_log(i, "registered with %s for group 1234" % pair.KS_IP, 90), \
            pair.logtext(i)[-3000:] + ks.text()[-3000:]
    spis = [tek_spis(pair.logtext(i)) for i in (0, 1)]
    assert spis[0] == spis[1] and len(spis[0]) == 2, spis
    return spis[0]


def test_gdoigw_key_server_two_members(tmp_path):
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.skip("netns tests need root and /dev/net/tun")
    from scapy.all import ESP, IP, TCP, ICMP, rdpcap
    pair = RfcPair(tmp_path)
    key = make_kek_key(tmp_path)
    ks = GdoigwKs(tmp_path, pair.wan, pair.KS_IP, clilib.free_port(),
                  pair_server_conf(key, gdoilib.PSK))
    dump = None
    try:
        pcap = str(tmp_path / "wan.pcap")
        dump = start_group(pair, ks, pcap)
        for i in (0, 1):
            assert pair.wait_log(i, "registered with %s for group 1234" % pair.KS_IP, 90), \
                pair.logtext(i)[-3000:] + ks.text()[-3000:]
        spis = [tek_spis(pair.logtext(i)) for i in (0, 1)]
        assert spis[0] == spis[1] and len(spis[0]) == 2, spis
        fwd = spis[0]["10.99.1.0/24 -> 10.99.2.0/24"]
        got, out = ping(pair.h[0], "10.99.2.2", 10)
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        assert got == 5, out + pair.logtext(0)[-3000:]
        tcp_transfer(pair.h[0], pair.h[1], "10.99.2.2")

        # a rekey under traffic: 100 pings 50 ms apart, the PUSH in the middle
        pinger = subprocess.Popen(["ip", "netns", "exec", pair.h[0], "ping", "-c", "100",
                                   "-i", "0.05", "-W", "2", "10.99.2.2"],
                                  stdout=subprocess.PIPE, text=True)
        time.sleep(1.5)
        out = ks.cli("clear security group-vpn server rekey g1 kek")[0]
        assert "rekeyed" in out, out
        pout, _ = pinger.communicate(timeout=60)
        assert "100 received" in pout, pout
        for i in (0, 1):
            assert pair.wait_log(i, "SEQ 1", 10) or "SEQ 1" in pair.logtext(i), \
                pair.logtext(i)[-3000:]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            spis2 = [tek_spis(pair.logtext(i)) for i in (0, 1)]
            if spis2[0] == spis2[1] and spis2[0]["10.99.1.0/24 -> 10.99.2.0/24"] != fwd:
                break
            time.sleep(0.5)
        assert spis2[0] == spis2[1] and spis2[0]["10.99.1.0/24 -> 10.99.2.0/24"] != fwd, \
            (spis, spis2)
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        assert got == 5, out
        # RFC 8263: both members acknowledged SEQ 1
        show = wait_all_acked(ks)
        assert "10.99.3.1 " in show and "10.99.3.2 " in show, show

        # removal: gw1 gets deletes; the others (gw2) new keys gw1 does not have
        out = ks.cli("clear security group-vpn server member g1 10.99.3.1",
                     "show security group-vpn server members g1")
        assert "removed" in out[0] and "10.99.3.1 " not in out[1], out
        time.sleep(2)
        got, out = ping(pair.h[0], "10.99.2.2", 3)
        assert got == 0, "a removed member still exchanges traffic: " + out

        stop_capture(dump, pcap)
        dump = None
        pkts = [p for p in rdpcap(pcap) if IP in p]
        clear = [p for p in pkts if (TCP in p or ICMP in p) and
                 {p[IP].src, p[IP].dst} == {"10.99.1.2", "10.99.2.2"}]
        assert not clear, "hosts' traffic in clear on the wan: %r" % clear[:3]
        h1h2 = [p for p in pkts if ESP in p and (p[IP].src, p[IP].dst) ==
                ("10.99.1.2", "10.99.2.2")]
        assert len(h1h2) > 5000, len(h1h2)
    finally:
        if dump:
            dump.terminate()
            dump.wait(timeout=10)
        ks.destroy()
        pair.destroy()
    bad = subprocess.run(["tshark", "-r", pcap, "-d", "udp.port==848,isakmp", "-Y",
                          '_ws.malformed || _ws.expert.severity >= "warning"'],
                         capture_output=True, text=True).stdout
    assert bad.strip() == "", bad
