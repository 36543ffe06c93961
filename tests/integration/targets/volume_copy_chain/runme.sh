#!/usr/bin/env bash
# volume_copy -> get_async_result: a copy and its wait; the same task after the copy finished copies again (a copy
# is an action); --check sends no CopyVolume; a re-run while the copy runs adopts it (check mode says it would),
# and a copy from another source onto the same target fails; bad targets fail clearly; a failed copy job fails the
# wait; a snapshot copy waits in the same task with progress lines. The call log counts every CopyVolume.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 6

account=$(sim_call AddAccount '{"username": "copy-account"}' accountID)
volume() { sim_call CreateVolume "{\"name\": \"$1\", \"accountID\": ${account}, \"totalSize\": $2}" volumeID; }
src=$(volume copy-prod 1073741824)
dst=$(volume copy-test 1073741824)
volume copy-other 1073741824 >/dev/null
volume copy-small 536870912 >/dev/null
sim_call SimCallLog '{"clear": true}' >/dev/null
copies() { sim_call SimCallLog '{}' 'calls[?method==CopyVolume]|length'; }
ids=(-e "src_id=${src}" -e "dst_id=${dst}")

sim_playbook chain.yml -e expect=new "${ids[@]}" "$@"
test "$(copies)" = 1
sim_playbook chain.yml -e expect=again "${ids[@]}" "$@"
test "$(copies)" = 2
sim_playbook chain.yml --check -e expect=check "${ids[@]}" "$@"
test "$(copies)" = 2

sim_call SimCallLog '{"clear": true}' >/dev/null
sim_playbook rerun_running.yml "$@"
# one copy for the whole play: the check-mode run, the re-run and the waiting run adopted it; the other source
# never reached CopyVolume
test "$(copies)" = 1

sim_call SimCallLog '{"clear": true}' >/dev/null
sim_playbook failures.yml "$@"
# the size mismatch reached the cluster (it decides); the missing target and the copy onto itself did not
test "$(copies)" = 2

snapshot=$(sim_call CreateSnapshot "{\"volumeID\": ${src}}" snapshotID)
sim_playbook snapshot_wait.yml -e "snapshot_id=${snapshot}" "$@"
sim_assert_grep "^\[localhost\] Started copying snapshot ${snapshot} of volume ${src} \('copy-prod'\) onto volume ${dst}" "${SIM_LOG}"
sim_assert_grep "^\[localhost\] handle [0-9]+ \(clone [0-9]+ -> volume ${dst}\): [0-9]+%" "${SIM_LOG}"
sim_assert_grep "^\[localhost\] handle [0-9]+: released" "${SIM_LOG}"

# The module path: over a non-local connection the action plugin executes the module on the target.
sim_playbook remote.yml -vvv "$@"
sim_assert_grep 'AnsiballZ_volume_copy\.py' "${SIM_LOG}"
sim_assert_no_grep "${SIM_PASSWORD}" "${SIM_LOG}"
