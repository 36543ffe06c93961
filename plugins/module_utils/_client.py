# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport to the Element JSON-RPC API: one HTTPS session, Basic auth, TLS, the envelope, error classes.

Private to the collection: no compatibility promise for code outside it.
This file runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
It never loops or sleeps: retrying belongs to the caller that owns the deadline (see _retry.py).

Every request ends within the time it is given, whatever the server does: it runs in a worker thread that the
caller stops waiting for when its time is up (and whose sockets are then shut down), because requests' timeout
bounds each socket read, not a request, and a server that drips a byte at a time never trips it. Answers are
streamed and abandoned past MAX_ANSWER_BYTES, so an endless body cannot exhaust memory. An answer is classified by
its content first: a JSON-RPC error envelope decides by its error name whatever the HTTP status.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
import socket
import threading
import weakref

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the target's Python
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

# The text and integer types of the running Python: Python 2.7 targets also have unicode and long.
STRING_TYPES = (str, type(b''.decode('ascii')))
INTEGER_TYPES = (int, type(2 ** 64))

# API errors that mean "that async handle no longer exists": consumed by a read without keepResult, or expired.
GONE_NAMES = frozenset(('xDBNoSuchPath', 'xAsyncHandleDoesNotExist'))
# The endpoint or method itself is wrong: retrying cannot help.
ENDPOINT_NAMES = frozenset(('xUnknownAPIMethod', 'xUnknownAPIVersion', 'xUnknownRPCMethod'))
# Cluster-side conditions that pass: database contention, a master moving, limits that free up.
TRANSIENT_NAMES = frozenset(('xDBVersionMismatch', 'xNotPrimary', 'xNotReadyForIO', 'xSliceNotRegistered'))
TRANSIENT_PREFIXES = ('xDB', 'xMaxClones', 'xMaxSnapshots')

API_VERSION_PATTERN = re.compile(r'^[0-9]{1,2}\.[0-9]{1,2}\Z')
HOST_LABEL_PATTERN = re.compile(r'^(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z')
PORT_PATTERN = re.compile(r'^[0-9]{1,5}\Z')
REDACTED = '********'
MAX_BODY_EXCERPT = 200
# The largest realistic answer is ListVolumes of a full cluster: 4000 volumes (GetLimits volumeCountMax) of about
# 2 KiB each with 1 KB of attributes is 8 MiB, twice that with as many deleted volumes awaiting purge.
# ListAsyncResults with 20000 kept results is under 5 MiB. See docs/troubleshooting.md.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
# Parsed JSON costs 30 to 100 bytes of memory per value: a body of 16 MiB of tiny values ([[],[],...]) would
# take 360 MiB. So an answer is not parsed when it holds more values (counted by their separators) than this;
# the 8 MiB ListVolumes answer of a full cluster holds about 600000, ListAsyncResults with 20000 results 500000.
MAX_ANSWER_VALUES = 1000000
READ_CHUNK_BYTES = 64 * 1024
# After a request's time is up its sockets are shut down; this long is left for its thread to unwind.
ABORT_GRACE_SECONDS = 0.2


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
    """An answer larger than MAX_ANSWER_BYTES: not an Element answer (a proxy or server gone wrong). Never retried."""


class ElementTransientError(ElementError):
    """A failure that may pass (connection reset, 5xx, non-JSON body, xDBVersionMismatch, ...).

    ``reached`` is False when no HTTP answer came back at all (refused, reset, timed out, unresolvable).
    """

    def __init__(self, message, name=None, reached=True):
        super(ElementTransientError, self).__init__(message)
        self.name = name
        self.reached = reached


def validate_api_version(api_version):
    """Return api_version as a string like '12.3' or raise ElementInputError."""
    text = str(api_version) if api_version is not None else ''
    if not API_VERSION_PATTERN.match(text):
        raise ElementInputError(
            "api_version %r is not of the form MAJOR.MINOR (for example '12.3'); "
            "use one of the versions your cluster lists in GetAPI supportedVersions." % (text,))
    return text


