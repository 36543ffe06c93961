"""The official, unmodified solidfire-sdk-python drives the simulator (skipped without it, unless make test asks)."""
from __future__ import annotations

import os
import time

import pytest

if os.environ.get("SOLIDFIRE_SIM_REQUIRE_SDK"):
    import solidfire  # noqa: F401  # pylint: disable=unused-import  # make test installs it: missing is a failure
else:
    solidfire = pytest.importorskip("solidfire")
# pylint: disable=wrong-import-position,wrong-import-order
from solidfire.common import ApiConnectionError, ApiServerError  # noqa: E402
from solidfire.factory import ElementFactory  # noqa: E402

from conftest import PASSWORD, USER  # noqa: E402


def _connect(simulator, password=PASSWORD, version=None):
    # The SDK hands verify_ssl straight to requests as `verify`, so the simulator's CA file works, but only with a
    # host name: ElementFactory refuses verify_ssl together with an IPv4 target. Hence "localhost".
    return ElementFactory.create("localhost", USER, password, version=version, verify_ssl=simulator.cert_path,
                                 port=simulator.port, print_ascii_art=False, timeout=10)


def _volume_status(element, volume_id):
    return element.list_volumes(volume_ids=[volume_id]).volumes[0].status


def test_sdk_scenario(simulator, client):
    """Version negotiation, account, volume, clone, keep/purge reads, gone handle, init to active."""
    client.call("SimConfigure", {"jobSeconds": 1.5})
    element = _connect(simulator)
    assert str(element.api_version) == "12.9"
    assert _connect(simulator, version="12.3").api_version == 12.3

    account_id = element.add_account(username="sdk-tenant").account_id
    volume = element.create_volume(name="sdk-src", account_id=account_id, total_size=2 << 30, enable512e=True).volume
    assert volume.status == "active"

    clone = element.clone_volume(volume_id=volume.volume_id, name="sdk-clone")
    handle = clone.async_handle
    assert clone.volume.status == "init"
    assert _volume_status(element, clone.volume_id) == "init"

    running = element.get_async_result(async_handle=handle, keep_result=True)
    assert running["status"] == "running" and "details" in running
    running_again = element.get_async_result(async_handle=handle)  # a plain read of a running job keeps it
    assert running_again["status"] == "running"

    deadline = time.monotonic() + 10
    while element.get_async_result(async_handle=handle, keep_result=True)["status"] != "complete":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    done = element.get_async_result(async_handle=handle, keep_result=True)
    assert done["result"]["volumeID"] == clone.volume_id and done["resultType"] == "Clone"
    assert _volume_status(element, clone.volume_id) == "active"

    listed = [h for h in element.list_async_results().async_handles if h.async_result_id == handle]
    assert listed and listed[0].completed and listed[0].success

    purged = element.get_async_result(async_handle=handle)
    assert purged["status"] == "complete"
    with pytest.raises(ApiServerError) as gone:
        element.get_async_result(async_handle=handle, keep_result=True)
    assert gone.value.error_name == "xAsyncHandleDoesNotExist"


def test_sdk_bad_credentials(simulator, client):  # pylint: disable=unused-argument
    """A wrong password gives the SDK's own "Bad Credentials" error."""
    with pytest.raises(ApiConnectionError, match="Bad Credentials"):
        _connect(simulator, password="wrong")


def test_sdk_list_sync_jobs(simulator, client):
    """The SDK parses ListSyncJobs entries, remainingTime present or not, groupCloneID on group members."""
    client.call("SimConfigure", {"jobSeconds": 1000, "estimateNoise": 1.0})
    element = _connect(simulator, version="12.3")
    account_id = element.add_account(username="sdk-sync").account_id
    volume = element.create_volume(name="sdk-src", account_id=account_id, total_size=1 << 30).volume
    clone = element.clone_volume(volume_id=volume.volume_id, name="sdk-clone")
    group = element.clone_multiple_volumes(volumes=[{"volumeID": volume.volume_id}])
    jobs = []
    for _read in range(10):
        jobs.extend(element.list_sync_jobs().sync_jobs)
    mine = [job for job in jobs if job.clone_id == clone.clone_id]
    assert mine and all(job.dst_volume_id == clone.volume_id and job.src_volume_id == volume.volume_id for job in mine)
    assert all(job.type == "clone" and job.total_bytes > 0 and job.bytes_per_second > 0 for job in jobs)
    assert {job.group_clone_id for job in jobs if job.clone_id != clone.clone_id} == {group.group_clone_id}
    assert {job.remaining_time is None for job in jobs} == {True, False}  # noise 1: half the estimates are missing


