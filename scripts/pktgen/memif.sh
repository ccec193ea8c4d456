#!/usr/bin/env bash
# pktgen and gdoigw on ONE machine, joined by two net_memif links (scripts/bench.sh pktgen).
#
#   pktgen port 0 (memif client, socket clear) <-> gdoigw ge-0/0/0 (memif server), cleartext
#   pktgen port 1 (memif client, socket esp)   <-> gdoigw ge-0/0/1 (memif server), ESP
#
# 1. makes the decrypt run's ESP with gdoigw itself (peer configuration, net_pcap source,
#    tx_pcap= capture) and checks it with scapy;
# 2. functional checks: a counted encrypt run and a counted decrypt run at a low rate with
#    pktgen capturing what comes back: every packet back, the ESP decrypted by scapy into
#    what pktgen sent, the cleartext equal to what the ESP was made of;
# 3. rates: encrypt at SIZES, decrypt (the pcap), pktgen sending at 100 % of the memif link,
#    a window of SECS s after 2 s of warm-up; RFC2544=1 adds the zero-loss search
#    (rfc2544.lua, PG_TRIAL s per trial, encrypt at PG_SIZES, decrypt of the ESP pcap) and LATENCY=1 a latency run (latency.lua; here
#    through a single gateway the probes come back encrypted: it shows 0 probes, see README).
#
# Both processes run without hugepages, on the same CPUs: on a 2-vCPU machine pktgen's
# three busy threads share CPU 0 and the gateway's worker has CPU 1. The figures prove the
# set-up works; they are not a measurement of the gateway (scripts/pktgen/README.md: two
# servers). Skips (exit 0, one line "pktgen: skipped: why") when pktgen is not available:
# test/peers.py builds it once from the sources beside the checkout, or GDOIGW_PKTGEN.
# Environment: GDOIGW_BIN, RUN (work folder, build/pktgen-memif), SIZES ("64 1420"), SECS (5),
#   COUNT (1000, packets of each functional check), CHECK_ONLY (1: functional checks only),
#   RFC2544, PG_SIZES, PG_TRIAL (2), LATENCY, PG_LCORES (pktgen --lcores, 0@0,1@0,2@0),
#   DUT_LCORES (gdoigw -l, 0,1).
# Exit status: 0 when every check passed (rates are reported, never judged), 1 otherwise.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
GW=${GDOIGW_BIN:-$ROOT/build/app/gdoigw/gdoigw}
RUN=$(realpath -m "${RUN:-$ROOT/build/pktgen-memif}")
SIZES=${SIZES:-"64 1420"}
SECS=${SECS:-5}
COUNT=${COUNT:-1000}
PG_LCORES=${PG_LCORES:-0@0,1@0,2@0}
DUT_LCORES=${DUT_LCORES:-0,1}
log() { echo "pktgen: $*" >&2; }

