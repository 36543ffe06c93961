#!/usr/bin/env bash
# No handle (omitted, null, empty string, empty list): the task is skipped and nothing is sent.
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook skip.yml "$@"
