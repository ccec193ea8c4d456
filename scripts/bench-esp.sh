#!/usr/bin/env bash
# ESP throughput benchmark (method and figures: scripts/bench/README.md):
# gdoigw vs raw IPsec-MB vs ipsec-secgw, one worker lcore, in one run.
#
#   scripts/bench-esp.sh          (or: scripts/bench.sh esp)
#
# Source net_pcap (infinite_rx=1) -> device under test -> sink net_null (no-rx=1);
# throughput = the sink's opackets/s through the telemetry socket (WARMUP s
# discarded, median of COUNT windows of WINDOW s). Every case's output is
# confirmed once with scapy (a tx_pcap= capture of one pass of the pcap).
# Environment: SIZES ("64 512 1420 imix"), ALGS ("gcm cbc"), WARMUP (2),
#   WINDOW (2), COUNT (3), TUNNEL_SIZES ("64 1420": gdoigw unicast tunnel SA
#   variant), SECGW (1: measure ipsec-secgw), SPREAD ("1 1000 4096": decrypt
#   over that many inbound SAs; 4096 = the configuration's limit), BUILD (build-bench), OUT
#   ($BUILD/bench-esp.md), ARCH (unset = auto: the IPsec-MB code path, crypto-arch, of
#   gdoigw and of the raw/imb/install micro-benchmarks, e.g. ARCH=avx2 on an AVX-512
#   machine; ipsec-secgw's PMDs keep their own choice), RESULTS (the run's folder for
#   results.txt, bench-esp.md, bench-esp.csv and bench-esp.png: default
#   $BUILD/results/DATE-GIT). Not part of the test suite.
#   Takes ~12 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=/usr/bin/python3
B=$(realpath -m "${BUILD:-$ROOT/build-bench}")
W=$B/bench-esp
OUT=${OUT:-$B/bench-esp.md}
SIZES=${SIZES:-"64 512 1420 imix"}
ALGS=${ALGS:-"gcm cbc"}
TUNNEL_SIZES=${TUNNEL_SIZES-"64 1420"}
SECGW=${SECGW:-1}
SPREAD=${SPREAD-"1 1000 4096"}
ARCH=${ARCH:-}
MICRO_ARCH=()
if [ -n "$ARCH" ]; then MICRO_ARCH=(--arch="$ARCH"); fi
WARMUP=${WARMUP:-2}; WINDOW=${WINDOW:-2}; COUNT=${COUNT:-3}
RES=$W/results.txt
RESULTS=$(realpath -m "${RESULTS:-$B/results/$(date +%Y%m%d-%H%M%S)-$(git rev-parse --short HEAD)}")
mkdir -p "$W"
: >"$RES"
log() { echo "bench-esp: $*" >&2; }

# ---- build: gdoigw release and the micro-benchmarks (meson), ipsec-secgw, pcaps ----
[ -f "$B/build.ninja" ] || meson setup "$B" --buildtype=release >/dev/null
ninja -C "$B" -j2 >/dev/null
GW=$B/app/gdoigw/gdoigw
MICRO=$B/test/bench/esp_micro	# the micro-benchmarks are meson targets (test/bench/meson.build)
SECGW_BIN=""
if [ "$SECGW" = 1 ]; then
	SECGW_BIN=$(scripts/bench/build-secgw.sh "$B/secgw" 2>"$W/secgw-build.log") ||
		{ log "ipsec-secgw did not build (see $W/secgw-build.log)"; SECGW_BIN=""; }
fi
[ -f "$W/esp_cbc_tunnel_imix.pcap" ] || { log "generating pcaps (scapy)"; "$PY" scripts/bench/esp_pcap.py gen "$W"; }

. scripts/bench/configs.sh

# ARCH: a code path this CPU cannot run is refused here, with gdoigw's reason, not after 12 minutes of zeros
if [ -n "$ARCH" ]; then
	gw_esp_conf enc gcm group net_null0 net_null1 >"$W/arch-check.conf"
	"$GW" --check -c "$W/arch-check.conf" >&2 || { log "ARCH=$ARCH refused"; exit 1; }
fi

