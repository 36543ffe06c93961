#!/usr/bin/env bash
# Populate DIR with pythonX.Y symlinks to every working interpreter found (PATH or pyenv),
# so ansible-test, which looks for "pythonX.Y" on PATH, sees all installed versions even
# when pyenv only activates one of them (an inactive pyenv shim would fail when run).
set -euo pipefail
dir=${1:?usage: pythons.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
found=()
# Links are replaced in place (never the whole directory), so a run of ansible-test that already uses
# DIR is not disturbed by another one starting.
for v in 2.7 3.5 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13 3.14; do
    if py=$("$here/find-python.sh" "$v" 2>/dev/null); then
        ln -sfn "$py" "$dir/python$v"
        found+=("$v")
    else
        rm -f "$dir/python$v"
    fi
done
echo "pythons available to ansible-test: ${found[*]:-none}"
