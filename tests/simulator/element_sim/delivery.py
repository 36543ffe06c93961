"""How a reply goes onto the wire: whole, or as a transport fault (dropped, dripped, stalled, endless, cut).

Every fault delivery is bounded (it ends by itself within MAX_SECONDS), stops as soon as the client goes away and
closes the connection afterwards: a broken stream is never reused for keep-alive.
"""
from __future__ import annotations

# pylint: disable=too-few-public-methods  # a delivery is one send() strategy

import select
import socket
import threading
from http import HTTPStatus

from . import clock
from .faults import MAX_SECONDS

WRITE_SIZE = 64 * 1024
_POLL = 0.2  # how long one look for a closed client may wait for the rest of a TLS record


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class InFlight:
    """Counts the replies being sent right now (a context manager around each delivery)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    def __enter__(self):
        with self.lock:
            self.count += 1
        return self

    def __exit__(self, *_exc):
        with self.lock:
            self.count -= 1


class Wire:
    """The connection of one request as a delivery sees it: the head bytes, bounded writes, waits that notice a gone client."""

    def __init__(self, handler):
        self.handler = handler
        self.sock = handler.connection

    def head(self, reply, *, closes: bool) -> bytes:
        """The status line and headers; Content-Length is the body's unless the reply sets it or is chunked."""
        lines = [f"HTTP/1.1 {reply.status} {_phrase(reply.status)}", f"Server: {self.handler.version_string()}",
                 f"Date: {self.handler.date_time_string(clock.wall())}", f"Content-Type: {reply.content_type}"]
        headers = dict(reply.headers)
        if "Transfer-Encoding" not in headers:
            headers.setdefault("Content-Length", str(len(reply.body)))
        if closes:
            headers["Connection"] = "close"
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def write(self, data: bytes, deadline: float | None = None) -> bool:
        """Send data (before deadline if given); False if the client went away or the deadline passed."""
        timeout = self.handler.timeout if deadline is None else deadline - clock.mono()
        if timeout <= 0:
            return False
        try:
            self.sock.settimeout(timeout)
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def idle(self, seconds: float) -> bool:
        """Send nothing for seconds; False as soon as the client closes its end, True if it is still there."""
        deadline = clock.mono() + seconds
        timeout = self.sock.gettimeout()
        try:
            while (remaining := deadline - clock.mono()) > 0:
                readable, _write, _error = select.select([self.sock], [], [], remaining)
                if readable and self._peer_closed():
                    return False
            return True
        except (OSError, ValueError):
            return False
        finally:
            self._restore_timeout(timeout)

    def _peer_closed(self) -> bool:
        """Read what arrived: EOF or an error means the client is gone (stray bytes are dropped: the connection closes)."""
        try:
            self.sock.settimeout(_POLL)
            return self.sock.recv(WRITE_SIZE) == b""
        except TimeoutError:
            return False
        except OSError:
            return True

    def _restore_timeout(self, timeout) -> None:
        try:
            self.sock.settimeout(timeout)
        except OSError:
            pass

    def close(self) -> None:
        """End the connection now (no keep-alive after a fault)."""
        self.handler.close_connection = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def deliver(self, reply) -> None:
        """Send reply the way its delivery says; close the connection after a closing delivery."""
        reply.delivery.send(self, reply)
        if reply.delivery.closes:
            self.close()


class Whole:
    """Status line, headers and body at once (closes: then end the connection)."""

    answers = True

    def __init__(self, closes: bool = False):
        self.closes = closes

    def send(self, wire: Wire, reply) -> None:
        """One write; a client that went away raises to the server's error handler, as before."""
        wire.sock.sendall(wire.head(reply, closes=self.closes) + reply.body)


class Drop:
    """No answer at all: the connection is closed (drop, down, lost_answer)."""

    answers = False
    closes = True

    def send(self, wire: Wire, reply) -> None:
        """Nothing to send."""


class Drip:
    """chunk bytes every interval seconds: the body (headers at once) or, phase headers, the status line and headers too."""

    answers = True
    closes = True

    def __init__(self, chunk: int, interval: float, phase: str):
        self.chunk = chunk
        self.interval = interval
        self.phase = phase

    def send(self, wire: Wire, reply) -> None:
        """Drip until everything is out, the client goes away or MAX_SECONDS pass."""
        deadline = clock.mono() + MAX_SECONDS
        head = wire.head(reply, closes=True)
        data = head + reply.body
        start = 0
        if self.phase == "body":
            if not wire.write(head, deadline):
                return
            start = len(head)
        for offset in range(start, len(data), self.chunk):
            if offset and not self._pause(wire, deadline):
                return
            if not wire.write(data[offset:offset + self.chunk], deadline):
                return

    def _pause(self, wire: Wire, deadline: float) -> bool:
        remaining = deadline - clock.mono()
        return remaining > 0 and wire.idle(min(self.interval, remaining))


class Stall:
    """after_headers: the status line and headers, nothing for seconds, then the body."""

    answers = True
    closes = True

    def __init__(self, seconds: float):
        self.seconds = seconds

    def send(self, wire: Wire, reply) -> None:
        """The body never comes if the client goes away during the stall."""
        if wire.write(wire.head(reply, closes=True)) and wire.idle(self.seconds):
            wire.write(reply.body)


class Endless:
    """A body that never ends: WRITE_SIZE writes as fast as the client reads, until it goes away, seconds pass or length bytes are out."""

    answers = True
    closes = True

    def __init__(self, length: int, chunked: bool, seconds: float):
        self.length = length
        self.chunked = chunked
        self.seconds = seconds

    def send(self, wire: Wire, reply) -> None:
        """reply.body is the opening of the answer; filler bytes follow it."""
        deadline = clock.mono() + self.seconds
        if not wire.write(wire.head(reply, closes=True), deadline):
            return
        filler = b"a" * WRITE_SIZE
        block = reply.body + filler[len(reply.body):]
        sent = 0
        while sent < self.length:
            block = block[:self.length - sent]
            if not wire.write(self._frame(block), deadline):
                return
            sent += len(block)
            block = filler

    def _frame(self, block: bytes) -> bytes:
        return b"%x\r\n%s\r\n" % (len(block), block) if self.chunked else block


class Cut:
    """The headers with the full Content-Length, the first nbytes of the body (default half), then the connection closes."""

    answers = True
    closes = True

    def __init__(self, nbytes: int | None):
        self.nbytes = nbytes

    def send(self, wire: Wire, reply) -> None:
        """Never the whole body: at most all but its last byte."""
        body = reply.body
        size = len(body) // 2 if self.nbytes is None else self.nbytes
        wire.write(wire.head(reply, closes=True) + body[:max(0, min(size, len(body) - 1))])
