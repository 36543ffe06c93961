#!/usr/bin/env bash
# group_clone -> get_async_result: a group clone and its one wait; the same playbook again changes nothing and
# skips the wait; --check sends no CloneMultipleVolumes; a re-run while the group clone runs returns its handle; a
# partial set of names is refused; a failed group clone job fails the wait; a group snapshot is checked, cloned
# into another account and waited on in the same task, with progress lines. The call log counts every request.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 6

account=$(sim_call AddAccount '{"username": "group-account"}' accountID)
other_account=$(sim_call AddAccount '{"username": "group-other-account"}' accountID)
volume() { sim_call CreateVolume "{\"name\": \"$1\", \"accountID\": ${account}, \"totalSize\": 1073741824}" volumeID; }
data=$(volume group-data)
log=$(volume group-log)
volume group-other >/dev/null
sim_call SimCallLog '{"clear": true}' >/dev/null
groups() { sim_call SimCallLog '{}' 'calls[?method==CloneMultipleVolumes]|length'; }
ids=(-e "data_id=${data}" -e "log_id=${log}")

sim_playbook chain.yml -e expect=new "${ids[@]}" "$@"
test "$(groups)" = 1
test "$(sim_call SimCallLog '{}' 'calls[?method==CloneMultipleVolumes].0.params.volumes.1.access')" = readOnly
test "$(sim_call ListVolumes '{"volumeName": "group-log-test"}' volumes.0.access)" = readOnly
test "$(sim_call ListVolumes '{"volumeName": "group-data-test"}' volumes.0.attributes.role)" = data

sim_playbook chain.yml -e expect=existing "${ids[@]}" "$@"
test "$(groups)" = 1
sim_assert_grep 'ok=[0-9]+ +changed=0 ' "${SIM_LOG}"

sim_playbook chain.yml --check -e expect=check -e suffix=check "${ids[@]}" "$@"
test "$(groups)" = 1
test "$(sim_call ListVolumes '{"volumeName": "group-data-check"}' 'volumes|length')" = 0

sim_playbook rerun_running.yml "$@"
# one group clone for the play: the re-run found it, the partial set never reached the cluster
test "$(groups)" = 2

group_snapshot=$(sim_call CreateGroupSnapshot "{\"volumes\": [${data}, ${log}]}" groupSnapshotID)
sim_call SimCallLog '{"clear": true}' >/dev/null
sim_playbook snapshot_wait.yml -e "group_snapshot_id=${group_snapshot}" -e "other_account=${other_account}" "$@"
test "$(groups)" = 1
test "$(sim_call SimCallLog '{}' 'calls[?method==CloneMultipleVolumes].params.groupSnapshotID')" = "[${group_snapshot}]"
test "$(sim_call ListVolumes '{"volumeName": "snap-log"}' volumes.0.accountID)" = "${other_account}"
sim_assert_grep "^\[localhost\] Started cloning 2 volumes .* from group snapshot ${group_snapshot} as group clone [0-9]+" "${SIM_LOG}"
sim_assert_grep "^\[localhost\] handle [0-9]+ \(group clone [0-9]+\): [0-9]+%" "${SIM_LOG}"
sim_assert_grep "^\[localhost\] handle [0-9]+: released" "${SIM_LOG}"

# The module path: over a non-local connection the action plugin executes the module on the target.
sim_playbook remote.yml -vvv "$@"
sim_assert_grep 'AnsiballZ_group_clone\.py' "${SIM_LOG}"
sim_assert_no_grep "${SIM_PASSWORD}" "${SIM_LOG}"
