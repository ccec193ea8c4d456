#!/usr/bin/python3
"""Packets per second of worker CPU time, for machines other work shares.

  cpu_rate.py PREFIX PORT PID WARMUP WINDOW COUNT

Like `bench_lib.py measure` (the sink port's opackets through the DPDK
telemetry socket of --file-prefix PREFIX), but each window's packets are also
divided by the CPU time the process's busiest thread (the polling worker
lcore) was given in that window, read from /proc/PID/task/TID/schedstat
(nanoseconds on a CPU; time the scheduler gave to other processes, and a
paravirtualised guest's steal time, are not counted). Wall-clock rates fall
when other processes take the worker's core; this one does not, so two
binaries measured one after the other on a busy machine still compare. Cache
and memory-bandwidth sharing still show. Prints JSON: {"pps": [...],
"median_pps": x, "cpu_pps": [...], "median_cpu_pps": y, "cpu_share": [...]}.
"""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_lib import Telemetry  # noqa: E402


def thread_times(pid):
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                out[tid] = int(f.read().split()[0])
        except OSError:
            pass
    return out


def main():
    prefix, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    warmup, window, count = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
    t = Telemetry(prefix)
    key = "/ethdev/stats"
    time.sleep(warmup)
    pps, cpu_pps, share = [], [], []
    prev = t.cmd("%s,%d" % (key, port))[key]["opackets"]
    th0 = thread_times(pid)
    t0 = time.monotonic()
    for _ in range(count):
        time.sleep(window)
        cur = t.cmd("%s,%d" % (key, port))[key]["opackets"]
        th1 = thread_times(pid)
        t1 = time.monotonic()
        busy = max((th1[k] - th0.get(k, 0) for k in th1), default=0) / 1e9
        pps.append((cur - prev) / (t1 - t0))
        cpu_pps.append((cur - prev) / busy if busy > 0 else 0)
        share.append(busy / (t1 - t0))
        prev, th0, t0 = cur, th1, t1
    print(json.dumps({"pps": pps, "median_pps": statistics.median(pps),
                      "cpu_pps": cpu_pps, "median_cpu_pps": statistics.median(cpu_pps),
                      "cpu_share": share}))


if __name__ == "__main__":
    main()
