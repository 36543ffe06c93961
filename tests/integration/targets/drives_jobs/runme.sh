#!/usr/bin/env bash
# drives as playbooks run it: check mode sends nothing; present adds the two spare drives (one AddDrives), chained
# into get_async_result; a re-run changes nothing; absent refuses what capacity cannot hold, and a drive that fails
# while its data moves off fails the wait naming it (the failure comes from here, while the task waits); erased
# refuses an active drive and erases an available one. The password is in no output (-vvv).
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 3
spare=$(sim_call ListDrives '{}' 'drives[?status==available].driveID')
victim=$(sim_call ListDrives '{}' 'drives[?type==block].driveID.1')

(
    # once the removal of the victim has started, it fails mid-way
    until [ "$(sim_call SimCallLog '{}' 'calls[?method==RemoveDrives]|length' 2>/dev/null)" -ge 1 ]; do sleep 0.2; done
    sleep 1
    sim_call SimFailDrive "{\"driveID\": ${victim}}" >/dev/null
) &
failer=$!
sim_playbook drives.yml -vvv -e "{\"spare\": ${spare}, \"victim\": ${victim}}" "$@"
wait "${failer}"
_sim_xtrace_off
sim_assert_no_grep "${SIM_PASSWORD}" "${SIM_LOG}"
_sim_xtrace_restore
# the second run started nothing, and waited for the data the first one's drives still received
sim_assert_grep '\] data onto drives [0-9]+, [0-9]+: [0-9]+%' "${SIM_LOG}"
test "$(sim_call SimCallLog '{}' 'calls[?method==AddDrives]|length')" = 1
test "$(sim_call SimCallLog '{}' 'calls[?method==RemoveDrives]|length')" = 2
test "$(sim_call SimCallLog '{}' 'calls[?method==SecureEraseDrives]|length')" = 1
