# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the checks that the argspec types cannot express."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.solidfire.element.plugins.module_utils._args import (
    check_get_async_result_params,
    get_async_result_validation,
    parse_handle,
    requested_handles,
)

BASE = dict(hostname='10.0.0.5', username='admin', password='pw')


def validated(**args):
    params = dict(BASE)
    params.update(args)
    return ArgumentSpecValidator(**get_async_result_validation()).validate(params)


@pytest.mark.parametrize('value, expected', [(389, 389), ('389', 389), (2 ** 63 - 1, 2 ** 63 - 1),
                                             (None, None), ('', None), ('None', None)])
def test_parse_handle_accepts_positive_integers_and_null(value, expected):
    assert parse_handle(value, 'async_handle') == expected


@pytest.mark.parametrize('value, fragment', [
    (0, 'from 1 to 2^63-1'), (-5, 'from 1 to 2^63-1'), (2 ** 63, 'from 1 to 2^63-1'),
    (True, 'got bool'), (3.0, 'got float'), ('abc', "the string 'abc'"), ('-1', "the string '-1'"),
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


def test_requested_handles_dedupes_in_input_order():
    assert requested_handles({'async_handles': [3, '1', 3, None, 2]}) == ([3, 1, 2], True)
    assert requested_handles({'async_handle': 7}) == ([7], False)
    assert requested_handles({'async_handle': None}) == ([], False)
    assert requested_handles({'async_handles': []}) == ([], True)


def test_both_handle_options_together_are_rejected_by_the_argspec():
    result = validated(async_handle=1, async_handles=[2])
    assert any('mutually exclusive' in message for message in result.error_messages)


def test_defaults_follow_the_contract():
    params = validated(async_handle=1).validated_parameters
    assert params['wait'] is True and params['keep_result'] is False and params['fail_on_error'] is True
    assert (params['wait_timeout'], params['poll_interval'], params['max_poll_interval']) == (1800, 2.0, 15.0)
    assert (params['port'], params['api_version'], params['validate_certs'], params['http_timeout']) == \
        (443, '12.3', True, 30.0)


def test_environment_fallbacks(monkeypatch):
    for name, value in [('HOSTNAME', '10.9.9.9'), ('USERNAME', 'envuser'), ('PASSWORD', 'envpw'),
                        ('PORT', '8443'), ('API_VERSION', '11.0'), ('VALIDATE_CERTS', 'no')]:
        monkeypatch.setenv('SOLIDFIRE_' + name, value)
    result = ArgumentSpecValidator(**get_async_result_validation()).validate({'async_handle': 1})
    assert not result.error_messages
    params = result.validated_parameters
    assert (params['hostname'], params['username'], params['password']) == ('10.9.9.9', 'envuser', 'envpw')
    assert (params['port'], params['api_version'], params['validate_certs']) == (8443, '11.0', False)


@pytest.mark.parametrize('args, fragment', [
    (dict(wait_timeout=0), 'wait_timeout must be a positive'),
    (dict(wait_timeout=-10), 'wait_timeout must be a positive'),
    (dict(poll_interval=0), 'poll_interval must be more than 0'),
    (dict(poll_interval=20, max_poll_interval=10), 'must not be above max_poll_interval'),
    (dict(hostname='https://10.0.0.5'), 'a scheme'),
    (dict(hostname='10.0.0.5/x?y'), 'a path'),
    (dict(api_version='12'), 'MAJOR.MINOR'),
    (dict(port=0), 'TCP port'),
    (dict(port=70000), 'TCP port'),
    (dict(http_timeout=0), 'http_timeout must be more than 0'),
    (dict(ca_path='/nonexistent/ca.pem'), 'ca_path /nonexistent/ca.pem does not exist'),
    (dict(async_handle=-3), 'from 1 to 2^63-1'),
    (dict(async_handles=[1, 'x']), 'async_handles[1]'),
    (dict(fact_name='bad-name'), 'not a valid variable name'),
])
def test_bad_input_is_explained(args, fragment):
    if 'async_handles' not in args:
        args.setdefault('async_handle', 1)
    result = validated(**args)
    assert not result.error_messages
    errors = check_get_async_result_params(result.validated_parameters)
    assert any(fragment in error for error in errors), errors


def test_good_input_passes():
    assert check_get_async_result_params(validated(async_handles=[1, 2], fact_name='clone_job').validated_parameters) == []
