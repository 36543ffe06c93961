#!/usr/bin/env bash
# hack/run-suites.sh SUITE... -- MAKE [ARGS...]
# Runs `MAKE ARGS SUITE` for each suite (continuing after a failure), then prints a
# summary with exit codes and durations. Exits non-zero if any suite failed.
set -uo pipefail
suites=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do suites+=("$1"); shift; done
shift || true
[ $# -gt 0 ] || { echo "usage: run-suites.sh SUITE... -- MAKE [ARGS...]" >&2; exit 2; }

summary=()
failed=0
for suite in "${suites[@]}"; do
    echo
    echo "===== $suite ====="
    start=$(date +%s)
    "$@" "$suite"
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then status=PASS; else status="FAIL (rc=$rc)"; failed=1; fi
    summary+=("$(printf '%-16s %-12s %5ss' "$suite" "$status" "$secs")")
done

echo
echo "===== summary ====="
printf '%s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then
    echo "RESULT: FAILED"
    exit 1
fi
echo "RESULT: PASSED"
