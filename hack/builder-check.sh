#!/usr/bin/env bash
# Check the execution- and decision-environment definitions users build: hack/builder-check.sh PUBLISH_VENV COLLECTIONS_DIR
#   1. `ansible-builder create` (offline, no container engine) turns docs/examples/execution-environment.yml and
#      docs/examples/decision-environment.yml into build contexts, each with a Containerfile and the
#      collections, Python and system requirements the definition lists;
#   2. the definition docs/awx.md shows is the one in docs/examples (same data, so the two cannot drift);
#   3. `ansible-builder introspect` on the installed collection (COLLECTIONS_DIR, from `make install`) lists
#      what meta/execution-environment.yml declares: requests, and meta/ee-bindep.txt's entries.
set -euo pipefail
venv=${1:?usage: builder-check.sh PUBLISH_VENV COLLECTIONS_DIR}
collections=${2:?}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0

for kind in execution decision; do
    definition=docs/examples/$kind-environment.yml
    ctx=$work/$kind
    echo "builder-check: ansible-builder create -f $definition"
    if ! "$venv/bin/ansible-builder" create -f "$definition" -c "$ctx" --output-filename Containerfile >"$work/$kind.log" 2>&1; then
        sed 's/^/  | /' "$work/$kind.log"
        echo "builder-check: ansible-builder create failed for $definition" >&2
        rc=1
        continue
    fi
    "$venv/bin/python" - "$definition" "$ctx" <<'PY' || rc=1
import os
import sys

import yaml

definition, ctx = sys.argv[1:3]
with open(definition, encoding="utf-8") as f:
    deps = yaml.safe_load(f)["dependencies"]
problems = []
if not os.path.isfile(os.path.join(ctx, "Containerfile")):
    problems.append("no Containerfile")
with open(os.path.join(ctx, "_build", "requirements.yml"), encoding="utf-8") as f:
    names = [c["name"] for c in yaml.safe_load(f)["collections"]]
if names != [c["name"] for c in deps["galaxy"]["collections"]] or "solidfire.element" not in names:
    problems.append(f"collections in the context: {names}")
for key, name in (("python", "requirements.txt"), ("system", "bindep.txt")):
    wanted = [line.split("#")[0].strip() for line in deps.get(key) or []]
    path = os.path.join(ctx, "_build", name)
    got = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            got = [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]
    if got != wanted:
        problems.append(f"{name} in the context is {got}, the definition lists {wanted}")
for problem in problems:
    print(f"builder-check: {definition}: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"builder-check: {definition}: context with Containerfile, collections {', '.join(names)}")
PY
done

echo "builder-check: docs/awx.md shows docs/examples/execution-environment.yml"
"$venv/bin/python" - <<'PY' || rc=1
import re
import sys

import yaml

with open("docs/awx.md", encoding="utf-8") as f:
    text = f.read()
after = text.split("examples/execution-environment.yml", 1)[1]
block = re.search(r"```yaml\n(.*?)```", after, re.S).group(1)
with open("docs/examples/execution-environment.yml", encoding="utf-8") as f:
    example = yaml.safe_load(f)
if yaml.safe_load(block) != example:
    print("builder-check: the definition in docs/awx.md differs from docs/examples/execution-environment.yml", file=sys.stderr)
    sys.exit(1)
PY

echo "builder-check: ansible-builder introspect $collections"
"$venv/bin/ansible-builder" introspect --sanitize "$collections" >"$work/introspect.yml"
sed 's/^/  | /' "$work/introspect.yml"
"$venv/bin/python" - "$work/introspect.yml" meta/ee-requirements.txt meta/ee-bindep.txt <<'PY' || rc=1
import sys

import yaml

introspected, requirements, bindep = sys.argv[1:4]
with open(introspected, encoding="utf-8") as f:
    found = yaml.safe_load(f)


def entries(path):
    with open(path, encoding="utf-8") as f:
        return [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]


def names(lines):
    return sorted(line.split("#")[0].strip() for line in lines or [])


problems = []
if names(found.get("python")) != sorted(entries(requirements)):
    problems.append(f"python: {found.get('python')} (meta/ee-requirements.txt: {entries(requirements)})")
if not any(line.startswith("requests") for line in names(found.get("python"))):
    problems.append("requests is not listed")
if names(found.get("system")) != sorted(entries(bindep)):
    problems.append(f"system: {found.get('system')} (meta/ee-bindep.txt: {entries(bindep)})")
for problem in problems:
    print(f"builder-check: introspect: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print("builder-check: introspect lists meta/ee-requirements.txt and meta/ee-bindep.txt")
PY
exit $rc
