"""Command line entry point of the Element API simulator: python3 tests/simulator/run.py --help."""
from __future__ import annotations

import argparse
import ipaddress
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from element_sim.control import MAX_TIME_SCALE  # noqa: E402
from element_sim.jobs import GONE_ERRORS  # noqa: E402
from element_sim.server import DEFAULT_CREDENTIALS, Simulator  # noqa: E402
from element_sim.state import Config  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_TLS_DIR = os.path.join(REPO_ROOT, "tests", "output", "simulator-tls")


def parse_args(argv=None) -> argparse.Namespace:
    """The simulator's flags."""
    parser = argparse.ArgumentParser(description="Element (SolidFire) JSON-RPC API simulator over HTTPS.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443, help="port; 0 picks a free one (default 8443)")
    parser.add_argument("--node-port", type=int, default=None,
                        help="also serve the per-node API (GetAPI, GetConfig, ...) on this port; 0 picks a free one "
                             "(default: off; real nodes use 442)")
    parser.add_argument("--username", default=DEFAULT_CREDENTIALS[0], help=f"Basic auth user (default {DEFAULT_CREDENTIALS[0]})")
    parser.add_argument("--password", default=DEFAULT_CREDENTIALS[1], help=f"Basic auth password (default {DEFAULT_CREDENTIALS[1]})")
    parser.add_argument("--tls-dir", default=DEFAULT_TLS_DIR, help="where cert.pem and key.pem live (default tests/output/simulator-tls)")
    parser.add_argument("--cert-ip", action="append", default=[], metavar="IP",
                        help="an IP address the certificate also names (repeatable): another simulator's, sharing "
                             "--tls-dir, so that each can reach the other over verified HTTPS")
    parser.add_argument("--job-seconds", type=float, default=3.0,
                        help="how long clone/copy/bulk jobs run, in simulated seconds (default 3.0)")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="simulated time runs this many times faster than real time for jobs (default 1.0)")
    parser.add_argument("--estimate-noise", type=float, default=0.2,
                        help="ListSyncJobs remainingTime error, 0..1: 0.2 is up to +-20%% and sometimes stale or absent (default 0.2)")
    parser.add_argument("--estimate-seed", type=int, default=1, help="seed of the remainingTime errors (default 1)")
    parser.add_argument("--clock-skew", type=float, default=0.0,
                        help="seconds the cluster's clock is ahead of the real one (negative: behind); its job dates "
                        "and Date headers show it (default 0)")
    parser.add_argument("--gone-error", choices=GONE_ERRORS, default=GONE_ERRORS[0],
                        help="error name for a consumed or unknown async handle (default xAsyncHandleDoesNotExist)")
    return parser.parse_args(argv)


def ready_line(sim: Simulator, username: str, password: str) -> str:
    """The one line on stdout: `ready ` and a JSON object with everything a client needs (see launch.py)."""
    ready = {"url": sim.url, "username": username, "password": password, "ca": sim.cert_path}
    if sim.node_url is not None:
        ready["nodeUrl"] = sim.node_url
    return "ready " + json.dumps(ready, sort_keys=True) + "\n"


def main(argv=None) -> int:
    """Start the simulator, print the ready line, serve until SIGTERM or SIGINT."""
    args = parse_args(argv)
    if args.job_seconds < 0:
        sys.stderr.write("simulator: --job-seconds must not be negative\n")
        return 2
    if not 0 < args.time_scale <= MAX_TIME_SCALE:
        sys.stderr.write(f"simulator: --time-scale must be greater than 0 and at most {MAX_TIME_SCALE}\n")
        return 2
    if not 0 <= args.estimate_noise <= 1:
        sys.stderr.write("simulator: --estimate-noise must be between 0 and 1\n")
        return 2
    config = Config(job_seconds=args.job_seconds, gone_error=args.gone_error, time_scale=args.time_scale,
                    estimate_noise=args.estimate_noise, estimate_seed=args.estimate_seed, clock_skew=args.clock_skew)
    for address in args.cert_ip:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            sys.stderr.write(f"simulator: --cert-ip takes an IP address, not {address!r}\n")
            return 2
    if args.node_port is not None and not 0 <= args.node_port <= 65535:
        sys.stderr.write("simulator: --node-port must be between 0 and 65535\n")
        return 2
    try:
        sim = Simulator((args.host, args.port), (args.username, args.password), os.path.abspath(args.tls_dir), config,
                        node_port=args.node_port, cert_ips=args.cert_ip)
    except OSError as exc:
        sys.stderr.write(f"simulator: cannot listen on {args.host} port {args.port} or node port {args.node_port}: {exc}\n")
        return 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _sig, _frame: stop.set())
    signal.signal(signal.SIGINT, lambda _sig, _frame: stop.set())
    sim.start()
    node = f", node API on {sim.node_url}" if sim.node_url is not None else ""
    sys.stderr.write(f"simulator: serving {sim.url}{node} (credentials and CA on the ready line)\n")
    sys.stderr.flush()
    sys.stdout.write(ready_line(sim, args.username, args.password))
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    sim.stop()
    sys.stderr.write("simulator: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
