"""A fault-injecting HTTP proxy on 127.0.0.1, between the installed ``ecrctl``
and a real moto_server: every fault is real (a closed socket, a lost answer, a
429, a delay, a dead server), nothing in ecrctl is patched.

Faults are matched by the AWS operation (the ``X-Amz-Target`` header's tail)
and the operation's call number (1-based, counted by the proxy):

- ``drop``: close the connection before forwarding (the server never saw it);
- ``lose``: forward, let the server act, then close without answering (botocore
  retries a call the server already did);
- ``throttle``: answer HTTP 400 ThrottlingException without forwarding;
- ``refuse``: answer HTTP 400 with the error ``code`` without forwarding (ECR
  saying no, e.g. AccessDeniedException: the server never acted);
- ``delay``: sleep ``seconds`` before forwarding;
- ``dead``: from that call on, close every connection of any operation unanswered
  (the server died, as far as the client can tell).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

import pytest

from tests.support.loopback import Handler, loopback_server, serving


@dataclass
class Fault:
    operation: str  # e.g. "BatchDeleteImage", or "*" for any
    calls: set[int] | None  # the call numbers hit; None: every call
    action: str  # drop, lose, throttle, refuse, delay, dead
    seconds: float = 0.0
    code: str = "AccessDeniedException"  # the error a ``refuse`` answers with

    def hits(self, operation: str, number: int) -> bool:
        if self.operation not in {"*", operation}:
            return False
        return self.calls is None or number in self.calls


@dataclass
class Proxy:
    upstream: str
    faults: list[Fault] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    log: list[tuple[str, int, str, dict[str, Any]]] = field(default_factory=list)
    dead: bool = False
    stopped: bool = False  # a delayed call still waiting when the test ends is dropped
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def injected(self, action: str | None = None) -> int:
        """How many faults were injected (of one action)."""
        return sum(
            1 for entry in self.log if entry[2] != "forwarded" and action in {None, entry[2]}
        )

    def decide(self, operation: str) -> tuple[int, Fault | None]:
        with self.lock:
            self.counts[operation] += 1
            number = self.counts[operation]
            if self.dead:
                return number, Fault("*", None, "dead")
            for fault in self.faults:
                if fault.hits(operation, number):
                    if fault.action == "dead":
                        self.dead = True
                    return number, fault
            return number, None

    @contextlib.contextmanager
    def running(self) -> Iterator[Proxy]:
        """The proxy on 127.0.0.1 while the block runs."""
        proxy = self

        class Forwarding(Handler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                proxy.handle(self)

            do_GET = do_POST

        self.server = loopback_server(Forwarding)
        with serving(self.server):
            try:
                yield self
            finally:
                self.stopped = True

    def handle(self, request: Handler) -> None:
        body = request.read_body()
        operation = (request.headers.get("X-Amz-Target") or "").rpartition(".")[2] or "-"
        number, fault = self.decide(operation)
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            params = {}
        action = fault.action if fault else "forwarded"
        self.log.append((operation, number, action, params))
        if fault is not None and fault.action in {"drop", "dead"}:
            _hang_up(request)
            return
        if fault is not None and fault.action == "throttle":
            request.reply_json(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
            return
        if fault is not None and fault.action == "refuse":
            refusal = {"__type": fault.code, "message": f"refused by the test proxy ({operation})"}
            request.reply_json(400, refusal)
            return
        if fault is not None and fault.action == "delay":
            time.sleep(fault.seconds)
            if self.stopped:
                _hang_up(request)
                return
        status, answer, headers = request.forward(self.upstream, body, timeout=60)
        if fault is not None and fault.action == "lose":
            _hang_up(request)
            return
        keep = {"Content-Type", "x-amzn-RequestId", "x-amz-request-id"}
        request.reply(status, answer, {k: v for k, v in headers.items() if k in keep})


def _hang_up(request: Handler) -> None:
    request.close_connection = True
    with contextlib.suppress(OSError):
        request.connection.shutdown(socket.SHUT_RDWR)


@pytest.fixture(name="proxy")
def proxy_fixture(moto_url: str) -> Iterator[Proxy]:
    """A :class:`Proxy` in front of moto_server, without faults until the test adds them.

    Import it into a test module or conftest with
    ``from tests.faults.proxy import proxy_fixture  # noqa: F401``."""
    with Proxy(moto_url).running() as proxy:
        yield proxy
