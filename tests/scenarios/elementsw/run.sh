#!/usr/bin/env bash
# netapp.elementsw's modules, unmodified, and solidfire.element against the simulator (make elementsw-scenario).
#   tests/scenarios/elementsw/run.sh VENV WORK_DIR
# VENV holds ansible==9.13.0 (ansible-core 2.16, which bundles netapp.elementsw 21.7.0) and solidfire-sdk-python;
# the collection never depends on either. This script builds solidfire.element with that ansible-galaxy, installs it
# into WORK_DIR/collections (next to the bundled netapp.elementsw), starts the simulator and runs playbook.yml.
#
# The netapp modules talk to port 443 and their info module to the node API on port 442 of the same host, with no
# option to change either, so the simulator listens on exactly those ports, on a loopback address of its own
# (127.x.y.z, chosen free) so that it meets nothing else. Ports below 1024 need root (or
# net.ipv4.ip_unprivileged_port_start <= 442). Exits non-zero when anything fails, and when the password shows up in
# the playbook's output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/../scenario.sh"
venv="" work="" python="" top=""  # set by scenario_init
scenario_init elementsw-scenario "${1:-}" "${2:-}" ansible-playbook ansible-galaxy
"$python" -c 'import solidfire.factory' 2>/dev/null || scenario_fail "no SolidFire SDK in $venv"

rm -f "$work/playbook.log" "$work/simulator.log"
scenario_install
"$venv/bin/ansible-galaxy" collection list 2>/dev/null | grep -E '^(netapp\.elementsw|solidfire\.element) ' \
    | sed 's/^/   /'

host=$("$python" "$here/free_loopback.py" 443 442) || {
    echo "elementsw-scenario: cannot listen on ports 443 and 442 of a loopback address; run as root, or allow" \
         "it with: sysctl net.ipv4.ip_unprivileged_port_start=442" >&2
    exit 1
}
password=$("$python" -c 'import secrets; print("sim-" + secrets.token_urlsafe(12))')

# the integration tests' simulator helpers: sim_start (launch.py, its environment sourced, stopped on exit)
# shellcheck source=/dev/null
. "$top/tests/integration/targets/setup_simulator/simulator.sh"
export SIM_PYTHON="$python"
trap 'exit 130' INT TERM

echo "== simulator on $host: cluster API on port 443, node API on port 442"
sim_start --host "$host" --port 443 --node-port 442 --job-seconds 8 --password "$password" || {
    cat "$SIM_DIR/stderr" >&2 2>/dev/null || true
    exit 1
}
export ELEMENT_HOST="$host"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_PYTHON_INTERPRETER="$python"

echo "== ansible-playbook tests/scenarios/elementsw/playbook.yml"
rc=0
"$venv/bin/ansible-playbook" -i localhost, "$here/playbook.yml" > "$work/playbook.log" 2>&1 || rc=$?
scenario_end "$rc" "$work/playbook.log"
