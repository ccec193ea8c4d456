"""Decrypted packets for the gateway itself reach its kernel as Ethernet frames.

h1 -- gdoigw -- h2 (nslib.NetnsTopo, exception TAPs). h2 sends, as raw frames on its
eth0, ESP built by scapy (AES-128-GCM, tunnel mode, inbound SAs of the gateway) whose
inner packets are UDP datagrams from h2 to the gateway's own address on ge-0/0/1, IPv4
(10.99.2.1) and IPv6 (2001:db8:99:2::1). The ESP stage strips layer 2; the gateway must
frame the decrypted packet again before the exception ring, or the kernel reads the IP
header as an Ethernet header and the datagram is lost. A UDP socket in the gateway's
namespace must receive both payloads.
"""
import os
import subprocess
import time

import pytest

from nslib import NetnsTopo, sh, GW_MAC
from esplib import SA, security_text, esp_seal, outer_ip
from scapy.all import Ether, IP, IPv6, UDP, Raw

pytestmark = pytest.mark.netns

GW4, H2_4 = "10.99.2.1", "10.99.2.2"
GW6, H2_6 = "2001:db8:99:2::1", "2001:db8:99:2::2"
PORT4, PORT6 = 7100, 7101

SAS = [
    SA("to-gw4", 0x4401, "inbound", "aes128gcm", local=GW4, remote=H2_4,
       src=H2_4 + "/32", dst=GW4 + "/32"),
    SA("to-gw6", 0x4402, "inbound", "aes128gcm", local=GW6, remote=H2_6,
       src=H2_6 + "/128", dst=GW6 + "/128"),
]

RECEIVER = r"""
import select, socket, sys, time
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.bind(("0.0.0.0", %d))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s6.bind(("::", %d))
print("ready", flush=True)
want = int(sys.argv[1]) if len(sys.argv) > 1 else 2
got, deadline = set(), time.monotonic() + 10
while len(got) < want and time.monotonic() < deadline:
    r, _w, _x = select.select([s4, s6], [], [], 0.2)
    for s in r:
        data, addr = s.recvfrom(65535)
        print("%%s %%s %%s" %% (4 if s is s4 else 6, addr[0], data.decode()), flush=True)
        got.add((s, data))
""" % (PORT4, PORT6)

SENDER = r"""
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for _ in range(3):                  # a few times: the first may race the TAP's set-up
    for h in sys.argv[1:]:
        s.send(bytes.fromhex(h))
    time.sleep(0.3)
"""


def esp_frame(sa, inner, nh, seq):
    """h2 -> gateway: Ethernet to ge-0/0/1's MAC, outer IP, ESP sealed by scapy."""
    outer = outer_ip(sa.remote, sa.local, esp_seal(sa, bytes(inner), nh, seq=seq))
    et = 0x86DD if ":" in sa.local else 0x0800
    return bytes(Ether(src="02:00:00:00:77:02", dst=GW_MAC[1], type=et)) + outer


