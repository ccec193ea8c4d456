#!/usr/bin/env bash
# gdoigw against DPDK's ipsec-secgw, like for like, interleaved in one run:
#
#   scripts/bench/vs-secgw.sh [GDOIGW_BINARY [GDOIGW_BINARY_B]]
#
# One worker lcore each, the bench-esp.sh topology (net_pcap infinite source,
# net_null sink, scripts/bench/README.md). Every round runs, one after the
# other: gdoigw with a unicast tunnel SA, gdoigw with a group SA, ipsec-secgw
# lookaside (crypto PMD) and ipsec-secgw cpu-crypto (CASES chooses), then the
# second binary's tunnel and group cases when one is given (an A/B of a change
# with ipsec-secgw in the same run); ROUNDS rounds (default 3). Each figure is
# packets per second of the worker thread's CPU time (scripts/bench/cpu_rate.py:
# other processes taking the core do not count against it) and of wall time.
# It prints each figure, each case's median and spread, and the ratios of
# gdoigw's medians to ipsec-secgw's better mode (and B/A). The case: DIR
# (enc|dec, default enc), ALG (gcm|cbc, default gcm), SIZE (64|512|1420|imix,
# default 64); WARMUP (2), WINDOW (2), COUNT (3); W (work folder, default
# build-bench/vs-secgw). The outputs are not checked here: bench-esp.sh checks
# the same configurations. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
GW=$(realpath "${1:-build/app/gdoigw/gdoigw}")
GW_B=${2:+$(realpath "$2")}
DIR=${DIR:-enc}; ALG=${ALG:-gcm}; SIZE=${SIZE:-64}
ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-2}; WINDOW=${WINDOW:-2}; COUNT=${COUNT:-3}
W=$(realpath -m "${W:-build-bench/vs-secgw}")
mkdir -p "$W"
SECGW=$(scripts/bench/build-secgw.sh "$(realpath -m build-bench/secgw)" 2>"$W/secgw-build.log")
[ -f "$W/esp_cbc_tunnel_imix.pcap" ] || "$PY" scripts/bench/esp_pcap.py gen "$W"
. scripts/bench/configs.sh

inpcap() { [ "$DIR" = enc ] && echo "$W/plain_$SIZE.pcap" || echo "$W/esp_${ALG}_$1_$SIZE.pcap"; }
for mode in group tunnel; do
	gw_esp_conf "$DIR" "$ALG" "$mode" "net_pcap0,rx_pcap=$(inpcap $mode),infinite_rx=1,tx_pcap=/dev/null" \
		"net_null1,no-rx=1" >"$W/gw_$mode.conf"
done
cdev=crypto_aesni_mb0; u=0x2
[ "$ALG" = gcm ] && cdev=crypto_aesni_gcm0
[ "$DIR" = dec ] && u=0x1	# -u: the unprotected (ESP) port
for type in lookaside cpu; do secgw_conf "$ALG" "$type" >"$W/secgw_$type.cfg"; done

eal=(--no-huge -m 1024 --no-pci -l 0,1 --file-prefix="vs$$")
pid=""
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf /var/run/dpdk/vs$$' EXIT

one() {	# CASE -> "wall_pps cpu_pps"
	local res l=() bin=$GW
	case $1 in
	gw_*|gwb_*) [ "${1%%_*}" = gwb ] && bin=$GW_B
		"$bin" "${eal[@]}" -- -c "$W/gw_${1#*_}.conf" </dev/null >"$W/$1.log" 2>&1 & ;;
	secgw_*) [ "$1" = secgw_cpu ] && l=(-l)
		"$SECGW" "${eal[@]}" --vdev "net_pcap0,rx_pcap=$(inpcap tunnel),infinite_rx=1,tx_pcap=/dev/null,tx_pcap=/dev/null" \
			--vdev "net_null1,no-rx=1" --vdev "$cdev" -- -p 0x3 -P -u "$u" \
			-f "$W/$1.cfg" --config "(0,0,1),(1,0,1)" "${l[@]}" </dev/null >"$W/$1.log" 2>&1 & ;;
	esac
	pid=$!
	res=$("$PY" scripts/bench/cpu_rate.py "vs$$" 1 "$pid" "$WARMUP" "$WINDOW" "$COUNT" 2>>"$W/$1.log") ||
		res='{"median_pps": 0, "median_cpu_pps": 0}'
	echo "$res" >>"$W/$1.log"
	kill -INT "$pid" 2>/dev/null || true
	for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=""
	rm -rf "/var/run/dpdk/vs$$"
	"$PY" -c 'import json,sys; r = json.loads(sys.argv[1]); print(int(r["median_pps"]), int(r["median_cpu_pps"]))' "$res"
}

read -r -a cases <<<"${CASES:-gw_tunnel gw_group secgw_lookaside secgw_cpu}"
[ -z "$GW_B" ] || cases+=(gwb_tunnel gwb_group)
declare -A wall cpu
for r in $(seq 1 "$ROUNDS"); do
	line="round $r (Mpps per worker CPU-second / wall):"
	for c in "${cases[@]}"; do
		read -r pw pc < <(one "$c")
		wall[$c]="${wall[$c]:-} $pw"; cpu[$c]="${cpu[$c]:-} $pc"
		line+=" $c $(awk -v p="$pc" -v w="$pw" 'BEGIN { printf "%.3f/%.3f", p / 1e6, w / 1e6 }')"
	done
	echo "$line"
done
args=()
for c in "${cases[@]}"; do args+=("$c" "${cpu[$c]}" "${wall[$c]}"); done
"$PY" scripts/bench/vs_report.py "$DIR $ALG $SIZE" "${args[@]}"
