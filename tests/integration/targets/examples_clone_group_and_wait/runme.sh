#!/usr/bin/env bash
# docs/examples/clone_group_and_wait.yml as written: the first run makes the volumes and the group snapshot, clones
# the group from it and waits once; the second run changes nothing and skips the wait; --check on a cluster with
# the sources and the group snapshot but no clones clones nothing; --check on an empty cluster sends nothing.
set -eux
source ../setup_simulator/simulator.sh
example="${SIM_ROOT}/docs/examples/clone_group_and_wait.yml"
sim_start --job-seconds 2
groups() { sim_call SimCallLog '{}' 'calls[?method==CloneMultipleVolumes]|length'; }

sim_playbook "${example}" "$@"
sim_assert_grep 'group clone [0-9]+, changed: True' "${SIM_LOG}"
sim_assert_grep 'handle [0-9]+: complete; result members: \[\{.*srcVolumeID.*volumeID' "${SIM_LOG}"
sim_assert_grep 'waited [0-9.]+ s in [0-9]+ polls; released: True' "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
test "$(groups)" = 1
test "$(sim_call SimCallLog '{}' 'calls[?method==CloneMultipleVolumes].0.params.groupSnapshotID')" = 1
test "$(sim_call ListVolumes '{"volumeName": "demo-db-log-test"}' volumes.0.status)" = active

# Second run of the same playbook: no new group snapshot, nothing cloned, the chain is still green.
sim_playbook "${example}" "$@"
sim_assert_grep 'All 2 target volumes exist already .*: nothing to do\. The wait was skipped' "${SIM_LOG}"
sim_assert_grep 'ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "${SIM_LOG}"
test "$(groups)" = 1
test "$(sim_call ListGroupSnapshots '{}' 'groupSnapshots|length')" = 1

# Check mode with the sources and the group snapshot but no clones: the message says what would be cloned.
for name in demo-db-data-test demo-db-log-test; do
    sim_call DeleteVolume "{\"volumeID\": $(sim_call ListVolumes "{\"volumeName\": \"${name}\"}" volumes.0.volumeID)}" >/dev/null
done
sim_call SimCallLog '{"clear": true}' >/dev/null
sim_playbook "${example}" --check "$@"
sim_assert_grep 'Would clone 2 volumes .* from group snapshot 1 as one group .check mode: nothing was sent.\. The wait was skipped' "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
test "$(groups)" = 0

# Check mode on an empty cluster: nothing is created or cloned.
sim_call SimReset >/dev/null
sim_playbook "${example}" --check "$@"
sim_assert_grep 'Nothing to clone yet .check mode before the first run.\. The wait was skipped' "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
test "$(sim_call ListVolumes '{}' 'volumes|length')" = 0
