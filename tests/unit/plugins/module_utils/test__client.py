# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the client: a fake requests session answers; every error class and input check."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import time

import pytest

requests = pytest.importorskip('requests')

from ansible_collections.solidfire.element.plugins.module_utils._client import (  # noqa: E402
    MAX_ANSWER_BYTES,
    MAX_ANSWER_VALUES,
    ElementAnswerTooLarge,
    ElementAPIError,
    ElementAuthError,
    ElementClient,
    ElementEndpointError,
    ElementError,
    ElementHandleGone,
    ElementInputError,
    ElementTLSError,
    ElementTransientError,
    parse_endpoint,
    split_hostname,
    validate_api_version,
)

PASSWORD = 'S3cret-pw!'
JSON = json  # FakeSession.post takes a `json` argument, as requests does
# In a fake answer's body: answer with the id of the request, as a cluster does.
ECHO = '<the request id>'
LOGIN_PAGE = '<html><head><title>401 Unauthorized.</title></head><body>401 Unauthorized.</body></html>'


class FakeResponse:
    """A streamed requests response: headers, iter_content and close are all the client uses."""

    def __init__(self, status_code=200, body=None, text=None, headers=None, chunks=None):
        self.status_code = status_code
        self.body = body
        self.text = text if text is not None else json.dumps(body)
        self.content = self.text.encode('utf-8')
        self.headers = headers or {}
        self.chunks = chunks
        self.closed = False

    def iter_content(self, chunk_size):
        if self.chunks is not None:
            for chunk in self.chunks:
                if isinstance(chunk, Exception):
                    raise chunk
                yield chunk
            return
        for start in range(0, len(self.content), chunk_size):
            yield self.content[start:start + chunk_size]

    def close(self):
        self.closed = True


class FakeSession:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.posts = []
        self.headers = {}
        self.auth = None
        self.verify = 'unused: requests lets REQUESTS_CA_BUNDLE override it'
        self.request_verify = []
        self.closed = False

    def post(self, url, json=None, timeout=None, verify=None, stream=False):  # pylint: disable=redefined-outer-name
        assert stream, 'answers must be streamed, so that their size can be capped'
        self.posts.append((url, json, timeout))
        self.request_verify.append(verify)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer.body, dict) and answer.body.get('id') == ECHO:
            answer.text = JSON.dumps(dict(answer.body, id=json['id']))
            answer.content = answer.text.encode('utf-8')
        return answer

    def close(self):
        self.closed = True


def ok(result, headers=None):
    return FakeResponse(body={'id': ECHO, 'result': result}, headers=headers)


def api_error(name, message='boom'):
    return FakeResponse(body={'id': ECHO, 'error': {'code': 500, 'name': name, 'message': message}})


def make_client(*answers, **options):
    session = FakeSession(*answers)
    where = dict(hostname='10.0.0.5', port=443, api_version='12.3')
    settings = dict(username='admin', password=PASSWORD, session=session)
    for name, value in options.items():
        (where if name in where else settings)[name] = value
    return ElementClient(parse_endpoint(**where), **settings), session


def test_call_posts_the_envelope_with_auth_and_returns_result():
    client, session = make_client(ok({'asyncHandles': []}), ok({'status': 'running'}))
    assert client.call('ListAsyncResults') == {'asyncHandles': []}
    client.call('GetAsyncResult', {'asyncHandle': 5, 'keepResult': True}, timeout=7)
    url, body, timeout = session.posts[1]
    assert url == 'https://10.0.0.5:443/json-rpc/12.3'
    assert body == {'method': 'GetAsyncResult', 'params': {'asyncHandle': 5, 'keepResult': True}, 'id': 2}
    assert timeout == (7.0, 7.0) and session.posts[0][2] == (30.0, 30.0)
    assert session.auth == (b'admin', PASSWORD.encode('utf-8'))
    assert PASSWORD not in url


def test_one_session_is_reused_for_every_call():
    client, session = make_client(ok({}), ok({}), ok({}))
    for dummy in range(3):
        client.call('GetAPI')
    assert len(session.posts) == 3
    client.close()
    assert session.closed


