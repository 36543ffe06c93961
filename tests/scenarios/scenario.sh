# shellcheck shell=bash
# shellcheck disable=SC2034  # venv, work, python, top and started are the caller's variables
# Sourced by the run.sh of every scenario (tests/scenarios/*/run.sh VENV WORK_DIR):
#
#   . "$(dirname "$0")/../scenario.sh"
#   scenario_init NAME VENV WORK_DIR TOOL...   # checks VENV/bin/TOOL..., cds to the collection root; sets venv,
#                                              # work, python, top (absolute paths) and started
#   scenario_install                           # builds this collection with VENV's ansible-galaxy and installs it
#                                              # into WORK_DIR/collections (ANSIBLE_COLLECTIONS_PATH)
#   scenario_fail MESSAGE                      # NAME: MESSAGE on stderr, exit 1
#   scenario_end RC LOG                        # prints LOG, fails when RC is not 0 or the simulator's password
#                                              # is in LOG (keeping the simulator's log), else says it passed

scenario_fail() {
    echo "${scenario_name}: $*" >&2
    exit 1
}

scenario_init() {
    scenario_name=${1:?}
    venv=${2:?usage: run.sh VENV WORK_DIR}
    work=${3:?usage: run.sh VENV WORK_DIR}
    shift 3
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    cd "$top" || exit 1
    venv=$(cd "$venv" && pwd)
    mkdir -p "$work"
    work=$(cd "$work" && pwd)
    python="$venv/bin/python"
    local tool
    for tool in python "$@"; do
        [ -x "$venv/bin/$tool" ] || scenario_fail "$venv/bin/$tool is missing"
    done
    started=$SECONDS
}

scenario_install() {
    local galaxy="$venv/bin/ansible-galaxy" staged
    rm -rf "$work/collections" "$work/dist"
    mkdir -p "$work/dist" "$work/collections"
    echo "== build and install solidfire.element with $("$galaxy" --version | head -n 1)"
    staged=$(hack/stage.sh "$work/stage")
    "$galaxy" collection build --force --output-path "$work/dist" "$staged" >/dev/null
    ANSIBLE_COLLECTIONS_PATH="$work/collections" "$galaxy" collection install --offline --force \
        -p "$work/collections" "$work"/dist/solidfire-element-*.tar.gz >/dev/null
    export ANSIBLE_COLLECTIONS_PATH="$work/collections"
}

scenario_end() {
    local rc=$1 log=$2
    echo "----- $(basename "$log")"
    cat "$log"
    echo "-----"
    sim_assert_no_grep "$SIM_PASSWORD" "$log" || rc=1
    if [ "$rc" -ne 0 ]; then
        cp "$SIM_DIR/stderr" "$work/simulator.log" 2>/dev/null || true
        scenario_fail "FAILED (logs in $work)"
    fi
    echo "${scenario_name}: passed in $((SECONDS - started)) s"
}
