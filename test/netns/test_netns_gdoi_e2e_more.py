"""A group run by gdoigw alone (the set-up of test_netns_gks_e2e.py: one gdoigw key
server, two gdoigw members, a host behind each), checked from outside:

* the ESP between the members, captured on the wan, carries the hosts' own addresses
  outside (header preservation); tshark decrypts it with the TEKs (the key server logs
  them at trace level "all") and finds the hosts' ICMP inside; scapy's ESP decrypts it
  too and the 12-byte delay-detection header (draft-weis-delay-detection-01 2.1: next
  header, type 1 POSIX time, length 12, seconds) stamps the time of sending.
* key server stopped (slow): the members keep forwarding until the TEKs' hard expiry,
  then drop (fail-closed) except what a fail-open rule lets through, in clear.
"""
import os
import re
import subprocess
import time

import pytest

import clilib
import gdoilib
from gdoi_ks_lib import GdoigwKs, make_kek_key, pair_server_conf
from nslib import sh, stop_capture
from test_netns import ping
from test_netns_gdoi_pair import tek_spis
from test_netns_gks_e2e import RfcPair, start_members

pytestmark = pytest.mark.netns

FWD, REV = "10.99.1.0/24 -> 10.99.2.0/24", "10.99.2.0/24 -> 10.99.1.0/24"
# pair_server_conf's TEKs: (scapy crypt, scapy auth, tshark encryption, tshark auth)
ALGS = {FWD: ("AES-CBC", "SHA2-256-128", "AES-CBC [RFC3602]", "HMAC-SHA-256-128 [RFC4868]"),
        REV: ("3DES", "HMAC-SHA1-96", "TripleDES-CBC [RFC2451]", "HMAC-SHA-1-96 [RFC2404]")}
WINDOW_MS = 10000


def tek_keys(ks_log):
    """{SPI: (encryption key, integrity key)} from the key server's trace level "all"
    lines 'TEK 0x... keys: encryption HEX integrity HEX' (the newest per SPI)."""
    out = {}
    for m in re.finditer(r"TEK 0x([0-9a-f]{8}) keys: encryption ([0-9a-f]+) integrity "
                         r"([0-9a-f]+|-)", ks_log):
        out[int(m.group(1), 16)] = (bytes.fromhex(m.group(2)),
                                    b"" if m.group(3) == "-" else bytes.fromhex(m.group(3)))
    return out


def need_root():
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.skip("netns tests need root and /dev/net/tun")


class Group:
    """Key server + RfcPair, the key server logging the TEKs' keys."""

    def __init__(self, tmp_path, tek_life=900, window=WINDOW_MS, extra_vpn=("", "")):
        self.pair = RfcPair(tmp_path)
        self.extra_vpn = extra_vpn
        key = make_kek_key(tmp_path)
        self.ks = GdoigwKs(tmp_path, self.pair.wan, self.pair.KS_IP, clilib.free_port(),
                           pair_server_conf(key, gdoilib.PSK, tek_life=tek_life,
                                            window=window))
        self.ks.trace_level = "all"

    def up(self):
        pair, ks = self.pair, self.ks
        pair.create()
        sh("ip", "-n", pair.wan, "addr", "del", pair.KS_IP + "/24", "dev", "br0")
        ks.create()
        ks.start()
        cfg = pair.config
        pair.config = lambda i, extra="": cfg(i, self.extra_vpn[i])
        return start_members(pair, ks)

    def down(self):
        try:
            self.ks.destroy()
        finally:
            self.pair.destroy()


