#!/usr/bin/env bash
# Print the path of a working interpreter for $1, e.g. "python3.11" or "3.11".
# Order: a working command on PATH, then pyenv installations (pyenv prefix / $PYENV_ROOT
# glob, which also covers versions that are installed but not activated in pyenv),
# then python3 as a last resort (only when $2 is "fallback").
set -euo pipefail

want=${1:?usage: find-python.sh python3.X|3.X [fallback]}
ver=${want#python}
name=python${ver}

works() { [ -x "$1" ] && "$1" -c 'import sys' >/dev/null 2>&1; }

if cmd=$(command -v "$name" 2>/dev/null) && works "$cmd"; then
    # resolve wrappers such as pyenv shims to the real interpreter
    "$cmd" -c 'import sys; print(sys.executable or sys.argv[0])' 2>/dev/null || echo "$cmd"
    exit 0
fi

root=${PYENV_ROOT:-}
if [ -z "$root" ] && command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root 2>/dev/null || true)
fi
root=${root:-$HOME/.pyenv}
if command -v pyenv >/dev/null 2>&1; then
    for prefix in $(pyenv prefix "$ver" 2>/dev/null | tr ':' ' '); do
        if works "$prefix/bin/$name"; then echo "$prefix/bin/$name"; exit 0; fi
    done
fi
# newest patch release first
while IFS= read -r cand; do
    if works "$cand"; then echo "$cand"; exit 0; fi
done < <(printf '%s\n' "$root"/versions/"$ver".*/bin/"$name" | sort -t. -k3 -n -r)

if [ "${2:-}" = fallback ] && cmd=$(command -v python3 2>/dev/null) && works "$cmd"; then
    echo "warning: $name not found, falling back to $cmd" >&2
    "$cmd" -c 'import sys; print(sys.executable or sys.argv[0])' 2>/dev/null || echo "$cmd"
    exit 0
fi
echo "error: no working $name found (PATH, pyenv)" >&2
exit 1
