"""``ecrctl policy iam``: templates ready to paste into IAM; moto's IAM accepts
every one of them (it validates policy documents)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import REGION, Runner
from tests.policy import guide

REPO_ARN = "arn:aws:ecr:us-east-1:123456789012:repository/team/*"


def test_list(cli: Runner) -> None:
    listed = cli("policy", "iam", "template", "--list", "-o", "json")
    assert listed.exit_code == 0
    assert [t["name"] for t in listed.json] == list(guide.IAM)
    assert listed.json[0]["aliases"] == ["AmazonEC2ContainerRegistryFullAccess"]
    table = cli("policy", "iam", "template", "--list").stdout
    assert [line.rstrip() for line in table.splitlines()] == [
        "NAME                 DESCRIPTION" + " " * 70 + "OPTIONS",
        "─" * 150,
        "full-access          AmazonEC2ContainerRegistryFullAccess: ecr:*"
        + " " * 38
        + "[--repository ARN]",
        "power-user           AmazonEC2ContainerRegistryPowerUser: read and push, no delete or "
        "policy change   [--repository ARN]",
        "read-only            AmazonEC2ContainerRegistryReadOnly: list, describe and pull"
        + " " * 22
        + "[--repository ARN]",
        "ecs-instance         the ECS container-instance role's ECR permissions (pull)"
        + " " * 25
        + "[--repository ARN]",
        "create-tagged-only   create or tag repositories only with the tag (default "
        "environment=dev)           [--repository ARN] [--tag-key K] [--tag-value V]",
        "deny-tagged          everything except repositories with the tag (default "
        "environment=prod)           [--repository ARN] [--tag-key K] [--tag-value V]",
    ]


@pytest.mark.parametrize("name", sorted(guide.IAM))
def test_template_prints_the_guide_policy(cli: Runner, name: str) -> None:
    result = cli("policy", "iam", "template", name)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == guide.IAM[name]


def test_tag_and_repository_options(cli: Runner) -> None:
    result = cli(
        "policy",
        "iam",
        "template",
        "deny-tagged",
        "--tag-key",
        "stage",
        "--tag-value",
        "live",
        "--repository",
        REPO_ARN,
    )
    policy = json.loads(result.stdout)
    assert policy["Statement"][1] == {
        "Effect": "Deny",
        "Action": "ecr:*",
        "Resource": REPO_ARN,
        "Condition": {"StringEquals": {"ecr:ResourceTag/stage": "live"}},
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give a template NAME or --list"),
        (["nope"], "unknown template 'nope'"),
        (["power-user", "--tag-value", "x"], "takes no --tag-key or --tag-value"),
        (["power-user", "--repository", "team/app"], "invalid --repository 'team/app'"),
    ],
)
def test_usage_errors(cli: Runner, args: list[str], message: str) -> None:
    result = cli("policy", "iam", "template", *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


@pytest.mark.usefixtures("moto")
@pytest.mark.parametrize("name", sorted(guide.IAM))
@pytest.mark.parametrize("repository", [[], ["--repository", REPO_ARN]], ids=["all", "scoped"])
def test_moto_iam_accepts_every_template(cli: Runner, name: str, repository: list[str]) -> None:
    import boto3

    result = cli("policy", "iam", "template", name, *repository)
    assert result.exit_code == 0, result.stderr
    iam: Any = boto3.client("iam", region_name=REGION)
    created = iam.create_policy(PolicyName=f"ecr-{name}", PolicyDocument=result.stdout)
    version = iam.get_policy_version(PolicyArn=created["Policy"]["Arn"], VersionId="v1")
    document = version["PolicyVersion"]["Document"]
    stored = json.loads(document) if isinstance(document, str) else document
    assert stored == json.loads(result.stdout)
