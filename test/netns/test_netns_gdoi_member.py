"""gdoigw as GDOI group member against the GDOI reference key server (gdoid).

h1 -- [gdoigw member: ge-0/0/0 10.99.1.1, ge-0/0/1 10.99.2.1] -- h2 (10.99.2.2: gdoid KS)

The member registers (IKEv1 Main Mode with a pre-shared key, 3DES or AES-128 phase 1,
then GROUPKEY-PULL for group 1234), installs the two TEKs gdoid downloads (AES-CBC with
HMAC-SHA-256 for 10.99.1.0/24 -> 10.99.2.0/24, 3DES with HMAC-SHA1 for the reverse)
and the KEK (3DES, RSA-2048 signatures), takes gdoid's TEK and KEK rekeys
(GROUPKEY-PUSH, every 10 s and 25 s) and the DELETE gdoid pushes when it stops.
Skips when the gdoid sources are not beside the checkout (test/peers.py).
"""
import os
import shutil
import subprocess
import sys
import time

import pytest

from nslib import NetnsTopo
import gdoilib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pkt"))
import clilib  # noqa: E402

pytestmark = pytest.mark.netns

TRACE = 'system = { traceoptions = { level = "info"; flag = [ "ike", "general" ]; }; '
TEKS = [(gdoilib.TEK_AES_SHA256, "10.99.1.0/24", "10.99.2.0/24"),
        (gdoilib.TEK_3DES_SHA1, "10.99.2.0/24", "10.99.1.0/24")]


class MemberTopo(NetnsTopo):
    port = None

    def config(self):
        text = super().config().replace("system = { ", TRACE, 1)
        return clilib.with_cli(text, self.port) if self.port else text


