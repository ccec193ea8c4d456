#!/usr/bin/env bash
# The whole suite. Parts, in order (each counted per test):
#   1. unit tests, release build       meson test -C build --suite unit
#   2. packet + namespace tests        pytest test/pkt test/netns -m "not slow" (GDOIGW_BIN=build/...)
#   3. unit tests, ASan/UBSan build    meson test -C build-asan --suite unit
#   4. packet tests, ASan/UBSan build  pytest test/pkt -m "not slow" (GDOIGW_BIN=build-asan/...),
#      the pipeline layout only where untrusted input is the subject (ASAN_PIPELINE)
#   5. fuzz harnesses                  scripts/fuzz.sh (one test per harness)
# A part that cannot build counts as one failure. Skipped tests are reported but
# counted neither way. Last line: "N passed, N failed"; exit 1 if anything failed.
#
# Environment: LONG=1, the long mode (hours: the fuzzers alone take over an hour): part 2 also runs the tests marked
# slow (minutes-long rekey, expiry and failover cases, pktgen), the scapy ESP interop
# unit tests every layout, fuzz.sh a million executions per harness (FUZZ_LONG=1).
# SKIP_ASAN=1, SKIP_FUZZ=1, SKIP_NETNS=1 leave parts out; PYTEST_ARGS adds
# pytest arguments (e.g. "-k ipv6"); FUZZ_TIME, FUZZ_RUNS, FUZZ_LONG go to fuzz.sh;
# JOBS (default 2).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=/usr/bin/python3
ASAN_PIPELINE="not pipeline or test_malformed or test_drops or test_esp_inbound"
LONG=${LONG:-0}
RELEASE_MARKS="not slow"
if [ "$LONG" = 1 ]; then
	RELEASE_MARKS=""
	export FUZZ_LONG=1 GDOIGW_LONG=1	# fuzz.sh; test/unit/esp/esp_scapy.py
fi
JOBS=${JOBS:-2}
export JOBS
OUT=build/test-results
T0=$(date +%s)

total_p=0; total_f=0; total_s=0
summary=()
record() {	# name passed failed skipped
	total_p=$((total_p + $2)); total_f=$((total_f + $3)); total_s=$((total_s + $4))
	summary+=("$(printf '  %-34s %4d passed %4d failed %4d skipped' "$1" "$2" "$3" "$4")")
	printf '=== %s: %d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
}
finish() {
	echo
	echo "=== summary ($(( $(date +%s) - T0 )) s)"
	printf '%s\n' "${summary[@]}"
	[ "$total_s" -gt 0 ] && echo "  ($total_s skipped in all)"
	echo "$total_p passed, $total_f failed"
	[ "$total_f" = 0 ]
	exit $?
}
section() { echo; echo "=== $* ($(( $(date +%s) - T0 )) s)"; }

# meson_counts BUILDDIR -> "passed failed skipped" from meson-logs/testlog.json
meson_counts() {
	"$PY" - "$1/meson-logs/testlog.json" <<'PYEOF'
import json, sys
p = f = s = 0
try:
    for line in open(sys.argv[1]):
        line = line.strip()
        if not line:
            continue
        r = json.loads(line).get("result", "")
        if r in ("OK", "EXPECTEDFAIL"):
            p += 1
        elif r == "SKIP":
            s += 1
        else:                    # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS, INTERRUPT
            f += 1
except FileNotFoundError:
    pass
print(p, f, s)
PYEOF
}

# run_unit NAME BUILDDIR
run_unit() {
	local name=$1 dir=$2
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --suite unit --no-rebuild --print-errorlogs --num-processes "$JOBS"
	local rc=$? counts
	counts=$(meson_counts "$dir")
	set -- $counts
	# meson failed but no test recorded a failure (e.g. it could not start): count one.
	if [ "$rc" != 0 ] && [ "$2" = 0 ]; then set -- "$1" 1 "$3"; fi
	record "$name" "$1" "$2" "$3"
}

# junit_counts FILE -> "passed failed skipped"
junit_counts() {
	"$PY" - "$1" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 0, 0); sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = f = s = 0
