# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drivers of volume_backup, volume_restore and drives (their task specs, BulkTransfer and DriveWork) against
the Element simulator over HTTPS: a second simulator stands in for the other cluster. What each task sends is read
from the simulators' call logs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading
import time

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.solidfire.element.plugins.module_utils._drives import DRIVES
from ansible_collections.solidfire.element.plugins.module_utils._volume_backup import VOLUME_BACKUP
from ansible_collections.solidfire.element.plugins.module_utils._volume_restore import VOLUME_RESTORE
from ansible_collections.solidfire.element.tests.unit.plugins.simulated import Sim, launch

PASSWORD = 'bulk-Secr3t-pa55'
PEER_PASSWORD = 'peer-Secr3t-w0rd'
S3_SECRET = 's3-Secr3t-acc3ss'
S3 = dict(hostname='s3.example.com', bucket='backups', access_key_id='AKIASIM', secret_access_key=S3_SECRET)
FAST = dict(poll_interval=0.25, max_poll_interval=0.5, wait_timeout=60)


@pytest.fixture
def sims(tmp_path):
    """This cluster and another one (same certificate: the first reaches the second the way bv_internal.py would)."""
    with launch(['--job-seconds', '1', '--password', PASSWORD], tls_dir=str(tmp_path / 'tls'),
                log_path=str(tmp_path / 'here.log')) as here:
        with launch(['--job-seconds', '1', '--username', 'peer-admin', '--password', PEER_PASSWORD],
                    tls_dir=str(tmp_path / 'tls'), log_path=str(tmp_path / 'peer.log')) as peer:
            yield Sim(here), Sim(peer)


@pytest.fixture
def here(sims):
    return sims[0]


def volume(sim, name, size=1 << 30):
    account = sim.call('AddAccount', {'username': 'tenant-%s' % name})['accountID']
    return sim.call('CreateVolume', {'name': name, 'accountID': account, 'totalSize': size})['volume']


def run(spec, sim, check_mode=False, **options):
    """The task as a module or the action plugin runs it: argspec-validated options, then the spec's run."""
    checked = ArgumentSpecValidator(**spec.validation()).validate(dict(sim.args(), **options))
    assert not checked.error_messages, checked.error_messages
    return spec.run(checked.validated_parameters, check_mode=check_mode)


def secrets_in(result):
    text = json.dumps(result)
    return [secret for secret in (PASSWORD, PEER_PASSWORD, S3_SECRET) if secret in text]


# ------------------------------------------------------------------------------------------------ volume_backup
def test_a_backup_to_s3_waits_with_the_jobs_own_figures_and_releases_it(here):
    source = volume(here, 'db01')
    result = run(VOLUME_BACKUP, here, src_volume_id=source['volumeID'], s3=S3, wait=True, **FAST)
    assert not result.get('failed'), result
    assert result['status'] == 'complete' and result['released'] and result['result']['volumeID'] == source['volumeID']
    assert result['s3']['prefix'].endswith('/db01-%d' % source['volumeID'])
    assert result['progress'] is not None and result['progress']['bulk_volume_id'] == result['bulk_volume_id']
    assert here.calls('ListBulkVolumeJobs')  # the figures stood in for reading the handle
    assert secrets_in(result) == []
    started = here.calls('StartBulkVolumeRead')
    assert len(started) == 1 and started[0]['params']['script'] == 'bv_internal.py'
    assert started[0]['params']['scriptParameters']['write']['awsSecretAccessKey'] == S3_SECRET


def test_check_mode_starts_nothing_and_a_re_run_adopts_the_running_backup(here):
    source = volume(here, 'db02')
    dry = run(VOLUME_BACKUP, here, check_mode=True, src_volume_name='db02', s3=S3)
    assert dry['changed'] and dry['async_handle'] is None and 'Would back up' in dry['msg']
    assert here.calls('StartBulkVolumeRead') == []
    first = run(VOLUME_BACKUP, here, src_volume_id=source['volumeID'], s3=S3)
    again = run(VOLUME_BACKUP, here, src_volume_id=source['volumeID'], s3=S3)
    assert first['changed'] and not again['changed'] and again['async_handle'] == first['async_handle']
    assert len(here.calls('StartBulkVolumeRead')) == 1 and 'already running' in again['msg']


