#!/usr/bin/env bash
# Check mode reads once, never waits, never releases.
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook check_mode.yml "$@"

# The whole playbook in --check: handles made here, outside Ansible.
done_handle=$(sim_call SimCreateJob '{"seconds": 0, "result": {"cloneID": 9, "message": "Clone complete.", "volumeID": 99}}' asyncHandle)
running_handle=$(sim_call SimCreateJob '{"seconds": null}' asyncHandle)
sim_call SimCallLog '{"clear": true}' >/dev/null
sim_playbook check_cli.yml --check -e "done_handle=${done_handle} running_handle=${running_handle}" "$@"

# Exactly two reads were sent, both with keepResult true, and the finished handle still exists.
log=$(sim_call SimCallLog)
test "$(sim_pick calls.method <<<"${log}")" = '["GetAsyncResult", "GetAsyncResult"]'
test "$(sim_pick calls.params.asyncHandle <<<"${log}")" = "[${done_handle}, ${running_handle}]"
test "$(sim_pick calls.params.keepResult <<<"${log}")" = '[true, true]'
test "$(sim_call GetAsyncResult "{\"asyncHandle\": ${done_handle}, \"keepResult\": true}" result.volumeID)" = 99
