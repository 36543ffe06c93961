#!/usr/bin/env bash
# Ten clones started in a loop, then ONE get_async_result task on all their handles: one ListAsyncResults per
# poll round, one GetAsyncResult keepResult true per handle once it completed, one release per handle.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 10
# Element allows 2 running clones per source volume; here all ten run at once so the wait sees them together.
sim_call SimConfigure '{"maxClonesPerVolume": 10}' >/dev/null
account=$(sim_call AddAccount '{"username": "many-account"}' accountID)
sim_call CreateVolume "{\"name\": \"many-src\", \"accountID\": ${account}, \"totalSize\": 1073741824}" >/dev/null
sim_playbook many.yml "$@"
