"""What AWS Batch will launch: every ACTIVE job definition's images, single-node,
multi-node, on ECS and on EKS; against moto's Batch, and through Stubber for the
node properties moto leaves out of DescribeJobDefinitions."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.usage.awsbatch import BatchScan, job_images
from ecrctl.usage.calls import Calls
from ecrctl.usage.model import IN_USE, NOT_IN_USE, Scope
from ecrctl.usage.scan import repository_usage
from tests.usage import world as w

JOB = f"arn:aws:batch:us-east-1:{w.ACCOUNT}:job-definition/train:3"


def test_every_kind_of_job_definition_names_its_images() -> None:
    definition = {
        "containerProperties": {"image": "a:1"},
        "ecsProperties": {"taskProperties": [{"containers": [{"image": "b:1"}, {"name": "x"}]}]},
        "eksProperties": {
            "podProperties": {
                "initContainers": [{"image": "c:1"}],
                "containers": [{"image": "d:1"}],
            }
        },
        "nodeProperties": {
            "nodeRangeProperties": [
                {"targetNodes": "0", "container": {"image": "e:1"}},
                {
                    "targetNodes": "1:",
                    "ecsProperties": {"taskProperties": [{"containers": [{"image": "f:1"}]}]},
                },
            ]
        },
    }
    assert job_images(definition) == ["a:1", "b:1", "c:1", "d:1", "e:1", "f:1"]
    assert job_images({"type": "container"}) == []


def test_a_job_definition_keeps_its_image_in_use(in_process: None) -> None:
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    used, unused = world.image("app", "one", "v1"), world.image("app", "two", "v2")
    world.job_definition("train", w.uri("app", "v1"))
    usage = repository_usage(Aws(), "app")
    assert w.texts(usage, used) == ["job definition train:1 [tag v1]"]
    assert usage.status(used) == IN_USE and usage.status(unused) == NOT_IN_USE
    assert usage.usage.scope.job_definitions == 1


def test_multi_node_and_inactive_definitions(calls: Calls, stubbed_batch: tuple[Any, Any]) -> None:
    client, stub = stubbed_batch
    pinned = w.uri("app", digest="sha256:" + "4" * 64)
    definitions = [
        {
            "jobDefinitionName": "train",
            "jobDefinitionArn": JOB,
            "revision": 3,
            "status": "ACTIVE",
            "type": "multinode",
            "nodeProperties": {
                "numNodes": 2,
                "mainNode": 0,
                "nodeRangeProperties": [
                    {"targetNodes": "0", "container": {"image": w.uri("app", "main")}},
                    {"targetNodes": "1:", "container": {"image": pinned}},
                ],
            },
        },
        {
            "jobDefinitionName": "old",
            "jobDefinitionArn": JOB.replace("train:3", "old:1"),
            "revision": 1,
            "status": "INACTIVE",
            "type": "container",
        },
    ]
    page = {"jobDefinitions": definitions[:1], "nextToken": "t"}
    stub.add_response("describe_job_definitions", page, {"status": "ACTIVE"})
    rest = {"jobDefinitions": definitions[1:]}
    stub.add_response("describe_job_definitions", rest, {"status": "ACTIVE", "nextToken": "t"})
    scope = Scope("us-east-1", 5)
    found = BatchScan(client, calls, scope).run()
    assert [(r.user.text(), r.uri) for r in found] == [
        ("job definition train:3", w.uri("app", "main")),
        ("job definition train:3", pinned),
    ]
    assert scope.job_definitions == 1


@pytest.mark.parametrize(
    ("code", "reason"), [("AccessDeniedException", "denied"), ("ServerException", "failed")]
)
def test_a_refused_listing_is_a_gap(
    calls: Calls, stubbed_batch: tuple[Any, Any], code: str, reason: str
) -> None:
    client, stub = stubbed_batch
    stub.add_client_error("describe_job_definitions", code, "no")
    assert BatchScan(client, calls, Scope("us-east-1", 5)).run() == []
    assert [(g.action, g.reason) for g in calls.gaps] == [("batch:DescribeJobDefinitions", reason)]
