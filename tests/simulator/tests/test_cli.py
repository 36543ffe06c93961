"""run.py as a process: the ready line, a fresh certificate reused next time, simctl, clean SIGTERM/SIGINT exit."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

SIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(tls_dir, *extra):
    """Start run.py on a free port; return (process, url)."""
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, os.path.join(SIM_DIR, "run.py"), "--port", "0", "--tls-dir", str(tls_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("ready https://127.0.0.1:"), line
    return proc, line.split()[1]


def simctl(url, tls_dir, *args):
    """Run simctl.py; return the completed process."""
    return subprocess.run([sys.executable, os.path.join(SIM_DIR, "simctl.py"), "--url", url, "--ca", os.path.join(tls_dir, "cert.pem"),
                           *args], capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_ready_simctl_and_signal(tmp_path, sig):
    """Ready line on stdout only, credentials on stderr, simctl works, the signal stops it with exit 0."""
    pytest.importorskip("cryptography")
    proc, url = start(tmp_path, "--gone-error", "xDBNoSuchPath", "--password", "pw")
    try:
        ok = simctl(url, str(tmp_path), "--password", "pw", "SimConfigure", "{}")
        assert ok.returncode == 0 and '"goneError": "xDBNoSuchPath"' in ok.stdout
        bad = simctl(url, str(tmp_path), "--password", "pw", "GetAsyncResult", '{"asyncHandle": 1}')
        assert bad.returncode == 1 and "xDBNoSuchPath" in bad.stderr
        assert simctl(url, str(tmp_path), "SimConfigure", "{}").returncode == 1
    finally:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert out == ""
    assert "password pw" in err and "cert.pem" in err


def test_certificate_reused(tmp_path):
    """A valid cert.pem/key.pem pair is kept across starts."""
    proc, _url = start(tmp_path)
    proc.terminate()
    proc.communicate(timeout=10)
    before = (tmp_path / "cert.pem").read_bytes()
    proc, _url = start(tmp_path)
    proc.terminate()
    proc.communicate(timeout=10)
    assert (tmp_path / "cert.pem").read_bytes() == before
    assert oct((tmp_path / "key.pem").stat().st_mode & 0o777) == "0o600"
