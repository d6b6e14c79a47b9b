"""Hostile registries, written for the tests and hostile on purpose: each answers
from a table of routes (redirects elsewhere, foreign ``Link`` and ``Location``
headers, bearer realms on other hosts, endless or trickling bodies, control
characters) and logs every request it receives with its headers, so that a
test can fail when a credential reaches a host it must not.

They bind to any loopback address (127.0.0.1 and 127.0.0.2 are both loopback
on Linux), over plain HTTP or TLS. :class:`Tunnel` is an HTTP proxy on
loopback that logs what clients ask of it: a ``CONNECT`` (the client speaks
TLS through it) or a plain request with its headers (the client sent them in
cleartext); it joins every CONNECT to one TLS server, whatever host was asked.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.loopback import Handler as QuietHandler
from tests.support.loopback import Served


@dataclass
class Seen:
    """One request as received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class Answer:
    """What to send: ``body`` bytes (Content-Length) or an iterable of parts
    (chunked); ``pause`` seconds before each part; ``trickle``: the status line and
    headers one byte at a time, ``pause`` apart."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    pause: float = 0.0
    trickle: bool = False


Respond = Answer | Callable[[Seen], Answer]


def endless(part: bytes = b"x" * (1 << 16)) -> Iterator[bytes]:
    while True:
        yield part


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class Hostile(Served):
    """One hostile registry on ``bind`` (a loopback address); ``tls``: serve HTTPS."""

    def __init__(self, bind: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Respond]] = []
        self.seen: list[Seen] = []
        self.connections = 0  # accepted, before any TLS handshake
        self.lock = threading.Lock()
        hostile = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                with hostile.lock:
                    hostile.connections += 1
                if tls is not None:  # here, not in accept: a failed handshake ends one thread
                    self.request = tls.wrap_socket(self.request, server_side=True)
                super().setup()

            def _handle(self) -> None:
                seen = Seen(self.command, self.path, dict(self.headers), self._body())
                with hostile.lock:
                    hostile.seen.append(seen)
                answer = hostile.answer(seen)
                try:
                    self._send(answer)
                except OSError:  # the client hung up: that is what a cap does
                    self.close_connection = True

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    parts = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(parts)
                        parts.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _send(self, answer: Answer) -> None:
                chunked = not isinstance(answer.body, bytes)
                head = [f"HTTP/1.1 {answer.status} {_reason(answer.status)}"]
                head += [f"{k}: {v}" for k, v in answer.headers.items()]
                framed = any(k.lower() == "content-length" for k in answer.headers)
                if self.command == "HEAD" or (chunked and framed):
                    pass  # a HEAD, or parts sent as they are under a declared length
                elif chunked:
                    head.append("Transfer-Encoding: chunked")
                elif not any(k.lower() == "content-length" for k in answer.headers):
                    head.append(f"Content-Length: {len(answer.body)}")  # type: ignore[arg-type]
                raw = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8", "surrogateescape")
                if answer.trickle:
                    for byte in raw:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(answer.pause)
                else:
                    self.wfile.write(raw)
                if self.command == "HEAD":
                    return
                if not chunked:
                    self.wfile.write(answer.body)  # type: ignore[arg-type]
                    return
                for part in answer.body:
                    if answer.pause and not answer.trickle:
                        time.sleep(answer.pause)
                    self.wfile.write(part if framed else b"%x\r\n%b\r\n" % (len(part), part))
                    self.wfile.flush()
                if framed:  # whatever was declared, the parts were all: hang up
                    self.close_connection = True
                    return
                self.wfile.write(b"0\r\n\r\n")

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        server = _QuietServer((bind, 0), Handler)
        server.daemon_threads = True
        super().__init__(server)
        self.scheme = "https" if tls else "http"

    def url(self, path: str = "") -> str:
        return f"{self.scheme}://{self.host}{path}"

    def on(self, method: str, pattern: str, respond: Respond) -> Hostile:
        """Answer ``method`` requests whose path matches ``pattern`` (a regex, searched)."""
        self.routes.append((method, re.compile(pattern), respond))
        return self

    def answer(self, seen: Seen) -> Answer:
        for method, pattern, respond in self.routes:
            if method in (seen.method, "*") and pattern.search(seen.path):
                return respond(seen) if callable(respond) else respond
        return Answer(404, {"Content-Type": "application/json"}, b'{"errors":[]}')

    def authorized(self) -> list[Seen]:
        """The requests that carried an Authorization header."""
        return [s for s in self.seen if any(k.lower() == "authorization" for k in s.headers)]

    def carried(self, *secrets: str) -> list[Seen]:
        """The requests that carried any credential: Authorization, or a secret anywhere."""
        found = self.authorized()
        for seen in self.seen:
            text = seen.path + " ".join(seen.headers.values())
            if seen not in found and any(s and s in text for s in secrets):
                found.append(seen)
        return found


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a client that refuses the certificate, or hangs up: expected here


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Whatever"


class Tunnel:
    """An HTTP proxy on 127.0.0.1 that logs every request line and its headers;
    each CONNECT, whatever host it names, is joined to ``upstream`` (HOST:PORT)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.asked: list[tuple[str, dict[str, str]]] = []  # request line, headers
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(client,), daemon=True).start()

    def _one(self, client: socket.socket) -> None:
        reader = client.makefile("rb")
        line = reader.readline().decode("latin-1").strip()
        headers: dict[str, str] = {}
        while (header := reader.readline().decode("latin-1").strip()) != "":
            name, _, value = header.partition(":")
            headers[name.strip()] = value.strip()
        self.asked.append((line, headers))
        if not line.startswith("CONNECT "):
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            client.close()
            return
        host, _, port = self.upstream.rpartition(":")
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        for one, other in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pipe, args=(one, other), daemon=True).start()

    def __enter__(self) -> Tunnel:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(1 << 16):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@dataclass
