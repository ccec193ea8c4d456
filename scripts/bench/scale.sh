#!/usr/bin/env bash
# Scale: gdoigw's decrypt throughput through the binary against the number of SAs
# installed, the SA installs per second while it forwards, memory per SA:
#
#   scripts/bench/scale.sh [GDOIGW_BINARY]        (default build/app/gdoigw/gdoigw)
#
# For each N in COUNTS (default "1 1000 10000 100000"): N inbound AES-128-GCM
# group SAs (SPI 0x2001 + i) in the configuration, 64 B ESP packets made by
# scale.py (a sample checked with scapy), packet i through SA i mod N
# (max(16384, N) packets, so every SA is used), the bench topology of
# scripts/bench/README.md (net_pcap infinite source, net_null sink, one worker
# lcore, --no-huge -m 3072, one mbuf pool size for every N). Per N:
#   * the time from start to the first packet forwarded (the N SAs installed at
#     start-up, configuration parse included);
#   * Mpps per worker CPU-second and per wall second (scripts/bench/cpu_rate.py;
#     median of COUNT windows of WINDOW s after WARMUP s);
#   * resident memory (VmRSS) and the DPDK heap in use (telemetry
#     /eal/heap_info): per SA = the difference to N = 1, divided by N - 1;
#   * with RELOAD=1 (default): a reload (SIGHUP) to a configuration that
#     gives every SA a lifetime, sent while it forwards: every SA is
#     replaced (new SA object, new crypto session, old one freed after the RCU
#     grace period); SAs replaced per second and the rate forwarded meanwhile.
# Worker-core scaling (second table): the same decryption over CORE_SAS SAs
# (default 1000) with 1, 2, ... worker lcores (WORKERS, default every core but
# the main lcore's, at most 8), the source with one RX queue per worker
# (net_pcap, one rx_pcap= each): Mpps wall (what scales) and per worker
# CPU-second (flat when the per-lcore state — SA counters, IPsec-MB copies —
# does not contend). What the machine's cores cannot show is said, not
# guessed: 2 cores give one worker. Results in W (default build-bench/scale),
# the tables on stdout. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
GW=$(realpath "${1:-build/app/gdoigw/gdoigw}")
COUNTS=${COUNTS:-"1 1000 10000 100000"}
WARMUP=${WARMUP:-3}; WINDOW=${WINDOW:-2}; COUNT=${COUNT:-3}; RELOAD=${RELOAD:-1}
W=$(realpath -m "${W:-build-bench/scale}")
mkdir -p "$W"
RES=$W/results.jsonl
: >"$RES"
trap 'rm -rf /var/run/dpdk/sc$$' EXIT

NCPU=$(nproc)
MAXW=$(( NCPU - 1 < 8 ? NCPU - 1 : 8 ))
WORKERS=${WORKERS:-$(seq -s ' ' 1 $(( MAXW > 0 ? MAXW : 1 )))}
CORE_SAS=${CORE_SAS:-1000}
echo "scale: $NCPU cores, load $(cut -d' ' -f1-3 /proc/loadavg), gdoigw $GW" >&2
# one pool size for every count, so that the memory per SA is the SAs' alone
maxn=$(for n in $COUNTS; do echo "$n"; done | sort -n | tail -1)
maxpkt=$(( maxn > 16384 ? maxn : 16384 ))
mbufs=$(( (maxpkt + 16384 + 1023) / 1024 * 1024 ))
for n in $COUNTS; do
	npkt=$(( n > 16384 ? n : 16384 ))
	pcap=$W/spread_$n.pcap
	[ -f "$pcap" ] || { echo "scale: generating $npkt packets over $n SAs" >&2;
		"$PY" scripts/bench/scale.py gen "$pcap" "$n" "$npkt"; }
	"$PY" scripts/bench/scale.py conf "$W/gw_$n.conf" "$n" "$pcap" "$mbufs" 0
	reload=()
	if [ "$RELOAD" = 1 ]; then
		"$PY" scripts/bench/scale.py conf "$W/gw_${n}_b.conf" "$n" "$pcap" "$mbufs" 1
		reload=("$W/gw_${n}_b.conf")
	fi
	cp "$W/gw_$n.conf" "$W/run.conf"
	echo "scale: $n SAs" >&2
	r=$("$PY" scripts/bench/scale.py run "$GW" "$W/run.conf" "sc$$" "$WARMUP" "$WINDOW" "$COUNT" \
		"${reload[@]}") || r='{}'
	cp "$W/run.conf.log" "$W/gw_$n.log" 2>/dev/null || true
	echo "{\"n\": $n, \"result\": $r}" >>"$RES"
