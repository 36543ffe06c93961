# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of one clone's tracking: when it wants its next look, and when its estimates stop being trusted."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._bulk_progress import BulkIdentity
from ansible_collections.solidfire.element.plugins.module_utils._drive_progress import DriveIdentity
from ansible_collections.solidfire.element.plugins.module_utils._progress import CloneIdentity
from ansible_collections.solidfire.element.plugins.module_utils._tracking import (
    END_MARGIN,
    ESTIMATE_MISSES,
    HALVING_ABOVE,
    TIGHT_INTERVAL,
    TIGHT_READS,
    JobTrack,
    figures_of,
)


def figures(remaining, percent=50.0, measured=False):
    return {'percent_complete': percent, 'remaining_time': remaining, 'remaining_measured': measured}


def test_an_estimated_end_is_approached_by_halves_a_measured_one_read_just_after():
    track = JobTrack(CloneIdentity(clone_id=7))
    track.note(figures(HALVING_ABOVE + 6), now=100.0)
    assert track.wanted_in(100.0) == (HALVING_ABOVE + 6) / 2
    track.note(figures(3.0), now=100.0)
    assert track.wanted_in(100.0) == 3.0 + END_MARGIN
    track.note(figures(30.0, measured=True), now=100.0)
    assert track.wanted_in(100.0) == 30.0 + END_MARGIN


def test_quick_reads_never_below_half_a_second_even_for_an_end_just_ahead():
    track = JobTrack(CloneIdentity(clone_id=7))
    track.note(figures(0.01), now=50.0)
    assert track.wanted_in(50.0) == TIGHT_INTERVAL


def test_around_a_passed_end_a_few_quick_reads_then_no_estimate():
    track = JobTrack(CloneIdentity(clone_id=7))
    track.note(figures(1.0), now=100.0)
    assert track.due(101.0)
    wanted = []
    for step in range(TIGHT_READS + 1):
        now = 102.0 + step
        track.missed_end(now)  # read at its end: still running
        wanted.append(track.wanted_in(now))
        track.note(figures(0.0), now=now + 0.1)  # its fresh figures say it ends now
    assert wanted[:TIGHT_READS] == [TIGHT_INTERVAL] * TIGHT_READS
    assert track.wanted_in(200.0) is None


def test_estimates_that_keep_missing_are_no_longer_trusted():
    track = JobTrack(CloneIdentity(clone_id=7))
    now = 100.0
    for _miss in range(ESTIMATE_MISSES):
        track.note(figures(1.0), now=now)
        now += 1.0 + 2 * END_MARGIN  # looked again after the end: still copying
    track.note(figures(1.0), now=now)
    assert track.predicted_end is None and track.wanted_in(now) is None


def test_figures_going_backwards_are_not_trusted_for_the_schedule():
    track = JobTrack(CloneIdentity(clone_id=7))
    track.note({'percent_complete': 50.0, 'remaining_time': 10.0}, now=100.0)
    assert track.predicted_end == 110.0
    track.note({'percent_complete': 40.0, 'remaining_time': 1.0}, now=101.0)
    assert track.predicted_end is None


def test_one_listing_gives_each_clone_its_own_figures():
    entries = [{'type': 'clone', 'cloneID': 1, 'dstVolumeID': 11, 'totalBytes': 100, 'currentBytes': 50,
                'remainingTime': 5.0},
               {'type': 'clone', 'cloneID': 2, 'dstVolumeID': 12, 'totalBytes': 100, 'currentBytes': 10,
                'remainingTime': 9.0},
               {'type': 'clone', 'cloneID': 9, 'groupCloneID': 3, 'dstVolumeID': 13, 'totalBytes': 100,
                'currentBytes': 20, 'remainingTime': 7.0},
               {'type': 'slice', 'cloneID': 1, 'totalBytes': 999}]
    tracks = [JobTrack(CloneIdentity(clone_id=1)), JobTrack(CloneIdentity(volume_id=12)),
              JobTrack(CloneIdentity(group_clone_id=3)), JobTrack(CloneIdentity(clone_id=4))]
    found = figures_of(entries, tracks)
    assert [found[id(track)] and found[id(track)]['percent_complete'] for track in tracks] == [50.0, 10.0, 20.0, None]
    assert found[id(tracks[1])]['clone_id'] == 2


