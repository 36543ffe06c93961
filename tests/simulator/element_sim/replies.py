"""Replies: what to send back and how (a delivery), and the reply of each fault kind."""
from __future__ import annotations

import json
import time

from .delivery import Cut, Drip, Drop, Endless, Stall, Whole
from .errors import ApiError

REALM = "Element API simulator"


def html_page(title: str) -> bytes:
    """A small HTML page like the ones a cluster's web server sends."""
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode()


UNAUTHORIZED_BODY = html_page("401 Unauthorized.")
NOT_FOUND_BODY = html_page("404 Not Found")


class Reply:
    """A status, a body, headers, the delivery that sends it and the JSON payload it was made from (if any)."""

    def __init__(self, status: int = 200, body: bytes = b"", content_type: str = "application/json",  # pylint: disable=too-many-arguments
                 headers=None, *, delivery=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = dict(headers or {})
        self.delivery = delivery or Whole()
        self.payload: dict | None = None

    @classmethod
    def json(cls, payload: dict, status: int = 200) -> "Reply":
        """A JSON reply."""
        reply = cls(status, json.dumps(payload).encode())
        reply.payload = payload
        return reply

    @classmethod
    def html(cls, status: int, body: bytes) -> "Reply":
        """An HTML reply."""
        return cls(status, body, "text/html")

    @classmethod
    def unauthorized(cls) -> "Reply":
        """HTTP 401 with the HTML body real clusters send."""
        return cls(401, UNAUTHORIZED_BODY, "text/html", {"WWW-Authenticate": f'Basic realm="{REALM}"'})

    @classmethod
    def gone(cls) -> "Reply":
        """No answer: the connection is closed."""
        return cls(delivery=Drop())

    @property
    def logged_status(self) -> int | None:
        """The HTTP status the client gets (None when it gets no answer), for the call log."""
        return self.status if self.delivery.answers else None

    def sent_by(self, delivery) -> "Reply":
        """This reply, sent by another delivery."""
        self.delivery = delivery
        return self

    def padded(self, spaces: int) -> "Reply":
        """spaces blanks before a JSON body's closing brace (still the same JSON), else at the end."""
        pad = b" " * spaces
        body = self.body
        self.body = body[:-1] + pad + body[-1:] if body.endswith(b"}") else body + pad
        return self


class Call:  # pylint: disable=too-few-public-methods
    """A faulted request: its parsed parts, how to answer it for real, and its connection (a delivery.Wire)."""

    def __init__(self, req, answer, wire):
        self.req = req
        self.answer = answer
        self.wire = wire


def _dropped(_fault: dict, _call: Call) -> Reply:
    return Reply.gone()


def _slow(fault: dict, call: Call) -> Reply:
    time.sleep(float(fault["seconds"]))
    return call.answer()


def _http_status(fault: dict, _call: Call) -> Reply:
    status = int(fault["status"])
    body = fault.get("body")
    return Reply.html(status, body.encode() if body is not None else html_page(f"{status} Simulated Error"))


def _api_error(fault: dict, call: Call) -> Reply:
    error = ApiError(fault["name"], fault["message"], code=fault["code"])
    return Reply.json({"id": call.req.rpc_id, "error": error.to_dict()}, status=fault["httpStatus"])


def _non_json(fault: dict, _call: Call) -> Reply:
    body = fault.get("body")
    return Reply.html(200, body.encode() if body is not None else html_page("Service Temporarily Unavailable"))


def _unauthorized(_fault: dict, _call: Call) -> Reply:
    return Reply.unauthorized()


def _drip(fault: dict, call: Call) -> Reply:
    return call.answer().padded(fault["pad"]).sent_by(Drip(fault["chunk"], fault["interval"], fault["phase"]))


def _stall(fault: dict, call: Call) -> Reply:
    if fault["phase"] == "after_headers":
        return call.answer().sent_by(Stall(fault["seconds"]))
    if not call.wire.idle(fault["seconds"]):
        return Reply.gone()  # the client left before anything ran
    return call.answer().sent_by(Whole(closes=True))


def _endless(fault: dict, call: Call) -> Reply:
    opening = f'{{"id": {json.dumps(call.req.rpc_id)}, "result": {{"status": "running", "details": {{"filler": "'.encode()
    headers = {"Transfer-Encoding": "chunked"} if fault["chunked"] else {"Content-Length": str(fault["length"])}
    return Reply(200, opening, headers=headers, delivery=Endless(fault["length"], fault["chunked"], fault["seconds"]))


def _shape(fault: dict, call: Call) -> Reply:
    reply = call.answer()
    result = (reply.payload or {}).get("result")
    if not isinstance(result, dict):
        return reply  # an error envelope, a 401 or a 404 goes out unchanged
    shaped = {key: value for key, value in result.items() if key not in fault["unset"]}
    shaped.update(fault["set"])
    return Reply.json(dict(reply.payload, result=shaped), status=reply.status)


def _lost_answer(_fault: dict, call: Call) -> Reply:
    call.answer()
    return Reply.gone()


def _cut(fault: dict, call: Call) -> Reply:
    return call.answer().sent_by(Cut(fault.get("bytes")))


FAULT_REPLIES = {
    "http_status": _http_status,
    "drop": _dropped,
    "slow": _slow,
    "api_error": _api_error,
    "down": _dropped,
    "non_json": _non_json,
    "unauthorized": _unauthorized,
    "drip": _drip,
    "stall": _stall,
    "endless": _endless,
    "shape": _shape,
    "lost_answer": _lost_answer,
    "cut": _cut,
}


def faulted(fault: dict, call: Call) -> Reply:
    """The reply of a request that a fault rule picked."""
    return FAULT_REPLIES[fault["kind"]](fault, call)
