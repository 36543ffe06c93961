#!/usr/bin/env bash
# Handles that do not exist (purged, never created; both error names a cluster uses) fail at once.
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook gone.yml "$@"
