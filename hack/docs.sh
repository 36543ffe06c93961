#!/usr/bin/env bash
# Build the HTML docsite: hack/docs.sh PUBLISH_VENV BUILD_DIR
# The docs people read on docs.ansible.com and Galaxy, built the same way (antsibull-docs + Sphinx) from a
# staged copy of the collection: module pages from the plugin docs, plus the guides of
# docs/docsite/extra-docs.yml. Writes BUILD_DIR/docs/site/build/html and prints its index.html.
# Offline, Sphinx cannot fetch docs.ansible.com's inventory (intersphinx), so references into Ansible's own
# docs (common_return_values, ansible.builtin.uri_module, ...) stay plain text here; every other Sphinx or
# antsibull-docs warning fails the build.
set -euo pipefail
venv=${1:?usage: docs.sh PUBLISH_VENV BUILD_DIR}
build=${2:?}
top=$(cd "$(dirname "$0")/.." && pwd)
venv=$(cd "$venv" && pwd)
mkdir -p "$build"
build=$(cd "$build" && pwd)/docs
export PATH="$venv/bin:$PATH"
unset ANSIBLE_COLLECTIONS_PATHS
rm -rf "$build"
mkdir -p "$build/collections"
"$top/hack/stage.sh" "$build/collections" >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$build/collections"
# antsibull-docs wants its directories readable by their owner only
mkdir -m 700 "$build/site"
antsibull-docs sphinx-init --use-current --dest-dir "$build/site" solidfire.element >/dev/null
cd "$build/site"
mkdir -p rst && chmod 700 rst
antsibull-docs --config-file antsibull-docs.cfg collection --cleanup everything --use-current --dest-dir rst \
    solidfire.element
rc=0
sphinx-build -M html rst build -c . --keep-going -q -w warnings.txt 2>sphinx-stderr.log || rc=$?
# What offline costs (see above), and nothing else:
unexpected=$(grep -v -E "failed to reach any of the inventories|^  https://|intersphinx inventory|undefined label: '(ansible_collections\.ansible\.builtin\.|(common_return_values|action_plugins|ansible_configuration_settings)')" \
    warnings.txt | grep -E 'WARNING|ERROR' || true)
if [ -n "$unexpected" ]; then
    echo "docs: Sphinx warnings:" >&2
    printf '%s\n' "$unexpected" >&2
    rc=1
fi
index="$build/site/build/html/index.html"
[ -f "$index" ] || { echo "docs: no $index" >&2; exit 1; }
[ $rc -eq 0 ] && echo "$index"
exit $rc
