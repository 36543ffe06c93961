#!/usr/bin/env bash
# hack/run-suites.sh SUITE... -- MAKE [ARGS...]
# Runs `MAKE ARGS SUITE` for each suite (continuing after a failure), then prints a
# summary with exit codes and durations. Exits non-zero if any suite failed.
# A suite given as SUITE@CORE@PYTHON (e.g. units@2.16@python3.11) runs on that ansible-core
# series: `MAKE ARGS CORE=CORE PYTHON=PYTHON VENV=.venv/core-CORE SUITE`.
# Each suite gets at most SUITE_TIMEOUT seconds (default 1800): on expiry its whole process
# group gets SIGTERM, then SIGKILL 30 s later, so a hung test cannot eat CI's time budget.
set -uo pipefail
suite_timeout=${SUITE_TIMEOUT:-1800}
suites=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do suites+=("$1"); shift; done
shift || true
[ $# -gt 0 ] || { echo "usage: run-suites.sh SUITE... -- MAKE [ARGS...]" >&2; exit 2; }

summary=()
failed=0
for entry in "${suites[@]}"; do
    suite=${entry%%@*}
    series=()
    if [ "$suite" != "$entry" ]; then
        rest=${entry#*@}
        series=("CORE=${rest%%@*}" "PYTHON=${rest#*@}" "VENV=.venv/core-${rest%%@*}")
    fi
    echo
    echo "===== $entry ====="
    start=$(date +%s)
    if command -v timeout >/dev/null 2>&1; then
        # timeout puts itself and the suite in a process group of their own (pgid = its pid):
        # after the suite ends, anything it left behind in that group is killed too.
        timeout --kill-after=30 "$suite_timeout" "$@" "${series[@]}" "$suite" &
        group=$!
        trap 'kill -TERM -- -$group 2>/dev/null; exit 130' INT TERM
        wait $group
        rc=$?
        trap - INT TERM
        kill -KILL -- "-$group" 2>/dev/null || true
    else
        "$@" "${series[@]}" "$suite"
        rc=$?
    fi
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo "run-suites: $entry did not finish within ${suite_timeout}s and was stopped" >&2
    fi
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then status=PASS
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then status="TIMEOUT"; failed=1
    else status="FAIL (rc=$rc)"; failed=1; fi
    summary+=("$(printf '%-28s %-12s %5ss' "$entry" "$status" "$secs")")
done

echo
echo "===== summary ====="
printf '%s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then
    echo "RESULT: FAILED"
    exit 1
fi
echo "RESULT: PASSED"
