"""A loopback proxy in front of moto_server's EC2 for what moto cannot do: the
faults (an EC2 error for one chosen call, matched on the query protocol's
form-encoded ``Action`` and one of its parameters, answered in EC2's XML error
shape as the API reference shows it; or the call forwarded to moto and its answer
lost), and a record of every call's parameters (for a change moto ignores)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>\
<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>"""


@dataclass
class Fault:
    action: str  # e.g. CreateVpcEndpoint
    param: str  # e.g. ServiceName
    value: str  # e.g. com.amazonaws.us-east-1.s3
    code: str | None = None  # answer this EC2 error; None: forward, then lose the answer


@dataclass
class Faults:
    faults: list[Fault] = field(default_factory=list)
    calls: list[dict[str, str]] = field(default_factory=list)  # every call's parameters

    def match(self, form: dict[str, list[str]]) -> Fault | None:
        action = form.get("Action", [""])[0]
        self.calls.append({k: v[0] for k, v in form.items()})
        return next(
            (f for f in self.faults if f.action == action and f.value in form.get(f.param, [])),
            None,
        )


def _handler(upstream: str, faults: Faults) -> type[BaseHTTPRequestHandler]:
    target = urlparse(upstream)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fault = faults.match(parse_qs(body.decode()))
            if fault is not None and fault.code:
                text = ERROR.format(code=fault.code, message=f"{fault.action} refused").encode()
                self.send_response(400)
                self.send_header("Content-Type", "text/xml;charset=UTF-8")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)
                return
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            conn.request("POST", self.path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            conn.close()
            if fault is not None:  # moto did it; the caller never hears
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in {"content-length", "transfer-encoding", "connection"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def ec2_proxy(upstream: str, faults: Faults) -> Iterator[str]:
    """The proxy's URL while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, faults))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
