"""Loopback servers for what moto cannot be: ECR Public's API (botocore speaks
its real JSON protocol to it through AWS_ENDPOINT_URL_ECR_PUBLIC), and an HTTPS
proxy that records where botocore tried to go and refuses every tunnel, so no
request ever leaves the machine."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.loopback import Handler, loopback_server, serving, url_of

PUBLIC_PASSWORD = "public-bearer-token"
Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


def public_repository(
    name: str, *, alias: str = "alias", created_at: Any = 1_767_225_600
) -> dict[str, Any]:
    """A repository of ECR Public as DescribeRepositories answers it (``createdAt`` in
    epoch seconds, as the wire carries it; a datetime for botocore's Stubber)."""
    return {
        "repositoryArn": f"arn:aws:ecr-public::123456789012:repository/{name}",
        "registryId": "123456789012",
        "repositoryName": name,
        "repositoryUri": f"public.ecr.aws/{alias}/{name}",
        "createdAt": created_at,
    }


def public_token_answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    token = base64.b64encode(f"AWS:{PUBLIC_PASSWORD}".encode()).decode()
    data = {"authorizationToken": token, "expiresAt": time.time() + 12 * 3600}
    return 200, {"authorizationData": data}


def access_denied(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    message = (
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
        "sts:GetServiceBearerToken on resource: *"
    )
    return 400, {"__type": "AccessDeniedException", "message": message}


class FakeEcrPublic:
    """ECR Public's API on 127.0.0.1: operations answer from ``answers``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers: dict[str, Answer] = {"GetAuthorizationToken": public_token_answer}
        fake = self

        class StandIn(Handler):
            def do_POST(self) -> None:
                target = self.headers.get("X-Amz-Target", "")
                operation = target.rsplit(".", 1)[-1]
                body = json.loads(self.read_body() or b"{}")
                fake.calls.append((operation, body))
                answer = fake.answers.get(operation)
                status, payload = answer(body) if answer else (400, _unknown(operation))
                self.reply_json(status, payload)

        self.server = loopback_server(StandIn)
        self.url = url_of(self.server)

    def operations(self) -> list[str]:
        return [name for name, _ in self.calls]


def _unknown(operation: str) -> dict[str, Any]:
    return {"__type": "UnsupportedCommandException", "message": f"{operation} not faked"}


class ConnectRecorder:
    """An HTTPS proxy that writes down each CONNECT target and answers 502."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        recorder = self

        class Refuser(Handler):
            def do_CONNECT(self) -> None:
                recorder.targets.append(self.path)
                self.reply(502, b"", {})

        self.server = loopback_server(Refuser)
        self.url = url_of(self.server)


@pytest.fixture(name="fake")
def fake_fixture(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEcrPublic]:
    """ECR Public's API on loopback for botocore; STS and ECR stay moto's."""
    server = FakeEcrPublic()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR_PUBLIC", server.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    with serving(server.server):
        yield server