pids=(); prefixes=()
cleanup() {
	local p x
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	sleep 0.5
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	for x in "${prefixes[@]}"; do rm -rf "/var/run/dpdk/$x"; done
}
trap cleanup EXIT
eal=(--no-huge -m 1024 --no-pci -l 0,1)

# measure NAME PREFIX LOG CMD... : run CMD, read port 1's opackets, stop CMD; prints pps (0 on failure)
measure() {
	local name=$1 prefix=$2 logf=$3 res pid i; shift 3
	prefixes+=("$prefix")
	"$@" </dev/null >"$logf" 2>&1 &
	pid=$!; pids+=("$pid")
	if ! res=$("$PY" scripts/bench_lib.py measure "$prefix" 1 "$WARMUP" "$WINDOW" "$COUNT" 2>>"$logf"); then
		log "$name: measuring failed; log $logf"; res='{"median_pps": 0}'
	fi
	kill -INT "$pid" 2>/dev/null || true
	for i in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$prefix"
	echo "$res" >>"$logf"
	"$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["median_pps"])' "$res"
}

# input pcap of a case: plain for enc; ESP for dec (group or tunnel outer header)
inpcap() { [ "$1" = enc ] && echo "$W/plain_$4.pcap" || echo "$W/esp_$2_$3_$4.pcap"; }

# check DIR ALG MODE SIZE CAPTURE : scapy verdict line, exit status 0 = right
check() {
	if [ "$1" = enc ]; then "$PY" scripts/bench/esp_pcap.py check-enc "$2" "$3" "$W/plain_$4.pcap" "$5"
	else "$PY" scripts/bench/esp_pcap.py check-dec "$W/inner_$4.pcap" "$5"; fi
}

# ---- gdoigw ----
gw_case() {	# DIR ALG MODE SIZE
	local dir=$1 alg=$2 mode=$3 size=$4 in pps v cap=$W/cap.pcap tag="$1_$2_$3_$4"
	in=$(inpcap "$dir" "$alg" "$mode" "$size")
	# 1. confirm: one pass of the pcap, sink = a capture file
	gw_esp_conf "$dir" "$alg" "$mode" "net_pcap0,rx_pcap=$in,tx_pcap=/dev/null" \
		"net_pcap1,rx_pcap=$W/empty.pcap,tx_pcap=$cap" >"$W/gw_$tag.check.conf"
	rm -f "$cap"
	timeout 30 "$GW" "${eal[@]}" --file-prefix="be$$c" -- -c "$W/gw_$tag.check.conf" \
		--exit-when-idle 500 >"$W/gw_$tag.check.log" 2>&1 || true
	rm -rf "/var/run/dpdk/be$$c"
	if v=$(check "$dir" "$alg" "$mode" "$size" "$cap" 2>&1); then v="ok: $v"; else v="FAIL: $v"; fi
	# the IPsec-MB code path gdoigw logged (its crypto-arch, resolved)
	grep -q '^gw_path ' "$RES" || grep -m1 -o '[a-z0-9-]* code path (crypto-arch [a-z0-9]*)' \
		"$W/gw_$tag.check.log" | sed 's/^/gw_path /' >>"$RES" || true
	# 2. measure
	gw_esp_conf "$dir" "$alg" "$mode" "net_pcap0,rx_pcap=$in,infinite_rx=1,tx_pcap=/dev/null" \
		"net_null1,no-rx=1" >"$W/gw_$tag.conf"
	pps=$(measure "gdoigw $tag" "be$$g" "$W/gw_$tag.log" "$GW" "${eal[@]}" --file-prefix="be$$g" -- -c "$W/gw_$tag.conf")
	echo "gw $mode $alg $dir $size $pps" >>"$RES"
	echo "verify gw $mode $alg $dir $size $v" >>"$RES"
	log "gdoigw $tag: $pps pps; $v"
}

