"""Fault injection, the call log and credential rotation."""
from __future__ import annotations

import time

import pytest

from conftest import USER

requests = pytest.importorskip("requests")


def faults(client, *rules):
    """Install rules; return the answer of SimSetFaults."""
    return client.call("SimSetFaults", {"faults": list(rules)})


@pytest.mark.parametrize("status", [500, 503])
def test_http_status(client, status):
    """http_status answers that status once (count 1), then normal service resumes."""
    faults(client, {"kind": "http_status", "status": status, "count": 1})
    response = client.post("GetAPI", {})
    assert response.status_code == status and "<html>" in response.text
    assert client.post("GetAPI", {}).status_code == 200
    assert client.call("SimGetFaults")["faults"][0]["count"] == 0


def test_http_status_body_methods_and_skip(client):
    """methods filter and skip: only the second GetAsyncResult gets the custom body."""
    faults(client, {"kind": "http_status", "status": 500, "body": "boom", "methods": ["GetAsyncResult"], "skip": 1, "count": 1})
    assert client.post("GetAPI", {}).status_code == 200
    assert client.error("GetAsyncResult", {"asyncHandle": 5})["name"] == "xAsyncHandleDoesNotExist"
    response = client.post("GetAsyncResult", {"asyncHandle": 5})
    assert (response.status_code, response.text) == (500, "boom")


def test_drop(client):
    """drop closes the connection without an answer; the next request works on a new one."""
    faults(client, {"kind": "drop", "count": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        client.post("GetAPI", {})
    assert client.post("GetAPI", {}).status_code == 200


def test_slow(client):
    """slow delays the answer (a short client timeout trips), then answers normally."""
    faults(client, {"kind": "slow", "seconds": 0.6, "count": 2})
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.post("GetAPI", {}, timeout=0.2)
    started = time.monotonic()
    assert client.post("GetAPI", {}).status_code == 200
    assert time.monotonic() - started >= 0.5


@pytest.mark.parametrize("name", ["xDBVersionMismatch", "xNotPrimary"])
def test_api_error(client, name):
    """api_error answers HTTP 200 with the named error."""
    faults(client, {"kind": "api_error", "name": name, "message": "try again", "count": 1})
    assert client.error("ListAsyncResults", {}) == {"code": 500, "name": name, "message": "try again"}
    assert "result" in client.post("ListAsyncResults", {}).json()


def test_down_window(client):
    """down drops every non-Sim request for N seconds from the first match, Sim calls still work."""
    faults(client, {"kind": "down", "seconds": 0.8, "methods": ["ListAsyncResults"]})
    assert client.post("GetAPI", {}).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        client.post("ListAsyncResults", {})
    with pytest.raises(requests.exceptions.ConnectionError):
        client.post("GetAPI", {})
    assert client.call("SimGetFaults")["faults"][0]["count"] == 0
    time.sleep(0.9)
    assert client.post("GetAPI", {}).status_code == 200


def test_non_json_and_unauthorized(client):
    """non_json answers HTTP 200 HTML; unauthorized answers the 401 page with good credentials."""
    faults(client, {"kind": "non_json", "count": 1}, {"kind": "unauthorized", "count": 1})
    response = client.post("GetAPI", {})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ValueError):
        response.json()
    response = client.post("GetAPI", {})
    assert response.status_code == 401 and "401 Unauthorized." in response.text
    assert client.post("GetAPI", {}).status_code == 200


def test_bad_rules_rejected(client):
    """Unknown kinds and missing kind parameters are API errors."""
    assert client.error("SimSetFaults", {"faults": [{"kind": "explode"}]})["name"] == "xInvalidParameter"
    assert client.error("SimSetFaults", {"faults": [{"kind": "slow"}]})["name"] == "xMissingParameter"
    assert client.call("SimSetFaults", {"faults": []}) == {"faults": []}


def test_call_log(client):
    """Every non-Sim request is logged (faulted and 401 ones too); Sim calls never are; clear empties it."""
    faults(client, {"kind": "http_status", "status": 503, "count": 1})
    client.post("GetAsyncResult", {"asyncHandle": 3, "keepResult": True})
    client.post("GetAsyncResult", {"asyncHandle": 3}, version="12.0")
    client.post("GetAPI", {}, auth=(USER, "wrong"))
    calls = client.call("SimCallLog", {"clear": True})["calls"]
    assert [(c["method"], c["httpStatus"], c["fault"], c["version"]) for c in calls] == [
        ("GetAsyncResult", 503, "http_status", "12.3"), ("GetAsyncResult", 200, None, "12.0"), ("GetAPI", 401, None, "12.3")]
    assert calls[0]["params"] == {"asyncHandle": 3, "keepResult": True}
    assert calls[0]["seq"] < calls[1]["seq"] and calls[0]["time"] <= calls[1]["time"]
    assert calls[0]["client"].startswith("127.0.0.1:") and calls[0]["wallTime"].endswith("Z")
    assert client.call("SimCallLog")["calls"] == []


def test_set_credentials_and_reset(client):
    """SimSetCredentials applies to every request; SimReset restores the originals."""
    client.call("SimSetCredentials", {"username": USER, "password": "rotated"})
    assert client.post("GetAPI", {}).status_code == 401
    assert client.post("SimGetFaults", {}).status_code == 401
    assert client.post("GetAPI", {}, auth=(USER, "rotated")).status_code == 200
    assert "result" in client.post("SimReset", {}, auth=(USER, "rotated")).json()
    assert client.post("GetAPI", {}).status_code == 200


def test_sim_calls_bypass_faults(client):
    """Faults never apply to Sim* calls."""
    faults(client, {"kind": "drop"})
    assert client.call("SimGetFaults")["faults"][0]["kind"] == "drop"
    assert client.call("SimConfigure", {"jobSeconds": 2})["jobSeconds"] == 2
