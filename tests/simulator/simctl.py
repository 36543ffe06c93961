"""Tiny client for the simulator's control (and API) methods, for shell scripts: prints the JSON result.

The URL, CA and credentials come from flags or from the SIM_* variables that launch.py writes (--env-file).
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import ssl
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from simquery import query, render  # noqa: E402


def call(endpoint: str, method: str, params: dict, *, auth: tuple, ca: str | None = None) -> dict:
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
    """simctl.py [--url URL --ca CERT --username U --password P] [--query PATH] METHOD ['{json params}']."""
    parser = argparse.ArgumentParser(description="Call a simulator method and print its JSON result.")
    parser.add_argument("--url", default=os.environ.get("SIM_URL"), help="the ready line's url (default $SIM_URL)")
    parser.add_argument("--ca", default=os.environ.get("SIM_CA"), help="the simulator's cert.pem (default $SIM_CA)")
    parser.add_argument("--username", default=os.environ.get("SIM_USERNAME"), help="default $SIM_USERNAME")
    parser.add_argument("--password", default=os.environ.get("SIM_PASSWORD"), help="default $SIM_PASSWORD")
    parser.add_argument("--api-version", default="12.3")
    parser.add_argument("--query", help="print only what this path selects in the result (see simquery.py)")
    parser.add_argument("method")
    parser.add_argument("params", nargs="?", default="{}", help="JSON object")
    args = parser.parse_args(argv)
    for name in ("url", "username", "password"):
        if getattr(args, name) is None:
            sys.stderr.write(f"simctl: no --{name} and no SIM_{name.upper()} in the environment\n")
            return 1
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
    if args.query is None:
        sys.stdout.write(json.dumps(response.get("result"), indent=2, sort_keys=True) + "\n")
        return 0
    try:
        sys.stdout.write(render(query(response.get("result"), args.query)) + "\n")
    except ValueError as exc:
        sys.stderr.write(f"simctl: --query {args.query}: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
