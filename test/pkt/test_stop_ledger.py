"""Stopped under load, the gateway still accounts for every frame: the frames between
pipeline stages, on a worker's side queue or on the way to the control thread when the
workers stop are counted as in-flight-at-exit before the exit report (they were freed
in no counter). Two ports replay their pcap without end (infinite_rx), more than the
gateway handles, so traffic is always running when SIGINT arrives and the pipeline's
first ring holds a backlog."""
import os
import signal
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import gwtest  # noqa: E402
from pkttopo import PORTS, ROUTES  # noqa: E402
from scapy.all import Ether, IP, UDP, Raw  # noqa: E402


N = 4096        # distinct frames per port, replayed without end


def config(d, layout):
    pc = []
    for i, p in enumerate(PORTS[:3]):
        dev = "net_pcap%d,rx_pcap=%s/in%d.pcap,tx_pcap=%s/out%d.pcap" % (i, d, i, d, i)
        if i < 2:
            dev += ",infinite_rx=1"
        pc.append(gwtest.port_conf(p["name"], dev, p["mac"], v4=[p["v4"]],
                                   arp=[(p["nbr4"], p["nbr_mac"])]))
    rc = [gwtest.route_conf(pfx, nh, discard=nh is None) for pfx, nh in ROUTES
          if ":" not in pfx]
    return gwtest.config_text(pc, rc, layout)


@pytest.mark.parametrize("layout", ["rtc", "pipeline"])
def test_stop_under_load_every_frame_counted(tmp_path, layout):
    d = str(tmp_path)
    # port 0 -> 10.200/16 (port 1), port 1 -> 10.1/16 (port 2); port 2 sends nothing
    for i, dst in ((0, "10.200.7.7"), (1, "10.1.9.9")):
        p = PORTS[i]
        t = bytes(Ether(src=p["nbr_mac"], dst=p["mac"]) / IP(src=p["nbr4"], dst=dst) /
                  UDP(sport=7, dport=7, chksum=0) / Raw(b"x" * 18))
        gwtest.write_pcap(os.path.join(d, "in%d.pcap" % i),
                          [t[:42] + k.to_bytes(4, "big") + t[46:] for k in range(N)])
    gwtest.write_pcap(os.path.join(d, "in2.pcap"), [])
    conf = os.path.join(d, "gw.conf")
    with open(conf, "w") as f:
        f.write(config(d, layout))
    stats = os.path.join(d, "stats.json")
    prefix = gwtest.unique_prefix()
    cmd = [gwtest.gw_bin(), "--no-huge", "-m", "512", "--no-pci",
           *gwtest.LAYOUTS[layout][0], "--file-prefix=" + prefix, "--",
           "-c", conf, "--stats-file", stats]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, text=True, errors="replace")
    try:
        # the log line that the workers run, then a moment of traffic
        head = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = p.stderr.readline()
            if not line:
                break
            head.append(line)
            if " running: " in line:
                break
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        err = "".join(head) + err
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
        gwtest.cleanup_prefix(prefix)
    res = gwtest.GwResult(p.returncode, out, err, None, {}, cmd, 0)
    if os.path.exists(stats):
        import json
        with open(stats) as f:
            res.stats = json.load(f)
    gwtest.assert_clean_exit(res)
    fin, fout, parts = res.ledger()
    assert parts["rx_packets"] > 0, "no traffic before the stop: %s" % parts
    assert fin == fout, "in %d != out %d: %s; drops %s" % (fin, fout, parts,
                                                           res.nonzero_drops())
    if layout == "pipeline":
        # two ports fill the first ring faster than classify empties it
        assert res.drop("in-flight-at-exit") > 0, res.nonzero_drops()