@pytest.mark.parametrize('options, verify', [
    ({}, True),
    ({'ca_path': '/etc/ca.pem'}, '/etc/ca.pem'),
    ({'validate_certs': False, 'ca_path': '/etc/ca.pem'}, False),
])
def test_tls_verification_is_on_by_default_and_given_on_every_request(options, verify):
    client, session = make_client(ok({}), **options)
    client.call('GetAPI')
    assert session.request_verify == [verify]


@pytest.mark.parametrize('hostname, port, url', [
    ('cluster.example.com', 443, 'https://cluster.example.com:443/json-rpc/12.3'),
    ('10.0.0.5:8443', 443, 'https://10.0.0.5:8443/json-rpc/12.3'),
    ('10.0.0.5', 9443, 'https://10.0.0.5:9443/json-rpc/12.3'),
    ('fd00::5', 443, 'https://[fd00::5]:443/json-rpc/12.3'),
    ('[fd00::5]:4443', 443, 'https://[fd00::5]:4443/json-rpc/12.3'),
])
def test_url_from_hostname_and_port(hostname, port, url):
    client, _session = make_client(hostname=hostname, port=port)
    assert client.url == url


@pytest.mark.parametrize('hostname, fragment', [
    ('https://10.0.0.5', 'a scheme'),
    ('10.0.0.5/json-rpc/12.3', 'a path'),
    ('10.0.0.5?x=1', 'a query'),
    ('admin:pw@10.0.0.5', 'credentials'),
    ('10.0.0.5\r\nHost: evil', 'white space'),
    ('my cluster', 'white space'),
    ('', 'non-empty'),
    ('-bad-.example.com', 'not a valid DNS name'),
    ('10.0.0.5:99999', 'invalid port'),
    ('10.0.0.5:', 'invalid port'),
    ('[fd00::5', 'bracketed IPv6'),
    ('a' * 300, 'not a valid DNS name'),
])
def test_malformed_hostnames_are_rejected_before_any_request(hostname, fragment):
    with pytest.raises(ElementInputError) as raised:
        make_client(hostname=hostname)
    assert fragment in str(raised.value)


def test_split_hostname_keeps_host_and_port():
    assert split_hostname('mvip.example.com:443') == ('mvip.example.com', 443)
    assert split_hostname('mvip') == ('mvip', None)


@pytest.mark.parametrize('version', ['12', 'v12.3', '12.3/../admin', '', None, '12.3.1', '12.3\n'])
def test_malformed_api_versions_are_rejected(version):
    with pytest.raises(ElementInputError) as raised:
        validate_api_version(version)
    assert 'MAJOR.MINOR' in str(raised.value)


def test_http_401_is_an_auth_error_without_the_password():
    client, session = make_client(FakeResponse(401, text=LOGIN_PAGE))
    with pytest.raises(ElementAuthError) as raised:
        client.call('GetAsyncResult', {'asyncHandle': 1})
    assert 'HTTP 401' in str(raised.value) and "'admin'" in str(raised.value)
    assert PASSWORD not in str(raised.value)
    assert len(session.posts) == 1


def test_http_404_names_the_api_version_tried():
    client, _session = make_client(FakeResponse(404, text='<html>Not Found</html>'), api_version='13.9')
    with pytest.raises(ElementEndpointError) as raised:
        client.call('GetAsyncResult')
    assert 'API version 13.9' in str(raised.value) and 'supportedVersions' in str(raised.value)


@pytest.mark.parametrize('answer', [
    FakeResponse(500, text='<html>Internal Server Error</html>'),
    FakeResponse(503, text='Service Unavailable'),
    FakeResponse(200, text='<html><body>maintenance</body></html>'),
    FakeResponse(200, text='{"id": 1, "result": '),
    FakeResponse(200, body=['not', 'an', 'object']),
    FakeResponse(200, body={'id': 1}),
])
def test_server_faults_and_garbage_bodies_are_transient(answer):
    client, _session = make_client(answer)
    with pytest.raises(ElementTransientError) as raised:
        client.call('GetAsyncResult')
    assert raised.value.reached


