"""Snapshots and group snapshots, and clones and copies made from them."""
from __future__ import annotations

import re

from test_jobs import wait_complete

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SNAPSHOT_FIELDS = {
    "snapshotID", "volumeID", "name", "checksum", "enableRemoteReplication", "expirationReason", "expirationTime",
    "remoteStatuses", "status", "snapshotUUID", "totalSize", "groupID", "groupSnapshotUUID", "createTime",
    "instanceCreateTime", "volumeName", "instanceSnapshotUUID", "virtualVolumeID", "attributes", "snapMirrorLabel",
}
NO_GROUP = "00000000-0000-0000-0000-000000000000"


def _volume(client, account_id, name, size=1 << 30):
    return client.call("CreateVolume", {"name": name, "accountID": account_id, "totalSize": size})["volume"]


def test_create_list_modify_delete(client, volume):
    """CreateSnapshot answers snapshotID, checksum, snapshot; ListSnapshots filters; ModifySnapshot; DeleteSnapshot."""
    vid = volume["volumeID"]
    created = client.call("CreateSnapshot", {"volumeID": vid, "name": "daily", "attributes": {"k": "v"}})
    assert set(created) == {"snapshotID", "checksum", "snapshot"}
    snap = created["snapshot"]
    assert set(snap) == SNAPSHOT_FIELDS
    assert snap["snapshotID"] == created["snapshotID"] and snap["volumeID"] == vid and snap["volumeName"] == "src"
    assert snap["status"] == "done" and snap["totalSize"] == volume["totalSize"] and snap["groupID"] == 0
    assert snap["groupSnapshotUUID"] == NO_GROUP and ISO.match(snap["createTime"]) and snap["attributes"] == {"k": "v"}
    assert snap["expirationTime"] is None and snap["expirationReason"] == "None"

    unnamed = client.call("CreateSnapshot", {"volumeID": vid, "retention": "01:30:00"})["snapshot"]
    assert unnamed["name"] == unnamed["createTime"]  # no name: the creation time, as a cluster names it
    assert ISO.match(unnamed["expirationTime"]) and unnamed["expirationReason"] == "Api"
    child = client.call("CreateSnapshot", {"volumeID": vid, "snapshotID": snap["snapshotID"], "name": "child"})
    other = _volume(client, volume["accountID"], "other")
    client.call("CreateSnapshot", {"volumeID": other["volumeID"], "name": "elsewhere"})

    assert len(client.call("ListSnapshots")["snapshots"]) == 4
    assert [s["name"] for s in client.call("ListSnapshots", {"volumeID": vid})["snapshots"]] == \
        ["daily", unnamed["name"], "child"]
    assert [s["snapshotID"] for s in client.call("ListSnapshots", {"snapshotID": child["snapshotID"]})["snapshots"]] == \
        [child["snapshotID"]]
    assert client.call("ListSnapshots", {"snapshotID": 999})["snapshots"] == []

    modified = client.call("ModifySnapshot", {"snapshotID": snap["snapshotID"], "name": "weekly",
                                              "expirationTime": "2030-01-01T00:00:00Z", "snapMirrorLabel": "w",
                                              "enableRemoteReplication": True})["snapshot"]
    assert modified["name"] == "weekly" and modified["expirationTime"] == "2030-01-01T00:00:00Z"
    assert modified["expirationReason"] == "Api" and modified["snapMirrorLabel"] == "w" and modified["enableRemoteReplication"]
    forever = client.call("ModifySnapshot", {"snapshotID": snap["snapshotID"], "expirationTime": None})["snapshot"]
    assert forever["expirationTime"] is None and forever["name"] == "weekly"

    assert client.call("DeleteSnapshot", {"snapshotID": snap["snapshotID"]}) == {}
    assert snap["snapshotID"] not in [s["snapshotID"] for s in client.call("ListSnapshots")["snapshots"]]


