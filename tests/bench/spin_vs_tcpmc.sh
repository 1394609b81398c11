#!/usr/bin/env bash
# tcpmc against SPIN on the same TCP model, in one go on the same machine (run by hand, not by ctest):
#   bash tests/bench/spin_vs_tcpmc.sh [build-dir] [-- extra bounds...]
# For each bound (rfc9293.tcp at its defaults, then `-D MSL=2 -D RTO=1 -D MAX_DATA=2` unless other
# bounds are given after --), it runs the explicit engine with -j1 and -j2, interpreting, with
# --native (the model is compiled into a fresh cache first, by a run of one state whose compile
# time the table notes: the timed runs load it, as SPIN's exclude the compilation of pan.c), with
# --native on the safety properties only
# (`--safety` in the table: --property for each property but the temporal ones, so no state graph:
# the question SPIN answers), and with --native --compress (fingerprints, no state graph either),
# exports the model
# (`tcpmc export --promela`) and runs SPIN three ways: DFS (-DSAFETY -DNOREDUCE), DFS with
# -DCOLLAPSE, and -DBFS (shortest counterexamples, as tcpmc's; on the export --no-hidden, as BFS
# refuses hidden variables). Every run is timed by GNU time
# (wall seconds, peak RSS); the table gives states, transitions, wall time, states/s, peak RSS,
# bytes per state (peak RSS / states) and the ratios tcpmc/SPIN. Runs go one after the other, so
# that no two fight over the cores; run it on a quiet machine. A state count that differs between
# the tools is printed as a failure: it is a bug in one of the two semantics.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="$repo/build"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then build="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
tcpmc="$build/checker/tcpmc"
[ -x "$tcpmc" ] || { echo "build tcpmc first (bash .ci/bootstrap check)"; exit 1; }
command -v spin >/dev/null || { echo "spin is missing (apt-get install spin)"; exit 1; }
spec="$repo/specs/rfc9293.tcp"
if [ $# -gt 0 ]; then bounds=("$@"); else bounds=("" "-D MSL=2 -D RTO=1 -D MAX_DATA=2"); fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TCPMC_CACHE_DIR="$work/cache"  # compiled models: a fresh cache, so that the first --native run compiles
echo "# $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(spin -V | head -1); gcc $(gcc -dumpfullversion)"

# timed OUT CMD...: runs CMD, its stdout to OUT; prints "wall_seconds peak_rss_kb".
timed() {
  local out="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$out" 2>"$work/stderr" || true
  tail -n 1 "$work/time"  # (GNU time first notes a non-zero exit status)
}

rows="$work/rows"
: >"$rows"
for b in "${bounds[@]}"; do
  label="${b:-defaults}"
  # shellcheck disable=SC2086  # the bound is a list of options
  # The spec's safety properties (all but the temporal ones): the question SPIN's run answers.
  # shellcheck disable=SC2086
  "$tcpmc" check "$spec" $b --max-states 1 --no-progress --json "$work/props.json" >/dev/null || true
  # shellcheck disable=SC2086
  "$tcpmc" check "$spec" $b --native --max-states 1 --no-progress --json "$work/compile.json" >/dev/null || true
  compiled=$(python3 -c "import json; n = json.load(open('$work/compile.json'))[0]['native']; print('%.1f' % n['seconds'])")
  safety=$(python3 -c "import json; print(' '.join('--property ' + p['name'] for p in json.load(open('$work/props.json'))[0]['properties'] if p['kind'] not in ('eventually', 'leadsto')))")
  for native in "" --native "--native --safety" "--native --compress"; do
    for j in 1 2; do
      flags="${native/--safety/$safety}"
      # shellcheck disable=SC2086
      read -r secs rss < <(timed "$work/t.out" "$tcpmc" check "$spec" $b -j "$j" $flags --no-progress --json "$work/t.json")
      python3 - "$work/t.json" >>"$rows" <<PY
import json, sys
r = json.load(open(sys.argv[1]))[0]
n = r.get("native")
print("$label|tcpmc -j$j${native:+ $native}|%d|%d|%s|%s|%s" % (r["states"], r["transitions"], "$secs", "$rss",
      "" if not n else "compiled in %.1f s" % n["seconds"] if not n["cached"] else "model from the cache (compiled in $compiled s)"))
PY
    done
  done
  # shellcheck disable=SC2086
  "$tcpmc" export --promela "$spec" $b -o "$work/model.pml"
  (cd "$work" && spin -o2 -a model.pml >/dev/null)
  states=$(python3 -c "import json; print(json.load(open('$work/t.json'))[0]['states'])")
  depth_limit=$((states + 1000))  # a DFS path never repeats a state
  hash_bits=$(python3 -c "import math; print(max(18, math.ceil(math.log2($states)) + 1))")  # load <= 1/2
  for mode in "DFS|-DSAFETY -DNOREDUCE" "DFS COLLAPSE|-DSAFETY -DNOREDUCE -DCOLLAPSE" "BFS|-DSAFETY -DNOREDUCE -DBFS"; do
    name="${mode%%|*}"; flags="${mode#*|}"
    if [ "$name" = BFS ]; then  # pan -DBFS refuses hidden variables: the export without them
      # shellcheck disable=SC2086
      "$tcpmc" export --promela --no-hidden "$spec" $b -o "$work/model.pml"
      (cd "$work" && spin -o2 -a model.pml >/dev/null)
    fi
    # shellcheck disable=SC2086
    (cd "$work" && gcc -O2 $flags -DMEMLIM=20000 -o pan pan.c 2>/dev/null)
    read -r secs rss < <(timed "$work/pan.out" "$work/pan" -c0 -m"$depth_limit" -w"$hash_bits")
    stored=$(awk '/states, stored/ {print $1; exit}' "$work/pan.out")
    trans=$(awk '/transitions \(= stored\+matched\)/ {print $1; exit}' "$work/pan.out")
    pan_secs=$(awk '/pan: elapsed time/ {print $4; exit}' "$work/pan.out")
    echo "$label|spin $name|$stored|$trans|$secs|$rss|$pan_secs" >>"$rows"
    if [ "$stored" != "$states" ]; then echo "FAIL: $label: spin $name stored $stored states, tcpmc $states" >&2; fi
  done
done

python3 - "$rows" <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
print("| bound | tool | states | transitions | wall s | states/s | peak RSS MB | bytes/state | note |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
rate = {}
for r in rows:
    bound, tool, states, trans, secs, rss = r[:6]
    note = r[6] if len(r) > 6 and tool.startswith("tcpmc") else ("pan's own time %s s" % r[6] if len(r) > 6 else "")
    states, trans, secs, rss = int(float(states)), int(float(trans)), float(secs), int(rss)  # pan may print 2.4e+08
    rate[(bound, tool)] = (states / secs if secs else 0, rss * 1024 / states)
    print(f"| {bound} | {tool} | {states:,} | {trans:,} | {secs:.1f} | {states/secs:,.0f} | {rss/1024:,.0f} | {rss*1024/states:.0f} | {note} |")
print()
print("| bound | tcpmc variant | -j1 / SPIN DFS (states/s) | -j2 / -j1 | -j1 bytes/state / SPIN COLLAPSE's |")
print("| --- | --- | ---: | ---: | ---: |")
for bound in dict.fromkeys(r[0] for r in rows):
    dfs, col = rate[(bound, "spin DFS")], rate[(bound, "spin DFS COLLAPSE")]
    for variant in ("", " --native", " --native --safety", " --native --compress"):
        j1, j2 = rate[(bound, "tcpmc -j1" + variant)], rate[(bound, "tcpmc -j2" + variant)]
        print(f"| {bound} | {variant.strip() or 'interpreted'} | {j1[0]/dfs[0]:.2f} | {j2[0]/j1[0]:.2f} | {j1[1]/col[1]:.2f} |")
PY
