"""A loopback stand-in for IAM's SimulatePrincipalPolicy, in front of moto_server.

Why a stand-in: moto answers SimulatePrincipalPolicy with HTTP 500 (it does not
implement it), and IAM's simulator is the only other judge of ``policy test
--simulate``. This server speaks IAM's query protocol as botocore sends it (a
form-encoded POST with ``Action=SimulatePrincipalPolicy``) and answers with the
XML the IAM API reference shows (``SimulatePrincipalPolicyResult`` with
``EvaluationResults`` members of ``EvalActionName``, ``EvalResourceName``,
``EvalDecision``, ``MatchedStatements`` and ``MissingContextValues``), with the
decisions a test gives it. Every other request is passed to moto_server
unchanged, so the principal's policies still come from moto's IAM.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"


@dataclass
class Simulator:
    """What the stand-in answers (action -> decision, default allowed) and what it was asked."""

    upstream: str
    decisions: dict[str, str] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)
    requests: list[dict[str, list[str]]] = field(default_factory=list)

    def answer(self, form: dict[str, list[str]]) -> str:
        self.requests.append(form)
        actions = [form[k][0] for k in sorted(form) if k.startswith("ActionNames.member.")]
        resource = form.get("ResourceArns.member.1", ["*"])[0]
        members = "".join(self._member(action, resource) for action in actions)
        return (
            f'<SimulatePrincipalPolicyResponse xmlns="{NAMESPACE}">'
            "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
            f"<EvaluationResults>{members}</EvaluationResults>"
            "</SimulatePrincipalPolicyResult>"
            "<ResponseMetadata><RequestId>004d7059-4c14-11e5-b121-bd8c7EXAMPLE</RequestId>"
            "</ResponseMetadata></SimulatePrincipalPolicyResponse>"
        )

    def _member(self, action: str, resource: str) -> str:
        decision = self.decisions.get(action, "allowed")
        matched = ""
        if decision != "implicitDeny":
            matched = (
                "<member><SourcePolicyId>ecr-policy</SourcePolicyId>"
                "<SourcePolicyType>IAM Policy</SourcePolicyType>"
                "<EndPosition><Column>4</Column><Line>7</Line></EndPosition>"
                "<StartPosition><Column>16</Column><Line>3</Line></StartPosition></member>"
            )
        missing = "".join(f"<member>{escape(k)}</member>" for k in self.missing.get(action, []))
        return (
            f"<member><MatchedStatements>{matched}</MatchedStatements>"
            f"<MissingContextValues>{missing}</MissingContextValues>"
            f"<EvalResourceName>{escape(resource)}</EvalResourceName>"
            f"<EvalDecision>{decision}</EvalDecision>"
            f"<EvalActionName>{escape(action)}</EvalActionName></member>"
        )


def _handler(simulator: Simulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            form = parse_qs(body.decode(), keep_blank_values=True)
            if form.get("Action") == ["SimulatePrincipalPolicy"]:
                self._send(200, simulator.answer(form).encode(), "text/xml")
                return
            request = urllib.request.Request(
                simulator.upstream + self.path,
                data=body,
                headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, data, kind = answer.status, answer.read(), answer.headers
            except urllib.error.HTTPError as error:
                status, data, kind = error.code, error.read(), error.headers
            self._send(status, data, kind.get("Content-Type", "text/xml"))

        def _send(self, status: int, data: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def simulator_in_front_of(upstream: str) -> Iterator[tuple[str, Simulator]]:
    """The stand-in's URL (127.0.0.1, a free port) and its :class:`Simulator`."""
    simulator = Simulator(upstream)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(simulator))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", simulator
    finally:
        server.shutdown()
        server.server_close()
