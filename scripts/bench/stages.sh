#!/usr/bin/env bash
# Cycles per packet per stage of gdoigw's run-to-completion worker, for a set of ESP
# cases (scripts/bench/README.md, "Per-stage cycles"). Run by `meson test --benchmark`
# (test/bench/meson.build) and by scripts/bench/guard.sh.
#
#   scripts/bench/stages.sh [--bin DP_STAGES] [--work DIR]
#
# Packets: scripts/bench/esp_pcap.py gen (scapy; ESP for decryption made by scapy),
# configurations: scripts/bench/configs.sh (the ESP benchmark's), one worker lcore.
# Environment: CASES (DIR:ALG:MODE:SIZE ..., default below), PACKETS (packets per
# round, 1000000), ROUNDS (5), ARCH (crypto-arch, unset = auto).
# Prints dp_stages' lines (format in scripts/bench/dp_stages.c); exit 1 if a case failed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$ROOT/build/test/bench/dp_stages
W=$ROOT/build/test/bench/stages
while [ $# -gt 0 ]; do
	case $1 in
	--bin) BIN=$2; shift 2 ;;
	--work) W=$2; shift 2 ;;
	*) sed -n '2,13p' "$0" >&2; exit 2 ;;
	esac
done
CASES=${CASES:-"enc:gcm:group:64 enc:gcm:group:1420 dec:gcm:group:64 enc:cbc:group:64 enc:gcm:tunnel:64 dec:gcm:tunnel:64"}
PACKETS=${PACKETS:-1000000}
ROUNDS=${ROUNDS:-5}
PY=/usr/bin/python3
mkdir -p "$W"
[ -x "$BIN" ] || { echo "stages: $BIN not built" >&2; exit 1; }
if [ ! -f "$W/esp_cbc_tunnel_imix.pcap" ]; then
	echo "stages: generating pcaps (scapy) in $W" >&2
	"$PY" "$HERE/esp_pcap.py" gen "$W"
fi
. "$HERE/configs.sh"
echo "host $(hostname) cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //' | tr ' ' _)"
echo "git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
rc=0
for c in $CASES; do
	IFS=: read -r dir alg mode size <<<"$c"
	if [ "$dir" = enc ]; then in=$W/plain_$size.pcap; else in=$W/esp_${alg}_${mode}_$size.pcap; fi
	gw_esp_conf "$dir" "$alg" "$mode" "net_pcap0,rx_pcap=$in,infinite_rx=1,tx_pcap=/dev/null" \
		"net_null1,no-rx=1" >"$W/$dir-$alg-$mode-$size.conf"
	if ! "$BIN" -c "$W/$dir-$alg-$mode-$size.conf" -n "$PACKETS" -r "$ROUNDS" \
		-l "$dir-$alg-$mode-$size" 2>"$W/$dir-$alg-$mode-$size.log"; then
		echo "stages: $c failed: $(tail -3 "$W/$dir-$alg-$mode-$size.log")" >&2
		rc=1
	fi
done
exit $rc
