#!/usr/bin/python3
"""Helpers for scripts/bench.sh (Debian's /usr/bin/python3: scapy is needed for gen).

  bench_lib.py gen-plain OUT.pcap FRAME_SIZE [N]   plain IPv4/UDP frames, FCS excluded
                                                    (a "64 B" frame is 60 bytes here)
  bench_lib.py measure PREFIX PORT WARMUP WINDOW COUNT
        read /ethdev/stats,PORT from the DPDK telemetry socket of --file-prefix PREFIX:
        wait WARMUP s, then COUNT windows of WINDOW s; prints JSON
        {"pps": [..], "median_pps": x}
"""
import json
import os
import socket
import statistics
import struct
import sys
import time

# Bench topology (must match bench.sh's configuration)
IN_MAC_SRC = "02:00:00:00:00:02"
IN_MAC_DST = "02:00:00:00:00:01"   # gateway port 0


def gen_plain(path, size, n=1024):
    from scapy.all import Ether, IP, UDP, Raw
    frames = []
    for i in range(n):
        p = (Ether(src=IN_MAC_SRC, dst=IN_MAC_DST) /
             IP(src="192.0.2.%d" % (2 + i % 200), dst="10.%d.%d.%d" % (1 + i % 7, (i >> 3) & 255, 1 + i % 250), ttl=64) /
             UDP(sport=1024 + i, dport=5000 + i % 16))
        pad = size - len(p)
        if pad < 0:
            raise SystemExit("frame size %d too small" % size)
        frames.append(bytes(p / Raw(b"\x55" * pad)))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, b in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, i, len(b), len(b)) + b)


class Telemetry:
    def __init__(self, prefix, timeout=30):
        path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > deadline:
                    raise SystemExit("no telemetry socket at %s" % path)
                time.sleep(0.2)
        self.info = json.loads(self.s.recv(65536).decode())
        self.maxlen = int(self.info.get("max_output_len", 16384))

    def cmd(self, c):
        self.s.send(c.encode())
        return json.loads(self.s.recv(self.maxlen).decode())


def measure(prefix, port, warmup, window, count):
    t = Telemetry(prefix)
    key = "/ethdev/stats"
    time.sleep(warmup)
    rates = []
    prev = t.cmd("%s,%d" % (key, port))[key]["opackets"]
    t0 = time.monotonic()
    for _ in range(count):
        time.sleep(window)
        cur = t.cmd("%s,%d" % (key, port))[key]["opackets"]
        t1 = time.monotonic()
        rates.append((cur - prev) / (t1 - t0))
        prev, t0 = cur, t1
    print(json.dumps({"pps": rates, "median_pps": statistics.median(rates)}))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "gen-plain":
        gen_plain(a[1], int(a[2]), int(a[3]) if len(a) > 3 else 1024)
    elif a and a[0] == "measure":
        measure(a[1], int(a[2]), float(a[3]), float(a[4]), int(a[5]))
    else:
        sys.exit(__doc__)
