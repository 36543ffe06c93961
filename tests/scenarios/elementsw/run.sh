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
venv=${1:?usage: run.sh VENV WORK_DIR}
work=${2:?usage: run.sh VENV WORK_DIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
cd "$top"
venv=$(cd "$venv" && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
python="$venv/bin/python"
for tool in python ansible-playbook ansible-galaxy; do
    [ -x "$venv/bin/$tool" ] || { echo "elementsw-scenario: $venv/bin/$tool is missing" >&2; exit 1; }
done
"$python" -c 'import solidfire.factory' 2>/dev/null || { echo "elementsw-scenario: no SolidFire SDK in $venv" >&2; exit 1; }

started=$SECONDS
rm -rf "$work/collections" "$work/dist" "$work/env" "$work/playbook.log"
mkdir -p "$work/dist" "$work/collections"

echo "== build and install solidfire.element with $("$venv/bin/ansible-galaxy" --version | head -n 1)"
staged=$(hack/stage.sh "$work/stage")
"$venv/bin/ansible-galaxy" collection build --force --output-path "$work/dist" "$staged" >/dev/null
ANSIBLE_COLLECTIONS_PATH="$work/collections" "$venv/bin/ansible-galaxy" collection install --offline --force -p "$work/collections" "$work"/dist/solidfire-element-*.tar.gz \
    >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$work/collections"
"$venv/bin/ansible-galaxy" collection list 2>/dev/null | grep -E '^(netapp\.elementsw|solidfire\.element) ' \
    | sed 's/^/   /'

host=$("$python" "$here/free_loopback.py" 443 442) || {
    echo "elementsw-scenario: cannot listen on ports 443 and 442 of a loopback address; run as root, or allow" \
         "it with: sysctl net.ipv4.ip_unprivileged_port_start=442" >&2
    exit 1
}
password=$("$python" -c 'import secrets; print("sim-" + secrets.token_urlsafe(12))')

SIM_PID=
stop_simulator() {
    if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill "$SIM_PID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$SIM_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$SIM_PID" 2>/dev/null || true
    fi
    rm -f "$work/env"
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

echo "== simulator on $host: cluster API on port 443, node API on port 442"
: > "$work/simulator.log"
exec {fd}< <(exec "$python" tests/simulator/launch.py --env-file "$work/env" --log "$work/simulator.log" -- \
    --host "$host" --port 443 --node-port 442 --tls-dir "$work/tls" --job-seconds 8 --password "$password")
SIM_PID=$!
ready=
read -r -u "$fd" ready || true
exec {fd}<&-
[ "$ready" = ready ] || { echo "elementsw-scenario: the simulator did not start; its log:" >&2; cat "$work/simulator.log" >&2; exit 1; }
# shellcheck source=/dev/null
. "$work/env"
export ELEMENT_HOST="$host"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_PYTHON_INTERPRETER="$python"
# the environment's CA bundle must not decide what the modules trust: ca_path does
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE

echo "== ansible-playbook tests/scenarios/elementsw/playbook.yml"
rc=0
"$venv/bin/ansible-playbook" -i localhost, "$here/playbook.yml" > "$work/playbook.log" 2>&1 || rc=$?
cat "$work/playbook.log"
if grep -qF -- "$SIM_PASSWORD" "$work/playbook.log"; then
    echo "elementsw-scenario: the password appears in the playbook output" >&2
    rc=1
fi
if [ "$rc" -ne 0 ]; then
    echo "elementsw-scenario: FAILED (simulator log: $work/simulator.log)" >&2
    exit "$rc"
fi
echo "elementsw-scenario: passed in $((SECONDS - started)) s"