done
# worker-core scaling: one worker lcore per core beyond the main lcore's
CRES=$W/cores.jsonl
: >"$CRES"
pcap=$W/spread_$CORE_SAS.pcap
npkt=$(( CORE_SAS > 16384 ? CORE_SAS : 16384 ))
for w in $WORKERS; do
	[ "$w" -lt "$NCPU" ] || { echo "scale: $w workers need $((w + 1)) cores, the machine" \
		"has $NCPU: not measured" >&2; continue; }
	[ -f "$pcap" ] || "$PY" scripts/bench/scale.py gen "$pcap" "$CORE_SAS" "$npkt"
	"$PY" scripts/bench/scale.py conf "$W/cores_$w.conf" "$CORE_SAS" "$pcap" \
		$(( (npkt * w + 16384 * w + 1023) / 1024 * 1024 )) 0 "$w"
	echo "scale: $w worker(s), $CORE_SAS SAs" >&2
	r=$(GW_WORKERS=$w "$PY" scripts/bench/scale.py run "$GW" "$W/cores_$w.conf" "sc$$" \
		"$WARMUP" "$WINDOW" "$COUNT") || r='{}'
	echo "{\"workers\": $w, \"result\": $r}" >>"$CRES"
done
"$PY" - "$RES" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
base = next((r["result"] for r in rows if r["n"] == 1 and r["result"]), None)
print("| SAs | start to forwarding s | Mpps per worker CPU-s | Mpps wall | RSS MB | DPDK heap MB "
      "| per SA (RSS / heap) B | reload: SAs replaced/s | Mpps during reload (CPU-s) |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    n, x = r["n"], r["result"]
    if not x:
        print(f"| {n} | failed | | | | | | | |")
        continue
    per = ""
    if base and n > 1:
        per = "%.0f / %.0f" % ((x["rss_kb"] - base["rss_kb"]) * 1024 / (n - 1),
                               (x["heap_alloc_bytes"] - base["heap_alloc_bytes"]) / (n - 1))
    rl = ("%.0f" % (n / x["reload_s"]) if x.get("reload_ok") else "refused") if "reload_s" in x else ""
    rp = "%.3f" % (x["reload_cpu_pps"] / 1e6) if "reload_s" in x else ""
    print(f"| {n} | {x['start_to_forwarding_s']:.1f} | {x['median_cpu_pps']/1e6:.3f} | "
          f"{x['median_pps']/1e6:.3f} | {x['rss_kb']/1024:.0f} | {x['heap_alloc_bytes']/2**20:.0f} | "
          f"{per} | {rl} | {rp} |")
EOF
"$PY" - "$CRES" "$NCPU" "$CORE_SAS" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ncpu = int(sys.argv[2])
print()
print("| worker lcores (%s SAs) | Mpps wall | Mpps per worker CPU-s | wall ÷ 1 worker |" % sys.argv[3])
print("|---|---|---|---|")
one = next((r["result"].get("median_pps") for r in rows if r["workers"] == 1 and r["result"]), None)
for r in rows:
    x = r["result"]
    if not x:
        print(f"| {r['workers']} | failed | | |")
        continue
    sp = "%.2f" % (x["median_pps"] / one) if one else ""
    print(f"| {r['workers']} | {x['median_pps']/1e6:.3f} | {x['median_cpu_pps']/1e6:.3f} | {sp} |")
if ncpu < 3:
    print(f"\nNot measured: scaling beyond one worker lcore. This machine has {ncpu} cores; the "
          "main lcore takes one, so two workers need 3 cores. On such a machine the second "
          "table grows a row per core.")
EOF
