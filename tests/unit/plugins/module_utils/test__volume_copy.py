# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of volume_copy's task spec and copier: checks, both lookups, adopting a running copy, lost answers,
check mode, the wait. Nothing sleeps."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAPIError,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils._copier import running_copy_entry
from ansible_collections.solidfire.element.plugins.module_utils._volume_copy import ARGUMENT_SPEC, VOLUME_COPY, prepare
from ansible_collections.solidfire.element.tests.unit.plugins.module_utils.fake_element import (
    FakeCluster,
    LostAnswer,
)

PROD, TEST = 'prod-db', 'test-db'


@pytest.fixture
def cluster(clock):
    fake = FakeCluster(clock)
    fake.add_volume(PROD, 1)  # 11
    fake.add_volume(TEST, 2)  # 12
    return fake


def params(**overrides):
    values = dict((name, spec.get('default')) for name, spec in ARGUMENT_SPEC.items())
    values.update(hostname='127.0.0.1', username='admin', password='secret', src_volume_name=PROD,
                  dst_volume_name=TEST, wait_timeout=60, poll_interval=2.0, max_poll_interval=8.0)
    values.update(overrides)
    return values


def run(cluster, clock, check_mode=False, on_event=None, abandoned=None, **overrides):
    return VOLUME_COPY.run(params(**overrides), check_mode=check_mode, client_factory=lambda p: cluster,
                           clock=clock, sleep=clock.sleep, rand=lambda: 0.5, on_event=on_event, abandoned=abandoned)


# ------------------------------------------------------------------------------------------------- input
def test_prepare_refuses_bad_ids_empty_names_and_a_copy_onto_itself():
    text = ' '.join(prepare(params(src_volume_name=None, src_volume_id=0, dst_volume_name='')).errors)
    assert 'src_volume_id must be a positive integer' in text and 'dst_volume_name must not be empty' in text
    text = ' '.join(prepare(params(src_volume_name=None, dst_volume_name=None, src_volume_id=5,
                                   dst_volume_id=5)).errors)
    assert 'cannot be copied onto itself' in text
    assert prepare(params()).errors == []


def test_both_pairs_are_required_and_exclusive():
    rules = VOLUME_COPY.validation()
    assert ('dst_volume_id', 'dst_volume_name') in rules['required_one_of']
    assert ('src_volume_id', 'src_volume_name') in rules['mutually_exclusive']


# ------------------------------------------------------------------------------------------------- copy
def test_copy_by_names_sends_one_copy_volume_and_returns_the_target(cluster, clock):
    result = run(cluster, clock)
    assert result['changed'] is True and 'failed' not in result
    (copy_call,) = cluster.sent('CopyVolume')
    assert copy_call[1] == dict(volumeID=11, dstVolumeID=12)
    assert result['async_handle'] == 101 and result['clone_id'] == 11
    assert result['volume_id'] == 12 and result['volume']['name'] == TEST and result['src_volume_id'] == 11
    assert result['src_snapshot_id'] is None and "onto volume 12 ('test-db')" in result['msg']
    assert cluster.closed and 'warnings' not in result


def test_a_snapshot_is_sent_and_named(cluster, clock):
    result = run(cluster, clock, src_snapshot_id=999)
    assert cluster.sent('CopyVolume')[0][1]['snapshotID'] == 999
    assert 'snapshot 999 of volume 11' in result['msg'] and result['src_snapshot_id'] == 999


def test_a_missing_snapshot_names_it_and_the_source(cluster, clock):
    result = run(cluster, clock, src_snapshot_id=7)
    assert result['failed'] and 'snapshot 7 of source volume 11 does not exist' in result['msg']


@pytest.mark.parametrize('overrides, fragment', [
    (dict(src_volume_name='nope'), "source volume 'nope' does not exist"),
    (dict(dst_volume_name='nope'), "destination volume 'nope' does not exist"),
    (dict(dst_volume_name=None, dst_volume_id=77), 'destination volume 77 does not exist'),
    (dict(dst_account_id=1), "destination volume 'test-db' does not exist in account 1"),
    (dict(dst_volume_name=PROD), 'the same volume, 11'),
])
def test_lookups_fail_before_anything_is_sent(cluster, clock, overrides, fragment):
    result = run(cluster, clock, **overrides)
    assert result['failed'] and fragment in result['msg']
    assert cluster.sent('CopyVolume') == [] and cluster.sent('ListAsyncResults') == []


def test_a_deleted_destination_counts_as_missing(cluster, clock):
    cluster.volumes[12]['status'] = 'deleted'
    result = run(cluster, clock)
    assert result['failed'] and "destination volume 'test-db' does not exist" in result['msg']


def test_an_ambiguous_destination_names_ids_and_the_options(cluster, clock):
    cluster.add_volume(TEST, 1)
    result = run(cluster, clock)
    assert result['failed'] and 'ambiguous' in result['msg'] and '12 (account 2)' in result['msg']
    assert 'dst_volume_id' in result['msg'] and 'dst_account_id' in result['msg']
    assert run(cluster, clock, dst_account_id=2)['volume_id'] == 12


def test_sizes_that_differ_give_a_warning_and_the_cluster_decides(cluster, clock):
    cluster.volumes[12]['totalSize'] *= 2
    result = run(cluster, clock)
    assert result['changed'] and 'same size' in result['warnings'][0]


def test_a_refused_copy_of_volumes_of_different_sizes_says_so(cluster, clock):
    cluster.volumes[12]['totalSize'] *= 2
    cluster.faults['CopyVolume'] = [ElementAPIError('xInvalidParameter', 'sizes differ')]
    result = run(cluster, clock)
    assert result['failed'] and 'xInvalidParameter' in result['msg']
    assert 'the source has 1073741824 bytes and the destination 2147483648' in result['msg']


# ------------------------------------------------------------------------------------------------- re-runs
def test_a_rerun_while_the_copy_runs_adopts_it(cluster, clock):
    first = run(cluster, clock)
    second = run(cluster, clock)
    assert len(cluster.sent('CopyVolume')) == 1
    assert second['changed'] is False and second['async_handle'] == first['async_handle']
    assert second['clone_id'] == first['clone_id'] and 'already running' in second['msg']


def test_a_run_after_the_copy_completed_copies_again(cluster, clock):
    run(cluster, clock)
    clock.now += 100
    again = run(cluster, clock)
    assert again['changed'] is True and len(cluster.sent('CopyVolume')) == 2


def test_a_running_copy_from_another_source_fails_naming_its_handle(cluster, clock):
    other = cluster.add_volume('other', 1)
    handle = cluster.add_job(12, kind='copy', source=other)
    result = run(cluster, clock)
    assert result['failed'] and 'copy from volume %d (async handle %d)' % (other, handle) in result['msg']
    assert cluster.sent('CopyVolume') == []


def test_a_running_clone_of_the_source_is_not_a_copy_onto_the_target(cluster, clock):
    cluster.add_job(cluster.add_volume('clone', 1, status='init'))
    assert run(cluster, clock)['changed'] is True


def test_the_target_of_a_copy_whose_details_omit_it_is_found_in_list_sync_jobs(cluster, clock):
    cluster.copy_details_name_target = False
    first = run(cluster, clock)
    second = run(cluster, clock)
    assert second['changed'] is False and second['async_handle'] == first['async_handle']
    assert cluster.sent('ListSyncJobs') and len(cluster.sent('CopyVolume')) == 1


# ------------------------------------------------------------------------------------------------- check mode
def test_check_mode_sends_nothing_and_says_what_would_be_copied(cluster, clock):
    result = run(cluster, clock, check_mode=True, wait=True)
    assert result['changed'] is True and result['async_handle'] is None
    assert "Would copy volume 11 ('prod-db') onto volume 12 ('test-db')" in result['msg']
    assert cluster.sent('CopyVolume') == [] and cluster.sent('GetAsyncResult') == []


def test_check_mode_with_a_running_copy_is_not_changed(cluster, clock):
    handle = run(cluster, clock)['async_handle']
    result = run(cluster, clock, check_mode=True)
    assert result['changed'] is False and result['async_handle'] is None
    assert 'async handle %d' % handle in result['msg'] and 'a real run would adopt it' in result['msg']


# ------------------------------------------------------------------------------------------------- lost answers
def test_a_lost_answer_is_adopted_not_copied_twice(cluster, clock):
    cluster.faults['CopyVolume'] = [LostAnswer(ElementTransientError('Connection reset', reached=False))]
    result = run(cluster, clock)
    assert len(cluster.sent('CopyVolume')) == 1
    assert result['changed'] is True and result['async_handle'] == 101 and 'adopted' in result['msg']


def test_a_lost_answer_of_a_copy_that_completed_meanwhile_is_adopted(cluster, clock):
    cluster.clone_seconds = 0.01
    cluster.faults['CopyVolume'] = [LostAnswer(ElementTransientError('timed out', reached=False))]
    result = run(cluster, clock)
    assert len(cluster.sent('CopyVolume')) == 1 and result['async_handle'] == 101
    assert result['clone_id'] == 11 and 'completed' in result['msg']


def test_an_old_completed_copy_is_never_mistaken_for_the_lost_one(cluster, clock):
    cluster.add_job(12, kind='copy', source=11, done=True)
    cluster.faults['CopyVolume'] = [ElementTransientError('HTTP 503')]
    result = run(cluster, clock)
    assert len(cluster.sent('CopyVolume')) == 2 and result['async_handle'] == 102


