#!/usr/bin/env bash
# Build the libFuzzer harnesses (test/fuzz/fuzz_*.c) with clang + ASan in build-fuzz/
# and run each one for a bounded time. Each harness run counts as one test.
#
#   scripts/fuzz.sh                 all harnesses
#   scripts/fuzz.sh fuzz_ipv4 ...   only these
# Environment: FUZZ_TIME (seconds per harness, default 20), FUZZ_RUNS (default 20000;
# the harness stops at whichever limit comes first), JOBS (default 2).
# FUZZ_LONG=1, the long mode: FUZZ_RUNS 1000000 and FUZZ_TIME 7200 unless set, and a
# harness that stops (on time) before FUZZ_RUNS executions fails.
# Crash reproducers go to build-fuzz/artifacts/. A seed corpus in test/fuzz/corpus/<name>/
# is used when present (copied, never modified).
# Last line: "N passed, N failed"; exit status 1 if any harness failed or did not build.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_LONG=${FUZZ_LONG:-0}
if [ "$FUZZ_LONG" = 1 ]; then
	FUZZ_TIME=${FUZZ_TIME:-7200}
	FUZZ_RUNS=${FUZZ_RUNS:-1000000}
fi
FUZZ_TIME=${FUZZ_TIME:-20}
FUZZ_RUNS=${FUZZ_RUNS:-20000}
JOBS=${JOBS:-2}
B=build-fuzz
PY=/usr/bin/python3

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz.sh: clang not installed (scripts/setup.sh --test)" >&2
	echo "0 passed, 1 failed"; exit 1
fi

if [ ! -f "$B/build.ninja" ]; then
	rm -rf "$B"
	if ! CC=clang meson setup "$B" -Dfuzz=true -Db_sanitize=address -Db_lundef=false \
			-Dbuildtype=debug >"$B.setup.log" 2>&1; then
		cat "$B.setup.log" >&2; rm -rf "$B"
		echo "fuzz.sh: meson setup failed"; echo "0 passed, 1 failed"; exit 1
	fi
	rm -f "$B.setup.log"
fi

# Harness targets = executables defined in test/fuzz/meson.build; build only those.
mapfile -t targets < <(meson introspect "$B" --targets | "$PY" -c '
import json, sys, os
for t in json.load(sys.stdin):
    if t["type"] == "executable" and os.path.normpath(t["defined_in"]).endswith("test/fuzz/meson.build"):
        print(t["name"] + "\t" + t["filename"][0])
')
if [ "$#" -gt 0 ]; then
	sel=()
	for t in "${targets[@]}"; do
		for want in "$@"; do [ "${t%%$'\t'*}" = "$want" ] && sel+=("$t"); done
	done
	targets=("${sel[@]}")
fi

if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz.sh: no harnesses defined in test/fuzz/meson.build"
	echo "0 passed, 0 failed"; exit 0
fi

names=(); for t in "${targets[@]}"; do names+=("${t%%$'\t'*}"); done
if ! meson compile -C "$B" -j "$JOBS" "${names[@]}"; then
	# Build what can be built; harnesses that fail to build count as failed below.
	for n in "${names[@]}"; do meson compile -C "$B" -j "$JOBS" "$n" >/dev/null 2>&1; done
fi

mkdir -p "$B/artifacts"
pass=0; fail=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
for t in "${targets[@]}"; do
	name=${t%%$'\t'*}; bin=${t#*$'\t'}
	if [ ! -x "$bin" ]; then
		echo "FAIL $name (did not build)"; fail=$((fail+1)); continue
	fi
	corpus=$(mktemp -d)
	[ -d "test/fuzz/corpus/$name" ] && cp -r "test/fuzz/corpus/$name/." "$corpus/"
	log="$B/artifacts/$name.log"
	start=$(date +%s)
	timeout -k 10 $((FUZZ_TIME + 60)) "$bin" -runs="$FUZZ_RUNS" -max_total_time="$FUZZ_TIME" \
		-artifact_prefix="$B/artifacts/$name-" -print_final_stats=1 "$corpus" >"$log" 2>&1
	rc=$?
	rm -rf "$corpus"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$rc" = 0 ] && [ "$FUZZ_LONG" = 1 ] && [ "${execs:-0}" -lt "$FUZZ_RUNS" ]; then
		echo "FAIL $name (${execs:-?} runs in $FUZZ_TIME s, the long mode wants $FUZZ_RUNS)"
		fail=$((fail+1))
	elif [ "$rc" = 0 ]; then
		echo "PASS $name (${execs:-?} runs, $(( $(date +%s) - start )) s)"; pass=$((pass+1))
	else
		echo "FAIL $name (exit $rc, log $log)"; fail=$((fail+1))
		grep -m1 -A15 -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error' "$log" | sed 's/^/    /'
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
