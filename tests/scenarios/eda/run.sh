#!/usr/bin/env bash
# ansible-rulebook with the event source solidfire.element.async_jobs against the simulator (make eda-scenario).
#   tests/scenarios/eda/run.sh VENV WORK_DIR
# VENV holds ansible-rulebook 1.3.2, ansible-core and requests (the Makefile's RULEBOOK_REQUIREMENTS). This script
# builds and installs the collection with that ansible-galaxy into WORK_DIR/collections, starts the simulator, and
# runs the rulebook of docs/examples/rulebooks as written (its playbooks beside it) while it drives the cluster:
# a job complete before the start, a clone that finishes, a job that fails, a job no rule matches, faults in the
# middle of the watch, then a second clone. check.py asserts what the playbooks received and what the cluster saw.
# Then a second rulebook (restart_events.yml, include_existing false) is started while jobs run, its first looks
# failing, on a cluster whose clock is off: check_restart.py asserts each job that ended after its start was
# announced once.
# Exits non-zero when anything fails, and when the password shows up in the rulebook's output (its debug log, -vv,
# and every event it received, --print-events).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/../scenario.sh"
venv="" work="" python="" top=""  # set by scenario_init
scenario_init eda-scenario "${1:-}" "${2:-}" ansible-rulebook ansible-playbook ansible-galaxy
JAVA_HOME=$(hack/java-home.sh)
export JAVA_HOME
# ansible-rulebook finds collections with ansible-galaxy and runs playbooks with ansible-playbook, from PATH
export PATH="$venv/bin:$PATH"

