#!/usr/bin/env bash
# Install hack/get_pip_standin.py under every cache name ansible-test may look for:
#   ~/.ansible/test/cache/get_pip_<pip version with dots as underscores>.py
# The versions are read from the installed ansible-test (get_venv_packages in
# ansible_test/_internal/python_requirements.py) when PYTHON (arg 1) has it, plus the
# known defaults: 23.1.2 (2.16; 20.3.4 for py2.7, 21.3.1 for py3.6), 24.2 (2.19), 25.2 (2.20+).
# An existing file that is not this stand-in (e.g. a real download) is left alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${1:-}
cache=${PIP_STANDIN_CACHE_DIR:-$HOME/.ansible/test/cache}
versions=(20.3.4 21.3.1 23.1.2 24.2 25.2)
if [ -n "$python" ]; then
    src=$("$python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))' 2>/dev/null || true)
    if [ -n "$src" ] && [ -f "$src" ]; then
        while IFS= read -r v; do versions+=("$v"); done < <(sed -n "s/^ *pip='\([0-9.]*\)'.*/\1/p" "$src")
    fi
fi
mkdir -p "$cache"
for v in $(printf '%s\n' "${versions[@]}" | sort -u); do
    dest="$cache/get_pip_${v//./_}.py"
    if [ -f "$dest" ] && ! grep -q 'get-pip stand-in' "$dest"; then
        continue
    fi
    cp "$here/get_pip_standin.py" "$dest"
done
