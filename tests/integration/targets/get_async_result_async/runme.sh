#!/usr/bin/env bash
# Ansible's async on the waiting modules: get_async_result with poll: N and with poll: 0 + async_status, and
# volume_clone with wait: true. The module runs in the background on the host (here the controller), its
# built-in wait polls the cluster, and the result comes back as for ansible.builtin.command.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 4
sim_playbook async.yml -v "$@"
# The playbook got to its end (every check ran).
sim_assert_grep 'ASYNC_CHECKS_DONE' "${SIM_LOG}"
# Under async nothing ran in-process: no live progress line of the controller, for any handle.
if grep -E -q '\] handle [0-9]+: complete' "${SIM_LOG}"; then echo "a wait ran in-process under async" >&2; exit 1; fi
if grep -E -q '^\[localhost\] ' "${SIM_LOG}"; then echo "a progress line was printed under async" >&2; exit 1; fi
sim_assert_no_grep "${SIM_PASSWORD}" "${SIM_LOG}"
