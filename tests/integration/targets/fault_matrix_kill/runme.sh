#!/usr/bin/env bash
# The controller dies mid-wait (SIGKILL), then the same wait runs again. Two ways to die:
#   tree - ansible-playbook and every process under it (its workers run in sessions of their own, so this is
#          done by walking the process tree): a crashed controller host, an OOM-killed or evicted container;
#   main - only the ansible-playbook process (kill -9 PID); its worker, which runs the wait, is orphaned.
# Each case asserts: before the kill only reads with keepResult true; afterwards the job is still on the cluster;
# a second run gets the job's own result and releases it exactly once. Then the same for a wait on 40 handles
# killed after it read the 20 that had finished. Every case runs; failures are summed up.
set -eux
source ../setup_simulator/simulator.sh
sim_start
play_args=("$@")

gets_in_log() {
    sim_call SimCallLog '{}' 'calls[?method==GetAsyncResult]|length' 2>/dev/null
}

descendants() {
    # descendants PID: every process below PID, deepest first
    local child
    for child in $(ps -eo pid=,ppid= | awk -v p="$1" '$2 == p {print $1}'); do
        descendants "${child}"
        echo "${child}"
    done
}

kill_case() {
    local mode=$1 volume=$2 handle playbook tries=0 rc=0
    local -a victims
    sim_call SimReset >/dev/null
    handle=$(sim_call SimCreateJob "{\"seconds\": null, \"resultType\": \"Clone\", \"result\": {\"cloneID\": 9, \"message\": \"Clone complete.\", \"volumeID\": ${volume}}}" asyncHandle)

    ansible-playbook -i "${SIM_INVENTORY}" wait.yml -e "handle=${handle}" "${play_args[@]}" \
        >"${OUTPUT_DIR:-${SIM_DIR}}/kill-${mode}-first-run.log" 2>&1 &
    playbook=$!
    until [ "$(gets_in_log)" -ge 3 ]; do
        tries=$((tries + 1))
        [ "${tries}" -lt 150 ] || { echo "${mode}: the first run never polled 3 times" >&2; return 1; }
        sleep 0.2
    done
    mapfile -t victims < <(descendants "${playbook}")
    orphans=("${victims[@]}")
    if [ "${mode}" = tree ]; then
        victims+=("${playbook}")
        kill -STOP "${victims[@]}" 2>/dev/null || true
        kill -KILL "${victims[@]}" 2>/dev/null || true
    else
        kill -KILL "${playbook}"
    fi
    wait "${playbook}" || rc=$?
    [ "${rc}" -eq 137 ] || { echo "${mode}: the first run ended with ${rc}, not by SIGKILL" >&2; return 1; }
    sleep 1

    # Up to the kill: only reads with keepResult true; the job is still there, running.
    sim_call SimCallLog '{"clear": true}' | "${SIM_PYTHON}" -c '
import json, sys
calls = json.load(sys.stdin)["calls"]
flags = [c["params"].get("keepResult") for c in calls]
assert len(calls) >= 3 and set(flags) == {True}, flags
print("%s: first run made %d reads, all with keepResult true" % (sys.argv[1], len(calls)))' "${mode}"
    test "$(sim_call ListAsyncResults '{}' "asyncHandles[?asyncResultID==${handle}].completed")" = '[false]'

    # The job finishes while the first run is dead; a second run resumes and gets the same result.
    sim_call SimFinishJob "{\"asyncHandle\": ${handle}}" >/dev/null
    sleep 2  # time for anything left of the first run to act on the finished job
    sim_call SimCallLog '{"clear": true}' | "${SIM_PYTHON}" -c '
import json, sys
calls = [c for c in json.load(sys.stdin)["calls"] if c["method"] == "GetAsyncResult"]
assert calls == [], "after the kill, something of the first run still read the job: %s" % calls' || return 1
    sim_call SimCallLog '{"clear": true}' >/dev/null
    sim_playbook wait.yml -e "handle=${handle}" -e "expected_volume=${volume}" -e expected_clone=9 "${play_args[@]}" || return 1

    sim_call SimCallLog | "${SIM_PYTHON}" -c '
import json, sys
calls = [c for c in json.load(sys.stdin)["calls"] if c["method"] == "GetAsyncResult"]
released = [c for c in calls if c["params"].get("keepResult") is False]
assert len(released) == 1 and released[0]["httpStatus"] == 200, calls
assert released[0]["id"] == max(c["id"] for c in calls), calls
print("%s: second run made %d reads and released once, last" % (sys.argv[1], len(calls)))' "${mode}"
}

