#!/usr/bin/python3
"""The SA-count scale measurement of scripts/bench/scale.sh (Debian's python3).

  scale.py conf OUT.conf NSA PCAP MBUFS VARIANT
        gdoigw's bench configuration (scripts/bench/configs.sh, decrypt, AES-128-GCM,
        group SAs) with NSA inbound group SAs, SPI 0x2001 + i, one line each in
        @include files of 50,000 (a configuration file holds 16 MB); VARIANT 1 gives every
        SA a hard lifetime of a day: a reload to it replaces every SA while the
        traffic still decrypts
  scale.py gen OUT.pcap NSA NPKT
        NPKT 64 B GCM packets for decryption, packet i through SPI 0x2001 + i % NSA
        (esp_pcap.gen_spread), cleartext in OUT_inner.pcap
  scale.py run BINARY CONF PREFIX WARMUP WINDOW COUNT [RELOAD_CONF]
        start gdoigw, wait until it forwards (the time from start is the SA
        installation at start-up), measure packets per second of the worker's CPU
        time and of wall time (cpu_rate.py's method), read the resident memory
        (VmRSS) and the DPDK heap in use (telemetry /eal/heap_info); with
        RELOAD_CONF, copy it over CONF, send SIGHUP while it forwards and time
        until "configuration reloaded" is logged (the SAs it replaced per second,
        traffic running), with the packets forwarded meanwhile. Prints JSON.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from bench_lib import Telemetry  # noqa: E402
import cpu_rate  # noqa: E402

SPI0 = 0x2001


def conf(out, nsa, pcap, mbufs, variant):
    src = "net_pcap0,rx_pcap=%s,infinite_rx=1,tx_pcap=/dev/null" % pcap
    head = subprocess.run(
        ["bash", "-c", 'GW_MBUFS=%d; . "%s/configs.sh"; gw_esp_conf dec gcm group "%s" "%s" 1'
         % (mbufs, HERE, src, "net_null1,no-rx=1")],
        check=True, capture_output=True, text=True).stdout
    head = head[:head.index("security = {")]
    key = "0x" + (bytes(range(0x10, 0x20)) + b"\xca\xfe\xba\xbe").hex()
    life = "lifetime={seconds=86400;};" if variant else ""
    # SAs in @include files of 50,000 each: a configuration file holds 16 MB
    parts = []
    for p, first in enumerate(range(0, nsa, 50000)):
        name = "%s.sa%d" % (out, p)
        with open(name, "w") as f:
            for i in range(first, min(nsa, first + 50000)):
                f.write('%s{name="s%d";spi=%d;direction="inbound";mode="group";'
                        'encryption={algorithm="aes-128-gcm";key="%s";};%s}\n'
                        % ("," if i else "", i, SPI0 + i, key, life))
        parts.append(os.path.basename(name))
    with open(out + ".tmp", "w") as f:
        f.write(head)
        f.write("security = { ipsec = { security-association = (\n")
        for name in parts:
            f.write('@include "%s"\n' % name)
        f.write("); }; };\n")
    os.replace(out + ".tmp", out)


def gen(out, nsa, npkt):
    import esp_pcap
    esp_pcap.gen_spread(out, nsa, n=npkt)


def opackets(t):
    return t.cmd("/ethdev/stats,1")["/ethdev/stats"]["opackets"]


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
    return int(m.group(1)) if m else 0


def run(binary, conf_path, prefix, warmup, window, count, reload_conf=None):
    log = conf_path + ".log"
    res = {}
    with open(log, "w") as lf:
        p = subprocess.Popen([binary, "--no-huge", "-m", "3072", "--no-pci", "-l", "0,1",
                              "--file-prefix=" + prefix, "--", "-c", conf_path],
                             stdin=subprocess.DEVNULL, stdout=lf, stderr=subprocess.STDOUT)
    t0 = time.monotonic()
    try:
        t = Telemetry(prefix, timeout=600)
        while opackets(t) == 0:
            if p.poll() is not None or time.monotonic() - t0 > 900:
                raise SystemExit("gdoigw did not forward; see " + log)
            time.sleep(0.05)
        res["start_to_forwarding_s"] = time.monotonic() - t0
        time.sleep(warmup)
        pps, cpu = [], []
        prev, th0, w0 = opackets(t), cpu_rate.thread_times(p.pid), time.monotonic()
        for _ in range(count):
            time.sleep(window)
            cur, th1, w1 = opackets(t), cpu_rate.thread_times(p.pid), time.monotonic()
            busy = max((th1[k] - th0.get(k, 0) for k in th1), default=0) / 1e9
            pps.append((cur - prev) / (w1 - w0))
            cpu.append((cur - prev) / busy if busy > 0 else 0)
            prev, th0, w0 = cur, th1, w1
        res["pps"], res["cpu_pps"] = pps, cpu
        res["median_pps"] = sorted(pps)[len(pps) // 2]
        res["median_cpu_pps"] = sorted(cpu)[len(cpu) // 2]
        res["rss_kb"] = rss_kb(p.pid)
        heap = t.cmd("/eal/heap_info,0").get("/eal/heap_info", {})
        res["heap_alloc_bytes"] = int(heap.get("Alloc_size", 0))
        if reload_conf:
            shutil.copyfile(reload_conf, conf_path)
            size0 = os.path.getsize(log)
            c0, th0 = opackets(t), cpu_rate.thread_times(p.pid)
            r0 = time.monotonic()
            p.send_signal(signal.SIGHUP)
            while True:
                with open(log) as f:
                    f.seek(size0)
                    tail = f.read()
                if "configuration reloaded" in tail or "refused" in tail:
                    break
                if time.monotonic() - r0 > 900:
                    raise SystemExit("no reload in 900 s; see " + log)
                time.sleep(0.01)
            r1 = time.monotonic()
            c1, th1 = opackets(t), cpu_rate.thread_times(p.pid)
            busy = max((th1[k] - th0.get(k, 0) for k in th1), default=0) / 1e9
            res["reload_ok"] = "configuration reloaded" in tail
            res["reload_s"] = r1 - r0
            res["reload_pps"] = (c1 - c0) / (r1 - r0)
            res["reload_cpu_pps"] = (c1 - c0) / busy if busy > 0 else 0
            res["rss_after_reload_kb"] = rss_kb(p.pid)
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)
    print(json.dumps(res))


def main():
    a = sys.argv[1:]
    if a[0] == "conf":
        conf(a[1], int(a[2]), a[3], int(a[4]), int(a[5]))
    elif a[0] == "gen":
        gen(a[1], int(a[2]), int(a[3]))
    elif a[0] == "run":
        run(a[1], a[2], a[3], float(a[4]), float(a[5]), int(a[6]), a[7] if len(a) > 7 else None)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
