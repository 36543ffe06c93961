#!/usr/bin/env bash
# Check the built collection the way a user gets it: hack/dist-check.sh BUILD_DIR
# Expects `make install` to have built BUILD_DIR/dist/solidfire-element-*.tar.gz and installed it into
# BUILD_DIR/collections, and ansible-* of the tool virtualenv first on PATH.
#   1. the tarball holds what users and ansible-builder need, and no build, test-output or VCS debris;
#   2. the installed copy matches the tarball's manifest (ansible-galaxy collection verify --offline);
#   3. ansible-doc renders every module from the installed copy;
#   4. the demo playbook (docs/examples/clone_and_wait.yml) runs against the simulator with the installed copy.
set -euo pipefail
build=${1:?usage: dist-check.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=$(cd "$build" && pwd)
tarballs=("$build"/dist/solidfire-element-*.tar.gz)
[ "${#tarballs[@]}" -eq 1 ] && [ -f "${tarballs[0]}" ] || { echo "dist-check: expected one tarball in $build/dist" >&2; exit 1; }
tarball=${tarballs[0]}
echo "dist-check: $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

listing=$(tar -tzf "$tarball" | sed 's|^\./||')
rc=0
for f in MANIFEST.json FILES.json README.md LICENSE CHANGELOG.rst meta/runtime.yml meta/execution-environment.yml \
         meta/ee-requirements.txt meta/ee-bindep.txt plugins/action/get_async_result.py \
         plugins/modules/get_async_result.py plugins/modules/volume_clone.py plugins/modules/async_results_info.py \
         plugins/modules/group_clone.py plugins/modules/volume_copy.py plugins/modules/volume_backup.py \
         plugins/modules/volume_restore.py plugins/modules/drives.py \
         extensions/awx/credential_type.yml extensions/awx/create_credential_type.yml docs/awx.md \
         extensions/eda/plugins/event_source/async_jobs.py plugins/plugin_utils/_job_watch.py \
         extensions/eda/credential_type.yml docs/eda.md docs/examples/rulebooks/clone_events.yml \
         docs/examples/clone_and_wait.yml; do
    grep -qx -- "$f" <<<"$listing" || { echo "dist-check: $f is missing from the tarball" >&2; rc=1; }
done
bad=$(grep -E '(^|/)(\.git|\.build|\.venv[^/]*|__pycache__|\.pytest_cache|output)(/|$)|\.pyc$|\.tar\.gz$|plugin-cache' \
    <<<"$listing" || true)
if [ -n "$bad" ]; then
    echo "dist-check: the tarball holds files users must not get:" >&2
    awk '{ print "  " $0 }' <<<"$bad" >&2
    rc=1
fi

export ANSIBLE_COLLECTIONS_PATH="$build/collections"
installed="$build/collections/ansible_collections/solidfire/element"
[ -f "$installed/MANIFEST.json" ] || { echo "dist-check: not installed at $installed" >&2; exit 1; }
ansible-galaxy collection verify --offline -p "$build/collections" solidfire.element || rc=1
for module in get_async_result volume_clone group_clone volume_copy async_results_info volume_backup volume_restore \
        drives; do
    if ! out=$(ansible-doc "solidfire.element.$module" 2>&1) || ! grep -q "EXAMPLES" <<<"$out"; then
        echo "dist-check: ansible-doc solidfire.element.$module failed from the installed copy:" >&2
        echo "$out" | tail -n 20 >&2
        rc=1
    fi
done
[ $rc -eq 0 ] || exit $rc

echo "dist-check: running the demo playbook with the installed collection"
hack/demo.sh "$build"