# gdoigw decrypt, 64 B GCM, 16,384 packets spread over N inbound group SAs (SPI 0x2001 + i % N)
spread_case() {	# N
	local n=$1 pps v cap=$W/cap.pcap in=$W/spread_$1.pcap
	[ -f "$in" ] || "$PY" scripts/bench/esp_pcap.py gen-spread "$in" "$n"
	gw_esp_conf dec gcm group "net_pcap0,rx_pcap=$in,tx_pcap=/dev/null" \
		"net_pcap1,rx_pcap=$W/empty.pcap,tx_pcap=$cap" "$n" >"$W/gw_spread_$n.check.conf"
	rm -f "$cap"
	timeout 60 "$GW" "${eal[@]}" --file-prefix="be$$c" -- -c "$W/gw_spread_$n.check.conf" \
		--exit-when-idle 500 >"$W/gw_spread_$n.check.log" 2>&1 || true
	rm -rf "/var/run/dpdk/be$$c"
	if v=$("$PY" scripts/bench/esp_pcap.py check-dec "$W/spread_${n}_inner.pcap" "$cap" 2>&1); then
		v="ok: $v"; else v="FAIL: $v"; fi
	GW_MBUFS=65536 gw_esp_conf dec gcm group "net_pcap0,rx_pcap=$in,infinite_rx=1,tx_pcap=/dev/null" \
		"net_null1,no-rx=1" "$n" >"$W/gw_spread_$n.conf"
	pps=$(measure "gdoigw spread $n" "be$$g" "$W/gw_spread_$n.log" "$GW" "${eal[@]}" --file-prefix="be$$g" -- -c "$W/gw_spread_$n.conf")
	echo "spread $n $pps" >>"$RES"
	echo "verify gw spread-$n gcm dec 64 $v" >>"$RES"
	log "gdoigw decrypt over $n SAs: $pps pps; $v"
}

# ---- ipsec-secgw ----
secgw_args() {	# DIR ALG TYPE SRC SINK -> argv (lookaside PMD: aesni_gcm for GCM, aesni_mb for CBC)
	local dir=$1 alg=$2 type=$3 src=$4 sink=$5 cdev=crypto_aesni_mb0 u=0x2 l=()
	[ "$alg" = gcm ] && cdev=crypto_aesni_gcm0
	[ "$dir" = dec ] && u=0x1	# -u: the unprotected (ESP) port = the source port for decrypt
	[ "$type" = cpu ] && l=(-l)	# librte_ipsec path, needed for 'type cpu-crypto'
	echo "${eal[*]} --vdev $src --vdev $sink --vdev $cdev -- -p 0x3 -P -u $u -f $W/secgw_${alg}_$type.cfg --config (0,0,1),(1,0,1) ${l[*]}"
}
secgw_verified=""
secgw_case() {	# DIR ALG TYPE SIZE
	local dir=$1 alg=$2 type=$3 size=$4 in pps v cap=$W/cap.pcap tag="$1_$2_$3_$4" pid i
	in=$(inpcap "$dir" "$alg" tunnel "$size")
	secgw_conf "$alg" "$type" >"$W/secgw_${alg}_$type.cfg"
	if [[ " $secgw_verified " != *" $dir/$alg/$type "* ]]; then
		# confirm once per (direction, algorithm, mode): one pass, capture on TX queue 1 (lcore 1)
		rm -f "$cap"
		# shellcheck disable=SC2046
		timeout -s INT 5 "$SECGW_BIN" --file-prefix="be$$c" $(secgw_args "$dir" "$alg" "$type" \
			"net_pcap0,rx_pcap=$in,tx_pcap=/dev/null,tx_pcap=/dev/null" \
			"net_pcap1,rx_pcap=$W/empty.pcap,tx_pcap=/dev/null,tx_pcap=$cap") \
			>"$W/secgw_$tag.check.log" 2>&1 || true
		rm -rf "/var/run/dpdk/be$$c"
		if v=$(check "$dir" "$alg" tunnel "$size" "$cap" 2>&1); then v="ok: $v"; else v="FAIL: $v"; fi
		echo "verify secgw $type $alg $dir $size $v" >>"$RES"
		log "ipsec-secgw $tag check: $v"
		secgw_verified+=" $dir/$alg/$type"
	fi
	# shellcheck disable=SC2046
	pps=$(measure "secgw $tag" "be$$s" "$W/secgw_$tag.log" "$SECGW_BIN" --file-prefix="be$$s" \
		$(secgw_args "$dir" "$alg" "$type" \
		"net_pcap0,rx_pcap=$in,infinite_rx=1,tx_pcap=/dev/null,tx_pcap=/dev/null" "net_null1,no-rx=1"))
	echo "secgw $type $alg $dir $size $pps" >>"$RES"
	log "ipsec-secgw $tag: $pps pps"
}

