"""run.py as a process: the ready line, a fresh certificate reused next time, simctl, clean SIGTERM/SIGINT exit;
launch.py, the one way to start it, from Python and from a shell."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

SIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, SIM_DIR)

# pylint: disable=wrong-import-position
from element_sim.server import DEFAULT_CREDENTIALS  # noqa: E402
from launch import LaunchError, launch  # noqa: E402

# simctl must not pick up the SIM_* of a surrounding integration run
CLEAN_ENV = {name: value for name, value in os.environ.items() if not name.startswith("SIM_")}


def start(tls_dir, *extra):
    """Start run.py on a free port; return (process, the ready line's object)."""
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, os.path.join(SIM_DIR, "run.py"), "--port", "0", "--tls-dir", str(tls_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("ready {"), line
    return proc, json.loads(line[len("ready "):])


def simctl(*args, env=None):
    """Run simctl.py; return the completed process."""
    return subprocess.run([sys.executable, os.path.join(SIM_DIR, "simctl.py"), *args], capture_output=True, text=True,
                          timeout=30, check=False, env=env or CLEAN_ENV)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_ready_simctl_and_signal(tmp_path, sig):
    """The ready line on stdout only, with URL, credentials and CA; simctl works; the signal stops it with exit 0."""
    pytest.importorskip("cryptography")
    proc, ready = start(tmp_path, "--gone-error", "xDBNoSuchPath", "--password", "pw")
    try:
        assert ready["url"].startswith("https://127.0.0.1:")
        assert (ready["username"], ready["password"]) == (DEFAULT_CREDENTIALS[0], "pw")
        assert ready["ca"] == str(tmp_path / "cert.pem")
        base = ["--url", ready["url"], "--ca", ready["ca"], "--username", ready["username"]]
        ok = simctl(*base, "--password", "pw", "SimConfigure", "{}")
        assert ok.returncode == 0 and '"goneError": "xDBNoSuchPath"' in ok.stdout
        bad = simctl(*base, "--password", "pw", "GetAsyncResult", '{"asyncHandle": 1}')
        assert bad.returncode == 1 and "xDBNoSuchPath" in bad.stderr
        assert simctl(*base, "--password", "wrong", "SimConfigure", "{}").returncode == 1
        missing = simctl(*base, "SimConfigure", "{}")
        assert missing.returncode == 1 and "SIM_PASSWORD" in missing.stderr
    finally:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert out == ""
    assert "pw" not in err


def test_certificate_reused(tmp_path):
    """A valid cert.pem/key.pem pair is kept across starts."""
    proc, _ready = start(tmp_path)
    proc.terminate()
    proc.communicate(timeout=10)
    before = (tmp_path / "cert.pem").read_bytes()
    proc, _ready = start(tmp_path)
    proc.terminate()
    proc.communicate(timeout=10)
    assert (tmp_path / "cert.pem").read_bytes() == before
    assert oct((tmp_path / "key.pem").stat().st_mode & 0o777) == "0o600"


def test_launch_from_python(tmp_path):
    """launch() returns what the ready line said; simctl reaches it with that alone (SIM_* from env()); stop() ends it."""
    with launch(["--username", "u1", "--job-seconds", "0"], tls_dir=str(tmp_path), log_path=str(tmp_path / "log")) as sim:
        assert (sim.username, sim.password) == ("u1", DEFAULT_CREDENTIALS[1])
        assert sim.hostport == sim.url[len("https://"):] and sim.ca == str(tmp_path / "cert.pem")
        env = dict(CLEAN_ENV, **sim.env())
        assert env["SOLIDFIRE_HOSTNAME"] == sim.hostport and env["SIM_PID"] == str(sim.pid)
        job = simctl("--query", "asyncHandle", "SimCreateJob", '{"seconds": 0}', env=env)
        assert job.returncode == 0 and job.stdout.strip().isdigit()
    assert sim.process.poll() == 0
    assert "serving " + sim.url in (tmp_path / "log").read_text()


def test_launch_failure(tmp_path):
    """A simulator that exits before it is ready is a LaunchError naming its log."""
    with pytest.raises(LaunchError, match="(?s)exited with status 2.*must not be negative"):
        launch(["--job-seconds", "-1"], tls_dir=str(tmp_path), log_path=str(tmp_path / "log"))


def test_launch_env_file(tmp_path):
    """launch.py from bash: `ready` once the env file (0600) is written; sourced, it gives working SIM_* and SOLIDFIRE_*;
    SIGTERM to SIM_PID (the launcher) stops the simulator and ends the launcher with status 0."""
    env_file = tmp_path / "sim.env"
    script = f"""
        set -eu
        exec {{fd}}< <(exec "{sys.executable}" "{SIM_DIR}/launch.py" --env-file "{env_file}" --log "{tmp_path}/log" \\
            -- --tls-dir "{tmp_path}" --password "p w'x")
        launcher=$!
        read -r -u "$fd" ready; exec {{fd}}<&-
        . "{env_file}"
        printf '%s\\n' "$ready" "$SIM_PASSWORD" "$SOLIDFIRE_PASSWORD" "$SIM_PID" "$launcher"
        "{sys.executable}" "{SIM_DIR}/simctl.py" --query goneError SimConfigure
        kill "$SIM_PID"
        wait "$SIM_PID" && echo "launcher exit 0"
    """
    shell = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30, check=False, env=CLEAN_ENV)
    assert shell.returncode == 0, shell.stderr
    lines = shell.stdout.splitlines()
    assert lines[0] == "ready" and lines[1] == lines[2] == "p w'x" and lines[3] == lines[4]
    assert lines[5:] == ["xAsyncHandleDoesNotExist", "launcher exit 0"]
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    assert "simulator: stopped" in (tmp_path / "log").read_text()


def test_launch_env_file_failure(tmp_path):
    """No `ready` and status 1 when the simulator does not start; the env file is not written."""
    done = subprocess.run([sys.executable, os.path.join(SIM_DIR, "launch.py"), "--env-file", str(tmp_path / "env"),
                           "--", "--job-seconds", "-1"], capture_output=True, text=True, timeout=30, check=False)
    assert (done.returncode, done.stdout) == (1, "")
    assert "must not be negative" in done.stderr and not (tmp_path / "env").exists()


def test_run_time_scale_and_estimate_flags(tmp_path):
    """--time-scale, --estimate-noise and --estimate-seed set the configuration; bad values exit 2."""
    pytest.importorskip("cryptography")
    proc, ready = start(tmp_path, "--time-scale", "50", "--estimate-noise", "0.5", "--estimate-seed", "9")
    try:
        base = ["--url", ready["url"], "--ca", ready["ca"], "--username", ready["username"], "--password", ready["password"]]
        config = json.loads(simctl(*base, "SimConfigure", "{}").stdout)
        assert (config["timeScale"], config["estimateNoise"], config["estimateSeed"]) == (50.0, 0.5, 9)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    for flags in (["--time-scale", "0"], ["--estimate-noise", "2"]):
        bad = subprocess.run([sys.executable, os.path.join(SIM_DIR, "run.py"), "--port", "0", "--tls-dir", str(tmp_path), *flags],
                             capture_output=True, text=True, timeout=30, check=False)
        assert bad.returncode == 2 and flags[0] in bad.stderr


def test_two_simulators_share_one_certificate(tmp_path):
    """--cert-ip: the second simulator, on another loopback address, reuses the first one's certificate, which names
    both addresses, so each is reachable over verified HTTPS with the one CA; a value that is no IP address exits 2."""
    pytest.importorskip("cryptography")
    first, ready = start(tmp_path, "--host", "127.0.0.1", "--cert-ip", "127.0.0.2")
    try:
        before = (tmp_path / "cert.pem").read_bytes()
        second, other = start(tmp_path, "--host", "127.0.0.2", "--cert-ip", "127.0.0.1")
        try:
            assert (tmp_path / "cert.pem").read_bytes() == before
            for sim in (ready, other):
                base = ["--url", sim["url"], "--ca", sim["ca"], "--username", sim["username"], "--password", sim["password"]]
                assert simctl(*base, "GetClusterInfo", "{}").returncode == 0, sim["url"]
        finally:
            second.terminate()
            second.communicate(timeout=10)
    finally:
        first.terminate()
        first.communicate(timeout=10)
    bad = subprocess.run([sys.executable, os.path.join(SIM_DIR, "run.py"), "--port", "0", "--tls-dir", str(tmp_path),
                          "--cert-ip", "dr.example.com"], capture_output=True, text=True, timeout=30, check=False)
    assert bad.returncode == 2 and "--cert-ip takes an IP address" in bad.stderr
