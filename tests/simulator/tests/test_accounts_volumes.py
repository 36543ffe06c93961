"""GetAccountByName, ModifyAccount, RemoveAccount, ModifyVolume and the deleted-volume life cycle."""
from __future__ import annotations

GIB = 1 << 30
MIB = 1 << 20


def test_get_account_by_name(client, volume):
    """The account with its volumes; an unknown name is xUnknownAccount, as clusters answer it."""
    account = client.call("GetAccountByName", {"username": "tenant"})["account"]
    assert account["accountID"] == volume["accountID"] and account["volumes"] == [volume["volumeID"]]
    assert account == client.call("GetAccountByID", {"accountID": volume["accountID"]})["account"]
    assert client.error("GetAccountByName", {"username": "nobody"}) == \
        {"code": 500, "name": "xUnknownAccount", "message": "xUnknownAccount"}
    assert client.error("GetAccountByName", {})["name"] == "xMissingParameter"


def test_modify_account(client):
    """Each field changes alone; bad values change nothing."""
    account_id = client.call("AddAccount", {"username": "a", "initiatorSecret": "initiator-123",
                                            "targetSecret": "target-12345"})["accountID"]
    client.call("AddAccount", {"username": "taken"})
    renamed = client.call("ModifyAccount", {"accountID": account_id, "username": "b", "attributes": {"x": 1}})["account"]
    assert renamed["username"] == "b" and renamed["attributes"] == {"x": 1} and renamed["status"] == "active"
    assert renamed["initiatorSecret"] == "initiator-123"
    locked = client.call("ModifyAccount", {"accountID": account_id, "status": "locked", "targetSecret": "another-target"})
    assert locked["account"]["status"] == "locked" and locked["account"]["targetSecret"] == "another-target"
    assert locked["account"]["username"] == "b"
    before = client.call("GetAccountByID", {"accountID": account_id})["account"]
    refusals = [
        ({"accountID": 99, "username": "c"}, "xAccountIDDoesNotExist"),
        ({"accountID": account_id, "username": "taken"}, "xDuplicateUsername"),
        ({"accountID": account_id, "username": ""}, "xInvalidParameter"),
        ({"accountID": account_id, "status": "frozen"}, "xInvalidParameter"),
        ({"accountID": account_id, "initiatorSecret": "short"}, "xInvalidParameter"),
        ({"accountID": account_id, "initiatorSecret": "another-target"}, "xInvalidParameter"),
        ({"accountID": account_id, "username": "c", "targetSecret": "x" * 17}, "xInvalidParameter"),
        ({}, "xMissingParameter"),
    ]
    for params, name in refusals:
        assert client.error("ModifyAccount", params)["name"] == name, params
    assert client.call("GetAccountByID", {"accountID": account_id})["account"] == before
    assert client.error("AddAccount", {"username": "d", "initiatorSecret": "short"})["name"] == "xInvalidParameter"


def test_remove_account_only_without_volumes(client, volume):
    """RemoveAccount is refused while a volume, even a deleted one, is not purged."""
    account_id = volume["accountID"]
    assert client.error("RemoveAccount", {"accountID": account_id})["name"] == "xInvalidParameter"
    client.call("DeleteVolume", {"volumeID": volume["volumeID"]})
    assert "purge" in client.error("RemoveAccount", {"accountID": account_id})["message"]
    client.call("PurgeDeletedVolume", {"volumeID": volume["volumeID"]})
    assert client.call("RemoveAccount", {"accountID": account_id}) == {}
    assert client.call("ListAccounts")["accounts"] == []
    assert client.error("RemoveAccount", {"accountID": account_id})["name"] == "xAccountIDDoesNotExist"
    assert client.error("GetAccountByName", {"username": "tenant"})["name"] == "xUnknownAccount"


def test_modify_volume(client, volume):
    """Grow (rounded up to MiB), QoS merge, access, attributes, account move; refusals change nothing."""
    vid = volume["volumeID"]
    other = client.call("AddAccount", {"username": "other"})["accountID"]
    grown = client.call("ModifyVolume", {"volumeID": vid, "totalSize": 3 * 1000 ** 3})["volume"]
    assert grown["totalSize"] == -(-3 * 1000 ** 3 // MIB) * MIB and grown["totalSize"] % MIB == 0
    same = client.call("ModifyVolume", {"volumeID": vid, "totalSize": grown["totalSize"]})["volume"]
    assert same["totalSize"] == grown["totalSize"]
    qos = client.call("ModifyVolume", {"volumeID": vid, "qos": {"minIOPS": 100, "maxIOPS": 2000}})["volume"]["qos"]
    assert (qos["minIOPS"], qos["maxIOPS"], qos["burstIOPS"], qos["burstTime"]) == (100, 2000, 15000, 60) and qos["curve"]
    moved = client.call("ModifyVolume", {"volumeID": vid, "accountID": other, "access": "readOnly",
                                         "attributes": {"a": "b"}})["volume"]
    assert (moved["accountID"], moved["access"], moved["attributes"]) == (other, "readOnly", {"a": "b"})
    assert client.call("GetAccountByID", {"accountID": other})["account"]["volumes"] == [vid]
    before = client.call("ListVolumes", {"volumeIDs": [vid]})["volumes"][0]
    refusals = [
        ({"volumeID": vid, "totalSize": GIB}, "xVolumeShrinkProhibited"),
        ({"volumeID": vid, "access": "everyone"}, "xInvalidParameter"),
        ({"volumeID": vid, "accountID": 99}, "xAccountIDDoesNotExist"),
        ({"volumeID": vid, "qos": {"minIOPS": 5000, "maxIOPS": 1000}}, "xInvalidParameter"),
        ({"volumeID": vid, "qos": {"maxIOPS": "fast"}}, "xInvalidParameterType"),
        ({"volumeID": vid, "qosPolicyID": 1}, "xQoSPolicyDoesNotExist"),
        ({"volumeID": 999, "totalSize": GIB}, "xVolumeIDDoesNotExist"),
        ({}, "xMissingParameter"),
    ]
    for params, name in refusals:
        assert client.error("ModifyVolume", params)["name"] == name, params
    assert client.call("ListVolumes", {"volumeIDs": [vid]})["volumes"][0] == before
    client.call("DeleteVolume", {"volumeID": vid})
    assert client.error("ModifyVolume", {"volumeID": vid, "totalSize": 4 * GIB})["name"] == "xVolumeIDDoesNotExist"


def test_delete_list_purge_restore(client, volume):
    """DeleteVolume → ListDeletedVolumes → RestoreDeletedVolume → DeleteVolume → PurgeDeletedVolume → gone."""
    vid = volume["volumeID"]
    keep = client.call("CreateVolume", {"name": "keep", "accountID": volume["accountID"], "totalSize": GIB})["volumeID"]
    deleted = client.call("DeleteVolume", {"volumeID": vid})
    assert set(deleted) == {"volume", "volumeID", "curve"} and deleted["volumeID"] == vid
    assert deleted["volume"]["status"] == "deleted" and deleted["volume"]["deleteTime"] and deleted["volume"]["purgeTime"]
    assert [v["volumeID"] for v in client.call("ListDeletedVolumes")["volumes"]] == [vid]
    assert [v["volumeID"] for v in client.call("ListActiveVolumes")["volumes"]] == [keep]
    assert client.error("DeleteVolume", {"volumeID": vid})["name"] == "xVolumeIDDoesNotExist"
    assert client.call("GetAccountByID", {"accountID": volume["accountID"]})["account"]["volumes"] == [keep]

    assert client.error("RestoreDeletedVolume", {"volumeID": keep})["name"] == "xInvalidParameter"
    assert client.call("RestoreDeletedVolume", {"volumeID": vid}) == {}
    restored = client.call("ListVolumes", {"volumeIDs": [vid]})["volumes"][0]
    assert (restored["status"], restored["deleteTime"], restored["purgeTime"]) == ("active", "", "")
    assert client.call("ListDeletedVolumes")["volumes"] == []

    assert client.error("PurgeDeletedVolume", {"volumeID": vid})["name"] == "xInvalidParameter"  # not deleted
    snap = client.call("CreateSnapshot", {"volumeID": vid})["snapshotID"]
    client.call("DeleteVolume", {"volumeID": vid})
    assert client.call("PurgeDeletedVolume", {"volumeID": vid}) == {}
    assert client.call("ListVolumes", {"volumeIDs": [vid]})["volumes"] == []
    assert client.call("ListDeletedVolumes")["volumes"] == []
    assert client.call("ListSnapshots", {"snapshotID": snap})["snapshots"] == []
    for method in ("PurgeDeletedVolume", "RestoreDeletedVolume"):
        assert client.error(method, {"volumeID": vid})["name"] == "xVolumeIDDoesNotExist"
        assert client.error(method, {})["name"] == "xMissingParameter"


def test_copy_from_a_snapshot_taken_before_the_source_grew(client, volume):
    """CopyVolume's size rule reads the snapshot: its old size fits a target of that size, the grown source does not."""
    client.call("SimConfigure", {"jobSeconds": 0.2})
    snap = client.call("CreateSnapshot", {"volumeID": volume["volumeID"]})["snapshotID"]
    client.call("ModifyVolume", {"volumeID": volume["volumeID"], "totalSize": 2 * GIB})
    target = client.call("CreateVolume", {"name": "dst", "accountID": volume["accountID"], "totalSize": GIB})["volumeID"]
    assert client.error("CopyVolume", {"volumeID": volume["volumeID"], "dstVolumeID": target})["name"] == "xInvalidParameter"
    copy = client.call("CopyVolume", {"volumeID": volume["volumeID"], "dstVolumeID": target, "snapshotID": snap})
    entries = [e for e in client.call("ListSyncJobs")["syncJobs"] if e["cloneID"] == copy["cloneID"]]
    assert sum(e["totalBytes"] for e in entries) == GIB
