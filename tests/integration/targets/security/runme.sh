#!/usr/bin/env bash
# Security: the password never appears in anything a run prints or writes (-vvvv output, JSON-format results,
# the log file, the tree and junit callback files), whichever way it is given and whatever fails, on the
# controller path and on the module path; not even when the cluster echoes it back. Hostile inputs are refused
# before any request (security.yml). TLS: ca_path as a task option works, verification is on by default on the
# module path too.
set -eux
source ../setup_simulator/simulator.sh
# quotes, a backslash and a space: escaping must not let a variant through
password='Kq7"Zx\ -Secr3t-Token-5b1e'
wrong_password='Wr0ng"\-Token-88aa'
# a password that latin-1 cannot encode (requests encodes Basic credentials as latin-1)
euro_password='Eur0-€-Token-41d7'
# the S3 secret of the backups and restores (no_log; the cluster echoes it in their jobs)
export SEC_S3_SECRET='S3"Sec\ret-Token-7f3c'
sim_start --password "${password}"
# every run below names its CA as a task option, except the one that must fail without it
unset SOLIDFIRE_CA_PATH

out="${OUTPUT_DIR:-${SIM_DIR}}/security-out"
rm -rf "${out}"
mkdir -p "${out}/tree" "${out}/junit"
export ANSIBLE_LOG_PATH="${out}/ansible.log"
export ANSIBLE_CALLBACKS_ENABLED=ansible.builtin.tree,ansible.builtin.junit
export ANSIBLE_CALLBACK_TREE_DIR="${out}/tree" JUNIT_OUTPUT_DIR="${out}/junit"
export ANSIBLE_CALLBACK_RESULT_FORMAT=json

failed=()
run() {
    # run NAME PATH CASES: one leaks.yml run at -vvvv over a set of its cases (env, arg or wrong); its output
    # goes to ${out}/NAME.out
    local name=$1
    if ! ansible-playbook -i "${SIM_INVENTORY}" leaks.yml -vvvv -e "exec_path=$2" -e "cases=$3" >"${out}/${name}.out" 2>&1; then
        grep -a -A3 'assertion' "${out}/${name}.out" >&2 || tail -n 20 "${out}/${name}.out" >&2
        failed+=("${name}")
    fi
    if grep -a -q 'Traceback' "${out}/${name}.out"; then
        echo "${name}: a traceback in the output" >&2
        failed+=("${name}: traceback")
    fi
}

for path in controller module; do
    # the password from SOLIDFIRE_PASSWORD: a plain wait, an echoing cluster, no CA, validate_certs false
    run "${path}-env" "${path}" env
    # the password as a task option (the environment has none)
    SEC_TASK_PASSWORD=${password} SOLIDFIRE_PASSWORD='' run "${path}-arg" "${path}" arg
    # a wrong password, from the environment and as a task option
    SOLIDFIRE_PASSWORD=${wrong_password} run "${path}-env-wrong" "${path}" wrong
    SEC_TASK_PASSWORD=${wrong_password} run "${path}-arg-wrong" "${path}" wrong
done

# A password latin-1 cannot encode: sent as UTF-8 (RFC 7617), it authenticates and never shows.
sim_call SimSetCredentials "$(printf '{"username": "%s", "password": "%s"}' "${SIM_USERNAME}" "${euro_password}")" >/dev/null
SIM_PASSWORD=${euro_password} SEC_TASK_PASSWORD=${euro_password} run controller-euro controller arg
SIM_PASSWORD=${euro_password} SEC_TASK_PASSWORD=${euro_password} run module-euro module arg
SIM_PASSWORD=${euro_password} sim_call SimReset >/dev/null

set +x
# Every byte of every file: the passwords, their core (survives any escaping: it is plain ASCII), JSON-escaped
# forms, and the Basic auth header value.
needles=("${password}" "${wrong_password}" "${euro_password}" 'Secr3t-Token-5b1e' 'Wr0ng' 'Eur0-' \
    "${SEC_S3_SECRET}" 'ret-Token-7f3c' \
    "$(printf '%s:%s' "${SIM_USERNAME}" "${password}" | base64 -w0)" "$(printf '%s:%s' "${SIM_USERNAME}" "${wrong_password}" | base64 -w0)")
leaks=0
for needle in "${needles[@]}"; do
    if grep -r -a -F -l -- "${needle}" "${out}"; then
        echo "LEAK: a password form (needle #$(( $(printf '%s\n' "${needles[@]}" | grep -n -F -x -- "${needle}" | head -1 | cut -d: -f1) ))) occurs in the files above" >&2
        leaks=1
    fi
done
[ "$(find "${out}/tree" -type f | wc -l)" -ge 1 ] || { echo "the tree callback wrote nothing" >&2; exit 1; }
[ "$(find "${out}/junit" -type f | wc -l)" -ge 1 ] || { echo "the junit callback wrote nothing" >&2; exit 1; }
# the runs did see the echoed password, redacted
sim_assert_grep 'password=\*\*\*\*\*\*\*\*' "${out}/controller-env.out"
for module in get_async_result volume_clone volume_copy group_clone volume_backup volume_restore drives; do
    sim_assert_grep "AnsiballZ_${module}" "${out}/module-env.out"
done
set -x

unset ANSIBLE_LOG_PATH ANSIBLE_CALLBACKS_ENABLED ANSIBLE_CALLBACK_RESULT_FORMAT
sim_playbook security.yml "$@" || failed+=("hostile input")

set +x
[ "${leaks}" -eq 0 ] || failed+=("password leak")
if [ "${#failed[@]}" -ne 0 ]; then
    printf 'security: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "security: every check passed"
