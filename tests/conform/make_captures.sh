#!/usr/bin/env bash
# Records the real captures under tests/conform/captures/ (run by hand, as root; not part of the
# build or the tests, which use the committed files). Each scenario of scenarios.py runs in a
# fresh network namespace (only its loopback, so no other traffic) while tcpdump records TCP on
# lo with a snap length of 96 octets (headers only: the checker needs no payload).
#   sudo bash tests/conform/make_captures.sh [SCENARIO...]     (default: every scenario)
# CAPTURES_DIR=DIR writes the captures there instead (to try the script without replacing them).
# Needs iproute2 (ip netns), tcpdump and python3; installs tcpdump when it is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${CAPTURES_DIR:-$here/captures}"
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "make_captures.sh: run as root (network namespaces, tcpdump)" >&2; exit 1; }
command -v tcpdump >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tcpdump

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(open_close three_segment_close half_close abort_rst refused
  simultaneous_close time_wait_reuse bulk unread_close syn_rst_race ipv6_open_close sll2_half_close)

# One scenario in namespace $ns: tcpdump to $file while scenarios.py runs.
record() {
  # sll2_NAME: scenario NAME recorded on the "any" device (Linux cooked headers, SLL2).
  local name="${1#sll2_}" file="$2" ns="tcpmc_cap_$$" port=5000 dev=lo
  [ "$name" != "$1" ] && dev=any
  ip netns add "$ns"
  trap 'ip netns del "$ns" 2>/dev/null || true' RETURN
  ip netns exec "$ns" ip link set lo up
  # One segment per packet: no segmentation offload (lo would otherwise carry 64 KB "segments"
  # that no wire ever sees).
  ip netns exec "$ns" ip link set dev lo gso_max_segs 1 gso_max_size 1500
  ip netns exec "$ns" ip addr add 127.0.0.2/8 dev lo 2>/dev/null || true
  local log; log="$(mktemp)"
  ip netns exec "$ns" tcpdump -i "$dev" -s 96 -U --immediate-mode -w "$file" "tcp port $port" 2>"$log" &
  local dump=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
  sleep 0.2
  # On one CPU: with two, the sender's transmissions from process and softirq context can reach
  # the capture out of their sending order (seen in the bulk transfer), which no wire between two
  # hosts would show. (simultaneous_close needs the two closes to race: it keeps two CPUs.)
  local cpus=0
  [ "$name" = simultaneous_close ] && cpus=0-$(($(nproc) - 1))
  local status=0
  ip netns exec "$ns" taskset -c "$cpus" python3 "$here/scenarios.py" "$name" "$port" || status=$?
  sleep 1
  kill "$dump"
  wait "$dump" || true
  rm -f "$log"
  [ "$status" -eq 0 ] || { echo "make_captures.sh: scenario $name failed (exit $status)" >&2; exit 1; }
}

# Whether a capture of simultaneous_close shows both FINs sent before either was acknowledged:
# no data was sent, so (tcpdump's relative numbers) each FIN is "seq 1, ack 1" and no ACK of a FIN
# ("ack 2") comes before the second FIN.
fins_crossed() {
  tcpdump -nr "$1" 2>/dev/null | awk '
    /Flags \[F\.\], seq 1, ack 1,/ { fins++; next }
    /ack 2,/ && fins < 2 { early = 1 }
    END { exit !(fins == 2 && !early) }'
}

for name in "${scenarios[@]}"; do
  file="$out/$name.pcap"
  if [ "$name" = simultaneous_close ]; then
    for attempt in $(seq 1 50); do
      record "$name" "$file"
      if fins_crossed "$file"; then echo "$name: FINs crossed on attempt $attempt"; break; fi
      [ "$attempt" -lt 50 ] || echo "$name: the FINs never crossed in 50 attempts; kept the last capture" >&2
    done
  else
    record "$name" "$file"
  fi
  echo "$name: $(tcpdump -nr "$file" 2>/dev/null | wc -l) packets -> $file"
done
