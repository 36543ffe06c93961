# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of what every module shares: handle parsing, the connection parsed once, the task spec and frame."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.solidfire.element.plugins.module_utils import _common
from ansible_collections.solidfire.element.plugins.module_utils._client import ElementAuthError
from ansible_collections.solidfire.element.plugins.module_utils._common import (
    CONNECTION_SPEC,
    INSECURE_WARNING,
    Prepared,
    TaskSpec,
    connect,
    parse_handle,
    parse_handle_list,
    prepare_connection,
    run_with_client,
)

PASSWORD = 'Sw0rdf1sh-pw'


def connection_params(**overrides):
    values = dict((name, spec.get('default')) for name, spec in CONNECTION_SPEC.items())
    values.update(hostname='10.0.0.5', username='admin', password=PASSWORD)
    values.update(overrides)
    return values


@pytest.mark.parametrize('value, expected', [(389, 389), ('389', 389), (2 ** 63 - 1, 2 ** 63 - 1),
                                             (None, None), ('', None), ('None', None)])
def test_parse_handle_accepts_positive_integers_and_null(value, expected):
    assert parse_handle(value, 'async_handle') == expected


@pytest.mark.parametrize('value, fragment', [
    (0, 'from 1 to 2^63-1'), (-5, 'from 1 to 2^63-1'), (2 ** 63, 'from 1 to 2^63-1'),
    (True, 'got bool'), (3.0, 'got float'), ('abc', "the string 'abc'"),
    # strings as ansible-core before 2.19 templates numbers: the message of the number itself
    ('-1', 'from 1 to 2^63-1, got -1.'), ('0', 'from 1 to 2^63-1, got 0.'),
    ('1.5', "got float 1.5 (templated as the string '1.5')"),
    ('12\n', 'the string'), ({'a': 1}, 'got dict'), ('1e3', 'the string'),
])
def test_parse_handle_rejects_everything_else(value, fragment):
    with pytest.raises(ValueError) as raised:
        parse_handle(value, 'async_handle')
    assert fragment in str(raised.value) and 'async_handle' in str(raised.value)


def test_parse_handle_names_builtin_types_for_subclasses():
    class TaggedFloat(float):
        pass

    with pytest.raises(ValueError) as raised:
        parse_handle(TaggedFloat(1.5), 'async_handle')
    assert 'got float 1.5' in str(raised.value)


def test_parse_handle_list_dedupes_in_input_order_and_names_the_entry():
    assert parse_handle_list([3, '1', 3, None, 2], 'async_handles') == [3, 1, 2]
    with pytest.raises(ValueError) as raised:
        parse_handle_list([1, 'x'], 'async_handles')
    assert 'async_handles[1]' in str(raised.value)


# ------------------------------------------------------------------------------------------------ connection
@pytest.mark.parametrize('hostname, port, expected', [
    ('10.0.0.5', 443, ('10.0.0.5', 443, 'https://10.0.0.5:443/json-rpc/12.3')),
    ('10.0.0.5:8443', 443, ('10.0.0.5', 8443, 'https://10.0.0.5:8443/json-rpc/12.3')),
    ('[fd00::5]:4443', 443, ('fd00::5', 4443, 'https://[fd00::5]:4443/json-rpc/12.3')),
    ('cluster.example.com', 9443, ('cluster.example.com', 9443, 'https://cluster.example.com:9443/json-rpc/12.3')),
])
def test_prepare_connection_parses_host_port_and_version_once(hostname, port, expected):
    errors, connection = prepare_connection(connection_params(hostname=hostname, port=port))
    assert errors == []
    endpoint = connection.endpoint
    assert (endpoint.host, endpoint.port, endpoint.url) == expected
    assert (connection.username, connection.password, connection.validate_certs) == ('admin', PASSWORD, True)


