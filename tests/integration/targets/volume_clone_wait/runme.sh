#!/usr/bin/env bash
# volume_clone with wait: true clones and waits in one task, returning the same per-handle fields as
# get_async_result; the call log shows every poll with keepResult true and one release. On the local connection
# the task printed live progress lines while it waited, like get_async_result.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 3
sim_playbook wait.yml "$@"

handle=$(sed -n 's/^.*WAIT_CLONE_HANDLE=\([0-9][0-9]*\).*$/\1/p' "${SIM_LOG}" | head -n 1)
test -n "${handle}"
sim_assert_grep "^\[localhost\] Started cloning source volume [0-9]+ into 'wait-clone' .*async handle ${handle}\)" "${SIM_LOG}"
sim_assert_grep "^\[localhost\] handle ${handle}: running" "${SIM_LOG}"
sim_assert_grep "^\[localhost\] handle ${handle}: complete" "${SIM_LOG}"
sim_assert_grep "^\[localhost\] handle ${handle}: released" "${SIM_LOG}"
