"""The watchdog that holds each registry request to its deadline.

requests' own timeout bounds each socket operation, not a request: a server
that sends one byte every few seconds, in its headers or its body, holds it
for ever. Here every connection a :class:`WatchedAdapter` opens is given the
deadline of the request the thread is making (:func:`transport.running`) when
that request connects or starts; one thread ends (``shutdown``) the socket of a
connection still busy for a deadline that has passed, so the blocked read or
write fails at once, and records which host it was. A connection handed back
to its pool is no longer watched.

It watches the standard library's connections (:mod:`~ecrctl.distribution.wire`)
and urllib3's (:mod:`~ecrctl.distribution.requests_stack`) alike: anything with a
``host``, a ``port`` and a ``sock`` (or the ``ecrctl_sock`` it keeps).

Standard library only.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import Any

from ecrctl.distribution.transport import Deadline, current_deadline


class _Watchdog:
    """One thread and a heap of (time, connection, deadline), earliest first."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Any, Deadline]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, conn: Any, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._heap, (deadline.at, next(self._order), conn, deadline))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ecrctl-deadlines", daemon=True
                )
                self._thread.start()
            if self._heap[0][3] is deadline:  # only an earlier wake-up needs the thread now
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._wake.wait(wait)
                _, _, conn, deadline = heapq.heappop(self._heap)
            if getattr(conn, "ecrctl_deadline", None) is deadline:
                _cut(conn, deadline)


def _cut(conn: Any, deadline: Deadline) -> None:
    """End the connection's socket now: a blocked read sees its end, a write fails."""
    host = f"[{conn.host}]" if ":" in str(conn.host) else str(conn.host)
    deadline.cut = host if conn.port in (None, 80, 443) else f"{host}:{conn.port}"
    sock = getattr(conn, "ecrctl_sock", None) or conn.sock
    if sock is None:
        return
    with contextlib.suppress(OSError):  # socket.socket's own: an SSLSocket's would
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # drop its TLS state under a reader


WATCHDOG = _Watchdog()


def watch(conn: Any, deadline: Deadline) -> None:
    """Watch ``conn`` for ``deadline`` (once, however often it is asked)."""
    if getattr(conn, "ecrctl_deadline", None) is not deadline:
        conn.ecrctl_deadline = deadline
        WATCHDOG.watch(conn, deadline)


def unwatch(conn: Any) -> None:
    """``conn`` is idle again: no deadline of an earlier request ends it."""
    conn.ecrctl_deadline = None


def arm(conn: Any) -> None:
    """Watch ``conn`` for the deadline of the request this thread is making, if any."""
    deadline = current_deadline()
    if deadline is not None:
        watch(conn, deadline)
