#!/usr/bin/env bash
# Idempotent set-up on Debian 12: packages (apt only when something is missing),
# then configure and build build/ (release). Run as root (or with sudo available).
#
#   scripts/setup.sh            build dependencies + build/
#   scripts/setup.sh --test     also the test tools (scapy, pytest, tshark, clang, strongSwan, ...)
#   scripts/setup.sh --no-build packages only
#
# Environment: JOBS (ninja -j, default 2), BUILD_DIR (default build).
set -euo pipefail

cd "$(dirname "$0")/.."

want_test=0
do_build=1
for a in "$@"; do
	case "$a" in
	--test) want_test=1 ;;
	--no-build) do_build=0 ;;
	-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
	*) echo "setup.sh: unknown argument '$a'" >&2; exit 2 ;;
	esac
done

BUILD_PKGS=(build-essential meson ninja-build pkg-config dpdk dpdk-dev libdpdk-dev
	librte-crypto-ipsec-mb23 libipsec-mb-dev libssl-dev libconfig-dev libcli-dev libcrypt-dev
	libpcap-dev)
TEST_PKGS=(python3 python3-scapy python3-cryptography python3-pytest python3-pexpect tshark
	tcpdump expect
	telnet iputils-ping iproute2 ethtool procps clang libclang-rt-14-dev
	strongswan strongswan-swanctl strongswan-pki libcharon-extra-plugins nftables conntrack
	# to build the third-party peers beside the checkout (test/peers.py)
	openssl patch liblua5.3-dev gnuplot-nox)

pkgs=("${BUILD_PKGS[@]}")
[ "$want_test" = 1 ] && pkgs+=("${TEST_PKGS[@]}")

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup.sh: installing: ${missing[*]}"
	SUDO=()
	if [ "$(id -u)" != 0 ]; then
		if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
			echo "setup.sh: packages missing and not root (no sudo): ${missing[*]}" >&2
			exit 1
		fi
	fi
	# tshark asks whether non-root users may capture: answer no, non-interactively.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		"${SUDO[@]}" debconf-set-selections
	# Update the lists only if they were never fetched or a package is unknown to apt.
	need_update=0
	if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then need_update=1; fi
	for p in "${missing[@]}"; do
		if ! apt-cache show "$p" >/dev/null 2>&1; then need_update=1; break; fi
	done
	install() {
		"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
	}
	if [ "$need_update" = 1 ]; then
		"${SUDO[@]}" apt-get update
		install
	elif ! install; then
		# Stale lists (404s): refresh once and retry.
		"${SUDO[@]}" apt-get update
		install
	fi
fi

[ "$do_build" = 1 ] || exit 0

JOBS=${JOBS:-2}
BUILD_DIR=${BUILD_DIR:-build}

# meson_setup DIR [options...]: configure once; reconfigure a half-made dir.
meson_setup() {
	local dir=$1; shift
	if [ -f "$dir/build.ninja" ] && [ -f "$dir/meson-private/coredata.dat" ]; then
		return 0	# ninja re-runs meson itself when meson.build files change
	elif [ -d "$dir/meson-private" ]; then
		meson setup --reconfigure "$dir" "$@" || meson setup --wipe "$dir" "$@"
	else
		rm -rf "$dir"
		meson setup "$dir" "$@"
	fi
}

meson_setup "$BUILD_DIR"
ninja -C "$BUILD_DIR" -j "$JOBS"
