#!/usr/bin/python3
"""The top README's ESP table from one run's bench-esp.csv (scripts/bench/esp_plot.py).

  readme_table.py RESULTS_DIR/bench-esp.csv     prints a Markdown table on stdout

One row per algorithm, direction and frame size: gdoigw's group SA and unicast tunnel SA
in Mpps (Gbps), ipsec-secgw's better mode, each gdoigw series divided by it, the
like-for-like target for that row, and gdoigw's cycles per packet beside the raw
IPsec-MB cost of the same cipher operation and the I/O floor (all from the same run).
Targets (issue "benchmarks"): AES-GCM >= 1.3x ipsec-secgw at 64 B and IMIX, >= 1.1x at
1420 B; CBC+HMAC-SHA1 >= 1.0x at every size. A ratio that meets its target is bold.
"""
import csv
import sys

ALGS = (("gcm", "AES-128-GCM"), ("cbc", "AES-128-CBC+HMAC-SHA1"))
DIRS = (("enc", "encrypt"), ("dec", "decrypt"))
SIZES = (("64", "64 B"), ("512", "512 B"), ("1420", "1420 B"), ("imix", "IMIX"))


def target(alg, size):
    """The issue's like-for-like ratio for this row, None where it names none."""
    if alg == "cbc":
        return 1.0
    return {"64": 1.3, "imix": 1.3, "1420": 1.1}.get(size)


def load(path):
    """{(series, algorithm, direction, size): row}"""
    with open(path, newline="") as f:
        return {(r["series"], r["algorithm"], r["direction"], r["size"]): r
                for r in csv.DictReader(f)}


def ratio(ours, theirs, goal):
    if ours is None or theirs is None:
        return "–"
    r = float(ours["mpps"]) / float(theirs["mpps"])
    text = f"{r:.2f}"
    return f"**{text}**" if goal is not None and r >= goal else text


def mpps(row, with_gbps=False):
    if row is None:
        return "–"
    return f"{float(row['mpps']):.2f} ({float(row['gbps']):.1f})" if with_gbps \
        else f"{float(row['mpps']):.2f}"


def main(path):
    t = load(path)
    print("| case | frame | group SA Mpps (Gbps) | tunnel SA Mpps | ipsec-secgw Mpps "
          "| group ÷ secgw | tunnel ÷ secgw | target | cycles/pkt group / raw cipher / "
          "I/O floor |")
    print("|---|---|---|---|---|---|---|---|---|")
    for alg, alg_name in ALGS:
        for d, d_name in DIRS:
            for size, size_name in SIZES:
                group = t.get(("gdoigw-group", alg, d, size))
                tunnel = t.get(("gdoigw-tunnel", alg, d, size))
                secgw = t.get(("ipsec-secgw", alg, d, size))
                raw = t.get(("raw-hot", alg, "-", size))
                floor = t.get(("io-floor", "-", "-", size))
                if group is None and tunnel is None:
                    continue
                goal = target(alg, size)
                cycles = " / ".join(r["cycles_per_pkt"] if r else "–"
                                    for r in (group, raw, floor))
                print(f"| {alg_name} {d_name} | {size_name} | {mpps(group, True)} "
                      f"| {mpps(tunnel)} | {mpps(secgw)} | {ratio(group, secgw, goal)} "
                      f"| {ratio(tunnel, secgw, goal)} "
                      f"| {'≥ %.1f' % goal if goal else '–'} | {cycles} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip())
    main(sys.argv[1])
