#!/usr/bin/env bash
# Benchmarks, run by hand (not by ctest): `bash tests/bench/run_bench.sh [build-dir]`.
# 1. lattice: the same model in tcpmc (lattice.tcp) and SPIN (lattice.pml), in one run, same
#    machine: states, transitions and states/s of each. SPIN is installed from Debian if missing.
# 2. rfc9293: tcpmc on the shipped spec at its default bounds, with 1 and with all threads.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${1:-$repo/build}"
tcpmc="$build/checker/tcpmc"
[ -x "$tcpmc" ] || { echo "build tcpmc first (bash .ci/bootstrap check)"; exit 1; }
if ! command -v spin >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq spin >/dev/null; fi
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rate() { awk -v s="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", s / t; else print "-" }'; }

echo "== lattice (N=40): the same state graph in both tools"
"$tcpmc" check "$here/lattice.tcp" -j 1 --no-progress --json "$work/t1.json" >/dev/null
python3 - "$work/t1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
print(f"tcpmc  -j1: {r['states']} states, {r['transitions']} transitions, {r['seconds']:.2f} s, {r['states']/r['seconds']:.0f} states/s")
PY
if command -v spin >/dev/null; then
  (cd "$work" && cp "$here/lattice.pml" . && spin -a lattice.pml >/dev/null &&
   gcc -O2 -DSAFETY -DNOREDUCE -DMEMLIM=8000 -o pan pan.c 2>/dev/null &&
   ./pan -m100000 -w24 > pan.out 2>&1 || true)
  states=$(grep -m1 'states, stored' "$work/pan.out" | awk '{print $1}')
  trans=$(grep -m1 'transitions (= stored+matched)' "$work/pan.out" | awk '{print $1}')
  secs=$(grep -m1 'pan: elapsed time' "$work/pan.out" | awk '{print $4}')
  echo "spin (pan -DSAFETY -DNOREDUCE): $states states, $trans transitions, $secs s, $(rate "$states" "$secs") states/s"
else
  echo "spin: not installed (apt-get install spin) - comparison skipped"
fi

echo
echo "== rfc9293.tcp at its default bounds"
for j in 1 "$(nproc)"; do
  "$tcpmc" check "$repo/specs/rfc9293.tcp" -j "$j" --no-progress --json "$work/r.json" >/dev/null || true
  python3 - "$work/r.json" "$j" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
print(f"tcpmc -j{sys.argv[2]}: {r['states']} states, {r['transitions']} transitions, depth {r['depth']}, {r['seconds']:.2f} s, {r['states']/r['seconds']:.0f} states/s")
PY
done
