#!/usr/bin/env bash
# Times `tcpmc conform` on the 1 MB bulk-transfer capture (tests/conform/captures/bulk.pcap: 775
# segments, 741 of them data) against specs/rfc9293.tcp, three runs each, with and without the
# spec's host crash (CRASHES), and prints the product states the search stored. Figures for the
# README ("Checking a capture against a spec"); the tests assert the verdict, never a time.
#   bash tests/bench/conform.sh [path/to/tcpmc]
set -uo pipefail
cd "$(dirname "$0")/../.."
tcpmc="${1:-build/checker/tcpmc}"
capture=tests/conform/captures/bulk.pcap
bounds=(-D SEQ_BITS=7 -D RCV_WND=40 -D MAX_DATA=800 --capacity 40)
echo "# tcpmc conform specs/rfc9293.tcp $capture ${bounds[*]}  ($(nproc) cores, $(date -u +%F))"
for crashes in 1 0; do
  for run in 1 2 3; do
    start=$(date +%s.%N)
    line=$("$tcpmc" conform specs/rfc9293.tcp "$capture" "${bounds[@]}" -D CRASHES=$crashes | grep -o 'ADMITTED.*\|REJECTED.*\|INCONCLUSIVE.*' | head -1)
    end=$(date +%s.%N)
    printf 'CRASHES=%s run %s: %6.2f s  %s\n' "$crashes" "$run" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$line"
  done
done
# A rejection late in the capture: with MAX_DATA=700 the spec cannot send the 701st data unit, so
# the depth-first fast path gives up (50,000 product states) and the breadth-first search runs
# through 1,400 segments before it rejects: its cost, layer by layer.
for run in 1 2 3; do
  start=$(date +%s.%N)
  line=$("$tcpmc" conform specs/rfc9293.tcp "$capture" -D SEQ_BITS=7 -D RCV_WND=40 -D MAX_DATA=700 --capacity 40 | grep -o 'REJECTED at segment [0-9]*\|ADMITTED.*\|INCONCLUSIVE.*' | head -1 || true)
  end=$(date +%s.%N)
  printf 'MAX_DATA=700 run %s: %6.2f s  %s\n' "$run" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$line"
done
