#!/usr/bin/python3
"""The SA-count scale measurement of scripts/bench/scale.sh (Debian's python3).

  scale.py conf OUT.conf NSA PCAP MBUFS VARIANT [WORKERS]
        gdoigw's bench configuration (scripts/bench/configs.sh, decrypt, AES-128-GCM,
        group SAs) with NSA inbound group SAs, SPI 0x2001 + i, one line each in
        @include files of 50,000 (a configuration file holds 16 MB); VARIANT 1 gives every
        SA a hard lifetime of a day: a reload to it replaces every SA while the
        traffic still decrypts. WORKERS (default 1) worker lcores 1..WORKERS, the
        source with as many RX queues (one rx_pcap= each, the same pcap: queue q
        goes to worker q, lib/dp/README.md)
  scale.py gen OUT.pcap NSA NPKT
        NPKT 64 B GCM packets for decryption, packet i through SPI 0x2001 + i % NSA
        (esp_pcap.gen_spread's packets, encrypted here with the cryptography
        package, a sample checked with scapy), cleartext in OUT_inner.pcap
  scale.py run BINARY CONF PREFIX WARMUP WINDOW COUNT [RELOAD_CONF]
        (environment GW_WORKERS: the worker lcores of CONF, default 1)
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
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
from bench_lib import Telemetry  # noqa: E402
import cpu_rate  # noqa: E402

SPI0 = 0x2001


def conf(out, nsa, pcap, mbufs, variant, workers=1):
    # a TX queue per worker and one for the control thread (lib/dp/README.md)
    src = "net_pcap0,%s,infinite_rx=1,%s" % (
        ",".join(["rx_pcap=" + pcap] * workers), ",".join(["tx_pcap=/dev/null"] * (workers + 1)))
    head = subprocess.run(
        ["bash", "-c", 'GW_MBUFS=%d; . "%s/configs.sh"; gw_esp_conf dec gcm group "%s" "%s" 1'
         % (mbufs, HERE, src, "net_null1,no-rx=1")],
        check=True, capture_output=True, text=True).stdout
    head = head[:head.index("security = {")]
    head = head.replace("workers = [ 1 ]",
                        "workers = [ %s ]" % ", ".join(str(w + 1) for w in range(workers)))
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


def _cksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def _ipv4(src, dst, proto, payload, ident, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", _cksum(h)) + h[12:] + payload


def _inner64(i):
    """esp_pcap.inner(i, 64, "10.2", "10.1") built without scapy (checked against it)."""
    src = "10.2.%d.%d" % ((i >> 8) & 255, 1 + (i & 255) % 250)
    dst = "10.1.%d.%d" % ((i * 7 >> 8) & 255, 1 + (i * 7) % 250)
    pad = 64 - 4 - 14 - 28
    data = bytes((i + j) & 255 for j in range(pad))
    sport, dport, ulen = 1024 + i % 4096, 5000 + i % 16, 8 + pad
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, ulen)
    u = struct.pack("!HHHH", sport, dport, ulen, 0) + data
    c = _cksum(ph + u + (b"\0" if len(u) % 2 else b"")) or 0xffff
    return _ipv4(src, dst, 17, u[:6] + struct.pack("!H", c) + u[8:], i & 0xffff)


def gen(out, nsa, npkt):
    """esp_pcap.gen_spread's packets (the same inner packets, SPIs and sequence numbers),
    built with the cryptography package's AES-GCM instead of scapy's ESP layer, which
    needs ~15 ms a packet on a loaded machine (100,000 packets: 25 min). The first 64
    and the last packet are compared with esp_pcap's inner packet and decrypted
    again with scapy's SecurityAssociation."""
    import esp_pcap
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from scapy.all import Ether, IP
    from scapy.layers.ipsec import SecurityAssociation, ESP
    k = esp_pcap.KEYS["gcm"]
    aes, salt = AESGCM(k["crypt_key"][:16]), k["crypt_key"][16:]
    eth = bytes(Ether(src=esp_pcap.PEER0_MAC, dst=esp_pcap.PORT0_MAC, type=0x0800))
    frames, clear = [], []
    for i in range(npkt):
        ip = _inner64(i)
        spi, seq = esp_pcap.SPI_IN["gcm"] + i % nsa, 1 + i // nsa
        iv = struct.pack("!Q", i + 1)
        padlen = (-(len(ip) + 2)) % 4
        pt = ip + bytes(range(1, padlen + 1)) + bytes([padlen, 4])
        hdr = struct.pack("!II", spi, seq)
        esp = hdr + iv + aes.encrypt(salt + iv, pt, hdr)
        src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
        frames.append(eth + _ipv4(src, dst, 50, esp, 1))
        clear.append(eth + ip)
    for i in list(range(min(64, npkt))) + [npkt - 1]:
        if bytes(esp_pcap.inner(i, 64, "10.2", "10.1")) != clear[i][14:]:
            raise SystemExit("scale.py gen: inner packet %d differs from esp_pcap's" % i)
        outer = IP(frames[i][14:])
        kk = dict(k)
        kk["spi"] = esp_pcap.SPI_IN["gcm"] + i % nsa
        sa = SecurityAssociation(ESP, tunnel_header=IP(src=outer.src, dst=outer.dst), **kk)
        if bytes(sa.decrypt(outer)) != clear[i][14:]:
            raise SystemExit("scale.py gen: packet %d does not decrypt with scapy" % i)
    esp_pcap.write_pcap(out, frames)
    esp_pcap.write_pcap(out[:-5] + "_inner.pcap", clear)


def opackets(t):
    return t.cmd("/ethdev/stats,1")["/ethdev/stats"]["opackets"]


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
    return int(m.group(1)) if m else 0


def worker_busy(th0, th1, workers):
    """CPU seconds of the `workers` busiest threads between two samples (the pollers)."""
    d = sorted((th1[k] - th0.get(k, 0) for k in th1), reverse=True)
    return sum(d[:workers]) / 1e9


def run(binary, conf_path, prefix, warmup, window, count, reload_conf=None):
    log = conf_path + ".log"
    res = {}
    workers = int(os.environ.get("GW_WORKERS", "1"))
    res["workers"] = workers
    with open(log, "w") as lf:
        p = subprocess.Popen([binary, "--no-huge", "-m", "3072", "--no-pci",
                              "-l", "0-%d" % workers,
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
            busy = worker_busy(th0, th1, workers)
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
            busy = worker_busy(th0, th1, workers)
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
        conf(a[1], int(a[2]), a[3], int(a[4]), int(a[5]), int(a[6]) if len(a) > 6 else 1)
    elif a[0] == "gen":
        gen(a[1], int(a[2]), int(a[3]))
    elif a[0] == "run":
        run(a[1], a[2], a[3], float(a[4]), float(a[5]), int(a[6]), a[7] if len(a) > 7 else None)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
