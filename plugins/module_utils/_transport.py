# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTPS POST that ends within the time it is given, whatever the server does. Private to the collection.

requests' timeout bounds each socket read, not a request, and a server that drips a byte at a time never trips it:
so each exchange runs in a worker thread that the caller stops waiting for when its time is up, and whose sockets
are then shut down. The body is streamed and capped (_answer_limits.py). This is the only file that speaks HTTP.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import socket
import threading
import time
import weakref

from ansible_collections.solidfire.element.plugins.module_utils._answer_limits import read_capped
from ansible_collections.solidfire.element.plugins.module_utils._errors import (
    ElementError,
    ElementTLSError,
    ElementTransientError,
)

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the target's Python
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

# The text types of the running Python: Python 2.7 targets also have unicode.
STRING_TYPES = (str, type(b''.decode('ascii')))
# After a request's time is up its sockets are shut down; this long is left for its thread to unwind.
ABORT_GRACE_SECONDS = 0.2


class Answer:
    """What came back: the HTTP status, the body, and the server's clock (its Date header, as epoch seconds, and
    when it arrived on ours), or None without a readable Date."""

    __slots__ = ('status', 'content', 'server_time', 'received')

    def __init__(self, status, content, server_time, received):
        self.status = status
        self.content = content
        self.server_time = server_time
        self.received = received


class Transport:
    """One requests.Session to one URL: Basic auth, TLS verification, connections reused across requests.

    redact: a callable that takes the secret out of a text (every message built here passes through it).
    """

    def __init__(self, url, auth, verify, redact, session=None):
        self.url = url
        self._redact = redact
        self._connections = weakref.WeakSet()
        if session is None:
            session = requests.Session()
            session.mount('https://', _tracking_adapter(self._connections))
        self._session = session
        self._session.auth = auth
        # Given on every request: requests lets REQUESTS_CA_BUNDLE in the environment override Session.verify.
        self._verify = verify
        self._session.headers.update({'Content-Type': 'application/json', 'Accept': 'application/json'})

    def close(self):
        self._session.close()

    def abort(self):
        """From another thread: cut off the request in flight, which then ends at once as a transient error."""
        for connection in list(self._connections):
            sock = getattr(connection, 'sock', None)
            if sock is None:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)
            # Already closed, or never connected: nothing to stop.
            except Exception:  # pylint: disable=broad-except
                pass

    def post(self, method, body, seconds):
        """The Answer to one POST, all of it (connect, TLS, request, headers, body) within `seconds`."""
        outcome = {}
        finished = threading.Event()

        def exchange():
            try:
                outcome['answer'] = self._post_and_read(method, body, seconds)
            # Whatever fails is handed over to the waiting thread, which raises it.
            except Exception as exc:  # pylint: disable=broad-except
                outcome['error'] = exc
            finally:
                finished.set()

        worker = threading.Thread(target=exchange, name='solidfire-element-request')
        worker.daemon = True  # a request we stopped waiting for never keeps the process alive
        worker.start()
        if not finished.wait(seconds):
            self.abort()
            finished.wait(ABORT_GRACE_SECONDS)
            raise ElementTransientError(
                'No complete answer from %s to %s within %.1f s (http_timeout, or what was left of wait_timeout); '
                'the request was abandoned.' % (self.url, method, seconds), reached=False)
        if 'error' in outcome:
            raise outcome['error']
        return outcome['answer']

    def _post_and_read(self, method, body, seconds):
        try:
            response = self._session.post(self.url, json=body, timeout=(seconds, seconds), verify=self._verify,
                                          stream=True)
        except requests.exceptions.SSLError as exc:
            raise ElementTLSError(self._redact(
                'TLS verification of %s failed: %s. Give the cluster CA with ca_path, or set validate_certs: false '
                'only on a trusted network.' % (self.url, root_cause(exc))))
        except requests.exceptions.Timeout:
            raise ElementTransientError('No answer from %s within %.1f s (http_timeout).' % (self.url, seconds),
                                        reached=False)
        except requests.exceptions.ConnectionError as exc:
            raise ElementTransientError(self._redact('Cannot connect to %s: %s' % (self.url, root_cause(exc))),
                                        reached=False)
        except requests.exceptions.RequestException as exc:
            raise ElementError(self._redact('Request to %s failed: %s' % (self.url, root_cause(exc))))
        try:
            content = read_capped(response, self.url, method, lambda exc, received: self._redact(
                'The answer of %s to %s broke off after %d bytes: %s' % (self.url, method, received, root_cause(exc))))
            return Answer(response.status_code, content, _date(response), time.time())
        finally:
            response.close()


def _date(response):
    """The server's clock from its Date header (RFC 7231), as epoch seconds; None when there is none to read."""
    try:
        parsed = email.utils.parsedate_tz(response.headers.get('Date'))
    except (TypeError, ValueError, AttributeError, IndexError):
        return None
    return email.utils.mktime_tz(parsed) if parsed else None


def _tracking_adapter(connections):
    """A requests HTTPAdapter whose HTTPS pools add every connection they open to `connections`, so that an
    abandoned request's socket can be shut down. Only public attributes of urllib3's pool manager are used; if
    they ever change, requests still end on time, only their sockets linger until the process ends."""
    adapter_class = requests.adapters.HTTPAdapter

    class TrackingAdapter(adapter_class):
        def init_poolmanager(self, *args, **kwargs):
            adapter_class.init_poolmanager(self, *args, **kwargs)
            manager = self.poolmanager
            pools = getattr(manager, 'pool_classes_by_scheme', None)
            if not isinstance(pools, dict) or 'https' not in pools:
                return
            base = pools['https']

            class TrackingPool(base):
                def _new_conn(self):
                    connection = base._new_conn(self)  # pylint: disable=protected-access
                    connections.add(connection)
                    return connection

            manager.pool_classes_by_scheme = dict(pools, https=TrackingPool)

    return TrackingAdapter()


def root_cause(exc):
    """The innermost reason of a requests/urllib3 error, without the long wrapper chain."""
    reason = exc
    for _depth in range(5):
        inner = getattr(reason, 'reason', None) or (reason.args[0] if getattr(reason, 'args', None) else None)
        if inner is None or inner is reason or isinstance(inner, STRING_TYPES):
            break
        reason = inner
    return str(reason)
