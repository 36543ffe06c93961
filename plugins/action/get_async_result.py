# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of solidfire.element.get_async_result (see plugin_utils/_element_action.py)."""

from __future__ import annotations

from ansible_collections.solidfire.element.plugins.module_utils._get_async_result import GET_ASYNC_RESULT
from ansible_collections.solidfire.element.plugins.plugin_utils._element_action import ElementActionBase


class ActionModule(ElementActionBase):
    """Waits in-process on a local connection, else runs the module on the target."""

    MODULE_NAME = 'solidfire.element.get_async_result'
    TASK = GET_ASYNC_RESULT