def test_snapshot_errors(client, volume):
    """Unknown ids, a parent on another volume, bad names and expirations."""
    vid = volume["volumeID"]
    other = _volume(client, volume["accountID"], "other")
    foreign = client.call("CreateSnapshot", {"volumeID": other["volumeID"]})["snapshotID"]
    assert client.error("CreateSnapshot", {"volumeID": 999})["name"] == "xVolumeIDDoesNotExist"
    assert client.error("CreateSnapshot", {})["name"] == "xMissingParameter"
    assert client.error("CreateSnapshot", {"volumeID": vid, "snapshotID": foreign})["name"] == "xSnapshotIDDoesNotExist"
    assert client.error("CreateSnapshot", {"volumeID": vid, "name": "x" * 256})["name"] == "xInvalidParameter"
    assert client.error("CreateSnapshot", {"volumeID": vid, "retention": "90 minutes"})["name"] == "xInvalidParameter"
    assert client.error("CreateSnapshot", {"volumeID": vid, "retention": "01:00:00",
                                           "expirationTime": "2030-01-01T00:00:00Z"})["name"] == "xInvalidParameter"
    assert client.error("CreateSnapshot", {"volumeID": "1"})["name"] == "xInvalidParameterType"
    assert client.error("ListSnapshots", {"volumeID": 999})["name"] == "xVolumeIDDoesNotExist"
    assert client.error("ModifySnapshot", {"snapshotID": 999, "name": "x"})["name"] == "xSnapshotIDDoesNotExist"
    assert client.error("ModifySnapshot", {"snapshotID": foreign, "expirationTime": "soon"})["name"] == "xInvalidParameter"
    assert client.error("DeleteSnapshot", {"snapshotID": 999})["name"] == "xSnapshotIDDoesNotExist"
    assert client.error("DeleteSnapshot", {})["name"] == "xMissingParameter"


def test_snapshots_of_a_deleted_volume_stay_until_it_is_purged(client, volume):
    """DeleteVolume keeps the volume's snapshots; they go when the volume is purged."""
    snap = client.call("CreateSnapshot", {"volumeID": volume["volumeID"]})["snapshotID"]
    client.call("DeleteVolume", {"volumeID": volume["volumeID"]})
    assert [s["snapshotID"] for s in client.call("ListSnapshots", {"volumeID": volume["volumeID"]})["snapshots"]] == [snap]
    assert client.error("CreateSnapshot", {"volumeID": volume["volumeID"]})["name"] == "xVolumeIDDoesNotExist"


def test_clone_from_snapshot(client, volume):
    """CloneVolume with snapshotID: the snapshot's size, a snapshot of that volume only."""
    vid = volume["volumeID"]
    snap = client.call("CreateSnapshot", {"volumeID": vid, "name": "before-grow"})["snapshot"]
    client.call("SimConfigure", {"jobSeconds": 0.2})
    volume_big = client.call("CreateVolume", {"name": "big", "accountID": volume["accountID"], "totalSize": 2 << 30})["volume"]
    clone = client.call("CloneVolume", {"volumeID": vid, "name": "from-snap", "snapshotID": snap["snapshotID"]})
    assert clone["volume"]["totalSize"] == snap["totalSize"] and clone["volume"]["status"] == "init"
    assert wait_complete(client, clone["asyncHandle"])["result"]["volumeID"] == clone["volumeID"]
    big_snap = client.call("CreateSnapshot", {"volumeID": volume_big["volumeID"]})["snapshotID"]
    assert client.error("CloneVolume", {"volumeID": vid, "name": "x", "snapshotID": big_snap})["name"] == \
        "xSnapshotIDDoesNotExist"
    assert client.error("CloneVolume", {"volumeID": vid, "name": "x", "snapshotID": 999})["name"] == "xSnapshotIDDoesNotExist"
    sync = client.call("CloneVolume", {"volumeID": volume_big["volumeID"], "name": "sized", "snapshotID": big_snap})
    entries = [e for e in client.call("ListSyncJobs")["syncJobs"] if e["cloneID"] == sync["cloneID"]]
    assert entries and sum(e["totalBytes"] for e in entries) == volume_big["totalSize"]


