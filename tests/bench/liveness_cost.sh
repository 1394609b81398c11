#!/usr/bin/env bash
# What liveness costs, run by hand (not by ctest): `bash tests/bench/liveness_cost.sh [build-dir] [threads]`.
# rfc9293.tcp at its default bounds, twice in one go on the same machine: with its safety
# properties only (the explicit engine), and with every property (the liveness engine: the same
# search recording the reachable graph, then components and lassos). Prints wall time, peak RSS,
# states, edges, the graph's bytes per edge and the ratios liveness/safety.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${1:-$repo/build}"
threads="${2:-2}"
tcpmc="$build/checker/tcpmc"
[ -x "$tcpmc" ] || { echo "build tcpmc first (bash .ci/bootstrap check)"; exit 1; }
spec="$repo/specs/rfc9293.tcp"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The safety properties: every property that is not eventually/leadsto.
"$tcpmc" check "$spec" --max-states 1 --no-progress --json "$work/kinds.json" >/dev/null 2>&1 || true
safety=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))[0]
print(" ".join("--property " + p["name"] for p in r["properties"] if p["kind"] not in ("eventually", "leadsto")))
' "$work/kinds.json")

run() {  # label, then tcpmc arguments
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$tcpmc" check "$spec" -j "$threads" --no-progress \
      --json "$work/$label.json" "$@" >/dev/null 2>&1 || true
  python3 - "$label" "$work/$label.json" "$work/$label.time" <<'PY'
import json, sys
label, js, tm = sys.argv[1:]
r = json.load(open(js))[0]
wall, rss_kb = open(tm).read().split()
live = r.get("liveness")
edges = f"{live['edges']} edges, graph {live['graph_bytes'] / live['edges']:.2f} bytes/edge, liveness phase {live['seconds']:.2f} s" if live else "no graph"
print(f"{label:8} {r['states']} states, {r['transitions']} transitions, wall {float(wall):.1f} s, peak RSS {int(rss_kb) / 1024:.0f} MB; {edges}")
print(f"RESULT {label} {wall} {rss_kb}")
PY
}
echo "== rfc9293.tcp, default bounds, -j $threads"
run safety $safety | tee "$work/safety.out"
run liveness | tee "$work/liveness.out"
python3 - "$work/safety.out" "$work/liveness.out" <<'PY'
import sys
def res(p):
    for l in open(p):
        if l.startswith("RESULT"):
            _, _, wall, rss = l.split()
            return float(wall), int(rss)
s, l = res(sys.argv[1]), res(sys.argv[2])
print(f"liveness / safety: time {l[0] / s[0]:.2f}x, peak memory {l[1] / s[1]:.2f}x (target: at most 2x each)")
PY