def wait(pred, timeout, step=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return False


def log_count(topo, needle):
    with open(topo.log_path, errors="replace") as f:
        return f.read().count(needle)


def check_wire(pcap):
    """tshark dissects every message gdoigw sent (and gdoid's) as ISAKMP: Main Mode 1-4
    in clear, the rest encrypted; no malformed frame, no expert warning. (Decrypting
    them needs tshark to learn the cipher from the phase 1 SA, which it cannot when
    that SA carries DOI 2, as gdoid requires: it reads it in the GDOI layout.)"""
    if not shutil.which("tshark"):
        return
    base = ["tshark", "-r", pcap, "-d", "udp.port==848,isakmp"]
    ours = subprocess.run(base + ["-Y", "ip.src==10.99.2.1 && isakmp", "-T", "fields",
                                  "-e", "isakmp.exchangetype"], capture_output=True,
                          text=True, timeout=60).stdout.split()
    assert ours.count("2") == 3 and ours.count("32") == 2, ours
    bad = subprocess.run(base + ["-Y", '_ws.malformed || _ws.expert.severity >= "warning"'],
                         capture_output=True, text=True, timeout=60).stdout
    assert bad.strip() == "", bad
    clear = subprocess.run(base + ["-Y", "ip.src==10.99.2.1 && (isakmp.sa.doi || isakmp.key_exchange.data)",
                                   "-T", "fields", "-e", "isakmp.sa.doi", "-e",
                                   "isakmp.nonce"], capture_output=True, text=True,
                           timeout=60).stdout.splitlines()
    assert len(clear) == 2, clear       # our SA (DOI 2) and our KE/nonce, dissected


@pytest.mark.parametrize("p1", ["3des-sha1", "aes128-sha1"])
def test_register_rekey_delete(tmp_path, p1):
    gdoid = gdoilib.gdoid_or_skip()
    topo = MemberTopo(tmp_path, "rtc",
                      extra_conf=gdoilib.member_conf(["10.99.2.2"], "10.99.2.1", p1=p1))
    topo.port = clilib.free_port()
    ks = dump = None
    try:
        topo.create()
        conf = gdoilib.ks_config(str(tmp_path), "10.99.2.2", ["10.99.2.1"], "10.99.2.1",
                                 TEKS, p1=p1, rekey_period=10, kek_rekey_period=25)
        ks = gdoilib.GdoidKS(gdoid, topo.h2, tmp_path, conf)
        ks.start()
        pcap = str(tmp_path / "gdoi.pcap")
        dump = subprocess.Popen(["ip", "netns", "exec", topo.h2, "tcpdump", "-i", "eth0", "-U",
                                 "-w", pcap, "udp", "port", "848"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        topo.start()
        assert topo.wait_log("registered with 10.99.2.2 for group 1234", 60), topo.logtext()
        assert wait(lambda: "DONE WITH PHASE 2" in ks.text(), 10), ks.text()[-3000:]
        log = topo.logtext()
        assert log.count("installed (10.99.1.0/24 -> 10.99.2.0/24") == 1, log
        assert log.count("installed (10.99.2.0/24 -> 10.99.1.0/24") == 1, log
        # TEK rekeys (every 10 s) and a KEK rekey (25 s), each signed with the KEK; the
        # PUSH after the KEK rekey is encrypted and signed under the new KEK
        assert topo.wait_log("PUSH SEQ 2 accepted (2 TEKs", 40), topo.logtext()
        assert topo.wait_log("KEK rekeyed", 30), topo.logtext() + ks.text()[-3000:]
        seq = log_count(topo, "accepted (")
        assert wait(lambda: log_count(topo, "accepted (") > seq, 30), topo.logtext()
        assert log_count(topo, "push-bad-signature") == 0
        assert log_count(topo, "push-replayed") == 0
        # the CLI shows the real state (re-registration: test_netns_gdoi_pair.py; gdoid
        # takes no new registration on its address once it has pushed)
        spis = [l.split("TEK ")[1].split()[0] for l in topo.logtext().splitlines()
                if " installed (" in l]
        cli = clilib.Session(topo.port, netns=topo.gw)
        ike = cli.cmd("show security group-vpn member ike security-associations")
        assert "UP" in ike and "10.99.2.2" in ike and "1234" in ike, ike
        ipsec = cli.cmd("show security group-vpn member ipsec security-associations detail")
        assert spis[-1] in ipsec and "push-accepted" in ipsec, ipsec
        cli.close()
        # gdoid's last PUSH on SIGTERM deletes every TEK
        ks.stop()
        assert topo.wait_log("deleted by the key server", 15), topo.logtext()
        time.sleep(0.5)
        dump.terminate()
        dump.wait(timeout=10)
        check_wire(pcap)
    finally:
        if ks:
            ks.stop()
        if dump and dump.poll() is None:
            dump.terminate()
            dump.wait(timeout=10)
        topo.destroy()


@pytest.mark.slow
def test_server_failover(tmp_path):
    """The first server-address never answers: Main Mode 1 is sent 4 times 10 s apart
    (three retransmits), then the member registers with the second key server."""
    gdoid = gdoilib.gdoid_or_skip()
    topo = MemberTopo(tmp_path, "rtc", extra_conf=gdoilib.member_conf(
        ["10.99.2.99", "10.99.2.2"], "10.99.2.1"))
    ks = None
    try:
        topo.create()
        conf = gdoilib.ks_config(str(tmp_path), "10.99.2.2", ["10.99.2.1"], "10.99.2.1", TEKS)
        ks = gdoilib.GdoidKS(gdoid, topo.h2, tmp_path, conf)
        ks.start()
        t0 = time.monotonic()
        topo.start()
        assert topo.wait_log("registered with 10.99.2.2 for group 1234", 75), topo.logtext()
        elapsed = time.monotonic() - t0
        log = topo.logtext()
        assert "registration with 10.99.2.99 failed: no answer [registrations-failed]" in log
        assert log.index("failed: no answer") < log.index("registered with 10.99.2.2")
        assert 38 <= elapsed <= 75, elapsed      # 4 sends 10 s apart on the first server
    finally:
        if ks:
            ks.stop()
        topo.destroy()