# many: a wait on 40 handles dies (tree) after it has read the 20 that finished first; the other 20 still run.
# Nothing may have been released: all 40 results are still on the cluster, and the second run returns all of them,
# releasing each once.
many_case() {
    local handles=() index seconds playbook tries=0 rc=0 list
    local -a victims
    sim_call SimReset >/dev/null
    for index in $(seq 0 39); do
        seconds=null
        if [ "${index}" -lt 20 ]; then seconds=0; fi
        handles+=("$(sim_call SimCreateJob "{\"seconds\": ${seconds}, \"result\": {\"cloneID\": ${index}, \"message\": \"Clone complete.\", \"volumeID\": $((9000 + index))}}" asyncHandle)")
    done
    list=$(IFS=,; echo "${handles[*]}")
    export KILL_HANDLES="[${list}]"
    ansible-playbook -i "${SIM_INVENTORY}" wait_many.yml -e "{\"handles\": ${KILL_HANDLES}}" "${play_args[@]}" \
        >"${OUTPUT_DIR:-${SIM_DIR}}/kill-many-first-run.log" 2>&1 &
    playbook=$!
    # the first run has read the 20 finished results once it has made 20 kept reads
    until [ "$(sim_call SimCallLog '{}' 'calls[?method==GetAsyncResult]|length' 2>/dev/null)" -ge 20 ]; do
        tries=$((tries + 1))
        [ "${tries}" -lt 150 ] || { echo "many: the first run never read the finished jobs" >&2; return 1; }
        sleep 0.2
    done
    sleep 1  # a round or two more: whatever it would release at once, it has had the time to
    mapfile -t victims < <(descendants "${playbook}")
    orphans=("${victims[@]}")
    victims+=("${playbook}")
    kill -STOP "${victims[@]}" 2>/dev/null || true
    kill -KILL "${victims[@]}" 2>/dev/null || true
    wait "${playbook}" || rc=$?
    [ "${rc}" -eq 137 ] || { echo "many: the first run ended with ${rc}, not by SIGKILL" >&2; return 1; }

    sim_call SimCallLog '{"clear": true}' | "${SIM_PYTHON}" -c '
import json, os, sys
handles = json.loads(os.environ["KILL_HANDLES"])
reads = [c for c in json.load(sys.stdin)["calls"] if c["method"] == "GetAsyncResult"]
assert reads and all(c["params"].get("keepResult") is True for c in reads), reads
assert sorted(set(c["params"]["asyncHandle"] for c in reads)) == sorted(handles[:20]), reads
print("many: first run read the 20 finished results (%d reads), all with keepResult true" % len(reads))' || return 1
    test "$(sim_call ListAsyncResults '{}' 'asyncHandles|length')" = 40 || return 1

    for index in $(seq 20 39); do sim_call SimFinishJob "{\"asyncHandle\": ${handles[${index}]}}" >/dev/null; done
    sim_playbook wait_many.yml -e "{\"handles\": ${KILL_HANDLES}, \"expect_results\": true}" "${play_args[@]}" || return 1
    sim_call SimCallLog | "${SIM_PYTHON}" -c '
import json, os, sys
handles = json.loads(os.environ["KILL_HANDLES"])
calls = [c for c in json.load(sys.stdin)["calls"] if c["method"] == "GetAsyncResult"]
released = sorted(c["params"]["asyncHandle"] for c in calls if c["params"].get("keepResult") is False)
assert released == sorted(handles), released
print("many: second run returned all 40 results and released each once")' || return 1
    test "$(sim_call ListAsyncResults '{}' 'asyncHandles|length')" = 0
}

orphans=()
summary=()
failed=0
for mode in tree main; do
    if kill_case "${mode}" "$([ "${mode}" = tree ] && echo 901 || echo 902)"; then summary+=("PASS kill ${mode}"); else
        summary+=("FAIL kill ${mode}"); failed=1; fi
    # nothing of a killed run may outlive its case: end the processes that were under it (by id)
    if [ "${#orphans[@]}" -gt 0 ]; then kill -KILL "${orphans[@]}" 2>/dev/null || true; fi
    orphans=()
done
if many_case; then summary+=("PASS kill many"); else summary+=("FAIL kill many"); failed=1; fi
if [ "${#orphans[@]}" -gt 0 ]; then kill -KILL "${orphans[@]}" 2>/dev/null || true; fi
set +x
printf '%s\n' "kill matrix:" "${summary[@]}"
exit "${failed}"
