# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A clock that only moves when told, so nothing in the unit tests sleeps (the `clock` fixture is one of these)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class FakeClock:
    """Callable like time.monotonic; its sleep() advances it and records how long was asked."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds
