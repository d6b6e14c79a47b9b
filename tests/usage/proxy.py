"""A fault-injecting HTTP proxy on 127.0.0.1 in front of moto_server: it answers
chosen AWS actions with AccessDenied, answers others with canned responses
(what moto cannot do: AWS's lifecycle preview) or rewrites moto's answer (the
image digest ECS reports for a task's container, which moto leaves out)."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

TARGETS = {
    "AmazonEC2ContainerServiceV20141113": "ecs",
    "AmazonEC2ContainerRegistry_V20150921": "ecr",
}


@dataclass
class Rules:
    deny: set[str] = field(default_factory=set)  # e.g. {"ecs:ListClusters"}
    respond: dict[str, Any] = field(default_factory=dict)  # action -> JSON body
    rewrite: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)


def action_of(method: str, path: str, headers: Any) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        prefix, _, operation = target.partition(".")
        return f"{TARGETS.get(prefix, prefix)}:{operation}"
    if path.startswith("/2015-03-31/functions"):
        parts = [p for p in urlparse(path).path.split("/") if p]
        if method == "GET" and len(parts) == 2:
            return "lambda:ListFunctions"
        if method == "GET" and parts[-1] == "aliases":
            return "lambda:ListAliases"
        if method == "GET" and len(parts) == 3:
            return "lambda:GetFunction"
    return f"{method} {path}"


def _handler(upstream: str, rules: Rules) -> type[BaseHTTPRequestHandler]:
    target = urlparse(upstream)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            action = action_of(self.command, self.path, self.headers)
            rules.seen.append(action)
            if action in rules.deny:
                self._deny(action)
                return
            if action in rules.respond:
                text = json.dumps(rules.respond[action]).encode()
                self._reply(200, text, {"Content-Type": "application/x-amz-json-1.1"})
                return
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            conn.request(self.command, self.path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            kept = {
                k: v
                for k, v in answer.getheaders()
                if k.lower() not in {"content-length", "transfer-encoding", "connection"}
            }
            if action in rules.rewrite and answer.status == 200:
                data = json.dumps(rules.rewrite[action](json.loads(data))).encode()
            conn.close()
            self._reply(answer.status, data, kept)

        def _deny(self, action: str) -> None:
            message = (
                f"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: {action}"
            )
            if action.startswith("lambda:"):
                body = json.dumps({"Type": "User", "Message": message}).encode()
                headers = {"x-amzn-ErrorType": "AccessDeniedException"}
                self._reply(403, body, {"Content-Type": "application/json", **headers})
                return
            body = json.dumps({"__type": "AccessDeniedException", "message": message}).encode()
            self._reply(400, body, {"Content-Type": "application/x-amz-json-1.1"})

        do_GET = do_POST = do_PUT = do_DELETE = _any

    return Handler


@contextmanager
def proxy(upstream: str, rules: Rules) -> Iterator[str]:
    """The proxy's URL while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, rules))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
