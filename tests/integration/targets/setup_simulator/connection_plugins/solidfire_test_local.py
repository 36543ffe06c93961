# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only connection: the local connection under another transport name.

get_async_result waits in-process only over the transport named 'local'; with this connection the action plugin
takes the path it takes for real remote hosts and executes the module on the "target" (this machine).
"""

from __future__ import annotations

DOCUMENTATION = """
    name: solidfire_test_local
    short_description: Local execution under a non-local transport name (integration tests only)
    description:
        - Runs commands on the controller like the local connection, but reports a different transport, so
          action plugins treat the host as remote and transfer and execute modules on it.
    author: solidfire.element contributors
    options:
        become_success_timeout:
            type: int
            default: 10
            description:
                - Number of seconds to wait for become to succeed when enabled.
            vars:
                - name: ansible_local_become_success_timeout
        become_strip_preamble:
            type: bool
            default: true
            description:
                - Strip internal become output preceding command execution.
            vars:
                - name: ansible_local_become_strip_preamble
        pipelining:
            type: bool
            default: false
            description:
                - Pipelining as for the local connection.
            vars:
                - name: ansible_pipelining
"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):
    """The local connection with its own transport name."""

    transport = 'solidfire_test_local'
