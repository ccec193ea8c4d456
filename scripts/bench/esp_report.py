#!/usr/bin/python3
"""Markdown tables from scripts/bench-esp.sh's raw results (results.txt).

  esp_report.py RESULTS.txt
"""
import json
import os
import statistics
import sys

NOISY = 0.15    # windows spread (max - min) / median above which a figure is flagged
LOGDIR = "."


def spread(log):
    """(max - min) / median of the measured windows, from the case's log (None if absent)."""
    try:
        lines = [l for l in open(os.path.join(LOGDIR, log)) if l.startswith('{"pps"')]
        d = json.loads(lines[-1])
        return (max(d["pps"]) - min(d["pps"])) / d["median_pps"] if d["median_pps"] else None
    except (OSError, IndexError, ValueError, KeyError):
        return None


def mark(text, log):
    sp = spread(log)
    return text + " *" if sp is not None and sp > NOISY else text

FRAME = {"64": 64, "512": 512, "1420": 1420, "imix": (7 * 64 + 4 * 594 + 1518) / 12}
# ESP payload the cipher sees for a frame (tunnel mode: the inner IP packet + 2-byte
# trailer), rounded up to 16 bytes for the raw call; IMIX = the packet-weighted mix
RAW = {"64": [48], "512": [496], "1420": [1408], "imix": [48] * 7 + [592] * 4 + [1504]}
ALG = {"gcm": "AES-128-GCM", "cbc": "AES-128-CBC + HMAC-SHA1-96"}
DIR = {"enc": "encrypt", "dec": "decrypt"}


def load(path):
    r = {"gw": {}, "secgw": {}, "floor": {}, "verify": {}, "raw": {}, "sad": [], "install": [],
         "imb": [], "spread": {}, "meta": {}}
    for line in open(path):
        f = line.split()
        if not f:
            continue
        k = f[0]
        if k in ("gw", "secgw"):
            r[k][tuple(f[1:5])] = float(f[5])
        elif k == "spread":
            r["spread"][int(f[1])] = float(f[2])
        elif k == "floor":
            r["floor"][f[1]] = float(f[2])
        elif k == "verify":
            r["verify"][tuple(f[1:6])] = " ".join(f[6:])
        elif k == "raw":
            # "raw SIZE gcm_ns X gcm_cyc X ... gcm_set_ns X ...": minimum ns per op, per kind
            # Measured at the start and the end of the run: the lower of the two, as load
            # (and the VM's steal time) only ever adds to a pure CPU loop.
            kv = dict(zip(f[2::2], f[3::2]))
            cur = r["raw"].setdefault(int(f[1]), {})
            for n, v in kv.items():
                if n.endswith("_ns") and not n.endswith("median_ns"):
                    cur[n[:-3]] = min(float(v), cur.get(n[:-3], float("inf")))
        elif k in ("sad", "install", "imb"):
            r[k].append(f)
        else:
            r["meta"][k] = " ".join(f[1:])
    return r


def fmt(x, d=2):
    return "–" if x is None else ("%.*f" % (d, x))


