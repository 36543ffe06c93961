"""Transport: TLS verification by name and address, Basic auth 401 HTML, 404/405, the envelope, keep-alive, concurrency."""
from __future__ import annotations

import concurrent.futures
import json
import socket
import ssl

import pytest

requests = pytest.importorskip("requests")

from conftest import PASSWORD, USER  # noqa: E402  pylint: disable=wrong-import-position


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_certificate_verifies(simulator, host):
    """requests verifies the server against cert.pem by address and by name."""
    response = requests.post(f"https://{host}:{simulator.port}/json-rpc/12.3", json={"method": "GetAPI", "id": 7},
                             auth=(USER, PASSWORD), verify=simulator.cert_path, timeout=10)
    assert response.status_code == 200
    assert response.json()["id"] == 7


def test_certificate_names_another_listening_address(tmp_path):
    """Listening on another loopback address: the certificate names it too (one made without it is replaced)."""
    # pylint: disable=import-outside-toplevel
    from element_sim.server import Simulator
    first = Simulator(("127.0.0.1", 0), (USER, PASSWORD), tls_dir=str(tmp_path)).start()
    first.stop()
    before = (tmp_path / "cert.pem").read_bytes()
    sim = Simulator(("127.0.0.42", 0), (USER, PASSWORD), tls_dir=str(tmp_path)).start()
    try:
        response = requests.post(f"https://127.0.0.42:{sim.port}/json-rpc/12.3", json={"method": "GetAPI", "id": 1},
                                 auth=(USER, PASSWORD), verify=sim.cert_path, timeout=10)
        assert response.status_code == 200
        context = ssl.create_default_context(cafile=sim.cert_path)
        context.verify_flags |= ssl.VERIFY_X509_STRICT
        with socket.create_connection(("127.0.0.42", sim.port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.42") as tls:
                assert tls.version()
    finally:
        sim.stop()
    made = (tmp_path / "cert.pem").read_bytes()
    assert made != before
    for host in ("127.0.0.42", "127.0.0.1"):  # it names both: kept
        again = Simulator((host, 0), (USER, PASSWORD), tls_dir=str(tmp_path))
        again.httpd.server_close()
        assert (tmp_path / "cert.pem").read_bytes() == made, host


def test_strict_verification(simulator):
    """The certificate also passes OpenSSL's strict X.509 checks (default on newer Pythons)."""
    context = ssl.create_default_context(cafile=simulator.cert_path)
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    with socket.create_connection(("127.0.0.1", simulator.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.version()


def test_envelope_and_get_api(client):
    """Success envelope echoes the id; GetAPI names the versions."""
    response = client.post("GetAPI", None)
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["id"] == client.next_id
    assert "12.3" in body["result"]["supportedVersions"]
    assert body["result"]["currentVersion"] == body["result"]["supportedVersions"][-1]


@pytest.mark.parametrize("auth", [None, (USER, "wrong"), ("nobody", PASSWORD)])
def test_unauthorized_is_html(simulator, auth):
    """Missing or wrong credentials: HTTP 401, HTML body with '401 Unauthorized.'."""
    response = requests.post(f"{simulator.url}/json-rpc/12.3", json={"method": "GetAPI", "id": 1}, auth=auth,
                             verify=simulator.cert_path, timeout=10)
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("text/html")
    assert "401 Unauthorized." in response.text
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")


@pytest.mark.parametrize("path", ["/json-rpc/12.4", "/json-rpc/13.0", "/json-rpc/latest", "/json-rpc", "/", "/api/12.3"])
def test_unknown_endpoint_404(simulator, path):
    """Any other path or version answers HTTP 404."""
    response = requests.post(f"{simulator.url}{path}", json={"method": "GetAPI", "id": 1}, auth=(USER, PASSWORD),
                             verify=simulator.cert_path, timeout=10)
    assert response.status_code == 404
    assert "404 Not Found" in response.text


def test_every_version_served(client):
    """Every supported version is an endpoint."""
    for version in client.call("GetAPI")["supportedVersions"]:
        assert client.post("GetAPI", None, version=version).status_code == 200


def test_get_is_405(simulator):
    """GET on a JSON-RPC path is not allowed."""
    response = requests.get(f"{simulator.url}/json-rpc/12.3", auth=(USER, PASSWORD), verify=simulator.cert_path, timeout=10)
    assert response.status_code == 405


def test_invalid_json(client):
    """A body that is not JSON: HTTP 400 with a JSON-RPC error xInvalidJSON."""
    response = client.session.post(f"{client.sim.url}/json-rpc/12.3", data=b"{nope", verify=client.verify, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["name"] == "xInvalidJSON"


def test_unknown_method_and_param_errors(client):
    """xUnknownAPIMethod, xMissingParameter, xInvalidParameterType."""
    assert client.error("NoSuchMethod", {})["name"] == "xUnknownAPIMethod"
    error = client.error("GetAsyncResult", {})
    assert error["name"] == "xMissingParameter" and "asyncHandle" in error["message"] and error["code"] == 500
    assert client.error("GetAsyncResult", {"asyncHandle": "1"})["name"] == "xInvalidParameterType"
    assert client.error("GetAsyncResult", {"asyncHandle": True})["name"] == "xInvalidParameterType"
    assert client.error("GetAsyncResult", {"asyncHandle": 1, "keepResult": "yes"})["name"] == "xInvalidParameterType"


def test_keep_alive(simulator):
    """Two requests over one HTTP/1.1 connection."""
    context = ssl.create_default_context(cafile=simulator.cert_path)
    import http.client  # pylint: disable=import-outside-toplevel
    conn = http.client.HTTPSConnection("127.0.0.1", simulator.port, context=context, timeout=10)
    import base64  # pylint: disable=import-outside-toplevel
    headers = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
               "Content-Type": "application/json"}
    for i in range(2):
        conn.request("POST", "/json-rpc/12.3", body=json.dumps({"method": "GetAPI", "id": i}), headers=headers)
        response = conn.getresponse()
        assert response.status == 200 and json.loads(response.read())["id"] == i
    conn.close()


def test_hundred_concurrent_clients(client):
    """100 clients at once, each with its own session, all answered."""
    client.call("SimConfigure", {"jobSeconds": 0.5})
    account_id = client.call("AddAccount", {"username": "many"})["accountID"]

    def one(i):
        session = requests.Session()
        url = f"{client.sim.url}/json-rpc/12.3"
        body = {"method": "CreateVolume", "id": i, "params": {"name": f"v{i}", "accountID": account_id, "totalSize": 1 << 30}}
        first = session.post(url, json=body, auth=(USER, PASSWORD), verify=client.verify, timeout=30).json()
        again = session.post(url, json={"method": "ListAsyncResults", "id": i}, auth=(USER, PASSWORD), verify=client.verify,
                             timeout=30).json()
        session.close()
        return first["result"]["volumeID"], "result" in again

    with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(one, range(100)))
    assert len({vid for vid, _ok in results}) == 100 and all(ok for _vid, ok in results)