def test_sdk_snapshots(simulator, client):
    """The SDK parses snapshots and group snapshots (it requires most of their fields) and clones from them."""
    client.call("SimConfigure", {"jobSeconds": 0.2})
    element = _connect(simulator, version="12.3")
    account_id = element.add_account(username="sdk-snap").account_id
    first = element.create_volume(name="sdk-a", account_id=account_id, total_size=1 << 30, enable512e=True).volume_id
    second = element.create_volume(name="sdk-b", account_id=account_id, total_size=1 << 30, enable512e=False).volume_id

    created = element.create_snapshot(volume_id=first, name="sdk-snap", attributes={"by": "sdk"})
    assert created.snapshot.name == "sdk-snap" and created.snapshot.volume_id == first
    listed = element.list_snapshots(volume_id=first).snapshots
    assert [s.snapshot_id for s in listed] == [created.snapshot_id] and listed[0].status == "done"
    modified = element.modify_snapshot(snapshot_id=created.snapshot_id, snap_mirror_label="sdk-label").snapshot
    assert modified.snap_mirror_label == "sdk-label"

    group = element.create_group_snapshot(volumes=[first, second], name="sdk-group")
    assert [m.volume_id for m in group.members] == [first, second]
    assert [g.group_snapshot_id for g in element.list_group_snapshots().group_snapshots] == [group.group_snapshot_id]

    clone = element.clone_volume(volume_id=first, name="sdk-from-snap", snapshot_id=created.snapshot_id)
    deadline = time.monotonic() + 10
    while element.get_async_result(async_handle=clone.async_handle, keep_result=True)["status"] != "complete":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert _volume_status(element, clone.volume_id) == "active"

    element.delete_group_snapshot(group_snapshot_id=group.group_snapshot_id, save_members=False)
    element.delete_snapshot(snapshot_id=created.snapshot_id)
    assert element.list_snapshots().snapshots == []
    with pytest.raises(ApiServerError) as unknown:
        element.delete_snapshot(snapshot_id=created.snapshot_id)
    assert unknown.value.error_name == "xSnapshotIDDoesNotExist"


def test_sdk_accounts_and_volume_life_cycle(simulator, client):  # pylint: disable=unused-argument
    """What netapp.elementsw's account and volume modules call, through the SDK: by name, modify, grow, delete, purge."""
    element = _connect(simulator, version="12.3")
    account_id = element.add_account(username="sdk-life").account_id
    assert element.get_account_by_name(username="sdk-life").account.account_id == account_id
    with pytest.raises(ApiServerError) as unknown:
        element.get_account_by_name(username="sdk-nobody")
    assert unknown.value.error_name == "xUnknownAccount"
    assert element.modify_account(account_id=account_id, status="locked").account.status == "locked"

    volume_id = element.create_volume(name="sdk-life-vol", account_id=account_id, total_size=10 ** 9,
                                      enable512e=True).volume_id
    qos = {"minIOPS": 100, "maxIOPS": 1000, "burstIOPS": 2000}
    grown = element.modify_volume(volume_id, total_size=2 * 10 ** 9, qos=qos).volume
    assert grown.total_size >= 2 * 10 ** 9 and grown.qos.max_iops == 1000
    assert element.delete_volume(volume_id=volume_id).volume.status == "deleted"
    assert [v.volume_id for v in element.list_deleted_volumes().volumes] == [volume_id]
    element.purge_deleted_volume(volume_id=volume_id)
    assert element.list_deleted_volumes().volumes == []
    element.remove_account(account_id=account_id)
    assert all(a.account_id != account_id for a in element.list_accounts().accounts)


def test_sdk_node_api(tmp_path):
    """The SDK connects to the node listener like to a node's port 442 and parses GetConfig."""
    # pylint: disable=import-outside-toplevel
    from element_sim.server import Simulator
    sim = Simulator(("127.0.0.1", 0), (USER, PASSWORD), tls_dir=str(tmp_path), node_port=0).start()
    try:
        node = ElementFactory.create("localhost", USER, PASSWORD, verify_ssl=sim.cert_path, port=sim.node_port,
                                     print_ascii_art=False, timeout=10)
        config = node.get_config().config
        assert config.cluster.name == "element-sim-node1" and config.cluster.state == "Active"
        assert config.network.bond1_g.address == "127.0.0.1"
        with pytest.raises(ApiServerError) as unknown:
            node.list_accounts()
        assert unknown.value.error_name == "xUnknownAPIMethod"
    finally:
        sim.stop()


def test_sdk_nodes_and_drives(simulator, client):  # pylint: disable=unused-argument
    """ListAllNodes and ListDrives parse into the SDK's node and drive objects (na_elementsw_info reads them)."""
    element = _connect(simulator, version="12.3")
    nodes = element.list_all_nodes()
    assert [n.node_id for n in nodes.nodes] == [1] and nodes.pending_nodes == []
    assert str(nodes.nodes[0].maintenance_mode) == "Disabled" and nodes.nodes[0].platform_info.node_memory_gb == 256
    drives = element.list_drives().drives
    assert len(drives) == 12 and {d.node_id for d in drives} == {1} and {d.status for d in drives} == {"active", "available"}


def test_sdk_bulk_volume_and_drive_jobs(simulator, client, volume):  # pylint: disable=unused-argument
    """What netapp.elementsw's backup and drive modules call through the SDK parses into its objects."""
    element = _connect(simulator, version="12.3")
    write = element.start_bulk_volume_write(volume_id=volume["volumeID"], format="native")
    assert isinstance(write.async_handle, int) and write.key
    jobs = element.list_bulk_volume_jobs().bulk_volume_jobs
    assert [(j.type, j.src_volume_id, j.key) for j in jobs] == [("write", volume["volumeID"], write.key)]
    assert element.get_limits().bulk_volume_jobs_per_node_max == 8
    spare = [d.drive_id for d in element.list_drives().drives if d.status == "available"]
    added = element.add_drives(spare)  # plain IDs, as na_elementsw_drive passes them
    assert isinstance(added.async_handle, int)
    assert {d.status for d in element.list_drives().drives if d.drive_id in spare} == {"active"}
    removed = element.remove_drives(spare[:1])
    assert isinstance(removed.async_handle, int)
    assert [n.node_id for n in element.list_active_nodes().nodes] == [1]
