#!/usr/bin/env bash
# Point ansible-test's own sanity requirements at PyPI releases: hack/pypi-only-requirements.sh VENV
# Some ansible-core pre-releases pin a requirement to a source archive on GitHub (2.22.0rc1:
# `dill @ https://github.com/uqfoundation/dill/archive/<commit>.zip` for pylint), which a machine that
# reaches PyPI only (this one, CI) cannot download, so the sanity test fails before it starts. Each such
# line in VENV's ansible_test/_data/requirements/*.txt is replaced by the PyPI release listed below;
# a URL requirement not listed fails here, with its name, rather than inside ansible-test.
# Idempotent; a venv without URL requirements is left alone.
set -euo pipefail
venv=${1:?usage: pypi-only-requirements.sh VENV}
declare -A pypi_release=(
    [dill]='dill==0.4.1'   # the newest release; pylint 4 supports it on every Python the pre-release runs sanity on
)
dir=$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_data", "requirements"))' 2>/dev/null) || exit 0
[ -d "$dir" ] || exit 0
rc=0
while IFS= read -r file; do
    while IFS= read -r name; do
        if [ -z "${pypi_release[$name]:-}" ]; then
            echo "pypi-only-requirements: $file asks for $name from a URL; add a PyPI release for it to $0" >&2
            rc=1
            continue
        fi
        sed -i -E "s|^$name @ https?://.*$|${pypi_release[$name]}|" "$file"
    done < <(sed -n -E 's/^([A-Za-z0-9_.-]+) @ https?:\/\/.*/\1/p' "$file")
done < <(grep -l -E '^[A-Za-z0-9_.-]+ @ https?://' "$dir"/*.txt 2>/dev/null || true)
exit $rc