def test_esp_on_wan_decrypts_with_tek_and_carries_delay_detection(tmp_path):
    need_root()
    from scapy.all import ESP, ICMP, IP, rdpcap
    from scapy.layers.ipsec import SecurityAssociation
    g = Group(tmp_path)
    pcap = str(tmp_path / "wan.pcap")
    dump = None
    try:
        spis = g.up()
        pair = g.pair
        dump = subprocess.Popen(["ip", "netns", "exec", pair.wan, "tcpdump", "-i", "br0",
                                 "-U", "-w", pcap, "ip"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(1)
        ping(pair.h[0], "10.99.2.2", 10)           # resolves the neighbours
        for df in ("do", "dont"):                   # inner DF set and clear (df-bit copy)
            sh("ping", "-4", "-M", df, "-c", "2", "-i", "0.2", "-W", "2", "10.99.2.2",
               ns=pair.h[0], check=False, timeout=30)
        t0 = time.time()
        got, out = ping(pair.h[0], "10.99.2.2", 5)
        t1 = time.time()
        assert got == 5, out + pair.logtext(0)[-3000:]
        stop_capture(dump, pcap)
        dump = None
        keys = tek_keys(g.ks.text())
        assert set(spis.values()) <= set(keys), (spis, keys)
    finally:
        if dump:
            dump.terminate()
            dump.wait(timeout=10)
        g.down()

    # tshark: both TEKs decrypt, the ICVs check, the payload is the D3P header and the
    # hosts' ICMP (tshark 4.0 has no D3P dissector: its ESP contained data is read here)
    uat = []
    for sel, spi in spis.items():
        ek, ak = keys[spi]
        uat += ["-o", 'uat:esp_sa:"IPv4","*","*","0x%08x","%s","0x%s","%s","0x%s"' % (
            spi, ALGS[sel][2], ek.hex(), ALGS[sel][3], ak.hex())]
    r = subprocess.run(["tshark", "-r", pcap, "-o", "esp.enable_encryption_decode:TRUE",
                        "-o", "esp.enable_authentication_check:TRUE", *uat, "-Y", "esp",
                        "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "esp.spi",
                        "-e", "esp.icv_good", "-e", "esp.contained_data"],
                       capture_output=True, text=True)
    rows = [ln.split("\t") for ln in r.stdout.splitlines() if ln.strip()]
    assert len(rows) >= 20, r.stdout + r.stderr
    for row in rows:
        assert {row[0], row[1]} == {"10.99.1.2", "10.99.2.2"}, row
        assert row[3] in ("1", "True"), "tshark: ICV not good %r" % row
        body = bytes.fromhex(row[4].replace(":", ""))
        assert body[:4] == b"\x04\x01\x00\x0c", "not a D3P header: %r" % row
        inner = IP(body[12:])
        assert ICMP in inner and {inner.src, inner.dst} == {row[0], row[1]}, \
            inner.summary()

    # scapy: the decrypted payload is the D3P header, then the hosts' packet
    sas = {spi: SecurityAssociation(ESP, spi=spi, crypt_algo=ALGS[sel][0],
                                    crypt_key=keys[spi][0], auth_algo=ALGS[sel][1],
                                    auth_key=keys[spi][1]) for sel, spi in spis.items()}
    seen, dfs = 0, set()
    for p in rdpcap(pcap):
        if ESP not in p or p[ESP].spi not in sas:
            continue
        outer = p[IP]
        assert {outer.src, outer.dst} == {"10.99.1.2", "10.99.2.2"}, outer.summary()
        dec = sas[p[ESP].spi].decrypt(IP(bytes(outer)))
        assert dec[IP].proto == 253, "ESP next header %d, not D3P" % dec[IP].proto
        body = bytes(dec[IP].payload)
        nh, typ, length = body[0], body[1], int.from_bytes(body[2:4], "big")
        sec = int.from_bytes(body[4:8], "big")
        usec = int.from_bytes(body[8:12], "big")
        assert (nh, typ, length) == (4, 1, 12), body[:12].hex()
        assert usec <= 999999, usec
        sent = sec + usec / 1e6
        if p.time >= t0 - 1:          # the measured pings: stamped when sent
            assert t0 - 3 <= sent <= t1 + 3, (sent, t0, t1)
        assert abs(float(p.time) - sent) < 3, (sent, float(p.time))
        inner = IP(body[12:])
        assert ICMP in inner and {inner.src, inner.dst} == {"10.99.1.2", "10.99.2.2"}, \
            inner.summary()
        # the vpn's df-bit (default copy): the outer DF is the inner one's
        assert bool(outer.flags.DF) == bool(inner.flags.DF), (outer.flags, inner.flags)
        dfs.add(bool(inner.flags.DF))
        seen += 1
    assert seen >= 10, seen
    assert dfs == {True, False}, dfs


def fail_open(src, dst):
    return ('fail-open = { rule = ( { name = "r0"; source-address = "%s"; '
            'destination-address = "%s"; } ); };' % (src, dst))


def drops(port, ns, ifname):
    """{drop reason: count} of `show interfaces NAME extensive`."""
    s = clilib.Session(port, netns=ns)
    try:
        out = s.cmd("show interfaces %s extensive" % ifname)
    finally:
        s.close()
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^\s+([a-z][a-z0-9-]+)\s+(\d+)\s*$", out, re.M)}, out


@pytest.mark.slow
def test_key_server_lost_forwards_to_hard_expiry_then_fail_closed_or_open(tmp_path):
    """TEK lifetime 60 s; the key server's link is cut once both members registered (a
    SIGTERM would push DELETEs). h1 pings h2's 10.99.2.2 (a fail-open rule on both
    members) and 10.99.2.3 (none): both go through ESP until the TEKs' hard expiry,
    then 10.99.2.3 is dropped (`sa-disabled` / `policy-no-sa` on gw1) while 10.99.2.2
    still answers, in clear on the wan."""
    need_root()
    from scapy.all import ESP, ICMP, IP, rdpcap
    life = 60
    g = Group(tmp_path, tek_life=life,
              extra_vpn=(fail_open("10.99.1.2/32", "10.99.2.2/32"),
                         fail_open("10.99.2.2/32", "10.99.1.2/32")))
    pair = g.pair
    pair.cli_ports[0] = clilib.free_port()
    pcap = str(tmp_path / "wan.pcap")
    dump, pingers = None, []
    try:
        t_ks = time.time()
        g.up()
        sh("ip", "-n", pair.h[1], "addr", "add", "10.99.2.3/24", "dev", "eth0")
        dump = subprocess.Popen(["ip", "netns", "exec", pair.wan, "tcpdump", "-i", "br0",
                                 "-U", "-w", pcap, "icmp or esp"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        for dst in ("10.99.2.2", "10.99.2.3"):
            got, out = ping(pair.h[0], dst, 10)
            assert got > 0, out
        sh("ip", "-n", pair.wan, "link", "set", "wks", "down")     # key server lost
        t_cut = time.time()
        end = t_ks + life + 20
        n = int((end - time.time()) / 0.5)
        pingers = [subprocess.Popen(["ip", "netns", "exec", pair.h[0], "ping", "-D", "-n",
                                     "-c", str(n), "-i", "0.5", "-W", "1", dst],
                                    stdout=subprocess.PIPE, text=True)
                   for dst in ("10.99.2.2", "10.99.2.3")]
        outs = [p.communicate(timeout=life + 60)[0] for p in pingers]
        pingers = []
        d, show = drops(pair.cli_ports[0], pair.g[0], "ge-0/0/0")
        stop_capture(dump, pcap)
        dump = None
        log0 = pair.logtext(0)
    finally:
        for p in pingers:
            p.kill()
            p.wait()
        if dump:
            dump.terminate()
            dump.wait(timeout=10)
        g.down()

    def replies(out):
        return [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from",
                                                      out, re.M)]
    open_r, closed_r = replies(outs[0]), replies(outs[1])
    expiry = t_ks + life
    # forwarding went on without the key server up to the hard expiry ...
    assert closed_r and max(closed_r) > expiry - 10 and max(closed_r) > t_cut + 30, \
        (t_cut - t_ks, [r - t_ks for r in closed_r[-3:]], outs[1][-500:], log0[-3000:])
    # ... and then stopped (fail-closed), counted
    assert max(closed_r) < expiry + 5, ([r - t_ks for r in closed_r[-3:]], log0[-3000:])
    assert d.get("sa-disabled", 0) + d.get("policy-no-sa", 0) >= 5, show
    # the fail-open pair kept going, in clear after the expiry
    assert max(open_r) > expiry + 10, ([r - t_ks for r in open_r[-3:]], outs[0][-500:])
    late = [p for p in rdpcap(pcap) if IP in p and float(p.time) > expiry + 5]
    clear = [p for p in late if ICMP in p and ESP not in p]
    assert {(p[IP].src, p[IP].dst) for p in clear} == {("10.99.1.2", "10.99.2.2"),
                                                       ("10.99.2.2", "10.99.1.2")}, \
        [p.summary() for p in clear[:6]]
    assert not [p for p in late if ESP in p], "ESP after the TEKs' hard expiry"


@pytest.mark.slow
def test_pull_rekey_under_ping_loses_nothing(tmp_path):
    """TEK lifetime 60 s, the server's rekeys go to a multicast group no route carries
    (its PUSHes are lost): both members re-register (GROUPKEY-PULL at 7-5 % left), get
    the server's new TEKs and move to them while h1 pings h2 every 0.2 s: no ping lost."""
    need_root()
    life = 60
    g = Group(tmp_path, tek_life=life)
    g.ks.server_text = g.ks.server_text.replace(
        'communication-type = "unicast";',
        'communication-type = "multicast"; multicast-address = "239.192.10.1";')
    pair = g.pair
    pinger = None
    try:
        t_ks = time.time()
        first = g.up()
        got, out = ping(pair.h[0], "10.99.2.2", 10)
        assert got > 0, out
        n = int((t_ks + life + 15 - time.time()) / 0.2)
        pinger = subprocess.Popen(["ip", "netns", "exec", pair.h[0], "ping", "-n", "-c",
                                   str(n), "-i", "0.2", "-W", "2", "10.99.2.2"],
                                  stdout=subprocess.PIPE, text=True)
        pout = pinger.communicate(timeout=life + 60)[0]
        pinger = None
        logs = [pair.logtext(i) for i in (0, 1)]
        ks_log = g.ks.text()
    finally:
        if pinger:
            pinger.kill()
            pinger.wait()
        g.down()
    for i in (0, 1):
        assert "keys running out: re-registering" in logs[i], logs[i][-3000:]
        assert logs[i].count("registered with %s for group 1234" % pair.KS_IP) >= 2, \
            logs[i][-3000:]
        assert "lifetime expired" not in logs[i] or tek_spis(logs[i]) != first, logs[i][-3000:]
    now = [tek_spis(logs[i]) for i in (0, 1)]
    assert now[0] == now[1] and set(now[0].values()).isdisjoint(first.values()), \
        (first, now, ks_log[-2000:])
    assert " 0% packet loss" in pout, pout[-600:] + logs[0][-3000:]
