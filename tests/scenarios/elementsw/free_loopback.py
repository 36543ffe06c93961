"""Print a loopback address (127.x.y.z) on which every port given on the command line is free to listen on.

A random address of 127.0.0.0/8 keeps a scenario that needs fixed ports (443 and 442) clear of anything else on the
machine, another run of itself included. Exits 1 when no address works (ports below 1024 need root, or
net.ipv4.ip_unprivileged_port_start lowered).
"""
from __future__ import annotations

import random
import socket
import sys

TRIES = 20


def _free(host: str, ports: list) -> bool:
    sockets = []
    try:
        for port in ports:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
        return True
    except OSError:
        return False
    finally:
        for sock in sockets:
            sock.close()


def main(argv: list) -> int:
    """free_loopback.py PORT..."""
    ports = [int(port) for port in argv]
    for _attempt in range(TRIES):
        host = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        if _free(host, ports):
            print(host)
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
