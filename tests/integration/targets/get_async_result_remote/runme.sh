#!/usr/bin/env bash
# The module path: over a non-local connection the action plugin executes the module on the target.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 3
sim_playbook remote.yml -vvv "$@"
# The module was transferred and executed, not run in-process (no live progress lines from the controller).
sim_assert_grep 'AnsiballZ_get_async_result\.py' "${SIM_LOG}"
if grep -q '\] handle [0-9]*: complete' "${SIM_LOG}"; then echo "the wait ran in-process" >&2; exit 1; fi
# The module ran with SOLIDFIRE_HOSTNAME=unreachable.invalid in its own environment and still reached the
# simulator: the controller's validated options were passed to it.
sim_assert_grep 'SOLIDFIRE_HOSTNAME=unreachable.invalid' "${SIM_LOG}"
sim_assert_no_grep "${SIM_PASSWORD}" "${SIM_LOG}"
