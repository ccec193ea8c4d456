"""gdoigw as a GDOI key server (lib/gks) for a member it did not write: the Cisco GDOI
reference gdoid (test/peers.py builds it; skipped without its sources) in h1 registers
with gdoigw in the gateway namespace (10.99.1.1, UDP 848 on the exception TAP): IKEv1
Main Mode with 3DES or AES-128, then GROUPKEY-PULL of two TEKs (AES-CBC + HMAC-SHA-256,
3DES + HMAC-SHA-1) and an RSA-signed KEK. Rekeys pushed through the CLI (`clear
security group-vpn server rekey`, TEKs then KEK) reach it by multicast, `show security
group-vpn server` reports it, and the deletes of a stopping key server reach it too.
tshark finds nothing malformed on the wire. The server also listens on IPv6: a Main Mode
message 1 from h1's IPv6 address is answered."""
import os
import shutil
import subprocess
import sys
import time

import pytest

from nslib import NetnsTopo, sh
from gdoi_ks_lib import GdoidMember, make_kek_key, server_conf

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pkt"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import clilib  # noqa: E402
import peers  # noqa: E402

pytestmark = pytest.mark.netns


class KsTopo(NetnsTopo):
    def __init__(self, workdir, port, extra):
        super().__init__(workdir, "rtc", extra_conf=extra)
        self.port = port

    def config(self):
        return clilib.with_cli(super().config(), self.port)


def need_root_and_gdoid():
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.skip("netns tests need root and /dev/net/tun")
    try:
        return peers.gdoid_binary()
    except peers.PeerMissing as e:
        pytest.skip(str(e))


MM1 = os.path.join(os.path.dirname(__file__), "..", "fuzz", "corpus", "fuzz_gdoi_msg",
                   "gdoid-mm1.bin")
SEND_V6 = r'''
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(open(sys.argv[1], "rb").read(), ("2001:db8:99:1::1", 848))
r, a = s.recvfrom(9000)
print(r[18], r[8:16].hex())
'''


def mm1_over_ipv6(ns):
    """Exchange type of the key server's answer to a Main Mode message 1 over IPv6."""
    out = sh("/usr/bin/python3", "-c", SEND_V6, MM1, ns=ns, check=False, timeout=20)
    exch, rcookie = out.stdout.split() if out.returncode == 0 else ("0", "")
    assert rcookie not in ("", "0" * 16), out.stderr
    return int(exch)


@pytest.mark.parametrize("enc", ["3DES_CBC", "AES_CBC"])
def test_gdoid_member_registers_and_takes_pushes(tmp_path, enc):
    gdoid = need_root_and_gdoid()
    port = clilib.free_port()
    key = make_kek_key(tmp_path)
    net = KsTopo(tmp_path, port, server_conf(key, listen=("10.99.1.1", "2001:db8:99:1::1")))
    gm = dump = None
    wire = os.path.join(str(tmp_path), "wire.pcap")
    try:
        net.create()
        net.start()
        # rekeys go to the multicast group: out of the gateway's TAP, into h1's eth0
        sh("ip", "-n", net.gw, "route", "add", "224.0.0.0/4", "dev", "gw0")
        sh("ip", "-n", net.h1, "route", "add", "224.0.0.0/4", "dev", "eth0")
        if shutil.which("tcpdump"):
            dump = subprocess.Popen(["ip", "netns", "exec", net.h1, "tcpdump", "-i", "eth0",
                                     "-U", "-w", wire, "udp", "port", "848"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        gm = GdoidMember(gdoid, tmp_path, net.h1, "10.99.1.2", "10.99.1.1", enc)
        gm.start()
        assert gm.wait("DONE WITH PHASE 2", 40), gm.text()[-4000:] + net.logtext()
        assert gm.count("SPI found (KD)") >= 2
        # GDOI over IPv6 reaches the same server: gdoid's Main Mode message 1 sent from
        # h1's IPv6 address gets message 2 (gdoid itself speaks IPv4 only)
        assert mm1_over_ipv6(net.h1) == 2
        s = clilib.Session(port, netns=net.gw)
        out = s.cmd("show security group-vpn server group g1 detail")
        assert "Members: 1" in out and "10.99.1.2" in out, out
        assert "aes-cbc-128/hmac-sha-256-128" in out and "3des-cbc/hmac-sha1-96" in out
        assert "group g1 rekeyed" in s.cmd("clear security group-vpn server rekey g1")
        assert gm.wait("DONE WITH REKEY (RECEIVE)", 20), gm.text()[-4000:]
        assert "group g1 rekeyed" in s.cmd("clear security group-vpn server rekey g1 kek")
        assert gm.wait("DONE WITH REKEY (RECEIVE)", 20, count=2), gm.text()[-4000:]
        assert gm.wait("GOT SEQ # of: 2", 5), gm.text()[-4000:]
        out = s.cmd("show security group-vpn server group g1")
        assert "SEQ: 2" in out, out
        out = s.cmd("show security group-vpn server statistics")
        assert "Registrations done 1" in out, out
        s.close()
        assert gm.alive()
        # a stopping key server deletes the group's SAs (a last signed PUSH)
        net.stop()
        assert gm.wait("GOT SEQ # of: 3", 10), gm.text()[-4000:]
        assert gm.alive()
    finally:
        if gm is not None:
            gm.stop()
        if dump is not None:
            dump.terminate()
            dump.wait(timeout=10)
        net.destroy()
    assert net.rc == 0, net.logtext()
    if dump is not None and shutil.which("tshark"):
        bad = subprocess.run(["tshark", "-r", wire, "-d", "udp.port==848,isakmp", "-Y",
                              '_ws.malformed || _ws.expert.severity >= "warning"'],
                             capture_output=True, text=True).stdout
        assert bad.strip() == "", bad
        n = subprocess.run(["tshark", "-r", wire, "-d", "udp.port==848,isakmp"],
                           capture_output=True, text=True).stdout
        assert "New Group Mode" in n, n          # the PUSHes (exchange 33) on the wire
