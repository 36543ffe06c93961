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
# net.ipv4.ip_unprivileged_port_start <= 442). A second simulator, the backups' destination cluster, listens on
# port 443 of another loopback address. Exits non-zero when anything fails, and when either password shows up in the
# playbook's output.
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
dest_host=""
for _try in 1 2 3 4 5; do
    dest_host=$("$python" "$here/free_loopback.py" 443) || break
    [ "$dest_host" != "$host" ] && break
done
[ -n "$dest_host" ] && [ "$dest_host" != "$host" ] || scenario_fail "no second loopback address free on port 443"
password=$("$python" -c 'import secrets; print("sim-" + secrets.token_urlsafe(12))')
dest_password=$("$python" -c 'import secrets; print("dest-" + secrets.token_urlsafe(12))')

# the integration tests' simulator helpers: sim_start (launch.py, its environment sourced, stopped on exit)
# shellcheck source=/dev/null
. "$top/tests/integration/targets/setup_simulator/simulator.sh"
export SIM_PYTHON="$python"
trap 'exit 130' INT TERM

echo "== simulator on $host: cluster API on port 443, node API on port 442"
sim_start --host "$host" --cert-ip "$dest_host" --port 443 --node-port 442 --job-seconds 8 --password "$password" || {
    cat "$SIM_DIR/stderr" >&2 2>/dev/null || true
    exit 1
}
# The destination of the backups: a second cluster on port 443 of another address (na_elementsw_backup has no port
# option either), sharing the certificate, which names both addresses, so that each reaches the other verified.
echo "== destination simulator on $dest_host: cluster API on port 443"
exec {dest_fd}< <(exec "$python" "$top/tests/simulator/launch.py" --env-file "$SIM_DIR/dest.env" \
    --log "$SIM_DIR/dest.stderr" -- --tls-dir "$SIM_DIR" --host "$dest_host" --cert-ip "$host" --port 443 \
    --job-seconds 8 --username dest-admin --password "$dest_password")
dest_pid=$!
dest_ready=""
read -r -u "$dest_fd" dest_ready || true
exec {dest_fd}<&-
trap 'kill "$dest_pid" 2>/dev/null || true; sim_stop' EXIT
[ "$dest_ready" = ready ] || { cat "$SIM_DIR/dest.stderr" >&2 2>/dev/null || true; scenario_fail "the destination simulator did not start"; }
export ELEMENT_HOST="$host" DEST_HOST="$dest_host" DEST_PASSWORD="$dest_password"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_PYTHON_INTERPRETER="$python"

echo "== ansible-playbook tests/scenarios/elementsw/playbook.yml"
rc=0
"$venv/bin/ansible-playbook" -i localhost, "$here/playbook.yml" > "$work/playbook.log" 2>&1 || rc=$?
sim_assert_no_grep "$dest_password" "$work/playbook.log" || rc=1
[ "$rc" -eq 0 ] || cp "$SIM_DIR/dest.stderr" "$work/destination-simulator.log" 2>/dev/null || true
scenario_end "$rc" "$work/playbook.log"
