#!/usr/bin/env bash
# Build DPDK's ipsec-secgw example from Debian's dpdk-doc package (third-party
# code: fetched at bench time, built under OUTDIR, never committed).
#   scripts/bench/build-secgw.sh OUTDIR      -> OUTDIR/ipsec-secgw/build/ipsec-secgw
# The one change (scripts/bench/README.md): rxmode.offloads CHECKSUM -> 0, which
# software vdevs (net_pcap, net_null) do not offer.
set -euo pipefail
out=$(realpath -m "$1")
bin=$out/ipsec-secgw/build/ipsec-secgw
[ -x "$bin" ] && { echo "$bin"; exit 0; }
mkdir -p "$out/deb"
cd "$out/deb"
ls dpdk-doc_*.deb >/dev/null 2>&1 || apt-get download dpdk-doc >&2
rm -rf x && dpkg -x dpdk-doc_*.deb x
src=$(find x -type d -path '*examples/ipsec-secgw' | head -1)
[ -n "$src" ] || { echo "build-secgw: no ipsec-secgw in dpdk-doc" >&2; exit 1; }
rm -rf "$out/ipsec-secgw" && cp -r "$src" "$out/ipsec-secgw"
# the documented change: no RX checksum offload requested
sed -i 's/\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/.offloads = 0,/' "$out/ipsec-secgw/ipsec-secgw.c"
grep -q '\.offloads = 0,' "$out/ipsec-secgw/ipsec-secgw.c" || { echo "build-secgw: sed found nothing to change" >&2; exit 1; }
make -C "$out/ipsec-secgw" -j2 >&2
echo "$bin"