def test_a_bulk_volume_job_is_found_by_its_id_its_key_or_its_volume_and_type():
    entries = [{'bulkVolumeID': 4, 'key': 'k4', 'srcVolumeID': 47, 'type': 'read', 'status': 'running',
                'percentComplete': 40, 'remainingTime': 30},
               {'bulkVolumeID': 5, 'key': 'k5', 'srcVolumeID': 47, 'type': 'write', 'status': 'preparing',
                'percentComplete': 0}]
    tracks = [JobTrack(BulkIdentity(bv_id=4)), JobTrack(BulkIdentity(key='k5')),
              JobTrack(BulkIdentity(volume_id=47, kind='read')), JobTrack(BulkIdentity(bv_id=9))]
    found = figures_of(entries, tracks)
    assert found[id(tracks[0])]['remaining_time'] == 30 and found[id(tracks[0])]['remaining_measured'] is False
    assert found[id(tracks[1])]['remaining_time'] is None and found[id(tracks[1])]['status'] == 'preparing'
    assert found[id(tracks[2])]['bulk_volume_id'] == 4 and found[id(tracks[3])] is None
    tracks[2].note(found[id(tracks[2])], now=100.0)
    assert tracks[2].identity.bv_id == 4 and tracks[2].wanted_in(100.0) == 15.0  # halfway: an estimate only


def test_a_drive_job_is_the_data_moving_onto_or_off_its_drives_services():
    entries = [{'type': 'bin', 'srcServiceID': 31, 'dstServiceID': 21, 'totalBytes': 100, 'currentBytes': 25,
                'bytesPerSecond': 5.0},
               {'type': 'bin', 'srcServiceID': 22, 'dstServiceID': 23, 'totalBytes': 100, 'currentBytes': 50,
                'bytesPerSecond': 5.0},
               {'type': 'clone', 'cloneID': 1, 'dstVolumeID': 2, 'totalBytes': 10, 'currentBytes': 1}]
    mine, everyone = DriveIdentity('DriveRemoval', drives=[7], services=[31]), DriveIdentity('DriveRemoval')
    found = figures_of(entries, [JobTrack(mine), JobTrack(everyone)])
    assert [figures['sync_jobs'] for figures in found.values()] == [1, 2]
    assert sorted(figures['remaining_time'] for figures in found.values()) == [15.0, 15.0]
    assert mine.label() == 'data off drive 7'


def test_an_estimate_the_cluster_repeats_keeps_the_end_it_first_gave():
    track = JobTrack(BulkIdentity(bv_id=3))
    track.note(figures(10.0, percent=80.0), now=100.0)
    track.note(figures(10.0, percent=90.0), now=105.0)  # not refreshed: 5 s old by now
    assert track.predicted_end == 110.0
    track.note(figures(4.0, percent=95.0), now=107.0)  # a fresh one counts from now
    assert track.predicted_end == 111.0


def test_a_measured_end_is_taken_as_given_even_when_it_repeats():
    track = JobTrack(CloneIdentity(clone_id=7))
    track.note(figures(10.0, measured=True), now=100.0)
    track.note(figures(10.0, measured=True), now=105.0)
    assert track.predicted_end == 115.0


def bulk_entry(**fields):
    return dict({'bulkVolumeID': 3, 'key': 'k', 'srcVolumeID': 42, 'type': 'read', 'status': 'running'}, **fields)


def test_a_bulk_jobs_end_is_the_sooner_of_its_estimate_and_its_rate_so_far():
    identity = BulkIdentity(bv_id=3)
    stale_high = bulk_entry(percentComplete=90, elapsedTime=54, remainingTime=20)
    assert figures_of([stale_high], [JobTrack(identity)]).popitem()[1]['remaining_time'] == 54 * 10 / 90.0
    low = bulk_entry(percentComplete=90, elapsedTime=54, remainingTime=3)
    assert figures_of([low], [JobTrack(identity)]).popitem()[1]['remaining_time'] == 3
    # too early for a rate (still preparing, or hardly begun): the estimate alone, or none
    early = bulk_entry(percentComplete=2, elapsedTime=3, remainingTime=200)
    assert figures_of([early], [JobTrack(identity)]).popitem()[1]['remaining_time'] == 200
    preparing = bulk_entry(status='preparing', percentComplete=0, elapsedTime=0)
    assert figures_of([preparing], [JobTrack(identity)]).popitem()[1]['remaining_time'] is None
    # no estimate at all: the rate stands in
    unestimated = bulk_entry(percentComplete=50, elapsedTime='30')
    assert figures_of([unestimated], [JobTrack(identity)]).popitem()[1]['remaining_time'] == 30.0
    as_clock = bulk_entry(percentComplete=50, elapsedTime='0:01:00')
    assert figures_of([as_clock], [JobTrack(identity)]).popitem()[1]['remaining_time'] == 60.0
    unreadable = bulk_entry(percentComplete=50, elapsedTime='soon', remainingTime=7)
    assert figures_of([unreadable], [JobTrack(identity)]).popitem()[1]['remaining_time'] == 7
