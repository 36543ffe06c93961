#!/usr/bin/env bash
# Lint what users get: hack/lint.sh VENV PYTHON BUILD_DIR
#   1. antsibull-changelog lint: the fragments and changelogs/changelog.yaml are valid;
#   2. CHANGELOG.rst is what antsibull-changelog generates from changelogs/changelog.yaml;
#   3. ansible-lint (profile production, see .ansible-lint) on a staged copy of the collection,
#      found through ANSIBLE_COLLECTIONS_PATH so that its own modules resolve;
#   4. docs/docsite/rst/*.rst (the docsite's guides) are what hack/docs-rst.py makes of docs/*.md;
#   5. antsibull-docs lint-collection-docs --plugin-docs on that copy: the plugin docs as the docsite and
#      Galaxy render them (markup, references to other plugins and collections, the extra docs' references);
#   6. antsibull-nox's extra checks (run first, on the same staged copy) (antsibull-nox.toml): no unwanted files in plugins/, every module in the
#      action group with the connection doc fragment.
# The tools live in a virtualenv of their own (pinned below), reused while its stamp matches.
set -euo pipefail
venv=${1:?usage: lint.sh VENV PYTHON BUILD_DIR}
python=${2:?}
build=${3:?}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

"$here/venv.sh" "$venv" "$python" 'ansible-lint==26.10.1' 'antsibull-changelog==0.36.0' 'antsibull-docs==2.28.0' 'pypandoc-binary==1.17' 'ansible-core==2.19.*'
venv=$(cd "$venv" && pwd)
export PATH="$venv/bin:$PATH"
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS
# ansible-lint keeps its mocked modules (mock_modules in .ansible-lint) under ANSIBLE_HOME; galaxy-importer's own
# ansible-lint (make import-check, which may run side by side) would otherwise rewrite the same ~/.ansible copy.
mkdir -p "$build"
ansible_home="$(cd "$build" && pwd)/lint-ansible-home"
export ANSIBLE_HOME="$ansible_home"
rc=0

cd "$top"
echo "== antsibull-changelog lint"
antsibull-changelog lint || rc=1

echo "== CHANGELOG.rst is up to date"
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
if antsibull-changelog generate --output "$generated" && diff -u CHANGELOG.rst "$generated"; then
    echo "CHANGELOG.rst matches changelogs/changelog.yaml"
else
    echo "CHANGELOG.rst is stale: run antsibull-changelog release (--update-existing while the version is unreleased)" >&2
    rc=1
fi

echo "== docs/docsite/rst is what the docs/*.md guides give (hack/docs-rst.py)"
"$venv/bin/python" hack/docs-rst.py --check || rc=1

mkdir -p "$build"
build=$(cd "$build" && pwd)
staged=$("$here/stage.sh" "$build/lint")

echo "== antsibull-nox extra-checks (antsibull-nox.toml)"
"$here/venv.sh" "$venv-nox" "$python" 'antsibull-nox==1.10.0' 'nox==2026.10.20'
# first, while the staged copy has stage.sh's git repository: antsibull-nox finds the files to check through git
(cd "$staged" && "$venv-nox/bin/nox" --no-color --envdir "$build/lint-nox" -e extra-checks) || rc=1

echo "== ansible-lint (production profile, .ansible-lint)"
# Lint the staged files as plain files: stage.sh's empty git repository would hide them from ansible-lint.
rm -rf "$staged/.git"
(cd "$staged" && ANSIBLE_COLLECTIONS_PATH="$build/lint" ansible-lint --format=pep8 --nocolor) || rc=1

echo "== antsibull-docs lint-collection-docs --plugin-docs"
(cd "$staged" && ANSIBLE_COLLECTIONS_PATH="$build/lint" antsibull-docs lint-collection-docs --plugin-docs \
    --validate-collection-refs all --check-extra-docs-refs .) || rc=1
exit $rc
