"""HTTPS JSON-RPC front end: TLS, Basic auth, endpoint versions, the envelope, faults and the call log."""
from __future__ import annotations

import base64
import binascii
import json
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import tls
from .calllog import CallLog
from .control import CONTROL
from .delivery import InFlight, Wire
from .errors import ApiError
from .faults import FaultTable
from .methods import METHODS, NODE_METHODS, Context
from .params import Params
from .replies import NOT_FOUND_BODY, Call, Reply, faulted, html_page
from .state import Cluster, Config
from .versions import SUPPORTED_VERSIONS

PATH_RE = re.compile(r"^/json-rpc/(?P<version>[^/?#]+)/?$")


class Request:  # pylint: disable=too-many-instance-attributes,too-few-public-methods
    """The parsed parts of one POST."""

    def __init__(self, path: str, body: bytes, auth_header: str | None):
        match = PATH_RE.match(path)
        self.version = match.group("version") if match else None
        self.valid_path = bool(match) and self.version in SUPPORTED_VERSIONS
        self.credentials = _basic_credentials(auth_header)
        self.payload = None
        self.parse_error = None
        try:
            self.payload = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError) as exc:
            self.parse_error = str(exc)
        if self.parse_error is None and not (isinstance(self.payload, dict) and isinstance(self.payload.get("method"), str)):
            self.parse_error = "The request body must be a JSON object with a 'method' string."
        payload = self.payload if isinstance(self.payload, dict) else {}
        self.method = payload.get("method") if isinstance(payload.get("method"), str) else None
        self.params = payload.get("params")
        self.rpc_id = payload.get("id")

    @property
    def is_sim(self) -> bool:
        """Control methods: never faulted, never logged."""
        return self.method is not None and self.method.startswith("Sim")


def _basic_credentials(header: str | None) -> tuple | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _sep, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password)


# The credentials a simulator accepts unless it is given others (run.py --username/--password). Written here only:
# everything else learns them from the ready line (launch.py) or from the Simulator object.
DEFAULT_CREDENTIALS = ("admin", "solidfire-sim")


CLUSTER_API = "cluster"
NODE_API = "node"


