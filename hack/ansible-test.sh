#!/usr/bin/env bash
# Run ansible-test on a staged copy of the collection:
#   STAGE_ROOT=DIR hack/ansible-test.sh VENV COMMAND [ansible-test args...]
# - stages the work tree into $STAGE_ROOT/ansible_collections/solidfire/element
#   (default .build/test; the Makefile uses one per ansible-core series)
# - puts pythonX.Y links to every installed interpreter on PATH (and drops pyenv shims,
#   which fail for versions pyenv has not activated)
# - installs the offline get-pip stand-in into ansible-test's cache, and points ansible-test's own
#   requirements that name a download outside PyPI at PyPI releases (hack/pypi-only-requirements.sh)
# - runs sanity with a HOME of that staged tree's own, so the sanity virtualenvs ansible-test caches
#   in ~/.ansible/test/venv are never rebuilt by one run while another (side by side, see
#   hack/run-suites.sh) uses them; pip's download cache stays shared. Units and integration keep the
#   real HOME: their virtualenvs live in the staged tree, and Ansible itself (e.g. async's
#   ~/.ansible_async on ansible-core 2.22) expects HOME to be the user's home.
# - copies the staged tests/output back to ./tests/output (git-ignored)
set -euo pipefail
venv=${1:?usage: ansible-test.sh VENV COMMAND [ARGS...]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
venv=$(cd "$venv" && pwd)
build=${STAGE_ROOT:-$top/.build/test}
mkdir -p "$build"
build=$(cd "$build" && pwd)

if [ "${1:-}" = sanity ]; then
    export PIP_CACHE_DIR=${PIP_CACHE_DIR:-$HOME/.cache/pip}
    export HOME="$build/home"
    mkdir -p "$HOME"
fi
"$top/hack/pythons.sh" "$build/pybin" >/dev/null
"$top/hack/install-pip-standin.sh" "$venv/bin/python"
"$top/hack/pypi-only-requirements.sh" "$venv"
staged=$("$top/hack/stage.sh" "$build")

clean_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/shims$' | paste -sd: -)
export PATH="$venv/bin:$build/pybin:$clean_path"
# never let a user's own collections shadow the staged tree
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS

rc=0
(cd "$staged" && ansible-test "$@") || rc=$?

if [ -d "$staged/tests/output" ]; then
    mkdir -p "$top/tests/output"
    (cd "$staged/tests/output" && tar --exclude=./.tmp -cf - .) | (cd "$top/tests/output" && tar -xf -) || true
fi
exit $rc
