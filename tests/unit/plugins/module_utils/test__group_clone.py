# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of group_clone's task spec and group cloner: member checks, the group snapshot, idempotency by the
target names (all, none, some), lost answers, check mode, the wait, the group-job lookup. Nothing sleeps."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAPIError,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils._group_clone import ARGUMENT_SPEC, GROUP_CLONE, prepare
from ansible_collections.solidfire.element.plugins.module_utils._group_cloner import group_job
from ansible_collections.solidfire.element.tests.unit.plugins.module_utils.fake_element import (
    FakeCluster,
    LostAnswer,
)

MEMBERS = [dict(src_volume_name='db-data', name='db-data-test'), dict(src_volume_name='db-log', name='db-log-test')]


def members(*specs):
    out = []
    for spec in specs or MEMBERS:
        item = dict(src_volume_id=None, src_volume_name=None, name=None, access=None, attributes=None)
        item.update(spec)
        out.append(item)
    return out


@pytest.fixture
def cluster(clock):
    fake = FakeCluster(clock)
    fake.add_volume('db-data', 1)  # 11
    fake.add_volume('db-log', 1)  # 12
    return fake


def params(**overrides):
    values = dict((name, spec.get('default')) for name, spec in ARGUMENT_SPEC.items())
    values.update(hostname='127.0.0.1', username='admin', password='secret', volumes=members(),
                  wait_timeout=60, poll_interval=2.0, max_poll_interval=8.0)
    values.update(overrides)
    return values


def run(cluster, clock, check_mode=False, on_event=None, **overrides):
    return GROUP_CLONE.run(params(**overrides), check_mode=check_mode, client_factory=lambda p: cluster,
                           clock=clock, sleep=clock.sleep, rand=lambda: 0.5, on_event=on_event)


def created(cluster):
    return sorted(v['name'] for v in cluster.volumes.values() if v['name'].endswith('-test'))


# ------------------------------------------------------------------------------------------------- input
def test_prepare_refuses_no_members_duplicate_and_long_names_and_bad_ids():
    assert 'at least one volume' in ' '.join(prepare(params(volumes=[])).errors)
    text = ' '.join(prepare(params(volumes=members(
        dict(src_volume_id=0, name='a'), dict(src_volume_name='', name='a'), dict(src_volume_id=3, name='x' * 65)),
        group_snapshot_id=0)).errors)
    assert 'volumes[0].src_volume_id must be a positive integer' in text
    assert "volumes[1].name 'a' is also the name of volumes[0]" in text
    assert 'volumes[1].src_volume_name must not be empty' in text
    assert 'volumes[2].name must be 1 to 64 characters' in text
    assert 'group_snapshot_id must be a positive integer' in text
    assert prepare(params()).errors == []


def test_each_member_needs_exactly_one_source_option():
    spec = GROUP_CLONE.validation()['argument_spec']['volumes']
    assert spec['required_one_of'] == [('src_volume_id', 'src_volume_name')]
    assert spec['mutually_exclusive'] == [('src_volume_id', 'src_volume_name')]


# ------------------------------------------------------------------------------------------------- clone
def test_one_clone_multiple_volumes_with_every_option(cluster, clock):
    result = run(cluster, clock, access='readOnly', account_id=2, volumes=members(
        dict(src_volume_name='db-data', name='db-data-test', access='locked', attributes={'a': 1}),
        dict(src_volume_id=12, name='db-log-test')))
    (call,) = cluster.sent('CloneMultipleVolumes')
    assert call[1] == dict(volumes=[dict(volumeID=11, name='db-data-test', access='locked', attributes={'a': 1}),
                                    dict(volumeID=12, name='db-log-test')], access='readOnly', newAccountID=2)
    assert result['changed'] is True and result['async_handle'] == 101 and result['group_clone_id'] == 1
    assert result['members'] == [dict(src_volume_id=11, volume_id=13, name='db-data-test'),
                                 dict(src_volume_id=12, volume_id=14, name='db-log-test')]
    assert 'as group clone 1 (async handle 101)' in result['msg'] and cluster.closed


def test_members_follow_the_answer_by_source_when_it_comes_in_another_order(cluster, clock):
    original = cluster._CloneMultipleVolumes

    def reversed_answer(params):
        answer = original(params)
        answer['members'].reverse()
        return answer

    cluster._CloneMultipleVolumes = reversed_answer
    result = run(cluster, clock)
    assert [(m['src_volume_id'], m['volume_id']) for m in result['members']] == [(11, 13), (12, 14)]


