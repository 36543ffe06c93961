# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Element JSON-RPC client: the parsed endpoint, the envelope, what an answer means, redaction.

Private to the collection: no compatibility promise for code outside it.
This file runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
It never loops or sleeps: retrying belongs to the caller that owns the deadline (see _retry.py). The exchange
itself, which ends within its time whatever the server does, is _transport.py; how much of an answer is held,
_answer_limits.py; the error classes, _errors.py (importable from here too). An answer is classified by its
content first: a JSON-RPC error envelope decides by its error name whatever the HTTP status.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
import socket

from ansible_collections.solidfire.element.plugins.module_utils._answer_limits import (
    MAX_ANSWER_BYTES,
    MAX_ANSWER_VALUES,
    decode,
)
from ansible_collections.solidfire.element.plugins.module_utils._errors import (
    GONE_NAMES,
    ElementAnswerTooLarge,
    ElementAPIError,
    ElementAuthError,
    ElementEndpointError,
    ElementError,
    ElementHandleGone,
    ElementInputError,
    ElementTLSError,
    ElementTransientError,
    classify_api_error,
)
from ansible_collections.solidfire.element.plugins.module_utils._transport import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    STRING_TYPES,
    Transport,
    requests,
)

# What callers import from here: the client, and the error classes and limits that describe its answers.
__all__ = ['ElementClient', 'Endpoint', 'parse_endpoint', 'split_hostname', 'validate_api_version', 'redact',
           'redact_values', 'redact_fields', 'redact_secrets', 'secret_values', 'secret_forms', 'SECRET_FIELDS',
           'HAS_REQUESTS', 'REQUESTS_IMPORT_ERROR', 'STRING_TYPES', 'INTEGER_TYPES',
           'MAX_ANSWER_BYTES', 'MAX_ANSWER_VALUES', 'ElementAnswerTooLarge', 'ElementAPIError', 'ElementAuthError',
           'ElementEndpointError', 'ElementError', 'ElementHandleGone', 'ElementInputError', 'ElementTLSError',
           'ElementTransientError']

# The text and integer types of the running Python: Python 2.7 targets also have unicode and long.
INTEGER_TYPES = (int, type(2 ** 64))

API_VERSION_PATTERN = re.compile(r'^[0-9]{1,2}\.[0-9]{1,2}\Z')
HOST_LABEL_PATTERN = re.compile(r'^(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z')
PORT_PATTERN = re.compile(r'^[0-9]{1,5}\Z')
REDACTED = '********'
MAX_BODY_EXCERPT = 200


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


# Keys whose values are secrets wherever an answer holds them: a bulk volume job's scriptParameters (the S3 secret key,
# the destination cluster's password), an account's CHAP secrets. A cluster may echo them back; a task, a progress
# line or an event never shows them, whoever started the job.
SECRET_FIELDS = frozenset(('password', 'awssecretaccesskey', 'secretaccesskey', 'initiatorsecret', 'targetsecret'))