def test_refused_s3_credentials_fail_the_task_without_showing_the_secret(here):
    source = volume(here, 'db03')
    here.call('SimS3', {'keys': {'AKIASIM': 'another-secret'}})
    result = run(VOLUME_BACKUP, here, src_volume_id=source['volumeID'], s3=S3, wait=True, **FAST)
    assert result['failed'] and 'xBulkVolumeScriptFailure' in result['msg'] and result['released']
    assert S3_SECRET not in json.dumps(result) and '********' in json.dumps(result)


def test_a_backup_to_another_cluster_feeds_its_write_session_and_waits_on_both(sims):
    here, peer = sims
    source = volume(here, 'db04')
    target = volume(peer, 'db04-dr')
    destination = dict(peer.args(volume_id=target['volumeID']))
    result = run(VOLUME_BACKUP, here, src_volume_id=source['volumeID'], destination=destination, wait=True, **FAST)
    assert not result.get('failed'), result
    assert result['peer']['status'] == 'complete' and result['peer']['released'] and result['released']
    assert peer.call('SimVolumeData', {'volumeID': target['volumeID']})['data'] == here.call(
        'SimVolumeData', {'volumeID': source['volumeID']})['data']
    assert secrets_in(result) == []
    sessions = peer.calls('StartBulkVolumeWrite')
    read = here.calls('StartBulkVolumeRead')[0]['params']['scriptParameters']['write']
    assert len(sessions) == 1 and read['endpoint'] == 'solidfire' and read['username'] == 'peer-admin'


def test_a_destination_in_use_or_too_small_is_refused_before_anything_starts(sims):
    here, peer = sims
    source = volume(here, 'db05', size=2 << 30)
    small = volume(peer, 'small', size=1 << 30)
    result = run(VOLUME_BACKUP, here, src_volume_id=source['volumeID'],
                 destination=peer.args(volume_id=small['volumeID']))
    assert result['failed'] and 'is too small' in result['msg'] and "'small'" not in result['msg']
    busy = volume(peer, 'busy', size=2 << 30)
    peer.call('StartBulkVolumeWrite', {'volumeID': busy['volumeID'], 'format': 'native'})
    result = run(VOLUME_BACKUP, here, src_volume_id=source['volumeID'], destination=peer.args(volume_name='busy'))
    assert result['failed'] and 'is in use: bulk volume job' in result['msg']
    assert here.calls('StartBulkVolumeRead') == [] and len(peer.calls('StartBulkVolumeWrite')) == 1


def test_bad_options_are_refused_before_anything_is_sent(here):
    result = run(VOLUME_BACKUP, here, src_volume_id=-3, s3=dict(S3, prefix='/abs'))
    assert result['failed'] and 'src_volume_id must be a positive integer' in result['msg']
    assert 's3.prefix must be a key prefix without a leading /' in result['msg']
    result = run(VOLUME_RESTORE, here, dst_volume_id=1, s3=S3)
    assert result['failed'] and 's3.prefix is required to restore' in result['msg']
    assert here.calls() == []


# ------------------------------------------------------------------------------------------------ volume_restore
def test_a_restore_from_s3_writes_the_backed_up_data_into_the_volume(here):
    source = volume(here, 'db06')
    backup = run(VOLUME_BACKUP, here, src_volume_id=source['volumeID'], s3=dict(S3, prefix='dr/db06'), wait=True,
                 **FAST)
    assert backup['status'] == 'complete', backup
    fresh = volume(here, 'db06-restored')
    result = run(VOLUME_RESTORE, here, dst_volume_name='db06-restored', s3=dict(S3, prefix='dr/db06'), wait=True,
                 **FAST)
    assert not result.get('failed'), result
    assert result['status'] == 'complete' and result['volume']['volumeID'] == fresh['volumeID']
    assert here.call('SimVolumeData', {'volumeID': fresh['volumeID']})['data'] == here.call(
        'SimVolumeData', {'volumeID': source['volumeID']})['data']


