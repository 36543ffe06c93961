"""Bulk volume jobs (backup to S3 and to another simulator, restore from S3, their failures, ListBulkVolumeJobs) and
drives (inventory, AddDrives in both shapes, RemoveDrives with its data movement and capacity rule, secure erase,
a drive failing mid-removal)."""
from __future__ import annotations

import os
import time

import pytest

from element_sim.server import Simulator
from element_sim.state import Config

from conftest import Client

S3 = {"endpoint": "s3", "hostname": "s3.example.com", "bucket": "backups", "prefix": "cluster-1/src-1",
      "awsAccessKeyID": "AKIASIMULATED", "awsSecretAccessKey": "s3-Secr3t-key", "format": "native"}


def wait_done(client, handle, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        read = client.call("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})
        if read["status"] == "complete":
            return read
        assert time.monotonic() < deadline, read
        time.sleep(0.05)


def test_a_backup_to_s3_and_its_restore_carry_the_volume_data(client, volume):
    source = volume["volumeID"]
    started = client.call("StartBulkVolumeRead", {"volumeID": source, "format": "native", "script": "bv_internal.py",
                                                  "scriptParameters": {"write": S3}})
    assert set(started) == {"asyncHandle", "key", "url"}
    jobs = client.call("ListBulkVolumeJobs")["bulkVolumeJobs"]
    assert [(j["type"], j["srcVolumeID"], j["key"]) for j in jobs] == [("read", source, started["key"])]
    assert jobs[0]["scriptParameters"]["write"]["awsSecretAccessKey"] == S3["awsSecretAccessKey"]  # echoed
    running = client.call("GetAsyncResult", {"asyncHandle": started["asyncHandle"], "keepResult": True})
    assert running["status"] == "running" and running["resultType"] == "BulkVolume"
    assert running["details"]["bvID"] == jobs[0]["bulkVolumeID"]
    done = wait_done(client, started["asyncHandle"])
    assert done["result"] == {"bvID": jobs[0]["bulkVolumeID"], "message": "Bulk volume job succeeded", "volumeID": source}
    assert client.call("ListBulkVolumeJobs")["bulkVolumeJobs"] == []
    assert client.call("SimS3", {})["objects"][0]["data"] == client.call("SimVolumeData", {"volumeID": source})["data"]
    target = client.call("CreateVolume", {"name": "dst", "accountID": volume["accountID"], "totalSize": 1 << 30})["volumeID"]
    restore = client.call("StartBulkVolumeWrite", {"volumeID": target, "format": "native", "script": "bv_internal.py",
                                                   "scriptParameters": {"read": S3}})
    assert wait_done(client, restore["asyncHandle"]).get("error") is None
    assert client.call("SimVolumeData", {"volumeID": target})["data"] == client.call(
        "SimVolumeData", {"volumeID": source})["data"]


def test_refused_s3_credentials_a_missing_object_and_a_small_target_fail_the_job_echoing_the_secret(client, volume):
    client.call("SimS3", {"keys": {"AKIASIMULATED": "another-secret"}})
    bad = client.call("StartBulkVolumeRead", {"volumeID": volume["volumeID"], "format": "native",
                                              "script": "bv_internal.py", "scriptParameters": {"write": S3}})
    error = wait_done(client, bad["asyncHandle"])["error"]
    assert error["name"] == "xBulkVolumeScriptFailure" and "refused access key AKIASIMULATED" in error["message"]
    assert error["scriptParameters"]["write"]["awsSecretAccessKey"] == S3["awsSecretAccessKey"]  # echoed
    client.call("SimS3", {"keys": None})
    missing = client.call("StartBulkVolumeWrite", {"volumeID": volume["volumeID"], "format": "native",
                                                   "script": "bv_internal.py", "scriptParameters": {"read": S3}})
    assert "no backup at s3://" in wait_done(client, missing["asyncHandle"])["error"]["message"]


def test_update_bulk_volume_status_ends_a_session_by_its_key(client, volume):
    session = client.call("StartBulkVolumeWrite", {"volumeID": volume["volumeID"], "format": "native"})
    client.call("UpdateBulkVolumeStatus", {"key": session["key"], "status": "failed"})
    assert wait_done(client, session["asyncHandle"])["error"]["name"] == "xBulkVolumeScriptFailure"
    assert client.error("UpdateBulkVolumeStatus", {"key": session["key"], "status": "failed"})["name"] == \
        "xBulkVolumeIDDoesNotExist"


def test_limits_two_jobs_per_volume(client, volume):
    for _index in range(2):
        client.call("StartBulkVolumeWrite", {"volumeID": volume["volumeID"], "format": "native"})
    error = client.error("StartBulkVolumeRead", {"volumeID": volume["volumeID"], "format": "native"})
    assert error["name"] == "xMaxBulkVolumeJobsPerVolumeExceeded"
    assert client.call("GetLimits")["bulkVolumeJobsPerVolumeMax"] == 2


@pytest.fixture
def destination(simulator):
    """A second simulator, the destination cluster, with the same certificate and other credentials."""
    sim = Simulator(("127.0.0.1", 0), ("dest-admin", "Dest-pa55"), tls_dir=os.path.dirname(simulator.cert_path),
                    config=Config(job_seconds=1.0)).start()
    yield sim
    sim.stop()


def test_a_backup_to_another_cluster_feeds_its_write_session_by_key(client, volume, destination):
    dest = Client(destination)
    dest.session.auth = ("dest-admin", "Dest-pa55")
    account = dest.call("AddAccount", {"username": "dr"})["accountID"]
    target = dest.call("CreateVolume", {"name": "dr-copy", "accountID": account, "totalSize": 1 << 30})["volumeID"]
    session = dest.call("StartBulkVolumeWrite", {"volumeID": target, "format": "native"})
    write = {"endpoint": "solidfire", "mvip": destination.url.split("//")[1], "username": "dest-admin",
             "password": "Dest-pa55", "key": session["key"], "format": "native"}
    read = client.call("StartBulkVolumeRead", {"volumeID": volume["volumeID"], "format": "native",
                                               "script": "bv_internal.py", "scriptParameters": {"write": write}})
    assert wait_done(client, read["asyncHandle"]).get("error") is None
    assert wait_done(dest, session["asyncHandle"]).get("error") is None
    assert dest.call("SimVolumeData", {"volumeID": target})["data"] == client.call(
        "SimVolumeData", {"volumeID": volume["volumeID"]})["data"]
    wrong = dict(write, password="wrong-Pa55")
    failed = client.call("StartBulkVolumeRead", {"volumeID": volume["volumeID"], "format": "native",
                                                 "script": "bv_internal.py", "scriptParameters": {"write": wrong}})
    error = wait_done(client, failed["asyncHandle"])["error"]
    assert error["name"] == "xBulkVolumeScriptFailure" and "refused user dest-admin" in error["message"]
    gone = dict(write, mvip="127.0.0.1:1")
    unreachable = client.call("StartBulkVolumeRead", {"volumeID": volume["volumeID"], "format": "native",
                                                      "script": "bv_internal.py", "scriptParameters": {"write": gone}})
    assert "unreachable" in wait_done(client, unreachable["asyncHandle"])["error"]["message"]


def test_drives_add_in_both_shapes_and_their_data_moves_after_the_job(client):
    drives = client.call("ListDrives")["drives"]
    spare = [d["driveID"] for d in drives if d["status"] == "available"]
    assert len(spare) == 2
    assert client.error("AddDrives", {"drives": [1]})["name"] == "xDriveNotAvailable"
    added = client.call("AddDrives", {"drives": [{"driveID": spare[0], "type": "block"}, spare[1]]})
    statuses = {d["driveID"]: d["status"] for d in client.call("ListDrives")["drives"]}
    assert statuses[spare[0]] == statuses[spare[1]] == "active"
    bins = [s for s in client.call("ListSyncJobs")["syncJobs"] if s["type"] == "bin"]
    assert bins and {s["dstServiceID"] for s in bins} == {d["assignedService"] for d in client.call(
        "ListDrives")["drives"] if d["driveID"] in spare}
    done = wait_done(client, added["asyncHandle"])
    assert done["resultType"] == "DriveAdd" and done["result"] == {}
    assert [s for s in client.call("ListSyncJobs")["syncJobs"] if s["type"] == "bin"]  # data still moving
    time.sleep(1.0)
    assert [s for s in client.call("ListSyncJobs")["syncJobs"] if s["type"] == "bin"] == []


def test_a_removal_moves_data_off_refuses_what_capacity_cannot_hold_and_fails_with_its_drive(client):
    block = [d["driveID"] for d in client.call("ListDrives")["drives"] if d["type"] == "block"]
    error = client.error("RemoveDrives", {"drives": block[:7]})
    assert error["name"] == "xNotEnoughCapacity"
    removal = client.call("RemoveDrives", {"drives": [block[0]]})
    assert {d["driveID"]: d["status"] for d in client.call("ListDrives")["drives"]}[block[0]] == "removing"
    assert {s["srcServiceID"] for s in client.call("ListSyncJobs")["syncJobs"] if s["type"] == "bin"}
    assert wait_done(client, removal["asyncHandle"])["resultType"] == "DriveRemoval"
    assert {d["driveID"]: d["status"] for d in client.call("ListDrives")["drives"]}[block[0]] == "available"
    failing = client.call("RemoveDrives", {"drives": [block[1]]})
    client.call("SimFailDrive", {"driveID": block[1]})
    assert wait_done(client, failing["asyncHandle"])["error"]["name"] == "xDriveFailed"
    assert {d["driveID"]: d["status"] for d in client.call("ListDrives")["drives"]}[block[1]] == "failed"


def test_secure_erase_takes_available_drives_only(client):
    drives = client.call("ListDrives")["drives"]
    spare = [d["driveID"] for d in drives if d["status"] == "available"][0]
    assert client.error("SecureEraseDrives", {"drives": [1]})["name"] == "xDriveNotAvailable"
    erase = client.call("SecureEraseDrives", {"drives": [spare]})
    assert {d["driveID"]: d["status"] for d in client.call("ListDrives")["drives"]}[spare] == "erasing"
    wait_done(client, erase["asyncHandle"])
    assert {d["driveID"]: d["status"] for d in client.call("ListDrives")["drives"]}[spare] == "available"
