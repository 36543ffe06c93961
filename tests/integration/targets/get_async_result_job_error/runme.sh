#!/usr/bin/env bash
# A job that completes with an error object fails the task (or, with fail_on_error: false, is returned).
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook job_error.yml "$@"
