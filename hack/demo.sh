#!/usr/bin/env bash
# Run docs/examples/clone_and_wait.yml against the bundled Element simulator.
#   hack/demo.sh BUILD_DIR
# Expects the collection installed under BUILD_DIR/collections (make install) and
# ansible-playbook + a Python with the simulator's needs first on PATH (make demo does this).
set -euo pipefail
build=${1:-.build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p "$build"
build=$(cd "$build" && pwd)

tls_dir="$build/sim-tls"
log="$build/simulator.log"
env_file="$build/simulator.env"
playbook=docs/examples/clone_and_wait.yml
launcher=tests/simulator/launch.py
python=${DEMO_PYTHON:-python}
wait_secs=${SIM_START_TIMEOUT:-15}

for f in "$launcher" "$playbook"; do
    [ -f "$f" ] || { echo "demo: $f is missing" >&2; exit 1; }
done

mkdir -p "$tls_dir"
: > "$log"
SIM_PID=
stop_simulator() {
    if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill "$SIM_PID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$SIM_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$SIM_PID" 2>/dev/null || true
        echo "demo: simulator stopped"
    fi
    rm -f "$env_file"
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

# The launcher waits for the simulator's ready line and writes what it says (URL, credentials, CA) as
# SIM_* and SOLIDFIRE_* export lines.
# The launcher stays as the simulator's parent (SIM_PID); in a process substitution it is this shell's child.
exec {fd}< <(exec "$python" "$launcher" --env-file "$env_file" --log "$log" --timeout "$wait_secs" -- --tls-dir "$tls_dir")
SIM_PID=$!
ready=
read -r -u "$fd" ready || true
exec {fd}<&-
if [ "$ready" != ready ]; then
    echo "demo: the simulator did not start" >&2
    exit 1
fi
# shellcheck source=/dev/null
. "$env_file"
echo "demo: simulator ready at $SIM_URL (log: $log)"

export ANSIBLE_COLLECTIONS_PATH="$build/collections"
export ANSIBLE_FORCE_COLOR=${ANSIBLE_FORCE_COLOR:-0}
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false

ansible-playbook "$playbook"
