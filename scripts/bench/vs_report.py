#!/usr/bin/python3
"""Summary of scripts/bench/vs-secgw.sh: CASE then, per measured case, its name,
its CPU-time figures and its wall-clock figures (space-separated pps)."""
import statistics
import sys


def spread(x):
    m = statistics.median(x)
    return (max(x) - min(x)) / m * 100 if m else 0


def main():
    case, a = sys.argv[1], sys.argv[2:]
    # a run that measured nothing (0: the telemetry read failed) is left out, and said
    cpu = {a[i]: [int(x) for x in a[i + 1].split() if int(x)] or [0] for i in range(0, len(a), 3)}
    wall = {a[i]: [int(x) for x in a[i + 2].split() if int(x)] or [0] for i in range(0, len(a), 3)}
    for i in range(0, len(a), 3):
        failed = sum(1 for x in a[i + 1].split() if not int(x))
        if failed:
            print(f"{case} {a[i]}: {failed} run(s) measured nothing, left out")
    med = {n: statistics.median(v) for n, v in cpu.items()}
    for n in cpu:
        print(f"{case} {n}: median {med[n] / 1e6:.3f} Mpps per worker CPU-second "
              f"(spread {spread(cpu[n]):.1f} %), wall {statistics.median(wall[n]) / 1e6:.3f} Mpps")
    best = max(med.get("secgw_lookaside", 0), med.get("secgw_cpu", 0))
    if best:
        print(case + " ratio to ipsec-secgw's better mode: " +
              ", ".join(f"{n} {med[n] / best:.3f}" for n in cpu if n.startswith("gw")))
    pairs = [m for m in ("tunnel", "group") if med.get("gw_" + m) and "gwb_" + m in med]
    if pairs:
        print(case + " B/A: " + ", ".join(f"{m} {med['gwb_' + m] / med['gw_' + m]:.3f}"
                                          for m in pairs))


if __name__ == "__main__":
    main()
