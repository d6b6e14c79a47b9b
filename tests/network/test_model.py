"""The pure parts of ``ecrctl network``: the target's options checked before any
call, the launch type an ECS service implies, security-group rules on TCP 443,
and the guide's names."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.network import names
from ecrctl.network.ecs import launch_type
from ecrctl.network.model import Condition, Ingress, NetworkTarget, parse_target, summarize

VPC = "vpc-0abc12345def67890"
SUBNET = "subnet-0a1b2c3d4e5f67890"

BAD: list[tuple[dict[str, Any], str]] = [
    ({}, "give one of --vpc, --subnet or --ecs-service"),
    ({"vpc": VPC, "subnets": (SUBNET,)}, "(not --vpc and --subnet)"),
    ({"vpc": "vpc-12"}, "invalid --vpc 'vpc-12'"),
    ({"vpc": "VPC-0ABC1234"}, "invalid --vpc"),
    ({"subnets": (SUBNET, "subnet-xyz")}, "invalid --subnet 'subnet-xyz'"),
    ({"ecs_service": "web"}, "invalid --ecs-service 'web'"),
    ({"ecs_service": "prod/web/x"}, "give CLUSTER/SERVICE"),
    ({"ecs_service": "prod/web", "launch_type": "EC2"}, "read from the service"),
    ({"ecs_service": "prod/web", "task_definition": "web"}, "read from the service"),
    ({"vpc": VPC, "task_definition": "web:0"}, "invalid --task-definition 'web:0'"),
    ({"vpc": VPC, "task_definition": "web", "awslogs": True}, "read from the task definition"),
]


@pytest.mark.parametrize(("options", "words"), BAD, ids=[b[1] for b in BAD])
def test_bad_targets_are_refused(options: dict[str, Any], words: str) -> None:
    arguments = {"vpc": None, "subnets": (), "ecs_service": None, **options}
    with pytest.raises(InvalidInput) as raised:
        parse_target(**arguments)
    assert words in raised.value.one_line()
    assert raised.value.exit_code == 2


def test_good_targets_and_the_options_that_name_them() -> None:
    service = parse_target(None, (), "arn:aws:ecs:us-east-1:123456789012:service/prod/web")
    assert (service.cluster, service.service) == ("prod", "web")
    assert service.options() == ["--ecs-service", "prod/web"]
    subnets = parse_target(None, (SUBNET, SUBNET), None, "web:3", "EC2")
    assert subnets.subnets == (SUBNET,)
    assert subnets.options() == [
        "--subnet",
        SUBNET,
        "--task-definition",
        "web:3",
        "--launch-type",
        "ec2",
    ]
    assert NetworkTarget(vpc=VPC, awslogs=False).options() == ["--vpc", VPC, "--no-awslogs"]


LAUNCH: list[tuple[dict[str, Any] | None, list[str], str | None]] = [
    ({"launchType": "FARGATE"}, ["EC2"], "FARGATE"),
    ({"launchType": "EC2"}, [], "EC2"),
    ({"launchType": "EXTERNAL"}, ["EC2"], None),
    # a capacity provider strategy, as DescribeServices answers it (no launchType)
    (
        {"capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]},
        [],
        "FARGATE",
    ),
    (
        {
            "capacityProviderStrategy": [
                {"capacityProvider": "FARGATE", "weight": 1},
                {"capacityProvider": "my-asg-provider", "weight": 1},
            ]
        },
        ["FARGATE"],
        "EC2",
    ),
    ({}, ["FARGATE"], "FARGATE"),
    (None, ["EC2"], "EC2"),
    (None, ["EC2", "FARGATE"], None),
    (None, [], None),
]


@pytest.mark.parametrize(("service", "compatible", "expected"), LAUNCH)
def test_launch_type(
    service: dict[str, Any] | None, compatible: list[str], expected: str | None
) -> None:
    assert launch_type(service, {"requiresCompatibilities": compatible}) == expected


RULES: list[tuple[Ingress, bool]] = [
    (Ingress("tcp", 443, 443), True),
    (Ingress("tcp", 0, 65535), True),
    (Ingress("tcp", 1024, 65535), False),
    (Ingress("tcp", 80, 80), False),
    (Ingress("-1", None, None), True),
    (Ingress("6", 400, 500), True),
    (Ingress("udp", 443, 443), False),
    (Ingress("tcp", -1, -1), True),
]


@pytest.mark.parametrize(("rule", "admits"), RULES)
def test_a_rule_admits_https(rule: Ingress, admits: bool) -> None:
    assert rule.admits_https() is admits


def test_the_guides_names() -> None:
    assert names.service_name("eu-west-1", "ecr.dkr") == "com.amazonaws.eu-west-1.ecr.dkr"
    assert names.parse_service_name("com.amazonaws.us-east-2.ecr.api") == ("us-east-2", "ecr.api")
    assert names.parse_service_name("cn.com.amazonaws.cn-north-1.ecr.dkr") == (
        "cn-north-1",
        "ecr.dkr",
    )
    assert names.parse_service_name("com.amazonaws.vpce.us-east-1.vpce-svc-0123") is None
    assert names.layer_bucket("cn-north-1", "aws-cn") == (
        "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"
    )
    minimum = json.loads(names.minimum_s3_policy("us-east-2"))
    assert minimum["Statement"][0]["Action"] == ["s3:GetObject", "s3:PutObject"]
    assert minimum["Statement"][0]["Resource"] == [
        "arn:aws:s3:::prod-us-east-2-starport-layer-bucket/*"
    ]
    kept = {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "x"}}
    added = json.loads(names.with_layer_statement(json.dumps(kept), "us-east-2"))
    assert added["Statement"][0] == kept["Statement"]
    assert added["Statement"][1] == minimum["Statement"][0]


def test_a_summary_counts_every_status() -> None:
    lines = [
        Condition(str(n), "t", status, "d") for n, status in enumerate(["ok", "ok", "fail", "warn"])
    ]
    assert summarize(lines) == {"ok": 2, "warn": 1, "fail": 1, "skip": 0}
    assert summarize([]) == {"ok": 0, "warn": 0, "fail": 0, "skip": 0}