def test_a_restore_from_another_cluster_refuses_a_volume_too_small_and_writes_one_large_enough(sims):
    here, peer = sims
    origin = volume(peer, 'origin', size=2 << 30)
    small = volume(here, 'small', size=1 << 30)
    result = run(VOLUME_RESTORE, here, dst_volume_id=small['volumeID'], source=peer.args(volume_id=origin['volumeID']))
    assert result['failed'] and 'volume to restore into, volume %d' % small['volumeID'] in result['msg']
    assert 'too small' in result['msg'] and here.calls('StartBulkVolumeWrite') == []
    large = volume(here, 'large', size=2 << 30)
    result = run(VOLUME_RESTORE, here, dst_volume_id=large['volumeID'], source=peer.args(volume_name='origin'),
                 wait=True, **FAST)
    assert not result.get('failed'), result
    assert here.call('SimVolumeData', {'volumeID': large['volumeID']})['data'] == peer.call(
        'SimVolumeData', {'volumeID': origin['volumeID']})['data']
    assert secrets_in(result) == []


# ------------------------------------------------------------------------------------------------ drives
def drives_of(sim, status=None):
    return [d for d in sim.call('ListDrives')['drives'] if status is None or d['status'] == status]


def test_present_adds_the_available_drives_waits_for_their_data_and_a_re_run_changes_nothing(here):
    spare = [d['driveID'] for d in drives_of(here, 'available')]
    result = run(DRIVES, here, drives=[spare[0], str(spare[1])], state='present', wait=True, **FAST)
    assert not result.get('failed'), result
    assert result['changed'] and result['data_moving'] is False and 'The data is in place.' in result['msg']
    assert [d['status'] for d in result['drives']] == ['active', 'active']
    assert not [s for s in here.call('ListSyncJobs')['syncJobs'] if s['type'] == 'bin']
    added = here.calls('AddDrives')
    assert len(added) == 1 and added[0]['params']['drives'] == [{'driveID': spare[0]}, {'driveID': spare[1]}]
    again = run(DRIVES, here, drives=spare, state='present')
    assert not again['changed'] and again['async_handle'] is None and 'already active' in again['msg']


def test_absent_refuses_what_capacity_cannot_hold_and_removes_one_drive_by_its_serial(here):
    block = [d for d in drives_of(here, 'active') if d['type'] == 'block']
    refused = run(DRIVES, here, drives=[d['driveID'] for d in block[:7]], state='absent')
    assert refused['failed'] and 'the cluster could not hold its data' in refused['msg']
    dry = run(DRIVES, here, check_mode=True, drives=[block[0]['serial']], state='absent')
    assert dry['changed'] and dry['async_handle'] is None and here.calls('RemoveDrives') == []
    result = run(DRIVES, here, drives=[block[0]['serial']], state='absent', wait=True, **FAST)
    assert not result.get('failed'), result
    assert result['result_type'] == 'DriveRemoval' and result['drives'][0]['status'] == 'available'
    assert result['progress'] is not None  # its data movement stood in for its handle while it ran


def test_a_drive_that_fails_mid_removal_fails_the_task_naming_it(here):
    block = [d for d in drives_of(here, 'active') if d['type'] == 'block']

    def fail_once_removing():
        while not here.calls('RemoveDrives'):
            time.sleep(0.05)
        here.call('SimFailDrive', {'driveID': block[1]['driveID']})

    failing = threading.Thread(target=fail_once_removing)
    failing.start()
    result = run(DRIVES, here, drives=[block[1]['driveID']], state='absent', wait=True, **FAST)
    failing.join()
    assert result['failed'] and 'xDriveFailed' in result['msg'] and 'Drive %d failed' % block[1]['driveID'] in result['msg']
    assert result['drives'][0]['status'] == 'failed'  # a failed drive does not return to available


def test_erased_refuses_an_active_drive_and_erases_an_available_one(here):
    active = drives_of(here, 'active')[0]
    refused = run(DRIVES, here, drives=[active['driveID']], state='erased')
    assert refused['failed'] and 'cannot erase drive %d' % active['driveID'] in refused['msg']
    assert 'remove it from the cluster first' in refused['msg']
    spare = drives_of(here, 'available')[0]
    result = run(DRIVES, here, drives=[spare['driveID']], state='erased', wait=True, **FAST)
    assert not result.get('failed'), result
    assert result['result_type'] == 'DriveSecureErase' and result['drives'][0]['status'] == 'available'


def test_an_unknown_drive_or_a_bad_name_is_refused_naming_it(here):
    result = run(DRIVES, here, drives=['no-such-serial'], state='present')
    assert result['failed'] and "drive 'no-such-serial' is not on the cluster" in result['msg']
    result = run(DRIVES, here, drives=[0, True], state='present')
    assert result['failed'] and 'drives[0] must be a positive driveID' in result['msg']
