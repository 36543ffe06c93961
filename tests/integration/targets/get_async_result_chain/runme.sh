#!/usr/bin/env bash
# AddAccount + CreateVolume + CloneVolume with uri, then wait on the clone's handle in one task.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 8

sim_playbook chain.yml "$@"

# The wait printed live progress lines for the handle (the clone runs 8 s, polls start at 0.5 s).
handle=$(sed -n 's/^.*CHAIN_HANDLE=\([0-9][0-9]*\).*$/\1/p' "${SIM_LOG}" | head -n 1)
test -n "${handle}"
sim_assert_grep "handle ${handle}: running" "${SIM_LOG}"
sim_assert_grep "handle ${handle}: complete" "${SIM_LOG}"
sim_assert_grep "handle ${handle}: released" "${SIM_LOG}"
# One "running" line per change (percentComplete moves), not one per task retry: no FAILED - RETRYING.
if grep -q 'RETRYING' "${SIM_LOG}"; then echo "unexpected task retries" >&2; exit 1; fi
