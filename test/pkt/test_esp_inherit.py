"""Service-set settings an SA inherits (through the real binary): a policy's
no-anti-replay applies to the SAs its terms name unless the SA says otherwise, and a
policy's tunnel-mtu applies unless the SA sets its own."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from esplib import (EspGw, SA, Term, Policy, INSIDE, OUTSIDE, PIN, POUT, LOCAL4,  # noqa: E402
                    REMOTE4, inner, ttl_minus_one, frame_in, frame_out, outer_ip, esp_seal,
                    parse_out, counters_msg)
from gwtest import assert_clean_exit  # noqa: E402
from scapy.all import Ether  # noqa: E402

TUN = dict(local=LOCAL4, remote=REMOTE4)
# inherits no-anti-replay from the policy
INH = SA("inh", 0x6001, "inbound", "aes128gcm", src="10.2.61.0/24", dst="10.1.61.0/24", **TUN)
# says anti-replay itself: wins over the policy
OWN = SA("own", 0x6002, "inbound", "aes128gcm", src="10.2.62.0/24", dst="10.1.62.0/24",
         anti_replay=64, **TUN)
# outbound: the policy's tunnel-mtu applies (the SA sets none)
MTU_SA = SA("mtu", 0x6003, "outbound", "aes128gcm", mode="group", src="10.1.63.0/24",
            dst="10.2.63.0/24")
POLICIES = [
    Policy("check", "ge-0/0/1", "output", [
        Term("inh", "protect", src="10.2.61.0/24", dst="10.1.61.0/24", sa="inh"),
        Term("own", "protect", src="10.2.62.0/24", dst="10.1.62.0/24", sa="own")],
        extra="no-anti-replay = true;"),
    Policy("out", "ge-0/0/0", "input", [
        Term("mtu", "protect", src="10.1.63.0/24", dst="10.2.63.0/24", sa="mtu")],
        extra="tunnel-mtu = 400;"),
]


@pytest.fixture(scope="module")
def inh(tmp_path_factory):
    gw = EspGw(tmp_path_factory.mktemp("esp-inherit"), [INH, OWN, MTU_SA], POLICIES)
    a = inner("10.2.61.5", "10.1.61.9", ident=1)
    b = inner("10.2.62.5", "10.1.62.9", ident=2)
    big = inner("10.1.63.5", "10.2.63.9", size=900, ident=3, flags="DF")
    frames = []
    for sa, ib in ((INH, a), (OWN, b)):
        for _ in range(3):      # the same sequence number three times
            frames.append(frame_in(POUT, outer_ip(REMOTE4, LOCAL4, esp_seal(sa, ib, 4, seq=1))))
    res = gw.run({OUTSIDE: frames, INSIDE: [frame_in(PIN, big)]})
    return dict(res=res, a=a, b=b)


def test_inherit_clean_exit(inh):
    assert_clean_exit(inh["res"])


def test_policy_no_anti_replay_inherited(inh):
    res = inh["res"]
    got = res.outputs[INSIDE]
    assert got.count(frame_out(PIN, ttl_minus_one(inh["a"]))) == 3, counters_msg(res)


def test_sa_anti_replay_wins(inh):
    res = inh["res"]
    got = res.outputs[INSIDE]
    assert got.count(frame_out(PIN, ttl_minus_one(inh["b"]))) == 1, counters_msg(res)
    assert res.drop("esp-replay") == 2


def test_policy_tunnel_mtu_inherited(inh):
    res = inh["res"]
    # 900 bytes with DF against a 400-byte tunnel MTU: not sent, ICMP back
    assert res.drop("frag-needed") == 1, counters_msg(res)
    assert not [f for f in res.outputs[OUTSIDE] if parse_out(f)[2] is not None]
