#!/usr/bin/env bash
# hack/run-suites.sh [-j JOBS] SUITE... -- MAKE [ARGS...]
# Runs `MAKE ARGS SUITE` for each suite (continuing after a failure), then prints a
# summary with exit codes and durations. Exits non-zero if any suite failed.
# A suite given as SUITE@CORE@PYTHON (e.g. units@2.16@python3.11) runs on that ansible-core
# series: `MAKE ARGS CORE=CORE PYTHON=PYTHON VENV=.venv/core-CORE SUITE`.
#
# Up to JOBS suites (default 1) run side by side, in the order given. A suite whose name is in
# EXCLUSIVE_SUITES (space-separated suite names, without @CORE@PYTHON) measures time or depends on
# timing (deadlines, detection lag): with JOBS > 1 those run after all the
# others, one at a time and alone, so a busy neighbour cannot make them flaky. With JOBS 1 every
# suite runs alone in the order given. A suite run alone streams its output; a
# suite run side by side writes to its log and the log is printed, whole, when it ends, so the
# output of two suites never interleaves.
#
# Each suite gets at most SUITE_TIMEOUT seconds (default 1800): on expiry its whole process
# group gets SIGTERM, then SIGKILL 30 s later, so a hung test cannot eat CI's time budget.
# Each suite's output is also kept in SUITE_LOG_DIR (default .build/suite-logs); after the
# summary, the error lines of every failed suite are repeated, because a CI log is often read
# from its end and the failure is otherwise buried thousands of lines up.
set -uo pipefail
suite_timeout=${SUITE_TIMEOUT:-1800}
log_dir=${SUITE_LOG_DIR:-.build/suite-logs}
exclusive=" ${EXCLUSIVE_SUITES:-} "
jobs=1
if [ "${1:-}" = "-j" ]; then jobs=${2:?-j needs a number}; shift 2; fi
suites=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do suites+=("$1"); shift; done
shift || true
[ $# -gt 0 ] || { echo "usage: run-suites.sh [-j JOBS] SUITE... -- MAKE [ARGS...]" >&2; exit 2; }
command -v timeout >/dev/null 2>&1 || { echo "run-suites: timeout (coreutils) is required" >&2; exit 2; }
mkdir -p "$log_dir"

# What a failed suite's log is searched for: ansible-test's FATAL/ERROR lines (with the
# failed integration targets listed after them), failed Ansible tasks and recaps, pytest failures.
failure_lines() {
    grep -a -n -E -A 12 '^FATAL: The [0-9]+ integration test' "$1" | grep -a -v -E '^[0-9]+-FATAL: Command' || true
    grep -a -n -E '^(ERROR|FATAL):|^fatal: \[|FAILED!|failed=[1-9]|unreachable=[1-9]|^FAILED |^E   |did not finish within' "$1" \
        | grep -a -v -E 'FATAL: The [0-9]+ integration test' | tail -n 40 || true
}

declare -A started=() group_of=()
summary=()
failed_entries=()
running=()

# The command line of one entry, into the array `cmd`.
command_for() {
    local entry=$1 suite=${1%%@*} rest
    cmd=(timeout --kill-after=30 "$suite_timeout" "${make_cmd[@]}")
    if [ "$suite" != "$entry" ]; then
        rest=${entry#*@}
        cmd+=("CORE=${rest%%@*}" "PYTHON=${rest#*@}" "VENV=.venv/core-${rest%%@*}")
    fi
    cmd+=("$suite")
}

# Record how an entry ended (its timeout process has been reaped with exit code $2).
finish() {
    local entry=$1 rc=$2 log="$log_dir/$1.log" secs status
    # timeout put itself and the suite in a process group of their own (pgid = its pid):
    # anything the suite left behind in that group goes too.
    kill -KILL -- "-${group_of[$entry]}" 2>/dev/null || true
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "run-suites: $entry did not finish within ${suite_timeout}s and was stopped" | tee -a "$log" >&2
    fi
    secs=$(( $(date +%s) - started[$entry] ))
    if [ "$rc" -eq 0 ]; then status=PASS
    elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then status="TIMEOUT"; failed_entries+=("$entry")
    else status="FAIL (rc=$rc)"; failed_entries+=("$entry"); fi
    summary+=("$(printf '%-36s %-12s %5ss' "$entry" "$status" "$secs")")
}

# Wait for one side-by-side entry to end, print its log, and drop it from `running`.
reap_one() {
    local entry pid rc still=()
    while :; do
        for entry in "${running[@]}"; do
            pid=${group_of[$entry]}
            if ! kill -0 "$pid" 2>/dev/null; then
                wait "$pid"; rc=$?
                echo
                echo "===== $entry (ran side by side; its output follows) ====="
                cat "$log_dir/$entry.log"
                finish "$entry" "$rc"
                for e in "${running[@]}"; do [ "$e" = "$entry" ] || still+=("$e"); done
                running=("${still[@]}")
                return
            fi
        done
        sleep 1
    done
}

reap_all() { while [ ${#running[@]} -gt 0 ]; do reap_one; done; }

trap 'for e in "${running[@]}"; do kill -TERM -- "-${group_of[$e]}" 2>/dev/null; done; exit 130' INT TERM

make_cmd=("$@")
wall_start=$(date +%s)
ordered=("${suites[@]}")
if [ "$jobs" -gt 1 ]; then
    side=() alone=()
    for entry in "${suites[@]}"; do
        if [[ "$exclusive" == *" ${entry%%@*} "* ]]; then alone+=("$entry"); else side+=("$entry"); fi
    done
    ordered=("${side[@]}" "${alone[@]}")
fi
for entry in "${ordered[@]}"; do
    suite=${entry%%@*}
    log="$log_dir/$entry.log"
    command_for "$entry"
    if [ "$jobs" -le 1 ] || [[ "$exclusive" == *" $suite "* ]]; then
        reap_all
        echo
        echo "===== $entry ====="
        started[$entry]=$(date +%s)
        "${cmd[@]}" > >(tee "$log") 2>&1 &
        group_of[$entry]=$!
        wait "${group_of[$entry]}"
        finish "$entry" $?
    else
        while [ ${#running[@]} -ge "$jobs" ]; do reap_one; done
        echo
        echo "===== $entry: started side by side (its output is printed when it ends) ====="
        started[$entry]=$(date +%s)
        "${cmd[@]}" > "$log" 2>&1 &
        group_of[$entry]=$!
        running+=("$entry")
    fi
done
reap_all
# let the last tee finish writing before the summary
sleep 1

for entry in "${failed_entries[@]}"; do
    echo
    echo "===== what failed in $entry (full output: $log_dir/$entry.log) ====="
    failure_lines "$log_dir/$entry.log"
done
echo
echo "===== summary (up to $jobs side by side; suites in EXCLUSIVE_SUITES alone) ====="
printf '%s\n' "${summary[@]}"
printf '%-36s %-12s %5ss\n' "wall time" "" "$(( $(date +%s) - wall_start ))"
if [ ${#failed_entries[@]} -ne 0 ]; then
    echo "RESULT: FAILED"
    exit 1
fi
echo "RESULT: PASSED"
