"""IKEv2 abuse through the real binary: hand-made messages (test/netns/ike_craft.py,
struct-built, not gdoigw's codec) from h2 to gdoigw's UDP 500, each given the answer
RFC 7296 asks for and counted (`show security ike statistics`):

* a payload length below the generic header or beyond the message: INVALID_SYNTAX
  (2.21.1, 3.2), `drop_parse`;
* an unknown payload with the critical bit: UNSUPPORTED_CRITICAL_PAYLOAD carrying its
  type (3.10.1), `drop_critical`, in IKE_SA_INIT and inside the SK payload of an IKE_AUTH
  (the test derives the SA's keys itself, RFC 7296 2.14 / RFC 5282, and opens the
  encrypted answer);
* major version 3: INVALID_MAJOR_VERSION (1.5, 2.5), `drop_bad_version`;
* a good IKE_SA_INIT sent twice, and that IKE_AUTH sent twice: the same answer, byte for
  byte (2.1), `rx_dup_requests`;
* IKE_AUTH for SPIs nobody has: no answer (2.21.1: MAY answer; we stay quiet),
  `drop_unknown_spi`;
* IKE_AUTH replaying message ID 0 (already used by IKE_SA_INIT) on the half-open SA: not
  a retransmission of that exchange, dropped, `drop_msgid`;
* IKE_AUTH with a forged SK payload: no answer (2.21.2), `drop_icv`.

Every answer to these unauthenticated requests is no larger than the request + 40
octets (no amplification). No strongSwan needed.
"""
import json
import os
import shutil

import pytest

import clilib
from ikelib import gdoigw_security
from test_netns_ike import IkeTopo, GW_WAN, SW, SW_NET, H1_NET
from nslib import sh

pytestmark = [pytest.mark.netns]

N_INVALID_SYNTAX, N_UNSUPPORTED_CRITICAL, N_INVALID_MAJOR_VERSION = 7, 1, 5
PL_NOTIFY = 41


def stat(out, name):
    for line in out.splitlines():
        w = line.split()
        if len(w) >= 2 and w[0] == name:
            return int(w[1])
    raise AssertionError("no counter %s in\n%s" % (name, out))


@pytest.fixture
def gw(tmp_path):
    if not shutil.which("tshark"):
        pytest.skip("needs tshark")
    topo = IkeTopo(tmp_path, "rtc", extra_conf=gdoigw_security(
        "gcm", GW_WAN, SW, H1_NET, SW_NET, "ge-0/0/0", "responder-only"))
    try:
        topo.create()
        topo.start()
        assert topo.wait_log("IKEv2 listening", 20), topo.logtext()
        yield topo
    finally:
        topo.destroy()


def test_ike_abuse_answers_and_counters(gw):
    craft = os.path.join(os.path.dirname(__file__), "ike_craft.py")
    r = sh("/usr/bin/python3", craft, GW_WAN, ns=gw.h2, timeout=60)
    got = json.loads(r.stdout)
    log = gw.logtext()
    for case in ("bad_length", "long_length"):
        assert got[case] is not None, "%s: no answer\n%s" % (case, log)
        assert [n[0] for n in got[case]["notifies"]] == [N_INVALID_SYNTAX], got[case]
    assert got["critical"]["notifies"] == [[N_UNSUPPORTED_CRITICAL, "c8"]], got["critical"]
    assert got["bad_version"] is not None, log
    assert [n[0] for n in got["bad_version"]["notifies"]] == [N_INVALID_MAJOR_VERSION], \
        got["bad_version"]
    assert got["init"] is not None and 34 in got["init"]["types"], (got["init"], log)
    assert got["init_again"]["hex"] == got["init"]["hex"]
    # inside SK (the test derives the keys itself): the same notify, encrypted
    assert got["auth_critical"] is not None, log
    assert got["auth_critical"]["inner"] == [[PL_NOTIFY, N_UNSUPPORTED_CRITICAL, "c8"]], \
        got["auth_critical"]
    assert got["auth_replay"] is not None and \
        got["auth_replay"]["hex"] == got["auth_critical"]["hex"], got["auth_replay"]
    for case in ("wrong_spi", "old_msgid", "bad_icv"):
        assert got[case] is None, "%s answered: %r" % (case, got[case])
    for case, ans in got.items():
        if ans is not None:
            assert ans["len"] <= ans["req_len"] + 40, "%s: amplification %r" % (case, ans)
    s = clilib.Session(gw.port, netns=gw.gw)
    try:
        out = s.cmd("show security ike statistics")
    finally:
        s.close()
    assert stat(out, "drop_parse") == 2, out
    assert stat(out, "drop_critical") == 2, out
    assert stat(out, "drop_bad_version") == 1, out
    assert stat(out, "rx_dup_requests") == 2, out
    assert stat(out, "drop_unknown_spi") == 1, out
    assert stat(out, "drop_msgid") == 1, out
    assert stat(out, "drop_icv") == 1, out
