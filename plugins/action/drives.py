# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of solidfire.element.drives (see plugin_utils/_element_action.py).

Its jobs run for minutes to hours; with wait: true, in-process, the wait prints the same progress lines as
get_async_result instead of going silent.
"""

from __future__ import annotations

from ansible_collections.solidfire.element.plugins.module_utils._drives import DRIVES
from ansible_collections.solidfire.element.plugins.plugin_utils._element_action import ElementActionBase


class ActionModule(ElementActionBase):
    """Starts the job (and waits) in-process on a local connection, else runs the module on the target."""

    MODULE_NAME = 'solidfire.element.drives'
    TASK = DRIVES
