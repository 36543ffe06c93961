# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Element simulator for the unit tests that run a task or the event source against a real HTTPS endpoint:
start one (launch.py), call it (simctl's one client), and the connection options that reach it."""

from __future__ import annotations

import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *([os.pardir] * 3)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))

# pylint: disable=wrong-import-position
import simctl  # noqa: E402
from launch import launch  # noqa: E402

__all__ = ['ROOT', 'Sim', 'launch']


class Sim:
    """Control calls to a launched simulator (Sim* methods and ordinary API calls), through simctl's one."""

    def __init__(self, launched):
        self.launched = launched

    def call(self, method, params=None):
        answer = simctl.call(self.launched.url + '/json-rpc/12.3', method, params or {},
                             auth=(self.launched.username, self.launched.password), ca=self.launched.ca)
        assert 'error' not in answer, answer
        return answer['result']

    def calls(self, method=None):
        """The call log (non-Sim requests), of one method when given."""
        return [call for call in self.call('SimCallLog')['calls'] if method is None or call['method'] == method]

    def args(self, **extra):
        """The connection options of a task (or the source) that reaches this simulator."""
        args = dict(hostname=self.launched.hostport, username=self.launched.username, password=self.launched.password,
                    ca_path=self.launched.ca)
        args.update(extra)
        return args
