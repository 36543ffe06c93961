# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of volume_clone's task spec and cloner: sizes, checks, name resolution, idempotency, retry and adopt,
the clone-job lookup. Nothing sleeps."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAPIError,
    ElementAuthError,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils._cloner import clone_job_handle
from ansible_collections.solidfire.element.plugins.module_utils._results import handle_fields
from ansible_collections.solidfire.element.plugins.module_utils._volume_clone import (
    ARGUMENT_SPEC,
    VOLUME_CLONE,
    prepare,
    size_in_bytes,
)
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Outcome
from ansible_collections.solidfire.element.tests.unit.plugins.module_utils.fake_element import (
    LATENCY,
    FakeCluster,
    LostAnswer,
)

# Exactly the per-handle keys get_async_result returns, from the same builder.
HANDLE_KEYS = set(handle_fields(Outcome(1)))


@pytest.fixture
def cluster(clock):
    return FakeCluster(clock)


def params(**overrides):
    values = dict((name, spec.get('default')) for name, spec in ARGUMENT_SPEC.items())
    values.update(hostname='127.0.0.1', username='admin', password='secret', name='clone-a', src_volume_id=None,
                  wait_timeout=60, poll_interval=2.0, max_poll_interval=8.0)
    values.update(overrides)
    return values


def run(cluster, clock, check_mode=False, **overrides):
    return VOLUME_CLONE.run(params(**overrides), check_mode=check_mode, client_factory=lambda p: cluster,
                            clock=clock, sleep=clock.sleep, rand=lambda: 0.5)


