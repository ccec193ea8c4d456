#!/usr/bin/env bash
# Interleaved A/B of two gdoigw binaries on one ESP case, for judging a change
# on a machine whose speed drifts (scripts/bench/README.md, "The method"):
#
#   scripts/bench/ab-esp.sh OLD_BINARY NEW_BINARY
#
# Runs A, B, A, B, ... ROUNDS times (default 4) on the same case and prints each
# figure and the median of each side. The case is bench-esp.sh's: source net_pcap
# (infinite_rx=1), sink net_null, one worker lcore, throughput = the sink's
# opackets/s through telemetry (WARMUP s discarded, median of COUNT windows of
# WINDOW s). Environment: DIR (enc|dec, default enc), ALG (gcm|cbc, default gcm),
# MODE (group|tunnel, default group), SIZE (64|512|1420|imix, default 64), ROUNDS,
# WARMUP (2), WINDOW (2), COUNT (3), W (work folder, default build-bench/ab-esp).
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# = 2 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
A=$(realpath "$1"); B=$(realpath "$2")
PY=/usr/bin/python3
DIR=${DIR:-enc}; ALG=${ALG:-gcm}; MODE=${MODE:-group}; SIZE=${SIZE:-64}
ROUNDS=${ROUNDS:-4}; WARMUP=${WARMUP:-2}; WINDOW=${WINDOW:-2}; COUNT=${COUNT:-3}
W=$(realpath -m "${W:-build-bench/ab-esp}")
mkdir -p "$W"
[ -f "$W/esp_cbc_tunnel_imix.pcap" ] || "$PY" scripts/bench/esp_pcap.py gen "$W"
. scripts/bench/configs.sh

if [ "$DIR" = enc ]; then in=$W/plain_$SIZE.pcap; else in=$W/esp_${ALG}_${MODE}_$SIZE.pcap; fi
gw_esp_conf "$DIR" "$ALG" "$MODE" "net_pcap0,rx_pcap=$in,infinite_rx=1,tx_pcap=/dev/null" \
	"net_null1,no-rx=1" >"$W/ab.conf"

pid=""
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf /var/run/dpdk/ab$$' EXIT

one() {	# BINARY -> pps
	local res
	"$1" --no-huge -m 1024 --no-pci -l 0,1 --file-prefix="ab$$" -- -c "$W/ab.conf" \
		</dev/null >"$W/ab.log" 2>&1 &
	pid=$!
	res=$("$PY" scripts/bench_lib.py measure "ab$$" 1 "$WARMUP" "$WINDOW" "$COUNT" 2>>"$W/ab.log") ||
		res='{"median_pps": 0}'
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=""
	rm -rf "/var/run/dpdk/ab$$"
	"$PY" -c 'import json,sys; print(int(json.loads(sys.argv[1])["median_pps"]))' "$res"
}

a_runs=(); b_runs=()
for r in $(seq 1 "$ROUNDS"); do
	a=$(one "$A"); b=$(one "$B")
	a_runs+=("$a"); b_runs+=("$b")
	awk -v r="$r" -v a="$a" -v b="$b" 'BEGIN { printf "round %d: A %.3f Mpps  B %.3f Mpps\n", r, a / 1e6, b / 1e6 }'
done
"$PY" - "$DIR $ALG $MODE $SIZE" "${a_runs[*]}" "${b_runs[*]}" <<'EOF'
import statistics, sys
case, a, b = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
ma, mb = statistics.median(a), statistics.median(b)
spread = lambda v: (max(v) - min(v)) / statistics.median(v) * 100 if statistics.median(v) else 0
print(f"{case}: A median {ma/1e6:.3f} Mpps (spread {spread(a):.1f} %), "
      f"B median {mb/1e6:.3f} Mpps (spread {spread(b):.1f} %), B/A = {mb/ma if ma else 0:.3f}")
EOF
