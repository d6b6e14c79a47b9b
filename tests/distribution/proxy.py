"""A reverse proxy on loopback in front of a real registry, for faults and
counting: it counts the blob bytes that go through it (uploads and reads),
records each request's headers, can corrupt blob reads, and can answer the
first matching requests with an error status (instead of forwarding them, or
after the registry has acted on them: a lost answer). ecrctl talks to it as to
any registry (mapped in config.toml)."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.support.loopback import Handler as QuietHandler
from tests.support.loopback import Served, loopback_server

HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


class ClientGone(Exception):
    """The client closed its connection before the body it declared was sent."""


@dataclass
class Fault:
    method: str
    contains: str
    remaining: int
    status: int = 503
    after: bool = False  # forward first: the registry acts, its answer is replaced
    unread: bool = False  # answered before the body is read, then closed: a refusal


@dataclass
class Counters:
    uploaded: int = 0  # request body bytes to /blobs/uploads/
    downloaded: int = 0  # response body bytes of GET /blobs/
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    # (method, path, request headers) of every request, as received
    sent: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


class Proxy(Served):
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.counters = Counters()
        self.corrupt_blobs = False
        self.faults: list[Fault] = []
        self.delay: tuple[str, float] | None = None  # (path part, seconds) before forwarding
        self.delay_method: str | None = None  # delay only requests of this method
        self.lock = threading.Lock()
        # (X-Amz-Target or path, when it came, when it was answered) of each request
        self.spans: list[tuple[str, float, float]] = []
        proxy = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def _body(self) -> Iterator[bytes]:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            return
                        chunk = self.rfile.read(size)
                        self.rfile.readline()
                        yield chunk
                length = int(self.headers.get("Content-Length") or 0)
                while length > 0:
                    chunk = self.rfile.read(min(length, 1 << 16))
                    if not chunk:  # the client cut its request short: so does the proxy
                        raise ClientGone
                    length -= len(chunk)
                    yield chunk

            def _counted(self, body: Iterator[bytes]) -> Iterator[bytes]:
                for chunk in body:
                    if "/blobs/uploads" in self.path:
                        with proxy.lock:
                            proxy.counters.uploaded += len(chunk)
                    yield chunk

            def _fault(self) -> Fault | None:
                with proxy.lock:
                    for fault in proxy.faults:
                        if (
                            fault.remaining > 0
                            and fault.method == self.command
                            and fault.contains in self.path
                        ):
                            fault.remaining -= 1
                            return fault
                return None

            def _handle(self) -> None:
                came = time.monotonic()
                try:
                    self._serve()
                finally:
                    what = self.headers.get("X-Amz-Target") or self.path
                    with proxy.lock:
                        proxy.spans.append((what, came, time.monotonic()))

            def _serve(self) -> None:
                with proxy.lock:
                    proxy.counters.sent.append((self.command, self.path, dict(self.headers)))
                fault = self._fault()
                if fault is not None and fault.unread:
                    self._refuse(fault.status)
                    return
                if fault is not None and not fault.after:
                    status = fault.status
                    for _ in self._body():
                        pass
                    # Counted before answering: the client may read the
                    # counters as soon as it has the answer.
                    with proxy.lock:
                        proxy.counters.requests.append((self.command, self.path, status))
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                delayed = proxy.delay_method in (None, self.command)
                if proxy.delay and proxy.delay[0] in self.path and delayed:
                    time.sleep(proxy.delay[1])
                conn = http.client.HTTPConnection(proxy.upstream, timeout=120)
                conn.connect()
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
                chunked = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
                has_body = chunked or int(self.headers.get("Content-Length") or 0) > 0
                try:
                    conn.request(
                        self.command,
                        self.path,
                        body=self._counted(self._body()) if has_body else None,
                        headers=headers,
                        encode_chunked=chunked,
                    )
                except ClientGone:
                    conn.close()  # the registry sees the request end short of its length
                    self.close_connection = True
                    return
                answer = conn.getresponse()
                if fault is not None:  # acted on, but the answer is lost
                    answer.read()
                    conn.close()
                    with proxy.lock:
                        proxy.counters.requests.append((self.command, self.path, fault.status))
                    self.send_response(fault.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._relay(answer)
                conn.close()

            def _refuse(self, status: int) -> None:
                """Answer before reading the body, then close (as a front end refusing an
                upload does): the client finds its send broken, the answer waiting."""
                with proxy.lock:
                    proxy.counters.requests.append((self.command, self.path, status))
                body = b'{"errors":[{"code":"DENIED","message":"refused by the proxy"}]}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True

            def _relay(self, answer: http.client.HTTPResponse) -> None:
                blob_read = self.command == "GET" and "/blobs/sha256:" in self.path
                with proxy.lock:  # before answering, as in the fault path
                    proxy.counters.requests.append((self.command, self.path, answer.status))
                self.send_response(answer.status, answer.reason)
                length = answer.getheader("Content-Length")
                body = b"" if self.command == "HEAD" else None
                if length is None and self.command != "HEAD":
                    body = answer.read()
                    length = str(len(body))
                for key, value in answer.getheaders():
                    if key.lower() not in HOP and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", length or "0")
                self.end_headers()
                if self.command == "HEAD":
                    return
                first = True
                while True:
                    chunk = body if body is not None else answer.read(1 << 16)
                    body = b"" if body is not None else None
                    if not chunk:
                        break
                    if blob_read and answer.status == 200:
                        with proxy.lock:
                            proxy.counters.downloaded += len(chunk)
                            corrupt = proxy.corrupt_blobs and first and len(chunk) > 1000
                        if corrupt:
                            chunk = chunk[:500] + bytes([chunk[500] ^ 0xFF]) + chunk[501:]
                    first = False
                    self.wfile.write(chunk)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        super().__init__(loopback_server(Handler))

    def reset(self) -> None:
        with self.lock:
            self.counters = Counters()
