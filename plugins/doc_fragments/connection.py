# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documents exactly CONNECTION_SPEC in plugins/module_utils/_common.py: change both together."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment:

    DOCUMENTATION = r'''
options:
  hostname:
    description:
      - The cluster management virtual IP (MVIP) or its DNS name, optionally with C(:port).
      - IPv6 addresses may be given bare or in brackets; a port needs the brackets, as in C([fd00::5]:443).
      - No scheme, path, query or credentials; C(https://) and C(/json-rpc/...) are added by the collection.
      - A port given here wins over O(port).
      - If not set, the value of the E(SOLIDFIRE_HOSTNAME) environment variable is used.
    type: str
    required: true
  username:
    description:
      - Cluster admin user name, sent with HTTP Basic authentication on every request.
      - If not set, the value of the E(SOLIDFIRE_USERNAME) environment variable is used.
    type: str
    required: true
    aliases: [user]
  password:
    description:
      - Password of O(username). It is never logged, echoed in messages or put in a URL.
      - If not set, the value of the E(SOLIDFIRE_PASSWORD) environment variable is used.
    type: str
    required: true
    aliases: [pass]
  port:
    description:
      - HTTPS port of the cluster API.
      - If not set, the value of the E(SOLIDFIRE_PORT) environment variable is used.
    type: int
    default: 443
  api_version:
    description:
      - Element API version of the endpoint, as C(MAJOR.MINOR); requests go to C(/json-rpc/<api_version>).
      - Must be one of the versions the cluster lists in C(GetAPI) C(supportedVersions); a version the cluster
        does not serve fails at once, naming the version tried.
      - If not set, the value of the E(SOLIDFIRE_API_VERSION) environment variable is used.
    type: str
    default: '12.3'
  validate_certs:
    description:
      - Verify the cluster TLS certificate. Turn off only on a trusted network; prefer O(ca_path).
      - If not set, the value of the E(SOLIDFIRE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file (or a hashed directory) of CA certificates to verify the cluster certificate with,
        on the host that runs the task.
      - If not set, the value of the E(SOLIDFIRE_CA_PATH) environment variable is used;
        without either, the system trust store is used.
    type: path
  http_timeout:
    description:
      - Seconds one request to the cluster may take as a whole, that is connecting, the TLS handshake, sending the
        request, the headers and the whole body together, not each socket read. A server that stalls, or sends its
        answer a byte at a time, is abandoned when the time is up.
      - A request never runs past what is left of C(wait_timeout) (in modules that have it), so the task ends within
        C(wait_timeout) plus about a second.
      - A request that runs out of time counts as a transient fault and is retried while the wait deadline allows
        (in M(solidfire.element.async_results_info), which has no wait options, for up to 30 seconds).
    type: float
    default: 30.0
requirements:
  - requests (Python library) on the host that runs the task (the controller for a local connection)
notes:
  - Transient faults (connection resets, requests that run out of O(http_timeout), answers broken off midway,
    HTTP 5xx without an API error, non-JSON bodies, C(xDBVersionMismatch), C(xNotPrimary)) are retried with capped
    exponential backoff; wrong credentials, a wrong O(api_version) and TLS failures are not.
  - An API error is classified by its error name whatever the HTTP status it comes with; for example
    C(xAsyncHandleDoesNotExist) sent with HTTP 500 means that the handle is gone, and is not retried.
  - An answer larger than 64 MiB (more than twice any Element answer; C(ListAsyncResults) of a cluster that keeps
    100,000 results is about 23 MiB) is abandoned before it is held whole and fails the task; it is not retried.
'''
