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
playbook=docs/examples/clone_and_wait.yml
simulator=tests/simulator/run.py
python=${DEMO_PYTHON:-python}
wait_secs=${SIM_START_TIMEOUT:-15}

for f in "$simulator" "$playbook"; do
    [ -f "$f" ] || { echo "demo: $f is missing" >&2; exit 1; }
done

mkdir -p "$tls_dir"
: > "$log"
sim_pid=
stop_simulator() {
    if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$sim_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
        echo "demo: simulator stopped"
    fi
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

"$python" "$simulator" --port 0 --tls-dir "$tls_dir" > "$log" 2>&1 &
sim_pid=$!

# Wait for the "ready https://HOST:PORT" line.
url=
deadline=$(( $(date +%s) + wait_secs ))
while [ -z "$url" ]; do
    url=$(sed -n 's/^.*ready \(https:\/\/[^ ]*\).*$/\1/p' "$log" | head -1)
    [ -n "$url" ] && break
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        echo "demo: simulator exited before it was ready; its output:" >&2
        cat "$log" >&2
        exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "demo: simulator not ready after ${wait_secs}s; its output:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.2
done
hostport=${url#https://}
hostport=${hostport%%/*}
port=${hostport##*:}
echo "demo: simulator ready at $url (log: $log)"

export ANSIBLE_COLLECTIONS_PATH="$build/collections"
export SOLIDFIRE_HOSTNAME="127.0.0.1:$port"
export SOLIDFIRE_USERNAME=${SOLIDFIRE_USERNAME:-admin}
export SOLIDFIRE_PASSWORD=${SOLIDFIRE_PASSWORD:-solidfire-sim}
export SOLIDFIRE_CA_PATH="$tls_dir/cert.pem"
export ANSIBLE_FORCE_COLOR=${ANSIBLE_FORCE_COLOR:-0}
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false

ansible-playbook "$playbook"
