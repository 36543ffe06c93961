# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of solidfire.element.group_clone (see plugin_utils/_element_action.py).

A group clone of large volumes can take many minutes; with wait: true, in-process, its wait prints the same progress lines as
get_async_result instead of going silent.
"""

from __future__ import annotations

from ansible_collections.solidfire.element.plugins.module_utils._group_clone import GROUP_CLONE
from ansible_collections.solidfire.element.plugins.plugin_utils._element_action import ElementActionBase


class ActionModule(ElementActionBase):
    """Clones the group (and waits) in-process on a local connection, else runs the module on the target."""

    MODULE_NAME = 'solidfire.element.group_clone'
    TASK = GROUP_CLONE
