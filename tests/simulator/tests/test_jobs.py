"""Async jobs: shapes, running details, the purge rule, gone names, ListAsyncResults, clones, limits, control methods."""
from __future__ import annotations

import re
import time

import pytest

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
VOLUME_FIELDS = {
    "volumeID", "name", "accountID", "createTime", "volumeConsistencyGroupUUID", "volumeUUID", "enableSnapMirrorReplication",
    "status", "access", "enable512e", "iqn", "scsiEUIDeviceID", "scsiNAADeviceID", "qos", "qosPolicyID", "volumeAccessGroups",
    "volumePairs", "deleteTime", "purgeTime", "lastAccessTime", "lastAccessTimeIO", "sliceCount", "totalSize", "blockSize",
    "virtualVolumeID", "attributes", "currentProtectionScheme", "previousProtectionScheme", "fifoSize", "minFifoSize",
}


def wait_complete(client, handle, timeout=10.0):
    """Poll with keepResult until the job completes; return the final read."""
    deadline = time.monotonic() + timeout
    while True:
        read = client.call("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})
        if read["status"] == "complete":
            return read
        assert time.monotonic() < deadline, read
        time.sleep(0.05)


def test_account_and_volume_shapes(client, volume):
    """Accounts and volumes carry the real fields."""
    assert set(volume) == VOLUME_FIELDS
    assert volume["status"] == "active" and ISO.match(volume["createTime"])
    assert set(volume["qos"]) == {"minIOPS", "maxIOPS", "burstIOPS", "burstTime", "curve"}
    account = client.call("GetAccountByID", {"accountID": volume["accountID"]})["account"]
    assert account["volumes"] == [volume["volumeID"]] and account["username"] == "tenant"
    assert client.call("ListAccounts")["accounts"][0]["accountID"] == volume["accountID"]
    assert client.error("GetAccountByID", {"accountID": 99})["name"] == "xAccountIDDoesNotExist"
    assert client.call("GetClusterInfo")["clusterInfo"]["name"]


def test_list_and_delete_volumes(client, volume):
    """Filters of ListVolumes; deleted volumes leave ListActiveVolumes but stay in ListVolumes."""
    other = client.call("CreateVolume", {"name": "other", "accountID": volume["accountID"], "totalSize": 1 << 30})["volumeID"]
    deleted = client.call("DeleteVolume", {"volumeID": volume["volumeID"]})["volume"]
    assert deleted["status"] == "deleted" and ISO.match(deleted["deleteTime"]) and ISO.match(deleted["purgeTime"])
    assert [v["volumeID"] for v in client.call("ListActiveVolumes")["volumes"]] == [other]
    assert len(client.call("ListVolumes")["volumes"]) == 2
    assert [v["volumeID"] for v in client.call("ListVolumes", {"volumeStatus": "active"})["volumes"]] == [other]
    assert [v["name"] for v in client.call("ListVolumes", {"volumeName": "src"})["volumes"]] == ["src"]
    assert len(client.call("ListVolumes", {"volumeIDs": [other]})["volumes"]) == 1
    assert len(client.call("ListVolumes", {"startVolumeID": 1, "limit": 1})["volumes"]) == 1
    assert client.call("ListVolumes", {"accounts": [99]})["volumes"] == []
    assert len(client.call("ListVolumesForAccount", {"accountID": volume["accountID"]})["volumes"]) == 2


def test_clone_init_to_active_and_purge_rule(client, volume):
    """CloneVolume: init volume, running details, keepResult reads, ListAsyncResults, purge, gone."""
    clone = client.call("CloneVolume", {"volumeID": volume["volumeID"], "name": "copy"})
    assert set(clone) == {"asyncHandle", "cloneID", "volumeID", "curve", "volume"}
    handle = clone["asyncHandle"]
    assert handle >= 100 and clone["volume"]["status"] == "init"
    running = client.call("GetAsyncResult", {"asyncHandle": handle})
    assert running["status"] == "running" and running["resultType"] == "Clone"
    assert running["details"]["volumeID"] == clone["volumeID"] and "percentComplete" in running["details"]
    assert ISO.match(running["createTime"]) and ISO.match(running["lastUpdateTime"])
    assert "result" not in running and "error" not in running
    done = wait_complete(client, handle)
    assert done["result"] == {"cloneID": clone["cloneID"], "message": "Clone complete.", "volumeID": clone["volumeID"]}
    assert "details" not in done
    assert client.call("ListVolumes", {"volumeIDs": [clone["volumeID"]]})["volumes"][0]["status"] == "active"
    for dummy in range(2):
        entries = client.call("ListAsyncResults")["asyncHandles"]
        assert entries == [{"asyncResultID": handle, "completed": True, "success": True, "resultType": "Clone",
                            "createTime": done["createTime"], "lastUpdateTime": done["lastUpdateTime"], "data": done["result"]}]
    assert client.call("GetAsyncResult", {"asyncHandle": handle, "keepResult": False})["status"] == "complete"
    gone = client.error("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})
    assert gone == {"code": 500, "name": "xAsyncHandleDoesNotExist", "message": f"Async handle {handle} does not exist."}
    assert client.call("ListAsyncResults")["asyncHandles"] == []


def test_progress_moves(client):
    """percentComplete and lastUpdateTime move while a job runs."""
    handle = client.call("SimCreateJob", {"seconds": 2.5})["asyncHandle"]
    first = client.call("GetAsyncResult", {"asyncHandle": handle})
    time.sleep(1.2)
    second = client.call("GetAsyncResult", {"asyncHandle": handle})
    assert second["details"]["percentComplete"] > first["details"]["percentComplete"]
    assert second["lastUpdateTime"] >= first["lastUpdateTime"]


@pytest.mark.parametrize("name,message", [
    ("xAsyncHandleDoesNotExist", "Async handle {h} does not exist."),
    ("xDBNoSuchPath", "DBClient operation requested on a non-existent path at [/asyncresults/{h}]"),
])
def test_gone_names(client, name, message):
    """Both gone errors: by server default (SimConfigure) and per job (goneError)."""
    client.call("SimConfigure", {"goneError": name})
    assert client.error("GetAsyncResult", {"asyncHandle": 7})["message"] == message.format(h=7)
    client.call("SimConfigure", {"goneError": "xAsyncHandleDoesNotExist"})
    handle = client.call("SimCreateJob", {"seconds": 0, "goneError": name})["asyncHandle"]
    client.call("GetAsyncResult", {"asyncHandle": handle})
    assert client.error("GetAsyncResult", {"asyncHandle": handle}) == {"code": 500, "name": name, "message": message.format(h=handle)}


def test_error_job_and_filters(client):
    """A job told to fail completes with error; ListAsyncResults filters by type and never purges."""
    failing = client.call("SimCreateJob", {"resultType": "BulkVolume", "seconds": 0,
                                           "error": {"name": "xBulkVolumeScriptFailure", "message": "Bulk volume job failed"}})
    forever = client.call("SimCreateJob", {"seconds": None, "details": {"stage": "copy"}})["asyncHandle"]
    read = client.call("GetAsyncResult", {"asyncHandle": failing["asyncHandle"], "keepResult": True})
    assert read["status"] == "complete" and read["error"]["name"] == "xBulkVolumeScriptFailure" and "result" not in read
    bulk = client.call("ListAsyncResults", {"asyncResultTypes": ["BulkVolume"]})["asyncHandles"]
    assert [(e["asyncResultID"], e["completed"], e["success"]) for e in bulk] == [(failing["asyncHandle"], True, False)]
    clones = client.call("ListAsyncResults", {"asyncResultTypes": ["Clone"]})["asyncHandles"]
    assert clones[0]["data"] == {"stage": "copy"} and not clones[0]["completed"]
    assert client.call("GetAsyncResult", {"asyncHandle": forever})["status"] == "running"
    client.call("SimFinishJob", {"asyncHandle": forever, "error": {"name": "xCloneFailed"}})
    assert client.call("GetAsyncResult", {"asyncHandle": forever})["error"]["name"] == "xCloneFailed"


def test_purge_job_and_finish(client):
    """SimPurgeJob deletes a job; SimFinishJob completes one now."""
    handle = client.call("SimCreateJob", {"seconds": -1, "result": {"ok": 1}})["asyncHandle"]
    client.call("SimFinishJob", {"asyncHandle": handle})
    assert client.call("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})["result"] == {"ok": 1}
    client.call("SimPurgeJob", {"asyncHandle": handle})
    assert client.error("GetAsyncResult", {"asyncHandle": handle})["name"] == "xAsyncHandleDoesNotExist"


def test_clone_errors_and_limit(client, volume):
    """Unknown ids, bad names, the per-volume clone limit."""
    vid = volume["volumeID"]
    assert client.error("CloneVolume", {"volumeID": 999, "name": "x"})["name"] == "xVolumeIDDoesNotExist"
    assert client.error("CloneVolume", {"volumeID": vid, "name": ""})["name"] == "xInvalidParameter"
    assert client.error("CloneVolume", {"volumeID": vid, "name": "x" * 65})["name"] == "xInvalidParameter"
    assert client.error("CloneVolume", {"volumeID": vid, "name": "x", "snapshotID": 3})["name"] == "xSnapshotIDDoesNotExist"
    assert client.error("CloneVolume", {"volumeID": vid, "name": "x", "newAccountID": 42})["name"] == "xAccountIDDoesNotExist"
    assert client.error("CloneVolume", {"volumeID": vid})["name"] == "xMissingParameter"
    client.call("CloneVolume", {"volumeID": vid, "name": "c1"})
    client.call("CloneVolume", {"volumeID": vid, "name": "c2"})
    assert client.error("CloneVolume", {"volumeID": vid, "name": "c3"})["name"] == "xMaxClonesPerVolumeExceeded"


def test_cancel_clone(client, volume):
    """CancelClone: the handle is gone and the new volume deleted."""
    clone = client.call("CloneVolume", {"volumeID": volume["volumeID"], "name": "doomed"})
    assert client.call("CancelClone", {"cloneID": clone["cloneID"]}) == {}
    assert client.error("GetAsyncResult", {"asyncHandle": clone["asyncHandle"]})["name"] == "xAsyncHandleDoesNotExist"
    assert client.call("ListVolumes", {"volumeIDs": [clone["volumeID"]]})["volumes"][0]["status"] == "deleted"


def test_cancel_group_clone(client, volume):
    """CancelGroupClone: the group's job is gone, every new volume deleted; a finished or unknown group is refused."""
    client.call("SimConfigure", {"maxClonesPerVolume": 3})
    members = [{"volumeID": volume["volumeID"], "name": "g1"}, {"volumeID": volume["volumeID"], "name": "g2"}]
    group = client.call("CloneMultipleVolumes", {"volumes": members})
    other = client.call("CloneVolume", {"volumeID": volume["volumeID"], "name": "bystander"})
    assert client.call("CancelGroupClone", {"groupCloneID": group["groupCloneID"]}) == {}
    assert client.error("GetAsyncResult", {"asyncHandle": group["asyncHandle"]})["name"] == "xAsyncHandleDoesNotExist"
    new_ids = [member["volumeID"] for member in group["members"]]
    assert [v["status"] for v in client.call("ListVolumes", {"volumeIDs": new_ids})["volumes"]] == ["deleted", "deleted"]
    # another clone of the same source is not touched
    assert client.call("GetAsyncResult", {"asyncHandle": other["asyncHandle"], "keepResult": True})["status"] == "running"
    assert client.error("CancelGroupClone", {"groupCloneID": group["groupCloneID"]})["name"] == "xInvalidParameter"
    assert client.error("CancelGroupClone", {"groupCloneID": 4242})["name"] == "xInvalidParameter"
    assert client.error("CancelGroupClone", {})["name"] == "xMissingParameter"


def test_multiple_copy_and_bulk(client, volume):
    """CloneMultipleVolumes, CopyVolume and StartBulkVolumeRead return handles that complete."""
    group = client.call("CloneMultipleVolumes", {"volumes": [{"volumeID": volume["volumeID"], "name": "g1"}]})
    assert set(group) == {"asyncHandle", "groupCloneID", "members"}
    assert group["members"][0]["srcVolumeID"] == volume["volumeID"]
    other = client.call("CreateVolume", {"name": "dst", "accountID": volume["accountID"], "totalSize": 1 << 30})["volumeID"]
    copy = client.call("CopyVolume", {"volumeID": volume["volumeID"], "dstVolumeID": other})
    assert set(copy) == {"asyncHandle", "cloneID"}
    bulk = client.call("StartBulkVolumeRead", {"volumeID": other, "format": "native"})
    assert set(bulk) == {"asyncHandle", "key", "url"}
    assert wait_complete(client, group["asyncHandle"])["result"]["members"] == group["members"]
    assert wait_complete(client, copy["asyncHandle"])["result"]["volumeID"] == volume["volumeID"]
    assert wait_complete(client, bulk["asyncHandle"])["resultType"] == "BulkVolume"
    assert client.call("ListVolumes", {"volumeIDs": [group["members"][0]["volumeID"]]})["volumes"][0]["status"] == "active"


def test_clock_skew_moves_the_job_dates_and_the_date_header(client):
    """SimConfigure clockSkew: the cluster's clock is off; its dates and its Date header agree with each other."""
    import calendar  # pylint: disable=import-outside-toplevel
    import email.utils  # pylint: disable=import-outside-toplevel

    assert client.call("SimConfigure", {"clockSkew": 3600})["clockSkew"] == 3600
    handle = client.call("SimCreateJob", {"seconds": 0})["asyncHandle"]
    response = client.post("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})
    created = calendar.timegm(time.strptime(response.json()["result"]["createTime"], "%Y-%m-%dT%H:%M:%SZ"))
    dated = email.utils.mktime_tz(email.utils.parsedate_tz(response.headers["Date"]))
    assert abs(created - (time.time() + 3600)) < 5 and abs(dated - created) < 2
    assert client.error("SimConfigure", {"clockSkew": 10 ** 10})["name"] == "xInvalidParameter"
    client.call("SimReset")
    assert client.call("SimConfigure", {})["clockSkew"] == 0
