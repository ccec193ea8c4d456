#!/usr/bin/env bash
# Throughput benchmark (method: scripts/bench/README.md): in-process source and sink.
#
#   scripts/bench.sh forward      plain IPv4 forwarding, 64 B and 1420 B frames
#   scripts/bench.sh esp          ESP encrypt and decrypt: scripts/bench-esp.sh
#   scripts/bench.sh pktgen       Pktgen-DPDK and gdoigw as two processes joined by net_memif
#                                 links: scripts/pktgen/memif.sh (a functional proof on one
#                                 machine; two servers: scripts/pktgen/README.md)
#
# Source: net_pcap replaying a pcap from memory (infinite_rx=1); sink: net_null (no-rx=1).
# One worker lcore, run-to-completion (-l 0,1). Throughput = the sink's opackets per
# second through the DPDK telemetry socket, WARMUP s discarded, median of COUNT windows
# of WINDOW s. The I/O floor of the method (testpmd io-forward over the same vdevs) is
# measured in the same run: compare ratios, not absolute figures across machines.
# Sizes name the frame with FCS: a "64 B" frame is 60 bytes in the pcap.
#
# Environment: SIZES ("64 1420"), WARMUP (3), WINDOW (4), COUNT (3),
#   GDOIGW_BIN (build/app/gdoigw/gdoigw), GW_TXQ (tx_pcap=/dev/null per TX queue
#   the gateway opens on the source port, default 1), OUT (result file).
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

mode=${1:-}
case "$mode" in forward|esp|pktgen) ;; *) sed -n '2,20p' "$0"; exit 2 ;; esac
[ "$mode" = esp ] && exec "$ROOT/scripts/bench-esp.sh"	# ESP benchmark: scripts/bench/README.md
[ "$mode" = pktgen ] && exec "$ROOT/scripts/pktgen/memif.sh"	# scripts/pktgen/README.md

./scripts/setup.sh --test --no-build >/dev/null
if [ -z "${GDOIGW_BIN:-}" ] && ! ./scripts/setup.sh >"${TMPDIR:-/tmp}/bench-build.$$.log" 2>&1; then
	tail -5 "${TMPDIR:-/tmp}/bench-build.$$.log" >&2
	echo "bench: build failed; measuring with whatever binary exists" >&2
fi
rm -f "${TMPDIR:-/tmp}/bench-build.$$.log"
PY=/usr/bin/python3
BIN=${GDOIGW_BIN:-$ROOT/build/app/gdoigw/gdoigw}
SIZES=${SIZES:-"64 1420"}
WARMUP=${WARMUP:-3}; WINDOW=${WINDOW:-4}; COUNT=${COUNT:-3}
GW_TXQ=${GW_TXQ:-1}
W=$ROOT/build/bench
mkdir -p "$W"
OUT=${OUT:-$W/$mode-$(date +%Y%m%d-%H%M%S).txt}

pids=(); prefixes=()
cleanup() {
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	sleep 1
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	for x in "${prefixes[@]}"; do rm -rf "/var/run/dpdk/$x"; done
}
trap cleanup EXIT

# run_measured NAME PREFIX LOG CMD... : start CMD, measure port 1, stop it; prints pps
run_measured() {
	local name=$1 prefix=$2 log=$3; shift 3
	prefixes+=("$prefix")
	"$@" </dev/null >"$log" 2>&1 &
	local pid=$!
	pids+=("$pid")
	local res
	if ! res=$("$PY" scripts/bench_lib.py measure "$prefix" 1 "$WARMUP" "$WINDOW" "$COUNT"); then
		echo "bench: $name: measuring failed; log $log" >&2; tail -20 "$log" >&2
		kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
		echo 0; return
	fi
	kill -INT "$pid" 2>/dev/null || true
	local i; for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$prefix"
	echo "$res" >>"$log"
	"$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["median_pps"])' "$res"
}

eal_common=(--no-huge -m 512 --no-pci -l 0,1)

src_vdev() {	# pcap [txq]
	local v="net_pcap0,rx_pcap=$1,infinite_rx=1" q
	for q in $(seq 1 "${2:-1}"); do v+=",tx_pcap=/dev/null"; done
	echo "$v"
}

gw_config() {	# pcap -> config text (port 0: source, port 1: sink; 10/8 via port 1)
	cat <<CONF
system = { dataplane = { layout = "run-to-completion"; workers = [ 1 ]; }; };
interfaces = (
  { name = "ge-0/0/0"; device = "$(src_vdev "$1" "$GW_TXQ")"; mac = "02:00:00:00:00:01"; exception = "none";
    unit = ( { name = "0"; family = { inet = { address = [ "192.0.2.1/24" ];
      arp = ( { address = "192.0.2.2"; mac = "02:00:00:00:00:02"; } ); }; }; } ); },
  { name = "ge-0/0/1"; device = "net_null1,no-rx=1"; mac = "02:00:00:00:01:01"; exception = "none";
    unit = ( { name = "0"; family = { inet = { address = [ "198.51.100.1/24" ];
      arp = ( { address = "198.51.100.2"; mac = "02:00:00:00:01:02"; } ); }; }; } ); }
);
routing-options = { static = { route = ( { name = "10.0.0.0/8"; next-hop = "198.51.100.2"; } ); }; };
CONF
}

report() { echo "$*" | tee -a "$OUT"; }

bench_forward() {
	report "# gdoigw forward benchmark $(date -Is) on $(hostname)"
	report "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cpus"
	report "# git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty')"
	report "# 1 worker lcore (run-to-completion, -l 0,1), --no-huge; net_pcap infinite_rx -> net_null;"
	report "# median of $COUNT x ${WINDOW}s windows after ${WARMUP}s warm-up; Gbps on the frame size"
	report "$(printf '%-6s %14s %14s %10s %10s' size testpmd_Mpps gdoigw_Mpps gdoigw_Gbps ratio)"
	local size pcap floor gw
	for size in $SIZES; do
		pcap=$W/plain_$size.pcap
		[ -f "$pcap" ] || "$PY" scripts/bench_lib.py gen-plain "$pcap" $((size - 4))
		floor=$(run_measured "testpmd io $size" "bt$$tp$size" "$W/testpmd_$size.log" \
			dpdk-testpmd "${eal_common[@]}" --file-prefix="bt$$tp$size" \
			--vdev "$(src_vdev "$pcap" 1)" --vdev "net_null1,no-rx=1" -- \
			--total-num-mbufs=16384 --forward-mode=io --no-flush-rx --auto-start \
			--stats-period 60)
		gw_config "$pcap" >"$W/gw_$size.conf"
		if [ -x "$BIN" ]; then
			gw=$(run_measured "gdoigw $size" "bt$$gw$size" "$W/gdoigw_$size.log" \
				"$BIN" "${eal_common[@]}" --file-prefix="bt$$gw$size" -- -c "$W/gw_$size.conf")
		else
			echo "bench: $BIN not built" >&2; gw=0
		fi
		report "$("$PY" -c '
import sys
size, floor, gw = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
mp = lambda x: x / 1e6
print("%-6s %14.2f %14.2f %10.2f %10s" % (size, mp(floor), mp(gw), mp(gw) * size * 8 / 1000,
      ("%.2f" % (gw / floor)) if floor else "-"))' "$size" "$floor" "$gw")"
	done
	echo "results in $OUT"
}

"bench_$mode"
