"""Pytest fixtures: one simulator per session on a free port (reset before each test) and a requests client."""
from __future__ import annotations

import os
import sys

import pytest

SIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, SIM_DIR)

# pylint: disable=wrong-import-position
from element_sim.server import DEFAULT_CREDENTIALS, Simulator  # noqa: E402
from element_sim.state import Config  # noqa: E402

USER, PASSWORD = DEFAULT_CREDENTIALS


class Client:
    """A JSON-RPC client on a requests.Session that verifies the simulator's certificate."""

    def __init__(self, sim: Simulator, version: str = "12.3"):
        import requests  # pylint: disable=import-outside-toplevel

        self.sim = sim
        self.session = requests.Session()
        # verify is passed per request: requests lets REQUESTS_CA_BUNDLE override a Session-level verify.
        self.verify = sim.cert_path
        self.session.auth = (USER, PASSWORD)
        self.version = version
        self.next_id = 0

    def post(self, method: str, params=None, version: str | None = None, auth=None, **kw):
        """Send one request; return the requests.Response."""
        self.next_id += 1
        body = {"method": method, "id": self.next_id}
        if params is not None:
            body["params"] = params
        url = f"{self.sim.url}/json-rpc/{version or self.version}"
        return self.session.post(url, json=body, auth=auth or self.session.auth, verify=self.verify,
                                 timeout=kw.pop("timeout", 10), **kw)

    def call(self, method: str, params=None, **kw) -> dict:
        """The result of a successful call (asserts there is no error)."""
        body = self.post(method, params, **kw).json()
        assert "error" not in body, body
        return body["result"]

    def error(self, method: str, params=None, **kw) -> dict:
        """The error object of a failing call (asserts there is one)."""
        response = self.post(method, params, **kw)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "error" in body, body
        return body["error"]


@pytest.fixture(scope="session")
def simulator(tmp_path_factory):
    """A running simulator with 1-second jobs."""
    sim = Simulator(("127.0.0.1", 0), (USER, PASSWORD), tls_dir=str(tmp_path_factory.mktemp("tls")),
                    config=Config(job_seconds=1.0)).start()
    yield sim
    sim.stop()


@pytest.fixture
def client(simulator):  # pylint: disable=redefined-outer-name
    """A client against a freshly reset simulator."""
    pytest.importorskip("requests")
    cli = Client(simulator)
    cli.call("SimReset", {})
    yield cli
    cli.session.close()


@pytest.fixture
def volume(client):  # pylint: disable=redefined-outer-name
    """An account with one 1 GiB volume; returns the volume object."""
    account_id = client.call("AddAccount", {"username": "tenant"})["accountID"]
    return client.call("CreateVolume", {"name": "src", "accountID": account_id, "totalSize": 1 << 30, "enable512e": True})["volume"]
