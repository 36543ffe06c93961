# Test helper of the integration targets, not part of the collection (simulator.sh puts this directory on
# ANSIBLE_LOOKUP_PLUGINS). One call to the simulator made on the controller: a `uri` task per control call
# costs a module run, 1-2 s each, and the targets make hundreds of them.
#   query('sim_call', 'SimCallLog', params={'clear': true}) | first   -> the method's result
#   query('sim_call', 'SimReset', password=new_password)             -> with other credentials than SIM_*
#                                                                       (username=, password=: after a rotation)
#   query('sim_call', 'GetAsyncResult', params=..., api_error='return') -> the error object instead of failing
# Fails the task on an API error or any HTTP failure.
from __future__ import annotations

import json
import os

from ansible.errors import AnsibleError
from ansible.module_utils.urls import open_url
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if len(terms) != 1:
            raise AnsibleError("sim_call takes exactly one method name, got %r" % (terms,))
        method = terms[0]
        params = kwargs.get("params") or {}
        unknown = set(kwargs) - {"params", "username", "password", "api_error"}
        if unknown:
            raise AnsibleError("sim_call takes params, username, password and api_error, not %s" % ", ".join(sorted(unknown)))
        try:
            url, username, password, ca = (os.environ[name] for name in ("SIM_URL", "SIM_USERNAME", "SIM_PASSWORD", "SIM_CA"))
        except KeyError as missing:
            raise AnsibleError("sim_call needs %s in the environment: start the simulator with sim_start" % missing)
        username = kwargs.get("username") or username
        password = kwargs.get("password") or password
        body = json.dumps({"method": method, "params": params, "id": 1})
        try:
            response = open_url(url + "/json-rpc/12.3", data=body, method="POST", headers={"Content-Type": "application/json"},
                                url_username=username, url_password=password, force_basic_auth=True, ca_path=ca,
                                timeout=60)
            reply = json.loads(response.read())
        except Exception as exc:  # any transport or decoding failure fails the task, named
            raise AnsibleError("simulator call %s failed: %s" % (method, exc))
        if "error" in reply and kwargs.get("api_error") == "return":
            return [reply["error"]]
        if "error" in reply:
            raise AnsibleError("simulator call %s answered an error: %s" % (method, json.dumps(reply["error"])))
        return [reply["result"]]
