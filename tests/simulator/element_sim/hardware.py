"""The cluster's view of its hardware: ListAllNodes (one active node) and GetLimits. Drives are in drives.py.

Fixed answers with the fields of the reference's node objects (the SDK requires most of them), enough for
inventory and info tools.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .bulk import PER_NODE_MAX as BULK_PER_NODE, PER_VOLUME_MAX as BULK_PER_VOLUME
from .node import NODE_ID, NODE_NAME
from .params import Params
from .state import Cluster
from .versions import CURRENT_VERSION

if TYPE_CHECKING:
    from .methods import Context


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


def list_active_nodes(cluster: Cluster, _p: Params, ctx: "Context") -> dict:
    """ListActiveNodes: the one node (its ID and name are what netapp.elementsw's drive module looks up)."""
    return {"nodes": [_node(cluster, ctx)]}


def get_limits(_cluster: Cluster, _p: Params, _ctx: "Context") -> dict:
    """GetLimits: the limits the simulator holds a client to (the rest as a hardware cluster reports them)."""
    return {"accountCountMax": 5000, "bulkVolumeJobsPerNodeMax": BULK_PER_NODE, "bulkVolumeJobsPerVolumeMax":
            BULK_PER_VOLUME, "cloneJobsPerVolumeMax": 2, "cloneJobsPerNodeMax": 8, "snapshotsPerVolumeMax": 32,
            "volumeCountMax": 4000, "volumeNameLengthMax": 64, "volumeNameLengthMin": 1,
            "volumeSizeMax": 17592186044416, "volumeSizeMin": 1000000000, "volumesPerGroupSnapshotMax": 32}


METHODS = {
    "ListAllNodes": list_all_nodes,
    "ListActiveNodes": list_active_nodes,
    "GetLimits": get_limits,
}
