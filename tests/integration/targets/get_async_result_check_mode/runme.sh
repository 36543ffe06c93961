#!/usr/bin/env bash
# Check mode reads once, never waits, never releases.
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook check_mode.yml "$@"

# The whole playbook in --check: handles made here, outside Ansible.
done_handle=$(sim_call SimCreateJob '{"seconds": 0, "result": {"cloneID": 9, "message": "Clone complete.", "volumeID": 99}}' | sim_json 'j["asyncHandle"]')
running_handle=$(sim_call SimCreateJob '{"seconds": null}' | sim_json 'j["asyncHandle"]')
sim_call SimCallLog '{"clear": true}' >/dev/null
sim_playbook check_cli.yml --check -e "done_handle=${done_handle} running_handle=${running_handle}" "$@"

# Exactly two reads were sent, both with keepResult true, and the finished handle still exists.
log=$(sim_call SimCallLog)
test "$(printf '%s' "${log}" | sim_json '[(c["method"], c["params"]["asyncHandle"], c["params"]["keepResult"]) for c in j["calls"]]')" \
    = "[[\"GetAsyncResult\", ${done_handle}, true], [\"GetAsyncResult\", ${running_handle}, true]]"
test "$(sim_call GetAsyncResult "{\"asyncHandle\": ${done_handle}, \"keepResult\": true}" | sim_json 'j["result"]["volumeID"]')" = 99
