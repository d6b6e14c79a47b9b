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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from tests.support.loopback import Handler, serving_handler

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


def _handler(simulator: Simulator) -> type[Handler]:
    class StandIn(Handler):
        def do_POST(self) -> None:
            body = self.read_body()
            form = parse_qs(body.decode(), keep_blank_values=True)
            if form.get("Action") == ["SimulatePrincipalPolicy"]:
                self.reply(200, simulator.answer(form).encode(), {"Content-Type": "text/xml"})
                return
            status, data, headers = self.forward(simulator.upstream, body)
            kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "text/xml")
            self.reply(status, data, {"Content-Type": kind})

    return StandIn


@contextmanager
def simulator_in_front_of(upstream: str) -> Iterator[tuple[str, Simulator]]:
    """The stand-in's URL (127.0.0.1, a free port) and its :class:`Simulator`."""
    simulator = Simulator(upstream)
    with serving_handler(_handler(simulator)) as url:
        yield url, simulator
