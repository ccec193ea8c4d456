"""Fail-open and fail-closed through the real binary when an outbound group SA expires.

h1 -- gdoigw -- h2 (nslib.NetnsTopo). The input policy of ge-0/0/0 protects all UDP
to h2's subnet with the group SA `fo-out` (SPI 0x2001, AES-128-GCM, hard lifetime
LIFETIME s) and has a fail-open term, bound to the same SA, for UDP port PORT_B only.

Phase 1, SA alive: UDP from h1 to h2 on PORT_A and PORT_B must reach h2 as ESP
(SPI 0x2001, header preservation: outer 10.99.1.2 > 10.99.2.2), decrypting to the
exact packets sent; no cleartext. The fail-open term must not apply while its SA is
usable.

Phase 2, after the control thread logged the hard lifetime (it deletes the SA and
marks its slot DIS_EXPIRED): PORT_B reaches h2 in clear with the exact payload
(fail-open); PORT_A is dropped (fail-closed) and counted as `sa-disabled` on ge-0/0/0,
the only drops after the warm-up in the stats file written at exit. SIGINT -> exit 0.
"""
import os
import signal
import subprocess
import time

import pytest

from nslib import NetnsTopo, sh, H1, H2
from esplib import SA, Term, Policy, security_text, esp_open, spi_of
from gwtest import read_pcap_bytes
from scapy.all import Ether, IP, UDP

pytestmark = pytest.mark.netns

H1_IP, H2_IP = H1["addr"].split("/")[0], H2["addr"].split("/")[0]
PORT_A, PORT_B = 7001, 7002     # protect only / protect + fail-open
N = 5                           # packets per port and phase
LIFETIME = 5                    # hard lifetime (s), from the first poll after install
HARD_LOG = "SA fo-out (spi 0x00002001): hard lifetime"

FO_SA = SA("fo-out", 0x2001, "outbound", "aes128gcm", mode="group", src="10.99.1.0/24",
           dst="10.99.2.0/24", extra="lifetime = { seconds = %d; };" % LIFETIME)
# The protect term must cover PORT_B too: a fail-open term is consulted only for a
# packet whose first matching term is a protect term with an unusable SA (without it
# PORT_B would match no term and bypass even while the SA is alive).
FO_POLICY = Policy("h1-to-h2", "ge-0/0/0", "input", [
    Term("udp-to-h2", "protect", dst="10.99.2.0/24", proto=17, sa="fo-out"),
    Term("fail-open-b", "fail-open", dst="10.99.2.0/24", proto=17, dport=str(PORT_B),
         sa="fo-out"),
])

SENDER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for arg in sys.argv[2:]:
    port, data = arg.split(":", 1)
    s.sendto(data.encode(), (sys.argv[1], int(port)))
    time.sleep(0.01)
