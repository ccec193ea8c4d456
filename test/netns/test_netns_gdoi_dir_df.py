"""A member vpn's `df-bit` and `match-direction` through the binary (the set-up of
test_netns_gdoi_e2e_more.py: one gdoigw key server, two gdoigw members, a host behind
each; the unit test gm-vectors-* checks what the member installs for each value):

* df-bit: gw1 `set`, gw2 `clear`; both hosts ping with inner DF set and clear. The ESP
  on the wan, decrypted with the TEKs, carries outer DF 1 from gw1 and 0 from gw2,
  whatever the inner DF (the default `copy`: test_netns_gdoi_e2e_more.py). gw1's vpn
  is bound by `services service-set ... ipsec-group-vpn`, not by `interface`.
* match-direction: gw2 `output` on its inside port. Its protect terms become the
  inbound check there: h1's echo requests, encrypted by gw1 (input, the default), are
  decrypted and reach h2; h2's replies, cleartext entering that port, are dropped
  (`policy-cleartext-protected`) and gw2 encrypts nothing.
"""
import subprocess
import time

import pytest

import clilib
from nslib import sh
from test_netns import ping
from test_netns_gdoi_e2e_more import ALGS, Group, drops, need_root, tek_keys

pytestmark = pytest.mark.netns

H1, H2 = "10.99.1.2", "10.99.2.2"


def capture(pair, pcap):
    dump = subprocess.Popen(["ip", "netns", "exec", pair.wan, "tcpdump", "-i", "br0", "-U",
                             "-w", pcap, "esp or icmp"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(1)
    return dump


def stop(dump):
    if dump and dump.poll() is None:
        time.sleep(1)
        dump.terminate()
        dump.wait(timeout=10)


def bound_by_service_set(config):
    """gw1's vpn bound the Junos way, `services service-set NAME ipsec-group-vpn gv`
    applied by its inside port's `family inet service input`, not by `interface`."""
    def text(i, extra_vpn=""):
        t = config(i, extra_vpn)
        if i != 0:
            return t
        inet = 'address = [ "10.99.1.1/24" ];'
        assert t.count(inet) == 1 and t.count('interface = "ge-0/0/0";') == 1, t
        t = t.replace(inet, inet + ' service = { input = { service-set = "ss-g"; }; };')
        return t.replace('interface = "ge-0/0/0";', "") + (
            'services = { service-set = ( { name = "ss-g"; ipsec-group-vpn = "gv"; } ); };\n')
    return text


def test_df_bit_set_and_clear_on_the_wire(tmp_path):
    need_root()
    from scapy.all import ESP, IP, rdpcap
    from scapy.layers.ipsec import SecurityAssociation
    g = Group(tmp_path, extra_vpn=('df-bit = "set";', 'df-bit = "clear";'))
    g.pair.config = bound_by_service_set(g.pair.config)
    pcap = str(tmp_path / "wan.pcap")
    dump = None
    try:
        spis = g.up()
        pair = g.pair
        dump = capture(pair, pcap)
        ping(pair.h[0], H2, 10)                     # resolves the neighbours
        for src, dst in ((0, H2), (1, H1)):
            for df in ("do", "dont"):
                r = sh("ping", "-4", "-M", df, "-c", "3", "-i", "0.2", "-W", "2", dst,
                       ns=pair.h[src], check=False, timeout=30)
                assert " 0% packet loss" in r.stdout, r.stdout + pair.logtext(src)[-3000:]
        stop(dump)
        dump = None
        keys = tek_keys(g.ks.text())
    finally:
        stop(dump)
        g.down()
    sas = {spi: SecurityAssociation(ESP, spi=spi, crypt_algo=ALGS[sel][0],
                                    crypt_key=keys[spi][0], auth_algo=ALGS[sel][1],
                                    auth_key=keys[spi][1]) for sel, spi in spis.items()}
    seen = {H1: set(), H2: set()}                   # outer source -> {(outer DF, inner DF)}
    for p in rdpcap(pcap):
        if ESP not in p or p[ESP].spi not in sas:
            continue
        outer = p[IP]
        inner = IP(bytes(sas[p[ESP].spi].decrypt(IP(bytes(outer)))[IP].payload)[12:])
        seen[outer.src].add((bool(outer.flags.DF), bool(inner.flags.DF)))
    # gw1 (df-bit set) and gw2 (clear), each with inner DF set and clear
    assert seen == {H1: {(True, True), (True, False)},
                    H2: {(False, True), (False, False)}}, seen


def test_match_direction_output_checks_instead_of_encrypting(tmp_path):
    need_root()
    from scapy.all import ESP, ICMP, IP, rdpcap
    g = Group(tmp_path, extra_vpn=("", 'match-direction = "output";'))
    pair = g.pair
    pair.cli_ports[1] = clilib.free_port()
    pcap = str(tmp_path / "wan.pcap")
    dump = None
    try:
        g.up()
        before, _ = drops(pair.cli_ports[1], pair.g[1], "ge-0/0/0")
        dump = capture(pair, pcap)
        got, out = ping(pair.h[0], H2, 10)
        assert got == 0, out
        after, show = drops(pair.cli_ports[1], pair.g[1], "ge-0/0/0")
        stop(dump)
        dump = None
    finally:
        stop(dump)
        g.down()
    pkts = [p for p in rdpcap(pcap) if IP in p]
    # the requests went encrypted (gw1, input) ...
    assert len([p for p in pkts if ESP in p and p[IP].src == H1]) >= 5, \
        [p.summary() for p in pkts[:10]]
    # ... reached h2 (the first may wait for neighbour resolution), whose replies gw2
    # dropped on its inside port, neither encrypted nor in clear
    assert after.get("policy-cleartext-protected", 0) - \
        before.get("policy-cleartext-protected", 0) >= 5, show
    assert not [p for p in pkts if p[IP].src == H2 and (ESP in p or ICMP in p)], \
        [p.summary() for p in pkts if p[IP].src == H2][:6]