def test_group_snapshot_lifecycle(client, volume):
    """CreateGroupSnapshot: one member snapshot per volume; ListGroupSnapshots filters; DeleteGroupSnapshot both ways."""
    other = _volume(client, volume["accountID"], "other", 2 << 30)
    ids = [volume["volumeID"], other["volumeID"]]
    created = client.call("CreateGroupSnapshot", {"volumes": ids, "name": "pair", "attributes": {"a": 1}})
    assert set(created) == {"groupSnapshotID", "groupSnapshot", "members"}
    group = created["groupSnapshot"]
    assert group["groupSnapshotID"] == created["groupSnapshotID"] and group["name"] == "pair" and group["status"] == "done"
    assert set(group) == {"groupSnapshotID", "groupSnapshotUUID", "members", "name", "createTime", "status",
                          "enableRemoteReplication", "remoteStatuses", "attributes"}
    assert [m["volumeID"] for m in created["members"]] == ids
    assert set(created["members"][0]) == {"volumeID", "snapshotID", "checksum", "snapshotUUID"}
    for member in group["members"]:
        assert set(member) == SNAPSHOT_FIELDS
        assert member["groupID"] == group["groupSnapshotID"] and member["groupSnapshotUUID"] == group["groupSnapshotUUID"]
    assert [m["totalSize"] for m in group["members"]] == [volume["totalSize"], other["totalSize"]]
    member_ids = [m["snapshotID"] for m in created["members"]]
    listed = client.call("ListSnapshots")["snapshots"]
    assert [s["snapshotID"] for s in listed] == member_ids and all(s["groupID"] == group["groupSnapshotID"] for s in listed)

    third = _volume(client, volume["accountID"], "third")
    solo = client.call("CreateGroupSnapshot", {"volumes": [third["volumeID"]]})["groupSnapshotID"]
    assert [g["groupSnapshotID"] for g in client.call("ListGroupSnapshots")["groupSnapshots"]] == [group["groupSnapshotID"], solo]
    assert [g["groupSnapshotID"] for g in client.call("ListGroupSnapshots", {"volumes": [other["volumeID"]]})["groupSnapshots"]] == \
        [group["groupSnapshotID"]]
    assert [g["groupSnapshotID"] for g in client.call("ListGroupSnapshots", {"groupSnapshotID": solo})["groupSnapshots"]] == [solo]

    assert client.call("DeleteGroupSnapshot", {"groupSnapshotID": group["groupSnapshotID"], "saveMembers": True}) == {}
    kept = client.call("ListSnapshots", {"volumeID": volume["volumeID"]})["snapshots"]
    assert [s["snapshotID"] for s in kept] == member_ids[:1] and kept[0]["groupID"] == 0 and kept[0]["groupSnapshotUUID"] == NO_GROUP
    assert client.call("DeleteGroupSnapshot", {"groupSnapshotID": solo}) == {}
    assert client.call("ListSnapshots", {"volumeID": third["volumeID"]})["snapshots"] == []
    assert client.call("ListGroupSnapshots")["groupSnapshots"] == []


def test_group_snapshot_errors(client, volume):
    """Unknown volumes and groups, empty or repeated volume lists."""
    vid = volume["volumeID"]
    assert client.error("CreateGroupSnapshot", {"volumes": [vid, 999]})["name"] == "xVolumeIDDoesNotExist"
    assert client.call("ListSnapshots")["snapshots"] == []  # nothing made by the refused call
    assert client.error("CreateGroupSnapshot", {"volumes": []})["name"] == "xInvalidParameter"
    assert client.error("CreateGroupSnapshot", {"volumes": [vid, vid]})["name"] == "xInvalidParameter"
    assert client.error("CreateGroupSnapshot", {})["name"] == "xMissingParameter"
    assert client.error("CreateGroupSnapshot", {"volumes": ["1"]})["name"] == "xInvalidParameterType"
    assert client.error("DeleteGroupSnapshot", {"groupSnapshotID": 7})["name"] == "xGroupSnapshotIDDoesNotExist"
    assert client.error("DeleteGroupSnapshot", {})["name"] == "xMissingParameter"


