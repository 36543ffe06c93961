"""CopyVolume onto an existing target: the target rules, the job's timing, progress and result."""
from __future__ import annotations

import time

from test_jobs import wait_complete

GIB = 1 << 30


def _volume(client, account_id, name, size=GIB):
    return client.call("CreateVolume", {"name": name, "accountID": account_id, "totalSize": size})["volume"]


def _copy_and_time(client, params):
    started = time.monotonic()
    copy = client.call("CopyVolume", params)
    done = wait_complete(client, copy["asyncHandle"], timeout=20)
    return copy, done, time.monotonic() - started


def test_copy_runs_for_the_job_time_and_leaves_the_target_as_it_was(client, volume):
    """Running for jobSeconds with progress and details naming both volumes; the target keeps all its attributes."""
    client.call("SimConfigure", {"jobSeconds": 1.5})
    target = _volume(client, volume["accountID"], "dst")
    started = time.monotonic()
    copy = client.call("CopyVolume", {"volumeID": volume["volumeID"], "dstVolumeID": target["volumeID"]})
    running = client.call("GetAsyncResult", {"asyncHandle": copy["asyncHandle"], "keepResult": True})
    assert running["status"] == "running" and running["resultType"] == "Clone"
    assert running["details"]["volumeID"] == volume["volumeID"] and running["details"]["dstVolumeID"] == target["volumeID"]
    listed = [e for e in client.call("ListAsyncResults")["asyncHandles"] if e["asyncResultID"] == copy["asyncHandle"]]
    assert listed[0]["completed"] is False and listed[0]["data"]["dstVolumeID"] == target["volumeID"]
    entries = [e for e in client.call("ListSyncJobs")["syncJobs"] if e["cloneID"] == copy["cloneID"]]
    assert entries and all(e["dstVolumeID"] == target["volumeID"] and e["srcVolumeID"] == volume["volumeID"] for e in entries)
    assert sum(e["totalBytes"] for e in entries) == volume["totalSize"]
    during = client.call("ListVolumes", {"volumeIDs": [target["volumeID"]]})["volumes"][0]
    assert during["status"] == "active"

    time.sleep(0.8)
    later = client.call("GetAsyncResult", {"asyncHandle": copy["asyncHandle"], "keepResult": True})
    assert later["status"] == "running" and later["details"]["percentComplete"] > running["details"]["percentComplete"]
    done = wait_complete(client, copy["asyncHandle"])
    elapsed = time.monotonic() - started
    assert 1.4 <= elapsed < 10, elapsed
    assert done["result"] == {"cloneID": copy["cloneID"], "message": "Clone complete.", "volumeID": volume["volumeID"]}
    assert [e for e in client.call("ListSyncJobs")["syncJobs"] if e["cloneID"] == copy["cloneID"]] == []
    after = client.call("ListVolumes", {"volumeIDs": [target["volumeID"]]})["volumes"][0]
    assert after == target  # name, size, account, IQN, QoS, status: nothing of the target changes


def test_copy_follows_the_time_scale(client, volume):
    """A 20 s copy at time scale 20 takes about one real second."""
    client.call("SimConfigure", {"jobSeconds": 20, "timeScale": 20})
    target = _volume(client, volume["accountID"], "dst")
    _copy, _done, elapsed = _copy_and_time(client, {"volumeID": volume["volumeID"], "dstVolumeID": target["volumeID"]})
    assert 0.9 <= elapsed < 8, elapsed


def test_copy_target_rules(client, volume):
    """Another existing, active volume of the source's (or the snapshot's) size; the refusals start no job."""
    vid, account_id = volume["volumeID"], volume["accountID"]
    bigger = _volume(client, account_id, "bigger", 2 * GIB)
    gone = _volume(client, account_id, "gone")
    client.call("DeleteVolume", {"volumeID": gone["volumeID"]})
    client.call("SimConfigure", {"jobSeconds": 100})
    clone = client.call("CloneVolume", {"volumeID": bigger["volumeID"], "name": "still-cloning", "newSize": GIB})
    assert clone["volume"]["totalSize"] == GIB
    cases = [
        ({"volumeID": vid, "dstVolumeID": vid}, "xInvalidParameter"),
        ({"volumeID": vid, "dstVolumeID": bigger["volumeID"]}, "xInvalidParameter"),
        ({"volumeID": vid, "dstVolumeID": clone["volumeID"]}, "xInvalidParameter"),
        ({"volumeID": vid, "dstVolumeID": gone["volumeID"]}, "xVolumeIDDoesNotExist"),
        ({"volumeID": vid, "dstVolumeID": 999}, "xVolumeIDDoesNotExist"),
        ({"volumeID": 999, "dstVolumeID": bigger["volumeID"]}, "xVolumeIDDoesNotExist"),
        ({"volumeID": vid}, "xMissingParameter"),
        ({"volumeID": vid, "dstVolumeID": bigger["volumeID"], "snapshotID": 5}, "xSnapshotIDDoesNotExist"),
    ]
    for params, name in cases:
        error = client.error("CopyVolume", params)
        assert error["name"] == name, (params, error)
    size_error = client.error("CopyVolume", {"volumeID": vid, "dstVolumeID": bigger["volumeID"]})
    assert "same size" in size_error["message"]
    handles = client.call("ListAsyncResults")["asyncHandles"]
    assert [h["asyncResultID"] for h in handles] == [clone["asyncHandle"]]
