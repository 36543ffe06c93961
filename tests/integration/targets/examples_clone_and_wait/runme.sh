#!/usr/bin/env bash
# docs/examples/clone_and_wait.yml (what `make demo` runs): first run clones, waits and prints status, result
# and timestamps; the second run changes nothing and skips the wait; --check on a fresh cluster clones nothing.
set -eux
source ../setup_simulator/simulator.sh
example="${SIM_ROOT}/docs/examples/clone_and_wait.yml"

sim_start --job-seconds 2
sim_playbook "${example}" "$@"
sim_assert_grep 'clone: volume [0-9]+ from source [0-9]+, changed: True' "${SIM_LOG}"
sim_assert_grep 'handle [0-9]+: complete \(Clone\)' "${SIM_LOG}"
sim_assert_grep "result: \{.*'volumeID': [0-9]+" "${SIM_LOG}"
sim_assert_grep 'created [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z, last update [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z' "${SIM_LOG}"
sim_assert_grep 'waited [0-9.]+ s in [0-9]+ polls; released: True' "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
clones() { sim_call SimCallLog '{}' 'calls[?method==CloneVolume]|length'; }
test "$(clones)" = 1
test "$(sim_call ListVolumes '{"volumeName": "demo-src-clone"}' volumes.0.status)" = active

# Second run of the same playbook: nothing cloned, the chain is still green.
sim_playbook "${example}" "$@"
sim_assert_grep 'already exists in account [0-9]+, status active: nothing to do\. The wait was skipped' "${SIM_LOG}"
sim_assert_grep 'ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "${SIM_LOG}"
test "$(clones)" = 1

# Check mode on a cluster that has the source but not the clone: nothing is cloned, the wait is skipped.
sim_call SimReset >/dev/null
account=$(sim_call AddAccount '{"username": "demo-src-account"}' accountID)
sim_call CreateVolume "{\"name\": \"demo-src\", \"accountID\": ${account}, \"totalSize\": 10737418240}" >/dev/null
sim_playbook "${example}" --check "$@"
sim_assert_grep 'Would clone source volume [0-9]+ into .demo-src-clone.* The wait was skipped' "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
test "$(clones)" = 0
