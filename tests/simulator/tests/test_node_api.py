"""The per-node API on a second listener (--node-port): node methods only, same TLS and credentials, off by default;
and the cluster's ListAllNodes and ListDrives."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import PASSWORD, USER, Client, SIM_DIR
from element_sim.server import Simulator
from element_sim.state import Config
from launch import launch


@pytest.fixture
def node_sim(tmp_path):
    """A simulator that also serves the node API on a free port."""
    sim = Simulator(("127.0.0.1", 0), (USER, PASSWORD), tls_dir=str(tmp_path), config=Config(job_seconds=1.0),
                    node_port=0).start()
    yield sim
    sim.stop()


class NodeClient(Client):
    """The test client pointed at the node listener."""

    def __init__(self, sim):
        super().__init__(sim)
        self.node_url = sim.node_url

    def post(self, method, params=None, version=None, auth=None, **kw):
        self.next_id += 1
        body = {"method": method, "id": self.next_id, "params": params or {}}
        return self.session.post(f"{self.node_url}/json-rpc/{version or self.version}", json=body,
                                 auth=auth or self.session.auth, verify=self.verify, timeout=10, **kw)


def test_node_methods_and_nothing_else(node_sim):
    """GetAPI and GetConfig answer on the node port; cluster and control methods are unknown there."""
    pytest.importorskip("requests")
    node = NodeClient(node_sim)
    cluster = Client(node_sim)
    assert node_sim.node_port != node_sim.port and node_sim.node_url.startswith("https://127.0.0.1:")
    api = node.call("GetAPI")
    assert api["currentVersion"] == cluster.call("GetAPI")["currentVersion"] and "12.3" in api["supportedVersions"]
    config = node.call("GetConfig")["config"]
    assert config["cluster"]["cluster"] == "element-sim" and config["cluster"]["nodeID"] == 1
    assert config["cluster"]["state"] == "Active" and config["network"]["Bond1G"]["address"] == "127.0.0.1"
    assert node.call("GetClusterConfig")["cluster"] == config["cluster"]
    assert node.call("GetNetworkConfig")["network"] == config["network"]
    for method in ("ListAccounts", "CreateVolume", "GetAsyncResult", "SimReset", "SimCallLog"):
        assert node.error(method, {})["name"] == "xUnknownAPIMethod", method
    for method in ("GetConfig", "GetNetworkConfig"):
        assert cluster.error(method, {})["name"] == "xUnknownAPIMethod", method
    assert node.post("GetConfig", auth=(USER, "wrong")).status_code == 401
    assert node.post("GetConfig", version="0.1").status_code == 404
    calls = cluster.call("SimCallLog")["calls"]
    assert {c["api"] for c in calls if c["method"] == "GetConfig"} == {"node", "cluster"}
    assert {c["api"] for c in calls if c["method"] == "SimReset"} == {"node"}  # a node's Sim* is an ordinary call
    cluster.session.close()
    node.session.close()


def test_node_api_shares_faults_and_rotated_credentials(node_sim):
    """Faults and SimSetCredentials apply to both listeners."""
    pytest.importorskip("requests")
    node = NodeClient(node_sim)
    cluster = Client(node_sim)
    cluster.call("SimSetFaults", {"faults": [{"kind": "http_status", "methods": ["GetConfig"], "count": 1, "status": 503}]})
    assert node.post("GetConfig").status_code == 503
    assert "config" in node.call("GetConfig")
    cluster.call("SimSetCredentials", {"username": USER, "password": "rotated"})
    assert node.post("GetConfig").status_code == 401
    assert "config" in node.call("GetConfig", auth=(USER, "rotated"))
    cluster.call("SimReset", auth=(USER, "rotated"))
    cluster.session.close()
    node.session.close()


def test_off_by_default(simulator):
    """Without node_port there is one listener and no node URL."""
    assert simulator.node_port is None and simulator.node_url is None


def test_run_py_and_launch_with_node_port(tmp_path):
    """--node-port 0: the ready line and the launcher's environment name the node URL; without it, neither does."""
    pytest.importorskip("cryptography")
    with launch(["--node-port", "0"], tls_dir=str(tmp_path)) as sim:
        assert sim.node_url and sim.node_url != sim.url and sim.env()["SIM_NODE_URL"] == sim.node_url
    with launch([], tls_dir=str(tmp_path)) as sim:
        assert sim.node_url is None and "SIM_NODE_URL" not in sim.env()
    bad = subprocess.run([sys.executable, os.path.join(SIM_DIR, "run.py"), "--tls-dir", str(tmp_path), "--port", "0",
                          "--node-port", "70000"], capture_output=True, text=True, timeout=30, check=False)
    assert bad.returncode == 2 and "--node-port" in bad.stderr and bad.stdout == ""


def test_port_taken_is_a_clear_failure(tmp_path, node_sim):
    """A node port already in use ends run.py with status 1 and a message naming it, no ready line."""
    taken = subprocess.run([sys.executable, os.path.join(SIM_DIR, "run.py"), "--tls-dir", str(tmp_path), "--port", "0",
                            "--node-port", str(node_sim.node_port)], capture_output=True, text=True, timeout=30,
                           check=False)
    assert taken.returncode == 1 and "node port" in taken.stderr and taken.stdout == ""


def test_nodes_and_drives(client):
    """The cluster API lists one active node (the one the node API answers for) and its drives."""
    nodes = client.call("ListAllNodes")
    assert [n["nodeID"] for n in nodes["nodes"]] == [1] and nodes["pendingNodes"] == [] and nodes["pendingActiveNodes"] == []
    assert nodes["nodes"][0]["mip"] == "127.0.0.1" and nodes["nodes"][0]["role"] == "Storage"
    drives = client.call("ListDrives")["drives"]
    assert [d["type"] for d in drives].count("volume") == 1 and len(drives) == 12
    assert len({d["driveID"] for d in drives}) == 12
    assert [d["status"] for d in drives].count("active") == 10 and [d["status"] for d in drives].count("available") == 2
