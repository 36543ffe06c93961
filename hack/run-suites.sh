#!/usr/bin/env bash
# hack/run-suites.sh SUITE... -- MAKE [ARGS...]
# Runs `MAKE ARGS SUITE` for each suite (continuing after a failure), then prints a
# summary with exit codes and durations. Exits non-zero if any suite failed.
# A suite given as SUITE@CORE@PYTHON (e.g. units@2.16@python3.11) runs on that ansible-core
# series: `MAKE ARGS CORE=CORE PYTHON=PYTHON VENV=.venv/core-CORE SUITE`.
# Each suite gets at most SUITE_TIMEOUT seconds (default 1800): on expiry its whole process
# group gets SIGTERM, then SIGKILL 30 s later, so a hung test cannot eat CI's time budget.
# Each suite's output is also kept in SUITE_LOG_DIR (default .build/suite-logs); after the
# summary, the error lines of every failed suite are repeated, because a CI log is often read
# from its end and the failure is otherwise buried thousands of lines up.
set -uo pipefail
suite_timeout=${SUITE_TIMEOUT:-1800}
log_dir=${SUITE_LOG_DIR:-.build/suite-logs}
suites=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do suites+=("$1"); shift; done
shift || true
[ $# -gt 0 ] || { echo "usage: run-suites.sh SUITE... -- MAKE [ARGS...]" >&2; exit 2; }
mkdir -p "$log_dir"

# What a failed suite's log is searched for: ansible-test's FATAL/ERROR lines (with the
# failed integration targets listed after them), failed Ansible tasks and recaps, pytest failures.
failure_lines() {
    grep -a -n -E -A 12 '^FATAL: The [0-9]+ integration test' "$1" | grep -a -v -E '^[0-9]+-FATAL: Command' || true
    grep -a -n -E '^(ERROR|FATAL):|^fatal: \[|FAILED!|failed=[1-9]|unreachable=[1-9]|^FAILED |^E   |did not finish within' "$1" \
        | grep -a -v -E 'FATAL: The [0-9]+ integration test' | tail -n 40 || true
}

summary=()
failed_entries=()
for entry in "${suites[@]}"; do
    suite=${entry%%@*}
    series=()
    if [ "$suite" != "$entry" ]; then
        rest=${entry#*@}
        series=("CORE=${rest%%@*}" "PYTHON=${rest#*@}" "VENV=.venv/core-${rest%%@*}")
    fi
    log="$log_dir/$entry.log"
    echo
    echo "===== $entry ====="
    start=$(date +%s)
    if command -v timeout >/dev/null 2>&1; then
        # timeout puts itself and the suite in a process group of their own (pgid = its pid):
        # after the suite ends, anything it left behind in that group is killed too.
        timeout --kill-after=30 "$suite_timeout" "$@" "${series[@]}" "$suite" > >(tee "$log") 2>&1 &
        group=$!
        trap 'kill -TERM -- -$group 2>/dev/null; exit 130' INT TERM
        wait $group
        rc=$?
        trap - INT TERM
        kill -KILL -- "-$group" 2>/dev/null || true
    else
        "$@" "${series[@]}" "$suite" > >(tee "$log") 2>&1
        rc=$?
    fi
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo "run-suites: $entry did not finish within ${suite_timeout}s and was stopped" | tee -a "$log" >&2
    fi
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then status=PASS
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then status="TIMEOUT"; failed_entries+=("$entry")
    else status="FAIL (rc=$rc)"; failed_entries+=("$entry"); fi
    summary+=("$(printf '%-36s %-12s %5ss' "$entry" "$status" "$secs")")
done
# let the last tee finish writing before the summary
sleep 1

for entry in "${failed_entries[@]}"; do
    echo
    echo "===== what failed in $entry (full output: $log_dir/$entry.log) ====="
    failure_lines "$log_dir/$entry.log"
done
echo
echo "===== summary ====="
printf '%s\n' "${summary[@]}"
if [ ${#failed_entries[@]} -ne 0 ]; then
    echo "RESULT: FAILED"
    exit 1
fi
echo "RESULT: PASSED"
