#!/usr/bin/env bash
# Regression guard: per-stage cycles per packet of two revisions, measured interleaved.
#
#   scripts/bench/guard.sh OLD_REV NEW_REV      (a revision: anything git names; NEW_REV
#                                               may be "." = the working tree as it is)
#
# Builds each revision's dp_stages (meson, release) from its tree (git archive) under $GUARD_DIR (default
# build-guard/), then runs scripts/bench/stages.sh with the two binaries alternately RUNS
# times (default 3) and compares, per case and stage, the best and the median run of each
# side (the machine's speed drifts: only interleaved runs compare, and drift only ever adds
# cycles).
# A revision older than the guard has no dp_stages: the current bench sources
# (scripts/bench/dp_stages.c, stages.sh, test/bench/meson.build) are laid over its tree; they use only
# lib/dp's public stage functions (gw_dp.h).
# Environment: CASES, PACKETS, ROUNDS, ARCH (stages.sh's), RUNS, THRESHOLD (percent, default 5):
# exit 1 when a case's `loop-blk` cycles per packet (the fastest block's; `loop` when a side's
# dp_stages has no -blk records) grew by more than THRESHOLD in its best run and in its
# median run both.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
[ $# = 2 ] || { sed -n '2,18p' "$0" >&2; exit 2; }
RUNS=${RUNS:-3}
THRESHOLD=${THRESHOLD:-5}
G=$(realpath -m "${GUARD_DIR:-build-guard}")
mkdir -p "$G"

# build REV -> path of its dp_stages
build() {
	local rev=$1 src sha
	if [ "$rev" = . ]; then
		src=$ROOT; sha=worktree
	else
		sha=$(git rev-parse --short "$rev^{commit}")
		src=$G/src-$sha
		if [ ! -d "$src" ]; then	# the tree of that commit (no worktree registered)
			mkdir -p "$src.tmp" && git archive "$sha" | tar -x -C "$src.tmp" && mv "$src.tmp" "$src"
		fi
		if [ ! -f "$src/scripts/bench/dp_stages.c" ]; then
			cp scripts/bench/dp_stages.c scripts/bench/stages.sh "$src/scripts/bench/"
			cp test/bench/meson.build "$src/test/bench/"
			grep -q "subdir('bench')" "$src/test/meson.build" || echo "subdir('bench')" >>"$src/test/meson.build"
			sed -i "/Micro-benchmark (built, not a test)/,\$d" "$src/test/unit/crypto/meson.build"
		fi
	fi
	local b=$G/build-$sha
	[ -f "$b/build.ninja" ] || meson setup "$b" "$src" --buildtype=release >"$G/setup-$sha.log" 2>&1 ||
		{ tail -20 "$G/setup-$sha.log" >&2; exit 1; }
	ninja -C "$b" -j2 test/bench/dp_stages >"$G/build-$sha.log" 2>&1 ||
		{ grep -m20 error "$G/build-$sha.log" >&2; exit 1; }
	echo "$b/test/bench/dp_stages"
}

A=$(build "$1"); B=$(build "$2")
echo "guard: A = $1 ($A)" >&2
echo "guard: B = $2 ($B)" >&2
for r in $(seq 1 "$RUNS"); do
	for side in A B; do
		bin=$A; [ $side = B ] && bin=$B
		echo "guard: round $r, $side" >&2
		scripts/bench/stages.sh --bin "$bin" --work "$G/stages" >"$G/$side.$r.txt"
	done
done
python3 - "$G" "$RUNS" "$THRESHOLD" "$1" "$2" <<'PY'
import statistics
import sys
g, runs, thr, ra, rb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
vals = {"A": {}, "B": {}}      # side -> (case, stage) -> [min cycles/packet of each run]
order = []
for side in "AB":
    for r in range(1, runs + 1):
        for line in open("%s/%s.%d.txt" % (g, side, r)):
            f = line.split()
            if f[:1] == ["stage"]:
                k = (f[1], f[2])
                if k not in order:
                    order.append(k)
                vals[side].setdefault(k, []).append(float(f[3]))
print("# per-stage cycles per packet, %d interleaved runs each; A = %s, B = %s" % (runs, ra, rb))
print("# best = lowest run (drift only adds), median = the middle run")
print("%-26s %-9s %9s %9s %8s %9s %9s %8s" % ("case", "stage", "A best", "B best", "B/A",
                                              "A median", "B median", "B/A"))
worse = []
# the fastest-block loop when both sides report it (dp_stages -blk): the round's loop
# reads 2-5x slow on a loaded machine and moves by tens of percent between runs
judge = "loop-blk" if all(any(k[1] == "loop-blk" for k in vals[s]) for s in "AB") else "loop"
for k in order:
    a, b = vals["A"].get(k), vals["B"].get(k)
    if not a or not b:
        print("%-26s %-9s missing on one side" % k)
        continue
    ba, bb = min(a), min(b)
    ma, mb = statistics.median(a), statistics.median(b)
    rbest = bb / ba if ba else 0
    rmed = mb / ma if ma else 0
    print("%-26s %-9s %9.1f %9.1f %8.3f %9.1f %9.1f %8.3f" % (k[0], k[1], ba, bb, rbest, ma, mb, rmed))
    # a regression shows in the best run and in the median alike; noise rarely does both
    if k[1] == judge and rbest > 1 + thr / 100 and rmed > 1 + thr / 100:
        worse.append("%s %.1f -> %.1f cycles/packet (+%.1f %% best, +%.1f %% median)" % (
            k[0], ba, bb, (rbest - 1) * 100, (rmed - 1) * 100))
for w in worse:
    print("REGRESSION %s" % w)
print("guard: %s" % ("%d case(s) slower by more than %g %%" % (len(worse), thr) if worse else
                     "no case slower by more than %g %%" % thr))
sys.exit(1 if worse else 0)
PY