@pytest.mark.parametrize('overrides, fragment', [
    (dict(volumes=members(dict(src_volume_name='db-data', name='a'), dict(src_volume_name='nope', name='b'))),
     "volumes[1]: source volume 'nope' does not exist"),
    (dict(volumes=members(dict(src_volume_id=99, name='a'))), 'volumes[0]: source volume 99 does not exist'),
    (dict(account_id=9), 'account 9 (account_id) does not exist'),
    (dict(group_snapshot_id=4), 'group snapshot 4 (group_snapshot_id) does not exist'),
    (dict(src_account_id=2), "volumes[0]: source volume 'db-data' does not exist in account 2"),
])
def test_bad_input_fails_before_anything_is_sent_also_in_check_mode(cluster, clock, overrides, fragment):
    for check_mode in (False, True):
        result = run(cluster, clock, check_mode=check_mode, **overrides)
        assert result['failed'] and fragment in result['msg']
    assert cluster.sent('CloneMultipleVolumes') == []


def test_an_ambiguous_source_names_the_member_ids_and_options(cluster, clock):
    cluster.add_volume('db-log', 2)
    result = run(cluster, clock)
    assert result['failed'] and result['msg'].startswith("volumes[1]: source volume name 'db-log' is ambiguous")
    assert 'volumes[1].src_volume_id' in result['msg'] and 'src_account_id' in result['msg']
    assert run(cluster, clock, src_account_id=1)['changed'] is True


def test_a_group_snapshot_is_checked_and_sent(cluster, clock):
    cluster.group_snapshots[3] = [11, 12]
    cluster.group_snapshots[4] = [11]
    result = run(cluster, clock, group_snapshot_id=4)
    assert result['failed'] and "volumes[1]: source volume 12 ('db-log') is not in group snapshot 4" in result['msg']
    result = run(cluster, clock, group_snapshot_id=3)
    assert cluster.sent('CloneMultipleVolumes')[0][1]['groupSnapshotID'] == 3
    assert 'from group snapshot 3' in result['msg']


def test_a_group_snapshot_that_the_cluster_says_is_missing(cluster, clock):
    cluster.faults['ListGroupSnapshots'] = [ElementAPIError('xGroupSnapshotIDDoesNotExist', 'no such')]
    result = run(cluster, clock, group_snapshot_id=5)
    assert result['failed'] and 'group snapshot 5 (group_snapshot_id) does not exist' in result['msg']


# ------------------------------------------------------------------------------------------------- idempotency
def test_all_targets_present_and_active_is_not_changed_and_has_no_handle(cluster, clock):
    run(cluster, clock)
    clock.now += 100
    for volume in cluster.volumes.values():
        volume['status'] = 'active'
    again = run(cluster, clock)
    assert again['changed'] is False and again['async_handle'] is None and 'all of them active' in again['msg']
    assert [m['volume_id'] for m in again['members']] == [13, 14]
    assert len(cluster.sent('CloneMultipleVolumes')) == 1


def test_a_rerun_while_the_group_clone_runs_returns_its_handle(cluster, clock):
    first = run(cluster, clock)
    cluster.add_job(cluster.add_volume('unrelated', 1, status='init'))
    second = run(cluster, clock)
    assert second['changed'] is False and second['async_handle'] == first['async_handle']
    assert second['group_clone_id'] == first['group_clone_id'] and 'still running' in second['msg']
    assert len(cluster.sent('CloneMultipleVolumes')) == 1


def test_check_mode_rerun_does_not_look_the_job_up(cluster, clock):
    run(cluster, clock)
    result = run(cluster, clock, check_mode=True)
    assert result['changed'] is False and result['async_handle'] is None and 'still being cloned' in result['msg']


def test_some_targets_present_fails_naming_them_also_in_check_mode(cluster, clock):
    cluster.add_volume('db-log-test', 1)
    for check_mode in (False, True):
        result = run(cluster, clock, check_mode=check_mode)
        assert result['failed'] and "1 of 2 target names exist already ('db-log-test': volume 13" in result['msg']
        assert "'db-data-test' does not" in result['msg'] and 'consistent' in result['msg']
    assert cluster.sent('CloneMultipleVolumes') == []


def test_targets_are_looked_up_in_the_account_they_go_to(cluster, clock):
    cluster.add_volume('db-data-test', 1)
    cluster.add_volume('db-log-test', 1)
    assert run(cluster, clock, account_id=2)['changed'] is True


def test_check_mode_sends_nothing(cluster, clock):
    result = run(cluster, clock, check_mode=True, wait=True)
    assert result['changed'] is True and result['async_handle'] is None and 'Would clone 2 volumes' in result['msg']
    assert [m['volume_id'] for m in result['members']] == [None, None]
    assert cluster.sent('CloneMultipleVolumes') == [] and cluster.sent('GetAsyncResult') == []


