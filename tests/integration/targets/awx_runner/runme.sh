#!/usr/bin/env bash
# A wait run through ansible-runner the way AWX runs a job template: the connection comes only from env/envvars,
# rendered from extensions/awx/credential_type.yml with AWX's injector rules; the collection is found through
# ANSIBLE_COLLECTIONS_PATH; the source volume comes in env/extravars. Then, from the job events (check_events.py):
# progress lines are verbose events between the task's start and its runner_on_ok, the runner_on_ok result
# carries status/result/timestamps; and no artifact holds the password. Then a second job waits on 200 handles:
# its output stays a few summary lines (check_many_events.py).
set -eux
source ../setup_simulator/simulator.sh
password='Awx-Runner-Secr3t-7f2c'
sim_start --job-seconds 8 --password "${password}"

here=$(pwd)
python=${SIM_PYTHON}
"${python}" -c 'import ansible_runner' || { echo "ansible-runner is missing: tests/integration/requirements.txt" >&2; exit 1; }

# An account and a source volume; wait.yml clones it (clone jobs run 8 s).
account=$(sim_call AddAccount '{"username": "awx-runner"}' accountID)
volume=$(sim_call CreateVolume "{\"name\": \"awx-src\", \"accountID\": ${account}, \"totalSize\": 1073741824}" \
    volumeID)

# The private data dir an AWX job gets.
pdd="${OUTPUT_DIR:-${SIM_DIR}}/awx-runner"
rm -rf "${pdd}"
mkdir -p "${pdd}/env" "${pdd}/project" "${pdd}/inventory"
cp wait.yml "${pdd}/project/"
printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "${python}" > "${pdd}/inventory/hosts"
printf 'awx_source_volume_id: %s\n' "${volume}" > "${pdd}/env/extravars"

# env/envvars from the credential type, with the inputs an admin would type in (the CA pasted as PEM).
credential_type="${SIM_ROOT}/extensions/awx/credential_type.yml"
_sim_xtrace_off
inputs=$("${python}" -c 'import json, sys; print(json.dumps({"host": sys.argv[1], "username": sys.argv[2],
    "password": sys.argv[3], "validate_certs": True, "ca": open(sys.argv[4]).read()}))' \
    "${SOLIDFIRE_HOSTNAME}" "${SIM_USERNAME}" "${SIM_PASSWORD}" "${SIM_CA}")
"${python}" render_injectors.py "${credential_type}" "${pdd}" "${inputs}"
# The same type with an empty CA field must leave SOLIDFIRE_CA_PATH empty ("not set"), not name an empty file;
# an unset validate_certs box renders False (AWX's rule for booleans), which is why the field defaults to true.
scratch=$(mktemp -d)
rendered=$("${python}" render_injectors.py "${credential_type}" "${scratch}" \
    "$(printf '{"host": "h", "username": "u", "password": "%s"}' "${SIM_PASSWORD}")")
rm -rf "${scratch}"
_sim_xtrace_restore
test "$(sim_pick SOLIDFIRE_CA_PATH <<<"${rendered}")" = "" || { echo "empty ca gave a CA path" >&2; exit 1; }
test "$(sim_pick SOLIDFIRE_VALIDATE_CERTS <<<"${rendered}")" = False || { echo "unset boolean not False" >&2; exit 1; }

collections_path=$(cd "${SIM_ROOT}/../../.." && pwd)
printf 'ANSIBLE_COLLECTIONS_PATH: %s\n' "${collections_path}" >> "${pdd}/env/envvars"
"${python}" - "${pdd}/env/envvars" <<'PY'
import sys, yaml
env = yaml.safe_load(open(sys.argv[1]))
want = {'SOLIDFIRE_HOSTNAME', 'SOLIDFIRE_USERNAME', 'SOLIDFIRE_PASSWORD', 'SOLIDFIRE_VALIDATE_CERTS',
        'SOLIDFIRE_CA_PATH', 'ANSIBLE_COLLECTIONS_PATH'}
assert set(env) == want, sorted(env)
assert env['SOLIDFIRE_VALIDATE_CERTS'] == 'True', env['SOLIDFIRE_VALIDATE_CERTS']
assert open(env['SOLIDFIRE_CA_PATH']).read().startswith('-----BEGIN CERTIFICATE-----')
PY

# Only envvars may supply the connection: ansible-runner starts from this process's environment.
unset SOLIDFIRE_HOSTNAME SOLIDFIRE_USERNAME SOLIDFIRE_PASSWORD SOLIDFIRE_CA_PATH SOLIDFIRE_VALIDATE_CERTS \
    SOLIDFIRE_PORT SOLIDFIRE_API_VERSION
rc=0
"${python}" -m ansible_runner run "${pdd}" -p wait.yml --ident job1 >"${pdd}/runner.out" 2>&1 || rc=$?
sed 's/^/runner: /' "${pdd}/runner.out"
test "${rc}" -eq 0
artifacts="${pdd}/artifacts/job1"
test "$(cat "${artifacts}/status")" = successful
test "$(cat "${artifacts}/rc")" = 0

"${python}" "${here}/check_events.py" "${artifacts}"

# The password is in no job event, no stdout/stderr and no other artifact. ansible-runner itself writes the
# job's whole environment (envvars included) into artifacts/<ident>/command (mode 0600) before ansible starts;
# that file is checked to hold it only there, in "env".
test -s "${artifacts}/stdout"
_sim_xtrace_off
for f in $(find "${artifacts}" -type f ! -path "${artifacts}/command") "${pdd}/runner.out"; do
    sim_assert_no_grep "${password}" "${f}"
done
_sim_xtrace_restore
"${python}" - "${artifacts}/command" "${password}" <<'PY'
import json, sys
command = json.load(open(sys.argv[1]))
command.pop('env')
assert sys.argv[2] not in json.dumps(command), 'password outside env in the command artifact'
PY
# A second job: one wait on 200 handles. Its output in AWX is summary lines, not a line per handle per change.
count=200
"${python}" - "${count}" "${pdd}/env/extravars" "${volume}" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ['SIM_ROOT'], 'tests', 'simulator'))
from simctl import call
count, extravars, volume = int(sys.argv[1]), sys.argv[2], sys.argv[3]
url = os.environ['SIM_URL'] + '/json-rpc/12.3'
auth = (os.environ['SIM_USERNAME'], os.environ['SIM_PASSWORD'])
handles = []
for index in range(count):
    answer = call(url, 'SimCreateJob', {'seconds': 2 + index % 5, 'result': {'cloneID': index, 'volumeID': 7000 + index,
                                        'message': 'Clone complete.'}}, auth=auth, ca=os.environ['SIM_CA'])
    handles.append(answer['result']['asyncHandle'])
with open(extravars, 'w') as stream:
    stream.write('awx_source_volume_id: %s\nawx_handles: %s\n' % (volume, handles))
PY
cp many.yml "${pdd}/project/"
rc=0
"${python}" -m ansible_runner run "${pdd}" -p many.yml --ident job2 >"${pdd}/runner-many.out" 2>&1 || rc=$?
sed 's/^/runner: /' "${pdd}/runner-many.out"
test "${rc}" -eq 0
test "$(cat "${pdd}/artifacts/job2/status")" = successful
"${python}" "${here}/check_many_events.py" "${pdd}/artifacts/job2" "${count}"
_sim_xtrace_off
for f in $(find "${pdd}/artifacts/job2" -type f ! -path "${pdd}/artifacts/job2/command") "${pdd}/runner-many.out"; do
    sim_assert_no_grep "${password}" "${f}"
done
_sim_xtrace_restore
echo "awx_runner: ok"