def _is_ipv6(text):
    try:
        socket.inet_pton(socket.AF_INET6, text)
    except (socket.error, ValueError, AttributeError):
        return False
    return True


def _is_dns_name_or_ipv4(text):
    if len(text) > 253:
        return False
    labels = text[:-1].split('.') if text.endswith('.') else text.split('.')
    return all(HOST_LABEL_PATTERN.match(label) for label in labels)


def split_hostname(hostname):
    """Split 'host', 'host:port', '[v6]' or '[v6]:port' into (host, port or None).

    Rejects anything that could change the request line: schemes, paths, queries, credentials, white space.
    """
    if not isinstance(hostname, STRING_TYPES) or not hostname:
        raise ElementInputError('hostname must be a non-empty string: the cluster MVIP or its DNS name.')
    problems = [('://', 'a scheme'), ('/', 'a path'), ('?', 'a query'), ('#', 'a fragment'), ('@', 'credentials')]
    for needle, what in problems:
        if needle in hostname:
            raise ElementInputError(
                'hostname %r contains %s; give only the MVIP or DNS name, optionally with :port '
                "(for example '10.0.0.5' or 'cluster.example.com:443')." % (hostname, what))
    if re.search(r'\s', hostname):
        raise ElementInputError('hostname %r contains white space or a line break.' % (hostname,))
    host, port = hostname, None
    if hostname.startswith('['):
        match = re.match(r'^\[([^\]]+)\](?::([^:]*))?\Z', hostname)
        if not match or not _is_ipv6(match.group(1)):
            raise ElementInputError('hostname %r is not a valid bracketed IPv6 address.' % (hostname,))
        host, port = match.group(1), match.group(2)
    elif _is_ipv6(hostname):
        host = hostname
    elif hostname.count(':') == 1:
        host, port = hostname.split(':')
    if port is not None:
        if not PORT_PATTERN.match(port) or not 0 < int(port) < 65536:
            raise ElementInputError('hostname %r carries an invalid port; use a number from 1 to 65535.' % (hostname,))
        port = int(port)
    if not _is_ipv6(host) and not _is_dns_name_or_ipv4(host):
        raise ElementInputError('hostname %r is not a valid DNS name or IP address.' % (hostname,))
    return host, port


def secret_forms(secret):
    """The password as an echoing cluster or proxy may send it back: as is, JSON-escaped, and as its UTF-8
    bytes read as Latin-1 (how a body without a charset decodes). Longest first, so no form is half replaced."""
    forms = set([secret])
    for make in (lambda s: json.dumps(s)[1:-1],
                 lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
                 lambda s: s.encode('utf-8').decode('latin-1')):
        try:
            forms.add(make(secret))
        except (UnicodeError, TypeError, ValueError, AttributeError):  # pragma: no cover - Python 2 byte strings
            pass
    return sorted((form for form in forms if form), key=len, reverse=True)


def redact(text, secret):
    """Replace every form of secret in text; used on every message that leaves this module."""
    if not isinstance(text, STRING_TYPES):
        text = str(text)
    if secret:
        for form in secret_forms(secret):
            text = text.replace(form, REDACTED)
    return text


def redact_values(value, secret):
    """value with every form of secret replaced in every string it holds (dict keys and values, lists)."""
    if not secret:
        return value
    return _replace_forms(value, secret_forms(secret))


