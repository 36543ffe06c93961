#!/usr/bin/env bash
# Transient faults during a wait (5xx, dropped connections, xDBVersionMismatch, xNotPrimary, non-JSON bodies,
# answers slower than http_timeout, an outage): the wait rides them out and returns the right result.
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook transient.yml "$@"
# The retries were reported as they happened.
sim_assert_grep 'transient error, will retry: HTTP 500' "${SIM_LOG}"
sim_assert_grep 'transient error, will retry: HTTP 503' "${SIM_LOG}"
sim_assert_grep 'transient error, will retry: xDBVersionMismatch' "${SIM_LOG}"
sim_assert_grep 'transient error, will retry: xNotPrimary' "${SIM_LOG}"
sim_assert_grep 'transient error, will retry: .*http_timeout' "${SIM_LOG}"
sim_assert_grep 'transient error, will retry: .*not JSON' "${SIM_LOG}"
