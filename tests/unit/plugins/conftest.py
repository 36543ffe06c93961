# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for every unit test under plugins/: a developer's or CI's own SOLIDFIRE_* settings never reach them, and
`clock`, a clock that only moves when told (FakeClock), so nothing sleeps."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.solidfire.element.tests.unit.plugins.fake_clock import FakeClock

SOLIDFIRE_ENV = ('SOLIDFIRE_HOSTNAME', 'SOLIDFIRE_USERNAME', 'SOLIDFIRE_PASSWORD', 'SOLIDFIRE_PORT',
                 'SOLIDFIRE_API_VERSION', 'SOLIDFIRE_VALIDATE_CERTS', 'SOLIDFIRE_CA_PATH')


@pytest.fixture(autouse=True)
def no_solidfire_env(monkeypatch):
    for name in SOLIDFIRE_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock():
    return FakeClock()
