"""Transport faults seen on the wire (raw TLS sockets): drip, stall, endless, shape, api_error httpStatus, lost_answer, cut."""
from __future__ import annotations

import base64
import json
import socket
import ssl
import time

import pytest

requests = pytest.importorskip("requests")

from conftest import PASSWORD, USER  # noqa: E402  pylint: disable=wrong-import-position

MIB = 1024 * 1024


def faults(client, *rules):
    """Install rules; return the normalized rules."""
    return client.call("SimSetFaults", {"faults": list(rules)})["faults"]


class Raw:
    """One TLS connection speaking HTTP/1.1 by hand, recording when each piece arrived."""

    def __init__(self, sim, timeout=5.0):
        context = ssl.create_default_context(cafile=sim.cert_path)
        self.sock = context.wrap_socket(socket.create_connection(("127.0.0.1", sim.port), timeout=timeout),
                                        server_hostname="127.0.0.1")
        self.port = sim.port
        self.buf = b""
        self.pieces: list = []  # (seconds since the request, bytes) of each recv
        self.sent_at = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.sock.close()

    def post(self, method, params=None, rpc_id=1):
        """Send one JSON-RPC request."""
        body = json.dumps({"method": method, "params": params or {}, "id": rpc_id}).encode()
        auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        head = (f"POST /json-rpc/12.3 HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAuthorization: Basic {auth}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        self.sent_at = time.monotonic()
        self.sock.sendall(head.encode() + body)
        return self

    def recv(self) -> bytes:
        """One read (b'' at EOF); kept in buf."""
        data = self.sock.recv(256 * 1024)
        self.pieces.append((time.monotonic() - self.sent_at, data))
        self.buf += data
        return data

    def head(self):
        """(status, lower-cased headers, seconds until the head was complete); buf keeps what followed."""
        while b"\r\n\r\n" not in self.buf:
            assert self.recv(), self.buf
        raw, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = raw.decode("latin-1").split("\r\n")
        headers = dict((name.lower(), value.strip()) for name, value in (line.split(":", 1) for line in lines[1:]))
        return int(lines[0].split()[1]), headers, time.monotonic() - self.sent_at

    def body(self, length: int) -> bytes:
        """Read until length bytes or EOF; return them."""
        while len(self.buf) < length and self.recv():
            pass
        return self.buf

    def at_eof(self) -> bool:
        """True if the server closes the connection (nothing more arrives)."""
        return self.recv() == b""


def exchange(sim, method, params=None):
    """(status, headers, head seconds, body bytes, body seconds, pieces after the head) of one raw request."""
    with Raw(sim) as raw:
        status, headers, head_seconds = raw.post(method, params).head()
        first = len(raw.pieces)
        body = raw.body(int(headers["content-length"]))
        assert raw.at_eof(), "a faulted connection must be closed after the answer"
        return status, headers, head_seconds, body, time.monotonic() - raw.sent_at, raw.pieces[first:-1]


def wait_idle(sim, timeout=3.0):
    """Wait until no reply is being sent (a slow fault's delivery has ended)."""
    deadline = time.monotonic() + timeout
    while sim.sending.count:
        assert time.monotonic() < deadline, "a fault delivery did not end"
        time.sleep(0.02)


def test_drip_body(client):
    """drip (phase body): status line and headers at once with the real Content-Length, then chunk bytes per interval."""
    faults(client, {"kind": "drip", "chunk": 4, "interval": 0.05, "count": 1})
    status, headers, head_seconds, body, body_seconds, pieces = exchange(client.sim, "ListAsyncResults")
    assert status == 200 and headers["connection"] == "close" and head_seconds < 0.3 < body_seconds
    assert json.loads(body) == {"id": 1, "result": {"asyncHandles": []}} and int(headers["content-length"]) == len(body)
    assert max(len(data) for _t, data in pieces) <= 4
    assert body_seconds >= 0.05 * (len(body) // 4 - 1)
    assert client.call("SimCallLog")["calls"][0]["fault"] == "drip"


def test_drip_headers_phase(client):
    """drip (phase headers): the status line and headers drip too."""
    faults(client, {"kind": "drip", "chunk": 16, "interval": 0.02, "phase": "headers", "count": 1})
    with Raw(client.sim) as raw:
        status, headers, head_seconds = raw.post("ListAsyncResults").head()
        assert raw.pieces[0][1].startswith(b"HTTP/1.1 200") and len(raw.pieces[0][1]) <= 16
        assert status == 200 and head_seconds >= 0.02 * (len(raw.pieces) - 1) >= 0.1
        assert json.loads(raw.body(int(headers["content-length"])))["result"] == {"asyncHandles": []}


def test_drip_pad_and_client_leaving(client):
    """pad adds JSON whitespace before the closing brace (Content-Length counts it); a client that leaves ends the drip."""
    faults(client, {"kind": "drip", "chunk": 1000, "interval": 0.01, "pad": 30, "count": 1},
           {"kind": "drip", "chunk": 1, "interval": 0.05, "pad": 2000, "count": 1})
    _status, headers, _head, body, _seconds, _pieces = exchange(client.sim, "ListAsyncResults")
    assert body.endswith(b"]}" + b" " * 30 + b"}") and int(headers["content-length"]) == len(body)
    assert json.loads(body)["result"] == {"asyncHandles": []}
    with Raw(client.sim) as raw:
        raw.post("ListAsyncResults").head()
        raw.recv()
    wait_idle(client.sim, 1.0)


def test_stall_before_headers(client):
    """stall before_headers: nothing runs or arrives for seconds (other connections are served meanwhile), then the answer."""
    faults(client, {"kind": "stall", "phase": "before_headers", "seconds": 0.5, "methods": ["AddAccount"], "count": 1})
    with Raw(client.sim) as raw:
        raw.post("AddAccount", {"username": "late"})
        time.sleep(0.2)
        assert client.call("ListAccounts")["accounts"] == []
        status, headers, head_seconds = raw.head()
        assert status == 200 and head_seconds >= 0.5 and headers["connection"] == "close"
        assert json.loads(raw.body(int(headers["content-length"])))["result"]["accountID"]
        assert raw.at_eof()
    assert [a["username"] for a in client.call("ListAccounts")["accounts"]] == ["late"]


def test_stall_client_leaves(client):
    """stall before_headers: a client that closes meanwhile ends it at once; the method never runs; logged without a status."""
    faults(client, {"kind": "stall", "seconds": 5, "methods": ["AddAccount"], "count": 1})
    with Raw(client.sim) as raw:
        raw.post("AddAccount", {"username": "never"})
        time.sleep(0.1)
    wait_idle(client.sim, 1.0)
    assert client.call("ListAccounts")["accounts"] == []
    calls = client.call("SimCallLog")["calls"]
    assert [(c["method"], c["fault"], c["httpStatus"]) for c in calls] == [("AddAccount", "stall", None), ("ListAccounts", None, 200)]


def test_stall_after_headers(client):
    """stall after_headers: status line and headers at once with the real Content-Length, the body seconds later."""
    faults(client, {"kind": "stall", "phase": "after_headers", "seconds": 0.5, "count": 1})
    status, headers, head_seconds, body, body_seconds, _pieces = exchange(client.sim, "ListAsyncResults")
    assert status == 200 and head_seconds < 0.3 and body_seconds >= 0.5 and body_seconds - head_seconds >= 0.45
    assert int(headers["content-length"]) == len(body) and json.loads(body)["id"] == 1


def test_endless_content_length(client):
    """endless: a huge Content-Length and a body that looks like an answer and never ends; others are served meanwhile."""
    faults(client, {"kind": "endless", "methods": ["AddAccount"], "count": 1})
    with Raw(client.sim) as raw:
        status, headers, _seconds = raw.post("AddAccount", {"username": "endless"}).head()
        assert status == 200 and headers["content-type"] == "application/json"
        assert int(headers["content-length"]) == 8 * 1024 ** 3
        raw.body(4 * MIB)
        assert raw.buf.startswith(b'{"id": 1, "result": {"status": "running", "details": {"filler": "aaaa')
        assert set(raw.buf[70:]) == {ord("a")} and client.call("GetAPI")["currentVersion"]
        assert client.sim.sending.count >= 1
    wait_idle(client.sim, 2.0)
    assert client.call("ListAccounts")["accounts"] == [], "the method of an endless answer never runs"


def test_endless_chunked(client):
    """endless chunked: Transfer-Encoding chunked, 64 KiB chunks, no Content-Length."""
    faults(client, {"kind": "endless", "chunked": True, "count": 1})
    with Raw(client.sim) as raw:
        _status, headers, _seconds = raw.post("GetAPI").head()
        assert headers["transfer-encoding"] == "chunked" and "content-length" not in headers
        raw.body(2 * MIB)
        size, rest = raw.buf.split(b"\r\n", 1)
        assert int(size, 16) == 64 * 1024 and rest.startswith(b'{"id": 1, "result": {"status": "running"')
        assert rest[64 * 1024:].startswith(b"\r\n10000\r\naaaa")
    wait_idle(client.sim, 2.0)


def test_endless_bounds(client):
    """endless stops by itself: after length bytes (then EOF), or after seconds even if the client reads nothing."""
    faults(client, {"kind": "endless", "length": 100000, "count": 1}, {"kind": "endless", "seconds": 0.3, "count": 1})
    with Raw(client.sim) as raw:
        raw.post("GetAPI").head()
        assert len(raw.body(200000)) == 100000 and raw.at_eof()
    with Raw(client.sim) as raw:
        raw.post("GetAPI")
        time.sleep(0.1)
        assert client.sim.sending.count == 1
        wait_idle(client.sim, 1.0)


SHAPES = [
    ({"set": {"status": "failed"}}, lambda r: r["status"] == "failed" and "result" in r),
    ({"set": {"error": {"name": "xOdd", "message": "both"}}}, lambda r: "result" in r and r["error"]["name"] == "xOdd"),
    ({"unset": ["result", "error"]}, lambda r: r["status"] == "complete" and "result" not in r and "error" not in r),
    ({"set": {"result": [1, 2]}}, lambda r: r["result"] == [1, 2]),
    ({"set": {"error": "text"}, "unset": ["result"]}, lambda r: r["error"] == "text" and "result" not in r),
    ({"set": {"details": 7, "status": "running"}, "unset": ["result"]}, lambda r: r["details"] == 7),
    ({"set": {"asyncHandle": 999}}, lambda r: r["asyncHandle"] == 999 and r["result"]["volumeID"] == 0),
]


@pytest.mark.parametrize("change,check", SHAPES)
def test_shape(client, change, check):
    """shape: the method runs, its result is altered; keepResult false still deletes the job."""
    handle = client.call("SimCreateJob", {"seconds": 0})["asyncHandle"]
    faults(client, dict(change, kind="shape", methods=["GetAsyncResult"], count=1))
    assert check(client.call("GetAsyncResult", {"asyncHandle": handle}))
    assert client.error("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})["name"] == "xAsyncHandleDoesNotExist"
    assert client.call("SimCallLog")["calls"][0]["fault"] == "shape"


def test_shape_leaves_errors_alone(client):
    """shape on an answer without a result object (an API error) sends it unchanged."""
    faults(client, {"kind": "shape", "set": {"status": "complete"}})
    assert client.error("GetAsyncResult", {"asyncHandle": 5})["name"] == "xAsyncHandleDoesNotExist"


def test_api_error_http_status_and_code(client):
    """api_error httpStatus 500 carries the JSON-RPC error envelope with HTTP 500; code sets the error code."""
    faults(client, {"kind": "api_error", "name": "xDBConnectionLoss", "httpStatus": 500, "code": 503, "count": 1})
    response = client.post("ListAsyncResults", {})
    assert response.status_code == 500 and response.headers["Content-Type"] == "application/json"
    error = {"code": 503, "name": "xDBConnectionLoss", "message": "Simulated xDBConnectionLoss."}
    assert response.json() == {"id": client.next_id, "error": error}
    assert client.call("SimCallLog")["calls"][0]["httpStatus"] == 500


def test_lost_answer(client, volume):
    """lost_answer: the method runs (the result is deleted, the clone exists), the connection closes without an answer."""
    handle = client.call("SimCreateJob", {"seconds": 0})["asyncHandle"]
    faults(client, {"kind": "lost_answer", "methods": ["GetAsyncResult"], "count": 1},
           {"kind": "lost_answer", "methods": ["CloneVolume"], "count": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        client.post("GetAsyncResult", {"asyncHandle": handle, "keepResult": False})
    assert client.error("GetAsyncResult", {"asyncHandle": handle, "keepResult": True})["name"] == "xAsyncHandleDoesNotExist"
    with pytest.raises(requests.exceptions.ConnectionError):
        client.post("CloneVolume", {"volumeID": volume["volumeID"], "name": "lost"})
    assert "lost" in [v["name"] for v in client.call("ListVolumes")["volumes"]]
    calls = client.call("SimCallLog")["calls"]
    assert [(c["fault"], c["httpStatus"]) for c in calls if c["fault"]] == [("lost_answer", None)] * 2


@pytest.mark.parametrize("nbytes", [None, 5])
def test_cut(client, nbytes):
    """cut: the full Content-Length, then only bytes of the body (default half), then EOF."""
    rule = {"kind": "cut", "count": 1} if nbytes is None else {"kind": "cut", "bytes": nbytes, "count": 1}
    faults(client, rule)
    with Raw(client.sim) as raw:
        status, headers, _seconds = raw.post("ListAsyncResults").head()
        length = int(headers["content-length"])
        body = raw.body(length)
        assert status == 200 and len(body) == (length // 2 if nbytes is None else nbytes) < length
        assert raw.at_eof()
    assert client.call("ListAsyncResults")["asyncHandles"] == []


@pytest.mark.parametrize("rule,name", [
    ({"kind": "drip", "phase": "trailers"}, "xInvalidParameter"),
    ({"kind": "drip", "chunk": 0}, "xInvalidParameter"),
    ({"kind": "drip", "interval": "1"}, "xInvalidParameterType"),
    ({"kind": "drip", "pad": 1.5}, "xInvalidParameterType"),
    ({"kind": "stall"}, "xMissingParameter"),
    ({"kind": "stall", "seconds": 601}, "xInvalidParameter"),
    ({"kind": "stall", "seconds": 1, "phase": "after_body"}, "xInvalidParameter"),
    ({"kind": "endless", "seconds": 700}, "xInvalidParameter"),
    ({"kind": "endless", "chunked": "yes"}, "xInvalidParameterType"),
    ({"kind": "endless", "length": 0}, "xInvalidParameter"),
    ({"kind": "shape", "set": [1]}, "xInvalidParameterType"),
    ({"kind": "shape", "unset": "result"}, "xInvalidParameterType"),
    ({"kind": "cut", "bytes": -1}, "xInvalidParameter"),
    ({"kind": "api_error", "httpStatus": 99}, "xInvalidParameter"),
    ({"kind": "api_error", "code": "500"}, "xInvalidParameterType"),
    ({"kind": "slow", "seconds": 601}, "xInvalidParameter"),
])
def test_bad_transport_rules(client, rule, name):
    """Bad parameters of the transport kinds are API errors naming the problem."""
    error = client.error("SimSetFaults", {"faults": [rule]})
    assert error["name"] == name and "'" in error["message"]


def test_defaults_and_budget_in_snapshot(client):
    """The snapshot shows each new kind's defaults and its remaining budget."""
    kinds = ["drip", "stall", "endless", "shape", "lost_answer", "cut", "api_error"]
    rules = faults(client, *[dict({"kind": kind, "count": 2, "methods": ["GetAPI"]}, **({"seconds": 1} if kind == "stall" else {}))
                             for kind in kinds])
    params = [{k: v for k, v in rule.items() if k not in ("kind", "methods", "count", "skip")} for rule in rules]
    assert params == [
        {"chunk": 1, "interval": 0.5, "phase": "body", "pad": 0}, {"seconds": 1, "phase": "before_headers"},
        {"length": 8 * 1024 ** 3, "chunked": False, "seconds": 120}, {"set": {}, "unset": []}, {}, {},
        {"name": "xDBVersionMismatch", "message": "Simulated xDBVersionMismatch.", "httpStatus": 200, "code": 500}]
    faults(client, {"kind": "cut", "count": 2})
    with Raw(client.sim) as raw:
        raw.post("GetAPI").head()
    assert client.call("SimGetFaults")["faults"][0]["count"] == 1