def redact_fields(value):
    """value with the value of every SECRET_FIELDS key (any case, at any depth) replaced by REDACTED."""
    if isinstance(value, dict):
        return dict((key, REDACTED if isinstance(key, STRING_TYPES) and key.lower() in SECRET_FIELDS and item
                     else redact_fields(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [redact_fields(item) for item in value]
    return value


def secret_values(value):
    """The text values under SECRET_FIELDS keys anywhere in value: what a cluster echoed of a job's secrets, so that
    the same secret is redacted where the cluster repeats it in free text (an error message) too."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, STRING_TYPES) and key.lower() in SECRET_FIELDS and isinstance(item, STRING_TYPES):
                if item and item != REDACTED:
                    found.add(item)
            else:
                found |= secret_values(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= secret_values(item)
    return found


def redact_secrets(value, secrets):
    """value with every form of each of secrets replaced (longest first, so none is half replaced)."""
    for secret in sorted(secrets, key=len, reverse=True):
        value = redact_values(value, secret)
    return value


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
    """One cluster endpoint, one Transport: connections are reused across polls of one task.

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
        if not validate_certs and HAS_REQUESTS:
            # The caller turns this into one task warning; urllib3's per-request warning would repeat it every poll.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)
        # UTF-8 (RFC 7617): requests would encode text as latin-1 and fail on any other character.
        self._transport = Transport(self.url, (_utf8(username), _utf8(password)),
                                    ca_path if (validate_certs and ca_path) else bool(validate_certs),
                                    self._redact, session=session)
        self._request_id = 0
        # (the server's clock, ours) when the last JSON-RPC answer with a Date header came
        self.server_clock = None

    def close(self):
        self._transport.close()

    def sibling(self):
        """Another client of the same endpoint and credentials with connections of its own: requests can run
        beside this client's (see _burst.py), and cutting one off never touches the other's sockets."""
        return ElementClient(**self._settings)

    def abort(self):
        """From another thread: cut off the request in flight, which then ends at once as a transient error."""
        self._transport.abort()

    def clock_offset(self):
        """Seconds the cluster's clock is ahead of ours, from its last answer's Date header (whole seconds), or
        None when no answer has carried one."""
        if self.server_clock is None:
            return None
        server, ours = self.server_clock
        return server - ours

    def call(self, method, params=None, timeout=None, shape=None):
        """POST one JSON-RPC request; return its 'result' or raise an ElementError subclass.

        The whole exchange (connect, TLS, request, headers, body) ends within `timeout` seconds (http_timeout
        when not given). shape: see _answer_limits.decode.
        """
        self._request_id += 1
        request_id = self._request_id
        body = {'method': method, 'params': params or {}, 'id': request_id}
        seconds = float(timeout if timeout is not None else self.http_timeout)
        answer = self._transport.post(method, body, seconds)
        result = self._parse(method, answer.status, answer.content, request_id, shape)
        if answer.server_time is not None:
            self.server_clock = (answer.server_time, answer.received)
        return result

    def get_async_result(self, handle, keep_result=True, timeout=None):
        """GetAsyncResult; a missing handle raises ElementHandleGone (the only place that name means 'gone')."""
        try:
            return self.call('GetAsyncResult', {'asyncHandle': handle, 'keepResult': bool(keep_result)}, timeout)
        except ElementAPIError as exc:
            if exc.name in GONE_NAMES:
                raise ElementHandleGone(handle, exc.name, exc.api_message, exc.code)
            raise

    def list_sync_jobs(self, timeout=None):
        """ListSyncJobs: every running sync job (clone slices, drive bin syncs) with its progress figures."""
        return self.call('ListSyncJobs', {}, timeout).get('syncJobs', [])

    def list_bulk_volume_jobs(self, timeout=None):
        """ListBulkVolumeJobs: every running bulk volume job (backup or restore) with its progress figures."""
        return self.call('ListBulkVolumeJobs', {}, timeout).get('bulkVolumeJobs', [])

    def list_async_results(self, result_types=None, timeout=None, shape=None):
        """ListAsyncResults' entries. An answer without an asyncHandles list (a proxy's, a cluster's in trouble) is
        transient: read as an empty list, it would make every job a caller watches look gone.

        shape(entry): what to hold of each entry, or None to drop it, while the answer is parsed: a caller that
        needs a few entries of a cluster with 100,000 kept results holds only those.
        """
        params = {'asyncResultTypes': list(result_types)} if result_types else {}
        entries = self.call('ListAsyncResults', params, timeout, shape=shape).get('asyncHandles')
        if not isinstance(entries, list):
            raise ElementTransientError('%s answered ListAsyncResults without an asyncHandles list (%s).'
                                        % (self.url, 'missing' if entries is None else type(entries).__name__))
        return [entry for entry in entries if entry is not None] if shape is not None else entries

    # ------------------------------------------------------------------------------------------ answers
    def _parse(self, method, status, content, request_id, shape=None):
        """The 'result' of an answer, classified by its content first, then by its HTTP status."""
        if status == 401:
            raise ElementAuthError(
                'The cluster at %s rejected the credentials of user %r (HTTP 401). Check username and password; '
                'nothing was retried.' % (self.url, self.username))
        envelope = decode(content, self.url, method, shape=shape)
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


def _utf8(text):
    return text.encode('utf-8') if not isinstance(text, bytes) else text