@pytest.mark.parametrize('exception', [
    requests.exceptions.ConnectionError('Connection refused'),
    requests.exceptions.ReadTimeout('read timed out'),
    requests.exceptions.ConnectTimeout('connect timed out'),
])
def test_transport_failures_are_transient_and_not_reached(exception):
    client, _session = make_client(exception)
    with pytest.raises(ElementTransientError) as raised:
        client.call('GetAsyncResult')
    assert not raised.value.reached


def test_tls_failure_is_fatal_and_says_what_to_do():
    client, _session = make_client(requests.exceptions.SSLError('certificate verify failed: self-signed'))
    with pytest.raises(ElementTLSError) as raised:
        client.call('GetAsyncResult')
    assert 'ca_path' in str(raised.value) and 'certificate verify failed' in str(raised.value)


@pytest.mark.parametrize('name', ['xDBVersionMismatch', 'xNotPrimary', 'xDBConnectionLoss', 'xNotReadyForIO',
                                  'xMaxClonesPerVolumeExceeded', 'xSliceNotRegistered'])
def test_retryable_api_errors_are_transient(name):
    client, _session = make_client(api_error(name))
    with pytest.raises(ElementTransientError) as raised:
        client.call('GetAsyncResult')
    assert raised.value.name == name


@pytest.mark.parametrize('name', ['xUnknownAPIMethod', 'xUnknownAPIVersion', 'xUnknownRPCMethod'])
def test_unknown_method_or_version_is_an_endpoint_error(name):
    client, _session = make_client(api_error(name))
    with pytest.raises(ElementEndpointError):
        client.call('GetAsyncResult')


def test_other_api_errors_are_fatal_with_name_and_message():
    client, _session = make_client(api_error('xPermissionDenied', 'Permission denied.'))
    with pytest.raises(ElementAPIError) as raised:
        client.call('GetAsyncResult')
    assert raised.value.name == 'xPermissionDenied' and 'Permission denied.' in str(raised.value)


@pytest.mark.parametrize('name', ['xDBNoSuchPath', 'xAsyncHandleDoesNotExist'])
def test_both_gone_names_mean_handle_gone(name):
    client, session = make_client(api_error(name, 'Async handle 77 does not exist.'))
    with pytest.raises(ElementHandleGone) as raised:
        client.get_async_result(77, keep_result=True)
    assert raised.value.handle == 77 and raised.value.name == name
    assert session.posts[0][1]['params'] == {'asyncHandle': 77, 'keepResult': True}


def test_release_sends_keep_result_false():
    client, session = make_client(ok({'status': 'complete'}))
    client.get_async_result(5, keep_result=False)
    assert session.posts[0][1]['params'] == {'asyncHandle': 5, 'keepResult': False}


def test_password_is_redacted_from_every_message():
    client, _session = make_client(
        api_error('xInvalidParameter', 'bad value %s' % PASSWORD),
        FakeResponse(500, text='echo %s' % PASSWORD),
        requests.exceptions.ConnectionError('proxy said %s' % PASSWORD),
    )
    for dummy in range(3):
        with pytest.raises(ElementError) as raised:
            client.call('GetAsyncResult')
        assert PASSWORD not in str(raised.value)
        assert '********' in str(raised.value)


EURO_PASSWORD = u'Eur0-\u20ac-Token-41d7'


@pytest.mark.parametrize('body', [
    # UTF-8 bytes in a body without a charset: requests' .text would read them as Latin-1
    (u'<html>Bad gateway for admin:%s</html>' % EURO_PASSWORD).encode('utf-8'),
    # the password JSON-escaped inside a body that is not JSON-RPC
    (u'{"echo": %s}' % json.dumps(EURO_PASSWORD)).encode('ascii'),
    # the Latin-1 reading of its UTF-8 bytes, sent back as UTF-8 by a proxy that got it wrong
    EURO_PASSWORD.encode('utf-8').decode('latin-1').encode('utf-8'),
])
def test_echoed_non_ascii_password_is_redacted_in_any_encoding(body):
    response = FakeResponse(502, text='unused')
    response.content = body
    response.text = body.decode('latin-1')
    client, _session = make_client(response, password=EURO_PASSWORD)
    with pytest.raises(ElementError) as raised:
        client.call('GetAsyncResult')
    assert 'Eur0-' not in str(raised.value)
    assert '********' in str(raised.value)


