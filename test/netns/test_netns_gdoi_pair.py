"""Two gdoigw group members keyed by the GDOI reference key server (gdoid), hosts behind
each: ping and 10 MB of TCP through the group SAs.

  h1 10.99.1.2 -- [gw1] 10.99.3.1 --+-- 10.99.3.10 gdoid KS (bridge in namespace wan)
  h2 10.99.2.2 -- [gw2] 10.99.3.2 --+

Both members register for group 1234 and get the same two TEKs: AES-CBC/HMAC-SHA-256 for
10.99.1.0/24 -> 10.99.2.0/24, 3DES/HMAC-SHA1 for the reverse. On the wan bridge (tcpdump)
the hosts' traffic is ESP with those SPIs and the hosts' own addresses outside (header
preservation), never in clear; a reload keeps the group; re-registration from the CLI keeps it flowing; when the
key server stops, its DELETE leaves gw1 fail-closed (pings dropped, nothing in clear).
gdoid installs no data plane, hence two gdoigw members.
Skips when the gdoid sources are not beside the checkout (test/peers.py).
"""
import signal
import subprocess
import time

import pytest

import clilib
import gdoilib
from nslib import stop_capture
from tcpcheck import tcp_transfer
from test_netns import ping

pytestmark = pytest.mark.netns

TEKS = [(gdoilib.TEK_AES_SHA256, "10.99.1.0/24", "10.99.2.0/24"),
        (gdoilib.TEK_3DES_SHA1, "10.99.2.0/24", "10.99.1.0/24")]


def tek_spis(text):
    """{selectors: SPI} from 'TEK xxxxxxxx installed (src -> dst' log lines."""
    out = {}
    for line in text.splitlines():
        if " installed (" in line and "TEK " in line:
            spi = line.split("TEK ")[1].split()[0]
            sel = line.split("installed (")[1].split(",")[0]
            out[sel] = int(spi, 16)
    return out


def test_ping_and_tcp_through_group_sa(tmp_path):
    from scapy.all import ESP, IP, TCP, ICMP, rdpcap
    gdoid = gdoilib.gdoid_or_skip()
    pair = gdoilib.MemberPair(tmp_path)
    pair.cli_ports[0] = clilib.free_port()
    ks = dump = None
    try:
        pair.create()
        conf = gdoilib.ks_config(str(tmp_path), pair.KS_IP, ["10.99.3.1", "10.99.3.2"],
                                 "10.99.3.1", TEKS, tek_life=900)
        ks = gdoilib.GdoidKS(gdoid, pair.wan, tmp_path, conf)
        ks.start()
        pcap = str(tmp_path / "wan.pcap")
        dump = subprocess.Popen(["ip", "netns", "exec", pair.wan, "tcpdump", "-i", "br0",
                                 "-U", "-w", pcap, "ip"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        pair.start(0)
        pair.start(1)
        for i in (0, 1):
            assert pair.wait_log(i, "registered with %s for group 1234" % pair.KS_IP, 90), \
                pair.logtext(i) + ks.text()[-3000:]
        spis = [tek_spis(pair.logtext(i)) for i in (0, 1)]
        assert spis[0] == spis[1] and len(spis[0]) == 2, spis
        fwd, rev = spis[0]["10.99.1.0/24 -> 10.99.2.0/24"], spis[0]["10.99.2.0/24 -> 10.99.1.0/24"]

        # ping: the first replies may wait for ARP on both gateways
        got, out = ping(pair.h[0], "10.99.2.2", 10)
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        assert got == 5, out + pair.logtext(0)[-3000:] + pair.logtext(1)[-3000:]

        tcp_transfer(pair.h[0], pair.h[1], "10.99.2.2")

        # a reload (SIGHUP) with the group's configuration unchanged keeps the group
        # running: no new registration, the SAs stay, pings pass at once
        pair.procs[0].send_signal(signal.SIGHUP)
        assert pair.wait_log(0, "configuration reloaded", 20), pair.logtext(0)
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        assert got == 5, out
        assert pair.logtext(0).count("registering for group") == 1, pair.logtext(0)

        # re-registration on request (the CLI): same TEKs, traffic keeps flowing
        cli = clilib.Session(pair.cli_ports[0], netns=pair.g[0])
        assert "Re-registration started" in cli.cmd(
            "request security group-vpn member re-register vpn gv")
        assert "error" in cli.cmd("request security group-vpn member re-register vpn nope")
        cli.close()
        deadline = time.monotonic() + 30
        while pair.logtext(0).count("registered with") < 2 and time.monotonic() < deadline:
            time.sleep(0.25)
        assert pair.logtext(0).count("registered with") == 2, pair.logtext(0)
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        assert got == 5, out

        # the key server leaves: its DELETE (sent to gw1, the KEK's destination) takes
        # gw1's TEKs away; h1's traffic is then dropped (fail-closed), never sent in clear
        ks.stop()
        assert pair.wait_log(0, "deleted by the key server", 15), pair.logtext(0)
        got, out = ping(pair.h[0], "10.99.2.2", 3)
        assert got == 0, out
        assert "group-vpn member gv: TEK" in pair.logtext(1)   # gw2 got no DELETE

        stop_capture(dump, pcap)
        dump = None
        pkts = [p for p in rdpcap(pcap) if IP in p]
        esp = [p for p in pkts if ESP in p]
        clear = [p for p in pkts if (TCP in p or ICMP in p) and
                 {p[IP].src, p[IP].dst} == {"10.99.1.2", "10.99.2.2"}]
        assert not clear, "hosts' traffic in clear on the wan: %r" % clear[:3]
        h1h2 = [p for p in esp if (p[IP].src, p[IP].dst) == ("10.99.1.2", "10.99.2.2")]
        h2h1 = [p for p in esp if (p[IP].src, p[IP].dst) == ("10.99.2.2", "10.99.1.2")]
        assert len(h1h2) > 5000 and {p[ESP].spi for p in h1h2} == {fwd}, (
            len(h1h2), {hex(p[ESP].spi) for p in h1h2}, hex(fwd))
        assert len(h2h1) > 100 and {p[ESP].spi for p in h2h1} == {rev}, (
            len(h2h1), {hex(p[ESP].spi) for p in h2h1}, hex(rev))
    finally:
        if dump:
            dump.terminate()
            dump.wait(timeout=10)
        if ks:
            ks.stop()
        pair.destroy()