def _replace_forms(value, forms):
    # The forms are worked out once per result, not once per string in it.
    if isinstance(value, dict):
        return dict((_replace_forms(key, forms), _replace_forms(item, forms)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_replace_forms(item, forms) for item in value]
    if isinstance(value, STRING_TYPES):
        for form in forms:
            value = value.replace(form, REDACTED)
    return value


def classify_api_error(name, message, code=None):
    """Turn a JSON-RPC error object into the exception class a caller should see."""
    if name in ENDPOINT_NAMES:
        return ElementEndpointError('%s: %s' % (name, message))
    if name in GONE_NAMES:
        return ElementAPIError(name, message, code)
    if name in TRANSIENT_NAMES or name.startswith(TRANSIENT_PREFIXES):
        return ElementTransientError('%s: %s' % (name, message), name=name)
    return ElementAPIError(name, message, code)


class Endpoint:
    """Where the API answers, already checked: host (an IPv6 address without brackets), TCP port, API version.

    Made once per task by parse_endpoint, so the client never splits a hostname again.
    """

    def __init__(self, host, port, api_version):
        self.host = host
        self.port = port
        self.api_version = api_version

    @property
    def url(self):
        netloc = '[%s]' % self.host if ':' in self.host else self.host
        return 'https://%s:%d/json-rpc/%s' % (netloc, self.port, self.api_version)


def parse_endpoint(hostname, port=443, api_version='12.3'):
    """The Endpoint of hostname ('host', 'host:port', IPv6, '[v6]:port'), port and api_version; raises
    ElementInputError for the first problem. A port in hostname wins over port."""
    host, host_port = split_hostname(hostname)
    version = validate_api_version(api_version)
    port = host_port or port
    if isinstance(port, bool) or not isinstance(port, INTEGER_TYPES) or not 0 < port < 65536:
        raise ElementInputError('port %r is not a TCP port number from 1 to 65535.' % (port,))
    return Endpoint(host, port, version)


class ElementClient:
    """One cluster endpoint, one requests.Session: connections are reused across polls of one task.

    endpoint: an Endpoint (see parse_endpoint). Needs requests unless a session is given; the task frame
    refuses a task on a host without it before any client is made (_common.requests_missing).
    """

    def __init__(self, endpoint, username, password, validate_certs=True, ca_path=None, http_timeout=30.0,
                 session=None):
        self.host = endpoint.host
        self.port = endpoint.port
        self.api_version = endpoint.api_version
        self.url = endpoint.url
        self.username = username
        self._password = password
        self.http_timeout = float(http_timeout)
        # what sibling() needs; an injected session (tests) is shared, a real client's sibling opens its own
        self._settings = dict(endpoint=endpoint, username=username, password=password, validate_certs=validate_certs,
                              ca_path=ca_path, http_timeout=http_timeout, session=session)
        self._connections = weakref.WeakSet()
        if session is None:
            session = requests.Session()
            session.mount('https://', _tracking_adapter(self._connections))
        self._session = session
        # UTF-8 (RFC 7617): requests would encode text as latin-1 and fail on any other character.
        self._session.auth = (_utf8(username), _utf8(password))
        # Given on every request: requests lets REQUESTS_CA_BUNDLE in the environment override Session.verify.
        self._verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if not validate_certs and HAS_REQUESTS:
            # The caller turns this into one task warning; urllib3's per-request warning would repeat it every poll.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)
        self._session.headers.update({'Content-Type': 'application/json', 'Accept': 'application/json'})
        self._request_id = 0

    def close(self):
        self._session.close()

    def sibling(self):
        """Another client of the same endpoint and credentials with connections of its own: requests can run
        beside this client's (see _burst.py), and cutting one off never touches the other's sockets."""
        return ElementClient(**self._settings)

    def abort(self):
        """From another thread: cut off the request in flight, which then ends at once as a transient error."""
        self._abort_connections()

    def call(self, method, params=None, timeout=None):
        """POST one JSON-RPC request; return its 'result' or raise an ElementError subclass.

        The whole exchange (connect, TLS, request, headers, body) ends within `timeout` seconds (http_timeout
        when not given).
        """
        self._request_id += 1
        request_id = self._request_id
        body = {'method': method, 'params': params or {}, 'id': request_id}
        seconds = float(timeout if timeout is not None else self.http_timeout)
        status, content = self._exchange(method, body, seconds)
        return self._parse(method, status, content, request_id)

    def get_async_result(self, handle, keep_result=True, timeout=None):
        """GetAsyncResult; a missing handle raises ElementHandleGone (the only place that name means 'gone')."""
        try:
            return self.call('GetAsyncResult', {'asyncHandle': handle, 'keepResult': bool(keep_result)}, timeout)
        except ElementAPIError as exc:
            if exc.name in GONE_NAMES:
                raise ElementHandleGone(handle, exc.name, exc.api_message, exc.code)
            raise

    def list_sync_jobs(self, timeout=None):
        """ListSyncJobs: every running sync job (clone slices among them) with its progress figures."""
        return self.call('ListSyncJobs', {}, timeout).get('syncJobs', [])

    def list_async_results(self, result_types=None, timeout=None):
        """ListAsyncResults' entries. An answer without an asyncHandles list (a proxy's, a cluster's in trouble) is
        transient: read as an empty list, it would make every job a caller watches look gone."""
        params = {'asyncResultTypes': list(result_types)} if result_types else {}
        entries = self.call('ListAsyncResults', params, timeout).get('asyncHandles')
        if not isinstance(entries, list):
            raise ElementTransientError('%s answered ListAsyncResults without an asyncHandles list (%s).'
                                        % (self.url, 'missing' if entries is None else type(entries).__name__))
        return entries

    # ------------------------------------------------------------------------------------------ transport
    def _exchange(self, method, body, seconds):
        """(HTTP status, body bytes) of one POST, all of it within `seconds`, or an ElementError."""
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
            self._abort_connections()
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
                'only on a trusted network.' % (self.url, _root_cause(exc))))
        except requests.exceptions.Timeout:
            raise ElementTransientError('No answer from %s within %.1f s (http_timeout).' % (self.url, seconds),
                                        reached=False)
        except requests.exceptions.ConnectionError as exc:
            raise ElementTransientError(self._redact('Cannot connect to %s: %s' % (self.url, _root_cause(exc))),
                                        reached=False)
        except requests.exceptions.RequestException as exc:
            raise ElementError(self._redact('Request to %s failed: %s' % (self.url, _root_cause(exc))))
        try:
            return response.status_code, self._read_body(method, response)
        finally:
            response.close()

    def _read_body(self, method, response):
        """The body, read in chunks and abandoned once it passes MAX_ANSWER_BYTES."""
        announced = _content_length(response)
        if announced is not None and announced > MAX_ANSWER_BYTES:
            raise self._too_large(method, 'it announced %s (Content-Length)' % _mib(announced))
        content = bytearray()
        try:
            for chunk in response.iter_content(READ_CHUNK_BYTES):
                content += chunk
                if len(content) > MAX_ANSWER_BYTES:
                    raise self._too_large(method, '%s arrived before it was abandoned' % _mib(len(content)))
        except ElementError:
            raise
        # Any break of the stream (a reset, IncompleteRead, a socket shut down when the time was up) is transient.
        except Exception as exc:  # pylint: disable=broad-except
            raise ElementTransientError(self._redact(
                'The answer of %s to %s broke off after %d bytes: %s' % (self.url, method, len(content), _root_cause(exc))))
        return bytes(content)

    def _too_large(self, method, how_much):
        return ElementAnswerTooLarge(
            'The answer of %s to %s is larger than the %s an Element answer can be (%s). A proxy or the server '
            'sends something else; check what answers at that address. Nothing was retried.'
            % (self.url, method, _mib(MAX_ANSWER_BYTES), how_much))

    def _abort_connections(self):
        """Shut down this client's sockets: a worker thread blocked reading one then returns at once."""
        for connection in list(self._connections):
            sock = getattr(connection, 'sock', None)
            if sock is None:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)
            # Already closed, or never connected: nothing to stop.
            except Exception:  # pylint: disable=broad-except
                pass

    # ------------------------------------------------------------------------------------------ answers
    def _parse(self, method, status, content, request_id):
        """The 'result' of an answer, classified by its content first, then by its HTTP status."""
        if status == 401:
            raise ElementAuthError(
                'The cluster at %s rejected the credentials of user %r (HTTP 401). Check username and password; '
                'nothing was retried.' % (self.url, self.username))
        values = _count_values(content)
        if values > MAX_ANSWER_VALUES:
            raise self._too_large(method, 'it holds about %d values, more than the %d one can parse safely'
                                  % (values, MAX_ANSWER_VALUES))
        envelope = _json_or_none(content)
        error = envelope.get('error') if isinstance(envelope, dict) else None
        if isinstance(error, dict):
            # Which HTTP status carries an API error is documented nowhere: the name decides.
            name = str(error.get('name') or 'xUnknownError')
            raise classify_api_error(name, self._redact(error.get('message', '')), error.get('code'))
        if status == 404:
            raise ElementEndpointError(
                'The cluster at %s:%d does not serve API version %s (HTTP 404 for %s). Set api_version to one of '
                'the versions GetAPI lists in supportedVersions.' % (self.host, self.port, self.api_version, self.url))
        if status >= 500:
            raise ElementTransientError('HTTP %d from %s: %s' % (status, self.url, self._excerpt(content)))
        if status != 200:
            raise ElementError('HTTP %d from %s: %s' % (status, self.url, self._excerpt(content)))
        if envelope is None:
            raise ElementTransientError('%s answered %s with a body that is not JSON: %s'
                                        % (self.url, method, self._excerpt(content)))
        if not isinstance(envelope, dict):
            raise ElementTransientError('%s answered %s with JSON that is not an object.' % (self.url, method))
        if envelope.get('id') is not None and envelope.get('id') != request_id:
            raise ElementTransientError('%s answered %s with the answer to another request (id %r, not %d).'
                                        % (self.url, method, envelope.get('id'), request_id))
        result = envelope.get('result')
        if not isinstance(result, dict):
            raise ElementTransientError('%s answered %s without a result object.' % (self.url, method))
        return result

    def _excerpt(self, content):
        # Read as UTF-8 whatever the headers say (Element speaks UTF-8); redact before cutting, so a password
        # that straddles the cut cannot leave a prefix behind.
        text = (content or b'').decode('utf-8', 'replace')
        text = self._redact(re.sub(r'\s+', ' ', text).strip())
        if len(text) > MAX_BODY_EXCERPT:
            text = text[:MAX_BODY_EXCERPT] + '...'
        return text or '(empty body)'

    def _redact(self, text):
        return redact(text, self._password)


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


def _content_length(response):
    try:
        return int(response.headers.get('Content-Length'))
    except (TypeError, ValueError, AttributeError):
        return None


def _count_values(content):
    """An upper bound on the values a JSON body holds: its separators and openings (C-speed byte counts)."""
    return sum(content.count(mark) for mark in (b'[', b'{', b',', b':'))


def _json_or_none(content):
    """The decoded JSON of a body, or None when it is not JSON (in UTF-8) at all."""
    try:
        return json.loads(content.decode('utf-8'))
    except (ValueError, UnicodeError, RuntimeError):  # RuntimeError: nesting too deep
        return None


def _mib(size):
    return '%.1f MiB' % (size / 1048576.0)


def _utf8(text):
    return text.encode('utf-8') if not isinstance(text, bytes) else text


def _root_cause(exc):
    """The innermost reason of a requests/urllib3 error, without the long wrapper chain."""
    reason = exc
    for _depth in range(5):
        inner = getattr(reason, 'reason', None) or (reason.args[0] if getattr(reason, 'args', None) else None)
        if inner is None or inner is reason or isinstance(inner, STRING_TYPES):
            break
        reason = inner
    return str(reason)