def wait_v6_ready(net, timeout=10):
    """The TAP's IPv6 address usable (not tentative): the kernel drops packets to it
    until duplicate address detection is over."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        a = sh("ip", "-n", net.gw, "-6", "addr", "show", check=False).stdout
        lines = [ln for ln in a.splitlines() if GW6 + "/" in ln]
        if lines and not any("tentative" in ln for ln in lines):
            return
        time.sleep(0.2)
    raise AssertionError("IPv6 address not ready on the TAP\n" + a)


def received_by_gateway(tmp_path, layout, send, want=2):
    """Run the gateway with SAS, a UDP receiver in its namespace (until `want` distinct
    datagrams) and send(net) from h2: the receiver's lines and a message for a failed
    assertion."""
    net = NetnsTopo(tmp_path, layout, security_text(SAS, []))
    rx = None
    try:
        net.create()
        net.start()
        wait_v6_ready(net)
        rx = subprocess.Popen(["ip", "netns", "exec", net.gw, "/usr/bin/python3", "-c",
                               RECEIVER, str(want)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              text=True)
        assert rx.stdout.readline().strip() == "ready"
        send(net)
        out, _ = rx.communicate(timeout=20)
        drops = net.telemetry("/gdoigw/drops")
        net.stop()
    finally:
        if rx and rx.poll() is None:
            rx.kill()
            rx.wait()
        net.destroy()
    got = set(ln.strip() for ln in out.splitlines() if ln.strip())
    msg = "receiver: %r\ndrops: %r\n%s" % (out[:300], {k: v for k, v in drops.items() if v},
                                            net.logtext()[-3000:])
    return got, msg


@pytest.mark.parametrize("layout", ["rtc", "pipeline"])
def test_decrypted_to_gateway_reaches_kernel(tmp_path, layout):
    def send(net):
        in4 = IP(src=H2_4, dst=GW4, ttl=64) / UDP(sport=4000, dport=PORT4) / \
            Raw(b"esp-local-4")
        in6 = IPv6(src=H2_6, dst=GW6, hlim=64) / UDP(sport=4000, dport=PORT6) / \
            Raw(b"esp-local-6")
        frames = [esp_frame(SAS[0], in4, 4, seq=1), esp_frame(SAS[1], in6, 41, seq=1)]
        # later copies carry new sequence numbers (anti-replay)
        frames += [esp_frame(SAS[0], in4, 4, seq=2), esp_frame(SAS[1], in6, 41, seq=2)]
        sh("/usr/bin/python3", "-c", SENDER, *(f.hex() for f in frames), ns=net.h2)

    got, msg = received_by_gateway(tmp_path, layout, send)
    assert "4 %s esp-local-4" % H2_4 in got, msg
    assert "6 %s esp-local-6" % H2_6 in got, msg


FRAG_SENDER = r"""
import socket, sys, time
gw4, gw6, p4, p6, size4, size6 = sys.argv[1:3] + [int(a) for a in sys.argv[3:]]
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, 10, 0)     # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: no DF
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for _ in range(3):                  # a few times: the first may wait for ARP / ND
    for size in (1800, size6):
        s6.sendto(b"frag-6-" + b"x" * (size - 7), (gw6, p6))
    s4.sendto(b"frag-4-" + b"x" * (size4 - 7), (gw4, p4))
    time.sleep(0.3)
"""


@pytest.mark.parametrize("layout", ["rtc", "pipeline"])
def test_fragmented_udp_to_gateway_reaches_kernel(tmp_path, layout):
    """UDP datagrams to the gateway's own addresses larger than the 1500-byte link, as
    a GROUPKEY-PUSH with many TEKs: IPv6 of 1800 bytes (six TEKs) and 9000 bytes (7
    fragments, more than a 2 KB mbuf), IPv4 of 1800 bytes (no DF). With an SA
    configured the gateway reassembles UDP to its addresses (ESP in UDP could be
    inside) and must cut the datagram again for its TAP: net_tap refuses a frame over
    the TAP's MTU (they were lost, `exception-full`), and one over 2 KB needs
    reassembly's large buffers (it was dropped, `esp-frag-reassembly`). The IPv4
    fragments are reassembled by the kernel under the af_packet port already
    (PACKET_FANOUT_FLAG_DEFRAG) and reach the gateway whole, which is over the TAP's
    MTU all the same; over 1982 bytes af_packet would truncate them."""
    sizes = {"4": 1800, "6": 9000}
    got, msg = received_by_gateway(tmp_path, layout, lambda net: sh(
        "/usr/bin/python3", "-c", FRAG_SENDER, GW4, GW6, str(PORT4), str(PORT6),
        str(sizes["4"]), str(sizes["6"]), ns=net.h2), want=3)
    for fam, src, size in (("4", H2_4, 1800), ("6", H2_6, 1800), ("6", H2_6, 9000)):
        assert "%s %s frag-%s-%s" % (fam, src, fam, "x" * (size - 7)) in got, \
            "IPv%s %d bytes\n%s" % (fam, size, msg)
