#!/usr/bin/env bash
# Build the collection tarball: hack/build.sh [--release] ANSIBLE_GALAXY STAGE_ROOT OUT_DIR [REPOSITORY]
# Stages the collection under STAGE_ROOT (hack/stage.sh), writes `repository: REPOSITORY` into the
# staged galaxy.yml when one is given (never into the source galaxy.yml: the collection has no public
# repository yet, so the URL is an input of the publishing step), builds it into OUT_DIR and prints
# the tarball's path.
#   --release   refuse to build without a REPOSITORY, with one that is not an https:// URL, or with
#               the import check's placeholder: Galaxy and Automation Hub refuse a collection whose
#               galaxy.yml has no repository, and a placeholder must never reach users.
set -euo pipefail
release=false
if [ "${1:-}" = "--release" ]; then release=true; shift; fi
galaxy=${1:?usage: build.sh [--release] ANSIBLE_GALAXY STAGE_ROOT OUT_DIR [REPOSITORY]}
stage_root=${2:?}
out=${3:?}
repository=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
# The placeholder the import check builds with (hack/import-check.sh): .invalid is reserved (RFC 2606),
# so it can never name a real repository.
placeholder_host=example.invalid

if [ -n "$repository" ]; then
    if ! [[ "$repository" =~ ^https?://[^[:space:]\"\'\#]+$ ]]; then
        echo "build: REPOSITORY must be the URL of the collection's public repository (https://...), got: $repository" >&2
        exit 2
    fi
elif $release; then
    echo "build: a release needs REPOSITORY=<URL of the public repository>: Galaxy and Automation Hub refuse" \
         "a collection without galaxy.yml's repository (for example: make release REPOSITORY=https://github.com/OWNER/solidfire.element)" >&2
    exit 2
fi
if $release; then
    case "$repository" in
        https://*) ;;
        *) echo "build: a release's REPOSITORY must be an https:// URL, got: $repository" >&2; exit 2 ;;
    esac
    if [[ "$repository" == *"$placeholder_host"* ]]; then
        echo "build: $repository is the import check's placeholder, not a repository users can open" >&2
        exit 2
    fi
fi

staged=$("$here/stage.sh" "$stage_root")
if [ -n "$repository" ]; then
    if grep -q '^repository:' "$staged/galaxy.yml"; then
        echo "build: galaxy.yml already has a repository: line; remove it (REPOSITORY is given at build time)" >&2
        exit 2
    fi
    printf '# written by hack/build.sh from REPOSITORY at build time\nrepository: %s\n' "$repository" >> "$staged/galaxy.yml"
fi
mkdir -p "$out"
rm -f "$out"/solidfire-element-*.tar.gz
"$galaxy" collection build --force --output-path "$out" "$staged" >&2
tarballs=("$out"/solidfire-element-*.tar.gz)
[ -f "${tarballs[0]}" ] || { echo "build: ansible-galaxy wrote no tarball to $out" >&2; exit 1; }
echo "${tarballs[0]}"
