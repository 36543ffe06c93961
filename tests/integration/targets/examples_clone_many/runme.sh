#!/usr/bin/env bash
# docs/examples/clone_many.yml: ten clones of one source (two may run at once, as on Element, so the loop meets
# xMaxClonesPerVolumeExceeded and waits for slots), then ONE get_async_result task on all ten handles.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 1
sim_playbook "${SIM_ROOT}/docs/examples/clone_many.yml" "$@"

test "$(grep -E -c 'handle [0-9]+: complete, volume [0-9]+, created [0-9T:-]+Z, done [0-9T:-]+Z' "${SIM_LOG}")" = 10
sim_assert_grep '10 clones started; waited [0-9.]+ s in [0-9]+ polls' "${SIM_LOG}"
sim_assert_grep 'failed=0' "${SIM_LOG}"
log=$(sim_call SimCallLog)
# Ten clones exist, one per name; one get_async_result task read each handle once with keepResult true
# (after the clone loop, only the wait sends GetAsyncResult) and released it once.
test "$(sim_call ListVolumes '{}' 'volumes[?name*=-clone-].name|unique|length')" = 10
test "$(sim_pick 'calls[?method==GetAsyncResult][?params.keepResult==true]|length' <<<"${log}")" = 10
test "$(sim_pick 'calls[?method==GetAsyncResult][?params.keepResult==false]|length' <<<"${log}")" = 10
