#!/usr/bin/env bash
# 100 concurrent waits on one simulator: an inventory of 100 local hosts, 25 forks, one handle each.
set -eux
source ../setup_simulator/simulator.sh
sim_start

# 100 jobs of 3 to 7 s, and an inventory with one host per job.
inventory="${SIM_DIR}/waiters"
"${SIM_PYTHON}" - 100 >"${inventory}" <<'PY'
import os
import sys

sys.path.insert(0, os.path.join(os.environ["SIM_ROOT"], "tests", "simulator"))
import simctl  # noqa: E402

endpoint = os.environ["SIM_URL"] + "/json-rpc/12.3"
auth = (os.environ["SIM_USERNAME"], os.environ["SIM_PASSWORD"])
print("[waiters]")
for i in range(int(sys.argv[1])):
    params = {"seconds": 3 + i % 5, "result": {"cloneID": i, "message": "Clone complete.", "volumeID": 5000 + i}}
    handle = simctl.call(endpoint, "SimCreateJob", params, ca=os.environ["SIM_CA"], auth=auth)["result"]["asyncHandle"]
    print("w%03d handle=%d expected_volume=%d" % (i, handle, 5000 + i))
print("[waiters:vars]")
print("ansible_connection=local")
print("ansible_python_interpreter=" + os.environ["SIM_PYTHON"])
PY
sim_call SimCallLog '{"clear": true}' >/dev/null

SIM_INVENTORY=${inventory} ANSIBLE_FORKS=25 sim_playbook concurrency.yml "$@"
