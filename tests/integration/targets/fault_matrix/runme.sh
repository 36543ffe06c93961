#!/usr/bin/env bash
# The fault matrix (rows.yml): one playbook run per row, each asserting the task's outcome and where the job's
# result is afterwards. Every row runs even if an earlier one fails; the summary names the failed rows.
set -eux
source ../setup_simulator/simulator.sh
sim_start

rotated_password='Fm-Rotated-Pw-91c3e'
play_args=("$@")

gets_in_log() {
    # How many GetAsyncResult requests the call log holds (the log is cleared by SimReset before each row).
    sim_call SimCallLog 2>/dev/null | sim_json 'sum(1 for c in j["calls"] if c["method"] == "GetAsyncResult")'
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
    sim_call SimCallLog 2>/dev/null | sim_json '[c["params"]["asyncHandle"] for c in j["calls"] if c["method"] == "GetAsyncResult"][0]'
}

summary=()
failed=()
run_row() {
    # run_row NAME [ACTION]: ACTION (rotate | purge | finish) runs in the background once the wait has polled twice.
    local name=$1 action=${2:-} start rc=0 helper=
    start=$(date +%s)
    sim_call SimReset >/dev/null
    case "${action}" in
        rotate) (after_polls 2 && sim_call SimSetCredentials "{\"username\": \"admin\", \"password\": \"${rotated_password}\"}" >/dev/null) & helper=$! ;;
        finish) (after_polls 2 && sim_call SimFinishJob "{\"asyncHandle\": $(first_handle)}" >/dev/null) & helper=$! ;;
        purge) (after_polls 2 && sim_call SimPurgeJob "{\"asyncHandle\": $(first_handle)}" >/dev/null) & helper=$! ;;
    esac
    if [ "${action}" = rotate ]; then
        FM_CTL_PASSWORD=${rotated_password} sim_playbook row.yml -e "row=${name}" "${play_args[@]}" || rc=$?
    else
        sim_playbook row.yml -e "row=${name}" "${play_args[@]}" || rc=$?
    fi
    if [ -n "${helper}" ]; then wait "${helper}" || rc=$?; fi
    cp "${SIM_LOG}" "$(dirname "${SIM_LOG}")/row-${name}.log"
    if [ "${action}" = rotate ]; then
        # back to the start password, so the next row's SimReset is accepted
        SIM_PASSWORD=${rotated_password} sim_call SimReset >/dev/null || sim_call SimReset >/dev/null
    fi
    if [ "${rc}" -eq 0 ]; then summary+=("PASS ${name} $(( $(date +%s) - start ))s"); else
        summary+=("FAIL ${name} (rc=${rc})"); failed+=("${name}"); fi
}

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

set +x
printf '%s\n' "fault matrix:" "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
    echo "fault matrix: failed rows: ${failed[*]}" >&2
    exit 1
fi