def test_deleting_the_last_member_removes_the_group(client, volume):
    """A group snapshot whose every member was deleted one by one is gone too."""
    created = client.call("CreateGroupSnapshot", {"volumes": [volume["volumeID"]]})
    client.call("DeleteSnapshot", {"snapshotID": created["members"][0]["snapshotID"]})
    assert client.call("ListGroupSnapshots")["groupSnapshots"] == []


def test_clone_multiple_volumes_from_group_snapshot(client, volume):
    """groupSnapshotID: each member is cloned from its snapshot; a volume outside the group is refused."""
    client.call("SimConfigure", {"jobSeconds": 0.2})
    other = _volume(client, volume["accountID"], "other", 2 << 30)
    group = client.call("CreateGroupSnapshot", {"volumes": [volume["volumeID"], other["volumeID"]]})
    outsider = _volume(client, volume["accountID"], "outsider")
    specs = [{"volumeID": volume["volumeID"], "name": "g-src"}, {"volumeID": other["volumeID"], "name": "g-other"}]
    clone = client.call("CloneMultipleVolumes", {"volumes": specs, "groupSnapshotID": group["groupSnapshotID"]})
    done = wait_complete(client, clone["asyncHandle"])
    assert done["result"]["members"] == clone["members"]
    sizes = {v["name"]: v["totalSize"] for v in client.call("ListVolumes")["volumes"]}
    assert sizes["g-src"] == volume["totalSize"] and sizes["g-other"] == other["totalSize"]
    assert client.error("CloneMultipleVolumes", {"volumes": [{"volumeID": outsider["volumeID"]}],
                                                 "groupSnapshotID": group["groupSnapshotID"]})["name"] == "xInvalidParameter"
    assert client.error("CloneMultipleVolumes", {"volumes": specs, "groupSnapshotID": 99})["name"] == \
        "xGroupSnapshotIDDoesNotExist"
    names = [v["name"] for v in client.call("ListVolumes")["volumes"]]
    assert names.count("g-src") == 1  # the refused calls made no volume


def test_copy_from_snapshot_holds_it(client, volume):
    """CopyVolume with snapshotID: the snapshot is "cloning" (and cannot be deleted) until the copy ends."""
    client.call("SimConfigure", {"jobSeconds": 0.5})
    target = _volume(client, volume["accountID"], "dst")
    snap = client.call("CreateSnapshot", {"volumeID": volume["volumeID"]})["snapshotID"]
    copy = client.call("CopyVolume", {"volumeID": volume["volumeID"], "dstVolumeID": target["volumeID"], "snapshotID": snap})
    assert client.call("ListSnapshots", {"snapshotID": snap})["snapshots"][0]["status"] == "cloning"
    assert client.error("DeleteSnapshot", {"snapshotID": snap})["name"] == "xInvalidParameter"
    wait_complete(client, copy["asyncHandle"])
    assert client.call("ListSnapshots", {"snapshotID": snap})["snapshots"][0]["status"] == "done"
    assert client.call("DeleteSnapshot", {"snapshotID": snap}) == {}
    assert client.error("CopyVolume", {"volumeID": volume["volumeID"], "dstVolumeID": target["volumeID"],
                                       "snapshotID": snap})["name"] == "xSnapshotIDDoesNotExist"


def test_cancelled_copy_releases_its_snapshot(client, volume):
    """CancelClone of a copy from a snapshot puts the snapshot back to done."""
    client.call("SimConfigure", {"jobSeconds": 100})
    target = _volume(client, volume["accountID"], "dst")
    snap = client.call("CreateSnapshot", {"volumeID": volume["volumeID"]})["snapshotID"]
    copy = client.call("CopyVolume", {"volumeID": volume["volumeID"], "dstVolumeID": target["volumeID"], "snapshotID": snap})
    client.call("CancelClone", {"cloneID": copy["cloneID"]})
    assert client.call("ListSnapshots", {"snapshotID": snap})["snapshots"][0]["status"] == "done"
    assert client.call("ListVolumes", {"volumeIDs": [target["volumeID"]]})["volumes"][0]["status"] == "active"