class Certificates:
    """A CA and a server certificate it signs for ``names`` (PEM files in ``workdir``)."""

    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def _alt_name(name: str) -> Any:
    """A certificate's name for ``name``: an IP address, else a DNS name."""
    from cryptography import x509

    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def make_certificates(workdir: Path, names: list[str]) -> Certificates:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ecrctl hostile test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([_alt_name(n) for n in names]), False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    workdir.mkdir(parents=True, exist_ok=True)
    paths = Certificates(workdir / "ca.pem", workdir / "server.pem", workdir / "server.key")
    paths.ca.write_bytes(ca.public_bytes(pem))
    paths.cert.write_bytes(cert.public_bytes(pem))
    paths.key.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@dataclass
class Image:
    """An image's bytes as a registry stores them: manifest, config and layers."""

    manifest: bytes
    digest: str
    blobs: dict[str, bytes]
    media_type: str = "application/vnd.oci.image.manifest.v1+json"


def make_image(layers: list[bytes]) -> Image:
    import hashlib
    import json

    def d(data: bytes) -> str:
        return "sha256:" + hashlib.sha256(data).hexdigest()

    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
    ).encode()
    blobs = {d(config): config, **{d(layer): layer for layer in layers}}
    document = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "size": len(config),
            "digest": d(config),
        },
        "layers": [
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "size": len(layer),
                "digest": d(layer),
            }
            for layer in layers
        ],
    }
    body = json.dumps(document, indent=2).encode()
    return Image(body, d(body), blobs)


def serve_image(
    hostile: Hostile,
    repository: str,
    tag: str,
    image: Image,
    guard: Callable[[Seen], Answer | None],
) -> None:
    """Routes that serve ``image`` as ``repository:tag`` to requests ``guard`` lets
    through (it answers the others, e.g. with a challenge)."""

    def manifest(seen: Seen) -> Answer:
        refused = guard(seen)
        if refused is not None:
            return refused
        headers = {"Content-Type": image.media_type, "Docker-Content-Digest": image.digest}
        return Answer(200, headers, image.manifest)

    def blob(seen: Seen) -> Answer:
        refused = guard(seen)
        if refused is not None:
            return refused
        data = image.blobs.get(seen.path.rsplit("/", 1)[-1].split("?")[0])
        if data is None:
            return Answer(404, {}, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"unknown"}]}')
        return Answer(200, {"Content-Type": "application/octet-stream"}, data)

    hostile.on("*", rf"^/v2/{repository}/manifests/({tag}|{image.digest})$", manifest)
    hostile.on("*", rf"^/v2/{repository}/blobs/sha256:", blob)


def serve_documents(
    hostile: Hostile, repository: str, tags: dict[str, str], documents: dict[str, tuple[str, bytes]]
) -> None:
    """Manifests by tag (``tags``: tag -> digest) or digest (``documents``: digest ->
    (media type, bytes)), without authentication."""

    def manifest(seen: Seen) -> Answer:
        ref = seen.path.rsplit("/", 1)[1]
        found = documents.get(tags.get(ref, ref))
        if found is None:
            return Answer(404, {}, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]}')
        digest = tags.get(ref, ref)
        return Answer(200, {"Content-Type": found[0], "Docker-Content-Digest": digest}, found[1])

    hostile.on("*", rf"^/v2/{repository}/manifests/", manifest)
