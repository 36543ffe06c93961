# shellcheck shell=bash
# Sourced by the runme.sh of every get_async_result_* target:
#
#   source ../setup_simulator/simulator.sh
#   sim_start [extra run.py flags]      # starts the Element API simulator over HTTPS on 127.0.0.1
#   sim_call METHOD '{json params}' [PATH]  # prints the JSON result of one call (Sim* control methods too),
#                                       # or the value PATH selects in it (tests/simulator/simquery.py)
#   sim_pick PATH < json                # the value PATH selects in other JSON
#   sim_playbook PLAYBOOK [args...]     # ansible-playbook with this target's inventory, output tee'd to a log
#
# sim_start (through tests/simulator/launch.py) exports SOLIDFIRE_HOSTNAME/USERNAME/PASSWORD/CA_PATH for the
# modules under test, the sim_call lookup and the solidfire_test_local connection (ansible_connection=solidfire_test_local runs modules on the "target",
# this machine, as for a real remote host), and SIM_URL,
# SIM_CA, SIM_USERNAME, SIM_PASSWORD, SIM_INVENTORY for the tests' own control calls (tests may change
# SOLIDFIRE_* freely; the SIM_* values keep reaching the simulator). An EXIT trap stops the simulator.

_sim_xtrace_off() {
    # Callers run with set -x; keep the credentials out of the trace while these helpers work.
    case $- in *x*) _SIM_XTRACE=1; set +x ;; *) _SIM_XTRACE= ;; esac
}

_sim_xtrace_restore() {
    if [ -n "${_SIM_XTRACE}" ]; then set -x; fi
}

_sim_find_root() {
    # The collection root: the first directory above this file with galaxy.yml and the simulator. ansible-test
    # copies targets into tests/output/.tmp/integration/<target>-<random>/ inside the collection, so walking up
    # from there finds the collection itself.
    local dir
    dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    while [ "${dir}" != "/" ]; do
        if [ -f "${dir}/galaxy.yml" ] && [ -f "${dir}/tests/simulator/run.py" ]; then
            printf '%s\n' "${dir}"
            return 0
        fi
        dir=$(dirname "${dir}")
    done
    echo "simulator.sh: no collection root (galaxy.yml + tests/simulator/run.py) above ${BASH_SOURCE[0]}" >&2
    return 1
}

SIM_SETUP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIM_ROOT=$(_sim_find_root)
SIM_PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
export SIM_SETUP_DIR SIM_ROOT SIM_PYTHON

sim_stop() {
    if [ -n "${SIM_PID:-}" ] && kill -0 "${SIM_PID}" 2>/dev/null; then
        kill "${SIM_PID}" 2>/dev/null || true
        # A clean stop takes well under a second; never let a stuck simulator hang the suite.
        local waited=0
        while kill -0 "${SIM_PID}" 2>/dev/null && [ "${waited}" -lt 50 ]; do
            sleep 0.1
            waited=$((waited + 1))
        done
        kill -9 "${SIM_PID}" 2>/dev/null || true
        wait "${SIM_PID}" 2>/dev/null || true
    fi
    SIM_PID=
    if [ -n "${SIM_DIR:-}" ] && [ -d "${SIM_DIR}" ]; then
        rm -rf "${SIM_DIR}"
    fi
}

