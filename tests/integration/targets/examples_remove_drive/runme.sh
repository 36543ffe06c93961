#!/usr/bin/env bash
# docs/examples/remove_drive_and_wait.yml: the removal of a drive (by its serial) is waited on with progress lines
# from its data movement, the drive is then available; added back, the task waits until its data is in place.
# A second run changes nothing; --check on a fresh cluster sends nothing.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 4
example="${SIM_ROOT}/docs/examples/remove_drive_and_wait.yml"
serial=$(sim_call ListDrives '{}' 'drives[?type==block].serial.0')

sim_playbook "${example}" --check -e "drive=${serial}" "$@"
sim_assert_grep 'Would remove drive [0-9]+' "${SIM_LOG}"
test "$(sim_call SimCallLog '{}' 'calls[?method==RemoveDrives]|length')" = 0

sim_playbook "${example}" -e "drive=${serial}" "$@"
sim_assert_grep 'Started to remove drive [0-9]+ \(serial '"${serial}" "${SIM_LOG}"
sim_assert_grep 'handle [0-9]+ \(data off drive [0-9]+\): [0-9]+%' "${SIM_LOG}"
sim_assert_grep 'handle [0-9]+: complete, ' "${SIM_LOG}"
sim_assert_grep 'The data is in place\.' "${SIM_LOG}"
sim_assert_grep ": active; data moving: False" "${SIM_LOG}"
test "$(sim_call SimCallLog '{}' 'calls[?method==RemoveDrives]|length')" = 1
test "$(sim_call SimCallLog '{}' 'calls[?method==AddDrives]|length')" = 1
test "$(sim_call SimCallLog '{}' 'calls[?params.keepResult==false]|length')" -ge 2
