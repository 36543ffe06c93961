#!/usr/bin/env bash
# docs/examples/resume_after_kill.yml: a clone_and_wait run is killed mid-wait (like a cancelled AWX job); the
# clone is still running and its result untouched; resume_after_kill.yml finds it and waits on it.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 20

descendants() {
    # descendants PID: every process below PID (ansible-playbook's workers start sessions of their own, so
    # killing its process group would leave them polling).
    local child
    for child in $(ps -o pid= --ppid "$1"); do
        echo "${child}"
        descendants "${child}"
    done
}

# The first run, killed mid-wait below with every process it started.
ansible-playbook -i "${SIM_INVENTORY}" "${SIM_ROOT}/docs/examples/clone_and_wait.yml" \
    >"${OUTPUT_DIR:-${SIM_DIR}}/killed-run.log" 2>&1 &
run=$!
waited=0
until sim_call SimCallLog | grep -q '"GetAsyncResult"'; do
    sleep 0.2
    waited=$((waited + 1))
    test "${waited}" -lt 150
done
victims=$(descendants "${run}")
# shellcheck disable=SC2086 # one PID per word
kill -KILL "${run}" ${victims}
wait "${run}" || true
for pid in ${victims}; do
    while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
done
polls_before=$(sim_call SimCallLog '{}' 'calls[?method==GetAsyncResult]|length')
sleep 3
# Nothing polls any more: the killed run is gone for good.
test "$(sim_call SimCallLog '{}' 'calls[?method==GetAsyncResult]|length')" = "${polls_before}"

# The clone is still running, and no result was consumed.
handle=$(sim_call ListAsyncResults '{}' 'asyncHandles[?completed==false].asyncResultID|first')
test -n "${handle}"
test "$(sim_call SimCallLog '{}' 'calls[?method==GetAsyncResult][?params.keepResult==false]|length')" = 0

sim_playbook "${SIM_ROOT}/docs/examples/resume_after_kill.yml" "$@"
sim_assert_grep "running clone jobs: \[${handle}\]" "${SIM_LOG}"
sim_assert_grep "handle ${handle}: complete, result \{.*'volumeID'" "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
# The resumed wait released the handle after reading it.
test "$(sim_call SimCallLog '{}' "calls[?method==GetAsyncResult][?params.asyncHandle==${handle}].params.keepResult|last")" = false

# Nothing left to resume: the wait is skipped.
sim_playbook "${SIM_ROOT}/docs/examples/resume_after_kill.yml" "$@"
sim_assert_grep 'running clone jobs: \[\]' "${SIM_LOG}"
sim_assert_grep 'skipping: \[localhost\]' "${SIM_LOG}"
