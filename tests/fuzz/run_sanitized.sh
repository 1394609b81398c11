#!/usr/bin/env bash
# The sanitized stage: a second build tree with clang, ASan+UBSan and libFuzzer, in which
#   build   configures and builds build-san/ (-DTCPMC_FUZZ=ON -DTCPMC_SANITIZE=ON);
#   fuzz    runs spec_fuzzer for a bounded time (FUZZ_SECONDS, default 60) on a seed corpus
#           copied to a temporary directory (specs/*.tcp, tests/**/*.tcp, tests/fuzz/crashes/*
#           except tests/fuzz/crashes/pending/), with tests/fuzz/spec.dict, and prints
#           libFuzzer's final figures (inputs executed, exec/s, cov:, ft:, corpus size);
#   unit    runs the quick unit tests of the sanitized build (those that explore at most a few
#           thousand states; SAN_UNIT_FILTER overrides the gtest filter);
#   all     (default) the three in turn.
# ctest runs them as the tests labelled `fuzz` (tests/CMakeLists.txt). Environment:
#   SAN_BUILD_DIR  the build tree (default: build-san/ in the source tree)
#   FUZZ_SECONDS   fuzzing time (default 60)
#   FUZZ_KEEP      a directory to copy crash/timeout/OOM inputs into (default: SAN_BUILD_DIR/fuzz-artifacts)
#   ASAN_OPTIONS   default abort_on_error=1 with LeakSanitizer on; where LeakSanitizer cannot run
#                  (it needs ptrace, which some containers deny) set ASAN_OPTIONS=detect_leaks=0
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${SAN_BUILD_DIR:-$src/build-san}"
seconds="${FUZZ_SECONDS:-60}"
keep="${FUZZ_KEEP:-$build/fuzz-artifacts}"
jobs="${SAN_JOBS:-2}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# The quick unit tests: all but Regress.* (diff/regress/sweep on rfc9293.tcp, about 250000 states
# per run, several runs per test) and the complete multi-threaded runs of
# Engine.ThreadCountDoesNotChangeCompleteResults. Under the sanitizers these take over three
# minutes of the full suite's four and a half; the rest takes about a minute. The normal build
# runs them all. Hardening.MemoryLimitBoundsThePeakResidentSet measures the resident set, which
# the sanitizers' shadow memory inflates. Native.ShippedSpecsHaveTheSameSuccessorsInEveryState and
# Native.ChecksGiveTheSameResults compare whole shipped specs twice (interpreted and native; the
# native library itself is not instrumented), a minute and more in the normal build; likewise
# Compress.ShippedSpecsGiveTheSameResultsAtOneAndTwoThreads and Compress.UsesLessMemoryAndFindsTheSameStates
# (every shipped spec three times; 1.45 M states twice): the other Compress tests run the
# fingerprint store under the sanitizers; and ProveAccelTest.CommandProvesTheSameWithAndWithoutAccelerations
# (two whole proofs, 26 s in the normal build): the ProveSuccessors tests run that code.
default_filter='-Regress.*:Engine.ThreadCountDoesNotChangeCompleteResults:Hardening.MemoryLimitBoundsThePeakResidentSet:Native.ShippedSpecsHaveTheSameSuccessorsInEveryState:Native.ChecksGiveTheSameResults:Compress.ShippedSpecsGiveTheSameResultsAtOneAndTwoThreads:Compress.UsesLessMemoryAndFindsTheSameStates:ProveAccelTest.CommandProvesTheSameWithAndWithoutAccelerations'
filter="${SAN_UNIT_FILTER:-$default_filter}"

do_build() {
  command -v clang++ >/dev/null || { echo "run_sanitized: clang++ not found (Debian: clang libclang-rt-dev)" >&2; exit 1; }
  local gen=()
  command -v ninja >/dev/null && gen=(-G Ninja)
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" "${gen[@]}" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DTCPMC_FUZZ=ON -DTCPMC_SANITIZE=ON >/dev/null
  fi
  cmake --build "$build" -j "$jobs" --target spec_fuzzer tcpmc_unit_tests
}

do_fuzz() {
  local fuzzer="$build/tests/fuzz/spec_fuzzer"
  [ -x "$fuzzer" ] || { echo "run_sanitized: $fuzzer is not built (run: $0 build)" >&2; exit 1; }
  local tmp
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/tcpmc-fuzz.XXXXXX")"
  trap 'rm -rf "$tmp"; trap - RETURN' RETURN
  mkdir -p "$tmp/corpus" "$tmp/artifacts"
  local n=0 f
  while IFS= read -r -d '' f; do
    cp "$f" "$tmp/corpus/$(echo "${f#"$src"/}" | tr '/' '_')"
    n=$((n + 1))
  done < <(find "$src/specs" "$src/tests" -name '*.tcp' -type f -not -path '*/fuzz/crashes/*' -print0;
           find "$src/tests/fuzz/crashes" -maxdepth 1 -type f -not -name '*.md' -print0 2>/dev/null)
  echo "run_sanitized: fuzzing for ${seconds}s from $n seed inputs"
  local rc=0
  "$fuzzer" "$tmp/corpus" -dict="$src/tests/fuzz/spec.dict" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$tmp/artifacts/" >"$tmp/log" 2>&1 || rc=$?
  # The last status line (#N DONE cov: ... ft: ... corp: ...) and the final statistics.
  grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$tmp/log" | tail -1 || true
  grep -E '^stat::' "$tmp/log" || true
  echo "run_sanitized: corpus after the run: $(find "$tmp/corpus" -type f | wc -l) inputs"
  if [ "$rc" -ne 0 ] || [ -n "$(ls -A "$tmp/artifacts")" ]; then
    mkdir -p "$keep"
    cp "$tmp"/artifacts/* "$keep"/ 2>/dev/null || true
    echo "run_sanitized: the fuzzer failed (exit $rc); inputs kept in $keep:" >&2
    ls -l "$keep" >&2 || true
    grep -v -E '^#[0-9]+[[:space:]]' "$tmp/log" | tail -60 >&2
    return 1
  fi
}

do_unit() {
  local tests="$build/tests/tcpmc_unit_tests"
  [ -x "$tests" ] || { echo "run_sanitized: $tests is not built (run: $0 build)" >&2; exit 1; }
  "$tests" --gtest_filter="$filter" --gtest_brief=1
}

case "${1:-all}" in
  build) do_build ;;
  fuzz) do_fuzz ;;
  unit) do_unit ;;
  all) do_build && do_fuzz && do_unit ;;
  *) echo "usage: $0 [build|fuzz|unit|all]" >&2; exit 2 ;;
esac
