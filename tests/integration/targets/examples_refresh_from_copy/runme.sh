#!/usr/bin/env bash
# docs/examples/refresh_from_copy.yml as written: the first run makes the volumes, copies and waits, and shows that
# the copy's result names the source; a second run copies again (a copy is an action); a run while a copy is still
# running adopts it instead of starting a second one; --check copies nothing and says what would be copied.
set -eux
source ../setup_simulator/simulator.sh
example="${SIM_ROOT}/docs/examples/refresh_from_copy.yml"
sim_start --job-seconds 2
copies() { sim_call SimCallLog '{}' 'calls[?method==CopyVolume]|length'; }

sim_playbook "${example}" "$@"
sim_assert_grep "copy: volume 1 onto volume 2 \(demo-test\), clone [0-9]+, changed: True" "${SIM_LOG}"
sim_assert_grep 'handle [0-9]+: complete \(Clone\)' "${SIM_LOG}"
sim_assert_grep "result: \{.*'volumeID': 1.* \(its volumeID is the source volume" "${SIM_LOG}"
sim_assert_grep 'waited [0-9.]+ s in [0-9]+ polls; released: True' "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
test "$(copies)" = 1

# A second run refreshes again.
sim_playbook "${example}" "$@"
sim_assert_grep 'changed: True' "${SIM_LOG}"
test "$(copies)" = 2

# A copy onto the test volume is still running (started beside the playbook): the run adopts and waits for it.
sim_call SimConfigure '{"jobSeconds": 4}' >/dev/null
handle=$(sim_call CopyVolume '{"volumeID": 1, "dstVolumeID": 2}' asyncHandle)
sim_playbook "${example}" "$@"
sim_assert_grep "copy: volume 1 onto volume 2 \(demo-test\), clone [0-9]+, changed: False" "${SIM_LOG}"
sim_assert_grep "handle ${handle}: complete \(Clone\)" "${SIM_LOG}"
test "$(copies)" = 3  # the two runs' copies and the one started beside them

# Check mode: nothing copied, the message says what would be.
sim_playbook "${example}" --check "$@"
sim_assert_grep "Would copy volume 1 \('demo-prod'\) onto volume 2 \('demo-test'\), overwriting its content .check mode: nothing was sent.\. The wait was skipped" "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
test "$(copies)" = 3

# Check mode on an empty cluster: nothing is created or copied.
sim_call SimReset >/dev/null
sim_playbook "${example}" --check "$@"
sim_assert_grep 'The volumes do not exist yet .check mode.\. The wait was skipped' "${SIM_LOG}"
test "$(sim_call ListVolumes '{}' 'volumes|length')" = 0
