# Test helper of the integration targets, not part of the collection.
#   python measure.py OUT_FILE COMMAND [ARGS...]
# Runs COMMAND, waits for it, and writes "<wall seconds> <peak RSS in KiB>" to OUT_FILE: the peak resident set
# of the largest process of the run (ansible-playbook, its workers, the modules they ran), as the kernel reports
# it for waited-for children. Exits with COMMAND's exit code.
from __future__ import annotations

import resource
import subprocess
import sys
import time


def main(argv):
    out_file, command = argv[1], argv[2:]
    start = time.monotonic()
    rc = subprocess.call(command)
    wall = time.monotonic() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(out_file, "w", encoding="utf-8") as out:
        out.write("%.1f %d\n" % (wall, peak_kib))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
