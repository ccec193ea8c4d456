"""Bad GROUPKEY-PUSHes sent to a gdoigw member through the binary (issue 14, "malformed,
truncated, replayed and wrongly signed pushes rejected with a log line and a counter"),
and the GAP activation time delay.

The gdoigw-only group of test_netns_gks_e2e.py: a key server (activation-time-delay 4 s)
and two members. The key server pushes one TEK rekey (the KEK stays); the member gw1
accepts it (SEQ 1) and encrypts with the new TEK only 4 s later (ATD). The PUSH captured
on the wan is then sent to gw1 again from the key server's address, as it was
(replayed), with its last octet changed (the SIG decrypts to another value: wrongly
signed), with an octet of its first encrypted block changed (the SEQ payload decrypts to
garbage: malformed) and cut short (truncated). Each is refused with its named counter in
`show security group-vpn member ipsec security-associations detail` and a log line,
nothing else changes: gw1 keeps its SAs and h1 still reaches h2.
"""
import re
import time

import clilib
import gdoilib
from gdoi_ks_lib import WanGroup, make_kek_key, pair_server_conf
from nslib import sh
from test_netns import ping
from test_netns_gdoi_e2e_more import need_root
from test_netns_gdoi_pair import tek_spis
from test_netns_gks_e2e import RfcPair

import pytest

pytestmark = pytest.mark.netns

ATD = 4             # the key server's activation-time-delay (GAP ATD), seconds
COUNTERS = ("push-accepted", "push-replayed", "push-bad-signature", "push-malformed",
            "rx-malformed")

SENDER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.sendto(bytes.fromhex(sys.argv[3]), (sys.argv[2], 848))
"""


def counters(pair):
    out = pair_cli(pair, "show security group-vpn member ipsec security-associations detail")
    assert "group 1234" in out, out
    got = {}
    for name in COUNTERS:       # a counter still at 0 is not shown
        m = re.search(r"\b%s\s+(\d+)" % re.escape(name), out)
        got[name] = int(m.group(1)) if m else 0
    return got


def pair_cli(pair, cmd):
    s = clilib.Session(pair.cli_ports[0], netns=pair.g[0])
    try:
        return s.cmd(cmd)
    finally:
        s.close()


def test_bad_pushes_counted_through_the_binary(tmp_path):
    need_root()
    from scapy.all import IP, UDP, rdpcap
    pair = RfcPair(tmp_path)
    pair.cli_ports[0] = clilib.free_port()
    pcap = str(tmp_path / "wan.pcap")
    server = pair_server_conf(make_kek_key(tmp_path), gdoilib.PSK).replace(
        "deactivation-time-delay = 30;", "activation-time-delay = %d; "
        "deactivation-time-delay = 30;" % ATD)
    with WanGroup(tmp_path, pair, server, pcap, "udp port 848") as g:
        out = g.ks.cli("clear security group-vpn server rekey g1")[0]    # the KEK stays
        assert "rekeyed" in out, out
        assert pair.wait_log(0, "PUSH SEQ 1 accepted", 15), pair.logtext(0)[-3000:]
        t_push = time.monotonic()
        new = tek_spis(pair.logtext(0))["10.99.1.0/24 -> 10.99.2.0/24"]
        # GAP ATD: the new TEK decrypts at once, encrypts only ATD seconds later
        assert pair.wait_log(0, "TEK %08x encrypts" % new, ATD + 10), pair.logtext(0)[-3000:]
        waited = time.monotonic() - t_push
        assert ATD - 1.5 <= waited <= ATD + 10, waited
        g.stop_capture()
        push = next(bytes(p[UDP].payload) for p in rdpcap(pcap)
                    if IP in p and UDP in p and p[IP].dst == "10.99.3.1" and
                    bytes(p[UDP].payload)[18:19] == b"\x21")
        before = counters(pair)
        assert before["push-accepted"] == 1, before

        def send(data):
            sh("/usr/bin/python3", "-c", SENDER, pair.KS_IP, "10.99.3.1", data.hex(),
               ns=g.ks.ns)
            time.sleep(0.5)

        wrong_sig = push[:-1] + bytes([push[-1] ^ 0x5a])
        garbled = push[:30] + bytes([push[30] ^ 0x5a]) + push[31:]
        send(push)
        send(wrong_sig)
        send(garbled)
        send(push[:60])
        after = counters(pair)
        assert after == dict(before, **{
            "push-replayed": before["push-replayed"] + 1,
            "push-bad-signature": before["push-bad-signature"] + 1,
            "push-malformed": before["push-malformed"] + 1,
            "rx-malformed": before["rx-malformed"] + 1}), (before, after,
                                                            pair.logtext(0)[-3000:])
        log = pair.logtext(0)
        for name in ("push-replayed", "push-bad-signature", "push-malformed",
                     "rx-malformed"):
            assert name in log, "no log line names %s\n%s" % (name, log[-3000:])
        ping(pair.h[0], "10.99.2.2", 5)
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        assert got == 5, out + pair.logtext(0)[-3000:]
        assert pair.procs[0].poll() is None
