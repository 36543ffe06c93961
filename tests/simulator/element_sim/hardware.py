"""The cluster's view of its hardware: ListAllNodes (one active node) and ListDrives (its drives).

Fixed answers with the fields of the reference's node and drive objects (the SDK requires most of them), enough for
inventory and info tools; the simulator changes neither nodes nor drives.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .node import NODE_ID, NODE_NAME
from .params import Params
from .state import Cluster
from .versions import CURRENT_VERSION

if TYPE_CHECKING:
    from .methods import Context

METADATA_DRIVES = 1
BLOCK_DRIVES = 9
DRIVE_BYTES = 960197124096


def _node(cluster: Cluster, ctx: "Context") -> dict:
    return {
        "nodeID": NODE_ID, "associatedMasterServiceID": 2, "associatedFServiceID": 0, "name": NODE_NAME,
        "platformInfo": {"nodeType": "SFSIM", "chassisType": "SIM", "cpuModel": "simulated", "nodeMemoryGB": 256,
                         "platformConfigVersion": CURRENT_VERSION, "containerized": False},
        "role": "Storage", "softwareVersion": CURRENT_VERSION, "cip": ctx.host, "cipi": "Bond10G", "mip": ctx.host,
        "mipi": "Bond1G", "sip": ctx.host, "sipi": "Bond10G", "uuid": cluster.uuid, "virtualNetworks": [],
        "attributes": {}, "chassisName": NODE_NAME, "customProtectionDomainName": "", "maintenanceMode": "Disabled",
        "nodeSlot": "", "fibreChannelTargetPortGroup": None,
    }


def list_all_nodes(cluster: Cluster, _p: Params, ctx: "Context") -> dict:
    """ListAllNodes: the one active node, nothing pending."""
    return {"nodes": [_node(cluster, ctx)], "pendingNodes": [], "pendingActiveNodes": []}


def list_drives(_cluster: Cluster, _p: Params, _ctx: "Context") -> dict:
    """ListDrives: one volume-metadata drive and the block drives of the node, all active."""
    drives = []
    for index in range(METADATA_DRIVES + BLOCK_DRIVES):
        drives.append({
            "driveID": index + 1, "nodeID": NODE_ID, "slot": index, "chassisSlot": str(index), "status": "active",
            "type": "volume" if index < METADATA_DRIVES else "block", "capacity": DRIVE_BYTES,
            "usableCapacity": DRIVE_BYTES, "segmentFileSize": 0, "serial": f"sim-drive-{index + 1:04d}",
            "attributes": {}, "driveSecurityFaultReason": "None", "keyProviderID": None, "keyID": None,
        })
    return {"drives": drives}


METHODS = {
    "ListAllNodes": list_all_nodes,
    "ListDrives": list_drives,
}
