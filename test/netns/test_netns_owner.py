"""SAs and terms of a non-configuration owner survive 20 SIGHUP reloads.

h1 -- gdoigw -- h2 (nslib.NetnsTopo, run-to-completion and pipeline). The TEST-ONLY hook
GDOIGW_TEST_OWNER_FILE (lib/apply/apply_test.c) makes the gateway read a second file
in the configuration's syntax at start and install its SAs and policy under the owner
"test-0" through the install interface, the calls GDOI and IKEv2 make:

  test-0:  T-out (outbound group SA, SPI 0x7001) protects UDP h1 -> h2 port PORT_T;
           T-in  (inbound group SA, SPI 0x7002) decrypts what h2 sends to h1.
  config:  round r of 20 has C-out (outbound group SA, SPI 0x6000 + r, a key of its
           own) protecting UDP h1 -> h2 port PORT_C; every fifth round the file has no
           security section at all (PORT_C then crosses in clear, as the file says).

Each round rewrites the configuration, sends SIGHUP, waits for the reload, then sends
N UDP packets per port from h1 and N ESP packets (built with scapy's
SecurityAssociation for T-in) from h2. Every packet must arrive: at h2 the PORT_T ones
as ESP with SPI 0x7001 that scapy decrypts to the exact datagram, the PORT_C ones as
ESP with this round's SPI and key (or in clear); at h1 the exact decrypted datagrams.
Nothing of the test owner is lost or dropped across the reloads.
"""
import os
import signal
import socket
import subprocess
import time

import pytest

from nslib import NetnsTopo, sh, H1, H2
from esplib import SA, Term, Policy, security_text, esp_open, esp_seal, spi_of
from gwtest import read_pcap_bytes
from scapy.all import Ether, IP, UDP

pytestmark = pytest.mark.netns

H1_IP, H2_IP = H1["addr"].split("/")[0], H2["addr"].split("/")[0]
PORT_T, PORT_C = 7101, 7102
N = 4
ROUNDS = 20

T_OUT = SA("T-out", 0x7001, "outbound", "aes128gcm", mode="group", src="10.99.1.0/24",
           dst="10.99.2.0/24")
T_IN = SA("T-in", 0x7002, "inbound", "aes128gcm", mode="group", src="10.99.2.0/24",
          dst="10.99.1.0/24")
T_POLICY = Policy("test-owner", "ge-0/0/0", "input", [
    Term("to-h2-t", "protect", dst="10.99.2.0/24", proto=17, dport=str(PORT_T), sa="T-out")])


def conf_sa(r):
    return SA("C-out", 0x6000 + r, "outbound", "aes128gcm", mode="group", src="10.99.1.0/24",
              dst="10.99.2.0/24", key_seed=5000 + r)


def conf_security(r):
    if r % 5 == 4:
        return None
    # the configuration's terms come first in the union: it only names PORT_C
    pol = Policy("conf", "ge-0/0/0", "input", [
        Term("to-h2-c", "protect", dst="10.99.2.0/24", proto=17, dport=str(PORT_C),
             sa="C-out")] + [Term("pad-%d" % k, "bypass", dst="10.77.%d.0/24" % k)
                              for k in range(r % 3)])
    return security_text([conf_sa(r)], [pol])


SENDER = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for arg in sys.argv[2:]:
    port, data = arg.split(":", 1)
    s.sendto(data.encode(), (sys.argv[1], int(port)))
"""

RAW_SENDER = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for hexpkt in sys.argv[1:]:
    s.sendto(bytes.fromhex(hexpkt), ("10.99.1.2", 0))
"""


class Capture:
    def __init__(self, ns, workdir, name, bpf):
        self.path = os.path.join(workdir, name + ".pcap")
        self.err_path = self.path + ".err"
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                ["ip", "netns", "exec", ns, "tcpdump", "-i", "eth0", "-n", "-U",
                 "--immediate-mode", "-w", self.path, bpf],
                stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while "listening on" not in open(self.err_path, errors="replace").read():
            assert self.proc.poll() is None and time.monotonic() < deadline, "tcpdump"
            time.sleep(0.05)

    def count(self):
        return len(read_pcap_bytes(self.path)) if os.path.exists(self.path) else 0

    def wait(self, n, timeout=10):
        deadline = time.monotonic() + timeout
        while self.count() < n and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=10)
        return [Ether(f)[IP] for f in read_pcap_bytes(self.path) if IP in Ether(f)]


def esp_to_h1(r, i):
    """h2 -> h1 UDP datagram sealed with T-in (header preservation: outer = inner)."""
    data = ("tin-%d-%d" % (r, i)).encode()
    inner = IP(src=H2_IP, dst=H1_IP, ttl=64) / UDP(sport=5555, dport=PORT_T) / data
    espb = esp_seal(T_IN, bytes(inner), 4, seq=r * N + i + 1)
    return bytes(IP(src=H2_IP, dst=H1_IP, proto=50, ttl=64) / espb), data


