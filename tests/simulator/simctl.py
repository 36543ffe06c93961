"""Tiny client for the simulator's control (and API) methods, for shell scripts: prints the JSON result."""
from __future__ import annotations

import argparse
import base64
import json
import ssl
import sys
import urllib.error
import urllib.request


def call(endpoint: str, method: str, params: dict, *, ca: str | None = None, auth: tuple = ("admin", "solidfire-sim")) -> dict:
    """POST one JSON-RPC request; return the parsed response envelope."""
    context = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    request = urllib.request.Request(
        endpoint, method="POST",
        data=json.dumps({"method": method, "params": params, "id": 1}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        return json.loads(response.read().decode())


def main(argv=None) -> int:
    """simctl.py --url URL --ca CERT [--username U --password P] METHOD ['{json params}']."""
    parser = argparse.ArgumentParser(description="Call a simulator method and print its JSON result.")
    parser.add_argument("--url", required=True, help="https://HOST:PORT as printed on the ready line")
    parser.add_argument("--ca", help="the simulator's cert.pem")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default="solidfire-sim")
    parser.add_argument("--api-version", default="12.3")
    parser.add_argument("method")
    parser.add_argument("params", nargs="?", default="{}", help="JSON object")
    args = parser.parse_args(argv)
    try:
        params = json.loads(args.params)
        endpoint = f"{args.url.rstrip('/')}/json-rpc/{args.api_version}"
        response = call(endpoint, args.method, params, ca=args.ca, auth=(args.username, args.password))
    except ValueError as exc:
        sys.stderr.write(f"simctl: bad JSON: {exc}\n")
        return 1
    except urllib.error.HTTPError as exc:
        sys.stderr.write(f"simctl: HTTP {exc.code} {exc.reason}\n")
        return 1
    except (urllib.error.URLError, OSError) as exc:
        sys.stderr.write(f"simctl: {exc}\n")
        return 1
    if "error" in response:
        sys.stderr.write(json.dumps(response["error"]) + "\n")
        return 1
    sys.stdout.write(json.dumps(response.get("result"), indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
