"""Start the Element API simulator (run.py) as a child process and wait for its ready line.

The one way to start it for the demo, the integration targets and the benchmarks. The ready line is the only
source of the simulator's URL, credentials and CA:

    ready {"ca": "/.../cert.pem", "password": "...", "url": "https://127.0.0.1:40123", "username": "..."}

(plus "nodeUrl" when run.py serves the node API, --node-port).

From Python (tests/simulator on sys.path):

    with launch(["--job-seconds", "1"], tls_dir=..., log_path=...) as sim:
        sim.url, sim.username, sim.password, sim.ca, sim.hostport, sim.pid

From a shell script (bash; the process substitution keeps the launcher a child of the shell, which reaps it):

    exec {fd}< <(exec python3 tests/simulator/launch.py --env-file FILE [--log FILE] [-- run.py flags...])
    read -r -u "$fd" line; exec {fd}<&-      # line is `ready` once FILE is written, empty when it failed
    . FILE

starts the simulator, waits for its ready line, writes FILE (mode 0600) with `export NAME=VALUE` lines -- SIM_PID,
SIM_URL, SIM_USERNAME, SIM_PASSWORD, SIM_CA (and SIM_NODE_URL with --node-port) and SOLIDFIRE_HOSTNAME,
SOLIDFIRE_USERNAME, SOLIDFIRE_PASSWORD, SOLIDFIRE_CA_PATH for the modules -- prints `ready` on stdout and closes it, then stays as the simulator's parent:
SIGTERM or SIGINT to SIM_PID (the launcher) stops the simulator and ends the launcher with status 0. It exits 1
(a message on stderr, nothing on stdout) when the simulator exits or stays silent before it is ready.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_PY = os.path.join(HERE, "run.py")
READY_PREFIX = "ready "


class LaunchError(Exception):
    """The simulator exited, or printed no ready line in time."""


class Launched:
    """A running simulator child process and what its ready line said."""

    def __init__(self, process: subprocess.Popen, ready: dict, log_path: str | None):
        self.process = process
        self.url: str = ready["url"]
        self.username: str = ready["username"]
        self.password: str = ready["password"]
        self.ca: str = ready["ca"]
        self.node_url: str | None = ready.get("nodeUrl")
        self.log_path = log_path

    @property
    def pid(self) -> int:
        """The simulator's process id."""
        return self.process.pid

    @property
    def hostport(self) -> str:
        """HOST:PORT of the URL, the form the modules' hostname option takes."""
        return self.url[len("https://"):].rstrip("/")

    def env(self) -> dict:
        """The environment a test or a playbook needs to reach this simulator."""
        env = {
            "SIM_PID": str(self.pid), "SIM_URL": self.url, "SIM_USERNAME": self.username,
            "SIM_PASSWORD": self.password, "SIM_CA": self.ca,
            "SOLIDFIRE_HOSTNAME": self.hostport, "SOLIDFIRE_USERNAME": self.username,
            "SOLIDFIRE_PASSWORD": self.password, "SOLIDFIRE_CA_PATH": self.ca,
        }
        if self.node_url is not None:
            env["SIM_NODE_URL"] = self.node_url
        return env

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "Launched":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def _read_ready(path: str) -> dict | None:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(READY_PREFIX) and line.endswith("\n"):
                return json.loads(line[len(READY_PREFIX):])
    return None


def _log_tail(log_path: str | None) -> str:
    if not log_path or not os.path.exists(log_path):
        return ""
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        return "; its log ends:\n" + "".join(handle.readlines()[-20:])


def launch(args=(), *, python: str = sys.executable, tls_dir: str | None = None, log_path: str | None = None,
           timeout: float = 15.0) -> Launched:
    """Start run.py with `args` (on 127.0.0.1 and a free port unless args say otherwise) and wait until it is ready.

    stderr goes to `log_path` (appended), or is inherited without one. Raises LaunchError.
    """
    command = [python, RUN_PY, "--host", "127.0.0.1", "--port", "0"]
    if tls_dir is not None:
        command += ["--tls-dir", tls_dir]
    command += list(args)  # later flags win: args may set --host, --port, --tls-dir
    fd, ready_path = tempfile.mkstemp(prefix="element-sim-ready-")
    try:
        with os.fdopen(fd, "w") as ready_out, \
                (open(log_path, "a", encoding="utf-8") if log_path else open(os.devnull, "w", encoding="utf-8")) as log:
            process = subprocess.Popen(  # pylint: disable=consider-using-with
                command, stdin=subprocess.DEVNULL, stdout=ready_out, stderr=log if log_path else None)
        deadline = time.monotonic() + timeout
        while True:
            ready = _read_ready(ready_path)
            if ready is not None:
                return Launched(process, ready, log_path)
            if process.poll() is not None:
                raise LaunchError(f"the simulator exited with status {process.returncode} before it was ready"
                                  + _log_tail(log_path))
            if time.monotonic() >= deadline:
                process.kill()
                process.wait()
                raise LaunchError(f"the simulator printed no ready line within {timeout:g} s" + _log_tail(log_path))
            time.sleep(0.05)
    finally:
        os.unlink(ready_path)


def write_env_file(path: str, env: dict) -> None:
    """`export NAME=VALUE` lines, quoted for sh; mode 0600 (the file holds the password)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        for name in sorted(env):
            handle.write(f"export {name}={shlex.quote(env[name])}\n")


def main(argv=None) -> int:
    """launch.py --env-file FILE [--log FILE] [--timeout S] [-- run.py flags...]."""
    parser = argparse.ArgumentParser(description="Start the simulator, write its environment, stay until SIGTERM.")
    parser.add_argument("--env-file", required=True, help="where to write the export lines (mode 0600)")
    parser.add_argument("--log", help="the simulator's stderr (appended); default: this process's stderr")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for the ready line (default 15)")
    parser.add_argument("run_args", nargs=argparse.REMAINDER, help="flags for run.py, after --")
    args = parser.parse_args(argv)
    run_args = args.run_args[1:] if args.run_args[:1] == ["--"] else args.run_args
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: stopping.append(number))
    try:
        sim = launch(run_args, log_path=args.log, timeout=args.timeout)
    except LaunchError as exc:
        sys.stderr.write(f"launch.py: {exc}\n")
        return 1
    with sim:
        env = sim.env()
        env["SIM_PID"] = str(os.getpid())  # stopping the launcher stops the simulator
        try:
            write_env_file(args.env_file, env)
        except OSError as exc:
            sys.stderr.write(f"launch.py: cannot write {args.env_file}: {exc}\n")
            return 1
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        # nothing more goes to stdout: whoever read the line may close its end
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        while not stopping:
            try:
                sim.process.wait(0.5)
            except subprocess.TimeoutExpired:
                continue
            sys.stderr.write(f"launch.py: the simulator exited with status {sim.process.returncode}\n")
            return sim.process.returncode or 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