@pytest.mark.parametrize("layout", ["rtc", "pipeline"])
def test_test_owner_survives_reloads(tmp_path, layout):
    owner_file = os.path.join(str(tmp_path), "test-owner.conf")
    net = NetnsTopo(tmp_path, layout, extra_conf=conf_security(0) or "")
    with open(owner_file, "w") as f:
        f.write(net.config().replace(conf_security(0), "") +
                security_text([T_OUT, T_IN], [T_POLICY]))
    os.environ["GDOIGW_TEST_OWNER_FILE"] = owner_file
    try:
        net.create()
        net.start()
        del os.environ["GDOIGW_TEST_OWNER_FILE"]
        assert net.wait_log("test owner: 2 SAs", 5), net.logtext()
        # warm-up: both hosts' addresses resolved by the gateway before counting
        for ns, dst in ((net.h1, H2_IP), (net.h2, H1_IP)):
            r = sh("ping", "-c", "1", "-i", "0.2", "-w", "5", dst, ns=ns, check=False)
            assert r.returncode == 0, r.stdout + r.stderr + net.logtext()
        at_h2 = Capture(net.h2, str(tmp_path), "h2", "src host %s and (ip proto 50 or udp)"
                        % H1_IP)
        at_h1 = Capture(net.h1, str(tmp_path), "h1", "udp and src host %s" % H2_IP)
        conf = os.path.join(str(tmp_path), "gw.conf")
        expect_h2 = expect_h1 = 0
        sent = []
        for r in range(ROUNDS):
            if r > 0:
                net.extra_conf = conf_security(r) or ""
                with open(conf, "w") as f:
                    f.write(net.config())
                before = open(net.log_path, errors="replace").read().count(
                    "configuration reloaded")
                net.proc.send_signal(signal.SIGHUP)
                deadline = time.monotonic() + 10
                while open(net.log_path, errors="replace").read().count(
                        "configuration reloaded") <= before:
                    assert time.monotonic() < deadline, "reload %d: %s" % (r, net.logtext())
                    time.sleep(0.05)
            args = []
            for i in range(N):
                for port in (PORT_T, PORT_C):
                    args.append("%d:r%d-%d-%d" % (port, r, port, i))
            sh("/usr/bin/python3", "-c", SENDER, H2_IP, *args, ns=net.h1)
            pkts = [esp_to_h1(r, i) for i in range(N)]
            sh("/usr/bin/python3", "-c", RAW_SENDER, *(p.hex() for p, _d in pkts), ns=net.h2)
            sent.append((r, [d for _p, d in pkts]))
            expect_h2 += 2 * N
            expect_h1 += N
            at_h2.wait(expect_h2)
            at_h1.wait(expect_h1)
        h2 = at_h2.stop()
        h1 = at_h1.stop()
    finally:
        os.environ.pop("GDOIGW_TEST_OWNER_FILE", None)
        net.destroy()
    log = net.logtext()
    # --- h2: every datagram, as ESP of the right SA (or in clear when the file says so)
    got = {}
    for ip in h2:
        if ip.proto == 50:
            espb = bytes(ip.payload)
            spi = spi_of(espb)
            if spi == T_OUT.spi:
                nh, inner = esp_open(T_OUT, espb)
            else:
                r = spi - 0x6000
                assert 0 < r < ROUNDS or r == 0, "ESP with SPI 0x%08x" % spi
                nh, inner = esp_open(conf_sa(r), espb)
            assert nh == 4
            u = IP(inner)
            got[bytes(u[UDP].payload).decode()] = ("esp", spi)
        else:
            got[bytes(ip[UDP].payload).decode()] = ("clear", None)
    for r in range(ROUNDS):
        for i in range(N):
            t = got.get("r%d-%d-%d" % (r, PORT_T, i))
            assert t == ("esp", T_OUT.spi), "round %d test-owner packet %d: %s\n%s" % (
                r, i, t, log)
            c = got.get("r%d-%d-%d" % (r, PORT_C, i))
            want = ("clear", None) if conf_security(r) is None else ("esp", 0x6000 + r)
            assert c == want, "round %d config packet %d: %s, want %s" % (r, i, c, want)
    assert len(h2) == ROUNDS * 2 * N, "%d frames at h2" % len(h2)
    # --- h1: every datagram T-in decrypted, exactly once
    payloads = sorted(bytes(ip[UDP].payload) for ip in h1)
    assert payloads == sorted(d for _r, ds in sent for d in ds), log
    assert log.count("configuration reloaded") == ROUNDS - 1
