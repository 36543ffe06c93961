#!/usr/bin/env bash
# The publishing tools' virtualenv: hack/publish-venv.sh VENV PYTHON
# Creates (or reuses) VENV with the pinned tools that check the collection as Galaxy, the docsite and
# ansible-builder see it, and prints its absolute path. Every pin here was installed and run together:
#   galaxy-importer  the check Galaxy and Automation Hub run on upload (it pins ansible-lint and
#                    ansible-builder ranges; ansible-lint is the version hack/lint.sh pins)
#   ansible-builder  `create` and `introspect` for the EE and DE definitions (no container engine)
#   antsibull-docs, sphinx, sphinx-ansible-theme, ansible-pygments   the HTML docsite (make docs)
#   pypandoc-binary  pandoc (in the wheel) for docs/*.md -> docs/docsite/rst/*.rst (hack/docs-rst.py)
#   pillow           reads the browser check's screenshots


set -euo pipefail
venv=${1:?usage: publish-venv.sh VENV PYTHON}
python=${2:?}
here=$(cd "$(dirname "$0")" && pwd)
"$here/venv.sh" "$venv" "$python" \
    'galaxy-importer==0.4.44' 'ansible-lint==26.10.1' 'ansible-core==2.19.*' 'ansible-builder==3.2.0' \
    'antsibull-docs==2.28.0' 'sphinx==9.0.4' 'sphinx-ansible-theme==0.10.4' 'ansible-pygments==0.1.2' \
    'pypandoc-binary==1.17' 'pillow==13.0.0' >&2
cd "$venv" && pwd