# ---- the run ----
echo "date $(date -Is)" >>"$RES"
echo "host $(hostname)" >>"$RES"
echo "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" >>"$RES"
echo "flags $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx512f|avx512vl|vaes|vpclmulqdq|gfni|avx2|aes|sha_ni)$' | tr '\n' ' ')" >>"$RES"
echo "ncpu $(nproc)" >>"$RES"
echo "git $(git rev-parse --short HEAD)$(git diff --quiet -- lib drivers app || echo +dirty)" >>"$RES"
echo "ipsecmb $(dpkg-query -W -f '${Version}' libipsec-mb1 2>/dev/null || echo '?') dpdk $(pkg-config --modversion libdpdk)" >>"$RES"
echo "method warmup $WARMUP window $WINDOW count $COUNT" >>"$RES"
echo "crypto_arch ${ARCH:-auto}" >>"$RES"
echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"

log "raw IPsec-MB cost and micro-benchmarks"
"$MICRO" "${MICRO_ARCH[@]}" raw 48 496 592 1408 1504 2>/dev/null | grep -E '^(tsc_hz|raw)' | sort -u >>"$RES"

for size in $SIZES; do
	pps=$(measure "testpmd $size" "be$$t" "$W/testpmd_$size.log" dpdk-testpmd "${eal[@]}" \
		--file-prefix="be$$t" --vdev "net_pcap0,rx_pcap=$W/plain_$size.pcap,infinite_rx=1,tx_pcap=/dev/null" \
		--vdev "net_null1,no-rx=1" -- --total-num-mbufs=16384 --forward-mode=io --no-flush-rx \
		--auto-start --stats-period 60)
	echo "floor $size $pps" >>"$RES"; log "testpmd io $size: $pps pps"
done

for alg in $ALGS; do for dir in enc dec; do for size in $SIZES; do
	gw_case "$dir" "$alg" group "$size"
	if [ -n "$SECGW_BIN" ]; then
		secgw_case "$dir" "$alg" lookaside "$size"
		secgw_case "$dir" "$alg" cpu "$size"
	fi
done; done; done
for alg in $ALGS; do for dir in enc dec; do for size in $TUNNEL_SIZES; do
	gw_case "$dir" "$alg" tunnel "$size"
done; done; done

for n in $SPREAD; do spread_case "$n"; done

log "raw IPsec-MB cost again (the report keeps the lower figure of the two)"
"$MICRO" "${MICRO_ARCH[@]}" raw 48 496 592 1408 1504 2>/dev/null | grep -E '^raw ' | sort -u >>"$RES"

log "SA lookup, installs, imb_errno contention"
"$MICRO" "${MICRO_ARCH[@]}" sad 1 1000 100000 2>/dev/null | grep '^sad' >>"$RES"
"$MICRO" "${MICRO_ARCH[@]}" install 2000 1000 2>/dev/null | grep '^install' >>"$RES"
"$MICRO" "${MICRO_ARCH[@]}" imb 48 2000 2>/dev/null | grep '^imb' >>"$RES"
"$MICRO" "${MICRO_ARCH[@]}" imb 1408 2000 2>/dev/null | grep '^imb' >>"$RES"
echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"

"$PY" scripts/bench/esp_report.py "$RES" | tee "$OUT"
# the run's own folder: raw data, tables, CSV and plot (gnuplot) together
mkdir -p "$RESULTS"
cp "$RES" "$OUT" "$RESULTS/"
"$PY" scripts/bench/esp_plot.py "$RES" "$RESULTS" >&2 || log "plot failed (the tables stand)"
log "results in $OUT (raw data $RES); table, CSV and plot in $RESULTS"
