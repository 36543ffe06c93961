"""What the EDA scenario's second phase (run.sh) asserts: a source started while jobs run, its first listings
failing, include_existing false, on a cluster whose clock is off.

    check_restart.py --calls calls.json --log restart.log --old H --jobs H1,H2,... --failed H

Every job of --jobs ended after the source started and is announced exactly once (--failed with success false);
--old ended before the start and is not announced; the source never purged a result; the faults at the start were
all served. Prints one line per check; exits 1 if any failed.
"""
from __future__ import annotations

import argparse
import json
import re
import sys


def checks(opts) -> list[tuple[str, bool]]:
    calls = json.load(open(opts.calls))["calls"]
    log = open(opts.log, encoding="utf-8", errors="replace").read()
    jobs = [int(item) for item in opts.jobs.split(",")]
    announced = [(int(handle), status, success) for handle, status, success
                 in re.findall(r"RESTART-EVENT (\d+) (\w+) (\w+)", log)]
    out = []
    for handle in jobs:
        mine = [item for item in announced if item[0] == handle]
        want = "False" if handle == opts.failed else "True"
        out.append((f"job {handle}, ended during the failed first looks, was announced once",
                    len(mine) == 1 and mine[0][1:] == ("complete", want)))
    out += [
        (f"the job that ended before the start ({opts.old}) was not announced",
         all(handle != opts.old for handle, _status, _success in announced)),
        ("the source never read a result without keepResult",
         all(call["params"].get("keepResult") is True for call in calls if call["method"] == "GetAsyncResult")),
        ("the first listings met the faults (HTTP 503, a dropped connection)",
         {"http_status", "drop"} <= {call.get("fault") for call in calls if call["method"] == "ListAsyncResults"}),
        ("a clone's figures were read between listings", any(call["method"] == "ListSyncJobs" for call in calls)),
    ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("calls", "log", "jobs"):
        parser.add_argument("--" + name, required=True)
    for name in ("old", "failed"):
        parser.add_argument("--" + name, required=True, type=int)
    results = checks(parser.parse_args())
    for text, ok in results:
        print(f"{'ok  ' if ok else 'FAIL'} {text}")
    return 0 if all(ok for _text, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
