#!/usr/bin/env bash
# Runs one regression case: tests/regression/<case>/test.desc describes it.
#   args: ARGUMENTS            tcpmc's arguments; run inside the case directory;
#                              $SPECS expands to the repository's specs/ directory
#   exit: N                    the expected exit code
#   + REGEX                    a line of stdout+stderr must match (grep -E)
#   - REGEX                    no line of stdout+stderr may match
# Lines starting with # and blank lines are ignored.
set -u
tcpmc="$1"; case_dir="$2"; repo="$3"
desc="$case_dir/test.desc"
args=$(grep -m1 '^args:' "$desc" | sed 's/^args:[[:space:]]*//')
want_exit=$(grep -m1 '^exit:' "$desc" | sed 's/^exit:[[:space:]]*//')
[ -n "$args" ] && [ -n "$want_exit" ] || { echo "bad test.desc: needs args: and exit:"; exit 1; }
args=${args//\$SPECS/$repo/specs}
out=$(cd "$case_dir" && eval "\"$tcpmc\" $args --no-progress" 2>&1)
got_exit=$?
fail=0
if [ "$got_exit" != "$want_exit" ]; then
  echo "FAIL: exit code $got_exit, expected $want_exit"; fail=1
fi
while IFS= read -r line; do
  case "$line" in
    "+ "*) re="${line#+ }"
           if ! grep -Eq -- "$re" <<<"$out"; then echo "FAIL: no line matches: $re"; fail=1; fi ;;
    "- "*) re="${line#- }"
           if grep -Eq -- "$re" <<<"$out"; then echo "FAIL: a line matches what must not appear: $re"; grep -E -- "$re" <<<"$out" | head -3; fail=1; fi ;;
  esac
done < "$desc"
if [ $fail -ne 0 ]; then
  echo "---- output of: tcpmc $args"
  echo "$out" | head -150
  exit 1
fi
echo "ok: $(basename "$case_dir")"
