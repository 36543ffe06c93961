# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's error classes, and which Element error name means what. Private to the collection.

Each class says what a caller should do: retry (ElementTransientError), fail at once (the others), or tell the user
the handle is gone (ElementHandleGone). str() of every one is a message meant for the user, already redacted.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# API errors that mean "that async handle no longer exists": consumed by a read without keepResult, or expired.
GONE_NAMES = frozenset(('xDBNoSuchPath', 'xAsyncHandleDoesNotExist'))
# The endpoint or method itself is wrong: retrying cannot help.
ENDPOINT_NAMES = frozenset(('xUnknownAPIMethod', 'xUnknownAPIVersion', 'xUnknownRPCMethod'))
# Cluster-side conditions that pass: database contention, a master moving, limits that free up (clone, snapshot and
# bulk volume job slots: a backup waits for a slot as a clone does).
TRANSIENT_NAMES = frozenset(('xDBVersionMismatch', 'xNotPrimary', 'xNotReadyForIO', 'xSliceNotRegistered'))
TRANSIENT_PREFIXES = ('xDB', 'xMaxClones', 'xMaxSnapshots', 'xMaxBulkVolumeJobs')


class ElementError(Exception):
    """Base class of every error this client raises; str() is a message meant for the user."""


class ElementInputError(ElementError, ValueError):
    """A connection option is malformed; nothing was sent."""


class ElementAuthError(ElementError):
    """HTTP 401: wrong or missing credentials. Never retried."""


class ElementTLSError(ElementError):
    """The server certificate could not be verified. Never retried."""


class ElementEndpointError(ElementError):
    """HTTP 404 or an unknown method/version: the URL or api_version is wrong. Never retried."""


class ElementAPIError(ElementError):
    """The API answered with a JSON-RPC error that retrying will not fix."""

    def __init__(self, name, message, code=None):
        super(ElementAPIError, self).__init__('%s: %s' % (name, message))
        self.name = name
        self.api_message = message
        self.code = code


class ElementHandleGone(ElementAPIError):
    """The async handle does not exist any more (consumed or expired)."""

    def __init__(self, handle, name, message, code=None):
        super(ElementHandleGone, self).__init__(name, message, code)
        self.handle = handle


class ElementAnswerTooLarge(ElementError):
    """An answer past the limits of _answer_limits.py: not an Element answer (a proxy or server gone wrong). Never
    retried."""


class ElementTransientError(ElementError):
    """A failure that may pass (connection reset, 5xx, non-JSON body, xDBVersionMismatch, ...).

    ``reached`` is False when no HTTP answer came back at all (refused, reset, timed out, unresolvable).
    """

    def __init__(self, message, name=None, reached=True):
        super(ElementTransientError, self).__init__(message)
        self.name = name
        self.reached = reached


def classify_api_error(name, message, code=None):
    """Turn a JSON-RPC error object into the exception class a caller should see."""
    if name in ENDPOINT_NAMES:
        return ElementEndpointError('%s: %s' % (name, message))
    if name in GONE_NAMES:
        return ElementAPIError(name, message, code)
    if name in TRANSIENT_NAMES or name.startswith(TRANSIENT_PREFIXES):
        return ElementTransientError('%s: %s' % (name, message), name=name)
    return ElementAPIError(name, message, code)