def test_prepare_connection_says_each_problem_once_in_the_words_of_its_option():
    errors, connection = prepare_connection(connection_params(hostname='https://x', port=0, http_timeout=0))
    assert connection is None
    assert len(errors) == 3, errors
    assert 'a scheme' in errors[0]
    assert errors[1] == 'port must be a TCP port from 1 to 65535, got 0.'
    assert errors[2].startswith('http_timeout must be more than 0')
    errors, connection = prepare_connection(connection_params(port=70000))
    assert errors == ['port must be a TCP port from 1 to 65535, got 70000.'] and connection is None


def test_the_client_factory_takes_the_parsed_connection():
    requests = pytest.importorskip('requests')
    del requests
    errors, connection = prepare_connection(connection_params(hostname='[fd00::5]:4443', http_timeout=7.5))
    assert errors == []
    client = connect(connection)
    try:
        assert client.url == 'https://[fd00::5]:4443/json-rpc/12.3' and client.http_timeout == 7.5
    finally:
        client.close()


# ------------------------------------------------------------------------------------------------ the frame
class Client:
    def __init__(self):
        self.closed = False

    def close(self):
        self.closed = True


def framed(work, **overrides):
    client = Client()
    connection = prepare_connection(connection_params(**overrides))[1]
    return run_with_client(connection, work, client_factory=lambda parsed: client), client


def test_the_frame_closes_the_client_and_redacts_the_password():
    result, client = framed(lambda c: dict(changed=False, msg='echo %s' % PASSWORD))
    assert client.closed and result == dict(changed=False, msg='echo ********')


def test_the_frame_turns_errors_and_bugs_into_failed_results():
    def fails(client):
        raise ElementAuthError('rejected (HTTP 401)')

    def bug(client):
        raise KeyError(PASSWORD)

    assert framed(fails)[0] == dict(failed=True, changed=False, msg='rejected (HTTP 401)')
    result, client = framed(bug)
    assert result['failed'] and 'Unexpected KeyError' in result['msg'] and PASSWORD not in result['msg']
    assert client.closed


def test_the_frame_warns_once_when_certificates_are_not_verified():
    result = framed(lambda c: dict(changed=False, warnings=['other']), validate_certs=False)[0]
    assert result['warnings'] == [INSECURE_WARNING, 'other']


# ------------------------------------------------------------------------------------------------ the spec
def make_spec(calls):
    def prepare(params):
        calls.append('prepare')
        return Prepared(['bad']) if params.get('bad') else Prepared(connection='parsed', answer=42)

    def task(params, prepared, check_mode=False, **hooks):
        calls.append(('task', prepared.connection, prepared.values, check_mode, hooks))
        return dict(changed=False)

    return TaskSpec(dict(bad=dict(type='bool')), prepare, task, mutually_exclusive=[('a', 'b')])


def test_the_spec_gives_fresh_validation_keywords():
    spec = make_spec([])
    rules = spec.validation()
    assert rules == dict(argument_spec=dict(bad=dict(type='bool')), mutually_exclusive=[('a', 'b')])
    rules['argument_spec']['bad']['type'] = 'str'
    assert spec.validation()['argument_spec']['bad']['type'] == 'bool'


def test_the_spec_prepares_once_and_passes_the_parsed_input_to_its_task():
    calls = []
    assert make_spec(calls).run(dict(bad=False), check_mode=True, on_event=print) == dict(changed=False)
    assert calls == ['prepare', ('task', 'parsed', dict(answer=42), True, dict(on_event=print))]


def test_the_spec_refuses_bad_input_before_its_task():
    calls = []
    assert make_spec(calls).run(dict(bad=True)) == dict(failed=True, changed=False, msg='bad')
    assert calls == ['prepare']


def test_without_requests_every_task_fails_with_one_message(monkeypatch):
    monkeypatch.setattr(_common, 'HAS_REQUESTS', False)
    calls = []
    result = make_spec(calls).run(dict(bad=True))
    assert result['failed'] and 'requests' in result['msg'] and 'exception' in result and calls == []