class Simulator:  # pylint: disable=too-many-instance-attributes
    """The whole simulator: state, faults, call log, credentials, the cluster's HTTPS server and optionally a node's.

    node_port: None (the default) serves no node API; a port (0: a free one) serves the per-node API there, on the
    same host, with the same certificate and credentials.
    cert_ips: further IP addresses the certificate names (another simulator's, sharing the same tls_dir).
    """

    def __init__(self, address=("127.0.0.1", 0), credentials=DEFAULT_CREDENTIALS, tls_dir=".", config=None,
                 node_port=None, cert_ips=()):
        self.cluster = Cluster(config or Config())
        self.faults = FaultTable()
        self.calls = CallLog()
        host, port = address
        self.default_credentials = tuple(credentials)
        self.credentials = self.default_credentials
        self.context, self.cert_path = tls.server_context(tls_dir, address[0], also=tuple(cert_ips))
        self.cluster.tls_ca = self.cert_path
        self.httpd = _HTTPServer(host, port, self, CLUSTER_API)
        self.node_httpd = None if node_port is None else _HTTPServer(host, node_port, self, NODE_API)
        self.host = host
        self.port = self.httpd.server_address[1]
        self.node_port = None if self.node_httpd is None else self.node_httpd.server_address[1]
        self.threads: list[threading.Thread] = []
        self.sending = InFlight()  # replies being sent right now (a slow fault's stays counted until it ends)

    def _url(self, port: int) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{port}"

    @property
    def url(self) -> str:
        """https://HOST:PORT of the cluster API (IPv6 hosts in brackets)."""
        return self._url(self.port)

    @property
    def node_url(self) -> str | None:
        """https://HOST:NODE_PORT of the node API, or None when it is not served."""
        return None if self.node_port is None else self._url(self.node_port)

    def _servers(self) -> list:
        return [server for server in (self.httpd, self.node_httpd) if server is not None]

    def start(self) -> "Simulator":
        """Serve in daemon threads (one per listener)."""
        for server in self._servers():
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close the listening sockets."""
        for server in self._servers():
            server.shutdown()
            server.server_close()

    # request handling ---------------------------------------------------
    def handle(self, req: Request, client: str, wire: Wire, api: str = CLUSTER_API) -> Reply:
        """Turn one POST into a reply, applying faults and logging non-Sim calls (wire: its connection, for stalls).

        Control (Sim*) methods exist on the cluster API only; on the node API they are unknown methods like any other.
        """
        if req.is_sim and api == CLUSTER_API:
            return self._answer(req, api)
        fault = self.faults.pick(req.method)
        reply = faulted(fault, Call(req, lambda: self._answer(req, api), wire)) if fault else self._answer(req, api)
        self.calls.record(method=req.method, params=req.params, id=req.rpc_id, version=req.version, client=client,
                          httpStatus=reply.logged_status, fault=fault["kind"] if fault else None, api=api)
        return reply

    def _answer(self, req: Request, api: str) -> Reply:
        if not req.valid_path:
            return Reply.html(404, NOT_FOUND_BODY)
        if req.credentials != self.credentials:
            return Reply.unauthorized()
        if req.parse_error is not None:
            error = ApiError("xInvalidJSON", f"Invalid JSON-RPC request: {req.parse_error}", code=400)
            return Reply.json({"id": req.rpc_id, "error": error.to_dict()}, status=400)
        try:
            result = self._call(req, api)
        except ApiError as exc:
            return Reply.json({"id": req.rpc_id, "error": exc.to_dict()})
        return Reply.json({"id": req.rpc_id, "result": result})

    def _call(self, req: Request, api: str) -> dict:
        params = {} if req.params is None else req.params
        if not isinstance(params, dict):
            raise ApiError("xInvalidParameterType", "The 'params' member must be a JSON object.")
        control = req.is_sim and api == CLUSTER_API
        if control:
            function = CONTROL.get(req.method)
        else:
            function = (NODE_METHODS if api == NODE_API else METHODS).get(req.method)
        if function is None:
            raise ApiError("xUnknownAPIMethod", f"Unknown API method: '{req.method}'.")
        base_url = self.node_url if api == NODE_API else self.url
        with self.cluster.lock:
            self.cluster.jobs.tick()
            if control:
                return function(self, Params(params))
            return function(self.cluster, Params(params), Context(req.version, base_url, self.host))


class _Handler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive with Content-Length on every reply (fault deliveries close it)."""

    protocol_version = "HTTP/1.1"
    server_version = "ElementSim/1.0"
    timeout = 120

    def setup(self):
        super().setup()
        self.request.do_handshake()

    def do_POST(self):  # pylint: disable=invalid-name
        """JSON-RPC calls."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        req = Request(self.path, body, self.headers.get("Authorization"))
        wire = Wire(self)
        with self.server.sim.sending:
            wire.deliver(self.server.sim.handle(req, f"{self.client_address[0]}:{self.client_address[1]}", wire,
                                                self.server.api))

    def do_GET(self):  # pylint: disable=invalid-name
        """Only POST is served."""
        if PATH_RE.match(self.path):
            reply = Reply(405, html_page("405 Method Not Allowed"), "text/html", {"Allow": "POST"})
        else:
            reply = Reply.html(404, NOT_FOUND_BODY)
        Wire(self).deliver(reply)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the call log (SimCallLog) records requests."""


class _HTTPServer(ThreadingHTTPServer):
    """Threaded HTTPS server; the TLS handshake runs in the connection's own thread."""

    daemon_threads = True
    # server_close() would otherwise join every handler thread, and one idle keep-alive connection then
    # blocks shutdown for as long as its client keeps the socket open.
    block_on_close = False
    request_queue_size = 256

    def __init__(self, host: str, port: int, sim: Simulator, api: str):
        self.sim = sim
        self.api = api
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.sim.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return  # client went away, failed the TLS handshake or idled out
        super().handle_error(request, client_address)
