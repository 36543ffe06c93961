#!/usr/bin/env bash
# A clone's wait reads the cluster's own progress (ListSyncJobs): progress lines with percentages, bytes and the
# time left, and the end noticed within a second of the job's end, with fewer calls than polling every 2 s.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 12
sim_playbook progress.yml "$@"
sim_assert_grep '^\[localhost\] handle [0-9]+ \(clone [0-9]+ -> volume [0-9]+\): [0-9]+%, [0-9.]+ of 4\.7 GiB, about [0-9]+ s left' "${SIM_LOG}"
sim_assert_no_grep "${SIM_PASSWORD}" "${SIM_LOG}"