# ------------------------------------------------------------------------------------------------- sizes
@pytest.mark.parametrize('size, unit, expected', [
    (1, 'bytes', 1),
    (10, 'gb', 10 * 1000 ** 3),
    (10, 'gib', 10 * 1024 ** 3),
    (1.5, 'tib', 3 * 1024 ** 4 // 2),
    (2, 'kb', 2000),
    (2, 'kib', 2048),
    (3, 'mb', 3000000),
    (3, 'mib', 3 * 1048576),
    (1, 'tb', 10 ** 12),
    (1.1, 'tb', 1100000000000),
    (None, 'gb', None),
])
def test_size_in_bytes(size, unit, expected):
    assert size_in_bytes(size, unit) == expected


@pytest.mark.parametrize('size, unit', [(0, 'gb'), (-1, 'gib'), (0.4, 'bytes')])
def test_size_below_one_byte_is_refused(size, unit):
    with pytest.raises(ValueError):
        size_in_bytes(size, unit)


def test_param_checks_name_length_ids_and_size():
    errors = prepare(params(name='x' * 65, src_volume_id=0, size=-2)).errors
    text = ' '.join(errors)
    assert 'name must be 1 to 64' in text and 'src_volume_id must be a positive' in text and 'size must be' in text
    assert prepare(params(src_volume_id=3, size=10, size_unit='gib')).errors == []


def test_prepare_parses_the_size_and_the_connection_once():
    prepared = prepare(params(src_volume_id=3, size=10, size_unit='gib', hostname='[fd00::5]:4443'))
    assert prepared.values == dict(new_size=10 * 1024 ** 3)
    assert (prepared.connection.endpoint.host, prepared.connection.endpoint.port) == ('fd00::5', 4443)
    assert prepare(params(src_volume_id=3)).values == dict(new_size=None)


def test_a_bad_input_never_reaches_the_client(cluster, clock):
    result = run(cluster, clock, src_volume_id=3, size=-2, hostname='https://x')
    assert result['failed'] and 'a scheme' in result['msg'] and 'size must be' in result['msg']
    assert cluster.calls == [] and not cluster.closed


# ------------------------------------------------------------------------------------------------- sources
def test_clone_by_id_sends_one_clone_volume_with_the_options(cluster, clock):
    source = cluster.add_volume('src', 1)
    result = run(cluster, clock, src_volume_id=source, size=2, size_unit='gib', access='readOnly',
                 attributes={'a': 1}, enable512e=True)
    assert result['changed'] is True and 'failed' not in result
    assert result['async_handle'] == 101 and result['volume_id'] == 12 and result['src_volume_id'] == source
    assert result['clone_id'] == 11 and result['volume']['status'] == 'init'
    (clone_call,) = cluster.sent('CloneVolume')
    assert clone_call[1] == dict(volumeID=source, name='clone-a', newSize=2 * 1024 ** 3, access='readOnly',
                                 attributes={'a': 1}, enable512e=True)
    assert 'status' not in result and cluster.closed


def test_missing_source_id_fails_naming_it(cluster, clock):
    result = run(cluster, clock, src_volume_id=42)
    assert result['failed'] and 'source volume 42 does not exist' in result['msg']
    assert cluster.sent('CloneVolume') == []


def test_deleted_source_counts_as_missing(cluster, clock):
    source = cluster.add_volume('src', 1, status='deleted')
    result = run(cluster, clock, src_volume_id=source)
    assert result['failed'] and 'source volume %d does not exist' % source in result['msg']


def test_source_by_name_resolves_and_ignores_deleted(cluster, clock):
    cluster.add_volume('gold', 2, status='deleted')
    source = cluster.add_volume('gold', 1)
    result = run(cluster, clock, src_volume_name='gold')
    assert result['src_volume_id'] == source and result['changed']


def test_missing_source_name_fails_naming_it(cluster, clock):
    result = run(cluster, clock, src_volume_name='nope')
    assert result['failed'] and "source volume 'nope' does not exist" in result['msg']


def test_ambiguous_name_across_accounts_names_ids_and_both_hints(cluster, clock):
    first, second = cluster.add_volume('gold', 1), cluster.add_volume('gold', 2)
    result = run(cluster, clock, src_volume_name='gold')
    assert result['failed'] and 'ambiguous' in result['msg']
    assert '%d (account 1)' % first in result['msg'] and '%d (account 2)' % second in result['msg']
    assert 'src_volume_id' in result['msg'] and 'src_account_id' in result['msg']
    assert cluster.sent('CloneVolume') == []


def test_src_account_id_narrows_the_name(cluster, clock):
    cluster.add_volume('gold', 1)
    second = cluster.add_volume('gold', 2)
    result = run(cluster, clock, src_volume_name='gold', src_account_id=2)
    assert result['src_volume_id'] == second and result['volume']['accountID'] == 2


def test_same_account_duplicates_only_suggest_the_id(cluster, clock):
    cluster.add_volume('gold', 1)
    cluster.add_volume('gold', 1)
    result = run(cluster, clock, src_volume_name='gold')
    assert result['failed'] and 'src_volume_id' in result['msg'] and 'src_account_id' not in result['msg']


def test_src_account_mismatch_with_id_fails(cluster, clock):
    source = cluster.add_volume('gold', 1)
    result = run(cluster, clock, src_volume_id=source, src_account_id=2)
    assert result['failed'] and 'belongs to account 1' in result['msg']


def test_unknown_target_account_fails_before_cloning_even_in_check_mode(cluster, clock):
    source = cluster.add_volume('gold', 1)
    result = run(cluster, clock, check_mode=True, src_volume_id=source, account_id=9)
    assert result['failed'] and 'account 9' in result['msg']


def test_other_account_is_sent_as_new_account_id(cluster, clock):
    source = cluster.add_volume('gold', 1)
    run(cluster, clock, src_volume_id=source, account_id=2)
    assert cluster.sent('CloneVolume')[0][1]['newAccountID'] == 2


# ------------------------------------------------------------------------------------------------- idempotency
def test_existing_active_target_is_not_changed_and_has_no_handle(cluster, clock):
    source = cluster.add_volume('gold', 1)
    target = cluster.add_volume('clone-a', 1)
    result = run(cluster, clock, src_volume_id=source)
    assert result['changed'] is False and result['volume_id'] == target and result['async_handle'] is None
    assert cluster.sent('CloneVolume') == [] and cluster.sent('ListAsyncResults') == []


def test_existing_init_target_returns_its_running_job(cluster, clock):
    source = cluster.add_volume('gold', 1)
    target = cluster.add_volume('clone-a', 1, status='init')
    cluster.add_job(cluster.add_volume('other', 1, status='init'))
    handle = cluster.add_job(target)
    result = run(cluster, clock, src_volume_id=source)
    assert result['changed'] is False and result['async_handle'] == handle and result['volume_id'] == target


def test_existing_init_target_with_finished_job_has_no_handle(cluster, clock):
    source = cluster.add_volume('gold', 1)
    target = cluster.add_volume('clone-a', 1, status='init')
    cluster.add_job(target, done=True)
    assert run(cluster, clock, src_volume_id=source)['async_handle'] is None


def test_same_name_in_another_account_does_not_count(cluster, clock):
    source = cluster.add_volume('gold', 1)
    cluster.add_volume('clone-a', 2)
    assert run(cluster, clock, src_volume_id=source)['changed'] is True


def test_deleted_target_does_not_count(cluster, clock):
    source = cluster.add_volume('gold', 1)
    cluster.add_volume('clone-a', 1, status='deleted')
    assert run(cluster, clock, src_volume_id=source)['changed'] is True


def test_check_mode_sends_nothing_and_says_it_would_clone(cluster, clock):
    source = cluster.add_volume('gold', 1)
    result = run(cluster, clock, check_mode=True, src_volume_id=source, wait=True)
    assert result['changed'] is True and result['async_handle'] is None and result['volume_id'] is None
    assert cluster.sent('CloneVolume') == [] and cluster.sent('GetAsyncResult') == []


def test_check_mode_with_existing_target_is_not_changed(cluster, clock):
    source = cluster.add_volume('gold', 1)
    cluster.add_volume('clone-a', 1, status='init')
    result = run(cluster, clock, check_mode=True, src_volume_id=source)
    assert result['changed'] is False and result['async_handle'] is None


def test_check_mode_still_fails_on_a_bad_source(cluster, clock):
    assert run(cluster, clock, check_mode=True, src_volume_id=77)['failed']


# ------------------------------------------------------------------------------------------------- retries
def test_clone_limit_is_retried_after_a_fresh_lookup(cluster, clock):
    source = cluster.add_volume('gold', 1)
    limit = ElementTransientError('xMaxClonesPerVolumeExceeded: busy', name='xMaxClonesPerVolumeExceeded')
    cluster.faults['CloneVolume'] = [limit, limit]
    result = run(cluster, clock, src_volume_id=source)
    assert result['changed'] is True and result['async_handle'] == 101
    methods = [call[0] for call in cluster.calls]
    # source lookup, target lookup, then each CloneVolume after the first is preceded by a lookup by name
    assert methods == ['ListVolumes', 'ListVolumes', 'CloneVolume', 'ListVolumes', 'CloneVolume', 'ListVolumes',
                       'CloneVolume']
    assert clock.sleeps == [2.0 * 0.95, 3.0 * 0.95]


def test_lost_answer_is_adopted_not_cloned_twice(cluster, clock):
    source = cluster.add_volume('gold', 1)
    cluster.faults['CloneVolume'] = [LostAnswer(ElementTransientError('Connection reset', reached=False))]
    result = run(cluster, clock, src_volume_id=source)
    assert len(cluster.sent('CloneVolume')) == 1
    assert result['changed'] is True and 'adopted' in result['msg']
    assert result['async_handle'] == 101 and result['volume_id'] == 12
    assert [v['name'] for v in cluster.volumes.values()].count('clone-a') == 1


def test_adopt_finds_a_completed_job_too(cluster, clock):
    source = cluster.add_volume('gold', 1)
    cluster.clone_seconds = 0.01
    cluster.faults['CloneVolume'] = [LostAnswer(ElementTransientError('timed out', reached=False))]
    result = run(cluster, clock, src_volume_id=source)
    assert result['async_handle'] == 101 and result['clone_id'] == 11


def test_lookup_failing_transiently_never_lets_clone_volume_go_again(cluster, clock):
    source = cluster.add_volume('gold', 1)
    cluster.faults['CloneVolume'] = [ElementTransientError('HTTP 503')]
    cluster.faults['ListVolumes'] = [None, None, ElementTransientError('HTTP 503'), ElementTransientError('reset')]
    result = run(cluster, clock, src_volume_id=source)
    methods = [call[0] for call in cluster.calls]
    assert methods == ['ListVolumes', 'ListVolumes', 'CloneVolume', 'ListVolumes', 'ListVolumes', 'ListVolumes',
                       'CloneVolume']
    assert result['changed'] is True


def test_deadline_ends_the_retries_naming_the_last_error(cluster, clock):
    source = cluster.add_volume('gold', 1)
    limit = ElementTransientError('xMaxClonesPerVolumeExceeded: busy', name='xMaxClonesPerVolumeExceeded')
    cluster.faults['CloneVolume'] = [limit] * 1000
    start = clock.now
    result = run(cluster, clock, src_volume_id=source, wait_timeout=30)
    assert result['failed'] and 'xMaxClonesPerVolumeExceeded' in result['msg'] and '30 s' in result['msg']
    assert 'source volume %d' % source in result['msg']
    assert clock.now - start <= 30 + 3 * LATENCY
    assert not any(v['name'] == 'clone-a' for v in cluster.volumes.values())


@pytest.mark.parametrize('error, fragment', [
    (ElementAPIError('xVolumeIDDoesNotExist', 'gone'), 'source volume 11 does not exist'),
    (ElementAPIError('xPermissionDenied', 'no'), "user 'admin' may not clone"),
    (ElementAPIError('xAccountIDDoesNotExist', 'no'), 'account'),
    (ElementAuthError('HTTP 401'), 'HTTP 401'),
])
def test_fatal_errors_fail_at_once(cluster, clock, error, fragment):
    cluster.add_volume('gold', 1)
    cluster.faults['CloneVolume'] = [error]
    result = run(cluster, clock, src_volume_id=11)
    assert result['failed'] and fragment in result['msg'] and len(cluster.sent('CloneVolume')) == 1
    assert clock.sleeps == []


def test_missing_snapshot_names_snapshot_and_volume(cluster, clock):
    source = cluster.add_volume('gold', 1)
    result = run(cluster, clock, src_volume_id=source, src_snapshot_id=9)
    assert result['failed'] and 'snapshot 9 of source volume %d does not exist' % source in result['msg']


# ------------------------------------------------------------------------------------------------- wait
def test_wait_returns_the_get_async_result_fields_and_releases(cluster, clock):
    source = cluster.add_volume('gold', 1)
    result = run(cluster, clock, src_volume_id=source, wait=True)
    assert HANDLE_KEYS <= set(result) and {'elapsed', 'polls', 'volume_id', 'clone_id', 'volume'} <= set(result)
    assert result['status'] == 'complete' and result['finished'] and result['released']
    assert result['result'] == dict(cloneID=11, message='Clone complete.', volumeID=12) and result['changed'] is True
    assert result['volume']['status'] == 'active'
    reads = cluster.sent('GetAsyncResult')
    assert [call[1]['keepResult'] for call in reads] == [True] * (len(reads) - 1) + [False]


def test_wait_with_keep_result_never_releases(cluster, clock):
    source = cluster.add_volume('gold', 1)
    result = run(cluster, clock, src_volume_id=source, wait=True, keep_result=True)
    assert result['released'] is False
    assert all(call[1]['keepResult'] for call in cluster.sent('GetAsyncResult'))


def test_wait_on_an_existing_running_clone_is_changed_only_by_the_release(cluster, clock):
    source = cluster.add_volume('gold', 1)
    target = cluster.add_volume('clone-a', 1, status='init')
    handle = cluster.add_job(target)
    cluster.jobs[handle]['finish_at'] = clock.now + 5
    result = run(cluster, clock, src_volume_id=source, wait=True)
    assert result['async_handle'] == handle and result['status'] == 'complete' and result['changed'] is True
    kept = run(cluster, clock, src_volume_id=source, wait=True)
    assert kept['changed'] is False and 'status' not in kept


def test_wait_reports_the_start_retries_and_the_wait_as_progress_lines(cluster, clock):
    source = cluster.add_volume('gold', 1)
    cluster.faults['CloneVolume'] = [ElementTransientError('xMaxClonesPerVolumeExceeded: busy',
                                                           name='xMaxClonesPerVolumeExceeded')]
    cluster.clone_seconds = 10
    events = []
    result = VOLUME_CLONE.run(params(src_volume_id=source, wait=True), check_mode=False,
                              client_factory=lambda p: cluster, clock=clock, sleep=clock.sleep, rand=lambda: 0.5,
                              on_event=lambda kind, text: events.append((kind, text)))
    assert result['status'] == 'complete'
    kinds = [kind for kind, _text in events]
    assert kinds[0] == 'retry' and 'xMaxClonesPerVolumeExceeded' in events[0][1]
    assert ('status', result['msg'].split(' async handle %d completed' % result['async_handle'])[0]) in events
    assert any(kind == 'status' and 'handle %d: running' % result['async_handle'] in text for kind, text in events)
    assert kinds[-1] == 'release'


def test_an_abandoned_wait_never_releases_the_clone_job(cluster, clock):
    cluster.clone_seconds = 10
    source = cluster.add_volume('gold', 1)
    start = clock.now
    result = VOLUME_CLONE.run(params(src_volume_id=source, wait=True), check_mode=False,
                              client_factory=lambda p: cluster, clock=clock, sleep=clock.sleep, rand=lambda: 0.5, abandoned=lambda: clock.now > start + 5)
    assert cluster.sent('CloneVolume') and result['released'] is False
    assert all(call[1]['keepResult'] for call in cluster.sent('GetAsyncResult'))


def test_an_abandoned_task_never_sends_clone_volume(cluster, clock):
    """The orphan check is consulted before every CloneVolume: a clone nobody would hear of is never started."""
    cluster.faults['CloneVolume'] = [ElementTransientError('HTTP 503')]
    source = cluster.add_volume('gold', 1)
    sends = []
    result = VOLUME_CLONE.run(params(src_volume_id=source), check_mode=False,
                              client_factory=lambda p: cluster, clock=clock, sleep=clock.sleep, rand=lambda: 0.5,
                              abandoned=lambda: len(cluster.sent('CloneVolume')) > 0 or sends.append(1))
    assert len(cluster.sent('CloneVolume')) == 1 and result['failed'] and 'gone' in result['msg']


def test_wait_timeout_covers_the_whole_task_and_fails_with_clone_fields(cluster, clock):
    cluster.clone_seconds = 1000
    source = cluster.add_volume('gold', 1)
    result = run(cluster, clock, src_volume_id=source, wait=True, wait_timeout=20)
    assert result['failed'] and 'Timed out' in result['msg'] and result['volume_id'] == 12
    assert result['status'] == 'running' and result['changed'] is True


# ------------------------------------------------------------------------------------------------- clone-job lookup
def clone_entry(handle, volume_id, completed=False, result_type='Clone', data=None):
    return dict(asyncResultID=handle, completed=completed, success=completed, resultType=result_type,
                data=data if data is not None else {'volumeID': volume_id, 'percentComplete': 10})


CLONE_ENTRIES = [
    clone_entry(105, 2000, completed=True, data={'cloneID': 5, 'volumeID': 2000, 'message': 'Clone complete.'}),
    clone_entry(101, 1101),
    clone_entry(103, 7, result_type='BulkVolume', data={'bvID': 1, 'volumeID': 7}),
    dict(clone_entry(104, 0, completed=True, data={'name': 'xCloneFailed', 'message': 'disk'}), success=False),
    clone_entry(102, 2000, data={'volumeID': 2000, 'percentComplete': 60}),
]


def test_clone_job_handle_prefers_running_jobs_and_completed_only_when_asked():
    assert clone_job_handle(CLONE_ENTRIES, 2000) == 102
    assert clone_job_handle(CLONE_ENTRIES, 1101) == 101
    assert clone_job_handle(CLONE_ENTRIES, 7) is None  # a BulkVolume job is not a clone
    done_only = [e for e in CLONE_ENTRIES if e['asyncResultID'] != 102]
    assert clone_job_handle(done_only, 2000) is None
    assert clone_job_handle(done_only, 2000, include_completed=True) == 105
