#!/usr/bin/env bash
# The symbolic engine, measured by hand (not by ctest): `bash tests/bench/symbolic.sh [build-dir] [seconds]`.
# Run one at a time on a quiet machine (Z3 uses one core). Prints one line per measurement:
#   1. BMC depth reached on rfc9293 within the time budget (default 60 s), at SEQ_BITS 3 (the
#      default bounds) and at SEQ_BITS 32 with every ISN free;
#   2. BMC to each variant's counterexample at SEQ_BITS 32 with every ISN free, at reduced bounds
#      (--loss 0 --dup 0 --no-reorder -D CRASHES=0 -D MAX_DATA=0; -D R2=1 for the two variants that
#      retransmit for ever, reordering for time_wait_reuse; the explicit engine's counterexamples
#      are then 6-16 steps), next
#      to the explicit engine's length at the same bounds (each run stops after 40 budgets);
#   3. k-induction on rfc9293 at SEQ_BITS 32 (every ISN free), its eight safety invariants in one run
#      (the spec's lemmas are proved first, which dominates), at the default bounds and with one incarnation;
#   4. BMC evidence for the invariants k-induction does not prove: the depth BMC reaches on them at
#      SEQ_BITS 32 (every ISN free, default bounds) in 10 budgets (10 minutes at 60 s).
# Time and peak memory come from /usr/bin/time; a run stopped by the budget says so.
# SECTIONS="2 4" runs only those sections.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${1:-$repo/build}"
budget="${2:-60}"
tcpmc="$build/checker/tcpmc"
[ -x "$tcpmc" ] || { echo "build tcpmc first (bash .ci/bootstrap check)"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wide=(-D SEQ_BITS=32 -D ISN_MAX=-1)
reduced=(--loss 0 --dup 0 -D CRASHES=0 -D MAX_DATA=0)  # and --no-reorder, unless a variant says otherwise
sections="${SECTIONS:-1 2 3 4}"
run_section() { [[ " $sections " == *" $1 "* ]]; }

# label, timeout seconds, then tcpmc check arguments; prints depth, seconds, peak RSS, verdicts.
measure() {
  local label="$1" limit="$2"; shift 2
  /usr/bin/time -f "%e %M" -o "$work/time" timeout --signal=INT -k 10 "$limit" "$tcpmc" check "$@" \
    --json "$work/out.json" >"$work/out.txt" 2>"$work/err.txt"
  python3 - "$label" "$work/out.json" "$work/time" "$work/err.txt" <<'PY'
import json, os, re, sys
label, js, tm, err = sys.argv[1:]
wall, rss = open(tm).read().split()[-2:]
depth = None
for line in open(err, errors="replace"):
    m = re.search(r"depth (\d+)", line)
    if m: depth = int(m.group(1))
verdicts = ""
if os.path.exists(js) and os.path.getsize(js) > 0:
    r = json.load(open(js))[0]
    depth = r["depth"]
    verdicts = ", ".join(f"{p['name']}: {p['verdict']}/{p['basis']}"
                         + (f" {len(p['counterexample']['steps'])} steps" if p.get("counterexample") else "")
                         for p in r["properties"] if p["basis"] != "not_checked")
print(f"{label}: depth {depth}, {float(wall):.1f} s, peak RSS {int(rss) / 1024:.0f} MB; {verdicts or 'stopped by the time budget'}")
PY
}

if run_section 1; then
echo "== 1. BMC depth on rfc9293 in ${budget} s"
measure "rfc9293 SEQ_BITS=3 " "$budget" "$repo/specs/rfc9293.tcp" --engine bmc --depth 200
measure "rfc9293 SEQ_BITS=32" "$budget" "$repo/specs/rfc9293.tcp" --engine bmc --depth 200 "${wide[@]}"
fi

if run_section 2; then
echo "== 2. Variants refuted by BMC at SEQ_BITS=32, every ISN free (reduced bounds)"
for v in close_wait_leak no_time_wait short_time_wait time_wait_reuse lossy_network unfair_network \
         two_way_handshake three_way_close time_wait_reuse_checked_isn; do
  spec="$repo/specs/$v.tcp"
  extra=(--no-reorder)
  case "$v" in
    lossy_network|unfair_network) extra=(--no-reorder -D R2=1) ;;  # 6 steps instead of 18
    time_wait_reuse) extra=(--reorder) ;;  # 12 steps instead of 19: an old SYN overtakes the close
  esac
  "$tcpmc" check "$spec" "${reduced[@]}" "${extra[@]}" --no-progress --json "$work/ex.json" >/dev/null 2>&1
  read -r prop len < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))[0]
v = [p for p in r["properties"] if p["kind"] in ("invariant", "stuck") and p["verdict"] == "violated"]
print(v[0]["name"], len(v[0]["counterexample"]["steps"])) if v else print("-", 0)
' "$work/ex.json")
  if [ "$prop" = "-" ]; then echo "$v: no invariant or stuck property violated at these bounds"; continue; fi
  measure "$v ($prop, explicit: $len steps ${extra[*]})" "$((budget * 40))" "$spec" --engine bmc --depth "$len" \
    --property "$prop" "${reduced[@]}" "${extra[@]}" "${wide[@]}"
done
fi

if run_section 3; then
echo "== 3. k-induction on rfc9293, SEQ_BITS=32, every ISN free (the eight safety invariants at once)"
props=()
for p in handshake_agreement in_order_exactly_once no_data_loss_at_close no_old_segment_accepted \
         no_rst_for_retransmitted_fin bounded_retransmission no_reset_of_live_connection half_open_not_closed; do
  props+=(--property "$p")
done
measure "kind, default bounds" "$((budget * 40))" "$repo/specs/rfc9293.tcp" --engine kind --depth 1 "${props[@]}" "${wide[@]}"
measure "kind, -D MAX_INC=0" "$((budget * 40))" "$repo/specs/rfc9293.tcp" --engine kind --depth 1 "${props[@]}" "${wide[@]}" -D MAX_INC=0
fi

if run_section 4; then
echo "== 4. BMC evidence for what k-induction does not prove (rfc9293, SEQ_BITS=32, every ISN free, $((budget * 10)) s)"
props=()
for p in handshake_agreement in_order_exactly_once no_data_loss_at_close no_old_segment_accepted \
         no_rst_for_retransmitted_fin; do
  props+=(--property "$p")
done
measure "bmc, default bounds" "$((budget * 10))" "$repo/specs/rfc9293.tcp" --engine bmc --depth 200 "${props[@]}" "${wide[@]}"
fi
