#!/usr/bin/env bash
# Credentials: a wrong password fails at once after one request; a password rotated mid-wait fails with the
# credentials message, not a timeout. At -vvvv neither password shows up anywhere in the output.
set -eux
source ../setup_simulator/simulator.sh
real_password='Sim-Real-Pw-4f1c9'
wrong_password='Sim-Wrong-Pw-83b2e'
rotated_password='Sim-Rotated-Pw-7d0a1'
sim_start --password "${real_password}"

WRONG_PASSWORD=${wrong_password} sim_playbook wrong_password.yml -vvvv "$@"
wrong_log=${SIM_LOG}

# A job that never finishes; after 2 s of waiting the cluster password changes.
handle=$(sim_call SimCreateJob '{"seconds": null}' asyncHandle)
sim_call SimCallLog '{"clear": true}' >/dev/null
(
    until sim_call SimCallLog | grep -q '"GetAsyncResult"'; do sleep 0.2; done
    sleep 2
    sim_call SimSetCredentials "{\"username\": \"${SIM_USERNAME}\", \"password\": \"${rotated_password}\"}" >/dev/null
) &
rotator=$!
sim_playbook rotated.yml -vvvv -e "handle=${handle}" "$@"
wait "${rotator}"
rotated_log=${SIM_LOG}
export SIM_PASSWORD="${rotated_password}"

# The wait sent several kept reads, then exactly one request that got 401, and nothing after it.
statuses=$(sim_call SimCallLog '{}' calls.httpStatus)
printf '%s\n' "${statuses}" | "${SIM_PYTHON}" -c 'import json, sys; s = json.load(sys.stdin); assert len(s) >= 3 and s[-1] == 401 and s.count(401) == 1 and set(s[:-1]) == {200}, s'

for log in "${wrong_log}" "${rotated_log}"; do
    sim_assert_grep 'rejected the credentials' "${log}"
    sim_assert_no_grep "${real_password}" "${log}"
    sim_assert_no_grep "${wrong_password}" "${log}"
    sim_assert_no_grep "${rotated_password}" "${log}"
    # base64 of user:password (a Basic auth header) must not leak either
    for pw in "${real_password}" "${wrong_password}" "${rotated_password}"; do
        sim_assert_no_grep "$(printf '%s:%s' "${SIM_USERNAME}" "${pw}" | base64)" "${log}"
    done
done