def main(path):
    global LOGDIR
    LOGDIR = os.path.dirname(os.path.abspath(path))
    r = load(path)
    m = r["meta"]
    tsc = float(m.get("tsc_hz", 0)) or None
    sizes = [s for s in FRAME if any(k[3] == s for k in r["gw"])]
    out = []
    p = out.append
    p("## ESP throughput, one worker lcore (`scripts/bench.sh esp`)")
    p("")
    p("* CPU: %s, %s cpus; flags: %s; TSC %.3f GHz" % (m.get("cpu", "?"), m.get("ncpu", "?"),
      m.get("flags", "?"), (tsc or 0) / 1e9))
    p("* date %s, host %s, gdoigw %s, IPsec-MB %s, DPDK %s" % (m.get("date"), m.get("host"),
      m.get("git"), *m.get("ipsecmb", "? ? ?").split()[::2]))
    p("* load average (1/5/15 min) at start %s, at end %s — figures are only meaningful on a quiet"
      " machine; compare ratios inside one run" % (m.get("load_start"), m.get("load_end")))
    meth = m.get("method", "").split()
    p("* method: net_pcap `infinite_rx=1` source → device under test (1 worker lcore, `-l 0,1`,"
      " `--no-huge`) → net_null `no-rx=1` sink; throughput = the sink's opackets through the"
      " telemetry socket, %s s warm-up, median of %s windows of %s s. Mpps; Gbps on the"
      " plaintext frame incl. FCS (\"64 B\" = 60 bytes in the pcap; IMIX = 7×64 : 4×594 :"
      " 1×1518, mean %.1f B); cycles/packet = TSC Hz ÷ pps." % (meth[1] if len(meth) > 1 else "?",
      meth[5] if len(meth) > 5 else "?", meth[3] if len(meth) > 3 else "?", FRAME["imix"]))
    p("* gdoigw: run-to-completion, `exception = \"none\"`, ipsecmb engine (private library copy"
      " per worker). Encrypt: cleartext 10.1/16 → 10.2/16 UDP matching a protect term of an"
      " outbound **group SA** (header preservation). Decrypt: ~1,000 packets pre-encrypted by"
      " scapy (seq 1..1020), inbound **group SA, no time-based anti-replay (window 0) and"
      " `no-anti-replay`**; inner destinations routed out of the sink port. Interface MTU 9000"
      " and tunnel-mtu 9192, so the 1518 B IMIX frames are not fragmented (as in ipsec-secgw).")
    rs = dict(zip(m.get("raw_setup", "").split()[::2], m.get("raw_setup", "").split()[1::2]))
    if "crypto_arch" in m:
        p("* IPsec-MB code path (`crypto-arch` %s): gdoigw logged \"%s\"; the raw figures ran on"
          " \"%s\". ipsec-secgw's PMDs pick their own path (the best for the CPU)." % (
              m["crypto_arch"], m.get("gw_path", "?"), rs.get("arch", "?")))
    else:
        p("* IPsec-MB code path: not recorded (a run from before `crypto-arch`: the library's"
          " automatic choice everywhere).")
    p("* raw = the IPsec-MB cost of the same cipher operation, measured in the same run by"
      " `gw_crypto_raw_cost_set()` (direct GCM API / one CBC+HMAC-SHA1 job per op, the worker's"
      " private library copy, no I/O, no session layer; minimum of 7 interleaved rounds at the"
      " start of the run and 7 at its end, as load only adds time) on the ESP payload of the frame (inner IP packet + trailer, rounded to"
      " 16 B: 48/496/1408 B; IMIX weighted). Two figures (\"–\": not measured in that run):"
      " **raw hot** = every op on one buffer"
      " that stays in L1 (IV, AAD and tag apart); **raw set** = the ops rotate over %s"
      " ESP-shaped buffers %s B apart (ESP header at +%s, ICV after the payload), the data one"
      " gateway burst touches (at 1420 B about 46 KB, more than L1). Neither includes what the"
      " gateway also pays to reach packet data: RX writes each packet into a freshly allocated"
      " mbuf, so its first touches may miss further than the raw set does. Only encrypt"
      " operations: the decrypt ratios use the encrypt cost (GCM decrypt costs the same; CBC"
      " decrypt is cheaper than CBC encrypt, so the CBC decrypt ratio is pessimistic for raw)." % (
          rs.get("set_bufs", "?"), rs.get("stride", "?"), rs.get("offset", "?")))
    p("* ipsec-secgw (DPDK example from Debian's dpdk-doc, rx offloads → 0) on the same vdevs,"
      " tunnel mode SA (it has no header preservation), replay window 0: *lookaside* = legacy"
      " path with the `crypto_aesni_gcm0` (GCM) / `crypto_aesni_mb0` (CBC) PMD; *cpu-crypto* ="
      " `-l` (librte_ipsec) with SA option `type cpu-crypto`. `-u` marks the ESP port (0x2"
      " encrypt, 0x1 decrypt: the pcap source is always port 0).")
    p("* `*` after a figure: its windows differed by more than %d %% (max − min over the median):"
      " the machine was not quiet during that case; repeat before relying on it." % (NOISY * 100))
    p("")

    def raw_cyc(alg, size, kind=""):
        """Raw cycles per op (kind "" = hot buffer, "_set" = burst working set); None if absent."""
        vals = [r["raw"].get(s, {}).get(alg + kind) for s in RAW[size]]
        if None in vals or not tsc:
            return None
        return statistics.mean(vals) * tsc / 1e9

    def ratio(a, b):
        return a / b if a and b else None

    def pair(a, b, d):
        return "%s / %s" % (fmt(a, d), fmt(b, d))

    for alg in ("gcm", "cbc"):
        for d in ("enc", "dec"):
            if not any(k[1] == alg and k[2] == d for k in r["gw"]):
                continue
            p("### %s %s" % (ALG[alg], DIR[d]))
            p("")
            p("| size | gdoigw Mpps | Gbps | cycles/pkt | raw cycles/op hot / set | gdoigw ÷ raw hot / set | I/O floor Mpps"
              " | ipsec-secgw lookaside Mpps | ipsec-secgw cpu-crypto Mpps | gdoigw ÷ best ipsec-secgw |")
            p("|---|---|---|---|---|---|---|---|---|---|")
            for s in sizes:
                gw = r["gw"].get(("group", alg, d, s))
                if gw is None:
                    continue
                cyc = tsc / gw if gw and tsc else None
                rhot, rset = raw_cyc(alg, s), raw_cyc(alg, s, "_set")
                fl = r["floor"].get(s)
                sec = {}
                for t in ("lookaside", "cpu"):
                    v = r["secgw"].get((t, alg, d, s))
                    ver = r["verify"].get(("secgw", t, alg, d), "")
                    ver = next((val for key, val in r["verify"].items()
                                if key[:4] == ("secgw", t, alg, d)), None)
                    if v is not None and ver is not None and not ver.startswith("ok"):
                        sec[t] = ("n/a (output wrong)", None)
                    elif v is None:
                        sec[t] = ("not run", None)
                    elif v == 0:
                        sec[t] = ("n/a (did not run)", None)
                    else:
                        sec[t] = (mark("%.2f" % (v / 1e6), "secgw_%s_%s_%s_%s.log" % (d, alg, t, s)), v)
                best = max([x[1] for x in sec.values() if x[1]] or [0])
                p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    s if s == "imix" else s + " B", mark(fmt(gw / 1e6), "gw_%s_%s_group_%s.log" % (d, alg, s)),
                    fmt(gw / 1e6 * FRAME[s] * 8 / 1000),
                    fmt(cyc, 0), pair(rhot, rset, 0), pair(ratio(cyc, rhot), ratio(cyc, rset), 2),
                    mark(fmt(fl / 1e6 if fl else None), "testpmd_%s.log" % s), sec.get("lookaside", ("–",))[0],
                    sec.get("cpu", ("–",))[0], fmt(gw / best if best else None)))
            p("")
    rows = [(alg, d, sz) for alg in ("gcm", "cbc") for d in ("enc", "dec") for sz in sizes
            if r["gw"].get(("group", alg, d, sz))]
    if rows and r["raw"]:
        p("### gdoigw against raw IPsec-MB (group SA; cycles per packet / per op)")
        p("")
        p("gdoigw = TSC ÷ gdoigw pps; floor = TSC ÷ the I/O floor's pps (testpmd io on the same"
          " vdevs and pcap); raw hot / raw set as above. The last two columns take the I/O"
          " floor out of gdoigw's cost before dividing: what gdoigw spends beyond I/O, in units"
          " of the raw cipher operation (1.00 would be crypto and nothing else).")
        p("")
        p("| case | size | gdoigw | I/O floor | raw hot | raw set | gdoigw ÷ raw hot | gdoigw ÷ raw set"
          " | (gdoigw − floor) ÷ raw hot | (gdoigw − floor) ÷ raw set |")
        p("|---|---|---|---|---|---|---|---|---|---|")
        for alg, d, sz in rows:
            gw = r["gw"][("group", alg, d, sz)]
            cyc = tsc / gw if tsc else None
            fl = r["floor"].get(sz)
            fcyc = tsc / fl if fl and tsc else None
            net = cyc - fcyc if cyc and fcyc else None
            rhot, rset = raw_cyc(alg, sz), raw_cyc(alg, sz, "_set")
            p("| %s %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                ALG[alg], DIR[d], sz if sz == "imix" else sz + " B", fmt(cyc, 0), fmt(fcyc, 0),
                fmt(rhot, 0), fmt(rset, 0), fmt(ratio(cyc, rhot)), fmt(ratio(cyc, rset)),
                fmt(ratio(net, rhot)), fmt(ratio(net, rset))))
        p("")
    tun = [k for k in r["gw"] if k[0] == "tunnel"]
    if tun:
        p("### gdoigw unicast tunnel SA variant (outer 198.51.100.1 ↔ 203.0.113.7; decrypt: no-anti-replay)")
        p("")
        p("| algorithm | direction | size | tunnel SA Mpps | group SA Mpps | cycles/pkt (tunnel) |")
        p("|---|---|---|---|---|---|")
        for k in sorted(tun, key=lambda k: (k[1], k[2], list(FRAME).index(k[3]))):
            v = r["gw"][k]
            g = r["gw"].get(("group",) + k[1:])
            p("| %s | %s | %s | %s | %s | %s |" % (ALG[k[1]], DIR[k[2]], k[3],
              mark(fmt(v / 1e6), "gw_%s_%s_tunnel_%s.log" % (k[2], k[1], k[3])),
              mark(fmt(g / 1e6 if g else None), "gw_%s_%s_group_%s.log" % (k[2], k[1], k[3])), fmt(tsc / v if v and tsc else None, 0)))
        p("")
    p("### Output checks (one pass of each pcap captured with `tx_pcap=` and checked with scapy)")
    p("")
    for k, v in sorted(r["verify"].items()):
        p("* %s %s %s %s %s: %s" % (k[0] if k[0] == "gw" else "ipsec-secgw", k[1], k[2], k[3], k[4], v))
    p("")
    if r["sad"]:
        p("### SA lookup cost vs installed SAs (C micro-benchmark on lib/sa, `esp_micro sad`)")
        p("")
        p("`gw_sad_lookup_inbound_bulk()` in bursts of 32, 65,536 keys spread at random over the"
          " installed SPIs, each burst's SAs prefetched, then each SA's first cache line read (as"
          " classify does); the fastest of 60 passes over the keys. Each SAD"
          " holds SAs of one kind: group SAs are found by SPI alone in one step (the SAD knows it"
          " holds no unicast SA, as on a GDOI member; with both kinds installed a group SA takes"
          " two: SPI + destination misses, then SPI only hits); unicast SAs by SPI + destination."
          " Through the binary: `scripts/bench/scale.sh`.")
        p("")
        p("| SAs installed | group SA ns/pkt | cycles | unicast SA ns/pkt | cycles |")
        p("|---|---|---|---|---|")
        by = {}
        for f in r["sad"]:
            by.setdefault(int(f[2]), {})[f[1]] = (float(f[4]), float(f[6]))
        for n in sorted(by):
            g, u = by[n].get("group", (None, None)), by[n].get("unicast", (None, None))
            p("| %s | %s | %s | %s | %s |" % ("{:,}".format(n), fmt(g[0], 1), fmt(g[1], 0),
              fmt(u[0], 1), fmt(u[1], 0)))
        p("")
    if r["spread"]:
        p("### gdoigw decrypt throughput vs inbound SAs installed (AES-128-GCM, 64 B)")
        p("")
        p("16,384 packets pre-encrypted by scapy, packet i with the SA of SPI 0x2001 + i mod N"
          " (every SA in use), inbound group SAs with `no-anti-replay`; same method as above."
          " N = 4,096 is the most a configuration file may hold (lib/conf), the SA manager holds"
          " 16,384; the SAD alone is measured up to 100,000 above.")
        p("")
        p("| inbound SAs | Mpps | cycles/pkt |")
        p("|---|---|---|")
        for n in sorted(r["spread"]):
            v = r["spread"][n]
            p("| %s | %s | %s |" % ("{:,}".format(n), mark(fmt(v / 1e6), "gw_spread_%d.log" % n), fmt(tsc / v if v and tsc else None, 0)))
        p("")
    if r["install"]:
        f = r["install"][0]
        kv = dict(zip(f[1::2], f[2::2]))
        p("### SA installs while forwarding (`esp_micro install`)")
        p("")
        p("Main lcore: `gw_samgr_sa_update()` (new AES-128-GCM session, SAD swap, old SA freed after"
          " an RCU grace period, `gw_samgr_poll()` every 64) round-robin over %s inbound group SAs"
          " for 2 s; worker lcore 1: bursts of 32 SAD lookups over the same SPIs, dereferencing"
          " each SA, quiescent report per burst." % kv.get("nsa"))
        p("")
        p("| installs/s | reader Mlookups/s before | reader Mlookups/s during | reader misses |")
        p("|---|---|---|---|")
        p("| %s | %s | %s | %s |" % ("{:,}".format(int(float(kv["installs_per_s"]))),
          kv["reader_baseline_mlookups"], kv["reader_during_mlookups"], kv["reader_misses"]))
        p("")
    if r["imb"]:
        p("### IPsec-MB 1.3 `imb_errno` contention (`esp_micro imb`: raw GCM-128 encrypt, direct API)")
        p("")
        p("| payload | library | 1 thread Mops | 2 threads Mops (total) | scaling |")
        p("|---|---|---|---|---|")
        for f in r["imb"]:
            kv = dict(zip(f[2::2], f[3::2]))
            p("| %s B | %s | %s | %s | %s× |" % (kv["size"], "shared (linked)" if f[1] == "shared"
              else "private dlmopen copy per thread", kv["t1_mops"], kv["t2_mops"], kv["scale"]))
        p("")
        p("Two pinned threads on a 2-core VM:"
          " the shared `imb_errno` line moves between only two cores, so the difference is small"
          " and noisy here; drivers/crypto/README.md has the 8-16-core figures.")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