for su in suites:
    t += int(su.get("tests", 0)); s += int(su.get("skipped", 0))
    f += int(su.get("failures", 0)) + int(su.get("errors", 0))
print(max(t - f - s, 0), f, s)
PYEOF
}

# run_pytest NAME BIN JUNIT pytest-args...
run_pytest() {
	local name=$1 bin=$2 junit=$3; shift 3
	rm -f "$junit"
	# --durations: the slowest tests in the log, where the suite's time goes (test/README.md)
	# shellcheck disable=SC2086
	GDOIGW_BIN="$bin" timeout -k 20 3600 "$PY" -m pytest -p no:cacheprovider -rfEs \
		--durations=25 --junitxml="$junit" "$@" ${PYTEST_ARGS:-}
	local rc=$? counts
	counts=$(junit_counts "$junit")
	set -- $counts
	# rc 5 = no tests collected; anything else with no recorded failure = crash/timeout.
	if [ "$rc" != 0 ] && [ "$rc" != 5 ] && [ "$2" = 0 ]; then set -- "$1" 1 "$3"; fi
	record "$name" "$1" "$2" "$3"
}

# build_dir DIR [meson options]: configure once, then build as much as builds (-k 0):
# a failed build counts as one failure and the tests that did build still run.
build_dir() {
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		rm -rf "$dir"
		if ! meson setup "$dir" "$@"; then
			record "configure ($dir/)" 0 1 0; return 1
		fi
	fi
	if ! ninja -C "$dir" -j "$JOBS" -k 0; then
		record "build ($dir/)" 0 1 0
	fi
	return 0
}

section "setup (packages)"
if ! ./scripts/setup.sh --test --no-build; then
	record "setup (packages)" 0 1 0
	finish
fi
mkdir -p "$OUT"

section "build (build/)"
build_dir build || finish

section "unit tests (build/)"
run_unit "unit (release)" build

section "packet and namespace tests (build/)"
pyt_dirs=(test/pkt)
[ "${SKIP_NETNS:-0}" = 1 ] || pyt_dirs+=(test/netns)
if [ -x build/app/gdoigw/gdoigw ]; then
	run_pytest "pytest pkt+netns (release)" "$ROOT/build/app/gdoigw/gdoigw" "$OUT/pytest.xml" \
		"${pyt_dirs[@]}" -m "$RELEASE_MARKS"
else
	echo "build/app/gdoigw/gdoigw missing"; record "pytest pkt+netns (release)" 0 1 0
fi

if [ "${SKIP_ASAN:-0}" != 1 ]; then
	section "ASan/UBSan build (build-asan/)"
	asan_ok=1
	build_dir build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug || asan_ok=0
	if [ "$asan_ok" = 1 ]; then
		# DPDK (not instrumented) keeps allocations until exit by design: leak
		# reports from inside librte_* are suppressed, the app's own are not.
		export ASAN_OPTIONS="detect_leaks=${ASAN_DETECT_LEAKS:-1}:halt_on_error=1:abort_on_error=0:fast_unwind_on_malloc=0"
		export LSAN_OPTIONS="suppressions=$ROOT/scripts/lsan.supp:print_suppressions=0"
		export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
		section "unit tests (build-asan/)"
		run_unit "unit (asan+ubsan)" build-asan
		section "packet tests (build-asan/)"
		if [ -x build-asan/app/gdoigw/gdoigw ]; then
			# the layouts share every packet function: the pipeline layout's
			# runs (a third of the pass) are kept for the malformed-input files
			run_pytest "pytest pkt (asan+ubsan)" "$ROOT/build-asan/app/gdoigw/gdoigw" \
				"$OUT/pytest-asan.xml" test/pkt -m "not slow" -k "$ASAN_PIPELINE"
		else
			echo "build-asan/app/gdoigw/gdoigw missing"; record "pytest pkt (asan+ubsan)" 0 1 0
		fi
		unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
	fi
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
	section "fuzz harnesses (build-fuzz/)"
	./scripts/fuzz.sh | tee "$OUT/fuzz.log"
	last=$(tail -1 "$OUT/fuzz.log")
	if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		record "fuzz" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" 0
	else
		record "fuzz" 0 1 0
	fi
fi

finish
