"""What SageMaker runs: every model's containers, against moto's SageMaker."""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber

from ecrctl.aws.clients import Aws
from ecrctl.usage.calls import Calls
from ecrctl.usage.model import NOT_IN_USE, Scope
from ecrctl.usage.sagemaker import ModelScan
from ecrctl.usage.scan import repository_usage
from tests.usage import world as w


def test_a_models_containers_are_in_use(in_process: None) -> None:
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    primary, pipeline, unused = (world.image("app", s, s) for s in ("a", "b", "c"))
    world.model("ranker", w.uri("app", "a"), w.uri("app", digest=pipeline))
    usage = repository_usage(Aws(), "app")
    assert w.texts(usage, primary) == ["SageMaker model ranker [tag a]"]
    assert w.texts(usage, pipeline) == ["SageMaker model ranker [digest]"]
    assert usage.status(unused) == NOT_IN_USE
    assert usage.usage.scope.models == 1


def test_a_model_that_cannot_be_described_is_a_gap(calls: Calls) -> None:
    import boto3

    client = boto3.client("sagemaker", region_name="us-east-1")
    listed = {
        "Models": [
            {
                "ModelName": "m",
                "ModelArn": "arn:aws:sagemaker:us-east-1:1:model/m",
                "CreationTime": 0,
            }
        ]
    }
    with Stubber(client) as stub:
        stub.add_response("list_models", listed, {})
        stub.add_client_error("describe_model", "ThrottlingException", "slow down")
        found: list[Any] = ModelScan(client, calls, Scope("us-east-1", 5)).run()
    assert found == []
    assert [(g.action, g.reason) for g in calls.gaps] == [("sagemaker:DescribeModel", "throttled")]