def test_a_transient_failure_is_looked_up_then_resent(cluster, clock):
    limit = ElementTransientError('xMaxClonesPerVolumeExceeded: busy', name='xMaxClonesPerVolumeExceeded')
    cluster.faults['CopyVolume'] = [limit]
    result = run(cluster, clock)
    methods = [call[0] for call in cluster.calls]
    assert methods == ['ListVolumes', 'ListVolumes', 'ListAsyncResults', 'CopyVolume', 'ListAsyncResults',
                       'CopyVolume']
    assert result['changed'] is True and clock.sleeps == [2.0 * 0.95]


def test_the_deadline_ends_the_retries(cluster, clock):
    cluster.faults['CopyVolume'] = [ElementTransientError('HTTP 503')] * 1000
    result = run(cluster, clock, wait_timeout=20)
    assert result['failed'] and 'starting the copy of volume 11' in result['msg'] and '20 s' in result['msg']


@pytest.mark.parametrize('error, fragment', [
    (ElementAPIError('xPermissionDenied', 'no'), "user 'admin' may not copy"),
    (ElementAPIError('xInvalidParameter', 'sizes differ'), "CopyVolume of volume 11 ('prod-db') onto"),
    (ElementAPIError('xVolumeIDDoesNotExist', 'gone'), 'does not exist any more'),
])
def test_fatal_errors_fail_at_once(cluster, clock, error, fragment):
    cluster.faults['CopyVolume'] = [error]
    result = run(cluster, clock)
    assert result['failed'] and fragment in result['msg'] and len(cluster.sent('CopyVolume')) == 1


def test_an_abandoned_task_never_sends_copy_volume(cluster, clock):
    result = run(cluster, clock, abandoned=lambda: bool(cluster.sent('ListAsyncResults')))
    assert result['failed'] and 'gone' in result['msg'] and cluster.sent('CopyVolume') == []


# ------------------------------------------------------------------------------------------------- wait
def test_wait_returns_the_job_fields_the_source_in_the_result_and_the_target_refreshed(cluster, clock):
    events = []
    result = run(cluster, clock, wait=True, on_event=lambda kind, text: events.append(text))
    assert result['status'] == 'complete' and result['released'] is True and result['changed'] is True
    assert result['result']['volumeID'] == 11 and result['volume_id'] == 12  # Element names the source
    assert result['progress']['sync_jobs'] == 2 and cluster.sent('ListSyncJobs')
    assert any('clone 11 -> volume 12' in text for text in events)
    assert cluster.sent('ListVolumes')[-1][1] == {'volumeIDs': [12]}


def test_wait_on_an_adopted_copy_changes_only_by_the_release(cluster, clock):
    run(cluster, clock)
    result = run(cluster, clock, wait=True, keep_result=True)
    assert result['changed'] is False and result['status'] == 'complete' and result['released'] is False


@pytest.mark.parametrize('fail_on_error', [True, False])
def test_a_copy_job_that_fails_while_waited_on(cluster, clock, fail_on_error):
    handle = run(cluster, clock)['async_handle']
    cluster.jobs[handle]['error'] = dict(name='xCloneFailed', message='slice lost')
    result = run(cluster, clock, wait=True, fail_on_error=fail_on_error)
    assert result['async_handle'] == handle and result['error']['name'] == 'xCloneFailed'
    assert result['status'] == 'complete' and result['result'] is None
    if fail_on_error:
        assert result['failed'] and 'completed with error xCloneFailed: slice lost' in result['msg']
    else:
        assert not result.get('failed') and result['volume']['volumeID'] == 12
    assert len(cluster.sent('CopyVolume')) == 1


# ------------------------------------------------------------------------------------------------- lookup
def test_running_copy_entry_matches_the_target_or_its_sync_clone():
    entries = [
        dict(asyncResultID=5, completed=False, resultType='Clone', data={'volumeID': 1, 'dstVolumeID': 2}),
        dict(asyncResultID=6, completed=True, resultType='Clone', data={'volumeID': 1, 'cloneID': 9}),
        dict(asyncResultID=7, completed=False, resultType='Clone', data={'volumeID': 3, 'cloneID': 4}),
        dict(asyncResultID=8, completed=False, resultType='BulkVolume', data={'dstVolumeID': 2}),
    ]
    assert running_copy_entry(entries, 2)['asyncResultID'] == 5
    assert running_copy_entry(entries, 8) is None
    assert running_copy_entry(entries, 8, sync_jobs=[{'cloneID': 4, 'dstVolumeID': 8}])['asyncResultID'] == 7
