#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render extensions/awx/credential_type.yml's injectors the way AWX does, into an ansible-runner env/envvars.

    render_injectors.py CREDENTIAL_TYPE_YML PRIVATE_DATA_DIR INPUTS_JSON

Follows AWX's CredentialType.inject_credential: a Jinja2 ImmutableSandboxedEnvironment; only non-empty inputs
enter the namespace; a boolean input that was never set is False; every file template is written to a new file
under PRIVATE_DATA_DIR/env and its path exposed as tower.filename.<name> (template.<name>) or tower.filename
(template); then every env injector is rendered. Prints the rendered variables as JSON (the password masked)
and writes them, as a YAML mapping, to PRIVATE_DATA_DIR/env/envvars.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from types import SimpleNamespace

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment


def render(credential_type, private_data_dir, inputs):
    fields = credential_type['inputs']['fields']
    injectors = credential_type['injectors']
    namespace = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or value:
            namespace[name] = value
    for field in fields:
        if field['type'] == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    tower = SimpleNamespace()
    namespace['tower'] = namespace['awx'] = tower
    sandbox = ImmutableSandboxedEnvironment()
    env_dir = os.path.join(private_data_dir, 'env')
    os.makedirs(env_dir, exist_ok=True)
    for label, template in injectors.get('file', {}).items():
        data = sandbox.from_string(template).render(**namespace)
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as stream:
            stream.write(data)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if '.' not in label:
            tower.filename = path
        else:
            if not isinstance(getattr(tower, 'filename', None), SimpleNamespace):
                tower.filename = SimpleNamespace()
            setattr(tower.filename, label.split('.', 1)[1], path)
    return {name: sandbox.from_string(template).render(**namespace)
            for name, template in injectors.get('env', {}).items()}


def main():
    with open(sys.argv[1]) as stream:
        credential_type = yaml.safe_load(stream)
    private_data_dir = sys.argv[2]
    inputs = json.loads(sys.argv[3])
    env = render(credential_type, private_data_dir, inputs)
    with open(os.path.join(private_data_dir, 'env', 'envvars'), 'w') as stream:
        yaml.safe_dump(env, stream, default_flow_style=False)
    shown = dict(env)
    if 'SOLIDFIRE_PASSWORD' in shown:
        shown['SOLIDFIRE_PASSWORD'] = '********'
    print(json.dumps(shown, sort_keys=True))


if __name__ == '__main__':
    main()
