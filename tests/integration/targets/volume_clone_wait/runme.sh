#!/usr/bin/env bash
# volume_clone with wait: true clones and waits in one task, returning the same per-handle fields as
# get_async_result; the call log shows every poll with keepResult true and one release.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 3
sim_playbook wait.yml "$@"
