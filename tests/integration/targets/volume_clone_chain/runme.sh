#!/usr/bin/env bash
# volume_clone -> get_async_result: first run clones and waits; the same playbook again changes nothing and
# skips the wait; the chain in --check sends no CloneVolume; a re-run while the clone still runs returns the
# same handle. The simulator's call log proves that each name was cloned exactly once.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 8

account=$(sim_call AddAccount '{"username": "chain-account"}' accountID)
sim_call CreateVolume "{\"name\": \"chain-src\", \"accountID\": ${account}, \"totalSize\": 1073741824}" >/dev/null
sim_call SimCallLog '{"clear": true}' >/dev/null

clones_of() {
    sim_call SimCallLog '{}' "calls[?method==CloneVolume][?params.name==$1]|length"
}

sim_playbook chain.yml -e expect=new "$@"
test "$(clones_of chain-clone)" = 1

# The same playbook again: no second CloneVolume, the chain is still green (the wait is skipped).
sim_playbook chain.yml -e expect=existing "$@"
test "$(clones_of chain-clone)" = 1
sim_assert_grep 'ok=[0-9]+ +changed=0 ' "${SIM_LOG}"

# The whole chain in check mode, for a name that does not exist yet: nothing is cloned, the wait is skipped.
sim_playbook chain.yml --check -e expect=check -e clone_name=chain-check "$@"
test "$(clones_of chain-check)" = 0
test "$(sim_call ListVolumes '{"volumeName": "chain-check"}' 'volumes|length')" = 0

# A re-run while the clone is still running returns the running job's handle.
sim_playbook rerun_running.yml "$@"
test "$(clones_of chain-running)" = 1
