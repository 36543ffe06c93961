#!/usr/bin/env bash
# Copy the collection (tracked + untracked-but-not-ignored files, so a dirty tree works too)
# to DEST/ansible_collections/solidfire/element, which is where ansible-test needs it.
# Prints the staged collection path.
set -euo pipefail
dest_root=${1:?usage: stage.sh DEST_ROOT}
top=$(cd "$(dirname "$0")/.." && pwd)
dest="$dest_root/ansible_collections/solidfire/element"

# Start from an empty tree, but keep ansible-test's tests/output (its cached
# delegation virtualenvs live in tests/output/.tmp) so repeated runs stay fast.
keep="$dest_root/.stage-output"
rm -rf "$keep"
[ -d "$dest/tests/output" ] && mkdir -p "$dest_root" && mv "$dest/tests/output" "$keep"
rm -rf "$dest"
mkdir -p "$dest/tests"
[ -d "$keep" ] && mv "$keep" "$dest/tests/output"
cd "$top"
# -co: cached + others; --exclude-standard: honour .gitignore; skip files deleted in the work tree.
git ls-files -z -co --exclude-standard \
    | while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf - \
    | tar -xf - -C "$dest"
# ansible-test lists content with git when it finds a .git above the collection; without
# one here it would find this repository's, where the staged copy is ignored. An empty
# repository of its own makes it list the staged files (untracked, not ignored).
git init -q "$dest"
echo "$dest"