"""


def payload(phase, port, i):
    return "failopen-p%d-%d-%d" % (phase, port, i)


def send(net, phase):
    """N packets to each port from h1; returns {payload bytes: port}."""
    sent = {payload(phase, p, i).encode(): p for i in range(N) for p in (PORT_A, PORT_B)}
    sh("/usr/bin/python3", "-c", SENDER, H2_IP,
       *("%d:%s" % (p, d.decode()) for d, p in sent.items()), ns=net.h1)
    return sent


class Capture:
    """tcpdump of ESP and UDP on h2's eth0, written as a pcap."""

    def __init__(self, net):
        self.path = os.path.join(net.workdir, "h2.pcap")
        self.err_path = self.path + ".err"
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                ["ip", "netns", "exec", net.h2, "tcpdump", "-i", "eth0", "-n", "-U",
                 "--immediate-mode", "-w", self.path, "ip proto 50 or udp"],
                stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while "listening on" not in self.errtext():
            assert self.proc.poll() is None and time.monotonic() < deadline, \
                "tcpdump did not start: " + self.errtext()
            time.sleep(0.05)

    def errtext(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def wait_frames(self, count, timeout=5):
        """Wait until the pcap holds at least count frames (or timeout s)."""
        deadline = time.monotonic() + timeout
        while len(read_pcap_bytes(self.path)) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self):
        """Stop tcpdump; the frames it wrote, as scapy IP packets (outer header)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return [Ether(f)[IP] for f in read_pcap_bytes(self.path) if IP in Ether(f)]


def checksums_ok(ip):
    """IPv4 header and UDP checksums of a received packet are valid (scapy recomputes)."""
    again = IP(bytes(ip))
    del again.chksum
    ok = IP(bytes(again)).chksum == ip.chksum
    if UDP in ip:
        again = IP(bytes(ip))
        del again[UDP].chksum
        ok = ok and IP(bytes(again))[UDP].chksum == ip[UDP].chksum
    return ok


def sort_frames(ips):
    """-> (esp, clear, other): esp = [(outer IP, inner IP)], clear = [UDP IP]."""
    esp, clear, other = [], [], []
    for ip in ips:
        if ip.proto == 50:
            espb = bytes(ip.payload)
            assert spi_of(espb) == FO_SA.spi, "ESP with SPI 0x%08x" % spi_of(espb)
            nh, inner = esp_open(FO_SA, espb)
            assert nh == 4, "inner next header %d" % nh
            esp.append((ip, IP(inner)))
        elif UDP in ip:
            clear.append(ip)
        else:
            other.append(ip)
    return esp, clear, other


def udp_to_h2(ip):
    """(dport, payload bytes) of a UDP packet h1 sent to h2, asserting the addresses."""
    assert (ip.src, ip.dst) == (H1_IP, H2_IP), ip.summary()
    assert checksums_ok(ip), "bad checksum: %s" % ip.summary()
    return ip[UDP].dport, bytes(ip[UDP].payload)


def ping_once(ns, dst):
    """Echo every 0.2 s until the first reply (3 s at most): a lost echo costs 0.2 s."""
    r = sh("ping", "-c", "1", "-i", "0.2", "-w", "3", dst, ns=ns, check=False)
    return r.returncode == 0, r.stdout + r.stderr


def warm_up(net):
    """Hosts ARP for the gateway (which learns them from the requests), then one ping
    h1 -> h2 (ICMP matches no term: bypass), so no UDP waits on neighbour resolution.
    A learned entry is sometimes lost at once (gw_dp_control_poll samples `now` before
    poll_to_kernel learns with a later TSC; gw_neigh_process(now) then sees an age that
    wrapped below zero and removes it): the echo is dropped as neigh-unresolved, the
    gateway asks by ARP within 10 ms, and the next echo goes through."""
    for ns, dst in ((net.h1, H1["gw"]), (net.h2, H2["gw"]), (net.h1, H2_IP)):
        ok, out = ping_once(ns, dst)
        assert ok, "warm-up ping %s -> %s\n%s\n%s" % (ns, dst, out, net.logtext())


@pytest.mark.parametrize("layout", ["rtc", "pipeline"])
def test_fail_open_only_while_sa_expired(tmp_path, layout):
    net = NetnsTopo(tmp_path, layout, security_text([FO_SA], [FO_POLICY]))
    cap = None
    try:
        net.create()
        net.start()
        cap = Capture(net)
        warm_up(net)
        # drops so far, to tell the warm-up's from the phases' (telemetry: '_' for '-')
        base = {r.replace("_", "-"): n for r, n in net.telemetry("/gdoigw/drops").items() if n}

        sent1 = send(net, 1)
        cap.wait_frames(2 * N)
        assert HARD_LOG not in net.logtext(), (
            "the SA expired before phase 1 was over (start-up slower than %d s?)\n%s"
            % (LIFETIME, net.logtext()))

        assert net.wait_log(HARD_LOG, LIFETIME + 5), \
            "no hard lifetime event within %d s\n%s" % (LIFETIME + 5, net.logtext())
        sent2 = send(net, 2)
        cap.wait_frames(2 * N + N)      # phase 1: 2N ESP; phase 2: N in clear
        time.sleep(0.2)                 # and anything unexpected behind them
        frames = cap.stop()
        net.stop(signal.SIGINT)
        assert net.rc == 0, "gdoigw exit status %s on SIGINT\n%s" % (net.rc, net.logtext())
    finally:
        if cap:
            cap.stop()
        net.destroy()

    esp, clear, other = sort_frames(frames)
    assert not other, [ip.summary() for ip in other]

    # Phase 1: everything encrypted, header preservation, the exact packets inside.
    got_esp = {}
    for outer, inner in esp:
        assert (outer.src, outer.dst) == (H1_IP, H2_IP), outer.summary()
        dport, data = udp_to_h2(inner)
        got_esp[data] = got_esp.get(data, []) + [dport]
    assert got_esp == {d: [p] for d, p in sent1.items()}, (
        "ESP at h2 (payload: ports) %s, sent in phase 1 %s" % (got_esp, sent1))

    # Phase 2: PORT_B in clear (fail-open), PORT_A nowhere (fail-closed).
    got_clear = {}
    for ip in clear:
        dport, data = udp_to_h2(ip)
        got_clear[data] = got_clear.get(data, []) + [dport]
    want_clear = {d: [p] for d, p in sent2.items() if p == PORT_B}
    assert got_clear == want_clear, "cleartext UDP at h2 %s, expected %s" % (
        got_clear, want_clear)

    assert net.stats, "no --stats-file written\n" + net.logtext()
    # Warm-up: at most neighbour misses (see warm_up). Phases: only the fail-closed drops.
    assert set(base) <= {"neigh-unresolved"}, "drops during the warm-up: %s" % base
    phases = {r: n - base.get(r, 0) for r, n in net.stats["drops"].items()
              if n - base.get(r, 0)}
    assert phases == {"sa-disabled": N}, (
        "drops after the warm-up %s; expected only the %d phase-2 packets to port %d as "
        "sa-disabled" % (phases, N, PORT_A))
    by_port = {p["name"]: p["drops"].get("sa-disabled", 0) for p in net.stats["ports"]}
    assert by_port == {"ge-0/0/0": N, "ge-0/0/1": 0}, by_port