rm -rf "$work/rulebooks" "$work"/*.log "$work"/*.json
scenario_install
ansible-galaxy collection list solidfire.element 2>/dev/null | grep -E '^solidfire\.element ' | sed 's/^/   /'

# the integration tests' simulator helpers: sim_start (launch.py, its environment sourced, stopped on exit)
# shellcheck source=/dev/null
. "$top/tests/integration/targets/setup_simulator/simulator.sh"
export SIM_PYTHON="$python"
rulebook_pid=
stop_rulebook() {
    if [ -n "$rulebook_pid" ] && kill -0 "$rulebook_pid" 2>/dev/null; then
        kill -INT "$rulebook_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$rulebook_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$rulebook_pid" 2>/dev/null || true
        wait "$rulebook_pid" 2>/dev/null || true
    fi
    rulebook_pid=
}
cleanup() { stop_rulebook; sim_stop; }
trap 'exit 130' INT TERM

password=$("$python" -c 'import secrets; print("sim-" + secrets.token_urlsafe(12))')
echo "== simulator"
sim_start --job-seconds 8 --password "$password" || { cat "$SIM_DIR/stderr" >&2 2>/dev/null || true; exit 1; }
trap cleanup EXIT
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

# the volume the clones copy, and a job that is complete before the source starts (announced, from its listing:
# include_existing is true by default; no rule matches it, so it stays on the cluster)
account=$(sim_call AddAccount '{"username": "eda-tenant"}' accountID)
volume=$(sim_call CreateVolume "{\"name\": \"eda-src\", \"accountID\": $account, \"totalSize\": 1073741824, \"enable512e\": true}" volumeID)
before=$(sim_call SimCreateJob '{"seconds": 0, "resultType": "BulkVolume", "result": {"bvID": 9, "message": "Bulk volume job succeeded"}}' asyncHandle)
sleep 3  # it ended well before the start (by more than the source's 2 s margin)

echo "== ansible-rulebook docs/examples/rulebooks/clone_events.yml (as written)"
cp -R docs/examples/rulebooks "$work/rulebooks"
(cd "$work/rulebooks" && exec ansible-rulebook --rulebook clone_events.yml --inventory inventory.yml -vv --print-events) \
    > "$work/rulebook.log" 2>&1 &
rulebook_pid=$!

wait_for() {
    # wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds; fails naming WHAT after SECONDS
    local limit=$1 what=$2 waited=0
    shift 2
    until "$@" >/dev/null 2>&1; do
        if ! kill -0 "$rulebook_pid" 2>/dev/null; then
            echo "eda-scenario: ansible-rulebook ended while waiting for $what" >&2
            return 1
        fi
        if [ "$waited" -ge $((limit * 10)) ]; then
            echo "eda-scenario: no $what within $limit s" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}
listed() { [ "$(sim_call SimCallLog '{}' 'calls[?method==ListAsyncResults]|length' 2>/dev/null)" -ge "$1" ]; }
said() { grep -F -q -- "$1" "$work/rulebook.log"; }
faults_used() {
    sim_call SimGetFaults '{}' 2>/dev/null \
        | "$python" -c 'import json, sys; sys.exit(any(r.get("count") for r in json.load(sys.stdin)["faults"]))'
}

scenario() {
    # the source's first look, with the rules engine up (the JVM takes a few seconds to start)
    wait_for 90 "first ListAsyncResults from the source" listed 1
    clone=$(sim_call CloneVolume "{\"volumeID\": $volume, \"name\": \"eda-clone-1\"}")
    clone_handle=$(sim_pick asyncHandle <<<"$clone")
    clone_volume=$(sim_pick volumeID <<<"$clone")
    failing=$(sim_call SimCreateJob '{"seconds": 4, "resultType": "BulkVolume", "error": {"name": "xBulkVolumeScriptFailure", "message": "Bulk volume job failed"}}' asyncHandle)
    unmatched=$(sim_call SimCreateJob '{"seconds": 4, "resultType": "BulkVolume", "result": {"bvID": 1, "message": "Bulk volume job succeeded"}}' asyncHandle)
    # faults in the middle of the watch, applied in order: two listings answer HTTP 503, the next drops the
    # connection, one read meets a database conflict, then the cluster is down for 12 s (a master moving)
    sim_call SimSetFaults '{"faults": [
        {"kind": "http_status", "status": 503, "methods": ["ListAsyncResults"], "count": 2},
        {"kind": "drop", "methods": ["ListAsyncResults"], "count": 1},
        {"kind": "api_error", "name": "xDBVersionMismatch", "methods": ["GetAsyncResult"], "count": 1},
        {"kind": "down", "seconds": 12, "methods": ["ListAsyncResults"], "skip": 1, "count": 1}]}' >/dev/null
    wait_for 120 "playbook run for clone $clone_handle" said "Clone $(sim_pick cloneID <<<"$clone") finished"
    wait_for 60 "playbook run for failed job $failing" said "BulkVolume job $failing on"
    # the source survived the faults: a clone started after them is announced too
    wait_for 60 "the end of the faults" faults_used
    wait_for 60 "the end of the outage" sim_call GetAPI
    clone2=$(sim_call CloneVolume "{\"volumeID\": $volume, \"name\": \"eda-clone-2\"}")
    clone2_handle=$(sim_pick asyncHandle <<<"$clone2")
    wait_for 90 "playbook run for clone $clone2_handle" said "Clone $(sim_pick cloneID <<<"$clone2") finished"
    sim_call SimCallLog '{}' > "$work/calls.json"
    sim_call ListAsyncResults '{}' > "$work/listed.json"
    sim_call SimGetFaults '{}' > "$work/faults.json"
    stop_rulebook
    "$python" "$here/check.py" --calls "$work/calls.json" --listed "$work/listed.json" --faults "$work/faults.json" \
        --log "$work/rulebook.log" --before "$before" --clones "$clone_handle,$clone2_handle" \
        --clone-volumes "$clone_volume,$(sim_pick volumeID <<<"$clone2")" --failed "$failing" --unmatched "$unmatched"
}

restart() {
    # Phase 2: a source started anew (as EDA controller restarts an activation) while jobs run, on a cluster whose
    # clock is two minutes behind ours, include_existing false; its first looks meet HTTP 503 three times and a
    # dropped connection, and the jobs end meanwhile. Each must be announced once; one that ended before, never.
    sim_call SimReset >/dev/null
    sim_call SimConfigure '{"clockSkew": -120}' >/dev/null
    old=$(sim_call SimCreateJob '{"seconds": 0, "resultType": "BulkVolume", "result": {"bvID": 3, "message": "Bulk volume job succeeded"}}' asyncHandle)
    sleep 3  # it ended well before the start
    sim_call SimSetFaults '{"faults": [
        {"kind": "http_status", "status": 503, "methods": ["ListAsyncResults"], "count": 3},
        {"kind": "drop", "methods": ["ListAsyncResults"], "count": 1}]}' >/dev/null
    cp "$here/restart_events.yml" "$work/rulebooks/"
    (cd "$work/rulebooks" && exec ansible-rulebook --rulebook restart_events.yml --inventory inventory.yml -vv \
        --print-events) > "$work/restart.log" 2>&1 &
    rulebook_pid=$!
    # the jobs start once the source has made its first (failed) look: they end after it started
    wait_for 90 "first ListAsyncResults from the restarted source" listed 1
    local jobs=() handle
    jobs+=("$(sim_call SimCreateJob '{"seconds": 1, "resultType": "BulkVolume", "result": {"bvID": 4, "message": "Bulk volume job succeeded"}}' asyncHandle)")
    failed=$(sim_call SimCreateJob '{"seconds": 2, "resultType": "BulkVolume", "error": {"name": "xBulkVolumeScriptFailure", "message": "Bulk volume job failed"}}' asyncHandle)
    jobs+=("$failed")
    jobs+=("$(sim_call SimCreateJob '{"seconds": 4, "syncProgress": true, "details": {"volumeID": 77}, "result": {"cloneID": 5, "message": "Clone complete.", "volumeID": 77}}' asyncHandle)")
    jobs+=("$(sim_call SimCreateJob '{"seconds": 14, "syncProgress": true, "details": {"volumeID": 78}, "result": {"cloneID": 6, "message": "Clone complete.", "volumeID": 78}}' asyncHandle)")
    for handle in "${jobs[@]}"; do
        wait_for 90 "the restarted source's event for job $handle" grep -q "RESTART-EVENT $handle " "$work/restart.log"
    done
    sleep 5  # more rounds: a duplicate would show now
    sim_call SimCallLog '{}' > "$work/restart-calls.json"
    stop_rulebook
    "$python" "$here/check_restart.py" --calls "$work/restart-calls.json" --log "$work/restart.log" --old "$old" \
        --jobs "$(IFS=,; echo "${jobs[*]}")" --failed "$failed"
}

# errexit holds inside the subshell (a function called as the left side of || would run without it)
set +e
(set -e; scenario)
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "== ansible-rulebook tests/scenarios/eda/restart_events.yml (started while jobs run, first looks failing)"
    (set -e; restart)
    rc=$?
fi
set -e
stop_rulebook
cat "$work/restart.log" >> "$work/rulebook.log" 2>/dev/null || true
scenario_end "$rc" "$work/rulebook.log"