# ------------------------------------------------------------------------------------------------- lost answers
def test_a_lost_answer_is_adopted_not_cloned_twice(cluster, clock):
    cluster.faults['CloneMultipleVolumes'] = [LostAnswer(ElementTransientError('Connection reset', reached=False))]
    result = run(cluster, clock)
    assert len(cluster.sent('CloneMultipleVolumes')) == 1 and created(cluster) == ['db-data-test', 'db-log-test']
    assert result['changed'] is True and 'adopted' in result['msg']
    assert result['async_handle'] == 101 and result['group_clone_id'] == 1
    assert [m['volume_id'] for m in result['members']] == [13, 14]


def test_a_lost_answer_of_a_group_clone_that_completed_meanwhile_is_adopted(cluster, clock):
    cluster.clone_seconds = 0.01
    cluster.faults['CloneMultipleVolumes'] = [LostAnswer(ElementTransientError('timed out', reached=False))]
    result = run(cluster, clock)
    assert result['async_handle'] == 101 and result['group_clone_id'] == 1


def test_a_transient_failure_is_looked_up_then_resent(cluster, clock):
    cluster.faults['CloneMultipleVolumes'] = [ElementTransientError('xMaxClonesPerVolumeExceeded: busy',
                                                                    name='xMaxClonesPerVolumeExceeded')]
    result = run(cluster, clock)
    methods = [call[0] for call in cluster.calls]
    assert methods == ['ListVolumes'] * 4 + ['CloneMultipleVolumes'] + ['ListVolumes'] * 2 + ['CloneMultipleVolumes']
    assert result['changed'] is True and created(cluster) == ['db-data-test', 'db-log-test']


def test_a_partial_set_after_a_lost_answer_is_an_error_not_a_resend(cluster, clock):
    def half(params):
        cluster.add_volume('db-data-test', 1)
        raise ElementTransientError('HTTP 503')

    cluster._CloneMultipleVolumes = half
    result = run(cluster, clock)
    assert result['failed'] and 'only some of the target names exist' in result['msg']


@pytest.mark.parametrize('error, fragment', [
    (ElementAPIError('xPermissionDenied', 'no'), "user 'admin' may not clone"),
    (ElementAPIError('xGroupSnapshotIDDoesNotExist', 'gone'), 'group snapshot 3 cannot be cloned'),
    (ElementAPIError('xInvalidParameter', 'odd'), 'CloneMultipleVolumes of 2 volumes'),
])
def test_fatal_errors_fail_at_once(cluster, clock, error, fragment):
    cluster.group_snapshots[3] = [11, 12]
    cluster.faults['CloneMultipleVolumes'] = [error]
    result = run(cluster, clock, group_snapshot_id=3)
    assert result['failed'] and fragment in result['msg'] and clock.sleeps == []


# ------------------------------------------------------------------------------------------------- wait
def test_wait_returns_the_job_fields_and_follows_the_group_progress(cluster, clock):
    events = []
    result = run(cluster, clock, wait=True, on_event=lambda kind, text: events.append(text))
    assert result['status'] == 'complete' and result['released'] is True and result['changed'] is True
    assert result['result']['members'] == [dict(srcVolumeID=11, volumeID=13), dict(srcVolumeID=12, volumeID=14)]
    assert result['progress']['sync_jobs'] == 2 and result['progress']['total_bytes'] == 1000
    assert result['progress']['clone_id'] is None and any('group clone 1' in text for text in events)
    assert not any('(clone ' in text for text in events)  # every line sums the whole group
    assert all(v['status'] == 'active' for v in cluster.volumes.values())


def test_a_group_clone_job_that_fails_while_waited_on_fails_the_task(cluster, clock):
    handle = run(cluster, clock)['async_handle']
    cluster.jobs[handle]['error'] = dict(name='xCloneFailed', message='member lost')
    result = run(cluster, clock, wait=True)
    assert result['failed'] and 'completed with error xCloneFailed: member lost' in result['msg']
    assert result['async_handle'] == handle and result['members'][0]['volume_id'] == 13


# ------------------------------------------------------------------------------------------------- lookup
def test_group_job_matches_completed_members_or_running_sync_groups():
    entries = [
        dict(asyncResultID=5, completed=True, success=True, resultType='Clone',
             data={'groupCloneID': 2, 'members': [{'srcVolumeID': 1, 'volumeID': 40}]}),
        dict(asyncResultID=6, completed=False, resultType='Clone', data={'groupCloneID': 3}),
        dict(asyncResultID=7, completed=False, resultType='Clone', data={'volumeID': 40}),
    ]
    assert group_job(entries, {40}, []) == (None, None)
    assert group_job(entries, {40}, [], include_completed=True) == (5, 2)
    assert group_job(entries, {50}, [{'dstVolumeID': 50, 'groupCloneID': 3}]) == (6, 3)
