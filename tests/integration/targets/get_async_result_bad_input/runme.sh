#!/usr/bin/env bash
# Wrong input fails before any request, with a message that says what is wrong.
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook bad_input.yml "$@"
