"""What the EDA scenario (run.sh) asserts once the rulebook has done its work.

    check.py --calls calls.json --listed listed.json --faults faults.json --log rulebook.log --before H
             --clones H1,H2 --clone-volumes V1,V2 --failed H --unmatched H

calls.json is SimCallLog, listed.json ListAsyncResults, faults.json SimGetFaults at the end of the run. The playbook
that a finished clone runs releases its handle with get_async_result; nothing else may ever read a result without
keepResult. Prints one line per check; exits 1 if any failed.
"""
from __future__ import annotations

import argparse
import json
import re
import sys

FAULT_KINDS = {"http_status", "drop", "api_error", "down"}


def handles(text: str) -> list[int]:
    """A comma-separated list of handles or volume IDs; an empty item means run.sh lost one, which fails."""
    items = text.split(",")
    if not all(item.strip().isdigit() for item in items):
        raise SystemExit(f"check.py: expected comma-separated numbers, got {text!r}")
    return [int(item) for item in items]


def checks(opts) -> list[tuple[str, bool]]:
    calls = json.load(open(opts.calls))["calls"]
    listed = {entry["asyncResultID"]: entry for entry in json.load(open(opts.listed))["asyncHandles"]}
    faults = json.load(open(opts.faults))["faults"]
    log = open(opts.log, encoding="utf-8", errors="replace").read()
    clones, clone_volumes = handles(opts.clones), handles(opts.clone_volumes)
    reads = [(call["params"].get("asyncHandle"), call["params"].get("keepResult")) for call in calls
             if call["method"] == "GetAsyncResult" and call.get("fault") is None]
    released = [handle for handle, keep in reads if keep is not True]
    out = [
        ("only the clone playbooks released handles (the source never purges)", set(released) <= set(clones)),
        ("each clone was released once, by its playbook", sorted(released) == sorted(clones)),
    ]
    for handle in clones:
        first = next((keep for read_handle, keep in reads if read_handle == handle), None)
        out.append((f"clone {handle} was first read with keepResult true (the source's read)", first is True))
        out.append((f"clone {handle} is gone from the cluster (its playbook took it)", handle not in listed))
    for handle, volume in zip(clones, clone_volumes):
        out.append((f"the playbook for clone {handle} saw its volume {volume}",
                    re.search(rf"Clone \d+ finished on \S+: volume {volume} is ready", log) is not None))
    out += [
        (f"the failed job {opts.failed} ran the failure playbook with its error",
         f"BulkVolume job {opts.failed} on" in log and "xBulkVolumeScriptFailure: Bulk volume job failed" in log),
        (f"the failed job {opts.failed} is still on the cluster", listed.get(opts.failed, {}).get("completed") is True),
        (f"the job no rule matches ({opts.unmatched}) ran no playbook", f"job {opts.unmatched} on" not in log),
        (f"the job no rule matches ({opts.unmatched}) is still on the cluster",
         listed.get(opts.unmatched, {}).get("completed") is True),
        (f"the job complete before the start ({opts.before}) was announced (include_existing), from its listing",
         re.search(rf"['\"]async_handle['\"]: {opts.before}\b", log) is not None
         and all(handle != opts.before for handle, _keep in reads)),
        (f"the job complete before the start ({opts.before}) ran no playbook and is still on the cluster",
         f"job {opts.before} on" not in log and opts.before in listed),
        ("every fault was served during the watch", all(not rule.get("count") for rule in faults)
         and FAULT_KINDS <= {call.get("fault") for call in calls}),
        ("the source logged the transient faults it retried", "transient error, will retry" in log),
        ("no playbook failed", not re.search(r"failed=[1-9]|fatal: \[", log)),
    ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("calls", "listed", "faults", "log", "clones", "clone-volumes"):
        parser.add_argument("--" + name, required=True)
    for name in ("before", "failed", "unmatched"):
        parser.add_argument("--" + name, required=True, type=int)
    results = checks(parser.parse_args())
    for text, ok in results:
        print(f"{'ok  ' if ok else 'FAIL'} {text}")
    return 0 if all(ok for _text, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