def test_password_across_the_excerpt_cut_leaves_no_prefix():
    client, _session = make_client(FakeResponse(500, text='x' * 195 + ' ' + PASSWORD + ' tail'))
    with pytest.raises(ElementError) as raised:
        client.call('GetAsyncResult')
    assert PASSWORD[:4] not in str(raised.value)
    assert str(raised.value).endswith('*...')


def test_list_async_results_returns_the_handles():
    client, session = make_client(ok({'asyncHandles': [{'asyncResultID': 3}]}))
    assert client.list_async_results(['Clone']) == [{'asyncResultID': 3}]
    assert session.posts[0][1]['params'] == {'asyncResultTypes': ['Clone']}


@pytest.mark.parametrize('answer, what', [({}, 'missing'), ({'asyncHandles': None}, 'missing'),
                                          ({'asyncHandles': 'none'}, 'str'), ({'asyncHandles': {}}, 'dict')])
def test_a_listing_without_an_async_handles_list_is_transient_not_empty(answer, what):
    client, _session = make_client(ok(answer))
    with pytest.raises(ElementTransientError) as raised:
        client.list_async_results()
    assert 'without an asyncHandles list (%s)' % what in str(raised.value)


def test_credentials_are_sent_as_utf8_whatever_the_characters():
    client, session = make_client(ok({}), password=u'pa\u20acss-\u00fc')
    client.call('GetAPI')
    assert session.auth == (b'admin', u'pa\u20acss-\u00fc'.encode('utf-8'))


# ------------------------------------------------------------------------------------------- content first
@pytest.mark.parametrize('status', [200, 500, 503])
def test_a_json_rpc_error_is_classified_by_its_name_whatever_the_http_status(status):
    gone = FakeResponse(status, body={'id': ECHO, 'error': {'code': 500, 'name': 'xAsyncHandleDoesNotExist',
                                                            'message': 'Async handle 5 does not exist.'}})
    mismatch = FakeResponse(status, body={'id': ECHO, 'error': {'name': 'xDBVersionMismatch', 'message': 'retry'}})
    denied = FakeResponse(status, body={'id': ECHO, 'error': {'name': 'xPermissionDenied', 'message': 'no'}})
    client, _session = make_client(gone, mismatch, denied)
    with pytest.raises(ElementHandleGone):
        client.get_async_result(5)
    with pytest.raises(ElementTransientError):
        client.call('GetAsyncResult')
    with pytest.raises(ElementAPIError) as raised:
        client.call('GetAsyncResult')
    assert raised.value.name == 'xPermissionDenied' and not isinstance(raised.value, ElementTransientError)


def test_an_answer_to_another_request_is_transient():
    client, _session = make_client(FakeResponse(body={'id': 99, 'result': {'status': 'complete'}}))
    with pytest.raises(ElementTransientError) as raised:
        client.call('GetAsyncResult')
    assert 'another request (id 99, not 1)' in str(raised.value)


# ------------------------------------------------------------------------------------------- bounded bodies
def test_an_announced_body_over_the_cap_is_refused_before_reading():
    huge = FakeResponse(headers={'Content-Length': str(8 * 1024 ** 3)},
                        chunks=[AssertionError('the body must not be read')])
    client, _session = make_client(huge)
    with pytest.raises(ElementAnswerTooLarge) as raised:
        client.call('ListAsyncResults')
    assert 'it announced 8192.0 MiB' in str(raised.value) and not isinstance(raised.value, ElementTransientError)
    assert huge.closed


def test_a_streamed_body_over_the_cap_is_abandoned_saying_how_much_arrived():
    piece = b'a' * (1024 * 1024)
    endless = FakeResponse(chunks=(piece for _dummy in range(10 ** 6)))
    client, _session = make_client(endless)
    with pytest.raises(ElementAnswerTooLarge) as raised:
        client.call('ListAsyncResults')
    arrived = '%.1f MiB arrived before it was abandoned' % (MAX_ANSWER_BYTES / 1048576.0 + 1)
    assert arrived in str(raised.value) and endless.closed


