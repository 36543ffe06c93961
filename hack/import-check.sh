#!/usr/bin/env bash
# Run Galaxy's importer on a built tarball: hack/import-check.sh PUBLISH_VENV TARBALL REPOSITORY
# galaxy-importer is what Galaxy and Automation Hub run on upload. It runs here with ansible-lint on and
# its ansible-test step off (make sanity runs ansible-test on every supported ansible-core), without any
# container engine. The check fails when the importer
#   - refuses the tarball (exit code, or no importer_result.json),
#   - prints any WARNING or ERROR line (Galaxy shows them to users on the collection's import log;
#     ansible-lint findings arrive as warnings),
#   - or returns metadata other than what we built: galaxy.yml's repository, meta/runtime.yml's
#     requires_ansible, and for every module its options, return values and examples.
set -euo pipefail
venv=${1:?usage: import-check.sh PUBLISH_VENV TARBALL REPOSITORY}
tarball=${2:?}
repository=${3:?}
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/galaxy-importer.cfg" <<EOF
[galaxy-importer]
run_ansible_test = False
run_ansible_lint = True
offline_ansible_lint = True
run_ansible_doc = True
check_changelog = True
require_v1_or_greater = True
local_image_docker = False
ansible_local_tmp = $work/ansible-tmp
tmp_root_dir = $work
EOF

echo "import-check: galaxy-importer on $(basename "$tarball") (repository: $repository)"
rc=0
# The importer writes importer_result.json into its working directory; it finds ansible-lint and
# ansible-doc on PATH.
(cd "$work" && env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_COLLECTIONS_PATHS PATH="$venv/bin:$PATH" \
    GALAXY_IMPORTER_CONFIG="$work/galaxy-importer.cfg" "$venv/bin/python" -m galaxy_importer.main "$tarball") \
    > "$work/import.log" 2>&1 || rc=$?
sed 's/^/  | /' "$work/import.log"
if [ "$rc" -ne 0 ] || [ ! -s "$work/importer_result.json" ]; then
    echo "import-check: galaxy-importer refused the tarball (exit code $rc)" >&2
    exit 1
fi
if grep -E '^(WARNING|ERROR):' "$work/import.log" >/dev/null; then
    echo "import-check: galaxy-importer reported warnings or errors (above); Galaxy would show them to users" >&2
    rc=1
fi

"$venv/bin/python" - "$work/importer_result.json" "$tarball" "$repository" <<'EOF' || rc=1
import json
import sys
import tarfile

import yaml

result_path, tarball, repository = sys.argv[1:4]
with open(result_path, encoding="utf-8") as f:
    result = json.load(f)
with tarfile.open(tarball) as tar:
    names = tar.getnames()
    runtime = yaml.safe_load(tar.extractfile("meta/runtime.yml"))
modules = sorted(
    n[len("plugins/modules/"):-len(".py")]
    for n in names
    if n.startswith("plugins/modules/") and n.endswith(".py") and not n.endswith("__init__.py")
)
problems = []
if not modules:
    problems.append("the tarball holds no modules")
if result["metadata"].get("repository") != repository:
    problems.append(f"metadata.repository is {result['metadata'].get('repository')!r}, expected {repository!r}")
if result.get("requires_ansible") != runtime.get("requires_ansible"):
    problems.append(
        f"requires_ansible is {result.get('requires_ansible')!r}, meta/runtime.yml says {runtime.get('requires_ansible')!r}"
    )
docs = {
    c["content_name"]: c.get("doc_strings") or {}
    for c in result["docs_blob"]["contents"]
    if c["content_type"] == "module"
}
for module in modules:
    doc = docs.get(module)
    if not doc:
        problems.append(f"module {module}: no documentation in the import result")
        continue
    if not (doc.get("doc") or {}).get("options"):
        problems.append(f"module {module}: no options documented")
    if not doc.get("return"):
        problems.append(f"module {module}: no return values documented")
    if not (doc.get("examples") or "").strip():
        problems.append(f"module {module}: no examples")
for problem in problems:
    print(f"import-check: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"import-check: metadata, requires_ansible and the docs of {len(modules)} modules ({', '.join(modules)}) as built")
EOF
exit $rc
