#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: solidfire.element contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test (``--venv``) creates empty virtual environments (``python -m venv --without-pip``)
and bootstraps pip into them by running ``https://ci-files.testing.ansible.com/ansible-test/get-pip-<ver>.py``,
cached at ``~/.ansible/test/cache/get_pip_<ver with dots as underscores>.py``.  When that host is
unreachable, place this file at the cache path and ansible-test will run it instead.

ansible-test runs it (through its quiet_pip.py wrapper, with ``runpy`` and ``GET_PIP=<cache path>``) as::

    <venv>/bin/python get_pip_X.py --disable-pip-version-check pip==X [setuptools==Y wheel==Z] [--no-setuptools] [--no-wheel]

Like the real get-pip.py, the arguments are pip-install arguments, plus get-pip's own
``--no-setuptools`` / ``--no-wheel`` switches.  This stand-in puts the pip wheel bundled with the
interpreter's ``ensurepip`` on ``sys.path`` and runs ``pip install --upgrade --force-reinstall <args>``
with it, so the requested versions come from the configured package index.  If that fails (no index
reachable), it installs the bundled pip wheel itself, so the environment still gets a working pip.

The script must stay compatible with every interpreter ansible-test may bootstrap (Python 2.7+).
"""

from __future__ import absolute_import, division, print_function

import glob
import os
import sys
import tempfile

GET_PIP_OPTIONS = ('--no-setuptools', '--no-wheel', '--no-pip')


def log(msg):
    sys.stderr.write('get-pip stand-in: %s\n' % msg)
    sys.stderr.flush()


def find_bundled_pip_wheel():
    """Return the path of the pip wheel bundled with ensurepip, or None."""
    candidates = []
    try:
        import ensurepip
        candidates.extend(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl')))
    except ImportError:
        pass
    if not candidates:
        # Debian/Ubuntu strip ensurepip's _bundled directory and ship the wheels here instead.
        candidates.extend(glob.glob('/usr/share/python-wheels/pip-*.whl'))
    candidates = [path for path in candidates if os.path.isfile(path)]
    if not candidates:
        return None

    def version_key(path):
        version = os.path.basename(path).split('-')[1]
        return tuple(int(part) if part.isdigit() else 0 for part in version.split('.'))

    return sorted(candidates, key=version_key)[-1]


def run_pip(args):
    """Run pip in a child interpreter so a failed attempt leaves this process clean."""
    import subprocess
    wheel = os.environ['GET_PIP_STANDIN_WHEEL']
    code = ('import sys; sys.path.insert(0, %r); sys.argv[0] = "pip"; '
            'from runpy import run_module; run_module("pip", run_name="__main__", alter_sys=True)' % wheel)
    return subprocess.call([sys.executable, '-c', code] + list(args))


def main():
    args = sys.argv[1:]
    pip_args = [arg for arg in args if arg not in GET_PIP_OPTIONS]
    packages = [arg for arg in pip_args if not arg.startswith('-')]

    wheel = find_bundled_pip_wheel()
    if not wheel:
        log('this interpreter (%s) has no bundled pip wheel (ensurepip is missing); cannot bootstrap pip' % sys.executable)
        return 1
    os.environ['GET_PIP_STANDIN_WHEEL'] = wheel

    if not any(pkg.split('=')[0].split('<')[0].split('>')[0].strip().lower() == 'pip' for pkg in packages):
        pip_args.append('pip')
    options = [arg for arg in pip_args if arg.startswith('-')]

    log('installing %s with the bundled %s' % (' '.join(pip_args), os.path.basename(wheel)))
    rc = run_pip(['install', '--upgrade', '--force-reinstall'] + pip_args)
    if rc == 0:
        return 0

    log('could not install %s from the package index (rc=%s); installing the bundled %s instead'
        % (' '.join(packages) or 'pip', rc, os.path.basename(wheel)))
    # Copy the wheel so pip never tries to install from a path inside the interpreter's own tree.
    tmpdir = tempfile.mkdtemp(prefix='get-pip-standin-')
    local_wheel = os.path.join(tmpdir, os.path.basename(wheel))
    with open(wheel, 'rb') as src:
        with open(local_wheel, 'wb') as dst:
            dst.write(src.read())
    rc = run_pip(['install', '--upgrade', '--force-reinstall', '--no-index'] + options + [local_wheel])
    return rc


if __name__ == '__main__':
    sys.exit(main())
