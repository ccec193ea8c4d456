#!/usr/bin/python3
"""CSV and PNG plot of one ESP benchmark run (scripts/bench-esp.sh's results.txt).

  esp_plot.py RESULTS.txt OUTDIR       writes OUTDIR/bench-esp.csv, bench-esp.gp and
                                       (when gnuplot is installed) bench-esp.png

CSV: one row per (series, algorithm, direction, size) measured in the run:
  series     gdoigw-group | gdoigw-tunnel | ipsec-secgw (best of its two modes, the
             mode in `note`) | io-floor (testpmd io-forward, same vdevs; no cipher, so
             algorithm and direction are "-") | raw-hot / raw-set (IPsec-MB alone, Mops
             read as Mpps; encrypt only, so direction "-")
  size       64 | 512 | 1420 | imix;  frame_bytes: plaintext frame with FCS (IMIX: mean)
  mpps, gbps (on frame_bytes), cycles_per_pkt (TSC Hz / pps; one worker core)
The plot: for each algorithm and direction, Mpps and Gbps against frame size, with the
machine, CPU flags, cores, code path and method in its title and caption.
"""
import csv
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import esp_report  # noqa: E402  (its loader and the size/algorithm tables)

FRAME, RAW, ALG, DIR = esp_report.FRAME, esp_report.RAW, esp_report.ALG, esp_report.DIR
FIELDS = ["series", "algorithm", "direction", "size", "frame_bytes", "mpps", "gbps",
          "cycles_per_pkt", "note"]


def rows(r):
    """The run's figures as CSV rows (dicts), figures of 0 (did not run) left out."""
    m = r["meta"]
    tsc = float(m.get("tsc_hz", 0)) or None
    out = []

    def add(series, alg, d, size, pps, note=""):
        if not pps:
            return
        out.append({"series": series, "algorithm": alg, "direction": d, "size": size,
                    "frame_bytes": "%.1f" % FRAME[size], "mpps": "%.3f" % (pps / 1e6),
                    "gbps": "%.2f" % (pps * FRAME[size] * 8 / 1e9),
                    "cycles_per_pkt": "%.0f" % (tsc / pps) if tsc else "", "note": note})

    sizes = [s for s in FRAME]
    for alg in ALG:
        for d in DIR:
            for s in sizes:
                for mode in ("group", "tunnel"):
                    add("gdoigw-" + mode, alg, d, s, r["gw"].get((mode, alg, d, s)))
                best, how = 0, ""
                for t in ("lookaside", "cpu"):
                    v = r["secgw"].get((t, alg, d, s)) or 0
                    ver = next((val for key, val in r["verify"].items()
                                if key[:4] == ("secgw", t, alg, d)), "ok")
                    if v > best and ver.startswith("ok"):
                        best, how = v, t
                add("ipsec-secgw", alg, d, s, best, how)
    for s in sizes:
        add("io-floor", "-", "-", s, r["floor"].get(s))
    for alg in ALG:
        for kind, series in (("", "raw-hot"), ("_set", "raw-set")):
            for s in sizes:
                ns = [r["raw"].get(x, {}).get(alg + kind) for x in RAW[s]]
                if None not in ns:
                    add(series, alg, "-", s, 1e9 / (sum(ns) / len(ns)), "Mops of the cipher alone")
    return out


def caption(r):
    m = r["meta"]
    peer = " vs ipsec-secgw" if any(r["secgw"].values()) else ""
    meth = m.get("method", "").split()
    tsc = float(m.get("tsc_hz", 0))
    title = "gdoigw%s, ESP, one worker core — %s, %s vCPUs, TSC %.2f GHz" % (
        peer, m.get("cpu", "?"), m.get("ncpu", "?"), tsc / 1e9)
    cap = ("%s; host %s; gdoigw %s; IPsec-MB %s, DPDK %s; CPU flags: %s; crypto-arch %s (%s). "
           "Method: net_pcap replay (infinite_rx) -> DUT on 1 worker lcore (-l 0,1, --no-huge) "
           "-> net_null; sink opackets via telemetry, %s s warm-up, median of %s x %s s; all "
           "series from this one run; load %s -> %s. Gbps on the plaintext frame incl. FCS; "
           "IMIX 7:4:1 of 64/594/1518 B. io-floor = testpmd io-forward on the same vdevs; raw = "
           "IPsec-MB alone (Mops)." % (
               m.get("date", "?"), m.get("host", "?"), m.get("git", "?"),
               *(m.get("ipsecmb", "? ? ?").split()[::2] + ["?", "?"])[:2],
               m.get("flags", "?").strip(), m.get("crypto_arch", "auto"), m.get("gw_path", "?"),
               meth[1] if len(meth) > 1 else "?", meth[5] if len(meth) > 5 else "?",
               meth[3] if len(meth) > 3 else "?", m.get("load_start", "?"), m.get("load_end", "?")))
    return title, cap


