#!/usr/bin/env bash
# TLS: without the simulator's CA the certificate check fails at once; validate_certs false works with a warning.
set -eux
source ../setup_simulator/simulator.sh
sim_start
unset SOLIDFIRE_CA_PATH
sim_playbook tls.yml "$@"
sim_assert_grep 'WARNING.*validate_certs is false' "${SIM_LOG}"
