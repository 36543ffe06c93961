"""ListSyncJobs: slices of running clones, progress on the simulated clock, an estimator that lies, the time scale."""
from __future__ import annotations

import time

DOCUMENTED = {
    "bytesPerSecond": float, "cloneID": int, "currentBytes": int, "dstServiceID": int, "dstVolumeID": int,
    "elapsedTime": float, "nodeID": int, "percentComplete": float, "remainingTime": float, "sliceID": int,
    "srcServiceID": int, "srcVolumeID": int, "stage": str, "totalBytes": int, "type": str,
}
GIB = 1 << 30


def sync_jobs(client) -> list:
    """The syncJobs list of one ListSyncJobs call (asserting the answer has nothing else)."""
    answer = client.call("ListSyncJobs")
    assert list(answer) == ["syncJobs"]
    return answer["syncJobs"]


def new_volume(client, account_id, name, size=GIB) -> dict:
    """Create a volume; return it."""
    return client.call("CreateVolume", {"name": name, "accountID": account_id, "totalSize": size})["volume"]


def true_remaining(entry) -> float:
    """What remainingTime would be if the estimator told the truth (the slice runs at bytesPerSecond)."""
    return (entry["totalBytes"] - entry["currentBytes"]) / entry["bytesPerSecond"]


def wait_complete(client, handle, timeout=5.0) -> float:
    """Poll until the job completes; return the real seconds it took from now."""
    start = time.monotonic()
    while client.call("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})["status"] != "complete":
        assert time.monotonic() - start < timeout
        time.sleep(0.01)
    return time.monotonic() - start


def test_entries_of_a_clone(client, volume):
    """Several slices per clone, the documented keys and types, bytes summing to the volume's size."""
    client.call("SimConfigure", {"jobSeconds": 1000, "estimateNoise": 0})
    clone = client.call("CloneVolume", {"volumeID": volume["volumeID"], "name": "copy"})
    entries = sync_jobs(client)
    assert 2 <= len(entries) <= 3
    for entry in entries:
        assert set(entry) == set(DOCUMENTED), entry
        for key, kind in DOCUMENTED.items():
            assert isinstance(entry[key], kind) and not isinstance(entry[key], bool), (key, entry)
        assert (entry["type"], entry["stage"], entry["nodeID"]) == ("clone", "whole", 1)
        assert (entry["cloneID"], entry["srcVolumeID"], entry["dstVolumeID"]) == (clone["cloneID"], volume["volumeID"], clone["volumeID"])
        assert 0 <= entry["currentBytes"] < entry["totalBytes"] and 0 <= entry["percentComplete"] < 1
        assert entry["bytesPerSecond"] > 0 and 0 <= entry["elapsedTime"] < 5
        assert abs(entry["remainingTime"] - true_remaining(entry)) <= 0.2  # noise 0: the truth
    assert len({e["sliceID"] for e in entries}) == len(entries)
    assert sum(e["totalBytes"] for e in entries) == volume["totalSize"]
    assert len({e["remainingTime"] for e in entries}) == len(entries)  # slices end at different times
    assert max(e["remainingTime"] for e in entries) > 995


def test_progress_and_vanishing(client, volume):
    """currentBytes and elapsedTime move with the clock; slices leave one by one; nothing is left at completion."""
    client.call("SimConfigure", {"jobSeconds": 40, "timeScale": 20})  # 2 real seconds
    handle = client.call("CloneVolume", {"volumeID": volume["volumeID"], "name": "copy"})["asyncHandle"]
    first = {e["sliceID"]: e for e in sync_jobs(client)}
    time.sleep(0.3)
    later = {e["sliceID"]: e for e in sync_jobs(client)}
    assert set(later) == set(first)
    for slice_id, entry in later.items():
        assert entry["currentBytes"] > first[slice_id]["currentBytes"]
        assert entry["percentComplete"] > first[slice_id]["percentComplete"]
        assert 5 < entry["elapsedTime"] - first[slice_id]["elapsedTime"] < 9  # 0.3 real s = 6 simulated s
    counts = [len(first)]
    while True:
        running = client.call("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})["status"] == "running"
        entries = sync_jobs(client)
        if not running:
            break
        counts.append(len(entries))
        time.sleep(0.005)
    assert sync_jobs(client) == []
    assert counts == sorted(counts, reverse=True)
    assert any(0 < count < len(first) for count in counts), counts  # a slice was done before the others


def test_estimate_lies(client, volume):
    """Default noise: remainingTime is off by up to 20 %, sometimes repeated (stale), sometimes missing."""
    client.call("SimConfigure", {"jobSeconds": 10000})
    client.call("CloneVolume", {"volumeID": volume["volumeID"], "name": "copy"})
    ratios, absent, stale, previous = [], 0, 0, {}
    for _read in range(150):
        for entry in sync_jobs(client):
            estimate = entry.get("remainingTime")
            if estimate is None:
                absent += 1
                continue
            ratios.append(estimate / true_remaining(entry))
            last = previous.get(entry["sliceID"])
            if last is not None and last[0] == estimate and last[1] != entry["currentBytes"]:
                stale += 1
            previous[entry["sliceID"]] = (estimate, entry["currentBytes"])
    assert all(0.79 <= ratio <= 1.21 for ratio in ratios)
    assert sum(1 for ratio in ratios if abs(ratio - 1) > 0.05) > len(ratios) / 3
    assert absent > 5 and stale > 5 and len(ratios) > 150


def test_estimate_is_deterministic_per_seed(client, volume):
    """The same seed and reads give the same slices and the same missing estimates; another seed differs."""
    def run(seed):
        client.call("SimReset", {})
        account_id = client.call("AddAccount", {"username": "tenant"})["accountID"]
        source = new_volume(client, account_id, "src", volume["totalSize"])
        client.call("SimConfigure", {"jobSeconds": 10000, "estimateSeed": seed, "estimateNoise": 0.5})
        client.call("CloneVolume", {"volumeID": source["volumeID"], "name": "copy"})
        reads = [sync_jobs(client) for _read in range(30)]
        return [[(e["sliceID"], e["totalBytes"], "remainingTime" in e) for e in entries] for entries in reads]
    assert run(7) == run(7)
    assert run(7) != run(8)


def test_copy_volume_and_cancel(client, volume):
    """CopyVolume's entries name the copy target as dstVolumeID; CancelClone removes them."""
    client.call("SimConfigure", {"jobSeconds": 1000})
    target = new_volume(client, volume["accountID"], "dst", volume["totalSize"])  # CopyVolume needs equal sizes
    clone_id = client.call("CopyVolume", {"volumeID": volume["volumeID"], "dstVolumeID": target["volumeID"]})["cloneID"]
    entries = sync_jobs(client)
    assert entries and all((e["cloneID"], e["srcVolumeID"], e["dstVolumeID"]) == (clone_id, volume["volumeID"], target["volumeID"])
                           for e in entries)
    assert sum(e["totalBytes"] for e in entries) == volume["totalSize"]
    client.call("CancelClone", {"cloneID": clone_id})
    assert sync_jobs(client) == []


def test_group_clone_members(client, volume):
    """Every member of a group clone has its own cloneID, its own slices and the group's groupCloneID."""
    client.call("SimConfigure", {"jobSeconds": 1000})
    other = new_volume(client, volume["accountID"], "other", 3 * GIB)
    group = client.call("CloneMultipleVolumes", {"volumes": [{"volumeID": volume["volumeID"]}, {"volumeID": other["volumeID"]}]})
    entries = sync_jobs(client)
    assert all(e["groupCloneID"] == group["groupCloneID"] for e in entries)
    by_clone = {}
    for entry in entries:
        by_clone.setdefault(entry["cloneID"], []).append(entry)
    assert len(by_clone) == 2 and all(len(slices) >= 2 for slices in by_clone.values())
    pairs = {(s[0]["srcVolumeID"], s[0]["dstVolumeID"]): sum(e["totalBytes"] for e in s) for s in by_clone.values()}
    sizes = {volume["volumeID"]: volume["totalSize"], other["volumeID"]: other["totalSize"]}
    assert pairs == {(m["srcVolumeID"], m["volumeID"]): sizes[m["srcVolumeID"]] for m in group["members"]}
    client.call("CancelGroupClone", {"groupCloneID": group["groupCloneID"]})
    assert sync_jobs(client) == []


def test_time_scale(client, volume):
    """A 60 s job at time scale 60 completes in about a second, with figures in simulated seconds."""
    config = client.call("SimConfigure", {"jobSeconds": 60, "timeScale": 60, "estimateNoise": 0})
    assert (config["timeScale"], config["jobSeconds"]) == (60, 60)
    handle = client.call("CloneVolume", {"volumeID": volume["volumeID"], "name": "copy"})["asyncHandle"]
    time.sleep(0.25)
    entries = sync_jobs(client)
    assert all(12 <= e["elapsedTime"] <= 25 and 30 <= e["remainingTime"] <= 50 for e in entries), entries
    assert 0.5 <= wait_complete(client, handle) + 0.25 <= 1.6
    assert sync_jobs(client) == []
    client.call("SimReset", {})
    assert client.call("SimConfigure", {})["timeScale"] == 1.0


def test_only_clone_jobs(client, volume):
    """BulkVolume and plain SimCreateJob jobs never appear; SimCreateJob syncProgress does, until it is finished."""
    client.call("SimConfigure", {"jobSeconds": 1000})
    client.call("StartBulkVolumeRead", {"volumeID": volume["volumeID"], "format": "native"})
    client.call("SimCreateJob", {})
    client.call("SimCreateJob", {"resultType": "BulkVolume", "seconds": None})
    assert sync_jobs(client) == []
    result = {"cloneID": 77, "message": "Clone complete.", "volumeID": 9}
    handle = client.call("SimCreateJob", {"result": result, "syncProgress": True, "totalBytes": 5 * GIB, "srcVolumeID": 3,
                                          "seconds": None})["asyncHandle"]
    entries = sync_jobs(client)
    assert entries and {(e["cloneID"], e["srcVolumeID"], e["dstVolumeID"]) for e in entries} == {(77, 3, 9)}
    assert sum(e["totalBytes"] for e in entries) == 5 * GIB
    client.call("SimFinishJob", {"asyncHandle": handle})
    assert sync_jobs(client) == []


def test_configure_checks(client):
    """Out-of-range or mistyped estimate and time-scale settings are refused and change nothing."""
    assert client.error("SimConfigure", {"estimateNoise": 1.5})["name"] == "xInvalidParameter"
    assert client.error("SimConfigure", {"timeScale": 0})["name"] == "xInvalidParameter"
    assert client.error("SimConfigure", {"timeScale": 2, "jobSeconds": -1})["name"] == "xInvalidParameter"
    assert client.error("SimConfigure", {"estimateSeed": "x"})["name"] == "xInvalidParameterType"
    assert client.error("SimCreateJob", {"resultType": "BulkVolume", "syncProgress": True})["name"] == "xInvalidParameter"
    config = client.call("SimConfigure", {})
    assert (config["estimateNoise"], config["estimateSeed"], config["timeScale"]) == (0.2, 1, 1.0)