def test_a_body_of_countless_tiny_values_is_refused_before_parsing():
    """Under the byte cap, but [[],[],...] would take hundreds of MiB once parsed."""
    client, _session = make_client(FakeResponse(text='[' + '[],' * (MAX_ANSWER_VALUES // 2 + 1) + '[]]'))
    with pytest.raises(ElementAnswerTooLarge) as raised:
        client.call('ListAsyncResults')
    assert 'values, more than the %d' % MAX_ANSWER_VALUES in str(raised.value)


def kept_results(count):
    """A ListAsyncResults answer of a cluster that keeps `count` results, as Element words each entry."""
    return {'asyncHandles': [
        {'asyncResultID': 100 + index, 'completed': True, 'success': True, 'resultType': 'Clone',
         'createTime': '2026-12-07T10:00:00Z', 'lastUpdateTime': '2026-12-07T10:05:00Z',
         'data': {'cloneID': 5000 + index, 'message': 'Clone complete.', 'volumeID': 9000 + index}}
        for index in range(count)]}


@pytest.mark.parametrize('count', [40000, 100000])
def test_a_big_cluster_is_normal_a_listing_of_100000_kept_results_is_read(count):
    client, _session = make_client(ok(kept_results(count)))
    entries = client.list_async_results()
    assert len(entries) == count and entries[-1]['data']['volumeID'] == 9000 + count - 1


def test_a_shape_holds_only_the_entries_asked_for_while_parsing():
    client, _session = make_client(ok(kept_results(1000)))
    wanted = {150, 999, 1099}
    entries = client.list_async_results(shape=lambda entry: entry if entry['asyncResultID'] in wanted else None)
    assert [entry['asyncResultID'] for entry in entries] == [150, 999, 1099]


def test_the_cluster_clock_comes_from_the_date_header_of_its_answers():
    client, _session = make_client(ok({}, headers={'Date': 'Mon, 07 Dec 2026 10:00:00 GMT'}), ok({}))
    assert client.clock_offset() is None
    client.call('GetAPI')
    offset = client.clock_offset()
    assert offset == pytest.approx(1796637600 - time.time(), abs=5)
    client.call('GetAPI')  # no Date: the last one still stands
    assert client.clock_offset() == offset


def test_a_body_broken_off_midway_is_transient():
    broken = FakeResponse(chunks=[b'{"id": 1, "res', requests.exceptions.ChunkedEncodingError('IncompleteRead(14 bytes read)')])
    client, _session = make_client(broken)
    with pytest.raises(ElementTransientError) as raised:
        client.call('GetAsyncResult')
    assert 'broke off' in str(raised.value) and 'IncompleteRead' in str(raised.value)


def test_nesting_too_deep_for_the_parser_is_not_json():
    client, _session = make_client(FakeResponse(text='[' * 100000 + ']' * 100000))
    with pytest.raises(ElementTransientError) as raised:
        client.call('GetAsyncResult')
    assert 'not JSON' in str(raised.value)


# ------------------------------------------------------------------------------------------- total deadline
class StallingSession(FakeSession):
    """A server that never finishes answering (a drip, a stall): post() blocks far past any timeout."""

    def post(self, url, json=None, timeout=None, verify=None, stream=False):  # pylint: disable=redefined-outer-name
        self.posts.append((url, json, timeout))
        time.sleep(30)
        raise AssertionError('the caller must have stopped waiting long ago')


def test_a_request_ends_by_its_timeout_whatever_the_server_does():
    session = StallingSession()
    client = ElementClient(parse_endpoint('10.0.0.5'), 'admin', PASSWORD, session=session)
    started = time.monotonic()
    with pytest.raises(ElementTransientError) as raised:
        client.call('GetAsyncResult', timeout=0.3)
    assert time.monotonic() - started < 0.3 + 0.5
    assert 'within 0.3 s' in str(raised.value) and not raised.value.reached
