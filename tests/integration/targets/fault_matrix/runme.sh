#!/usr/bin/env bash
# The fault matrix (rows.yml): one playbook run per row and driver, each asserting the task's outcome and where
# the job's result is afterwards. Every row runs even if an earlier one fails; the summary names the failed rows
# and gives, per row, how long the task took against its wait_timeout and the run's peak memory, which must stay
# within MEMORY_MARGIN_KIB of the `clean` row on the same driver.
set -eux
source ../setup_simulator/simulator.sh
sim_start

rotated_password='Fm-Rotated-Pw-91c3e'
play_args=("$@")
MEMORY_MARGIN_KIB=$((100 * 1024))
declare -A baseline_kib=()
measures=()

gets_in_log() {
    # How many GetAsyncResult requests the call log holds (the log is cleared by SimReset before each row).
    sim_call SimCallLog '{}' 'calls[?method==GetAsyncResult]|length' 2>/dev/null
}

after_polls() {
    # after_polls N: wait (up to 20 s) until the wait under test has polled N times.
    local n=$1 tries=0
    until [ "$(gets_in_log)" -ge "${n}" ]; do
        tries=$((tries + 1))
        [ "${tries}" -lt 100 ] || { echo "after_polls: fewer than ${n} polls after 20 s" >&2; return 1; }
        sleep 0.2
    done
}

first_handle() {
    sim_call SimCallLog '{}' 'calls[?method==GetAsyncResult].params.asyncHandle|first' 2>/dev/null
}

summary=()
failed=()
run_row() {
    # run_row NAME [ACTION [DRIVER [PROGRESS]]]: ACTION (rotate | purge | finish | -) runs in the background once the
    # wait has polled twice; DRIVER is action (in-process, the default) or module (on a target); PROGRESS, a regex
    # of a live progress line the row's output must show.
    local name=$1 action=${2:--} driver=${3:-action} progress=${4:-} start rc=0 helper='' label measure_file wall kib elapsed
    label="${name}@${driver}"
    measure_file="${SIM_DIR}/measure-${label}"
    start=$(date +%s)
    sim_call SimReset >/dev/null
    case "${action}" in
        rotate) (after_polls 2 && sim_call SimSetCredentials "{\"username\": \"${SIM_USERNAME}\", \"password\": \"${rotated_password}\"}" >/dev/null) & helper=$! ;;
        finish) (after_polls 2 && sim_call SimFinishJob "{\"asyncHandle\": $(first_handle)}" >/dev/null) & helper=$! ;;
        purge) (after_polls 2 && sim_call SimPurgeJob "{\"asyncHandle\": $(first_handle)}" >/dev/null) & helper=$! ;;
    esac
    if [ "${action}" = rotate ]; then
        FM_CTL_PASSWORD=${rotated_password} SIM_MEASURE=${measure_file} \
            sim_playbook row.yml -e "row=${name}" -e "driver=${driver}" "${play_args[@]}" || rc=$?
    else
        SIM_MEASURE=${measure_file} sim_playbook row.yml -e "row=${name}" -e "driver=${driver}" "${play_args[@]}" || rc=$?
    fi
    if [ -n "${helper}" ]; then wait "${helper}" || rc=$?; fi
    cp "${SIM_LOG}" "$(dirname "${SIM_LOG}")/row-${label}.log"
    if [ -n "${progress}" ]; then sim_assert_grep "${progress}" "${SIM_LOG}" || rc=1; fi
    if [ "${action}" = rotate ]; then
        # back to the start password, so the next row's SimReset is accepted
        SIM_PASSWORD=${rotated_password} sim_call SimReset >/dev/null || sim_call SimReset >/dev/null
    fi
    read -r wall kib < "${measure_file}"
    elapsed=$(sed -n "s/.*FAULT-MATRIX-ROW ${name} ${driver} elapsed=\([0-9.]*\) wait_timeout=\([0-9]*\).*/\1 s of \2 s/p" "${SIM_LOG}" | head -n 1)
    if [ "${name}" = clean ]; then baseline_kib[${driver}]=${kib}; fi
    if [ -n "${baseline_kib[${driver}]:-}" ] && [ "${kib}" -gt $(( ${baseline_kib[${driver}]} + MEMORY_MARGIN_KIB )) ]; then
        echo "fault matrix: ${label} peaked at ${kib} KiB, more than ${MEMORY_MARGIN_KIB} KiB over clean@${driver}" >&2
        rc=1
    fi
    measures+=("$(printf '%-40s task %-16s run %6s s  peak %4d MiB' "${label}" "${elapsed:-?}" "${wall}" $((kib / 1024)))")
    if [ "${rc}" -eq 0 ]; then summary+=("PASS ${label} $(( $(date +%s) - start ))s"); else
        summary+=("FAIL ${label} (rc=${rc})"); failed+=("${label}"); fi
}

# `clean` first on each driver: the baseline of the memory check.
run_row clean - action
run_row clean - module
run_row http_500_burst
run_row http_503_burst
run_row dropped_connections
run_row slower_than_http_timeout
run_row db_version_mismatch_storm
run_row not_primary
run_row endpoint_down_10s finish
run_row html_body
run_row garbage_bodies
run_row password_rotated_mid_wait rotate
run_row purged_mid_wait purge
run_row never_ends
run_row release_fails
# What a real network may send and the simulator did not, until these rows; those in rows.yml with
# `drivers: [action, module]` run on both drivers.
for driver in action module; do
    run_row drip_forever - "${driver}"
    run_row stall_before_headers - "${driver}"
    run_row stall_after_headers - "${driver}"
    run_row endless_body - "${driver}"
    run_row endless_chunked_body - "${driver}"
    run_row unknown_status - "${driver}"
    run_row release_answer_lost - "${driver}"
done
run_row body_cut_midway
run_row complete_without_result
run_row api_error_with_http_500
run_row db_version_mismatch_with_http_500
# Short transient faults, each counted exactly, and the live progress line each one prints as it happens.
run_row transient_http_500 - action 'transient error, will retry: HTTP 500'
run_row transient_http_503 - action 'transient error, will retry: HTTP 503'
run_row transient_dropped_connection
run_row transient_db_version_mismatch - action 'transient error, will retry: xDBVersionMismatch'
run_row transient_not_primary - action 'transient error, will retry: xNotPrimary'
run_row transient_non_json - action 'transient error, will retry: .*not JSON'
run_row transient_slower_than_http_timeout - action 'transient error, will retry: .*http_timeout'
run_row transient_down_4s

set +x
printf '%s\n' "fault matrix:" "${summary[@]}" "" "fault matrix measurements (task: elapsed of wait_timeout; run: the whole row playbook):" "${measures[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
    echo "fault matrix: failed rows: ${failed[*]}" >&2
    exit 1
fi
