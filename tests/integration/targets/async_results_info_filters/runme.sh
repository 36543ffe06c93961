#!/usr/bin/env bash
# async_results_info: filters by result type, handle and completion; never purges (no GetAsyncResult is sent,
# and a completed result is still there afterwards); check mode runs it unchanged.
set -eux
source ../setup_simulator/simulator.sh
sim_start

job() { sim_call SimCreateJob "$1" asyncHandle; }
running_clone=$(job '{"resultType": "Clone", "seconds": null}')
done_clone=$(job '{"resultType": "Clone", "seconds": 0, "result": {"cloneID": 7, "message": "Clone complete.", "volumeID": 70}}')
done_bulk=$(job '{"resultType": "BulkVolume", "seconds": 0, "result": {"bvID": 1, "message": "ok", "volumeID": 3}}')
failed_clone=$(job '{"resultType": "Clone", "seconds": 0, "error": {"name": "xCloneFailed", "message": "disk"}}')
sim_call SimCallLog '{"clear": true}' >/dev/null

vars="{\"running_clone\": ${running_clone}, \"done_clone\": ${done_clone}, \"done_bulk\": ${done_bulk}, \"failed_clone\": ${failed_clone}}"
sim_playbook info.yml -e "${vars}" "$@"
sim_playbook info.yml --check -e "${vars}" "$@"

# Only ListAsyncResults was sent: nothing was read, so nothing was purged.
test "$(sim_call SimCallLog '{}' 'calls.method|unique|sort')" = '["ListAsyncResults"]'
# A later GetAsyncResult keepResult true still finds the completed results.
test "$(sim_call GetAsyncResult "{\"asyncHandle\": ${done_clone}, \"keepResult\": true}" result.volumeID)" = 70
test "$(sim_call GetAsyncResult "{\"asyncHandle\": ${failed_clone}, \"keepResult\": true}" error.name)" = xCloneFailed
