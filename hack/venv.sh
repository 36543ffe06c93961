#!/usr/bin/env bash
# Create (or reuse) a virtualenv: hack/venv.sh VENV PYTHON REQUIREMENT...
# Reused when its stamp matches the interpreter + requirement set; rebuilt otherwise.
set -euo pipefail
venv=${1:?usage: venv.sh VENV PYTHON REQUIREMENT...}
python=${2:?}
shift 2
reqs=("$@")
[ "${#reqs[@]}" -gt 0 ] || { echo "venv.sh: no requirements given" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
py=$("$here/find-python.sh" "$python" fallback)
key="$("$py" -c 'import sys; print(sys.version)' | head -1) | ${reqs[*]}"
stamp="$venv/.stamp"

# Suites that run side by side may ask for the same virtualenv at once: one creates it, the
# others wait for it instead of deleting it under each other's feet.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    exit 0
fi
echo "creating $venv with $py (${reqs[*]})"
rm -rf "$venv"
"$py" -m venv "$venv"
# (drop pip's warnings about unreachable local index mirrors; keep everything else)
quiet() { "$@" 2>&1 | { grep -v "^WARNING: Location 'file:" || true; }; }
quiet "$venv/bin/python" -m pip install --quiet --upgrade pip
quiet "$venv/bin/python" -m pip install --quiet "${reqs[@]}"
if [ -x "$venv/bin/ansible" ]; then "$venv/bin/ansible" --version | sed -n 1p; fi
printf '%s\n' "$key" > "$stamp"
