"""Loopback HTTP servers: the stand-ins for what moto cannot answer, and the proxies in
front of moto_server. :class:`Handler` is their request handler (quiet; the body read,
an answer written, AWS's JSON 1.1 answer, the request forwarded upstream), and
:func:`serving` runs a server on 127.0.0.1 while a ``with`` block runs; a stand-in that
is itself the ``with`` block's object is a :class:`Served`."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

JSON_1_1 = "application/x-amz-json-1.1"
REQUEST_ID = "00000000-0000-0000-0000-000000000000"
HOP_BY_HOP = {"content-length", "transfer-encoding", "connection"}


class Handler(BaseHTTPRequestHandler):
    """A loopback server's request handler; it logs nothing."""

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def reply(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        """Answer ``status`` with ``headers`` and ``body`` (its length added)."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reply_json(self, status: int, payload: Any) -> None:
        """Answer as an AWS JSON 1.1 service does (an error is ``{"__type", "message"}``)."""
        headers = {"Content-Type": JSON_1_1, "x-amzn-RequestId": REQUEST_ID}
        self.reply(status, json.dumps(payload).encode(), headers)

    def forward(
        self, upstream: str, body: bytes, *, timeout: float = 30
    ) -> tuple[int, bytes, dict[str, str]]:
        """This request sent on to ``upstream`` (``http://HOST:PORT``): the answer's
        status, body and headers (but the hop-by-hop ones)."""
        target = urlsplit(upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        connection.request(self.command, self.path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        connection.close()
        kept = {k: v for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP}
        return answer.status, data, kept


def loopback_server(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """``handler``'s server on 127.0.0.1, a free port (not serving yet: :func:`serving`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True  # a kept-alive connection does not hold the server open
    return server


def url_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


class Served:
    """``server`` answering on its own thread from ``__enter__`` until ``__exit__``, then
    shut and closed; ``host`` is its ``ADDRESS:PORT``."""

    def __init__(self, server: ThreadingHTTPServer, *, poll: float = 0.05) -> None:
        self.server = server
        address, port = server.server_address[:2]
        self.host = f"{address!s}:{port}"
        self.thread = threading.Thread(target=server.serve_forever, args=(poll,), daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@contextmanager
def serving(server: ThreadingHTTPServer, *, poll: float = 0.05) -> Iterator[str]:
    """``server`` answering while the block runs (its URL); then shut and closed."""
    with Served(server, poll=poll):
        yield url_of(server)


@contextmanager
def serving_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served on 127.0.0.1 while the block runs; yields the URL."""
    with serving(loopback_server(handler)) as url:
        yield url