PKTGEN=$(cd "$ROOT/test" && "$PY" -c '
import sys, peers
try:
    print(peers.pktgen_binary())
except peers.PeerMissing as e:
    print("SKIP " + str(e))
' 2>"$RUN.build-err" ) || { log "building pktgen failed: $(tail -3 "$RUN.build-err")"; exit 1; }
if [ "${PKTGEN#SKIP }" != "$PKTGEN" ]; then
	echo "pktgen: skipped: ${PKTGEN#SKIP } (set GDOIGW_PKTGEN to a built pktgen)"
	exit 0
fi
rm -f "$RUN.build-err"
[ -x "$GW" ] || { log "$GW not built"; exit 1; }
command -v script >/dev/null || { log "script(1) (bsdutils) is needed: pktgen wants a tty"; exit 1; }
mkdir -p "$RUN"
. "$HERE/configs.sh"

pg_pid=""; gw_pid=""
cleanup() {
	[ -n "$gw_pid" ] && kill -INT "$gw_pid" 2>/dev/null && sleep 1 && kill -KILL "$gw_pid" 2>/dev/null
	[ -n "$pg_pid" ] && kill "$pg_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "/var/run/dpdk/pg$$" "/var/run/dpdk/pgdut$$" "/var/run/dpdk/pgpeer$$"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. the decrypt run's ESP, made by gdoigw (the far-side gateway's configuration) ----
INNER=$RUN/inner_64.pcap
ESP=$RUN/esp_gw_64.pcap
if [ ! -s "$ESP" ]; then
	"$PY" "$HERE/check.py" gen-inner "$INNER" 64 || exit 1
	"$PY" "$HERE/check.py" gen-inner "$RUN/empty.pcap" 64 0 || exit 1
	peer_conf "net_pcap0,rx_pcap=$INNER,tx_pcap=/dev/null" \
		"net_pcap1,rx_pcap=$RUN/empty.pcap,tx_pcap=$ESP.tmp" >"$RUN/peer.conf"
	timeout 60 "$GW" --no-huge -m 512 --no-pci -l "$DUT_LCORES" --file-prefix="pgpeer$$" -- \
		-c "$RUN/peer.conf" --exit-when-idle 500 >"$RUN/peer.log" 2>&1
	if ! v=$("$PY" "$HERE/check.py" esp 0x2001 "$ESP.tmp" 1020); then
		log "gdoigw did not make the ESP pcap: $v (log $RUN/peer.log)"; exit 1
	fi
	"$PY" "$HERE/check.py" usec "$ESP.tmp" "$ESP" && rm -f "$ESP.tmp" || exit 1
	log "ESP for the decrypt run made by gdoigw: $v"
fi

dut_conf "net_memif0,role=server,socket=$RUN/clear.sock" \
	"net_memif1,role=server,socket=$RUN/esp.sock" >"$RUN/dut.conf"

# run_case NAME LUA "PKTGEN_EXTRA" ENV... : gdoigw (memif servers) + pktgen (clients), one Lua
# script. gdoigw is the server: a memif server accepts only as many rings as it has queues,
# and gdoigw opens a TX queue per worker plus one for its control thread, pktgen one.
run_case() {
	local name=$1 lua=$2 extra=$3 d=$RUN/$1; shift 3
	rm -rf "$d"; mkdir -p "$d"
	"$GW" --no-huge -m 512 --no-pci -l "$DUT_LCORES" --file-prefix="pgdut$$" -- -c "$RUN/dut.conf" \
		>"$d/gdoigw.log" 2>&1 &
	gw_pid=$!
	local n=300
	while [ $n -gt 0 ] && ! { grep -q "@$RUN/clear.sock" /proc/net/unix && grep -q "@$RUN/esp.sock" /proc/net/unix; }; do
		kill -0 "$gw_pid" 2>/dev/null || break
		sleep 0.1; n=$((n - 1))
	done
	local cmd="$PKTGEN --lcores $PG_LCORES -n 1 --file-prefix pg$$ --no-huge -m 512 --no-pci"
	cmd+=" --vdev=net_memif0,role=client,socket=$RUN/clear.sock,mac=${PG_CLEAR_MAC:-02:00:00:00:00:02}"
	cmd+=" --vdev=net_memif1,role=client,socket=$RUN/esp.sock,mac=${PG_ESP_MAC:-02:00:00:00:01:02}"
	cmd+=" -- -P ${PG_MAP:--m 1.0 -m 2.1} $extra -f $HERE/$lua"
	(cd "$d" && exec env PG_OUT="$d/result.txt" "$@" \
		timeout -k 5 "${PG_TIMEOUT:-240}" script -qfec "$cmd" "$d/pktgen.typescript" </dev/null >/dev/null 2>&1) &
	pg_pid=$!
	wait "$pg_pid" 2>/dev/null; pg_pid=""
	kill -INT "$gw_pid" 2>/dev/null; wait "$gw_pid" 2>/dev/null; gw_pid=""
	rm -rf "/var/run/dpdk/pg$$" "/var/run/dpdk/pgdut$$"
	if ! grep -q '^RESULT' "$d/result.txt" 2>/dev/null; then
		log "$name: no result ($d: result.txt, pktgen.typescript, gdoigw.log)"
		[ -f "$d/result.txt" ] && sed 's/^/  | /' "$d/result.txt" >&2
		return 1
	fi
	grep '^RESULT' "$d/result.txt"
}

kv() { sed -n "s/.* $1 \([^ ]*\).*/\1/p" <<<"$2"; }	# the value after " KEY " in a RESULT line
rc=0
echo "# pktgen <-> gdoigw over net_memif on one machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# pktgen --lcores $PG_LCORES, gdoigw -l $DUT_LCORES (worker lcore 1); both --no-huge; gdoigw $(git -C "$ROOT" rev-parse --short HEAD)"

# ---- 2. functional checks ----
# pktgen's capture needs the captured port's lcore to be a CPU of the machine (lcore 1 here)
r=$(PG_MAP="-m 2.0 -m 1.1" run_case check-enc encrypt.lua "" PG_SIZE=64 PG_COUNT="$COUNT" PG_RATE=0.05 PG_SECS=30 PG_CAPTURE=1) || rc=1
if [ -n "$r" ]; then
	tx=$(kv tx_pkts "$r"); rx=$(kv rx_pkts "$r")
	cap=$(ls "$RUN"/check-enc/pktgen-*-1.pcap 2>/dev/null | head -1)
	if v=$([ -n "$cap" ] && "$PY" "$HERE/check.py" enc "$cap" 64 "$COUNT") &&
		[ "$tx" = "$COUNT" ] && [ "$rx" = "$COUNT" ]; then
		echo "check encrypt: ok: pktgen sent $tx cleartext frames, got $rx ESP frames back; $v"
	else
		echo "check encrypt: FAIL: sent $tx, got $rx back (want $COUNT); ${v:-no capture}"; rc=1
	fi
fi
r=$(run_case check-dec decrypt.lua "-s 1:$ESP" PG_COUNT=1020 PG_RATE=0.05 PG_SECS=30 PG_CAPTURE=1) || rc=1
if [ -n "$r" ]; then
	tx=$(kv tx_pkts "$r"); rx=$(kv rx_pkts "$r")
	cap=$(ls "$RUN"/check-dec/pktgen-*-0.pcap 2>/dev/null | head -1)
	if v=$([ -n "$cap" ] && "$PY" "$HERE/check.py" dec "$INNER" "$cap") && [ "$tx" = 1020 ] &&
		[ "$rx" = 1020 ] && [[ $v == "check dec: 1020 cleartext frames, 1020 equal"* ]]; then
		echo "check decrypt: ok: pktgen replayed $tx ESP frames made by gdoigw, got $rx cleartext frames back; $v"
	else
		echo "check decrypt: FAIL: sent $tx, got $rx back (want 1020); ${v:-no capture}"; rc=1
	fi
fi
[ "${CHECK_ONLY:-0}" = 1 ] && exit $rc

# ---- 3. rates (reported, not judged: both processes share the machine's CPUs) ----
echo "# rates: pktgen sends at 100 % of the memif link for ${SECS} s after 2 s of warm-up;"
echo "# tx = what pktgen sent, rx = what came back through gdoigw. A FUNCTIONAL PROOF on $(nproc)"
echo "# shared vCPUs (pktgen's own threads compete with the gateway): measure on two servers."
printf '%-9s %-6s %12s %12s %10s %8s\n' dir size tx_Mpps rx_Mpps rx_Gbps loss_%
for size in $SIZES; do
	r=$(run_case "enc-$size" encrypt.lua "" PG_SIZE="$size" PG_SECS="$SECS") || { rc=1; continue; }
	awk -v s="$size" '{for (i = 1; i < NF; i++) v[$i] = $(i + 1)} END {
		printf "%-9s %-6s %12.3f %12.3f %10.2f %8.1f\n", "encrypt", s, v["tx_pps"] / 1e6, v["rx_pps"] / 1e6,
			v["rx_pps"] * s * 8 / 1e9, v["tx_pkts"] ? 100 * (v["tx_pkts"] - v["rx_pkts"]) / v["tx_pkts"] : 0 }' <<<"$r"
done
r=$(run_case dec-64 decrypt.lua "-s 1:$ESP" PG_SECS="$SECS") && awk '{for (i = 1; i < NF; i++) v[$i] = $(i + 1)} END {
	printf "%-9s %-6s %12.3f %12.3f %10.2f %8.1f\n", "decrypt", "64", v["tx_pps"] / 1e6, v["rx_pps"] / 1e6,
		v["rx_pps"] * 64 * 8 / 1e9, v["tx_pkts"] ? 100 * (v["tx_pkts"] - v["rx_pkts"]) / v["tx_pkts"] : 0 }' <<<"$r" || rc=1
if [ "${RFC2544:-0}" = 1 ]; then
	echo "# RFC 2544-style zero-loss search (rfc2544.lua), ${PG_TRIAL:-2} s trials:"
	[ -s "$RUN/imix_clear.pcap" ] || "$PY" "$HERE/check.py" gen-imix "$RUN/imix_clear.pcap" || exit 1
	run_case rfc2544 rfc2544.lua "-s 0:$RUN/imix_clear.pcap" PG_TRIAL="${PG_TRIAL:-2}" \
		PG_SIZES="${PG_SIZES:-64 128 256 512 1024 1280 1420 1518 imix}" PG_RES="${PG_RES:-10}" || rc=1
	run_case rfc2544-dec rfc2544.lua "-s 1:$ESP" PG_DIR=decrypt PG_TRIAL="${PG_TRIAL:-2}" \
		PG_RES="${PG_RES:-10}" || rc=1
fi
if [ "${LATENCY:-0}" = 1 ]; then
	echo "# latency.lua through one encrypting gateway (the probes come back encrypted: 0 probes expected):"
	run_case latency latency.lua "" PG_SECS=3 || rc=1
fi
echo "# logs and captures under $RUN"
exit $rc
