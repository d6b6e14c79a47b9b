"""A bearer-token endpoint for the WWW-Authenticate challenge (there is no
Debian token server): checks one user's password with Basic auth and issues
ES256 JWTs that the real docker-registry verifies with the certificate in its
``rootcertbundle``. It grants every scope asked for to that user, and nothing
to anybody else, except with ``anonymous_pull``: then a request without
credentials gets a token for the ``pull`` action of the scopes it asks for, as
public.ecr.aws's token endpoint answers anonymous pulls."""

from __future__ import annotations

import base64
import datetime
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

ISSUER = "ecrctl-test-issuer"
SERVICE = "ecrctl-test-registry"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenServer:
    def __init__(
        self, user: str, password: str, workdir: Path, *, anonymous_pull: bool = False
    ) -> None:
        self.user, self.password = user, password
        self.anonymous_pull = anonymous_pull
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ecrctl test token signer")])
        now = datetime.datetime.now(datetime.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.bundle = workdir / "token-signer.pem"
        self.bundle.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self.issued: list[list[str]] = []  # the scopes of every token handed out
        self.anonymous: list[list[str]] = []  # the scopes handed out without credentials
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                query = parse_qs(urlparse(self.path).query)
                scopes = query.get("scope", [])
                given = self.headers.get("Authorization")
                if given is None and server.anonymous_pull:
                    scopes = [
                        s.rsplit(":", 1)[0] + ":pull"
                        for s in scopes
                        if "pull" in s.rsplit(":", 1)[-1].split(",")
                    ]
                    server.anonymous.append(scopes)
                elif given != server.basic():
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                server.issued.append(scopes)
                body = json.dumps({"token": server.token(scopes), "expires_in": 300}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.realm = f"http://127.0.0.1:{self.server.server_address[1]}/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def basic(self) -> str:
        return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()

    def token(self, scopes: list[str]) -> str:
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        der = self.cert.public_bytes(serialization.Encoding.DER)
        header = {"typ": "JWT", "alg": "ES256", "x5c": [base64.b64encode(der).decode()]}
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": self.user,
            "aud": SERVICE,
            "exp": now + 300,
            "nbf": now - 10,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        r, s = decode_dss_signature(
            self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        )
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_token_registry(workdir: Path, tokens: TokenServer) -> tuple[str, int]:
    """A real docker-registry on loopback that trusts ``tokens``: (host, pid)."""
    import shutil

    from tests.conftest import backends

    port = backends.free_port()
    config = workdir / "config.yml"
    config.write_text(
        "version: 0.1\nlog: {level: warn}\n"
        f"storage: {{filesystem: {{rootdirectory: {workdir / 'data'}}}}}\n"
        f"http: {{addr: 127.0.0.1:{port}, secret: ecrctl-tests}}\n"
        f"auth: {{token: {{realm: '{tokens.realm}', service: {SERVICE}, issuer: {ISSUER}, "
        f"rootcertbundle: {tokens.bundle}}}}}\n"
    )
    binary = shutil.which("docker-registry")
    assert binary, "docker-registry is not installed"
    proc = backends._spawn([binary, "serve", str(config)], workdir / "registry.log")
    try:
        backends.wait_http(f"http://127.0.0.1:{port}/v2/")
    except BaseException:
        backends.stop_pid(proc.pid)
        raise
    return f"127.0.0.1:{port}", proc.pid
