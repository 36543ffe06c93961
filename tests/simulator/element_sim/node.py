"""The per-node API (a node's management IP, port 442 on a real node): GetAPI, GetConfig and its two halves.

Served on the simulator's optional second listener (--node-port). A node answers only node methods: cluster
methods (ListAccounts, CreateVolume, GetAsyncResult, ...) are xUnknownAPIMethod there, as on a real node's port.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .params import Params
from .versions import CURRENT_VERSION

if TYPE_CHECKING:
    from .state import Cluster
    from .methods import Context

NODE_ID = 1
NODE_NAME = "element-sim-node1"


def _interface(address: str, mac: str, method: str, extra: dict) -> dict:
    physical = {"address": address, "macAddress": mac, "macAddressPermanent": mac, "netmask": "255.255.255.0",
                "network": address.rsplit(".", 1)[0] + ".0" if "." in address else address, "upAndRunning": True}
    interface = {"auto": True, "family": "inet", "macAddress": mac, "macAddressPermanent": mac, "method": method,
                 "mtu": "1500", "physical": physical, "status": "UpAndRunning", "upAndRunning": True}
    interface.update(extra)
    return interface


def cluster_config(cluster: Cluster, ctx: "Context") -> dict:
    """The `cluster` half: which cluster this node belongs to and how it talks to it."""
    return {"cipi": "Bond10G", "cluster": "element-sim", "encryptionCapable": False, "ensemble": [f"1:{ctx.host}"],
            "mipi": "Bond1G", "name": NODE_NAME, "nodeID": NODE_ID, "pendingNodeID": 0, "role": "Storage",
            "sipi": "Bond10G", "state": "Active", "version": CURRENT_VERSION, "uuid": cluster.uuid}


def network_config(ctx: "Context") -> dict:
    """The `network` half: the management bond on the listener's address, the storage bond, loopback."""
    return {
        "Bond1G": _interface(ctx.host, "52:54:00:00:01:01", "static",
                             {"address": ctx.host, "netmask": "255.255.255.0", "gateway": "", "routes": [],
                              "bond-mode": "ActivePassive", "virtualNetworkTag": "0"}),
        "Bond10G": _interface(ctx.host, "52:54:00:00:10:01", "static",
                              {"address": ctx.host, "netmask": "255.255.255.0", "mtu": "9000", "routes": [],
                               "bond-mode": "ActivePassive", "virtualNetworkTag": "0"}),
        "lo": _interface("0.0.0.0", "00:00:00:00:00:00", "loopback", {}),
    }


def get_config(cluster: Cluster, _p: Params, ctx: "Context") -> dict:
    """GetConfig: {config: {cluster, network}}."""
    return {"config": {"cluster": cluster_config(cluster, ctx), "network": network_config(ctx)}}


def get_cluster_config(cluster: Cluster, _p: Params, ctx: "Context") -> dict:
    """GetClusterConfig: {cluster}."""
    return {"cluster": cluster_config(cluster, ctx)}


def get_network_config(_cluster: Cluster, _p: Params, ctx: "Context") -> dict:
    """GetNetworkConfig: {network}."""
    return {"network": network_config(ctx)}
