"""A recording stand-in for ECR's JSON 1.1 API on 127.0.0.1, in front of a real
moto_server: it records every call (operation and parameters), answers the
operations it is given itself, shaped as the ECR API reference shows, and forwards
the rest to moto.

It is used where moto 5.2 is not ECR: PutReplicationConfiguration with more than
one rule ("This feature is disabled"; ECR takes 10), and PutRegistryPolicy with
``ecr:BatchImportUpstreamImage`` (moto takes only CreateRepository and
ReplicateImage; ECR's registry policies grant the pull-through cache action too).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.support.loopback import JSON_1_1, Handler, serving_handler

Answer = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class StandIn:
    upstream: str
    answers: dict[str, Answer] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def called(self, operation: str) -> list[dict[str, Any]]:
        """The parameters of every call of ``operation``, in order."""
        return [params for name, params in self.calls if name == operation]

    def handle(self, request: Handler) -> None:
        body = request.read_body()
        operation = (request.headers.get("X-Amz-Target") or "").rpartition(".")[2]
        params = json.loads(body) if body else {}
        self.calls.append((operation, params))
        if operation in self.answers:
            answer = self.answers[operation](params)
            status = 400 if "__type" in answer else 200  # an AWS error, as ECR sends one
            request.reply_json(status, answer)
            return
        status, data, _ = request.forward(self.upstream, body)
        request.reply(status, data, {"Content-Type": JSON_1_1, "x-amzn-RequestId": "stand-in"})


@contextmanager
def stand_in(upstream: str, answers: dict[str, Answer]) -> Iterator[tuple[StandIn, str]]:
    """The stand-in and its URL while the block runs."""
    recorder = StandIn(upstream, answers)

    class Recording(Handler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            recorder.handle(self)

    with serving_handler(Recording) as url:
        yield recorder, url


def registry_answers(account: str) -> dict[str, Answer]:
    """ECR's registry-level calls over one in-memory state: DescribeRegistry,
    PutReplicationConfiguration and Get/Put/DeleteRegistryPolicy, answered as the
    API reference shows (RegistryPolicyNotFoundException when there is no policy)."""
    state: dict[str, Any] = {"replication": {"rules": []}, "policy": None}

    def put_replication(params: dict[str, Any]) -> dict[str, Any]:
        state["replication"] = params["replicationConfiguration"]
        return {"replicationConfiguration": state["replication"]}

    def put_policy(params: dict[str, Any]) -> dict[str, Any]:
        state["policy"] = params["policyText"]
        return {"registryId": account, "policyText": state["policy"]}

    def get_policy(params: dict[str, Any]) -> dict[str, Any]:
        if state["policy"] is None:
            return {
                "__type": "RegistryPolicyNotFoundException",
                "message": f"Registry policy does not exist in the registry with id '{account}'",
            }
        return {"registryId": account, "policyText": state["policy"]}

    return {
        "DescribeRegistry": lambda p: {
            "registryId": account,
            "replicationConfiguration": state["replication"],
        },
        "PutReplicationConfiguration": put_replication,
        "PutRegistryPolicy": put_policy,
        "GetRegistryPolicy": get_policy,
    }