MEASURED = ("gdoigw-group", "gdoigw-tunnel", "ipsec-secgw")
STYLE = {   # series -> gnuplot line style
    "gdoigw-group": "lw 2.5 pt 7 ps 1.2 lc rgb '#1b7837'",
    "gdoigw-tunnel": "lw 2 pt 5 ps 1.1 lc rgb '#5aae61'",
    "ipsec-secgw": "lw 2.5 pt 9 ps 1.3 lc rgb '#b2182b'",
    "io-floor": "lw 1.5 dt 2 pt 1 lc rgb '#555555'",
    "raw-hot": "lw 1.5 dt 3 pt 2 lc rgb '#2166ac'",
}


def gnuplot_script(data, r, png):
    """A self-contained gnuplot script (inline data blocks) for the 2-column panel grid."""
    # the sizes a gateway was measured at (the raw cipher and the floor may cover more)
    sizes = [s for s in FRAME if any(x["size"] == s and x["series"] in MEASURED for x in data)]
    xt = ", ".join('"%s" %d' % ("IMIX" if s == "imix" else s + " B", i) for i, s in enumerate(sizes))
    combos = [(a, d) for a in ALG for d in DIR
              if any(x["algorithm"] == a and x["direction"] == d for x in data)]
    title, cap = caption(r)
    lines = []
    p = lines.append

    def block(name, series, alg, d, col):
        p("$%s << EOD" % name)
        for i, s in enumerate(sizes):
            if s == "imix":
                p("")   # a blank line breaks the line: IMIX is a mix, not the next size
            for x in data:
                if (x["series"], x["size"]) != (series, s):
                    continue
                if series == "io-floor" or x["algorithm"] == alg and x["direction"] in (d, "-"):
                    p("%d %s" % (i, x[col]))
        p("EOD")

    plots = []
    for ci, (alg, d) in enumerate(combos):
        for col in ("mpps", "gbps"):
            items = []
            for series in STYLE:
                name = "d%d_%s_%s" % (ci, col, series.replace("-", "_"))
                if not any(x["series"] == series and (series == "io-floor" or x["algorithm"] == alg)
                           for x in data):
                    continue
                block(name, series, alg, d, col)
                items.append("$%s using 1:2 with linespoints %s title '%s'" % (
                    name, STYLE[series], series))
            plots.append(("%s %s" % (ALG[alg], DIR[d]), col, items))
    nrows = max(1, len(combos))
    p("set terminal pngcairo noenhanced size 1400,%d font 'DejaVu Sans,10'" % (360 * nrows + 230))
    p("set output '%s'" % png)
    height = 360 * nrows + 230
    p("set multiplot layout %d,2 title \"%s\" font ',13' margins 0.07,0.98,%.3f,%.3f spacing 0.08,0.09" % (
        nrows, title.replace('"', "'"), 200.0 / height, 1 - 55.0 / height))
    p("set grid")
    p("set key top right font ',9' opaque box")
    p("set xtics (%s)" % xt)
    p("set xrange [-0.3:%f]" % (len(sizes) - 0.7))
    p("set yrange [0:*]")
    p("set xlabel 'frame size (plaintext, FCS included; not to scale)'")
    for i, (t, col, items) in enumerate(plots):
        p("set title '%s — %s'" % (t, "Mpps" if col == "mpps" else "Gbps"))
        p("set ylabel '%s'" % ("Mpps" if col == "mpps" else "Gbps"))
        if i == len(plots) - 1:
            wrapped = []
            for word in cap.split(" "):
                if wrapped and len(wrapped[-1]) + len(word) < 230:
                    wrapped[-1] += " " + word
                else:
                    wrapped.append(word)
            p("set label 1 \"%s\" at screen 0.01, screen %.3f left font ',8'" % (
                "\\n".join(w.replace('"', "'") for w in wrapped), 75.0 / (360 * nrows + 230)))
        p("plot " + ", \\\n     ".join(items) if items else "plot NaN notitle")
    p("unset multiplot")
    return "\n".join(lines) + "\n"


def main(path, outdir):
    esp_report.LOGDIR = os.path.dirname(os.path.abspath(path))
    r = esp_report.load(path)
    data = rows(r)
    os.makedirs(outdir, exist_ok=True)
    csv_path = os.path.join(outdir, "bench-esp.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(data)
    gp = os.path.join(outdir, "bench-esp.gp")
    png = os.path.join(outdir, "bench-esp.png")
    with open(gp, "w") as f:
        f.write(gnuplot_script(data, r, png))
    print("esp_plot: %s (%d rows)" % (csv_path, len(data)))
    if shutil.which("gnuplot") is None:
        print("esp_plot: gnuplot not installed (Debian gnuplot-nox; scripts/setup.sh --test):"
              " no PNG; the script is %s" % gp)
        return 0
    res = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if res.returncode != 0:
        print("esp_plot: gnuplot failed: %s" % res.stderr.strip()[-500:], file=sys.stderr)
        return 1
    print("esp_plot: %s" % png)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
