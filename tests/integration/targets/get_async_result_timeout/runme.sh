#!/usr/bin/env bash
# A job that outlives wait_timeout: the task fails with the last state, leaves the handle alone, and a re-run resumes.
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook timeout.yml "$@"