sim_start() {
    # sim_start [run.py flags]: tests/simulator/launch.py starts the simulator and writes its environment (what the
    # simulator's ready line says: URL, credentials, CA), which is sourced here.
    _sim_xtrace_off
    SIM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/element-sim.XXXXXX")
    trap sim_stop EXIT
    # The launcher stays as the simulator's parent (SIM_PID); in a process substitution it is this shell's child.
    local ready='' fd
    exec {fd}< <(exec "${SIM_PYTHON}" "${SIM_ROOT}/tests/simulator/launch.py" --env-file "${SIM_DIR}/env" \
        --log "${SIM_DIR}/stderr" -- --tls-dir "${SIM_DIR}" "$@")
    SIM_PID=$!
    read -r -u "${fd}" ready || true
    exec {fd}<&-
    if [ "${ready}" != ready ]; then
        echo "simulator.sh: the simulator did not start" >&2
        _sim_xtrace_restore
        return 1
    fi
    # SIM_PID, SIM_URL, SIM_USERNAME, SIM_PASSWORD, SIM_CA and SOLIDFIRE_HOSTNAME/USERNAME/PASSWORD/CA_PATH
    # shellcheck source=/dev/null
    . "${SIM_DIR}/env"
    SIM_INVENTORY="${SIM_DIR}/inventory"
    export SIM_DIR SIM_INVENTORY
    # the sim_call lookup (control calls made on the controller), and the solidfire_test_local connection: a host
    # that action plugins treat as remote, so the module runs "on the target" (this machine)
    export ANSIBLE_LOOKUP_PLUGINS="${SIM_SETUP_DIR}/lookup_plugins"
    export ANSIBLE_CONNECTION_PLUGINS="${SIM_SETUP_DIR}/connection_plugins"
    # Tests must not pick up a developer's or CI's own settings.
    unset SOLIDFIRE_PORT SOLIDFIRE_API_VERSION SOLIDFIRE_VALIDATE_CERTS REQUESTS_CA_BUNDLE CURL_CA_BUNDLE
    printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "${SIM_PYTHON}" >"${SIM_INVENTORY}"
    echo "simulator ready at ${SIM_URL} (pid ${SIM_PID})"
    _sim_xtrace_restore
}

sim_call() {
    # sim_call METHOD ['{json params}' [PATH]]: prints the JSON result, or with PATH only the value PATH selects in
    # it (the path syntax of tests/simulator/simquery.py, e.g. 'calls[?method==GetAsyncResult]|length'). Non-zero
    # exit on an API or HTTP error. simctl.py reaches the simulator with SIM_URL, SIM_CA, SIM_USERNAME and
    # SIM_PASSWORD from the environment (so `SIM_PASSWORD=other sim_call ...` works, and no password is in argv).
    _sim_xtrace_off
    echo "+ sim_call $*" >&2
    local rc=0 params='{}' query=()
    if [ $# -ge 2 ]; then params=$2; fi
    if [ $# -ge 3 ]; then query=(--query "$3"); fi
    "${SIM_PYTHON}" "${SIM_ROOT}/tests/simulator/simctl.py" "${query[@]}" "$1" "${params}" || rc=$?
    _sim_xtrace_restore
    return "${rc}"
}

sim_pick() {
    # sim_pick PATH < json: the value PATH selects (simquery.py syntax), for JSON that is not a call's answer.
    "${SIM_PYTHON}" "${SIM_ROOT}/tests/simulator/simquery.py" "$1"
}

sim_playbook() {
    # sim_playbook PLAYBOOK [ansible-playbook args...]: output goes to the terminal and to ${SIM_LOG}.
    # With SIM_MEASURE=FILE set, FILE gets "<wall seconds> <peak RSS KiB of the largest process of the run>".
    SIM_LOG="${OUTPUT_DIR:-${SIM_DIR}}/$(basename "$1" .yml).log"
    export SIM_LOG
    local measure=()
    if [ -n "${SIM_MEASURE:-}" ]; then measure=("${SIM_PYTHON}" "${SIM_SETUP_DIR}/measure.py" "${SIM_MEASURE}"); fi
    "${measure[@]}" ansible-playbook -i "${SIM_INVENTORY}" "$@" 2>&1 | tee "${SIM_LOG}"
    return "${PIPESTATUS[0]}"
}

sim_assert_grep() {
    # sim_assert_grep PATTERN FILE: fail unless the extended regex occurs in the file.
    if ! grep -E -q -- "$1" "$2"; then
        echo "ASSERTION FAILED: /$1/ not found in $2" >&2
        return 1
    fi
}

sim_assert_no_grep() {
    # sim_assert_no_grep FIXED_STRING FILE: fail if the string occurs in the file (without printing it).
    if grep -F -q -- "$1" "$2"; then
        echo "ASSERTION FAILED: a forbidden string occurs in $2 (line numbers: $(grep -F -n -- "$1" "$2" | cut -d: -f1 | paste -sd, -))" >&2
        return 1
    fi
}
